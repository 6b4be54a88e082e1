"""The Train page: settings, learning-rate finder, embedding-size search, live training, saved models.

A thin layer over ``core/workflows/training``: every job body lives there and
runs on the job thread (never on the GUI thread); this module only starts
jobs, routes their events to the panels and hands finished models to
``context.models``, which the Artists, Similar, For you and Map pages follow.
"""
from __future__ import annotations

import html

from PySide6.QtCore import QTimer, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from musicrec_gui.core import library
from musicrec_gui.core.engine import registry
from musicrec_gui.core.engine.dim_search import size_grid, trial_epochs
from musicrec_gui.core.engine.events import BatchPoints, DimEvent, EpochEvent, LRFinderEvent
from musicrec_gui.core.engine.settings import PRESETS, Settings
from musicrec_gui.core.errors import MusicRecError
from musicrec_gui.core.formats import FORMATS
from musicrec_gui.core.jobs import StopToken
from musicrec_gui.core.text import display_name
from musicrec_gui.core.workflows import training
from musicrec_gui.ui import settings as options
from musicrec_gui.ui.icons import set_icon
from musicrec_gui.ui.jobs import Job
from musicrec_gui.ui.model_state import with_listening
from musicrec_gui.ui.training.device_probe import DeviceProbe
from musicrec_gui.ui.training.dim_panel import DimPanel
from musicrec_gui.ui.training.empty_state import EmptyState
from musicrec_gui.ui.training.lr_panel import LrPanel
from musicrec_gui.ui.training.models_panel import ModelsPanel
from musicrec_gui.ui.training.run_panel import RunPanel, epochs_text
from musicrec_gui.ui.training.settings_form import PRESET_TITLES, SettingsForm
from musicrec_gui.ui.widgets.lr_plot import rate_text
from musicrec_gui.ui.widgets.text import heading, secondary

FORMAT_LABELS = {fmt.key: fmt.label for fmt in FORMATS}


def named_community(store, settings: Settings) -> Settings:
    """``settings`` with "all community data" spelled out as the datasets in the library now, so the saved
    model records exactly what it learned from (runs in the training job)."""
    if settings.community:
        return settings
    return settings.replace(community=tuple(data.dataset for data in library.community_datasets(store)))


STOP_TIP = ("End training now and keep the best weights so far;\nyou are asked whether to save them.\n"
            "(Cancel in the status bar throws the run away instead.)")
TRAINING_CANCEL = ("Cancel training? The run so far is thrown away and nothing is saved. "
                   "“Stop and keep” ends it now with the best weights so far instead.")
SEARCH_CANCEL = ("Cancel the embedding-size search? The sizes tried so far are thrown away. "
                 "“Stop and keep” ends it now and keeps the best size so far instead.")


class TrainPage(QWidget):
    def __init__(self, context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.store = context.store
        self.runner = context.runner
        self.job: Job | None = None   # the page's own running job
        self._stop: StopToken | None = None   # its Stop request, when it can be stopped
        self._pending = None          # a TrainOutcome waiting for Save / Discard
        self._lr_record: dict | None = None    # travel into the next saved model
        self._dim_record: dict | None = None
        self._shown_model = None      # the model whose record the run panel shows
        self._record_pending = False  # that record is still to be drawn (the page was hidden)
        self._devices_known = False
        self._has_plays = False
        self._dataset_labels: dict[str, str] = {}   # community dataset key -> its name, as the library calls it

        self.form = SettingsForm()
        self.device_probe = DeviceProbe(context.compute, self)
        self.device_probe.found.connect(self.form.set_devices)
        self._restore_form()
        self.lr_button = QPushButton("Find learning rate")
        self.lr_button.setToolTip("Sweep the learning rate from fresh weights and suggest one (about "
                                  "a hundred training steps; the form is not changed until you choose)")
        self.dim_button = QPushButton("Search embedding size")
        self.train_button = QPushButton("Train")
        set_icon(self.train_button, "train")
        self.train_button.setToolTip("Train a model with these settings (Ctrl+Return)")
        self.train_button.setDefault(True)
        self.stop_button = QPushButton("Stop")
        self.stop_button.setToolTip(STOP_TIP)
        self.lr_button.clicked.connect(self.find_learning_rate)
        self.dim_button.clicked.connect(self.search_embedding_size)
        self.train_button.clicked.connect(lambda: self.train())
        self.stop_button.clicked.connect(self.stop)
        QShortcut(QKeySequence("Ctrl+Return"), self, lambda: self.train(),
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)

        self.run_panel = RunPanel()
        self.lr_panel = LrPanel()
        self.dim_panel = DimPanel()
        self.models_panel = ModelsPanel()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.run_panel, "Training")
        self.tabs.addTab(self.lr_panel, "Learning rate")
        self.tabs.addTab(self.dim_panel, "Embedding size")
        self.tabs.addTab(self.models_panel, "Saved models")
        self.tabs.setDocumentMode(True)

        self.empty = EmptyState()
        self.stack = QStackedWidget()
        self.stack.addWidget(self._build_main())
        self.stack.addWidget(self.empty)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

        self.form.changed.connect(self._remember_form)
        self.lr_panel.rate_picked.connect(self._rate_picked)
        self.models_panel.use_requested.connect(self.use_model)
        self.models_panel.delete_confirmed.connect(self.delete_model)
        self.run_panel.prompt.save_clicked.connect(self.save_pending)
        self.run_panel.prompt.discard_clicked.connect(self.discard_pending)
        self.run_panel.warning.log_requested.connect(context.log_requested)
        self.empty.library_requested.connect(lambda: context.page_requested.emit("library"))
        self.runner.started.connect(self._update_buttons)
        self.runner.finished.connect(self._runner_finished)
        context.models.changed.connect(self._model_changed)
        context.store_changed.connect(self.refresh)
        self.form.changed.connect(self._describe_size_search)
        self.form.changed.connect(lambda: self.dim_panel.settings_changed(self.form.settings().dim))
        self._describe_size_search()
        self.refresh()

    def _build_main(self) -> QWidget:
        settings_box = QGroupBox("Settings")
        inner = QVBoxLayout(settings_box)
        inner.addWidget(self.form)
        inner.addStretch()
        # Only the form scrolls, and only in a window too short for it; the buttons stay in view.
        form_scroll = QScrollArea()
        form_scroll.setWidget(settings_box)
        form_scroll.setWidgetResizable(True)
        form_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        form_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        form_scroll.setMinimumWidth(settings_box.minimumSizeHint().width()
                                    + form_scroll.verticalScrollBar().sizeHint().width())
        tools = QHBoxLayout()
        tools.addWidget(self.lr_button)
        tools.addWidget(self.dim_button)
        run = QHBoxLayout()
        run.addWidget(self.train_button, 2)
        run.addWidget(self.stop_button, 1)
        left = QVBoxLayout()
        left.setContentsMargins(0, 0, 0, 0)
        left.addWidget(form_scroll, 1)
        left.addLayout(tools)
        left.addLayout(run)
        column = QWidget()
        column.setLayout(left)
        column.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Preferred)

        intro = QLabel("Learns from every play count in your library, yours and the community's, on this "
                       "computer. The window stays usable while it trains.", wordWrap=True)
        secondary(intro)
        body = QHBoxLayout()
        body.addWidget(column)
        body.addWidget(self.tabs, 1)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(heading("Train"))
        layout.addWidget(intro)
        layout.addLayout(body, 1)
        return page

    # -- state ----------------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-read whether there is anything to train on, the saved models, and (off the GUI thread)
        the community datasets the settings offer."""
        self._has_plays = library.has_plays(self.store)
        self.stack.setCurrentWidget(self.stack.widget(0) if self._has_plays else self.empty)
        self._list_models()
        self._update_buttons()
        store = self.store
        self.context.compute.submit((self, "community"), lambda: library.community_datasets(store),
                                    self._datasets_found, label="train.community")

    def _datasets_found(self, datasets: list[library.CommunityData]) -> None:
        self._dataset_labels.update({data.dataset: data.label for data in datasets})
        self.form.community.set_datasets(datasets)

    def _list_models(self) -> None:
        self.models_panel.set_models(registry.list_models(), self.context.models.model_id or registry.active_id())

    def _update_buttons(self, *_args) -> None:
        idle = not self.runner.busy
        for button in (self.lr_button, self.dim_button, self.train_button):
            button.setEnabled(self._has_plays and idle)
        self.stop_button.setEnabled(self.job is not None and self._stop is not None and not self._stop.stopped)
        self.models_panel.set_busy(not idle)
        self.run_panel.prompt.save_button.setEnabled(idle)

    def _runner_finished(self, _job) -> None:
        self._update_buttons()

    def shown(self):
        """Put the Train page on screen and return the window (``--screenshots`` grabs it)."""
        self.context.page_requested.emit("train")
        return self.window()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._show_record()
        self.refresh()
        if not self._devices_known:
            self._detect_devices()

    def _detect_devices(self) -> None:
        # Not as a job: it would block imports meanwhile and leave "done" in the status bar.
        self._devices_known = True
        self.device_probe.start()

    def shutdown(self) -> None:
        """The window closes: end the device probe if it still runs."""
        self.device_probe.stop()

    def _restore_form(self) -> None:
        key = self.context.settings.get(options.TRAIN_PRESET)
        text = self.context.settings.get(options.TRAIN_SETTINGS)
        try:
            settings = Settings.from_json(text) if text else PRESETS[key]
        except (MusicRecError, KeyError, ValueError, TypeError):   # older or hand-edited: start afresh
            key, settings = "discover", PRESETS["discover"]
        self.form.set_settings(settings, key)

    def _remember_form(self) -> None:
        self.context.settings.set(options.TRAIN_PRESET, self.form.preset_key())
        self.context.settings.set(options.TRAIN_SETTINGS, self.form.settings().to_json())

    def _describe_size_search(self) -> None:
        settings = self.form.settings()
        sizes = ", ".join(map(str, size_grid(settings.dim)))
        self.dim_button.setToolTip(f"Train sizes {sizes} for {trial_epochs(settings)} epochs each "
                                   "and put the best into the form")

    # -- starting and stopping jobs ---------------------------------------------------------
    def _start(self, name: str, fn, stop: StopToken | None = None, cancel_question: str | None = None) -> Job | None:
        job = self.context.start(name, fn, cancel_question)
        if job is None:
            return None
        if stop is not None:
            job.stop = self.stop
        self._stop = stop
        self.job = job
        self.job.finished.connect(self._job_finished)
        self._update_buttons()
        return self.job

    def _job_finished(self) -> None:
        self.job = None
        self._stop = None
        self._update_buttons()

    def stop(self) -> None:
        """Stop the page's job: training keeps its best weights; the finder and search keep what they have."""
        if self._stop is not None:
            self._stop.stop()
            self.stop_button.setEnabled(False)

    def community_note(self, model) -> str:
        """Which community data the model learned from, in words (its saved settings record it)."""
        keys = model.settings.community
        if not keys:
            return "Learned from all the community data in the library when it was trained."
        labels = [display_name(self._dataset_labels.get(key) or FORMAT_LABELS.get(key) or key) for key in keys]
        return f"Learned from the community data: {', '.join(labels)}."

    # -- learning-rate finder --------------------------------------------------------------
    def find_learning_rate(self) -> Job | None:
        stop, settings = StopToken(), self.form.settings()
        job = self._start(training.FIND_RATE, lambda token, report: training.find_rate(
            self.store, settings, token=token, report=report, stop=stop), stop)
        if job is None:
            return None
        self._remember_form()
        self.lr_panel.start()
        self.tabs.setCurrentWidget(self.lr_panel)
        job.event.connect(self._lr_event)
        job.succeeded.connect(self._lr_done)
        job.cancelled.connect(lambda: self.lr_panel.stopped_without_result("Cancelled."))
        job.failed.connect(lambda failure: self.lr_panel.stopped_without_result(failure.message))
        return job

    def _lr_event(self, event) -> None:
        if isinstance(event, LRFinderEvent):
            self.lr_panel.add_step(event)

    def _lr_done(self, result) -> None:
        self._lr_record = result.to_dict()
        self.lr_panel.show_result(result.lrs, result.losses, result.smoothed, result.suggestion,
                                  result.trustworthy, result.message, result.stopped)

    def _rate_picked(self, rate: float) -> None:
        self.form.set_rate(rate)
        self.context.notice.emit(f"Learning rate {rate_text(rate)} is now in the settings.")

    # -- embedding-size search -------------------------------------------------------------
    def search_embedding_size(self) -> Job | None:
        settings = self.form.settings()
        stop = StopToken()
        job = self._start(training.SEARCH_SIZES, lambda token, report: training.search_sizes(
            self.store, settings, token=token, report=report, stop=stop), stop, SEARCH_CANCEL)
        if job is None:
            return None
        self._remember_form()
        self.dim_panel.start(size_grid(settings.dim), trial_epochs(settings),
                             "recall" if settings.monitor == "recall" else "rmse")
        self.tabs.setCurrentWidget(self.dim_panel)
        job.event.connect(self._dim_event)
        job.succeeded.connect(self._dim_done)
        job.cancelled.connect(lambda: self.dim_panel.stopped_without_result("Cancelled."))
        job.failed.connect(lambda failure: self.dim_panel.stopped_without_result(failure.message))
        return job

    def _dim_event(self, event) -> None:
        if isinstance(event, DimEvent):
            self.dim_panel.add_size(event)

    def _dim_done(self, result) -> None:
        self._dim_record = result.to_dict()
        best = self.dim_panel.finish(result)
        if best is not None:
            self.form.set_dim(best)
            self.context.notice.emit(f"Embedding size {best} did best; it is now in the settings.")

    # -- training ---------------------------------------------------------------------------
    def train(self, settings: Settings | None = None) -> Job | None:
        """Train with the form's settings (or ``settings``: the form stays as it is)."""
        if not self.train_button.isEnabled():
            return None
        settings = settings or self.form.settings()
        name = f"{PRESET_TITLES[self.form.preset_key()]} · size {settings.dim}"
        extras = {"lr_finder": self._lr_record, "dim_search": self._dim_record}
        stop = StopToken()
        store = self.store
        job = self._start(training.TRAINING, lambda token, report: training.train(
            store, named_community(store, settings), name=name, extras=extras, token=token, report=report,
            stop=stop), stop, TRAINING_CANCEL)
        if job is None:
            return None
        self._remember_form()
        self._pending = None
        self.run_panel.start(settings.epochs)
        self.tabs.setCurrentWidget(self.run_panel)
        job.event.connect(self._train_event)
        job.succeeded.connect(self._train_done)
        job.cancelled.connect(lambda: self.run_panel.stopped_without_result("Training cancelled; nothing was saved."))
        job.failed.connect(lambda failure: self.run_panel.stopped_without_result("Training failed: "
                                                                                 + failure.message))
        return job

    def _train_event(self, event) -> None:
        if isinstance(event, BatchPoints):
            self.run_panel.add_points(event)
        elif isinstance(event, EpochEvent):
            self.run_panel.add_epoch(event)

    def _train_done(self, outcome) -> None:
        result = outcome.result
        if self.job is not None and (result.stopped or result.diverged):
            what = "diverged" if result.diverged else f"stopped after epoch {result.epochs_run}"
            self.job.result_text = f"Training {what}; not saved yet"
        headline = (f"<b>{html.escape(outcome.model.name)}</b> · {epochs_text(result.epochs_run)}, "
                    f"best epoch {result.best_epoch}")
        if result.message and not (result.stopped or result.diverged):   # those two are told elsewhere
            headline += f" · {result.message}"
        self.run_panel.finish(outcome, headline, self.community_note(outcome.model))
        self._shown_model = outcome.model
        if outcome.info is not None:
            self._model_saved(outcome.model, outcome.info)
        else:
            self._pending = outcome

    def save_pending(self) -> Job | None:
        """Save the stopped (or diverged) run the page is asking about."""
        outcome = self._pending
        if outcome is None:
            return None
        job = self._start("Saving the model", lambda token, report: training.save(outcome.model))
        if job is None:
            return None
        self.run_panel.prompt.save_button.setEnabled(False)
        self.run_panel.prompt.discard_button.setEnabled(False)
        job.succeeded.connect(lambda info: self._model_saved(outcome.model, info))
        job.failed.connect(lambda _failure: self.run_panel.prompt.ask("Saving failed (see above). Try again?"))
        return job

    def discard_pending(self) -> None:
        self._pending = None
        self.run_panel.saved("Discarded; the model in use is unchanged.")

    def _model_saved(self, model, info) -> None:
        self._pending = None
        self._shown_model = model
        self.context.models.set_model(model, info.id)
        self.run_panel.saved(f"Saved as “{info.name}”; the Artists, Similar, For you and Map pages use it now.")
        self.context.notice.emit(f"Model “{info.name}” saved and in use.")

    # -- saved models ---------------------------------------------------------------------------
    def use_model(self, model_id: str) -> Job | None:
        store = self.store
        job = self._start("Loading the model", lambda token, report: with_listening(training.use(model_id), store))
        if job is not None:
            job.succeeded.connect(self._model_loaded)
        return job

    def _model_loaded(self, loaded) -> None:
        model, model_id, listening = loaded
        self.context.models.set_model(model, model_id, listening)
        self.context.notice.emit(f"Model “{model.name or model_id}” is now in use.")

    def delete_model(self, model_id: str) -> None:
        try:
            registry.delete(model_id)
        except (MusicRecError, OSError) as exc:
            self.context.error.emit(f"The model could not be deleted: {exc}")
            return
        if model_id == self.context.models.model_id:
            self.context.models.set_model(None, None)   # the other pages go back to "train a model first"
        self._list_models()
        self.context.notice.emit("Model deleted.")

    def _model_changed(self, model) -> None:
        self._list_models()
        if model is None or model is self._shown_model or self._stop is not None:
            return   # nothing to show, already shown, or a run of this page is on screen
        # A model chosen from the list or loaded at start-up: show how it was trained — when the page
        # is on screen, and on the next turn of the event loop (not on top of the pages' own work).
        self._shown_model = model
        self._record_pending = True
        if self.isVisible():
            QTimer.singleShot(0, self._show_record)

    def _show_record(self) -> None:
        model = self._shown_model
        if not self._record_pending or model is None:
            return
        self._record_pending = False
        self.run_panel.show_record(model, self.community_note(model))
        record = model.lr_finder
        if record and record.get("lrs"):
            self.lr_panel.show_result(record["lrs"], record["losses"], record["smoothed"], record.get("suggestion"),
                                      record.get("trustworthy", False), record.get("message", ""),
                                      record.get("stopped", False), chosen=model.settings.lr)
