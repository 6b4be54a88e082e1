"""The exploring widgets: artist map and norm plot, artist search field, results table, bias bars."""
from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QApplication

from musicrec_gui.ui.widgets.artist_map import (
    CHUNK,
    DETAIL_LIMIT,
    IN_LIBRARY,
    OTHER,
    RECOMMENDED,
    SCATTER_LIMIT,
    ArtistMap,
    NormPlot,
    scaled_sizes,
)
from musicrec_gui.ui.widgets.artist_search import BLOCK_KEYS, ArtistSearchField, SearchIndex
from musicrec_gui.ui.widgets.bias_chart import BiasBars
from musicrec_gui.ui.widgets.results_table import ResultsTable

N_ARTISTS = 17_617


def fake_event(scene_pos, button=Qt.MouseButton.LeftButton):
    """What pyqtgraph's scene hands a click handler."""
    class Click:
        def button(self):
            return button

        def scenePos(self):
            return scene_pos
    return Click()


# -- ArtistMap / NormPlot ------------------------------------------------------------------

@pytest.fixture(scope="module")
def cloud():
    rng = np.random.default_rng(7)
    x, y = rng.normal(0, 5, N_ARTISTS), rng.normal(0, 3, N_ARTISTS)
    listeners = (10 ** rng.uniform(1, 6, N_ARTISTS)).astype(np.int64)
    categories = rng.choice([OTHER, IN_LIBRARY, RECOMMENDED], N_ARTISTS, p=[0.9, 0.08, 0.02])
    plays = np.where(categories == IN_LIBRARY, rng.integers(1, 300, N_ARTISTS), 0)
    names = [f"Artist {i}" for i in range(N_ARTISTS)]
    return x, y, listeners, categories, names, plays


@pytest.fixture
def artist_map(qtbot, cloud):
    x, y, listeners, categories, names, plays = cloud
    widget = ArtistMap()
    qtbot.addWidget(widget)
    widget.resize(800, 600)
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_points(x, y, np.log10(listeners), categories, names, listeners, plays)
    QApplication.processEvents()
    return widget


def nearest_by_brute_force(widget, scene_pos, x, y, radius_px):
    """Reference answer: every point mapped to the scene one by one."""
    vb = widget.plot.getPlotItem().vb
    best, best_d = None, radius_px ** 2
    here = vb.mapSceneToView(scene_pos)
    pixel_w, pixel_h = vb.viewPixelSize()
    d = ((x - here.x()) / pixel_w) ** 2 + ((y - here.y()) / pixel_h) ** 2
    order = np.argsort(d)
    for i in order[:5]:   # the closest few, checked exactly through Qt's own mapping
        p = vb.mapViewToScene(QPointF(x[i], y[i]))
        exact = (p.x() - scene_pos.x()) ** 2 + (p.y() - scene_pos.y()) ** 2
        if exact <= best_d:
            best, best_d = int(i), exact
    return best


def test_map_is_a_few_scatter_items_with_all_points(qtbot, artist_map, cloud):
    from pyqtgraph import ScatterPlotItem
    qtbot.waitUntil(lambda: artist_map.drawn() == N_ARTISTS)   # handed over a chunk per event-loop turn
    scatters = [i for i in artist_map.plot.getPlotItem().items if isinstance(i, ScatterPlotItem)]
    # One item per CHUNK points of a category plus two one-point markers (hover ring, highlight ring),
    # the (empty) detail layer of big maps and the people's stars; no item per artist.
    categories = cloud[3]
    chunks = sum(-(-int(np.count_nonzero(categories == c)) // CHUNK) for c in (OTHER, IN_LIBRARY, RECOMMENDED))
    assert len(scatters) == chunks + 4
    assert artist_map.count() == N_ARTISTS
    image = artist_map.grab().toImage()
    assert not image.isNull() and image.width() >= 800


def test_a_big_map_draws_its_crowd_as_density_and_zoomed_in_as_points(qtbot):
    # Beyond SCATTER_LIMIT points the "other" artists are one density image (painting 160 000
    # points one by one took 150-220 ms a frame); the person's artists stay points on top.
    n = SCATTER_LIMIT + 20_000
    rng = np.random.default_rng(11)
    x, y = rng.normal(0, 5, n), rng.normal(0, 3, n)
    categories = rng.choice([OTHER, IN_LIBRARY, RECOMMENDED], n, p=[0.99, 0.008, 0.002])
    listeners = rng.integers(1, 10_000, n)
    widget = ArtistMap()
    qtbot.addWidget(widget)
    widget.resize(800, 600)
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_points(x, y, np.log10(listeners), categories, [f"Artist {i}" for i in range(n)], listeners,
                      np.zeros(n, dtype=np.int64))
    qtbot.waitUntil(lambda: widget.drawn() == n)
    assert widget.density_shown() and not widget.detail.isVisible()
    pointwise = sum(len(scatter.data) for scatter in widget.scatters)
    assert pointwise == np.count_nonzero(categories != OTHER)
    image = widget.density.image
    assert image is not None and image[..., 3].any()   # the crowd is there, as cells with some opacity
    # Zoomed in on a lone crowd point: the few in view are points again, with their own sizes.
    lonely = int(np.flatnonzero(categories == OTHER)[np.argmax(np.abs(x[categories == OTHER]))])
    widget.highlight(lonely)
    qtbot.waitUntil(lambda: widget.detail.isVisible())
    assert not widget.density_shown() and 0 < len(widget.detail.data) <= DETAIL_LIMIT
    assert widget.drawn() == n
    vb = widget.plot.getPlotItem().vb
    assert widget.hover_at(vb.mapViewToScene(QPointF(x[lonely], y[lonely]))) == lonely


def test_map_legend_counts_the_categories(artist_map, cloud):
    _, _, _, categories, _, _ = cloud
    labels = [label.text for _, label in artist_map.legend.items]
    assert labels[0] == f"in your library ({np.count_nonzero(categories == IN_LIBRARY):,})"
    assert labels[1].startswith("recommended for you") and labels[2].startswith("other")


def test_map_hover_finds_the_nearest_point(artist_map, cloud):
    x, y, listeners, _, names, plays = cloud
    vb = artist_map.plot.getPlotItem().vb
    rng = np.random.default_rng(1)
    radius = artist_map.fontMetrics().height() * 0.6
    started = time.perf_counter()
    for _ in range(30):
        target = QPointF(rng.uniform(-5, 5), rng.uniform(-3, 3))
        scene_pos = vb.mapViewToScene(target)
        found = artist_map.point_at(scene_pos)
        expected = nearest_by_brute_force(artist_map, scene_pos, x, y, radius)
        assert found == expected
    per_lookup_ms = (time.perf_counter() - started) / 30 * 1000
    print(f"hover lookup over {N_ARTISTS} points: {per_lookup_ms:.2f} ms (incl. brute-force check)")

    k = int(np.flatnonzero(plays > 0)[0])
    index = artist_map.hover_at(vb.mapViewToScene(QPointF(x[k], y[k])))
    assert names[index] == names[k]
    text = artist_map.hover_label.toPlainText()
    assert names[k] in text and f"{listeners[k]:,} listeners" in text and f"{plays[k]:,} of your plays" in text
    assert artist_map.hover_label.isVisible() and artist_map.hover_ring.isVisible()


def test_map_hover_far_from_points_shows_nothing(artist_map):
    vb = artist_map.plot.getPlotItem().vb
    vb.setRange(xRange=(100, 101), yRange=(100, 101), padding=0)   # empty sea
    QApplication.processEvents()
    assert artist_map.hover_at(vb.mapViewToScene(QPointF(100.5, 100.5))) is None
    assert not artist_map.hover_label.isVisible()


def test_map_mouse_moves_are_throttled(qtbot, artist_map, monkeypatch):
    calls = []
    monkeypatch.setattr(artist_map, "hover_at", lambda pos: calls.append(pos))
    centre = artist_map.plot.getPlotItem().vb.sceneBoundingRect().center()
    for step in range(200):
        artist_map._mouse_moved(centre + QPointF(step % 7, 0))
    assert calls == []
    qtbot.waitUntil(lambda: len(calls) == 1, timeout=1000)
    assert calls[0] == centre + QPointF(199 % 7, 0)   # the latest position wins


def test_map_highlight_zooms_to_the_point(artist_map, cloud):
    x, y, *_ = cloud
    vb = artist_map.plot.getPlotItem().vb
    full_width = np.ptp(x)
    artist_map.highlight(123)
    (left, right), (bottom, top) = vb.viewRange()
    assert left < x[123] < right and bottom < y[123] < top
    assert right - left < full_width / 2
    assert artist_map.highlight_ring.isVisible() and artist_map.highlighted() == 123
    assert "Artist 123" in artist_map.highlight_label.toPlainText()
    artist_map.highlight(None)
    assert not artist_map.highlight_ring.isVisible()


def test_map_click_emits_the_point(qtbot, artist_map, cloud):
    x, y, *_ = cloud
    artist_map.highlight(4321)   # zoomed in, so the point is clear of its neighbours
    QApplication.processEvents()
    vb = artist_map.plot.getPlotItem().vb
    scene_pos = vb.mapViewToScene(QPointF(x[4321], y[4321]))
    with qtbot.waitSignal(artist_map.point_clicked) as signal:
        artist_map._clicked(fake_event(scene_pos))
    assert signal.args == [4321]
    with qtbot.waitSignal(artist_map.point_clicked) as signal:
        qtbot.mouseClick(artist_map.plot.viewport(), Qt.MouseButton.LeftButton,
                         pos=artist_map.plot.mapFromScene(scene_pos))
    assert signal.args == [4321]


def test_norm_plot_is_log_x_with_the_same_hover(qtbot, cloud):
    _, _, listeners, categories, names, plays = cloud
    norms = 1 + 0.2 * np.log10(listeners)
    plot = NormPlot()
    qtbot.addWidget(plot)
    plot.resize(700, 450)
    plot.show()
    qtbot.waitExposed(plot)
    plot.set_points(listeners, norms, categories, names, plays)
    QApplication.processEvents()
    assert plot.plot.getPlotItem().getAxis("bottom").logMode
    qtbot.waitUntil(lambda: plot.drawn() == N_ARTISTS)
    k = int(np.argmax(listeners))
    vb = plot.plot.getPlotItem().vb
    index = plot.hover_at(vb.mapViewToScene(QPointF(np.log10(listeners[k]), norms[k])))
    assert index is not None and abs(np.log10(listeners[index]) - np.log10(listeners[k])) < 0.05
    assert "norm" in plot.hover_label.toPlainText()


def test_scaled_sizes_are_few_and_in_range():
    sizes = scaled_sizes(np.random.default_rng(0).uniform(0, 7, 10_000))
    assert sizes.min() >= 3 and sizes.max() <= 12
    assert len(np.unique(sizes)) <= 19   # half-pixel steps: the symbol cache stays small


# -- ArtistSearchField -----------------------------------------------------------------------

@pytest.fixture
def search_field(qtbot):
    field = ArtistSearchField()
    qtbot.addWidget(field)
    rng = np.random.default_rng(3)
    names = [f"Filler Band {i}" for i in range(20_000)]
    names += ["Beyoncé", "Sigur Rós", "The Beatles", "Beatles Tribute", "MØ", "AC/DC", "Beatless"]
    popularity = list(rng.integers(0, 1000, 20_000)) + [900_000, 50_000, 1_000_000, 10, 7_000, 800_000, 5]
    field.set_artists(names, popularity)
    return field


def test_search_is_accent_and_case_insensitive(search_field):
    started = time.perf_counter()
    assert search_field.matches("beyonce") == ["Beyoncé"]
    assert search_field.matches("SIGUR ROS") == ["Sigur Rós"]
    assert search_field.matches("sigur rós") == ["Sigur Rós"]
    assert search_field.matches("mo")[:1] == ["MØ"]   # an exact key first, whatever the popularity
    assert search_field.matches("ac dc") == ["AC/DC"]
    elapsed_ms = (time.perf_counter() - started) * 1000
    print(f"6 searches over 20 007 names: {elapsed_ms:.1f} ms")


def test_search_matches_substrings_popular_first(search_field):
    assert search_field.matches("eatl") == ["The Beatles", "Beatles Tribute", "Beatless"]
    assert len(search_field.matches("filler", limit=50)) == 50
    assert search_field.matches("") == [] and search_field.matches("zzqx") == []


def test_search_typing_fills_the_popup_and_enter_chooses(qtbot, search_field):
    search_field.show()
    qtbot.waitExposed(search_field)
    qtbot.keyClicks(search_field, "beatl")
    qtbot.waitUntil(lambda: not search_field.searching())   # the popup fills a bounded step per turn
    assert search_field._model.stringList() == ["The Beatles", "Beatles Tribute", "Beatless"]
    search_field._completer.popup().hide()
    with qtbot.waitSignal(search_field.artist_chosen) as signal:
        qtbot.keyClick(search_field, Qt.Key.Key_Return)
    assert signal.args == ["The Beatles"]
    assert search_field.text() == "The Beatles"


def test_search_over_many_names_goes_block_by_block_and_finds_what_a_full_scan_finds(qtbot):
    # 300 000 names: a keystroke searches one bounded block per step, never all of them at once.
    names = [f"Artist {i:06d}" + ("é" if i % 7 == 0 else "") for i in range(300_000)] + ["Sigur Rós"]
    index = SearchIndex.build(names)
    steps = list(index.search("12345"))
    assert len(steps) == len(index.blocks) and all(len(step) <= BLOCK_KEYS for step in steps)
    brute = [i for i, key in enumerate(index.keys) if "12345" in key]
    assert [i for step in steps for i in step] == brute
    assert index.matches("sigur ros") == ["Sigur Rós"]   # found in the last block
    field = ArtistSearchField(limit=1000)
    qtbot.addWidget(field)
    field.set_index(index)
    field.show()
    qtbot.keyClicks(field, "9999")
    qtbot.waitUntil(lambda: not field.searching())
    assert field.popup_names() == [names[i] for i in range(300_000) if "9999" in index.keys[i]][:1000]


def test_search_choosing_in_the_popup_announces_once(qtbot, search_field):
    search_field.show()
    qtbot.waitExposed(search_field)
    chosen = []
    search_field.artist_chosen.connect(chosen.append)
    qtbot.keyClicks(search_field, "sigur")
    popup = search_field._completer.popup()
    assert popup.isVisible()
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert chosen == ["Sigur Rós"]
    assert search_field.text() == "Sigur Rós"


# -- ResultsTable -----------------------------------------------------------------------------

COLUMNS = [("artist", "Artist", "text"), ("listeners", "Listeners", "int"),
           ("score", "Score", "float"), ("known", "In library", "bool")]


@pytest.fixture
def table(qtbot):
    widget = ResultsTable()
    qtbot.addWidget(widget)
    frame = pd.DataFrame({"artist": ["Sigur Rós", "Beyoncé", "The Beatles", "Björk"],
                          "listeners": [900, 10_000, 25, 1_234_567],
                          "score": [0.5, -0.25, np.nan, 2.0],
                          "known": [True, False, True, False],
                          "artist_id": [11, 12, 13, 14]})
    widget.set_frame(frame, COLUMNS)
    return widget


def shown_column(table, column: int) -> list[str]:
    model = table.table.model()
    return [model.index(row, column).data() for row in range(model.rowCount())]


def test_table_formats_by_kind(table):
    assert shown_column(table, 0) == ["Sigur Rós", "Beyoncé", "The Beatles", "Björk"]
    assert shown_column(table, 1) == ["900", "10,000", "25", "1,234,567"]
    assert shown_column(table, 2) == ["0.500", "-0.250", "", "2.000"]
    assert shown_column(table, 3) == ["✓", "", "✓", ""]


def test_table_sorts_numbers_as_numbers(table):
    table.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    assert shown_column(table, 1) == ["25", "900", "10,000", "1,234,567"]   # not "10,000" < "25"
    table.table.sortByColumn(2, Qt.SortOrder.DescendingOrder)
    assert shown_column(table, 2) == ["2.000", "0.500", "-0.250", ""]       # blanks last
    table.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert shown_column(table, 0) == ["Beyoncé", "Björk", "Sigur Rós", "The Beatles"]


def test_a_big_text_sort_is_worked_out_off_the_gui_thread_and_kept(qtbot, table):
    from musicrec_gui.ui.compute import ComputeQueue
    from musicrec_gui.ui.widgets.results_table import BACKGROUND_SORT_ROWS

    rng = np.random.default_rng(4)
    n = BACKGROUND_SORT_ROWS + 5_000
    names = [f"Artist {i:06d}" + ("é" if i % 3 else "") for i in rng.permutation(n)]
    frame = pd.DataFrame({"artist": names, "listeners": rng.integers(0, 1000, n), "score": rng.random(n),
                          "known": rng.random(n) < 0.5})
    queue = ComputeQueue()
    table.set_background(queue)
    table.set_frame(frame, COLUMNS)
    table.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert queue.submitted["table.sort"] == 1 and "sorting…" in table.count_label.text()
    qtbot.waitUntil(lambda: not queue.busy)
    shown = table.current_frame()["artist"].tolist()
    assert shown == sorted(names, key=lambda name: name.replace("é", "")) and "sorting" not in \
        table.count_label.text()
    table.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    qtbot.waitUntil(lambda: not queue.busy)
    table.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)   # known already: no second computation
    assert queue.submitted["table.sort"] == 2 and table.current_frame()["artist"].tolist()[0] == shown[0]
    table.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)   # numbers: on the spot
    assert queue.submitted["table.sort"] == 2
    assert table.current_frame()["listeners"].is_monotonic_increasing
    queue.shutdown()


def test_table_filters_accent_insensitively_and_keeps_the_sort(table):
    table.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    table.filter_field.setText("b")
    assert shown_column(table, 0) == ["Björk", "Beyoncé", "The Beatles"]
    table.filter_field.setText("ROS")
    assert shown_column(table, 0) == ["Sigur Rós"]
    assert table.count_label.text() == "1 of 4 rows"
    frame = table.current_frame()
    assert list(frame.columns) == ["artist", "listeners", "score", "known"]
    assert frame["artist"].tolist() == ["Sigur Rós"]
    table.filter_field.clear()
    assert len(table.current_frame()) == 4


def test_table_double_click_emits_the_whole_row(qtbot, table):
    table.resize(600, 300)
    table.show()
    qtbot.waitExposed(table)
    table.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    rect = table.table.visualRect(table.table.model().index(0, 0))
    viewport = table.table.viewport()
    # (QTest's double click alone does not make a view emit doubleClicked: click first, as a person does.)
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(table.row_activated) as signal:
        qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
    assert signal.args[0]["artist"] == "The Beatles"
    assert signal.args[0]["artist_id"] == 13 and type(signal.args[0]["artist_id"]) is int
    table.table.setFocus()
    table.table.setCurrentIndex(table.table.model().index(1, 0))
    with qtbot.waitSignal(table.row_activated) as signal:
        qtbot.keyClick(table.table, Qt.Key.Key_Return)
    assert signal.args[0]["artist"] == "Sigur Rós"


def test_table_copies_the_shown_rows_as_tsv(table):
    table.filter_field.setText("sigur")
    text = table.copy_to_clipboard()
    assert text == "Artist\tListeners\tScore\tIn library\nSigur Rós\t900\t0.500\t✓\n"
    assert QApplication.clipboard().text() == text


def test_table_rejects_unknown_kinds(table):
    with pytest.raises(ValueError):
        table.set_frame(pd.DataFrame({"a": [1]}), [("a", "A", "money")])


# -- BiasBars -----------------------------------------------------------------------------------

def test_bias_bars_top_and_bottom_with_negatives(qtbot):
    bars = BiasBars(top_n=3)
    qtbot.addWidget(bars)
    names = ["a", "b", "c", "d", "e"]
    values = [0.5, -1.5, 2.0, -0.2, 1.0]
    bars.set_biases(names, values)
    assert bars.shown() == [("c", 2.0), ("e", 1.0), ("a", 0.5)]   # largest first (at the top)
    bars.set_biases(names, values, end="bottom")
    assert bars.shown() == [("a", 0.5), ("d", -0.2), ("b", -1.5)]
    opts = bars.bars.opts
    assert list(opts["x0"]) == [0.0, -0.2, -1.5] and list(opts["width"]) == [0.5, 0.2, 1.5]
    assert list(opts["y"]) == [2, 1, 0]   # first row drawn highest
    ticks = bars.plot.getAxis("left")._tickLevels[0]
    assert [name for _, name in ticks] == ["a", "d", "b"]
    positive, negative = opts["brushes"][0].color(), opts["brushes"][2].color()
    assert positive != negative


def test_bias_bars_hover_and_click(qtbot):
    bars = BiasBars(top_n=4)
    qtbot.addWidget(bars)
    bars.resize(500, 300)
    bars.show()
    qtbot.waitExposed(bars)
    bars.set_biases(["w", "x", "y", "z"], [3.0, 2.0, -1.0, -2.0])
    QApplication.processEvents()
    vb = bars.plot.getPlotItem().vb
    scene_pos = vb.mapViewToScene(QPointF(0.5, 3))   # the top row
    assert bars._index_at(scene_pos) == 0
    with qtbot.waitSignal(bars.artist_clicked) as signal:
        bars._clicked(fake_event(vb.mapViewToScene(QPointF(-0.5, 0))))
    assert signal.args == ["z"]


def test_table_ctrl_c_copies(qtbot, table):
    table.filter_field.setText("bjork")
    qtbot.keyClick(table.table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.clipboard().text().splitlines()[1].startswith("Björk\t1,234,567")
