"""The page an empty store opens on: how to get data in, and why community data matters."""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from musicrec_gui.ui.icons import app_icon, set_icon
from musicrec_gui.ui.widgets.text import heading, scaled_font, secondary

WHY_COMMUNITY = (
    "<b>Why community data?</b> A recommender learns which artists go together from many "
    "listeners. Your own history says what <i>you</i> like, but not what people with similar "
    "taste also play, so on its own it can only suggest artists you already know. A community "
    "dataset such as HetRec Last.fm 2K (1,892 listeners, 17,632 artists; free for "
    "non-commercial use) is enough to start discovering.")

FORMATS = ("Spotify, Last.fm, ListenBrainz, Apple Music, YouTube Music, Libre.fm, Maloja, "
           "Pano Scrobbler, Rockbox, or any CSV/TSV with artist columns. Files, folders and zips.")


class WelcomePage(QWidget):
    import_requested = Signal()
    community_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        logo = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        size = self.fontMetrics().height() * 5
        logo.setPixmap(app_icon().pixmap(QSize(size, size), self.devicePixelRatioF()))
        title = heading("Welcome to MusicRec", 2.0)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        intro = QLabel("Bring in what you listen to, train a recommender on your computer, "
                       "and discover artists — everything stays offline on this machine.",
                       wordWrap=True, alignment=Qt.AlignmentFlag.AlignCenter)

        self.import_button = self._big_button("Import your listening history…", "import",
                                              "Exports from Spotify, Last.fm, ListenBrainz… (Ctrl+O)")
        self.import_button.clicked.connect(self.import_requested)
        self.community_button = self._big_button("Add community data…", "community",
                                                 "A file, folder or zip — or download the HetRec Last.fm 2K sample")
        self.community_button.clicked.connect(self.community_requested)
        buttons = QHBoxLayout()
        buttons.addStretch()
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.community_button)
        buttons.addStretch()

        drop_hint = QLabel("…or drop files, folders or zips anywhere on this window.",
                           alignment=Qt.AlignmentFlag.AlignCenter)
        secondary(drop_hint)
        formats = QLabel(f"Supported: {FORMATS}", wordWrap=True, alignment=Qt.AlignmentFlag.AlignCenter)
        secondary(formats)
        why = QLabel(WHY_COMMUNITY, wordWrap=True)
        why.setTextFormat(Qt.TextFormat.RichText)

        column = QVBoxLayout()
        column.addStretch(2)
        for widget in (logo, title, intro):
            column.addWidget(widget)
        column.addSpacing(self.fontMetrics().height() * 2)
        column.addLayout(buttons)
        column.addWidget(drop_hint)
        column.addSpacing(self.fontMetrics().height() * 2)
        column.addWidget(why)
        column.addSpacing(self.fontMetrics().height())
        column.addWidget(formats)
        column.addStretch(3)
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(column, 4)
        outer.addStretch(1)

    def _big_button(self, text: str, icon_name: str, tip: str) -> QPushButton:
        button = QPushButton(text)
        set_icon(button, icon_name)
        button.setToolTip(tip)
        size = self.fontMetrics().height() * 2
        button.setIconSize(QSize(size, size))
        button.setFont(scaled_font(button, 1.15))
        button.setMinimumHeight(round(self.fontMetrics().height() * 3.2))
        return button
