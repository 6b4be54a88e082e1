"""Help → About: versions, where the data lives, and the datasets' credits."""
from __future__ import annotations

import importlib
import platform

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QSize, Qt, qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from musicrec_gui import APP_NAME, __version__
from musicrec_gui.core import paths
from musicrec_gui.ui.icons import app_icon

ATTRIBUTIONS = (
    "<b>HetRec 2011 Last.fm 2K</b> — GroupLens Research, University of Minnesota; released at the "
    "2nd International Workshop on Information Heterogeneity and Fusion in Recommender Systems "
    "(HetRec 2011). Non-commercial use.<br>"
    "<b>Last.fm 1K and 360K</b> — Òscar Celma, <i>Music Recommendation and Discovery in the Long "
    "Tail</i>, Springer 2010. Non-commercial use.<br>"
    "Last.fm is a trademark of Last.fm Ltd.; MusicRec is not affiliated with Last.fm, Spotify or GroupLens.")


def _version(module: str) -> str:
    """A library's version, importing it only now (torch takes a moment)."""
    try:
        return importlib.import_module(module).__version__
    except Exception:   # not installed, or broken: About must still open
        return "not available"


def versions() -> dict[str, str]:
    return {APP_NAME: __version__, "Qt": qVersion(), "PySide6": pyside_version,
            "PyTorch": _version("torch"), "pandas": _version("pandas"),
            "Python": platform.python_version()}


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"About {APP_NAME}")
        logo = QLabel()
        size = self.fontMetrics().height() * 4
        logo.setPixmap(app_icon().pixmap(QSize(size, size), self.devicePixelRatioF()))
        rows = "".join(f"<tr><td>{name}</td><td>&nbsp;{value}</td></tr>" for name, value in versions().items())
        self.text = QLabel(
            f"<h2>{APP_NAME} {__version__}</h2>"
            "<p>Import your listening history, train a biased PMF recommender on this computer, "
            "and explore artists offline.</p>"
            f"<table>{rows}</table>"
            f"<p>Data folder: <code>{paths.data_dir()}</code></p>"
            f"<p>{ATTRIBUTIONS}</p>", wordWrap=True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top = QHBoxLayout()
        top.addWidget(logo, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.text, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("x") * 80)
