"""Before an import: the files found, what each was recognised as, and whose data it is.

Files that hold nothing to import (podcasts, audiobooks, loved tracks, a
Spotify ``Userdata.json``…) are listed as skipped, with the reason, and are not
counted as files to import.  File names are plain text, cut in the middle
(the end tells files apart), with the full path on hover.  When the plan holds
ListenBrainz statistics (a downloaded dump, or its ``artists_all_time.jsonl``),
the dialog asks how much of them to keep, as the download does.
"""
from __future__ import annotations

import os
from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from musicrec_gui.core.community.keep import DEFAULT_KEEP, KEEP_CHOICES, estimate
from musicrec_gui.core.formats import listenbrainz_stats
from musicrec_gui.core.formats.base import Format
from musicrec_gui.core.importer import PlannedSource
from musicrec_gui.core.library import DEFAULT_PERSON
from musicrec_gui.core.text import display_name
from musicrec_gui.core.workflows.importing import ImportPlan
from musicrec_gui.ui.widgets.text import secondary, tip_text, wrap_tooltips


def kind_text(item: PlannedSource) -> str:
    if item.error:
        return "not recognised"
    if item.ignored:
        return f"skipped: {item.ignored}"
    return "community dataset" if item.role == "community" else "personal export"


class ImportConfirmDialog(QDialog):
    """Lists the plan; ``accepted`` means go.  Read the result with ``planned()`` and ``person()``."""

    map_requested = Signal(int)   # index into the plan of a table to map by hand

    def __init__(self, plan: ImportPlan, people: list[str], default_person: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import")
        self.plan = ImportPlan(plan.paths, list(plan.planned), set(plan.tables))
        self._base = _common_folder(plan.paths)

        self.summary = QLabel(wordWrap=True)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(("File", "Recognised as", "Imported as"))
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        self.table.verticalHeader().hide()
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)   # the end of a path tells files apart
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

        self.person_box = QComboBox(editable=True)
        names = list(dict.fromkeys([*people, default_person or DEFAULT_PERSON]))
        self.person_box.addItems(names)
        self.person_box.setCurrentText(default_person or DEFAULT_PERSON)
        self.person_box.setToolTip("Pick someone already in the library, or type a new name")
        self.person_form = QWidget()
        form = QFormLayout(self.person_form)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("Personal exports belong to:", self.person_box)
        self.person_hint = QLabel("Community datasets keep their own listeners.")
        secondary(self.person_hint)
        form.addRow("", self.person_hint)

        self.keep_box = QComboBox()
        for key, choice in KEEP_CHOICES.items():
            cost = estimate(key)
            self.keep_box.addItem(choice.label + (f" — {cost.text()}" if cost else " — every listener in the file"),
                                  key)
        self.keep_box.setCurrentIndex(self.keep_box.findData(DEFAULT_KEEP))
        self.keep_box.setToolTip("The ListenBrainz statistics list hundreds of thousands of listeners. Quick "
                                 "keeps a random (but always the same) sample, enough to learn from and quick "
                                 "to train; Everything keeps them all.")
        self.keep_form = QWidget()
        keep_form = QFormLayout(self.keep_form)
        keep_form.setContentsMargins(0, 0, 0, 0)
        keep_form.addRow("ListenBrainz statistics, keep:", self.keep_box)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = self.buttons.addButton("Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table)
        layout.addWidget(self.person_form)
        layout.addWidget(self.keep_form)
        layout.addWidget(self.buttons)
        self.resize(self.fontMetrics().horizontalAdvance("x") * 100, self.fontMetrics().height() * 24)
        self._fill()
        wrap_tooltips(self)

    def planned(self) -> list[PlannedSource]:
        return list(self.plan.planned)

    def person(self) -> str:
        return self.person_box.currentText().strip() or DEFAULT_PERSON

    def keep(self) -> str | None:
        """How much of the ListenBrainz statistics to keep (None when the plan holds none)."""
        return self.keep_box.currentData() if self.has_statistics() else None

    def has_statistics(self) -> bool:
        return any(p.format.key == listenbrainz_stats.KEY for p in self.plan.importable())

    def set_format(self, index: int, fmt: Format) -> None:
        """Use ``fmt`` (a column mapping) for the table at ``index``."""
        self.plan.planned[index] = replace(self.plan.planned[index], format=fmt, error=None, ignored=None)
        self.plan.tables.discard(index)
        self._fill()

    def _fill(self) -> None:
        planned = self.plan.planned
        self.table.setRowCount(len(planned))
        warning = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        for row, item in enumerate(planned):
            name = QTableWidgetItem(display_name(self._short(item.source.name)))
            name.setToolTip(display_name(item.source.name))
            label = QTableWidgetItem(item.format.label if item.format else "—")
            kind = QTableWidgetItem(kind_text(item))
            if item.error:
                kind.setIcon(warning)
                kind.setToolTip(tip_text(display_name(item.error)))
                name.setToolTip(tip_text(display_name(item.error)))
            elif item.ignored:
                for cell in (name, label, kind):
                    cell.setForeground(self.palette().placeholderText())
                    cell.setToolTip(tip_text(f"Skipped: {item.ignored}"))
            for column, cell in enumerate((name, label, kind)):
                self.table.setItem(row, column, cell)
            self.table.removeCellWidget(row, 2)
            if row in self.plan.tables:
                button = QPushButton("Map columns…")
                button.setToolTip("Choose which columns hold the user, artist, count, time and track")
                button.clicked.connect(lambda _=False, index=row: self.map_requested.emit(index))
                self.table.setCellWidget(row, 2, button)

        importable = self.plan.importable()
        personal = sum(1 for p in importable if p.role == "personal")
        community = len(importable) - personal
        skipped = sum(1 for p in planned if p.ignored)
        failed = sum(1 for p in planned if p.error)
        parts = [f"{len(importable)} file{'s' if len(importable) != 1 else ''} to import"
                 f" ({personal} personal, {community} community)"]
        if skipped:
            parts.append(f"{skipped} skipped (no listening data)")
        if failed:
            parts.append(f"{failed} not recognised" + (" — map the columns of a table to import it"
                                                       if self.plan.tables else ""))
        self.summary.setText(" · ".join(parts))
        self.person_form.setVisible(personal > 0)
        self.keep_form.setVisible(self.has_statistics())
        self.import_button.setEnabled(bool(importable))
        self.import_button.setText(f"Import {len(importable)} file{'s' if len(importable) != 1 else ''}"
                                   if importable else "Import")

    def _short(self, name: str) -> str:
        base = self._base.rstrip(os.sep)
        if self._base and name.startswith(base + os.sep):
            return name[len(base) + 1:]
        return name


def _common_folder(paths: list[str]) -> str:
    """The folder holding every dropped path (file names are shown relative to it)."""
    if not paths:
        return ""
    absolute = [os.path.abspath(p) for p in paths]
    try:
        common = os.path.commonpath(absolute)
    except ValueError:   # different drives
        return ""
    # One dropped folder or file: keep its own name visible.
    return os.path.dirname(common) if common in absolute else common
