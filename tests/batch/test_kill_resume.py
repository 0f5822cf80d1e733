"""A batch killed mid-run resumes: nothing lost but the in-flight records, nothing doubled."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from spinlens.batch.output import read_reports
from tests.batch.conftest import ARTICLES


def _spinlens(*args: str) -> list[str]:
    return [sys.executable, "-m", "spinlens", *args]


def test_a_killed_run_resumes_without_loss_or_duplicates(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    count = 200
    with source.open("w", encoding="utf-8") as handle:
        for i in range(count):
            text = f'{ARTICLES[i % len(ARTICLES)]} Story number {i} said "item {i}" today.'
            handle.write(json.dumps({"id": f"n{i}", "text": text}) + "\n")
    out = tmp_path / "out.jsonl"
    args = ("batch", str(source), "--out", str(out), "--only", "quotes", "--no-progress")
    env = {**os.environ, "SPINLENS_HOME": str(tmp_path / "home")}
    run = subprocess.Popen(_spinlens(*args), env=env, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and run.poll() is None:
        if out.exists() and out.stat().st_size > 20_000:
            break
        time.sleep(0.05)
    run.send_signal(signal.SIGKILL)
    run.wait(10)
    first = out.read_text(encoding="utf-8").count("\n")
    assert 0 < first < count, "the run was killed part-way"
    done = subprocess.run(_spinlens(*args), env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert f"{first} already in" in done.stderr
    ids = [r["document"]["id"] for r in read_reports(out)]
    assert sorted(ids) == sorted(f"n{i}" for i in range(count))
