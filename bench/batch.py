"""Batch throughput: the full default pipeline over PTC articles, local (1, 2 workers) and Spark.

    python bench/batch.py [--limit 200] [--engines local1,local2,spark] [--only quotes ...]

PTC has ~450 articles; a ``--limit`` above that repeats them under new ids (said in the
output). Prints articles/second (startup excluded, pool start-up included), the peak
resident memory of the whole process tree, and each analyzer's share of analysis time.
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

from spinlens.batch import Job, Plan, Summary, run_local
from spinlens.config import Settings
from spinlens.pipeline import select_analyzers

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "ptc-semeval2020-task11"


def write_corpus(data: Path, limit: int, out: Path) -> tuple[int, int, bool]:
    """PTC articles as JSONL; returns (count, median words, repeated?)."""
    files = sorted((data / "train-articles").glob("article*.txt"))
    files += sorted((data / "dev-articles").glob("article*.txt"))
    if not files:
        raise SystemExit(f"no PTC articles under {data}")
    texts = [(f.stem, f.read_text(encoding="utf-8")) for f in files]
    count = limit or len(texts)
    words = [len(texts[i % len(texts)][1].split()) for i in range(count)]
    with out.open("w", encoding="utf-8") as handle:
        for i in range(count):
            stem, text = texts[i % len(texts)]
            key = stem if i < len(texts) else f"{stem}-r{i // len(texts)}"
            handle.write(json.dumps({"id": key, "text": text}) + "\n")
    return count, int(statistics.median(words)), count > len(texts)


class TreeMemory:
    """Peak RSS of this process and all its descendants, sampled from /proc every 0.2 s.

    ``ru_maxrss`` cannot see grandchildren (Spark's JVM and its Python workers), hence this.
    """

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            self.peak = max(self.peak, tree_rss(os.getpid()))


def tree_rss(pid: int) -> int:
    total = 0
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
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, StopIteration, ValueError):
            continue
    return total


def run_engine(engine: str, job: Job) -> tuple[Summary, float]:
    """Run one engine; returns its summary and the start-up seconds left out of the rate."""
    if engine == "spark":
        from spinlens.batch.spark import run_spark, spark_session

        began = time.perf_counter()
        spark = spark_session("local[2]", "spinlens-bench")
        startup = time.perf_counter() - began
        try:
            return run_spark(job, spark=spark), startup
        finally:
            spark.stop()
    return run_local(job), 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=200, help="articles (0: all of PTC)")
    parser.add_argument("--engines", default="local1,local2,spark")
    parser.add_argument("--only", action="append", help="analyzers (default: all default ones)")
    args = parser.parse_args()
    names = args.only or select_analyzers()
    plan = Plan.of(names, Settings())
    with tempfile.TemporaryDirectory(prefix="spinlens-bench-") as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        count, median_words, repeated = write_corpus(args.data, args.limit, corpus)
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
            with TreeMemory() as memory:
                summary, startup = run_engine(engine, job)
            total = sum(summary.analyzer_seconds.values()) or 1.0
            shares = ", ".join(
                f"{name} {100 * sec / total:.0f}%"
                for name, sec in sorted(summary.analyzer_seconds.items(), key=lambda kv: -kv[1])
            )
            print(
                f"{engine:<14} : {summary.rate:6.1f} articles/s  ({summary.written} in "
                f"{summary.seconds:.1f} s{f', +{startup:.1f} s Spark start' if startup else ''}; "
                f"{summary.bad} bad)  peak RSS {memory.peak / 2**20:.0f} MB"
            )
            print(f"{'':<14}   time per analyzer: {shares}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
