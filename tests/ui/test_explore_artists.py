"""The Artists page: bias ranking table and bars, filters, going to Similar, and the same table after a restart."""
from __future__ import annotations

import numpy as np

from musicrec_gui.core.engine import registry
from musicrec_gui.core.store import Store
from musicrec_gui.ui.main_window import MainWindow
from musicrec_gui.ui.settings import Settings

from .conftest import wait_idle
from .explore_helpers import explore_window, give_back_true_references, page, settle, trained_template  # noqa: F401


def test_the_table_and_chart_show_the_bias_ranking(qtbot, explore_window):
    artists = page(explore_window, "artists")
    explore_window.show_page("artists")
    frame = artists.table.current_frame()
    model = explore_window.models.model
    assert list(frame.columns) == ["rank", "artist", "bias", "listeners", "plays", "your_plays"]
    assert len(frame) == int((model.artist_listeners >= 5).sum())
    assert frame["rank"].tolist() == list(range(1, len(frame) + 1))
    assert np.all(np.diff(frame["bias"].to_numpy()) <= 0)   # highest first
    assert (frame["listeners"] >= 5).all()
    # "You" played eight Rock bands: their plays show beside the ranking.
    yours = frame["your_plays"].notna()
    assert frame.loc[yours, "artist"].str.startswith("Rock Band").all()
    assert yours.sum() == 8 and (frame.loc[yours, "your_plays"] > 0).all()
    shown = artists.chart.shown()
    assert len(shown) == 30 and [name for name, _ in shown] == frame["artist"].head(30).tolist()
    assert artists.chart_box.title() == "Highest 30 biases"


def test_minimum_listeners_and_top_bottom_change_the_table(qtbot, explore_window):
    artists = page(explore_window, "artists")
    everyone = len(artists.table.current_frame())
    artists.min_listeners.setValue(15)
    settle(explore_window)
    fewer = artists.table.current_frame()
    assert 0 < len(fewer) < everyone and (fewer["listeners"] >= 15).all()

    artists.end.set_value("bottom")
    bottom = artists.table.current_frame()
    assert bottom["artist"].tolist() == fewer["artist"].tolist()[::-1]   # lowest bias first
    assert bottom["rank"].iloc[0] == len(fewer)
    assert [name for name, _ in artists.chart.shown()] == fewer["artist"].tolist()[-30:]
    assert artists.chart.shown()[-1][1] == bottom["bias"].min()
    assert artists.chart_box.title().startswith("Lowest")


def test_the_filter_field_searches_names(qtbot, explore_window):
    artists = page(explore_window, "artists")
    artists.table.filter_field.setText("jazz band 0")
    names = artists.table.current_frame()["artist"]
    assert len(names) > 0 and names.str.startswith("Jazz Band 0").all()


def test_double_click_and_bar_click_open_similar(qtbot, explore_window):
    artists = page(explore_window, "artists")
    explore_window.show_page("artists")
    first = artists.table.current_frame()["artist"].iloc[2]
    artists.table.row_activated.emit(artists.table.model.row(2))
    settle(explore_window)
    assert explore_window.current_page() == "similar"
    assert page(explore_window, "similar").current_artist() == first

    explore_window.show_page("artists")
    artists.chart.artist_clicked.emit(artists.chart.shown()[0][0])
    settle(explore_window)
    assert explore_window.current_page() == "similar"
    assert page(explore_window, "similar").current_artist() == artists.chart.shown()[0][0]


def test_a_restart_shows_the_same_ranking_without_retraining(qtbot, explore_window, tmp_path):
    before = page(explore_window, "artists").table.current_frame()
    models_before = [info.id for info in registry.list_models()]
    explore_window.close()

    again = MainWindow(Store.open(), Settings.at(tmp_path / "settings.ini"))
    qtbot.addWidget(again)
    again.show()
    try:
        assert again.models.model is None   # loading runs in the background…
        wait_idle(qtbot, again)
        assert again.models.model is not None   # …and brings the saved model back
        after = page(again, "artists").table.current_frame()
        assert after.equals(before)
        assert [info.id for info in registry.list_models()] == models_before   # nothing was retrained
    finally:
        again.close()


def test_the_pages_wait_for_a_model_then_show_it(qtbot, window, trained_template):
    """No model yet: the "train first" placeholders; once one is active: the real pages, built while
    the app is idle or when first shown, given the model and computed only when shown (issue 13
    item 3: pages nobody looks at compute nothing)."""
    for key in ("artists", "similar", "for_you", "map"):
        gate = window.pages[key]
        assert gate.page is None and "Train a model first" in gate.placeholder.message.text()
    window.models.set_model(registry.load(root=trained_template / "models"))
    assert all(window.pages[key].page is None or window.pages[key].page.model is None
               for key in ("artists", "similar", "for_you", "map"))
    for key in ("artists", "similar", "for_you", "map"):
        window.show_page(key)
        gate = window.pages[key]
        assert gate.currentWidget() is gate.page and gate.page.model is window.models.model
        settle(window)
