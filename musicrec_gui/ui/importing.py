"""Getting data in: plan → confirm → import in the background → report.

The job bodies are the core's ``workflows.importing``; ``ImportFlow`` strings
them together with the dialogs on the GUI thread.  Every dialog is opened
without blocking (``open()``/``show()``) and kept as an attribute, so tests can
reach it.

Community data can also be downloaded, only when the person asks: HetRec
Last.fm 2K, or today's ListenBrainz statistics (ask the mirror what is newest
→ show it with the keep choices → download and import as one cancellable
job).  A download that fails for want of a connection says so, with the way
round it; one that broke off offers "Try again", which the core resumes from
where it stopped.  After an import the report shows how much of each person's
music each community dataset knows (``library.coverage``, computed off the GUI
thread).
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from musicrec_gui.core import download, importer, library, paths
from musicrec_gui.core.community.mirror import mirror_url
from musicrec_gui.core.download import ArchiveError, DownloadError
from musicrec_gui.core.formats import mapped_format
from musicrec_gui.core.workflows import importing
from musicrec_gui.core.workflows.importing import CommunityOffer, ImportOutcome, ImportPlan
from musicrec_gui.ui import settings as options
from musicrec_gui.ui.dialogs.column_mapping import ColumnMappingDialog
from musicrec_gui.ui.dialogs.community import CommunityDialog, ListenBrainzDialog
from musicrec_gui.ui.dialogs.import_confirm import ImportConfirmDialog
from musicrec_gui.ui.dialogs.import_report import ImportReportDialog
from musicrec_gui.ui.jobs import Job, JobFailure

_log = logging.getLogger(__name__)

OFFLINE = ("No internet connection: downloading HetRec Last.fm 2K needs one. To add it without one, download "
           "{file} from {url} on a computer that is online, copy it to this one, then choose "
           "File → Add Community Data → Choose a file or zip….")
LISTENBRAINZ_OFFLINE = (
    "No internet connection: downloading the ListenBrainz statistics needs one. To add them without one, "
    "download the newest listenbrainz-statistics-dump-….tar.zst (in the newest listenbrainz-dump-…-full "
    "folder of {url}) on a computer that is online, copy it to this one, then drop it on the window or "
    "choose File → Add Community Data → Choose a file or zip… (MusicRec reads the archive as it is, "
    "without unpacking it).")
IMPORT_CANCEL = ("Cancel the import? Everything this import has added so far is rolled back: "
                 "the library stays as it was before it started.")
LISTENBRAINZ_CANCEL = ("Cancel the ListenBrainz download? What was downloaded so far is thrown away, and "
                       "anything imported is rolled back: the library stays as it was.")
RETRY_TEXT = ("The download broke off. What arrived so far is kept: Try again continues from where it "
              "stopped.")
FILE_FILTER = ("Listening data (*.json *.jsonl *.csv *.tsv *.txt *.dat *.log *.zip *.zst);;"
               "All files (*)")


# -- the flow on the GUI thread -------------------------------------------------------

class ImportFlow(QObject):
    """Drives imports for the main window; tells ``context`` when the store changed."""

    def __init__(self, parent: QWidget, context) -> None:
        super().__init__(parent)
        self.parent_widget = parent
        self.context = context
        self.store = context.store
        self.settings = context.settings
        # Whose personal exports these are, by default: the window points this at the person
        # selected on the Library page (else the person of the last import).
        self.selected_person: Callable[[], str | None] = lambda: None
        self.confirm_dialog: ImportConfirmDialog | None = None
        self.mapping_dialog: ColumnMappingDialog | None = None
        self.report_dialog: ImportReportDialog | None = None
        self.community_dialog: CommunityDialog | None = None
        self.listenbrainz_dialog: ListenBrainzDialog | None = None
        self.retry_box: QMessageBox | None = None   # "Try again?" after a download broke off

    # -- entry points --------------------------------------------------------------
    def choose_files(self, community: bool = False) -> None:
        folder_option = options.LAST_COMMUNITY_FOLDER if community else options.LAST_IMPORT_FOLDER
        files, _ = QFileDialog.getOpenFileNames(
            self.parent_widget, "Import community data" if community else "Import listening history",
            self.settings.get(folder_option), FILE_FILTER)
        if files:
            self.settings.set(folder_option, str(Path(files[0]).parent))
            self.import_paths(files)

    def choose_folder(self, community: bool = False) -> None:
        folder_option = options.LAST_COMMUNITY_FOLDER if community else options.LAST_IMPORT_FOLDER
        folder = QFileDialog.getExistingDirectory(self.parent_widget, "Import a folder",
                                                  self.settings.get(folder_option))
        if folder:
            self.settings.set(folder_option, str(Path(folder).parent))
            self.import_paths([folder])

    def import_paths(self, paths_: list[str]) -> Job | None:
        """Plan an import of files, folders or zips; the confirmation dialog follows."""
        if not paths_:
            return None
        job = self.context.start(f"Looking at {len(paths_)} item{'s' if len(paths_) != 1 else ''}",
                                 lambda token, report: importing.plan(paths_, token=token, report=report))
        if job is not None:
            job.succeeded.connect(self.confirm)
        return job

    def add_community_data(self) -> None:
        dialog = CommunityDialog(self.hetrec_url(), self.parent_widget)
        dialog.files_requested.connect(lambda: self.choose_files(community=True))
        dialog.folder_requested.connect(lambda: self.choose_folder(community=True))
        dialog.download_requested.connect(self.download_hetrec)
        dialog.listenbrainz_requested.connect(self.check_listenbrainz)
        dialog.finished.connect(dialog.deleteLater)
        self.community_dialog = dialog
        dialog.open()

    def hetrec_url(self) -> str:
        return download.hetrec_url(self.settings.get(options.HETREC_URL))

    def download_hetrec(self) -> Job | None:
        dest = paths.data_dir() / "downloads" / download.HETREC_FILE_NAME
        url = self.hetrec_url()
        job = self.context.start("Downloading HetRec Last.fm 2K", lambda token, report: importing.download_hetrec(
            self.store, url, dest, token=token, report=report), IMPORT_CANCEL)
        if job is not None:
            # "[Errno -2] Name or service not known" means nothing to most people: say what it is, and
            # the way round it.
            job.failure_text = lambda exc: (OFFLINE.format(file=download.HETREC_FILE_NAME, url=url)
                                            if importing.offline(exc) else None)
            self._follow_import(job)
        return job

    # -- ListenBrainz ------------------------------------------------------------------
    def check_listenbrainz(self) -> Job | None:
        """Ask the mirror which ListenBrainz statistics are newest; the offer dialog follows."""
        job = self.context.start("Asking the ListenBrainz mirror", lambda token, report: importing.newest_listenbrainz(
            token=token, report=report))
        if job is not None:
            job.failure_text = _listenbrainz_failure
            job.succeeded.connect(self.offer_listenbrainz)
            job.failed.connect(lambda failure: self._offer_retry(failure, self.check_listenbrainz))
        return job

    def offer_listenbrainz(self, offer: CommunityOffer) -> ListenBrainzDialog:
        """Show the newest statistics and the keep choices; "Download and import" starts the job."""
        folder = str(paths.data_dir() / "downloads" / "listenbrainz")
        dialog = ListenBrainzDialog(offer, folder, self.parent_widget)
        dialog.accepted.connect(lambda: self.download_listenbrainz(dialog.keep()))
        dialog.finished.connect(lambda _: self._forget_listenbrainz(dialog))
        self.listenbrainz_dialog = dialog
        dialog.open()
        return dialog

    def download_listenbrainz(self, keep: str) -> Job | None:
        """Download the newest statistics (the artists part, resumable) and import them under ``keep``."""
        store = self.store
        job = self.context.start("Downloading ListenBrainz statistics", lambda token, report: (
            importing.download_listenbrainz(store, keep, token=token, report=report)), LISTENBRAINZ_CANCEL)
        if job is not None:
            job.failure_text = _listenbrainz_failure
            self._follow_import(job)
            job.failed.connect(lambda failure: self._offer_retry(failure, lambda: self.download_listenbrainz(keep)))
        return job

    def _offer_retry(self, failure: JobFailure, again: Callable[[], object]) -> None:
        """After a broken connection (not a damaged archive): "Try again?", without blocking."""
        exc = failure.exception
        if not isinstance(exc, DownloadError) or isinstance(exc, ArchiveError):
            return
        if self.retry_box is not None:
            self.retry_box.close()
        box = QMessageBox(QMessageBox.Icon.Warning, failure.job,
                          "No internet connection." if importing.offline(exc) else RETRY_TEXT,
                          QMessageBox.StandardButton.Close, self.parent_widget)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setInformativeText(failure.message)
        retry = box.addButton("Try again", QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(retry)
        box.retry_button = retry   # for keyboard users and tests

        def answered(_result) -> None:
            if self.retry_box is box:
                self.retry_box = None
            if box.clickedButton() is retry:
                again()
            box.deleteLater()

        box.finished.connect(answered)
        self.retry_box = box
        box.open()

    # -- steps -----------------------------------------------------------------------
    def confirm(self, plan: ImportPlan) -> None:
        if not plan.planned:
            self.context.notice.emit("Nothing to import there.")
            return
        person = self.selected_person() or self.settings.get(options.PERSON)
        dialog = ImportConfirmDialog(plan, self.store.people(), person, self.parent_widget)
        dialog.map_requested.connect(self.map_columns)
        dialog.accepted.connect(lambda: self.start_import(dialog.planned(), dialog.person(), dialog.keep()))
        dialog.finished.connect(lambda _: self._forget_confirm(dialog))
        self.confirm_dialog = dialog
        dialog.open()

    def map_columns(self, index: int) -> None:
        dialog = self.confirm_dialog
        source = dialog.plan.planned[index].source
        try:
            mapping_dialog = ColumnMappingDialog(source, dialog)
        except Exception as exc:   # unreadable after all: say so, keep the plan
            _log.exception("column mapping preview failed")
            self.context.notice.emit(f"{source.name} cannot be shown as a table: {exc}")
            return
        mapping_dialog.accepted.connect(
            lambda: dialog.set_format(index, mapped_format(mapping_dialog.mapping())))
        mapping_dialog.finished.connect(lambda _: self._forget_mapping(mapping_dialog))
        self.mapping_dialog = mapping_dialog
        mapping_dialog.open()

    def start_import(self, planned: list[importer.PlannedSource], person: str, keep: str | None = None) -> Job | None:
        """Import the planned files (ListenBrainz statistics under the keep choice ``keep``)."""
        importable = [p for p in planned if p.format is not None and not p.error and not p.ignored]
        if not importable:
            return None
        if any(p.role == "personal" for p in importable):
            self.settings.set(options.PERSON, person)
        name = f"Importing {len(importable)} file{'s' if len(importable) != 1 else ''}"
        job = self.context.start(name, lambda token, report: importing.run_import(
            self.store, planned, person, keep=keep, token=token, report=report), IMPORT_CANCEL)
        if job is not None:
            self._follow_import(job)
        return job

    def show_report(self, outcome: ImportOutcome) -> ImportReportDialog:
        """The report; how much each community dataset knows of each person follows (off the GUI thread)."""
        if self.report_dialog is not None:
            self.report_dialog.close()
        dialog = ImportReportDialog(outcome, self.parent_widget)
        self.report_dialog = dialog
        dialog.show()
        store = self.store
        self.context.compute.submit((self, "coverage"), lambda: everyone_covered(store), dialog.set_coverage,
                                    label="import.coverage")
        return dialog

    def show_source_report(self, source_id: int) -> None:
        outcome = importing.history(self.store, [source_id])
        if outcome is not None:
            self.show_report(outcome)

    # -- helpers ---------------------------------------------------------------------
    def _follow_import(self, job: Job) -> None:
        job.succeeded.connect(self._imported)
        job.cancelled.connect(lambda: self.context.notice.emit("Import cancelled; the library is unchanged."))
        job.failed.connect(lambda _failure: self.context.store_changed.emit())   # the library may have moved

    def _imported(self, outcome: ImportOutcome) -> None:
        self.context.store_changed.emit()
        self.show_report(outcome)

    def _forget_confirm(self, dialog: ImportConfirmDialog) -> None:
        if self.confirm_dialog is dialog:
            self.confirm_dialog = None
        dialog.deleteLater()

    def _forget_mapping(self, dialog: ColumnMappingDialog) -> None:
        if self.mapping_dialog is dialog:
            self.mapping_dialog = None
        dialog.deleteLater()

    def _forget_listenbrainz(self, dialog: ListenBrainzDialog) -> None:
        if self.listenbrainz_dialog is dialog:
            self.listenbrainz_dialog = None
        dialog.deleteLater()


def everyone_covered(store) -> dict[str, list[library.Coverage]]:
    """Each person's coverage by all community data, then by each dataset (runs off the GUI thread)."""
    return {person: library.coverage(store, person) for person in store.people()}


def _listenbrainz_failure(exc: BaseException) -> str | None:
    """What to say when a ListenBrainz download fails for want of a connection (None: as usual)."""
    return LISTENBRAINZ_OFFLINE.format(url=mirror_url()) if importing.offline(exc) else None
