"""What every long job shares: a stop token and plain progress events.

A long job is a plain function (or generator) that takes a ``StopToken`` and a
``report`` callback.  It calls ``token.check()`` at every batch or chunk and
``report(Progress(...))`` whenever it has news.  Events are small frozen
dataclasses of numbers and strings (never tensors or frames), so the GUI
adapter can pass them across threads safely.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass


class Cancelled(Exception):
    """Raised inside a job when its stop token was set."""


class StopToken:
    """A thread-safe flag a job polls; setting it makes ``check()`` raise ``Cancelled``."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def stop(self) -> None:
        self._event.set()

    @property
    def stopped(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        if self._event.is_set():
            raise Cancelled()


class JointToken(StopToken):
    """Stopped as soon as any of the given tokens (or this one) is."""

    def __init__(self, *tokens: StopToken | None) -> None:
        super().__init__()
        self._tokens = [token for token in tokens if token is not None]

    @property
    def stopped(self) -> bool:
        return super().stopped or any(token.stopped for token in self._tokens)

    def check(self) -> None:
        if self.stopped:
            raise Cancelled()


@dataclass(frozen=True)
class Progress:
    """Generic progress: ``done`` out of ``total`` units (total 0 = unknown)."""

    stage: str
    done: float
    total: float = 0.0
    message: str = ""

    @property
    def fraction(self) -> float | None:
        return None if self.total <= 0 else min(1.0, self.done / self.total)


Reporter = Callable[[object], None]


def ignore_events(event: object) -> None:
    """A reporter that drops everything (for callers that do not care)."""
