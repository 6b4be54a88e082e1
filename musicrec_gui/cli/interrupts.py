"""Ctrl-C in a long command: the first one asks the job to stop, a second one cancels it.

A job that can stop with something to show (training keeps its best weights,
the finder and the size search what they have) watches ``stop``; ``cancel``
makes the core raise ``Cancelled``, which rolls back what the job wrote (an
import undoes every file of the command, as the app's Cancel does).  Jobs that
cannot stop half-way pass the same token as both.
"""
from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Iterator

from musicrec_gui.core.jobs import StopToken

INTERRUPTED = 130   # the shell's exit status for "ended by Ctrl-C"


@contextlib.contextmanager
def interrupts(stop: StopToken, cancel: StopToken) -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGINT)

    def handler(signum, frame) -> None:
        if stop.stopped or stop is cancel:
            cancel.stop()
            print("\nmusicrec: cancelling", file=sys.stderr)
            return
        stop.stop()
        print("\nmusicrec: stopping after this step (Ctrl-C again to cancel)", file=sys.stderr)

    signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
