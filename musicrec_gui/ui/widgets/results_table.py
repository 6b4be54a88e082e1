"""A sortable, filterable table of a pandas DataFrame (recommendations, similar artists, …).

One table model does both sorting and filtering on whole columns with
pandas/numpy (no per-row Python in a proxy model), so tens of thousands of
rows stay quick: the model keeps the full frame and an array of the row
positions shown, in the order shown. Filtering is accent- and
case-insensitive over the text columns (see ``search_key``); the per-row
search text is built when first needed, or beforehand off the GUI thread
(``row_search_keys``) by a page with a big frame.

Sorting a big frame by a text column compares every name (the Artists table
has 160 000 at Last.fm-360K size: about a second of Python): when the table
is given a ``background`` queue (``set_background``: the page computations),
such a sort is worked out there and applied when ready; each order is kept
until the frame changes, so sorting back and forth is instant.  Numbers sort
in a few milliseconds, on the spot.

Text cells are names from imported files: they are shown as plain text with
junk characters removed (``core.text.display_name``), and the Copy button
neutralises cells a spreadsheet would run as formulas, as the CSV export does.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QContextMenuEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QLineEdit, QTableView, QVBoxLayout, QWidget

from musicrec_gui.core.text import count_text, display_name, display_names
from musicrec_gui.ui.widgets.csv_export import safe_cell
from musicrec_gui.ui.widgets.search_key import search_key, search_keys
from musicrec_gui.ui.widgets.text import secondary, tip_text

KINDS = ("int", "float", "text", "bool")
BACKGROUND_SORT_ROWS = 20_000   # text sorts of more rows than this are worked out off the GUI thread
SORT_KEY_CHARS = 48   # text sorts compare this much of each name's search key
DISPLAY, TOOLTIP = Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole
ALIGNMENT, USER = Qt.ItemDataRole.TextAlignmentRole, Qt.ItemDataRole.UserRole
_ANSWERED = frozenset((DISPLAY, TOOLTIP, ALIGNMENT, USER))
_TOP = QModelIndex()   # the invisible root: a flat table has rows only under it
_ALIGN = {"int": int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
          "float": int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
          "bool": int(Qt.AlignmentFlag.AlignCenter)}


@dataclass(frozen=True)
class Column:
    key: str      # column of the DataFrame
    header: str   # shown in the table header
    kind: str     # "int" (1,234), "float" (0.123), "text" or "bool" (✓)


def format_cell(value, kind: str) -> str:
    """The text of one cell; missing values are blank."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if kind == "int":
        return f"{int(value):,}"
    if kind == "float":
        return f"{float(value):.3f}"
    if kind == "bool":
        return "✓" if bool(value) else ""
    return display_name(str(value))


def row_search_keys(frame: pd.DataFrame, columns: list[Column]) -> pd.Series:
    """One search string per row over the text columns (no Qt: pages build it off the GUI thread).

    The separator is no letter, so a match cannot span two columns.
    """
    keys = [search_keys(display_names(_texts(frame[c.key]))) for c in columns if c.kind == "text"]
    if len(keys) == 1:
        return pd.Series(keys[0], dtype=object)
    return pd.Series(["\x1f".join(parts) for parts in zip(*keys)] if keys else [""] * len(frame), dtype=object)


def _texts(values: pd.Series) -> list[str]:
    """The column's values as text, missing ones blank (``format_cell``'s text, before ``display_name``)."""
    return values.astype(object).where(values.notna(), "").astype(str).tolist()


def columns_of(columns: list[tuple[str, str, str] | Column]) -> list[Column]:
    """``Column``s from (key, header, kind) triples, checked."""
    specs = [c if isinstance(c, Column) else Column(*c) for c in columns]
    for spec in specs:
        if spec.kind not in KINDS:
            raise ValueError(f"unknown column kind {spec.kind!r} (use one of {', '.join(KINDS)})")
    return specs


def _copy_cell(value, kind: str) -> str:
    text = " ".join(format_cell(value, kind).split("\t")).replace("\n", " ")
    return safe_cell(text) if kind == "text" else text


def sort_order(values: pd.Series, kind: str, ascending: bool) -> np.ndarray:
    """Row positions of ``values`` sorted (numbers as numbers, text by search key), stable, blanks last.

    No Qt: a big text column is sorted off the GUI thread."""
    if kind == "text":
        return _text_order(values, ascending)
    if kind == "bool":
        values = values.astype("boolean").astype("Int8")
    return values.sort_values(ascending=ascending, kind="stable", na_position="last").index.to_numpy()


def _text_order(values: pd.Series, ascending: bool) -> np.ndarray:
    """``sort_order`` for text: by the first ``SORT_KEY_CHARS`` of each search key.

    The keys are sorted as fixed-width strings, which numpy sorts without holding the GIL:
    sorting 160 000 Python strings held it ~150 ms, and the GUI thread waited that long."""
    blank = values.isna().to_numpy()
    text = np.array([key[:SORT_KEY_CHARS] for key in search_keys(_texts(values))], dtype=f"U{SORT_KEY_CHARS}")
    if ascending:
        order = np.argsort(text, kind="stable")
    else:   # sorting the reversed keys and reversing back keeps ties in their first order
        order = (len(text) - 1 - np.argsort(text[::-1], kind="stable"))[::-1]
    return np.concatenate([order[~blank[order]], order[blank[order]]])


def _plain(value):
    """numpy scalars to Python ones, so a row dict is easy to use and compare."""
    return value.item() if isinstance(value, np.generic) else value


class FrameModel(QAbstractTableModel):
    """The frame's chosen columns, with the rows in ``view`` (positions) shown in that order."""

    sorting = Signal(bool)   # a sort is being worked out off the GUI thread (True) or was applied (False)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.background = None                 # a ComputeQueue for big text sorts (None: on the spot)
        self._orders: dict[tuple[int, bool], np.ndarray] = {}   # (column, ascending) -> order, this frame
        self.frame = pd.DataFrame()
        self.columns: list[Column] = []
        self.view = np.empty(0, dtype=np.int64)
        self._order = self.view      # all rows, in the current sort order
        self._mask = np.empty(0, dtype=bool)   # rows passing the filter
        self._row_keys: pd.Series | None = None   # search text of each row, built when first needed
        self._values: list[np.ndarray] = []    # each shown column as an array: fast cell reads
        self._pending: tuple[int, bool] | None = None   # the (column, ascending) sort being worked out

    def set_frame(self, frame: pd.DataFrame, columns: list[Column], search_keys: pd.Series | None = None) -> None:
        self.beginResetModel()
        self.frame = frame.reset_index(drop=True)
        self.columns = list(columns)
        count = len(self.frame)
        self._order = np.arange(count)
        self._mask = np.ones(count, dtype=bool)
        # (DataFrame.at costs ~30 µs a cell, too slow for a view asking thousands of cells.)
        self._values = [self.frame[c.key].to_numpy() for c in self.columns]
        self._row_keys = None if search_keys is None else search_keys.reset_index(drop=True)
        self._orders = {}
        self._pending = None
        if self.background is not None:
            self.background.forget((self, "sort"))
        self.view = self._order
        self.endResetModel()

    # -- Qt model interface ----------------------------------------------------------
    def rowCount(self, parent=_TOP) -> int:
        return 0 if parent.isValid() else len(self.view)

    def columnCount(self, parent=_TOP) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: QModelIndex, role=DISPLAY):
        # Called for many roles of every visible cell at every repaint: roles we do not answer
        # return at once, and the roles are plain module constants (a Qt enum lookup per call adds up).
        if role not in _ANSWERED or not index.isValid():
            return None
        column = self.columns[index.column()]
        value = self._values[index.column()][self.view[index.row()]]
        if role == DISPLAY:
            return format_cell(value, column.kind)
        if role == TOOLTIP:   # names cut off by a narrow column, in full
            return tip_text(format_cell(value, column.kind)) if column.kind == "text" else None
        if role == ALIGNMENT:
            return _ALIGN.get(column.kind)
        return _plain(value)   # USER

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].header
        return None

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        """Sort by a column on its values (numbers as numbers); column -1 restores the frame's order."""
        if column < 0 or column >= len(self.columns):
            self._apply_order(np.arange(len(self.frame)))
            return
        ascending = order == Qt.SortOrder.AscendingOrder
        known = self._orders.get((column, ascending))
        if known is not None:
            self._apply_order(known)
            return
        spec = self.columns[column]
        values = self.frame[spec.key]
        if spec.kind == "text" and len(values) > BACKGROUND_SORT_ROWS and self.background is not None:
            frame = self.frame
            if self._pending == (column, ascending):
                return   # Qt asks twice for one header click (indicator change, then sort): one computation
            self._pending = (column, ascending)
            self.sorting.emit(True)
            self.background.submit((self, "sort"), lambda: sort_order(values, spec.kind, ascending),
                                   lambda found: self._sorted(frame, column, ascending, found), label="table.sort")
            return
        self._orders[(column, ascending)] = sort_order(values, spec.kind, ascending)
        self._apply_order(self._orders[(column, ascending)])

    def _sorted(self, frame: pd.DataFrame, column: int, ascending: bool, order: np.ndarray) -> None:
        """A background sort is done: show it, unless another frame came meanwhile."""
        if frame is not self.frame:
            return
        self._pending = None
        self._orders[(column, ascending)] = order
        self._apply_order(order)
        self.sorting.emit(False)

    def _apply_order(self, order: np.ndarray) -> None:
        self.layoutAboutToBeChanged.emit()
        self._order = order
        self._update_view()
        self.layoutChanged.emit()

    # -- filtering and reading back ------------------------------------------------------
    def set_filter(self, text: str) -> None:
        needle = search_key(text) if text.strip() else ""
        self.beginResetModel()
        if needle:
            if self._row_keys is None:
                self._row_keys = row_search_keys(self.frame, self.columns)
            self._mask = self._row_keys.str.contains(needle, regex=False).to_numpy(dtype=bool)
        else:
            self._mask = np.ones(len(self.frame), dtype=bool)
        self._update_view()
        self.endResetModel()

    def _update_view(self) -> None:
        self.view = self._order[self._mask[self._order]]

    def row(self, row: int) -> dict:
        """All of the frame's values (not only the shown columns) of a shown row."""
        return {key: _plain(value) for key, value in self.frame.iloc[int(self.view[row])].items()}


class ResultsTable(QWidget):
    """A filter field above a sortable table; ``row_activated(dict)`` on double-click or Enter."""

    row_activated = Signal(dict)
    row_menu_requested = Signal(dict, QPoint)   # a right click on a row: the row and where (global)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = FrameModel(self)
        self.filter_field = QLineEdit(placeholderText="Filter…", clearButtonEnabled=True)
        self.filter_field.textChanged.connect(self._filter_changed)
        self.count_label = QLabel()
        secondary(self.count_label)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        # Rows one text line high plus a little air, whatever the font size.
        self.table.verticalHeader().setDefaultSectionSize(round(self.fontMetrics().height() * 1.5))
        header = self.table.horizontalHeader()
        header.setSortIndicatorClearable(True)   # a third click gives back the original order
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        # Not QTableView.activated: on some desktops that fires on a single click. Enter and
        # Copy are caught in eventFilter.
        self.table.doubleClicked.connect(lambda index: self._activate(index.row()))
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._menu_requested)
        self.table.installEventFilter(self)
        self.table.viewport().installEventFilter(self)   # the Menu key's context menu (see eventFilter)
        self.model.sorting.connect(self._sorting)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filter_field)
        layout.addWidget(self.table)
        layout.addWidget(self.count_label)

    def set_background(self, queue) -> None:
        """Work out big text sorts on ``queue`` (a ``ComputeQueue``) instead of on the GUI thread."""
        self.model.background = queue

    def set_frame(self, frame: pd.DataFrame, columns: list[tuple[str, str, str] | Column],
                  search_keys: pd.Series | None = None) -> None:
        """Show ``frame``; ``columns`` are (key, header, kind) with kind one of int, float, text, bool.

        ``search_keys``: ``row_search_keys(frame, columns)``, when built beforehand off the GUI thread."""
        specs = columns_of(columns)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.model.set_frame(frame, specs, search_keys)
        self.model.set_filter(self.filter_field.text())
        self._fit_columns(specs)
        self._update_count()

    def current_frame(self) -> pd.DataFrame:
        """The shown rows (filtered, in the shown order) and shown columns, under their frame keys."""
        keys = [c.key for c in self.model.columns]
        return self.model.frame.iloc[self.model.view][keys].reset_index(drop=True)

    def copy_to_clipboard(self) -> str:
        """Copy the shown rows as tab-separated text with a header line, as shown; returns the text.

        Text cells that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``…) get a
        leading ``'``, as in the CSV export; numbers are ours and stay numbers."""
        columns = self.model.columns
        lines = ["\t".join(safe_cell(c.header) for c in columns)]
        shown = self.model.frame.iloc[self.model.view]
        for row in shown[[c.key for c in columns]].itertuples(index=False):
            cells = (_copy_cell(value, c.kind) for value, c in zip(row, columns))
            lines.append("\t".join(cells))
        text = "\n".join(lines) + "\n"
        QGuiApplication.clipboard().setText(text)
        return text

    def eventFilter(self, watched, event) -> bool:
        if watched is self.table and event.type() == QEvent.Type.KeyPress:
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._activate(self.table.currentIndex().row())
                return True
            if event.matches(QKeySequence.StandardKey.Copy):
                self.copy_to_clipboard()
                return True
        if watched is self.table.viewport() and event.type() == QEvent.Type.ContextMenu \
                and event.reason() == QContextMenuEvent.Reason.Keyboard:
            # The Menu key (or Shift+F10) means the current row, wherever the mouse is.
            index = self.table.currentIndex()
            if index.isValid():
                self._menu_requested(self.table.visualRect(index).center())
            return True
        return super().eventFilter(watched, event)

    def _menu_requested(self, position) -> None:
        row = self.table.indexAt(position).row()
        if 0 <= row < len(self.model.view):
            self.row_menu_requested.emit(self.model.row(row), self.table.viewport().mapToGlobal(position))

    def _activate(self, row: int) -> None:
        if 0 <= row < len(self.model.view):
            self.row_activated.emit(self.model.row(row))

    def _filter_changed(self, text: str) -> None:
        self.model.set_filter(text)
        self._update_count()

    def _update_count(self) -> None:
        shown, total = len(self.model.view), len(self.model.frame)
        rows = count_text(total, "row")
        self.count_label.setText(rows if shown == total else f"{shown:,} of {rows}")

    def _sorting(self, busy: bool) -> None:
        self._update_count()
        if busy:
            self.count_label.setText(self.count_label.text() + " · sorting…")

    def _fit_columns(self, specs: list[Column]) -> None:
        """Each column as wide as its widest cell; the first text column (the name) takes the spare
        width, or gives some up (cut off, full text on hover) when the table is narrow."""
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        metrics = self.table.fontMetrics()
        padding = 2 * metrics.averageCharWidth()
        header_metrics = header.fontMetrics()
        stretch = next((number for number, spec in enumerate(specs) if spec.kind == "text"), None)
        for number, spec in enumerate(specs):
            # The stretching column's width comes from the table's, not its cells (measuring 160 000
            # names would hold the GUI thread for nothing).
            cells = [] if number == stretch else widest_cells(self.model.frame[spec.key], spec.kind)
            width = max([metrics.horizontalAdvance(text) for text in cells] + [0]) + padding
            title = header_metrics.horizontalAdvance(spec.header) + padding + metrics.averageCharWidth()
            header.resizeSection(number, max(width, title, header.minimumSectionSize()))
        if stretch is not None:
            header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)


def widest_cells(values: pd.Series, kind: str, sample: int = 20) -> list[str]:
    """The texts of the cells likely to be widest, without formatting every cell of a big column:
    the extremes of a number column, the longest texts of a text column."""
    values = values.dropna()
    if values.empty:
        return []
    if kind in ("int", "float"):
        numbers = pd.to_numeric(values, errors="coerce").dropna()
        return [format_cell(v, kind) for v in (numbers.max(), numbers.min())] if len(numbers) else []
    if kind == "bool":
        return ["✓"]
    texts = values.astype(str)
    longest = texts.str.len().nlargest(sample).index
    return [format_cell(text, kind) for text in texts.loc[longest]]
