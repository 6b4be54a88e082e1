"""Add community data: a file/folder/zip the user has, today's ListenBrainz statistics, or the HetRec
Last.fm 2K sample — the two downloads only on request.

``CommunityDialog`` offers the three ways and emits the one chosen; the window
(``ui/importing.py``) does the work.  Choosing ListenBrainz first asks the
mirror which statistics are newest (a job); ``ListenBrainzDialog`` then shows
what that dump is — its date, size and licence — and how much of it to keep,
each choice with what it costs here, before anything is downloaded.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from musicrec_gui.core import download
from musicrec_gui.core.community.keep import DEFAULT_KEEP, KEEP_CHOICES, Estimate
from musicrec_gui.core.text import display_name
from musicrec_gui.core.workflows.importing import CommunityOffer
from musicrec_gui.ui.icons import set_icon
from musicrec_gui.ui.pages.welcome_page import WHY_COMMUNITY
from musicrec_gui.ui.widgets.text import heading, secondary, wrap_tooltips

LISTENBRAINZ_TEXT = ("Each ListenBrainz listener's all-time top artists, rebuilt twice a month by MetaBrainz: "
                     "community data from today, so recommendations reach artists of recent years. "
                     "Public domain (CC0). MusicRec first asks the mirror which statistics are newest and "
                     "shows their date, size and what to keep before downloading anything.")
ALL_LISTENERS = "every listener in the dump: the most to learn from, and the longest to download and train"


def estimate_text(estimate: Estimate | None) -> str:
    """What keeping a choice costs, in words ("known once downloaded" for Everything)."""
    if estimate is None:
        return ALL_LISTENERS
    return estimate.text()


def size_text(size: int | None) -> str:
    if size is None:
        return "size not given by the mirror"
    return f"{size / 1e9:.1f} GB" if size >= 1e9 else f"{size / 1e6:.0f} MB"


class CommunityDialog(QDialog):
    """Emits one of the four requests and closes; the window does the work."""

    files_requested = Signal()
    folder_requested = Signal()
    download_requested = Signal()
    listenbrainz_requested = Signal()

    def __init__(self, url: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add community data")
        why = QLabel(WHY_COMMUNITY, wordWrap=True)

        have = QGroupBox("I have a dataset")
        have_text = QLabel("HetRec 2011 Last.fm 2K (folder or zip), Last.fm 360K or 1K (TSV), ListenBrainz "
                           "statistics (the .tar.zst dump or artists_all_time.jsonl), or any table with user, "
                           "artist and play-count columns.", wordWrap=True)
        self.files_button = QPushButton("Choose a file or zip…")
        set_icon(self.files_button, "import")
        self.folder_button = QPushButton("Choose a folder…")
        set_icon(self.folder_button, "library")
        row = QHBoxLayout()
        row.addWidget(self.files_button)
        row.addWidget(self.folder_button)
        row.addStretch()
        have_layout = QVBoxLayout(have)
        have_layout.addWidget(have_text)
        have_layout.addLayout(row)

        today = QGroupBox("Download today's community data from ListenBrainz (CC0)")
        self.listenbrainz_text = QLabel(LISTENBRAINZ_TEXT, wordWrap=True)
        self.listenbrainz_button = QPushButton("See the newest ListenBrainz statistics…")
        set_icon(self.listenbrainz_button, "download")
        self.listenbrainz_button.setToolTip("Asks the MetaBrainz data mirror (goes online, only when you ask)")
        today_layout = QVBoxLayout(today)
        today_layout.addWidget(self.listenbrainz_text)
        today_layout.addWidget(self.listenbrainz_button, 0, Qt.AlignmentFlag.AlignLeft)

        fetch = QGroupBox("Download the HetRec Last.fm 2K sample")
        self.address = QLabel(
            f"From GroupLens: <code>{url}</code><br>Size: {download.HETREC_SIZE_TEXT}. "
            "1,892 listeners, 17,632 artists, 92,834 listener–artist play counts (2011).<br>"
            "Free for non-commercial use; please credit GroupLens (HetRec 2011).", wordWrap=True)
        self.address.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.download_button = QPushButton("Download and import")
        set_icon(self.download_button, "download")
        self.download_button.setToolTip("Goes online, only when you ask")
        fetch_layout = QVBoxLayout(fetch)
        fetch_layout.addWidget(self.address)
        fetch_layout.addWidget(self.download_button, 0, Qt.AlignmentFlag.AlignLeft)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(why)
        layout.addWidget(have)
        layout.addWidget(today)
        layout.addWidget(fetch)
        layout.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("x") * 80)

        for button, signal in ((self.files_button, self.files_requested),
                               (self.folder_button, self.folder_requested),
                               (self.listenbrainz_button, self.listenbrainz_requested),
                               (self.download_button, self.download_requested)):
            button.clicked.connect(lambda _=False, signal=signal: self._choose(signal))
        wrap_tooltips(self)

    def _choose(self, signal) -> None:
        self.accept()
        signal.emit()


class ListenBrainzDialog(QDialog):
    """The newest statistics on the mirror and how much to keep; ``accepted`` means download them."""

    def __init__(self, offer: CommunityOffer, folder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.offer = offer
        dump = offer.dump
        self.setWindowTitle("ListenBrainz statistics")
        title = heading("Today's community data from ListenBrainz", 1.3)
        facts = QGridLayout()
        rows = (("Statistics of", dump.date_text),
                ("Archive", f"{display_name(dump.file_name)} ({size_text(dump.size)})"),
                ("Downloaded", "only each listener's top artists (artists_all_time.jsonl): the download stops "
                               "once that part is in, well before the end of the archive"),
                ("Licence", f"{offer.licence}. The dump's COPYING text, with the credit it asks for "
                            "(MetaBrainz, ListenBrainz), is saved beside the download."),
                ("Saved in", folder))
        self.facts: dict[str, QLabel] = {}
        for number, (caption, text) in enumerate(rows):
            label = QLabel(text, wordWrap=True)
            label.setTextFormat(Qt.TextFormat.PlainText)   # names from the mirror: never markup
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            facts.addWidget(QLabel(f"{caption}:"), number, 0, Qt.AlignmentFlag.AlignTop)
            facts.addWidget(label, number, 1)
            self.facts[caption] = label
        facts.setColumnStretch(1, 1)

        keep_box = QGroupBox("How much to keep")
        keep_layout = QVBoxLayout(keep_box)
        self.choices = QButtonGroup(self)
        self.choice_buttons: dict[str, QRadioButton] = {}
        self.estimates: dict[str, QLabel] = {}
        for key, choice in KEEP_CHOICES.items():
            button = QRadioButton(choice.label)
            cost = secondary(QLabel(estimate_text(offer.estimates.get(key)), wordWrap=True))
            cost.setContentsMargins(self.fontMetrics().averageCharWidth() * 3, 0, 0, 0)
            self.choices.addButton(button)
            self.choice_buttons[key] = button
            self.estimates[key] = cost
            keep_layout.addWidget(button)
            keep_layout.addWidget(cost)
        self.choice_buttons[DEFAULT_KEEP].setChecked(True)
        note = secondary(QLabel("Listeners are drawn at random (the same ones every time) among those with "
                                "enough artists; artists too few of them play are left out. Training time is "
                                "measured on 2 processor cores; a graphics card is much faster. If the "
                                "connection breaks, Try again continues where it stopped.", wordWrap=True))

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.download_button = self.buttons.addButton("Download and import", QDialogButtonBox.ButtonRole.AcceptRole)
        set_icon(self.download_button, "download")
        self.download_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(facts)
        layout.addWidget(keep_box)
        layout.addWidget(note)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("x") * 80)
        wrap_tooltips(self)

    def keep(self) -> str:
        """The keep choice ("quick", "large", "all")."""
        return next(key for key, button in self.choice_buttons.items() if button.isChecked())

    def set_keep(self, key: str) -> None:
        self.choice_buttons[key].setChecked(True)
