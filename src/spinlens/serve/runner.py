"""CPU work off the event loop: worker threads that each own their state, a bounded queue,
and a per-request timeout.

Each worker thread builds its state (the loaded pipeline) once, at start-up, on itself:
analyzers may hold objects that must stay on the thread that made them (SQLite
connections), so a pipeline is never handed between threads. The models inside the
pipelines are cached per process, so every worker shares one set of loaded models.

At most ``workers`` jobs run at once and at most ``queue`` more wait; beyond that a job is
refused at once (the API answers 503 with Retry-After). A slot is freed when the work
really ends, not when the client gives up, so a timed-out job still counts until it ends.

Each job runs under a deadline (:mod:`spinlens.deadline`) of the request's timeout, counted
from when it was admitted: the pipeline and the model loops check it between steps, so a
job past its time stops at the next check and frees its worker, instead of running to the
end for an answer nobody waits for.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, Generic, TypeVar

from spinlens.deadline import Deadline, DeadlineExceeded, deadline_scope

S = TypeVar("S")
T = TypeVar("T")

Job = tuple[Callable[[Any], Any], "Future[Any]", Deadline]


class QueueFullError(Exception):
    """Every worker is busy and the waiting queue is full."""


class WorkTimeoutError(Exception):
    """The work took longer than the per-request timeout."""


class Runner(Generic[S]):
    def __init__(
        self, make_state: Callable[[int], S], workers: int, queue_size: int, timeout: float
    ) -> None:
        self.capacity = workers + queue_size
        self.timeout = timeout
        self._jobs: queue.SimpleQueue[Job | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._admitted = 0
        self._threads = [self._start(make_state, n) for n in range(workers)]

    def _start(self, make_state: Callable[[int], S], number: int) -> threading.Thread:
        """Start one worker and wait until its state is built; its error is raised here."""
        ready: Future[None] = Future()
        thread = threading.Thread(
            target=self._work,
            args=(make_state, number, ready),
            name=f"spinlens-{number}",
            daemon=True,
        )
        thread.start()
        ready.result()
        return thread

    def _work(self, make_state: Callable[[int], S], number: int, ready: Future[None]) -> None:
        try:
            state = make_state(number)
        except BaseException as exc:
            ready.set_exception(exc)
            return
        ready.set_result(None)
        while (job := self._jobs.get()) is not None:
            func, future, deadline = job
            if future.set_running_or_notify_cancel():
                try:
                    with deadline_scope(deadline):
                        future.set_result(func(state))
                except DeadlineExceeded:
                    future.set_exception(WorkTimeoutError())
                except BaseException as exc:
                    future.set_exception(exc)

    @property
    def admitted(self) -> int:
        """Jobs running or waiting now."""
        return self._admitted

    def _admit(self) -> None:
        with self._lock:
            if self._admitted >= self.capacity:
                raise QueueFullError
            self._admitted += 1

    def _release(self, *_: object) -> None:
        with self._lock:
            self._admitted -= 1

    async def run(self, func: Callable[[S], T]) -> T:
        """``func(state)`` on a worker; QueueFullError or WorkTimeoutError if refused."""
        self._admit()
        future: Future[T] = Future()
        future.add_done_callback(self._release)
        deadline = Deadline(self.timeout)
        self._jobs.put((func, future, deadline))
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), self.timeout)
        except TimeoutError:
            self._cancel(future, deadline)
            raise WorkTimeoutError from None
        except asyncio.CancelledError:  # the request itself was cancelled (server stopping)
            self._cancel(future, deadline)
            raise

    @staticmethod
    def _cancel(future: Future[Any], deadline: Deadline) -> None:
        """Drop a queued job; a running one stops at its next deadline check."""
        future.cancel()
        deadline.cancel()

    def shutdown(self) -> None:
        for _ in self._threads:
            self._jobs.put(None)
