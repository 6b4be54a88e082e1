"""Engine events without torch: the relay that bundles batches, progress lines, the joint stop token."""
from __future__ import annotations

import subprocess
import sys

import pytest

from musicrec_gui.core.engine.events import BatchEvent, BatchPoints, DimEvent, EpochEvent, LRFinderEvent, Relay
from musicrec_gui.core.jobs import Cancelled, JointToken, Progress, StopToken


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



def test_the_events_module_does_not_load_torch():
    code = ("import sys, musicrec_gui.core.engine.events, musicrec_gui.core.engine.dim_search; "
            "print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "False", out.stderr
