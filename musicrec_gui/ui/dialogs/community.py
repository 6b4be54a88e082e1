"""Add community data: a file/folder/zip the user has, or the HetRec Last.fm 2K sample, downloaded on request."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout,
                               QWidget)

from musicrec_gui.core import download
from musicrec_gui.ui.icons import set_icon
from musicrec_gui.ui.pages.welcome_page import WHY_COMMUNITY
from musicrec_gui.ui.widgets.text import wrap_tooltips


class CommunityDialog(QDialog):
    """Emits one of the three requests and closes; the window does the work."""

    files_requested = Signal()
    folder_requested = Signal()
    download_requested = Signal()

    def __init__(self, url: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add community data")
        why = QLabel(WHY_COMMUNITY, wordWrap=True)

        have = QGroupBox("I have a dataset")
        have_text = QLabel("HetRec 2011 Last.fm 2K (folder or zip), Last.fm 360K or 1K (TSV), or any "
                           "table with user, artist and play-count columns.", wordWrap=True)
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

        fetch = QGroupBox("Download the HetRec Last.fm 2K sample")
        self.address = QLabel(
            f"From GroupLens: <code>{url}</code><br>Size: {download.HETREC_SIZE_TEXT}. "
            "1,892 listeners, 17,632 artists, 92,834 listener–artist play counts (2011).<br>"
            "Free for non-commercial use; please credit GroupLens (HetRec 2011).", wordWrap=True)
        self.address.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.download_button = QPushButton("Download and import")
        set_icon(self.download_button, "download")
        self.download_button.setToolTip("The only time MusicRec goes online, and only when you ask")
        fetch_layout = QVBoxLayout(fetch)
        fetch_layout.addWidget(self.address)
        fetch_layout.addWidget(self.download_button, 0, Qt.AlignmentFlag.AlignLeft)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(why)
        layout.addWidget(have)
        layout.addWidget(fetch)
        layout.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("x") * 80)

        for button, signal in ((self.files_button, self.files_requested),
                               (self.folder_button, self.folder_requested),
                               (self.download_button, self.download_requested)):
            button.clicked.connect(lambda _=False, signal=signal: self._choose(signal))
        wrap_tooltips(self)

    def _choose(self, signal) -> None:
        self.accept()
        signal.emit()
