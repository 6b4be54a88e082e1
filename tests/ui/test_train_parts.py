"""The Train page's parts on their own: the number box, the remembered form."""
from __future__ import annotations

import pytest

from musicrec_gui.core.engine.settings import PRESETS
from musicrec_gui.ui import settings as options
from musicrec_gui.ui.main_window import MainWindow
from musicrec_gui.ui.training.number_box import NumberBox, short_number

from .conftest import wait_idle


def test_the_number_box_reads_and_steps_across_orders_of_magnitude(qtbot):
    assert [short_number(v) for v in (0, 1e-5, 0.0497702, 3.0, 50, 1234.4, 2e7)] == \
        ["0", "1e-5", "0.0498", "3", "50", "1234", "2e7"]
    rate = NumberBox(1e-6, 10.0)
    qtbot.addWidget(rate)
    rate.setValue(0.0497702)
    assert rate.value() == 0.0498 and rate.text() == "0.0498"   # the value is what is shown
    rate.stepBy(1)
    assert rate.value() == pytest.approx(0.0996)
    rate.lineEdit().setText("3e-4")
    rate.interpretText()
    assert rate.value() == pytest.approx(3e-4)
    gravity = NumberBox(0.01, 1e5, zero_allowed=True)
    qtbot.addWidget(gravity)
    gravity.setValue(0.015)
    gravity.stepBy(-1)
    assert gravity.value() == 0.0   # below the smallest step: off
    gravity.stepBy(1)
    assert gravity.value() == 0.01


def test_the_form_comes_back_as_it_was_left(qtbot, store, settings):
    first = MainWindow(store, settings)
    qtbot.addWidget(first)
    form = first.train.form
    form.preset.setCurrentIndex(form.preset.findData("predict"))
    form.preset.activated.emit(form.preset.currentIndex())
    form.seed.setValue(7)
    first.close()
    second = MainWindow(store, settings)
    qtbot.addWidget(second)
    again = second.train.form
    assert again.preset_key() == "custom"
    assert again.settings() == PRESETS["predict"].replace(seed=7, report_recall=True)
    second.close()


def test_an_unreadable_remembered_form_falls_back_to_discover(qtbot, store, settings):
    settings.set(options.TRAIN_PRESET, "custom")
    settings.set(options.TRAIN_SETTINGS, '{"dim": 32, "no_such_knob": 1}')
    window = MainWindow(store, settings)
    qtbot.addWidget(window)
    assert window.train.form.preset_key() == "discover"
    assert window.train.form.settings().dim == PRESETS["discover"].dim
    wait_idle(qtbot, window)
    window.close()
