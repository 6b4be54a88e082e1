"""The main window (a first version: store summary and how to import)."""
from __future__ import annotations

import sys

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QVBoxLayout, QWidget

from musicrec_gui import APP_NAME, __version__
from musicrec_gui.core import importer, paths
from musicrec_gui.core.store import Store


class MainWindow(QMainWindow):
    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.setWindowTitle(APP_NAME)
        self.resize(900, 600)
        body = QWidget()
        layout = QVBoxLayout(body)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.summary)
        self.setCentralWidget(body)
        self.refresh()

    def refresh(self) -> None:
        stats = importer.store_stats(self.store)
        if stats["sources"] == 0:
            text = ("<h2>Your store is empty</h2>"
                    "<p>Import your listening history (Spotify, Last.fm, ListenBrainz… exports) and a "
                    "community dataset such as HetRec Last.fm 2K:</p>"
                    "<p><code>musicrec import PATH</code></p>")
        else:
            text = (f"<h2>{stats['artists']:,} artists, {stats['plays']:,} plays</h2>"
                    f"<p>{stats['people']} people, {stats['community_listeners']:,} community listeners, "
                    f"{stats['sources']} imports.</p>")
        self.summary.setText(text + f"<p><small>Data folder: {paths.data_dir()}</small></p>")


def run_app(argv: list[str]) -> int:
    if "--version" in argv:
        print(f"{APP_NAME} {__version__}")
        return 0
    app = QApplication.instance() or QApplication([sys.argv[0], *argv])
    window = MainWindow(Store.open())
    window.show()
    return app.exec()
