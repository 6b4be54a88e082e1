"""Importing a table no detector recognises: the user says which column holds what.

The first rows come from ``formats.preview_table`` (which also guesses the
delimiter and header); choosing another delimiter re-splits the same lines
here.  The result is a ``formats.ColumnMapping`` for ``formats.mapped_format``.
"""
from __future__ import annotations

import csv
import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from musicrec_gui.core import formats
from musicrec_gui.core.formats.base import Source
from musicrec_gui.core.text import display_name
from musicrec_gui.ui.widgets.text import secondary, wrap_tooltips

PREVIEW_ROWS = 20
DELIMITERS = {",": "Comma ( , )", ";": "Semicolon ( ; )", "\t": "Tab", "|": "Pipe ( | )"}
# role -> (label, header words that suggest it)
ROLES = {
    "user": ("User", ("user", "userid", "user_id", "listener", "username", "usersha1")),
    "artist": ("Artist", ("artist", "artistname", "artist_name", "artname", "band", "performer")),
    "count": ("Play count", ("plays", "playcount", "play_count", "count", "weight", "scrobbles", "listens")),
    "timestamp": ("Time", ("timestamp", "time", "date", "played_at", "datetime", "uts", "listened_at")),
    "track": ("Track", ("track", "title", "song", "track_name", "trackname", "traname", "name")),
}


class ColumnMappingDialog(QDialog):
    """Shows the first rows of ``source``; ``mapping()`` gives the choice once accepted."""

    def __init__(self, source: Source, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source = source
        self.setWindowTitle("Map the columns")
        delimiter, header, rows = formats.preview_table(source, n=PREVIEW_ROWS)
        self._lines = _head_lines(source, PREVIEW_ROWS + 1)

        # The file name is the file's, not ours: escaped, so it can never be read as markup.
        intro = QLabel(f"MusicRec does not recognise <b>{html.escape(display_name(source.name))}</b>. If it is "
                       "a table of plays, say which column holds what. Only the artist is required.", wordWrap=True)
        intro.setTextFormat(Qt.TextFormat.RichText)
        self.intro = intro
        self.delimiter = QComboBox()
        for value, label in DELIMITERS.items():
            self.delimiter.addItem(label, value)
        if delimiter not in DELIMITERS:
            self.delimiter.addItem(repr(delimiter), delimiter)
        self.delimiter.setCurrentIndex(self.delimiter.findData(delimiter))
        self.has_header = QCheckBox("First row holds column names")
        self.has_header.setChecked(header is not None)
        options = QHBoxLayout()
        options.addWidget(QLabel("Delimiter:"))
        options.addWidget(self.delimiter)
        options.addWidget(self.has_header)
        options.addStretch()

        self.preview = QTableWidget()
        self.preview.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.preview.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)

        self.combos: dict[str, QComboBox] = {}
        form = QFormLayout()
        for role, (label, _) in ROLES.items():
            combo = QComboBox()
            combo.currentIndexChanged.connect(self._update_state)
            self.combos[role] = combo
            form.addRow(f"{label}:", combo)
        self.explanation = QLabel(wordWrap=True)
        secondary(self.explanation)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Use this mapping")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(options)
        layout.addWidget(self.preview, 1)
        layout.addLayout(form)
        layout.addWidget(self.explanation)
        layout.addWidget(self.buttons)
        self.resize(self.fontMetrics().horizontalAdvance("x") * 100, self.fontMetrics().height() * 34)

        self._show(header, rows, guess=True)
        self.delimiter.currentIndexChanged.connect(self._resplit)
        self.has_header.toggled.connect(self._resplit)
        wrap_tooltips(self)

    # -- result ------------------------------------------------------------------
    def column(self, role: str) -> int | None:
        return self.combos[role].currentData()

    def set_column(self, role: str, index: int | None) -> None:
        self.combos[role].setCurrentIndex(self.combos[role].findData(index))

    def mapping(self) -> formats.ColumnMapping:
        artist = self.column("artist")
        return formats.ColumnMapping(
            delimiter=self.delimiter.currentData(), has_header=self.has_header.isChecked(),
            artist=-1 if artist is None else artist, user=self.column("user"), count=self.column("count"),
            timestamp=self.column("timestamp"), track=self.column("track"))

    # -- filling -----------------------------------------------------------------
    def _resplit(self) -> None:
        rows = list(csv.reader(self._lines, delimiter=self.delimiter.currentData()))
        header = rows.pop(0) if self.has_header.isChecked() and rows else None
        self._show(header, rows[:PREVIEW_ROWS], guess=False)

    def _show(self, header: list[str] | None, rows: list[list[str]], guess: bool) -> None:
        width = max([len(header or [])] + [len(r) for r in rows] + [1])
        names = [(header[i] if header and i < len(header) and header[i].strip() else f"Column {i + 1}")
                 for i in range(width)]
        self.preview.clear()
        self.preview.setColumnCount(width)
        self.preview.setRowCount(len(rows))
        self.preview.setHorizontalHeaderLabels(names)
        for r, row in enumerate(rows):
            for c, value in enumerate(row[:width]):
                self.preview.setItem(r, c, QTableWidgetItem(value))
        for role, combo in self.combos.items():
            previous = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem("— none —", None)
            for index, name in enumerate(names):
                combo.addItem(f"{index + 1}: {name}", index)
            keep = previous if previous is not None and previous < width else None
            if guess:
                keep = _guess(names, ROLES[role][1])
            combo.setCurrentIndex(combo.findData(keep))
            combo.blockSignals(False)
        self._update_state()

    def _update_state(self) -> None:
        ok = self.column("artist") is not None
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)
        chosen = [c for c in (self.column(r) for r in ROLES) if c is not None]
        problem = self.mapping().problem() if ok else ""
        if len(chosen) != len(set(chosen)):
            problem = "two roles use the same column"
        if problem:
            self.explanation.setText(problem[0].upper() + problem[1:] + ".")
            self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
        elif not ok:
            self.explanation.setText("Choose the column that holds the artist name.")
        elif self.column("user") is not None:
            self.explanation.setText("With a user column the table is community data: each user becomes "
                                     "a community listener.")
        else:
            self.explanation.setText("Without a user column the rows are the chosen person's own listening.")
        for c in range(self.preview.columnCount()):
            used = c in chosen
            font = self.preview.horizontalHeader().font()
            font.setBold(used)
            item = self.preview.horizontalHeaderItem(c)
            if item is not None:
                item.setFont(font)


def _guess(names: list[str], words: tuple[str, ...]) -> int | None:
    lowered = [name.strip().lower() for name in names]
    for word in words:
        if word in lowered:
            return lowered.index(word)
    return None


def _head_lines(source: Source, count: int) -> list[str]:
    """The first ``count`` lines of the source as text (for re-splitting the preview)."""
    with source.open() as stream:
        head = stream.read(256 * 1024)
    return head.decode("utf-8-sig", errors="replace").splitlines()[:count]
