"""Real files on disk under real-world faults: special files, permissions, full disks, odd encodings,
impossible values, inputs made to amplify work (issue 10 items 2, 5, 6, 7 and 9).

Every case ends with the store checked (``store_checks.check_store``):
integrity, plays = listens + counts, sources hold what their reports say.
"""
from __future__ import annotations

import contextlib
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import threading
import zipfile
from pathlib import Path

import pytest
from shared_data import EXPORTS, HETREC, require_shared
from store_checks import check_store

from musicrec_gui.core import importer, library, paths
from musicrec_gui.core.errors import StoreError
from musicrec_gui.core.formats.base import MAX_PLAY_COUNT, MAX_TEXT_CHARS, Source
from musicrec_gui.core.formats.text import MAX_LINE_BYTES
from musicrec_gui.core.jobs import Cancelled, StopToken
from musicrec_gui.core.store import Store

REPO = Path(__file__).resolve().parents[1]
GHAN_HEADER = "uts,utc_time,artist,artist_mbid,album,album_mbid,track,track_mbid\n"
POSIX_ONLY = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file semantics")

# Imports the paths after the first argument into the store named by it; prints one JSON line.
CHILD = textwrap.dedent("""
    import json, sys
    from musicrec_gui.core import importer
    from musicrec_gui.core.errors import MusicRecError
    from musicrec_gui.core.store import Store
    try:
        store = Store(sys.argv[1])
        reports = importer.import_paths(store, sys.argv[2:])
        print(json.dumps({"reports": [r.to_json() for r in reports]}))
    except MusicRecError as exc:
        print(json.dumps({"error": type(exc).__name__, "message": str(exc)}))
""")


def ghan(rows: list[tuple]) -> str:
    """A ghan.nl Last.fm CSV: rows of (uts, artist, track)."""
    return GHAN_HEADER + "".join(f'"{uts}","","{artist}","","Album","","{track}",""\n' for uts, artist, track in rows)


def run_child(*args: str, unprivileged: bool = False, preexec=None) -> dict:
    """Run ``CHILD`` in a fresh process; ``unprivileged`` makes root obey file permissions."""
    prefix: list[str] = []
    if unprivileged and os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: permissions cannot be tested")
        drop = "-dac_override,-dac_read_search"
        prefix = [setpriv, f"--bounding-set={drop}", f"--inh-caps={drop}"]
    done = subprocess.run([*prefix, sys.executable, "-c", CHILD, *args], capture_output=True, text=True, check=False,
                          timeout=300, preexec_fn=preexec, env={**os.environ, "PYTHONPATH": str(REPO)})
    lines = done.stdout.strip().splitlines()
    assert lines, f"no result (a traceback?):\n{done.stderr}"
    assert "Traceback" not in done.stderr, done.stderr
    return json.loads(lines[-1])


@pytest.fixture
def world_dir():
    """A folder outside pytest's private tmp (which an unprivileged child could not enter)."""
    folder = Path(tempfile.mkdtemp(prefix="musicrec-test-"))
    folder.chmod(0o777)
    yield folder
    for path in folder.rglob("*"):
        try:
            path.chmod(0o777)
        except OSError:
            pass
    shutil.rmtree(folder, ignore_errors=True)


def import_with_guard(store: Store, paths_: list, seconds: float = 120.0, token: StopToken | None = None):
    """``import_paths`` in a thread; fails the test (instead of hanging it) if it does not finish."""
    outcome: list = []
    worker = threading.Thread(target=lambda: outcome.append(importer.import_paths(store, paths_, token=token)),
                              daemon=True)
    worker.start()
    worker.join(seconds)
    return worker, outcome


# -- item 2: special files ------------------------------------------------------------

@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this platform")
def test_a_named_pipe_in_a_folder_is_listed_and_never_opened(tmp_path):
    folder = tmp_path / "export"
    folder.mkdir()
    shutil.copy(require_shared(EXPORTS / "spotify-account-data" / "StreamingHistory_music_3.json"), folder)
    fifo = folder / "a-pipe.json"
    os.mkfifo(fifo)
    store = Store(tmp_path / "s.sqlite3")
    try:
        worker, outcome = import_with_guard(store, [folder])
        assert not worker.is_alive(), "the import blocked on the named pipe"
    finally:
        _release(fifo)
    reports = {Path(r.path).name: r for r in outcome[0]}
    assert "named pipe" in reports["a-pipe.json"].ignored
    assert reports["StreamingHistory_music_3.json"].added > 0
    # Given directly, it is an error entry, not a hang either.
    worker, outcome = import_with_guard(store, [fifo])
    _release(fifo)
    assert not worker.is_alive()
    assert "named pipe" in outcome[0][0].error
    store.close()
    check_store(tmp_path / "s.sqlite3")


def _release(fifo: Path) -> None:
    """Unblock a reader stuck on ``fifo`` (so a failing test does not leave a thread behind)."""
    try:
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    except OSError:
        pass                                # nobody is reading: nothing to release


def test_planning_honours_the_stop_token(tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    for n in range(5):
        (folder / f"f{n}.csv").write_text(ghan([(1_600_000_000 + n, "Air", "t")]))
    token = StopToken()
    token.stop()
    with pytest.raises(Cancelled):
        importer.plan_import([folder], token)


# -- item 5: tracebacks instead of messages --------------------------------------------

@POSIX_ONLY
@pytest.mark.parametrize("kind", ["file", "zip", "subfolder"])
def test_unreadable_inputs_give_one_line_errors(world_dir, kind):
    export = require_shared(EXPORTS / "lastfm-ghan-csv" / "hearted.csv")
    if kind == "file":
        target = world_dir / "scrobbles.csv"
        shutil.copy(export, target)
    elif kind == "zip":
        target = world_dir / "export.zip"
        with zipfile.ZipFile(target, "w") as archive:
            archive.write(export, "scrobbles.csv")
    else:
        target = world_dir / "export"
        (target / "locked").mkdir(parents=True)
        shutil.copy(export, target / "locked" / "scrobbles.csv")
        shutil.copy(export, target / "readable.csv")
    (target / "locked" if kind == "subfolder" else target).chmod(0)
    result = run_child(str(world_dir / "s.sqlite3"), str(target), unprivileged=True)
    errors = [r["error"] for r in result["reports"] if r["error"]]
    assert len(errors) == 1 and "\n" not in errors[0] and "Permission denied" in errors[0]
    if kind == "subfolder":
        assert "folder cannot be read" in errors[0]
        assert any(r["status"] == "nothing added" for r in result["reports"])   # the readable file
    check_store(world_dir / "s.sqlite3")


@POSIX_ONLY
def test_a_read_only_store_gives_a_store_error(world_dir):
    store_path = world_dir / "s.sqlite3"
    Store(store_path).close()
    store_path.chmod(0o444)
    world_dir.chmod(0o555)
    export = require_shared(EXPORTS / "spotify-account-data" / "StreamingHistory_music_3.json")
    result = run_child(str(store_path), str(export), unprivileged=True)
    assert result["error"] == "StoreError" and "\n" not in result["message"]
    assert "read-only" in result["message"] or "cannot be opened" in result["message"]
    world_dir.chmod(0o777)


def test_musicrec_home_naming_a_file_gives_a_store_error(tmp_path, monkeypatch):
    not_a_folder = tmp_path / "home.txt"
    not_a_folder.write_text("x")
    monkeypatch.setenv(paths.HOME_ENV, str(not_a_folder))
    with pytest.raises(StoreError, match="is a file, not a folder"):
        Store.open()
    with pytest.raises(StoreError, match="is a file, not a folder"):
        paths.models_dir()


@POSIX_ONLY
def test_a_full_disk_during_import_gives_a_store_error_and_keeps_the_store(tmp_path):
    store_path = tmp_path / "s.sqlite3"
    store = Store(store_path)
    importer.import_paths(store, [require_shared(EXPORTS / "spotify-account-data" / "StreamingHistory_music_3.json")])
    store.close()
    before = check_store(store_path)
    limit = store_path.stat().st_size + 256 * 1024     # the disk fills up a little way into the import

    def small_disk():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    result = run_child(str(store_path), str(require_shared(EXPORTS / "lastfm-ghan-csv" / "scrobbles.csv")),
                       preexec=small_disk)
    assert result["error"] == "StoreError" and "disk" in result["message"] and "\n" not in result["message"]
    assert check_store(store_path) == before


# -- item 6: numbers and times --------------------------------------------------------

def test_huge_play_counts_are_malformed_rows_not_wrapped_or_fatal(tmp_path):
    user = "00000c289a1829a808ac09c00daf10bc3c4e223b"
    lines = [f"{user}\t\tartist {n}\t{plays}\n" for n, plays in enumerate(
        [12, 2 ** 63 - 1, 2 ** 63 + 5, 10 ** 30, MAX_PLAY_COUNT + 1, MAX_PLAY_COUNT, 7])]
    path = tmp_path / "plays.tsv"
    path.write_text("".join(lines))
    store = Store(tmp_path / "s.sqlite3")
    (report,) = importer.import_paths(store, [path])
    assert (report.added, report.malformed, report.malformed_lines) == (3, 4, [2, 3, 4, 5])
    stats = library.store_stats(store)
    assert stats["plays"] == 12 + MAX_PLAY_COUNT + 7
    store.close()
    check_store(tmp_path / "s.sqlite3")


def test_milliseconds_where_seconds_belong_are_read_as_milliseconds(tmp_path):
    """Was: stored as the year 55 840."""
    path = tmp_path / "scrobbles.csv"
    path.write_text(ghan([(1_720_688_852_000, "The Cure", "Primary"), (1_720_688_656_123, "Air", "La femme")]))
    store = Store(tmp_path / "s.sqlite3")
    (report,) = importer.import_paths(store, [path])
    assert report.added == 2
    assert store.connection().execute("SELECT played_at FROM listens ORDER BY id").fetchall() == [
        (1_720_688_852,), (1_720_688_656,)]
    store.close()


def test_future_times_are_malformed_rows(tmp_path):
    path = tmp_path / "scrobbles.csv"
    path.write_text(ghan([(1_720_688_852, "The Cure", "Primary"), (4_102_444_800, "Air", "2100"),
                          (1_720_688_700, "Air", "Ok")]))
    spotify = tmp_path / "StreamingHistory0.json"
    spotify.write_text(json.dumps([
        {"endTime": "2024-09-23 07:36", "artistName": "Air", "trackName": "a", "msPlayed": 247426},
        {"endTime": "9999-01-01 00:00", "artistName": "Air", "trackName": "b", "msPlayed": 247426}]))
    store = Store(tmp_path / "s.sqlite3")
    csv_report, json_report = importer.import_paths(store, [path, spotify])
    assert (csv_report.added, csv_report.malformed, csv_report.malformed_lines) == (2, 1, [3])
    assert (json_report.added, json_report.malformed, json_report.malformed_lines) == (1, 1, [2])
    store.close()
    check_store(tmp_path / "s.sqlite3")


def test_one_bad_value_skips_its_row_not_the_file(tmp_path):
    good = {"endTime": "2024-09-23 07:36", "artistName": "Air", "trackName": "Playground Love", "msPlayed": 247426}
    rows = [good,
            {**good, "artistName": "\ud800 lone surrogate"},
            {**good, "msPlayed": 10 ** 30},
            {**good, "trackName": "x" * (MAX_TEXT_CHARS + 1)},
            {**good, "endTime": "2024-09-23 07:37"}]
    text = json.dumps(rows).replace("1e30", "1e400")
    path = tmp_path / "StreamingHistory0.json"
    path.write_text(text.replace('"msPlayed": 247426}]', '"msPlayed": 1e400}]'))
    store = Store(tmp_path / "s.sqlite3")
    (report,) = importer.import_paths(store, [path])
    assert report.error is None
    assert (report.rows_read, report.added, report.malformed, report.malformed_lines) == (5, 1, 4, [2, 3, 4, 5])
    store.close()
    check_store(tmp_path / "s.sqlite3")


def test_messages_do_not_leak_internal_exception_text(tmp_path):
    broken = tmp_path / "StreamingHistory0.json"
    broken.write_text('[{"endTime": "2024-09-23 07:36", "artistName": "Air", "trackName": "a", "msPlayed": 1}, {"x')
    store = Store(tmp_path / "s.sqlite3")
    (report,) = importer.import_paths(store, [broken])
    assert report.error and "not valid JSON" in report.error
    for internal in ("Expecting", "Error:", "Traceback", "char ", "line 1 column"):
        assert internal not in report.error
    store.close()


# -- item 7: say what happened when nothing was imported ------------------------------

def _hetrec_copy(tmp_path: Path, artists: bytes) -> Path:
    folder = tmp_path / "hetrec"
    folder.mkdir()
    shutil.copy(require_shared(HETREC / "user_artists.dat"), folder)
    (folder / "artists.dat").write_bytes(artists)
    return folder


@pytest.mark.parametrize("artists", [b"", b"id\tname\turl\tpictureURL\n", bytes(range(256)) * 64],
                         ids=["empty", "header only", "binary"])
def test_hetrec_without_usable_artist_names_is_an_error(tmp_path, artists):
    store = Store(tmp_path / "s.sqlite3")
    reports = importer.import_paths(store, [_hetrec_copy(tmp_path, artists) / "user_artists.dat"])
    assert [r.status for r in reports] == ["error"]
    assert "names no artists" in reports[0].error
    assert importer.nothing_imported(reports)
    store.close()
    check_store(tmp_path / "s.sqlite3")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_utf16_files_import_like_utf8_ones(tmp_path, encoding):
    original = require_shared(EXPORTS / "lastfm-ghan-csv" / "scrobbles.csv").read_text("utf-8")
    utf16 = tmp_path / "scrobbles-utf16.csv"
    bom = b"\xfe\xff" if encoding == "utf-16-be" else b""
    utf16.write_bytes(bom + original.encode(encoding))
    reference = Store(tmp_path / "ref.sqlite3")
    want = importer.import_paths(reference, [require_shared(EXPORTS / "lastfm-ghan-csv" / "scrobbles.csv")])
    store = Store(tmp_path / "s.sqlite3")
    got = importer.import_paths(store, [utf16])
    assert (got[0].format, got[0].added, got[0].malformed) == (want[0].format, want[0].added, want[0].malformed)
    assert got[0].added > 11_000
    names = "SELECT a.name, COUNT(*) FROM listens l JOIN artists a ON a.id = l.artist_id GROUP BY 1 ORDER BY 1"
    assert store.connection().execute(names).fetchall() == reference.connection().execute(names).fetchall()
    store.close()
    reference.close()


def test_empty_folders_and_zips_of_system_files_say_so(tmp_path):
    empty = tmp_path / "empty"
    (empty / "__MACOSX").mkdir(parents=True)
    (empty / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    clutter = tmp_path / "clutter.zip"
    with zipfile.ZipFile(clutter, "w") as archive:
        archive.writestr("__MACOSX/._StreamingHistory0.json", b"\0\5\26\7")
        archive.writestr("MyData/", b"")
    store = Store(tmp_path / "s.sqlite3")
    reports = importer.import_paths(store, [empty, clutter])
    assert [r.status for r in reports] == ["error", "error"]
    assert "empty folder" in reports[0].error and "__MACOSX" in reports[1].error
    assert importer.nothing_imported(reports)
    assert not importer.nothing_imported(importer.import_paths(store, [
        require_shared(EXPORTS / "lastfm-ghan-csv" / "hearted.csv")]))      # read, nothing to add: not "nothing"
    store.close()


# -- item 9: amplification ------------------------------------------------------------

def test_a_zip_member_packed_far_tighter_than_real_data_is_not_read(tmp_path):
    """Was: a 1.9 MB zip of blank lines took 117 s."""
    bomb = tmp_path / "export.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("scrobbles.csv", GHAN_HEADER + "\n" * (64 << 20))
    assert bomb.stat().st_size < 200_000
    store = Store(tmp_path / "s.sqlite3")
    (report,) = importer.import_paths(store, [bomb])
    assert report.status == "error" and "times its packed size" in report.error
    store.close()


class _CountingReads:
    """A binary stream that counts how often it is asked for data (a measure of Python-level work)."""

    def __init__(self, raw) -> None:
        self.raw, self.calls = raw, 0

    def __getattr__(self, name):
        attribute = getattr(self.raw, name)
        if name in ("read", "read1", "readline", "readinto", "peek", "__next__"):
            def counted(*args):
                self.calls += 1
                return attribute(*args)
            return counted
        return attribute

    def __iter__(self):
        return self

    def __next__(self):
        self.calls += 1
        return next(self.raw)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.raw.close()


def test_runs_of_blank_lines_are_skipped_in_bulk_with_exact_line_numbers(tmp_path):
    path = tmp_path / "scrobbles.csv"
    blank = "\n" * 1_000_000
    path.write_text(GHAN_HEADER + blank + '"1720688852","","Air","","A","","t",""\n' + blank + "broken\n"
                    + "\r\n" * 1000 + '"1720688900","","Air","","A","","u",""\n')
    streams: list[_CountingReads] = []

    def opener():
        streams.append(_CountingReads(open(path, "rb")))  # noqa: SIM115 - the importer closes it
        return streams[-1]

    from musicrec_gui.core.formats import detect, read_sample
    source = Source(str(path), path.stat().st_size, opener)
    fmt = detect(read_sample(source))
    store = Store(tmp_path / "s.sqlite3")
    report = importer.import_source(store, source, fmt)
    assert (report.added, report.malformed, report.malformed_lines) == (2, 1, [2_000_003])
    assert max(s.calls for s in streams) < 1000, "blank lines were read one by one"
    store.close()


def test_overlong_lines_and_names_are_malformed_rows(tmp_path):
    csv_path = tmp_path / "scrobbles.csv"
    csv_path.write_text(ghan([(1_720_688_852, "Air", "t")]) + '"1720688853","","' + "x" * (MAX_LINE_BYTES + 10)
                        + '","","A","","t",""\n' + ghan([(1_720_688_900, "Air", "u")])[len(GHAN_HEADER):])
    user = "00000c289a1829a808ac09c00daf10bc3c4e223b"
    tsv_path = tmp_path / "plays.tsv"
    tsv_path.write_text(f"{user}\t\tAir\t3\n{user}\t\t{'y' * (MAX_TEXT_CHARS + 1)}\t4\n{user}\t\t{'z' * 900}\t5\n"
                        + f"{user}\t\t{'w' * (MAX_LINE_BYTES * 2)}\t6\n{user}\t\tMoby\t7\n")
    store = Store(tmp_path / "s.sqlite3")
    csv_report, tsv_report = importer.import_paths(store, [csv_path, tsv_path])
    assert (csv_report.added, csv_report.malformed, csv_report.malformed_lines) == (2, 1, [3])
    assert (tsv_report.added, tsv_report.malformed, tsv_report.malformed_lines) == (3, 2, [2, 4])
    assert store.scalar("SELECT MAX(LENGTH(name)) FROM artists") == 900
    store.close()
    check_store(tmp_path / "s.sqlite3")


def test_identical_copies_of_one_listen_are_capped(tmp_path):
    """Was: a 5.7 MB zip became 796 544 identical listens."""
    record = {"endTime": "2024-09-23 07:36", "artistName": "Air", "trackName": "a", "msPlayed": 247426}
    path = tmp_path / "StreamingHistory0.json"        # (zipped, it would be refused as packed too tightly)
    path.write_text(json.dumps([record] * 120_000 + [{**record, "trackName": "b"}]))
    store = Store(tmp_path / "s.sqlite3")
    (report,) = importer.import_paths(store, [path])
    assert report.added <= 3 * importer.MAX_IDENTICAL_LISTENS + 1
    assert report.skipped == {importer.REPEATS: 120_001 - report.added}
    assert store.scalar("SELECT COUNT(*) FROM listens WHERE track = 'b'") == 1
    store.close()
    check_store(tmp_path / "s.sqlite3")


def _vm_steps(store: Store, action, monkeypatch) -> int:
    """SQLite virtual-machine steps (in tens) that ``action`` makes on the store: work, not time."""
    steps = [0]

    def tick():
        steps[0] += 1
        return 0
    # The importer's own progress handler (for Cancel) would replace ours: keep ours in place.
    monkeypatch.setattr(importer, "_interruptible", lambda conn, token: contextlib.nullcontext())
    store.connection().set_progress_handler(tick, 10)
    try:
        action()
    finally:
        store.connection().set_progress_handler(None, 10)
        monkeypatch.undo()
    return steps[0]


def test_per_file_work_follows_the_file_not_the_store(tmp_path, monkeypatch):
    """Was: 10 000 tiny files took 456 s, each slower than the last."""
    def tiny(n: int) -> Path:
        path = tmp_path / f"tiny{n}.csv"
        path.write_text(ghan([(1_600_000_000 + 100 * n + k, f"Artist {k}", f"t{n}") for k in range(20)]))
        return path

    # The person's second file each time: the merging path (the first one takes the fresh path).
    empty = Store(tmp_path / "empty.sqlite3")
    importer.import_paths(empty, [tiny(1)])
    alone = _vm_steps(empty, lambda: importer.import_paths(empty, [tiny(2)]), monkeypatch)
    store = Store(tmp_path / "s.sqlite3")
    importer.import_paths(store, [require_shared(HETREC), tiny(1)])
    early = _vm_steps(store, lambda: importer.import_paths(store, [tiny(2)]), monkeypatch)
    importer.import_paths(store, [tiny(n) for n in range(3, 300)])
    late = _vm_steps(store, lambda: importer.import_paths(store, [tiny(300)]), monkeypatch)
    assert late < 1.5 * early, (early, late)
    assert early < 1.5 * alone, (alone, early)           # 92 K community plays cost nothing per file
    empty.close()
    store.close()
    check_store(tmp_path / "s.sqlite3")


def test_cancel_stops_a_long_sql_statement(tmp_path, monkeypatch):
    """Cancel pressed while the merge runs in SQLite (no chunk boundary to check at) still stops it."""
    export = require_shared(EXPORTS / "lastfm-ghan-csv" / "scrobbles.csv")
    store = Store(tmp_path / "s.sqlite3")
    importer.import_paths(store, [export])
    before = check_store(tmp_path / "s.sqlite3")
    token = StopToken()
    merge = importer._merge_stage
    finished: list[bool] = []

    def merge_after_cancel(*args):
        token.stop()                        # Cancel arrives just as the merge statement starts
        added = merge(*args)
        finished.append(True)
        return added

    monkeypatch.setattr(importer, "_merge_stage", merge_after_cancel)
    monkeypatch.setattr(importer, "INTERRUPT_STEPS", 10)
    changed = tmp_path / "scrobbles.csv"
    changed.write_bytes(export.read_bytes() + b"\n")
    with pytest.raises(Cancelled):
        importer.import_paths(store, [changed], token=token)
    assert not finished, "the merge ran to its end after Cancel"
    store.close()
    assert check_store(tmp_path / "s.sqlite3") == before
