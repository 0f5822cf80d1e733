"""Killing ingest at any moment leaves a consistent index; rerunning completes it exactly."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from spinlens.provenance.ingest import BATCH

RECORDS = 3 * BATCH + 100


def _count(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0])
    except sqlite3.OperationalError:
        return 0  # schema not created yet


def test_kill_mid_ingest_then_rerun(tmp_path: Path) -> None:
    corpus = tmp_path / "c.jsonl"
    with corpus.open("w", encoding="utf-8") as handle:
        for i in range(RECORDS):
            text = f"Report number {i} says the river rose by {i % 97} centimetres near bridge {i}."
            handle.write(json.dumps({"id": f"d{i}", "text": text}) + "\n")
    db = tmp_path / "i.sqlite"
    cmd = [sys.executable, "-m", "spinlens", "index", "add", str(corpus), "--index", str(db), "-q"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while _count(db) == 0 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        docs = conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        orphans = conn.execute(
            "SELECT COUNT(*) FROM fingerprints WHERE doc NOT IN (SELECT pk FROM documents)"
        ).fetchone()[0]
    assert 0 < docs < RECORDS and docs % BATCH == 0  # killed mid-way, whole batches only
    assert orphans == 0
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
    assert f"added {RECORDS - docs}, already indexed {docs}" in done.stdout
    assert _count(db) == RECORDS
