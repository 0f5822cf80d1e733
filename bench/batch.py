"""Batch throughput: the full default pipeline over PTC articles, local (1, 2 workers) and Spark.

    python bench/batch.py [--limit 200] [--engines local1,local2,spark] [--only quotes ...]
                          [--near-median]

PTC has ~450 articles; a ``--limit`` above that repeats them under new ids (said in the
output). Prints articles/second (Spark start-up excluded, pool start-up included), CPU
seconds per article and the peak resident memory of the whole process tree, and each
analyzer's share of analysis time. PTC's mean article is ~1.4x its median (long tail), so
``--near-median`` takes the articles closest to the median length instead, for targets
stated per median article.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from spinlens.batch import Job, Plan, Summary, run_local
from spinlens.batch.engine import Progress
from spinlens.config import Settings
from spinlens.pipeline import select_analyzers

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "ptc-semeval2020-task11"


def write_corpus(
    data: Path, limit: int, out: Path, near_median: bool = False
) -> tuple[int, int, bool]:
    """PTC articles as JSONL; returns (count, median words, repeated?)."""
    files = sorted((data / "train-articles").glob("article*.txt"))
    files += sorted((data / "dev-articles").glob("article*.txt"))
    if not files:
        raise SystemExit(f"no PTC articles under {data}")
    texts = [(f.stem, f.read_text(encoding="utf-8")) for f in files]
    count = limit or len(texts)
    if near_median:
        middle = statistics.median(len(t.split()) for _, t in texts)
        texts.sort(key=lambda item: abs(len(item[1].split()) - middle))
        texts = texts[: min(count, len(texts) // 4)]
    words = [len(texts[i % len(texts)][1].split()) for i in range(count)]
    with out.open("w", encoding="utf-8") as handle:
        for i in range(count):
            stem, text = texts[i % len(texts)]
            key = stem if i < len(texts) else f"{stem}-r{i // len(texts)}"
            handle.write(json.dumps({"id": key, "text": text}) + "\n")
    return count, int(statistics.median(words)), count > len(texts)


class TreeUsage:
    """Peak RSS and CPU seconds of this process and all its descendants, from /proc.

    ``ru_maxrss`` and ``RUSAGE_CHILDREN`` cannot see grandchildren (Spark's JVM and its Python
    workers), hence this sampler (every 0.2 s; each process's last seen CPU time counts).
    CPU seconds per article stay comparable when other jobs load the machine; wall-clock
    rates do not.
    """

    def __init__(self) -> None:
        self.peak = 0
        self._cpu: dict[int, float] = {}
        self._start = dict(tree_stats(os.getpid())[1])
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @property
    def cpu_seconds(self) -> float:
        return sum(cpu - self._start.get(pid, 0.0) for pid, cpu in self._cpu.items())

    def __enter__(self) -> TreeUsage:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            self._sample()

    def _sample(self) -> None:
        rss, cpu = tree_stats(os.getpid())
        self.peak = max(self.peak, rss)
        self._cpu.update(cpu)


TICK = os.sysconf("SC_CLK_TCK")


def tree_stats(pid: int) -> tuple[int, dict[int, float]]:
    """(RSS bytes of the tree, CPU seconds by pid) for ``pid`` and its descendants."""
    total = 0
    cpu: dict[int, float] = {}
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += next(
                int(line.split()[1]) * 1024
                for line in status.splitlines()
                if line.startswith("VmRSS")
            )
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            cpu[current] = (int(fields[11]) + int(fields[12])) / TICK  # utime + stime
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, StopIteration, ValueError, IndexError):
            continue
    return total, cpu


def start_spark() -> tuple[Any, float]:
    from spinlens.batch.spark import spark_session

    began = time.perf_counter()
    return spark_session("local[2]", "spinlens-bench"), time.perf_counter() - began


class Clock(Progress):
    """Records when each article is done, to tell steady throughput from start-up."""

    def __init__(self) -> None:
        self.times: list[float] = []

    def advance(self, n: int = 1) -> None:
        self.times.extend([time.perf_counter()] * n)

    def steady_rate(self, skip: int, least: int = 20, span: float = 2.0) -> float | None:
        """Articles/s after the first ``skip`` (workers loading their models) are done.

        None on runs too small to tell (fewer than ``least`` articles or ``span`` seconds
        after the skipped ones): results arrive in bursts there and the rate is noise.
        """
        if len(self.times) < skip + 1 + least:
            return None
        seconds = self.times[-1] - self.times[skip]
        if seconds < span:
            return None
        return (len(self.times) - 1 - skip) / seconds


def run_engine(engine: str, job: Job, spark: Any, clock: Clock) -> Summary:
    if engine == "spark":
        from spinlens.batch.spark import run_spark

        return run_spark(job, spark=spark)
    return run_local(job, clock)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=200, help="articles (0: all of PTC)")
    parser.add_argument("--engines", default="local1,local2,spark")
    parser.add_argument("--only", action="append", help="analyzers (default: all default ones)")
    parser.add_argument(
        "--near-median",
        action="store_true",
        help="use the quarter of PTC articles closest to the median length",
    )
    args = parser.parse_args()
    names = args.only or select_analyzers()
    plan = Plan.of(names, Settings())
    with tempfile.TemporaryDirectory(prefix="spinlens-bench-") as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        count, median_words, repeated = write_corpus(
            args.data, args.limit, corpus, args.near_median
        )
        print(f"analyzers      : {', '.join(names)}")
        print(
            f"articles       : {count} (median {median_words} words"
            f"{'; PTC repeated under new ids' if repeated else ''})"
        )
        print(f"cpus           : {os.cpu_count()}  load average {os.getloadavg()[0]:.1f}")
        for engine in args.engines.split(","):
            workers = int(engine[5:]) if engine.startswith("local") else 2
            out = Path(tmp) / f"out-{engine}"
            job = Job((str(corpus),), out, Path(tmp) / f"err-{engine}", plan, workers=workers)
            spark, startup = start_spark() if engine == "spark" else (None, 0.0)
            clock = Clock()
            with TreeUsage() as usage:  # Spark start-up is left out of time, CPU and memory
                summary = run_engine(engine, job, spark, clock)
            if spark is not None:
                spark.stop()
            total = sum(summary.analyzer_seconds.values()) or 1.0
            shares = ", ".join(
                f"{name} {100 * sec / total:.0f}%"
                for name, sec in sorted(summary.analyzer_seconds.items(), key=lambda kv: -kv[1])
            )
            print(
                f"{engine:<14} : {summary.rate:6.1f} articles/s  ({summary.written} in "
                f"{summary.seconds:.1f} s{f', +{startup:.1f} s Spark start' if startup else ''}; "
                f"{summary.bad} bad)  peak RSS {usage.peak / 2**20:.0f} MB  "
                f"CPU {usage.cpu_seconds / max(summary.written, 1):.3f} s/article"
            )
            steady = clock.steady_rate(skip=2 * workers)
            if steady is not None:
                print(f"{'':<14}   {steady:.1f} articles/s once every worker has its models loaded")
            print(f"{'':<14}   time per analyzer: {shares}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
