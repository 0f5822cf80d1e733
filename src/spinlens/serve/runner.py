"""CPU work off the event loop, with a bounded queue and a per-request timeout.

At most ``workers`` analyses run at once (threads sharing the loaded models) and at most
``queue`` more wait; beyond that a request is refused at once (the API answers 503 with
Retry-After) instead of piling up. A slot is freed when the work really ends, not when
the client gives up, so a timed-out analysis still counts until its thread finishes.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


class QueueFullError(Exception):
    """Every worker is busy and the waiting queue is full."""


class WorkTimeoutError(Exception):
    """The work took longer than the per-request timeout."""


class Runner:
    def __init__(self, workers: int, queue: int, timeout: float) -> None:
        self.capacity = workers + queue
        self.timeout = timeout
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="spinlens")
        self._lock = threading.Lock()
        self._admitted = 0

    @property
    def admitted(self) -> int:
        """Requests running or waiting now."""
        return self._admitted

    def _admit(self) -> None:
        with self._lock:
            if self._admitted >= self.capacity:
                raise QueueFullError
            self._admitted += 1

    def _release(self, *_: object) -> None:
        with self._lock:
            self._admitted -= 1

    async def run(self, func: Callable[[], T]) -> T:
        """``func()`` on a worker thread; QueueFullError or WorkTimeoutError if refused."""
        self._admit()
        try:
            future = self._pool.submit(func)
        except BaseException:
            self._release()
            raise
        future.add_done_callback(self._release)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), self.timeout)
        except TimeoutError:
            future.cancel()  # drops it if still queued; a running thread finishes on its own
            raise WorkTimeoutError from None

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
