"""Today's community data from the window: ask the ListenBrainz mirror, choose how much to keep, download and
import as one cancellable job; offline and broken connections; the keep choice for a dropped dump; coverage
in the report.

The mirror is the fake one of ``tests/test_listenbrainz_download.py`` on 127.0.0.1 (set with
``MUSICREC_LISTENBRAINZ_MIRROR``): a ``fullexport/`` listing, dump folders and a generated archive in the
published layout.  Nothing goes online.
"""
from __future__ import annotations

import threading
from http.server import ThreadingHTTPServer

import listenbrainz_dump as dumps
import pytest
from test_listenbrainz_download import ARCHIVE, SPEC, Mirror, _Handler

from musicrec_gui.core import importer, library
from musicrec_gui.core.community import listenbrainz, mirror
from musicrec_gui.core.community.keep import KEEP_CHOICES

from .conftest import JOB_TIMEOUT_MS, drop_paths, table_counts, wait_idle


@pytest.fixture
def fake_mirror(tmp_path, monkeypatch):
    """A mirror serving a generated dump; yields its plan (what it serves and how it misbehaves)."""
    archive = dumps.write_archive(tmp_path / "source.tar.zst", SPEC).read_bytes()
    monkeypatch.setattr(listenbrainz, "RETRY_DELAYS", (0.0, 0.0, 0.0))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    httpd.plan = Mirror(archive)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    monkeypatch.setenv(mirror.MIRROR_ENV, f"http://127.0.0.1:{httpd.server_address[1]}/fullexport/")
    yield httpd.plan
    httpd.plan.stopping.set()
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def _person(window) -> None:
    """Someone whose artists the dump partly knows (its most common names) and partly not."""
    rows = "".join(f"{name}|t|{1_700_000_000 + i * 600}\n"
                   for i, name in enumerate(["Sigur Rós", "Björk", "坂本龍一", "Nobody Knows Me"] * 5))
    from .conftest import PIPE_LISTENS, text_source

    importer.import_source(window.store, text_source(rows), PIPE_LISTENS)
    window.context.store_changed.emit()


def _offer(qtbot, window):
    window.imports.add_community_data()
    community = window.imports.community_dialog
    assert community.isVisible() and "CC0" in community.listenbrainz_text.text()
    community.listenbrainz_button.click()
    wait_idle(qtbot, window)
    offer = window.imports.listenbrainz_dialog
    assert offer is not None and offer.isVisible()
    return offer


def test_the_newest_dump_is_shown_with_its_licence_and_keep_choices_then_downloaded_and_imported(
        qtbot, window, fake_mirror, musicrec_home):
    _person(window)
    wait_idle(qtbot, window)
    offer = _offer(qtbot, window)
    facts = {caption: label.text() for caption, label in offer.facts.items()}
    assert facts["Statistics of"] == "2026-04-15 00:00 UTC"           # the newest full dump with statistics
    assert ARCHIVE in facts["Archive"] and "MB" in facts["Archive"]
    assert "CC0" in facts["Licence"] and "COPYING" in facts["Licence"]
    assert [b.text() for b in offer.choice_buttons.values()] == [c.label for c in KEEP_CHOICES.values()]
    assert offer.keep() == "quick" and "20,000 listeners" in offer.estimates["quick"].text()
    assert "training ≈" in offer.estimates["large"].text() and "store ≈" in offer.estimates["large"].text()
    assert window.store.scalar("SELECT COUNT(*) FROM sources") == 1   # nothing downloaded yet

    offer.set_keep("all")
    progress = []
    window.runner.progress.connect(progress.append)
    offer.download_button.click()
    job = window.runner.current
    assert job is not None and job.cancel_question   # one job, Cancel asks before throwing it away
    wait_idle(qtbot, window)
    assert job.outcome == "succeeded"
    assert any(event.stage == "Downloading ListenBrainz statistics" for event in progress)
    assert library.community_listener_count(window.store) == SPEC.users
    saved = musicrec_home / "downloads" / "listenbrainz"
    copying = saved / (ARCHIVE.removesuffix(".tar.zst") + "-COPYING.txt")
    assert copying.read_text(encoding="utf-8") == dumps.COPYING   # the attribution, beside the download

    report = window.imports.report_dialog
    assert report is not None and report.isVisible()
    assert report.title.text() == "ListenBrainz statistics of 2026-04-15 00:00 UTC imported"
    wait_idle(qtbot, window)   # the coverage, computed off the GUI thread
    rows = report.coverage.rows()
    assert [label for _, label, _, _ in rows][0] == library.ALL_COMMUNITY
    assert len(rows) == 2 and 0 < rows[1][3] < 1   # the dump knows some of "you"'s plays, not all
    assert report.coverage_box.isVisible()


def test_offline_says_no_internet_connection_and_the_way_round(qtbot, window, monkeypatch):
    monkeypatch.setenv(mirror.MIRROR_ENV, "http://musicrec-offline-test.invalid/fullexport/")
    job = window.imports.check_listenbrainz()
    wait_idle(qtbot, window)
    assert job.outcome == "failed"
    text = window.banner.message()
    assert text.startswith("No internet connection") and ".tar.zst" in text and "Choose a file or zip" in text
    assert "Errno" not in text
    box = window.imports.retry_box
    assert box is not None and box.retry_button.text() == "Try again"
    box.close()


def test_a_broken_download_offers_try_again_which_resumes(qtbot, window, fake_mirror):
    offer = _offer(qtbot, window)
    piece = 4096                         # far less than the artists statistics take
    fake_mirror.cuts = [piece] * 4       # every connection breaks off: more cuts than the core retries
    before = table_counts(window.store)
    offer.download_button.click()
    job = window.runner.current
    wait_idle(qtbot, window)
    assert job.outcome == "failed" and "cut off" in window.banner.message()
    assert table_counts(window.store) == before
    box = window.imports.retry_box
    assert box is not None and "continues from where it stopped" in box.text()
    fake_mirror.cuts = []
    box.retry_button.click()
    wait_idle(qtbot, window)
    assert window.imports.retry_box is None
    assert library.community_listener_count(window.store) > 0
    resumed = fake_mirror.ranges[-1]
    assert resumed is not None and int(resumed.removeprefix("bytes=").rstrip("-")) >= 4 * piece


def test_cancelling_the_download_asks_and_leaves_the_library_as_it_was(qtbot, window, fake_mirror):
    offer = _offer(qtbot, window)
    fake_mirror.trickle_after = 30_000   # then the server goes quiet
    before = table_counts(window.store)
    offer.download_button.click()
    job = window.runner.current
    window.job_status.cancel_button.click()
    box = window.job_status.cancel_confirm
    assert box is not None and "thrown away" in box.text()
    box.cancel_button.click()
    with qtbot.waitSignal(job.finished, timeout=JOB_TIMEOUT_MS):
        pass
    assert job.outcome == "cancelled" and table_counts(window.store) == before


def test_a_dropped_dump_asks_how_much_to_keep(qtbot, window, tmp_path):
    archive = dumps.write_archive(tmp_path / "listenbrainz-statistics-dump-20260501-000004.tar.zst",
                                  dumps.Spec(users=60, mean_artists_per_user=30))
    assert drop_paths(window, [archive])
    wait_idle(qtbot, window)
    confirm = window.imports.confirm_dialog
    assert confirm is not None and confirm.keep_form.isVisible()
    assert confirm.keep() == "quick" and "20 000" in confirm.keep_box.currentText()
    confirm.keep_box.setCurrentIndex(confirm.keep_box.findData("all"))
    calls = []
    original = window.imports.start_import
    window.imports.start_import = lambda planned, person, keep=None: calls.append(keep) or original(
        planned, person, keep)
    confirm.import_button.click()
    wait_idle(qtbot, window)
    assert calls == ["all"]
    assert library.community_listener_count(window.store) == 60   # everything kept


def test_a_plan_without_statistics_does_not_ask(qtbot, window, tmp_path):
    path = tmp_path / "plays.csv"
    path.write_text("artist,track,time\nAir,La femme d'argent,2021-01-01 10:00\n", encoding="utf-8")
    window.imports.import_paths([str(path)])
    wait_idle(qtbot, window)
    confirm = window.imports.confirm_dialog
    assert confirm is not None and not confirm.keep_form.isVisible() and confirm.keep() is None
    confirm.reject()
