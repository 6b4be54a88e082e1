"""The saved models: their metrics and date, which one the other pages use, delete with confirmation.

It shows what ``registry.list_models()`` read (small JSON sidecars) and asks
the page, through signals, to load or delete: the work happens elsewhere.
"""
from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from musicrec_gui.core.text import display_name
from musicrec_gui.ui.training.summary_card import metric_text
from musicrec_gui.ui.widgets.sortable_item import SortableItem
from musicrec_gui.ui.widgets.text import secondary

COLUMNS = ("In use", "Name", "Trained", "Data", "Recall@20", "NDCG@20", "RMSE")


def local_time(stamp: str) -> str:
    """An ISO time stamp as local "2026-05-04 14:03" (as given when unreadable)."""
    try:
        return datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone().strftime("%Y-%m-%d %H:%M")
    except (ValueError, AttributeError):
        return stamp or ""


class ModelsPanel(QWidget):
    use_requested = Signal(str)      # a model id
    delete_confirmed = Signal(str)   # a model id, after the person said yes

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.delete_confirm: QMessageBox | None = None
        self._infos: list = []
        self._busy = False
        intro = QLabel("Every finished training is kept here. The model in use is the one the Artists, "
                       "Similar, For you and Map pages show.", wordWrap=True)
        secondary(intro)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(2, Qt.SortOrder.DescendingOrder)   # newest first
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeaderItem(3).setToolTip("Listeners × artists the model learned from")
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(lambda _index: self._use())
        self.empty = QLabel("No saved models yet: train one.", alignment=Qt.AlignmentFlag.AlignCenter)
        secondary(self.empty)

        self.use_button = QPushButton("Use this model")
        self.use_button.setToolTip("Let the Artists, Similar, For you and Map pages show the selected model")
        self.use_button.clicked.connect(self._use)
        self.delete_button = QPushButton("Delete…")
        self.delete_button.setToolTip("Remove the selected model from this computer")
        self.delete_button.clicked.connect(self._ask_delete)
        buttons = QHBoxLayout()
        buttons.addStretch()
        buttons.addWidget(self.use_button)
        buttons.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, self.fontMetrics().height() // 2, 0, 0)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addLayout(buttons)
        self._update_buttons()

    def set_models(self, infos: list, in_use: str | None) -> None:
        """Show ``registry.ModelInfo`` rows; ``in_use`` is the id the other pages show."""
        self._infos = list(infos)
        chosen = self.selected_id()
        self.table.setSortingEnabled(False)   # filling a sorting table moves rows under our feet
        self.table.setRowCount(len(infos))
        for row, info in enumerate(infos):
            evaluation = info.evaluation or {}
            cells = (
                SortableItem("✓" if info.id == in_use else "", info.id == in_use),
                SortableItem(display_name(info.name)),
                SortableItem(local_time(info.created), info.created),
                SortableItem(f"{info.n_listeners:,} × {info.n_artists:,}", info.n_listeners * info.n_artists, True),
                *(SortableItem(metric_text(evaluation.get(key)), _sort_key(evaluation.get(key)), True)
                  for key in ("recall_at_20", "ndcg_at_20", "rmse")),
            )
            cells[1].setToolTip(f"{display_name(info.name)}\n{info.id}")   # a long name is cut in the column
            for column, cell in enumerate(cells):
                cell.setData(Qt.ItemDataRole.UserRole, info.id)
                if info.id == in_use:
                    font = cell.font()
                    font.setBold(True)
                    cell.setFont(font)
                self.table.setItem(row, column, cell)
            self.table.item(row, 0).setTextAlignment(Qt.AlignmentFlag.AlignCenter)
        self.table.setSortingEnabled(True)
        self.empty.setVisible(not infos)
        self.table.setVisible(bool(infos))
        self.select(chosen or in_use)
        self._update_buttons()

    def ids(self) -> list[str]:
        """The listed model ids, in the order shown."""
        return [self.table.item(row, 1).data(Qt.ItemDataRole.UserRole) for row in range(self.table.rowCount())]

    def in_use(self) -> str | None:
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).text():
                return self.table.item(row, 0).data(Qt.ItemDataRole.UserRole)
        return None

    def selected_id(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self.table.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole) if rows else None

    def select(self, model_id: str | None) -> None:
        self.table.clearSelection()
        for row, listed in enumerate(self.ids()):
            if listed == model_id:
                self.table.selectRow(row)

    def set_busy(self, busy: bool) -> None:
        """While a job runs, no loading or deleting."""
        self._busy = busy
        self._update_buttons()

    # -- actions ------------------------------------------------------------------------
    def _use(self) -> None:
        model_id = self.selected_id()
        if model_id and self.use_button.isEnabled():
            self.use_requested.emit(model_id)

    def _ask_delete(self) -> None:
        """Ask first (non-modal); ``delete_confirmed`` follows a yes."""
        model_id = self.selected_id()
        if not model_id:
            return
        info = next(i for i in self._infos if i.id == model_id)
        box = QMessageBox(QMessageBox.Icon.Question, "Delete model",
                          f"Delete the model “{info.name}” trained {local_time(info.created)}?",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self)
        box.setTextFormat(Qt.TextFormat.PlainText)   # a model's name is the person's text
        if model_id == self.in_use():
            box.setInformativeText("It is the model in use: the Artists, Similar, For you and Map pages "
                                   "will have no model until you choose or train another.")
        box.button(QMessageBox.StandardButton.Yes).setText("Delete")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.finished.connect(lambda _result: self._delete_answered(box, model_id))
        self.delete_confirm = box
        box.open()

    def _delete_answered(self, box: QMessageBox, model_id: str) -> None:
        self.delete_confirm = None
        yes = box.clickedButton() is box.button(QMessageBox.StandardButton.Yes)
        box.deleteLater()
        if yes:
            self.delete_confirmed.emit(model_id)

    def _update_buttons(self) -> None:
        selected = self.selected_id()
        self.use_button.setEnabled(bool(selected) and not self._busy and selected != self.in_use())
        self.delete_button.setEnabled(bool(selected) and not self._busy)


def _sort_key(value) -> float:
    return value if isinstance(value, (int, float)) and value == value else -1.0
