"""The "Hidden artists" list: what a person marked "not for me", each with Unhide.

Not modal: the pages stay usable beside it.  The list is read off the GUI
thread and again whenever a person's choices change (``plays_changed``);
Unhide runs as a job, then the pages recompute (``ActiveModel.taste_changed``)
and the artists come back at once, with or without retraining.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from musicrec_gui.core import preferences
from musicrec_gui.core.text import count_text, display_name
from musicrec_gui.ui.widgets.person_picker import PersonPicker
from musicrec_gui.ui.widgets.text import secondary, sentence, tip_text

EMPTY = "Nothing is hidden. Right-click an artist in any list and choose “Not for me” to hide it."


class HiddenArtistsDialog(QDialog):
    def __init__(self, context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle("Hidden artists")
        self.person = PersonPicker(context.store)
        self.person.person_changed.connect(lambda _name: self.reload())
        intro = QLabel("Hidden artists are never recommended to this person, nor named as a reason. "
                       "Their plays still count in the person's taste.", wordWrap=True)
        secondary(intro)
        self.list = QListWidget()
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.itemSelectionChanged.connect(self._selection_changed)
        self.list.itemActivated.connect(lambda _item: self.unhide_selected())
        self.empty = QLabel(EMPTY, wordWrap=True)
        secondary(self.empty)
        self.unhide_button = QPushButton("Unhide")
        self.unhide_button.setToolTip("Recommend the selected artists again (Enter)")
        self.unhide_button.clicked.connect(self.unhide_selected)
        self.unhide_button.setEnabled(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        self.person_label = QLabel("Person:")
        people = QHBoxLayout()
        people.addWidget(self.person_label)
        people.addWidget(self.person)
        people.addStretch()
        row = QHBoxLayout()
        row.addWidget(self.unhide_button)
        row.addStretch()
        row.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addLayout(people)
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.empty)
        layout.addLayout(row)
        height = self.fontMetrics().height()
        self.resize(height * 28, height * 26)
        context.models.plays_changed.connect(self.reload)
        context.store_changed.connect(self.person.reload)

    def open_for(self, person: str | None) -> None:
        """Show the dialog with ``person``'s hidden artists."""
        self.person.reload()
        self.person_label.setVisible(not self.person.isHidden())   # one person: nothing to choose
        if person is not None:
            self.person.set_person(person)
        self.reload()
        self.show()
        self.raise_()
        self.activateWindow()

    def reload(self) -> None:
        """Read the person's hidden artists again (off the GUI thread)."""
        person, store = self.person.person(), self.context.store
        if person is None:
            self._show(None, [])
            return
        self.context.compute.submit((self, "hidden"), lambda: preferences.hidden_artists(store, person),
                                    lambda rows: self._show(person, rows),
                                    lambda exc: self._show(person, [], sentence(str(exc))),
                                    label="hidden_artists.list")

    def _show(self, person: str | None, rows: list[preferences.HiddenArtist], problem: str = "") -> None:
        if person != self.person.person():
            return
        self.list.clear()
        for row in rows:
            item = QListWidgetItem(display_name(row.name))
            item.setData(Qt.ItemDataRole.UserRole, row.name)
            item.setToolTip(tip_text(f"{display_name(row.name)}, hidden {row.hidden_at[:10]}"))
            self.list.addItem(item)
        self.empty.setText(problem or (EMPTY if not rows else count_text(len(rows), "hidden artist")))
        self._selection_changed()

    def hidden_names(self) -> list[str]:
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())]

    def _selection_changed(self) -> None:
        self.unhide_button.setEnabled(bool(self.list.selectedItems()))

    def unhide_selected(self):
        """Show the selected artists to the person again (a job); returns it, or None."""
        names = [item.data(Qt.ItemDataRole.UserRole) for item in self.list.selectedItems()]
        person, store = self.person.person(), self.context.store
        if not names or person is None:
            return None

        def unhide(token, report) -> None:
            for name in names:
                preferences.unhide(store, person, name)

        job = self.context.start(f"Showing {count_text(len(names), 'artist')} again", unhide)
        if job is None:
            return None
        job.succeeded.connect(lambda _: self._unhidden(person, names))
        job.failed.connect(lambda failure: self.context.error.emit(sentence(str(failure.exception))))
        job.finished.connect(self.reload)
        return job

    def _unhidden(self, person: str, names: list[str]) -> None:
        self.context.models.taste_changed()
        shown = display_name(names[0]) if len(names) == 1 else count_text(len(names), "artist")
        self.context.notice.emit(f"{shown} can be recommended to {display_name(person)} again.")
