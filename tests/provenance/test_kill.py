"""Killing ingest mid-write leaves a consistent index; rerunning completes it exactly.

The child tells the test (through a pipe) when it is inside the write transaction of its
second batch, and waits there to be killed: the kill lands mid-transaction every time. A poll
of the index from the test raced the child under ``pytest -n 2``: on a busy machine the child
could finish before the kill.
"""

from __future__ import annotations

import json
import os
import select
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from spinlens.provenance.ingest import BATCH

RECORDS = 3 * BATCH + 100

# Run as the child: ``spinlens index add`` whose second batch stops before COMMIT, after
# writing a byte to the file descriptor given in SPINLENS_TEST_NOTIFY_FD.
CHILD = """
import os, sys, time
from spinlens.cli import main
from spinlens.provenance import store

real_write, calls = store._Rows.write, []

def write(self, conn):
    real_write(self, conn)
    calls.append(1)
    if len(calls) == 2:  # the second batch's rows are written, its transaction is open
        os.write(int(os.environ["SPINLENS_TEST_NOTIFY_FD"]), b"x")
        time.sleep(120)

if __name__ == "__main__":  # ingest's worker processes import this module too
    store._Rows.write = write
    sys.argv = ["spinlens", *sys.argv[1:]]
    main()
"""


def _count(db: Path) -> int:
    with sqlite3.connect(db, timeout=5) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0])


def _marked(mark: str) -> list[int]:
    """Processes (the ingest's workers) whose environment carries ``mark``."""
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            if mark.encode() in (entry / "environ").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def test_kill_mid_ingest_then_rerun(tmp_path: Path) -> None:
    corpus = tmp_path / "c.jsonl"
    with corpus.open("w", encoding="utf-8") as handle:
        for i in range(RECORDS):
            text = f"Report number {i} says the river rose by {i % 97} centimetres near bridge {i}."
            handle.write(json.dumps({"id": f"d{i}", "text": text}) + "\n")
    db = tmp_path / "i.sqlite"
    args = ["index", "add", str(corpus), "--index", str(db), "-q"]
    child = tmp_path / "child.py"
    child.write_text(CHILD, encoding="utf-8")
    read_end, write_end = os.pipe()
    mark = f"kill-test-{os.getpid()}-{time.time_ns()}"  # inherited by the ingest's workers
    env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "SPINLENS_TEST_NOTIFY_FD": str(write_end),
        "SPINLENS_TEST_MARK": mark,
    }
    proc = subprocess.Popen(
        [sys.executable, str(child), *args],
        env=env,
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    os.close(write_end)
    try:
        ready, _, _ = select.select([read_end], [], [], 120)
        assert ready and os.read(read_end, 1) == b"x", "the child never reached its second batch"
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    finally:
        os.close(read_end)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    deadline = time.monotonic() + 10
    while _marked(mark) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _marked(mark), "worker processes outlived the killed ingest"
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        docs = conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        orphans = conn.execute(
            "SELECT COUNT(*) FROM fingerprints WHERE doc NOT IN (SELECT pk FROM documents)"
        ).fetchone()[0]
    assert docs == BATCH  # the first batch whole, the second one not at all
    assert orphans == 0
    cmd = [sys.executable, "-m", "spinlens", *args]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
    assert f"added {RECORDS - docs}, already indexed {docs}" in done.stdout
    assert _count(db) == RECORDS
