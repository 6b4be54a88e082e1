"""Getting data in: plan an import, import, download community data, undo, the import history (no Qt).

The app runs these as background jobs between its dialogs (plan → confirm →
import → report); the CLI runs them in the foreground.  ``ImportOutcome`` is
what both show afterwards: every file's report, and how much of the person's
music the community data knows.
"""
from __future__ import annotations

import errno
import socket
from dataclasses import dataclass, field, replace
from pathlib import Path

from musicrec_gui.core import download, importer, library, paths
from musicrec_gui.core.community import keep as keeping
from musicrec_gui.core.community import listenbrainz
from musicrec_gui.core.community.mirror import Dump, find_newest, mirror_url
from musicrec_gui.core.errors import MusicRecError
from musicrec_gui.core.formats.base import SAMPLE_BYTES, Source
from musicrec_gui.core.importer import PlannedSource, SourceReport
from musicrec_gui.core.jobs import Progress, Reporter, StopToken, ignore_events
from musicrec_gui.core.store import Store
from musicrec_gui.core.text import count_text

TABLE_DELIMITERS = (",", ";", "\t", "|")
# Formats whose files are recognised exports but usually hold no plays at all: planning reads
# them through (they are small) and, when no row is a play, shows them as skipped before the
# import — instead of counting them as files to import that then add an empty history entry.
NO_PLAYS_FORMATS = ("spotify-account-podcast", "spotify-account-audiobook", "lastfm-ghan-loved")
NO_PLAYS_WHY = {"podcast": "podcast episodes, not music", "audiobook": "audiobook chapters, not music",
                "loved track (not a play)": "loved tracks, not plays"}


@dataclass
class ImportPlan:
    """What planning found under the dropped or chosen paths."""

    paths: list[str]
    planned: list[PlannedSource]
    tables: set[int] = field(default_factory=set)   # unrecognised text tables a column mapping can import

    def importable(self) -> list[PlannedSource]:
        return [p for p in self.planned if p.format is not None and not p.error and not p.ignored]


@dataclass
class ImportOutcome:
    """What an import did, for the report."""

    reports: list[SourceReport]
    person: str | None = None            # whose personal exports were imported
    match: dict | None = None            # library.person_match(store, person) afterwards
    community_listeners: int = 0         # in the store afterwards
    title: str = "Import finished"
    notes: list[str] = field(default_factory=list)   # about the whole import (licence, checks made)

    @property
    def failed(self) -> list[SourceReport]:
        return [r for r in self.reports if r.error]


def looks_like_table(source: Source) -> bool:
    """Whether an unrecognised source is plain delimited text a column mapping could read."""
    try:
        with source.open() as stream:
            head = stream.read(SAMPLE_BYTES)
    except Exception:   # missing or unreadable: nothing to map
        return False
    if not head or b"\x00" in head:
        return False
    lines = head.decode("utf-8", errors="replace").splitlines()
    return len(lines) >= 2 and any(sep in lines[0] for sep in TABLE_DELIMITERS)


def plan(files: list[str], *, token: StopToken | None = None, report: Reporter = ignore_events) -> ImportPlan:
    """Find every source under ``files`` (files, folders, zips) and detect its format (nothing is written)."""
    report(Progress("Looking at the files", 0, 0, f"{len(files)} path(s)"))
    planned = importer.plan_import(files)
    if token is not None:
        token.check()
    planned = [_skip_if_no_plays(item, token) for item in planned]
    tables = {i for i, item in enumerate(planned) if item.error and looks_like_table(item.source)}
    return ImportPlan(list(files), planned, tables)


def _skip_if_no_plays(item: PlannedSource, token: StopToken | None) -> PlannedSource:
    """``item`` marked ignored when it is of a ``NO_PLAYS_FORMATS`` format and no row is a play."""
    if item.format is None or item.format.parse is None or item.error or item.ignored \
            or item.format.key not in NO_PLAYS_FORMATS:
        return item
    skipped: dict[str, int] = {}
    try:
        for chunk in item.format.parse(item.source):
            if token is not None:
                token.check()
            if len(chunk.frame):
                return item   # it has plays after all: import it as usual
            for reason, count in chunk.skipped.items():
                skipped[reason] = skipped.get(reason, 0) + count
    except MusicRecError:
        return item   # the import itself will report what is wrong with it
    rows = sum(skipped.values())
    why = "; ".join(NO_PLAYS_WHY.get(reason, reason) for reason in skipped) or "no plays in it"
    return replace(item, ignored=f"{why}: {count_text(rows, 'row')}")


def outcome(store: Store, reports: list[SourceReport], person: str | None,
            title: str = "Import finished") -> ImportOutcome:
    """An outcome with the person's coverage by the community data as the store now is."""
    match = library.person_match(store, person) if person else None
    return ImportOutcome(reports, person, match, library.community_listener_count(store), title)


def run_import(store: Store, planned: list[PlannedSource], person: str = library.DEFAULT_PERSON, *,
               keep: str | None = None, token: StopToken | None = None,
               report: Reporter = ignore_events) -> ImportOutcome:
    """Import planned sources: personal ones for ``person``, community ones as datasets
    (large ones, such as the ListenBrainz statistics, under the keep choice ``keep``).

    A cancel rolls back the file in progress and undoes the files this call
    already committed (``importer.import_planned``).
    """
    if keep is not None:
        planned = listenbrainz.apply_keep(planned, keep)
    reports = importer.import_planned(store, planned, person, token, report)
    # After community data alone, still say how well it covers the person's music.
    return outcome(store, reports, person if person in store.people() else None)


def import_paths(store: Store, files: list[str], person: str = library.DEFAULT_PERSON, *,
                 keep: str | None = None, token: StopToken | None = None,
                 report: Reporter = ignore_events) -> ImportOutcome:
    """Plan and import in one go (the CLI's ``musicrec import``)."""
    return run_import(store, plan(files, token=token).planned, person, keep=keep, token=token, report=report)


def download_hetrec(store: Store, url: str, dest: Path, *, token: StopToken | None = None,
                    report: Reporter = ignore_events) -> ImportOutcome:
    """Download HetRec Last.fm 2K, check the archive, import it as community data."""
    token = token or StopToken()
    download.download(url, dest, token, report, expected_members=download.HETREC_MEMBERS)
    reports = importer.import_planned(store, importer.plan_import([dest]), library.DEFAULT_PERSON, token, report)
    people = store.people()
    return outcome(store, reports, people[0] if people else None, "HetRec Last.fm 2K imported")


@dataclass(frozen=True)
class CommunityOffer:
    """The newest ListenBrainz statistics on the mirror, and what each keep choice would cost."""

    dump: Dump
    licence: str
    estimates: dict[str, keeping.Estimate | None]   # keep choice → estimate (None: not known before download)


def newest_listenbrainz(mirror: str | None = None, *, token: StopToken | None = None,
                        report: Reporter = ignore_events) -> CommunityOffer:
    """Which ListenBrainz statistics archive a download would fetch (asks the mirror; nothing is saved)."""
    report(Progress("Asking the ListenBrainz mirror", 0, 0, mirror_url(mirror)))
    dump = find_newest(mirror_url(mirror), token)
    return CommunityOffer(dump, listenbrainz.LICENCE,
                          {key: keeping.estimate(key) for key in keeping.KEEP_CHOICES})


def download_listenbrainz(store: Store, keep: str = keeping.DEFAULT_KEEP, mirror: str | None = None, *,
                          token: StopToken | None = None, report: Reporter = ignore_events) -> ImportOutcome:
    """Download the newest ListenBrainz statistics (the artists part only, resumable) and import
    them under ``keep``."""
    folder = paths.data_dir() / "downloads" / "listenbrainz"
    got, reports = listenbrainz.download_and_import(store, keep, mirror_url(mirror), folder, library.DEFAULT_PERSON,
                                                    token, report)
    people = store.people()
    result = outcome(store, reports, people[0] if people else None,
                     f"ListenBrainz statistics of {got.dump.date_text} imported")
    result.notes = [f"licence: {listenbrainz.LICENCE}; attribution text saved in {got.licence_path}", *got.checks]
    return result


# The errors that mean "this computer is not online", as opposed to a server that answers badly.
_OFFLINE_ERRNOS = frozenset({errno.ENETUNREACH, errno.ENETDOWN, errno.EHOSTUNREACH})


def offline(exc: BaseException | None) -> bool:
    """Whether a download failed because this computer is not online: no name lookup, no route.

    Looks through the exception's causes (``DownloadError`` ← ``URLError`` ← the socket error).
    """
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        for candidate in (exc, getattr(exc, "reason", None)):   # URLError keeps the socket error as .reason
            if isinstance(candidate, socket.gaierror) or (
                    isinstance(candidate, OSError) and candidate.errno in _OFFLINE_ERRNOS):
                return True
        exc = exc.__cause__ or exc.__context__
    return False


def undo(store: Store, source_id: int, *, token: StopToken | None = None,
         report: Reporter = ignore_events) -> None:
    """Remove exactly what one import added."""
    importer.undo_source(store, source_id)


def history(store: Store, source_ids: list[int] | None = None) -> ImportOutcome | None:
    """The report of earlier imports (all, or ``source_ids``), rebuilt from the import history."""
    rows = [s for s in store.sources() if source_ids is None or s.id in source_ids]
    if not rows:
        return None
    reports = [SourceReport(
        path=row.path, format=row.format, format_label=row.format_label, listener=row.listener,
        rows_read=row.rows_read, added=row.added, skipped=dict(row.skipped), malformed=row.malformed,
        malformed_lines=list(row.malformed_lines), notes=list(row.notes), source_id=row.id) for row in rows]
    people = [row.listener for row in rows if row.role == "personal" and row.listener]
    if not people and store.people():
        people = store.people()
    title = (f"Import #{rows[0].id} ({rows[0].imported_at[:10]})" if len(rows) == 1
             else f"{len(rows)} imports")
    return outcome(store, reports, people[0] if people else None, title)
