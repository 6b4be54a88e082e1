"""The Train page's parts on their own: the event relay, the stop token, the number box, the remembered form."""
from __future__ import annotations


import pytest

from musicrec_gui.core.engine.dim_search import DimEvent
from musicrec_gui.core.engine.lr_finder import LRFinderEvent
from musicrec_gui.core.engine.settings import PRESETS
from musicrec_gui.core.engine.trainer import BatchEvent, EpochEvent
from musicrec_gui.core.jobs import Cancelled, Progress, StopToken
from musicrec_gui.ui import settings as options
from musicrec_gui.ui.main_window import MainWindow
from musicrec_gui.ui.training.number_box import NumberBox, short_number
from musicrec_gui.ui.training.relay import BatchPoints, Relay
from musicrec_gui.ui.training.tasks import JointToken

from .conftest import wait_idle


def _epoch(epoch: int, epochs: int = 3) -> EpochEvent:
    return EpochEvent(epoch, epochs, 1.0, 0.9, 0.8, 0.1, 0.01, 1.0, 1000.0, True)


def test_the_relay_bundles_thousands_of_batches_into_a_few_events():
    sent = []
    relay = Relay(sent.append, "Training", total=3, interval=60.0)   # nothing is due during the loop
    for batch in range(1, 2001):
        relay(BatchEvent(1, batch, 2000, 1.0 / batch, 0.01))
    relay(_epoch(1))
    bundles = [e for e in sent if isinstance(e, BatchPoints)]
    assert len(bundles) == 1 and len(bundles[0].x) == 2000   # one bundle, sent before the epoch
    xs = [x for b in bundles for x in b.x]
    assert xs == sorted(xs) and xs[-1] == pytest.approx(1.0)
    kinds = [type(e).__name__ for e in sent]
    assert kinds.index("EpochEvent") > kinds.index("BatchPoints")   # batches first, so curves stay in order
    progress = [e for e in sent if isinstance(e, Progress)]
    assert progress[-1].stage == "Training" and progress[-1].fraction == pytest.approx(1 / 3)


def test_the_relay_turns_finder_and_search_events_into_progress():
    sent = []
    relay = Relay(sent.append, "Finding the learning rate")
    relay(LRFinderEvent(25, 100, 1e-3, 2.0, 2.1))
    relay(DimEvent(40, 3, 5, "recall", 0.2, 1.5))
    assert isinstance(sent[0], LRFinderEvent) and sent[1].fraction == pytest.approx(0.25)
    assert isinstance(sent[2], DimEvent) and sent[3].fraction == pytest.approx(0.6)
    relay.flush()   # nothing pending: nothing sent
    assert len(sent) == 4


def test_the_joint_token_stops_when_either_side_does():
    page_stop, runner_token = StopToken(), StopToken()
    either = JointToken(page_stop, runner_token)
    assert not either.stopped
    either.check()
    runner_token.stop()
    assert either.stopped
    with pytest.raises(Cancelled):
        either.check()


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
