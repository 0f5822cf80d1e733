"""Cooperative cancellation: a deadline that long work checks between its steps.

A thread cannot be killed, so a server request that outlives its time would keep its worker
busy to the end. Instead, whoever starts the work sets a deadline (:func:`deadline_scope`);
the pipeline calls :func:`check` between analyzers and long loops call it between batches or
sentences, and once the deadline has passed (or :meth:`Deadline.cancel` was called) the
check raises :class:`DeadlineExceeded` and the work unwinds. Outside a scope, :func:`check`
costs one context-variable lookup and never raises, so the CLI and batch runs are unchanged.

The deadline lives in a :class:`contextvars.ContextVar`, so each worker thread has its own.
URL fetches also take their time budget from it (:func:`remaining`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar


class DeadlineExceeded(BaseException):
    """The work's deadline passed or it was cancelled.

    A BaseException, like ``asyncio.CancelledError``: the pipeline isolates a failing analyzer
    with ``except Exception``, and that must not turn a cancellation into one more finding
    of "analyzer error" and go on with the next analyzer.
    """


class Deadline:
    """A point in time (monotonic clock) after which work should stop; cancellable earlier."""

    def __init__(self, seconds: float | None) -> None:
        self.at = None if seconds is None else time.monotonic() + seconds
        self._cancelled = threading.Event()

    def cancel(self) -> None:
        self._cancelled.set()

    def remaining(self) -> float | None:
        """Seconds left (0 when over); None for no time limit."""
        if self._cancelled.is_set():
            return 0.0
        return None if self.at is None else max(0.0, self.at - time.monotonic())

    @property
    def passed(self) -> bool:
        return self._cancelled.is_set() or (self.at is not None and time.monotonic() >= self.at)


_current: ContextVar[Deadline | None] = ContextVar("spinlens_deadline", default=None)


@contextmanager
def deadline_scope(deadline: Deadline) -> Iterator[Deadline]:
    """Run the block under ``deadline``: :func:`check` inside it raises once it passes."""
    token = _current.set(deadline)
    try:
        yield deadline
    finally:
        _current.reset(token)


def check() -> None:
    """Raise DeadlineExceeded if the current deadline has passed; call it between steps."""
    current = _current.get()
    if current is not None and current.passed:
        raise DeadlineExceeded


def remaining(limit: float) -> float:
    """``limit`` seconds, or less if the current deadline comes sooner."""
    current = _current.get()
    left = None if current is None else current.remaining()
    return limit if left is None else min(limit, left)
