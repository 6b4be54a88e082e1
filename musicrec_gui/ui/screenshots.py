"""``musicrec-gui --screenshots DIR``: render the main pages to PNG with whatever the store holds.

For looking at the app without a display (and for documentation).
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget

from musicrec_gui.ui.dialogs.import_report import ImportOutcome, ImportReportDialog
from musicrec_gui.ui.importing import history_report


def _settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


def _save(widget: QWidget, path: Path, written: list[Path]) -> None:
    _settle()
    widget.grab().save(str(path))
    written.append(path)


def take_screenshots(window, folder: Path) -> list[Path]:
    """Write welcome.png, library.png, needs-model.png and import-report.png into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    window.resize(1200, 780)
    window.show()
    window.show_page("library")
    window.stack.setCurrentWidget(window.welcome)
    _save(window, folder / "welcome.png", written)
    window.stack.setCurrentWidget(window.library)
    _save(window, folder / "library.png", written)
    window.show_page("artists")
    _save(window, folder / "needs-model.png", written)
    outcome = history_report(window.store) or ImportOutcome([], title="No imports yet")
    dialog = ImportReportDialog(outcome, window)
    dialog.show()
    _save(dialog, folder / "import-report.png", written)
    dialog.close()
    window.show_page("library")
    return written
