"""The local engine: a process pool over a bounded window of tasks.

Tasks are read lazily and at most ``4 x workers`` are in flight, so memory does not grow
with the input. Each worker process loads the models once (pool initializer) and keeps
them for every task. Reports are appended and flushed as they finish, in completion order.
"""

from __future__ import annotations

import multiprocessing
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from multiprocessing import resource_tracker

from spinlens.batch.engine import Job, Progress, Summary
from spinlens.batch.ids import IdSet
from spinlens.batch.output import LineWriter, done_ids
from spinlens.batch.tasks import BadRecord, Task, count_tasks, iter_tasks
from spinlens.batch.work import Outcome, init_worker, preflight, process

WINDOW_PER_WORKER = 4
TRACKER_QUIET = "ignore:resource_tracker:UserWarning"  # a -W option (see _quiet_resource_tracker)


def run_local(job: Job, progress: Progress | None = None) -> Summary:
    """Analyse every new task of ``job`` and append its report line to ``job.out``."""
    progress = progress or Progress()
    summary = Summary()
    preflight(job.plan, keep=job.workers <= 1)
    done = done_ids(job.out)
    progress.start(count_tasks(job.sources, max_bytes=job.max_bytes))
    began = time.perf_counter()
    with LineWriter(job.out) as out, LineWriter(job.errors, truncate=True) as errors:

        def record(outcome: Outcome) -> None:
            if outcome.report is not None:
                out.write(outcome.report)
                summary.written += 1
                for name, seconds in outcome.timings:
                    spent = summary.analyzer_seconds
                    spent[name] = spent.get(name, 0.0) + seconds
            else:
                errors.write_json(
                    _error_line(outcome.origin, outcome.key, outcome.code, outcome.error)
                )
                summary.bad += 1
            progress.advance()

        tasks = _new_tasks(job, done, summary, errors, progress)
        try:
            if job.workers <= 1:
                for task in tasks:
                    record(process(task, job.plan))
            else:
                _run_pool(job, tasks, record)
        except KeyboardInterrupt:  # Ctrl-C (or SIGTERM, see the CLI): keep what is written
            summary.interrupted = True
    summary.seconds = time.perf_counter() - began
    return summary


def _new_tasks(
    job: Job, done: IdSet, summary: Summary, errors: LineWriter, progress: Progress
) -> Iterator[Task]:
    """Tasks not yet in OUT and not seen earlier in this run; bad input goes to the side file.

    An id repeated in the input counts as a duplicate on every run, so a rerun's "already in
    OUT" is the number of distinct ids found there, the same as the reports the file holds.
    """
    seen = IdSet()
    for item in iter_tasks(job.sources, max_bytes=job.max_bytes):
        if isinstance(item, BadRecord):
            errors.write_json(_error_line(item.origin, item.key, item.error.code, str(item.error)))
            summary.bad += 1
        elif item.key in seen:
            summary.duplicates += 1
        elif item.key in done:
            seen.add(item.key)
            summary.already_done += 1
        else:
            seen.add(item.key)
            yield item
            continue
        progress.advance()


def _run_pool(job: Job, tasks: Iterator[Task], record: Callable[[Outcome], None]) -> None:
    # forkserver: workers fork from a clean single-threaded server, never from this process
    # (which runs a progress-bar thread); spinlens modules are imported there once.
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    if method == "forkserver":
        context.set_forkserver_preload(["spinlens.batch.work"])
    window = job.workers * WINDOW_PER_WORKER
    pending: set[Future[Outcome]] = set()
    _quiet_resource_tracker()
    pool = ProcessPoolExecutor(
        max_workers=job.workers,
        mp_context=context,
        initializer=init_worker,
        initargs=(job.plan, 1),
    )
    try:
        for task in tasks:
            pending.add(pool.submit(process, task, job.plan))
            if len(pending) >= window:
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    record(future.result())
        for future in wait(pending).done:
            record(future.result())
    except BaseException:
        # Interrupted or failed: drop the queued tasks; workers end after their current one.
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()


def _quiet_resource_tracker() -> None:
    """Start multiprocessing's resource tracker without its leak warning.

    The pool's queues hold named semaphores that the resource tracker (a helper process)
    unlinks if this process dies without doing it. After a ``kill -9`` it does so, and warns
    "There appear to be N leaked semaphore objects" on the terminal, often under the next
    command: noise, since the clean-up it announces is done. The tracker is started with the
    interpreter's ``-W`` options, so one that ignores its warnings keeps it quiet; the
    clean-up itself is unchanged.
    """
    if TRACKER_QUIET not in sys.warnoptions:
        sys.warnoptions.append(TRACKER_QUIET)
    resource_tracker.ensure_running()


def _error_line(
    origin: str, key: str | None, code: str | None, error: str | None
) -> dict[str, object]:
    return {"origin": origin, "id": key, "code": code, "error": error}
