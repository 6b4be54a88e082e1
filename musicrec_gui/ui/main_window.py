"""The main window: sidebar, pages, menus, status bar with the running job, drops anywhere.

``run_app(argv)`` is the entry point used by ``musicrec_gui/app.py``.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from PySide6.QtCore import QEvent, QSize, QTimer, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from musicrec_gui import APP_ID, APP_NAME, __version__
from musicrec_gui.core import library
from musicrec_gui.core.errors import StoreError
from musicrec_gui.core.store import Store
from musicrec_gui.core.text import display_name
from musicrec_gui.core.workflows import importing, training
from musicrec_gui.ui import settings as options
from musicrec_gui.ui.context import STATUS_MS, AppContext
from musicrec_gui.ui.dialogs.about import AboutDialog
from musicrec_gui.ui.gc_on_gui_thread import GuiThreadCollector
from musicrec_gui.ui.icons import app_icon, icon, retheme, set_icon
from musicrec_gui.ui.importing import ImportFlow
from musicrec_gui.ui.jobs import Job, JobFailure, JobRunner
from musicrec_gui.ui.log import LogDialog, install_excepthook, log_buffer
from musicrec_gui.ui.model_state import ModelGate, with_listening
from musicrec_gui.ui.pages.artists_page import ArtistsPage
from musicrec_gui.ui.pages.compare_page import ComparePage
from musicrec_gui.ui.pages.for_you_page import ForYouPage
from musicrec_gui.ui.pages.library_page import LibraryPage
from musicrec_gui.ui.pages.map_page import MapPage
from musicrec_gui.ui.pages.needs_model_page import NeedsModelPage
from musicrec_gui.ui.pages.similar_page import SimilarPage
from musicrec_gui.ui.pages.train_page import TrainPage
from musicrec_gui.ui.pages.welcome_page import WelcomePage
from musicrec_gui.ui.pages.years_page import YearsPage
from musicrec_gui.ui.settings import Settings
from musicrec_gui.ui.widgets.banner import MessageBanner
from musicrec_gui.ui.widgets.job_status import JobStatus
from musicrec_gui.ui.widgets.text import restyle_secondary, wrap_tooltips

# Sidebar entries: key, title, icon.  Ctrl+1… follow this order.
PAGES = (("library", "Library", "library"), ("train", "Train", "train"), ("artists", "Artists", "artists"),
         ("similar", "Similar", "similar"), ("for_you", "For you", "for_you"), ("map", "Map", "map"),
         ("years", "Your years", "years"), ("compare", "Compare", "compare"))

# The pages that show a trained model: key → factory(context) returning a widget with set_model().
EXPLORE_PAGES: dict = {"artists": ArtistsPage, "similar": SimilarPage, "for_you": ForYouPage, "map": MapPage,
                       "compare": ComparePage}

NEEDS_MODEL = {
    "artists": "The artists the model rates highest overall — its artist biases, a popularity-like ranking.",
    "similar": "Artists similar to one you pick: by dot product (favours popular artists) or by cosine "
               "(finds niche ones).",
    "for_you": "Artists you have not heard yet that the model expects to suit you, with the reason "
               "for each.",
    "map": "A map of the artist embeddings (PCA at once, t-SNE on request) with hover labels.",
    "compare": "Two people side by side: how alike their tastes are, the artists both love, and what each "
               "would probably like from the other's favourites.",
}


class _Sidebar(QListWidget):
    """The page list; a margin keeps the selection off the window edge."""

    def __init__(self) -> None:
        super().__init__()
        margin = self.fontMetrics().height() // 2
        self.setViewportMargins(margin, margin, margin, margin)


class MainWindow(QMainWindow):
    def __init__(self, store: Store, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.settings = settings
        self.setWindowTitle(APP_NAME)
        self.setWindowIcon(app_icon())
        self.setAcceptDrops(True)
        log_buffer()   # start collecting log lines for View → Log

        self.runner = JobRunner(self)
        self.runner.failed.connect(self._job_failed)
        self.runner.finished.connect(self._job_finished)
        self.context = AppContext(store, self.runner, settings, self)
        self.models = self.context.models
        self.imports = ImportFlow(self, self.context)
        self.log_dialog: LogDialog | None = None
        self.about_dialog: AboutDialog | None = None

        self._build_pages()
        self._connect_context()
        self._build_menus()
        self.job_status = JobStatus(self.runner)
        self.statusBar().addPermanentWidget(self.job_status)

        wrap_tooltips(self)
        self._restore_state()
        self.load_saved_model()
        self.refresh()

    # -- construction ---------------------------------------------------------------
    def _build_pages(self) -> None:
        self.sidebar = _Sidebar()
        self.sidebar.setIconSize(QSize(self.fontMetrics().height() * 3 // 2,
                                       self.fontMetrics().height() * 3 // 2))
        self.sidebar.setSpacing(self.fontMetrics().height() // 5)
        self.sidebar.setFrameShape(QListWidget.Shape.NoFrame)
        for key, title, icon_name in PAGES:
            item = QListWidgetItem(icon(icon_name), title)
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setSizeHint(QSize(0, round(self.fontMetrics().height() * 2.4)))
            self.sidebar.addItem(item)
        self.sidebar.setFixedWidth(self.fontMetrics().horizontalAdvance("x") * 20)
        self.sidebar.currentRowChanged.connect(self._sidebar_changed)

        self.welcome = WelcomePage()
        self.welcome.import_requested.connect(self.imports.choose_files)
        self.welcome.community_requested.connect(self.imports.add_community_data)
        self.library = LibraryPage(self.context)
        self.imports.selected_person = self.library.person
        self.library.import_requested.connect(self.imports.choose_files)
        self.library.community_requested.connect(self.imports.add_community_data)
        self.library.undo_confirmed.connect(self.undo)
        self.library.report_requested.connect(self.imports.show_source_report)
        self.train = TrainPage(self.context)
        self.years = YearsPage(self.context)
        self.pages: dict[str, QWidget] = {"welcome": self.welcome, "library": self.library, "train": self.train,
                                          "years": self.years}
        for key, title, icon_name in PAGES:
            if key in NEEDS_MODEL:
                placeholder = NeedsModelPage(title, icon_name, NEEDS_MODEL[key])
                placeholder.train_requested.connect(lambda: self.show_page("train"))
                factory = EXPLORE_PAGES.get(key)
                self.pages[key] = ModelGate(placeholder, lambda f=factory: f(self.context), self.models) \
                    if factory else placeholder
        self.stack = QStackedWidget()
        for page in self.pages.values():
            self.stack.addWidget(page)

        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.stack, 1)
        # Floats over the bottom of the pages: a message never moves the controls.
        self.banner = MessageBanner()
        self.banner.float_over(content)
        self.banner.log_requested.connect(self.open_log)
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.sidebar)
        row.addWidget(content, 1)
        self.setCentralWidget(central)

    def _connect_context(self) -> None:
        context = self.context
        context.store_changed.connect(self.refresh)
        context.notice.connect(self.show_notice)
        context.error.connect(self.banner.show_error)
        context.status.connect(lambda text: self.statusBar().showMessage(text, STATUS_MS))
        context.page_requested.connect(self.show_page)
        context.similar_requested.connect(self.open_similar)
        context.log_requested.connect(self.open_log)
        self.models.changed.connect(lambda model: QTimer.singleShot(0, self._build_pages_ahead) if model else None)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.import_action = self._action(file_menu, "&Import…", self.imports.choose_files,
                                          QKeySequence.StandardKey.Open, "import")
        self._action(file_menu, "Import a &Folder…", self.imports.choose_folder, "Ctrl+Shift+O")
        self.community_action = self._action(file_menu, "Add &Community Data…", self.imports.add_community_data,
                                             None, "community")
        file_menu.addSeparator()
        self.quit_action = self._action(file_menu, "&Quit", self.close, "Ctrl+Q")   # Windows has no standard Quit key

        view_menu = self.menuBar().addMenu("&View")
        self.page_actions: dict[str, QAction] = {}
        for number, (key, title, icon_name) in enumerate(PAGES, start=1):
            self.page_actions[key] = self._action(view_menu, title, lambda _=False, k=key: self.show_page(k),
                                                  f"Ctrl+{number}", icon_name)
        view_menu.addSeparator()
        self._action(view_menu, "&Log", self.open_log, "Ctrl+L", "log")

        help_menu = self.menuBar().addMenu("&Help")
        self._action(help_menu, f"&About {APP_NAME}", self.open_about)

    def _action(self, menu, text: str, slot, shortcut=None, icon_name: str | None = None) -> QAction:
        action = QAction(text, self)
        if icon_name:
            set_icon(action, icon_name)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    # -- pages ---------------------------------------------------------------------
    def show_page(self, key: str) -> None:
        """Go to a sidebar entry ("library", "train", "artists", "similar", "for_you", "map", "years", "compare")."""
        row = next(i for i, (k, _, _) in enumerate(PAGES) if k == key)
        if self.sidebar.currentRow() == row:
            self._sidebar_changed(row)
        else:
            self.sidebar.setCurrentRow(row)

    def open_similar(self, artist: str) -> None:
        """The Similar page for ``artist`` (it exists once a model does: nothing to click before)."""
        page = self.pages["similar"].ensure_page()
        if page is None:
            return
        self.show_page("similar")
        page.show_artist(artist)

    def current_page(self) -> str:
        """The key of the page on screen ("welcome" when the library is still empty)."""
        widget = self.stack.currentWidget()
        return next(key for key, page in self.pages.items() if page is widget)

    def _sidebar_changed(self, row: int) -> None:
        if row < 0:
            return
        key = PAGES[row][0]
        if key == "library" and self._store_is_empty():
            key = "welcome"
        self.stack.setCurrentWidget(self.pages[key])

    def _store_is_empty(self) -> bool:
        return not library.has_sources(self.store)

    def refresh(self) -> None:
        """Re-read the store: after every import and undo."""
        self.library.refresh()
        self._sidebar_changed(self.sidebar.currentRow())

    # -- jobs ----------------------------------------------------------------------
    def undo(self, source_id: int) -> Job | None:
        """Remove one import, in the background."""
        job = self.context.start(f"Undoing import #{source_id}", lambda token, report: importing.undo(
            self.store, source_id, token=token, report=report))
        if job is None:
            return None
        job.succeeded.connect(lambda _: self.show_notice(f"Import #{source_id} was undone."))
        job.finished.connect(self.context.store_changed)
        return job

    def _job_failed(self, failure: JobFailure) -> None:
        self.banner.show_error(failure.message)

    def _job_finished(self, job: Job) -> None:
        words = {"succeeded": "done", "cancelled": "cancelled", "failed": "failed"}
        text = job.result_text or f"{job.name}: {words.get(job.outcome, job.outcome)}"
        self.statusBar().showMessage(text, STATUS_MS)

    def show_notice(self, text: str) -> None:
        self.banner.show_info(text)
        self.statusBar().showMessage(text, STATUS_MS)

    # -- windows ---------------------------------------------------------------------
    def open_log(self) -> None:
        if self.log_dialog is None:
            self.log_dialog = LogDialog(self)
        self.log_dialog.show()
        self.log_dialog.raise_()

    def open_about(self) -> None:
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)   # importing torch takes a moment
        try:
            self.about_dialog = AboutDialog(self)
        finally:
            QApplication.restoreOverrideCursor()
        self.about_dialog.open()

    def changeEvent(self, event) -> None:
        # The system switched between light and dark: redraw the icons in the new text colour.
        if event.type() == QEvent.Type.PaletteChange:
            for row, (_, _, icon_name) in enumerate(PAGES):
                self.sidebar.item(row).setIcon(icon(icon_name))
            retheme(self)
            restyle_secondary(self)
        super().changeEvent(event)

    # -- drops -------------------------------------------------------------------------
    def dragEnterEvent(self, event) -> None:
        if _local_paths(event.mimeData()):
            event.acceptProposedAction()

    def dragMoveEvent(self, event) -> None:
        if _local_paths(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        paths = _local_paths(event.mimeData())
        if not paths:
            return
        event.acceptProposedAction()
        self.settings.set(options.LAST_IMPORT_FOLDER, str(Path(paths[0]).parent))
        self.imports.import_paths(paths)

    # -- state -------------------------------------------------------------------------
    def load_saved_model(self) -> Job | None:
        """Bring back the active saved model in the background (after a restart, no retraining)."""
        from musicrec_gui.core.engine import registry

        if registry.active_id() is None or self.runner.busy:
            return None
        store = self.store
        job = self.runner.start("Loading the saved model",
                                lambda token, report: with_listening(training.load_active(), store))
        job.succeeded.connect(lambda loaded: self._saved_model_loaded(job, loaded))
        return job

    def _build_pages_ahead(self) -> None:
        """Once there is a model, build the unbuilt exploring pages one per turn of the event loop."""
        gates = [page for page in self.pages.values() if isinstance(page, ModelGate) and page.page is None]
        if gates and self.models.model is not None:
            gates[0].build_page()
            QTimer.singleShot(0, self._build_pages_ahead)

    def _saved_model_loaded(self, job: Job, loaded: tuple) -> None:
        model = loaded[0]
        if model is None:
            return
        self.models.set_model(*loaded)
        job.result_text = f"Using the saved model “{display_name(model.name or loaded[1])}”"

    def _restore_state(self) -> None:
        geometry = self.settings.get(options.WINDOW_GEOMETRY)
        if geometry.isEmpty() or not self.restoreGeometry(geometry):
            height = self.fontMetrics().height()
            self.resize(height * 80, height * 50)
        last = self.settings.get(options.LAST_PAGE)
        keys = [key for key, _, _ in PAGES]
        self.sidebar.setCurrentRow(keys.index(last) if last in keys else 0)

    def closeEvent(self, event) -> None:
        # Stop a running job and the page computations, and wait for their threads, before the
        # window goes away.
        self.context.compute.shutdown()
        self.runner.shutdown()
        self.train.shutdown()
        self.settings.set(options.WINDOW_GEOMETRY, self.saveGeometry())
        self.settings.set(options.LAST_PAGE, PAGES[max(0, self.sidebar.currentRow())][0])
        self.settings.sync()
        for dialog in (self.log_dialog, self.about_dialog, self.imports.report_dialog):
            if dialog is not None:
                dialog.close()
        super().closeEvent(event)


def _local_paths(mime) -> list[str]:
    if not mime.hasUrls():
        return []
    return [url.toLocalFile() for url in mime.urls() if url.isLocalFile()]


# -- entry point ----------------------------------------------------------------------

def run_app(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="musicrec-gui", description=f"{APP_NAME} desktop app")
    parser.add_argument("--screenshots", metavar="DIR",
                        help="render the main pages to PNG files in DIR, then exit")
    parser.add_argument("--size", default="1200x780", metavar="WxH",
                        help="window size for --screenshots (default %(default)s)")
    args, qt_args = parser.parse_known_args(argv)
    app = QApplication.instance() or QApplication([sys.argv[0], *qt_args])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)
    app.setWindowIcon(app_icon())
    log_buffer()
    install_excepthook()
    collector = GuiThreadCollector(parent=app)   # lives as long as the app
    try:
        store = Store.open()
    except StoreError as exc:
        QMessageBox.critical(None, APP_NAME, str(exc))
        return 1
    window = MainWindow(store, Settings.open())
    if args.screenshots:
        from musicrec_gui.ui.screenshots import parse_size, take_screenshots

        try:
            size = parse_size(args.size)
        except ValueError as exc:
            parser.error(str(exc))
        written = take_screenshots(window, Path(args.screenshots), size)
        for path in written:
            print(path)
        window.close()
        return 0
    window.show()
    QTimer.singleShot(0, collector.freeze_startup_objects)
    if os.environ.get("MUSICREC_EXIT_WHEN_SHOWN"):   # bench/startup.py: time to a visible window
        QTimer.singleShot(0, lambda: (print("window-shown", flush=True), window.close()))
    status = app.exec()
    # Quit is instant: the interpreter's last garbage collection walked every object the session
    # made (3-4 s after a session with a model); nothing here needs it, the process ends anyway.
    collector.freeze_startup_objects()
    return status
