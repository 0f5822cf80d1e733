"""SIGTERM (kill, systemd, a container stop) ends a long command like Ctrl-C: cleanly, with
what was finished kept (analyze), resumable (batch), or stopped between polls (watch)."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass
class Signals:
    interrupted: bool = False


@contextmanager
def interrupt_on_sigterm(sigint: bool = True) -> Iterator[Signals]:
    """SIGTERM (and Ctrl-C unless ``sigint`` is false: Spark keeps its own Ctrl-C handler,
    which cancels its jobs) raise ``KeyboardInterrupt`` and are remembered, so an interrupt a
    library wrapped in its own error still counts (``Signals.interrupted``)."""
    signals = Signals()

    def interrupt(*_: object) -> None:
        signals.interrupted = True
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
        previous_int = signal.signal(signal.SIGINT, interrupt) if sigint else None
    except ValueError:  # not the main thread (embedded use): leave signals alone
        yield signals
        return
    try:
        yield signals
    finally:
        signal.signal(signal.SIGTERM, previous)
        if sigint:
            signal.signal(signal.SIGINT, previous_int)
