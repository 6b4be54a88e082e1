"""Getting data in: plan → confirm → import in the background → report.

The job bodies (``plan_job``, ``import_job``, ``download_job``) are plain
functions over the core, so they can be tested without Qt; ``ImportFlow``
strings them together with the dialogs on the GUI thread.  Every dialog is
opened without blocking (``open()``/``show()``) and kept as an attribute, so
tests can reach it.
"""
from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from musicrec_gui.core import download, importer, library, paths
from musicrec_gui.core.formats.base import Source
from musicrec_gui.core.jobs import Progress, StopToken
from musicrec_gui.core.store import Store
from musicrec_gui.ui import settings as options
from musicrec_gui.ui.dialogs.column_mapping import ColumnMappingDialog
from musicrec_gui.ui.dialogs.community import CommunityDialog
from musicrec_gui.ui.dialogs.import_confirm import ImportConfirmDialog, ImportPlan
from musicrec_gui.ui.dialogs.import_report import ImportOutcome, ImportReportDialog
from musicrec_gui.ui.jobs import Job, JobRunner
from musicrec_gui.ui.settings import Settings

_log = logging.getLogger(__name__)

FILE_FILTER = ("Listening data (*.json *.jsonl *.csv *.tsv *.txt *.dat *.log *.zip);;"
               "All files (*)")


# -- job bodies (no Qt) ------------------------------------------------------------

def looks_like_table(source: Source) -> bool:
    """Whether an unrecognised source is plain delimited text a column mapping could read."""
    try:
        with source.open() as stream:
            head = stream.read(8192)
    except Exception:   # missing or unreadable: nothing to map
        return False
    if not head or b"\x00" in head:
        return False
    lines = head.decode("utf-8", errors="replace").splitlines()
    return len(lines) >= 2 and any(sep in lines[0] for sep in (",", ";", "\t", "|"))


def plan_job(paths_: list[str]):
    def run(token: StopToken, report) -> ImportPlan:
        report(Progress("Looking at the files", 0, 0, f"{len(paths_)} path(s)"))
        planned = importer.plan_import(paths_)
        token.check()
        tables = {i for i, item in enumerate(planned) if item.error and looks_like_table(item.source)}
        return ImportPlan(list(paths_), planned, tables)
    return run


def _outcome(store: Store, reports: list[importer.SourceReport], person: str | None,
             title: str = "Import finished") -> ImportOutcome:
    match = importer.person_match(store, person) if person else None
    community = library.community_listener_count(store)
    return ImportOutcome(reports, person, match, community, title)


def import_job(store: Store, planned: list[importer.PlannedSource], person: str):
    def run(token: StopToken, report) -> ImportOutcome:
        reports = importer.import_planned(store, planned, person, token, report)
        # After community data alone, still say how well it covers the person's music.
        known = person in store.people()
        return _outcome(store, reports, person if known else None)
    return run


def download_job(store: Store, url: str, dest: Path):
    """Download HetRec, check the archive, import it as community data."""
    def run(token: StopToken, report) -> ImportOutcome:
        download.download(url, dest, token, report, expected_members=download.HETREC_MEMBERS)
        planned = importer.plan_import([dest])
        reports = importer.import_planned(store, planned, importer.DEFAULT_PERSON, token, report)
        people = store.people()
        return _outcome(store, reports, people[0] if people else None, "HetRec Last.fm 2K imported")
    return run


def history_report(store: Store, source_ids: list[int] | None = None) -> ImportOutcome | None:
    """The report of earlier imports (all, or ``source_ids``), rebuilt from the import history."""
    rows = [s for s in store.sources() if source_ids is None or s.id in source_ids]
    if not rows:
        return None
    reports = [importer.SourceReport(
        path=row.path, format=row.format, format_label=row.format_label, listener=row.listener,
        rows_read=row.rows_read, added=row.added, skipped=dict(row.skipped), malformed=row.malformed,
        malformed_lines=list(row.malformed_lines), notes=list(row.notes), source_id=row.id) for row in rows]
    people = [row.listener for row in rows if row.role == "personal" and row.listener]
    if not people and store.people():
        people = store.people()
    title = (f"Import #{rows[0].id} ({rows[0].imported_at[:10]})" if len(rows) == 1
             else f"{len(rows)} imports")
    return _outcome(store, reports, people[0] if people else None, title)


# -- the flow on the GUI thread -------------------------------------------------------

class ImportFlow(QObject):
    """Drives imports for the main window."""

    store_changed = Signal()
    notice = Signal(str)   # a short non-modal message for the window's banner

    def __init__(self, parent: QWidget, store: Store, runner: JobRunner, settings: Settings) -> None:
        super().__init__(parent)
        self.parent_widget = parent
        self.store = store
        self.runner = runner
        self.settings = settings
        self.confirm_dialog: ImportConfirmDialog | None = None
        self.mapping_dialog: ColumnMappingDialog | None = None
        self.report_dialog: ImportReportDialog | None = None
        self.community_dialog: CommunityDialog | None = None

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
        job = self._start(f"Looking at {len(paths_)} item{'s' if len(paths_) != 1 else ''}", plan_job(paths_))
        if job is not None:
            job.succeeded.connect(self.confirm)
        return job

    def add_community_data(self) -> None:
        dialog = CommunityDialog(self.hetrec_url(), self.parent_widget)
        dialog.files_requested.connect(lambda: self.choose_files(community=True))
        dialog.folder_requested.connect(lambda: self.choose_folder(community=True))
        dialog.download_requested.connect(self.download_hetrec)
        dialog.finished.connect(dialog.deleteLater)
        self.community_dialog = dialog
        dialog.open()

    def hetrec_url(self) -> str:
        return download.hetrec_url(self.settings.get(options.HETREC_URL))

    def download_hetrec(self) -> Job | None:
        dest = paths.data_dir() / "downloads" / download.HETREC_FILE_NAME
        job = self._start("Downloading HetRec Last.fm 2K", download_job(self.store, self.hetrec_url(), dest))
        if job is not None:
            self._follow_import(job)
        return job

    # -- steps -----------------------------------------------------------------------
    def confirm(self, plan: ImportPlan) -> None:
        if not plan.planned:
            self.notice.emit("Nothing to import there.")
            return
        dialog = ImportConfirmDialog(plan, self.store.people(), self.settings.get(options.PERSON),
                                     self.parent_widget)
        dialog.map_requested.connect(self.map_columns)
        dialog.accepted.connect(lambda: self.start_import(dialog.planned(), dialog.person()))
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
            self.notice.emit(f"{source.name} cannot be shown as a table: {exc}")
            return
        mapping_dialog.accepted.connect(
            lambda: dialog.set_format(index, importer.mapped_format(mapping_dialog.mapping())))
        mapping_dialog.finished.connect(lambda _: self._forget_mapping(mapping_dialog))
        self.mapping_dialog = mapping_dialog
        mapping_dialog.open()

    def start_import(self, planned: list[importer.PlannedSource], person: str) -> Job | None:
        importable = [p for p in planned if p.format is not None and not p.error and not p.ignored]
        if not importable:
            return None
        if any(p.role == "personal" for p in importable):
            self.settings.set(options.PERSON, person)
        name = f"Importing {len(importable)} file{'s' if len(importable) != 1 else ''}"
        job = self._start(name, import_job(self.store, planned, person))
        if job is not None:
            self._follow_import(job)
        return job

    def show_report(self, outcome: ImportOutcome) -> ImportReportDialog:
        if self.report_dialog is not None:
            self.report_dialog.close()
        dialog = ImportReportDialog(outcome, self.parent_widget)
        self.report_dialog = dialog
        dialog.show()
        return dialog

    def show_source_report(self, source_id: int) -> None:
        outcome = history_report(self.store, [source_id])
        if outcome is not None:
            self.show_report(outcome)

    # -- helpers ---------------------------------------------------------------------
    def _start(self, name: str, fn) -> Job | None:
        if self.runner.busy:
            self.notice.emit(f"“{self.runner.current.name}” is still running: wait for it or cancel it first.")
            return None
        return self.runner.start(name, fn)

    def _follow_import(self, job: Job) -> None:
        job.succeeded.connect(self._imported)
        job.cancelled.connect(lambda: self.notice.emit("Import cancelled; the library is unchanged."))
        job.failed.connect(lambda _failure: self.store_changed.emit())   # the library may have moved

    def _imported(self, outcome: ImportOutcome) -> None:
        self.store_changed.emit()
        self.show_report(outcome)

    def _forget_confirm(self, dialog: ImportConfirmDialog) -> None:
        if self.confirm_dialog is dialog:
            self.confirm_dialog = None
        dialog.deleteLater()

    def _forget_mapping(self, dialog: ColumnMappingDialog) -> None:
        if self.mapping_dialog is dialog:
            self.mapping_dialog = None
        dialog.deleteLater()
