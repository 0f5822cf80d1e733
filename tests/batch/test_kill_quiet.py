"""A batch killed with kill -9 leaves no warning behind.

multiprocessing's resource tracker outlives the killed process, unlinks the pool's named
semaphores (it still does), and used to print "There appear to be 5 leaked semaphore
objects" on the terminal, under whatever command came next.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.batch.conftest import ARTICLES


@pytest.mark.skipif(sys.platform == "win32", reason="no kill -9 or named semaphores")
def test_a_killed_batch_prints_no_leaked_semaphore_warning(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    with source.open("w", encoding="utf-8") as handle:
        for i in range(2000):
            text = f'{ARTICLES[i % len(ARTICLES)]} Story number {i} said "item {i}" today.'
            handle.write(json.dumps({"id": f"n{i}", "text": text}) + "\n")
    out = tmp_path / "out.jsonl"
    args = [sys.executable, "-m", "spinlens", "batch", str(source), "--out", str(out)]
    args += ["--only", "quotes", "--no-progress", "--workers", "2"]
    env = {**os.environ, "SPINLENS_HOME": str(tmp_path / "home")}
    run = subprocess.Popen(args, env=env, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while run.poll() is None and time.monotonic() < deadline:
            if out.exists() and out.stat().st_size > 5_000:
                break
            time.sleep(0.05)
        assert run.poll() is None, "the run was still going when it was killed"
        run.send_signal(signal.SIGKILL)
        # stderr closes when the last process holding it ends: workers and resource tracker.
        _, stderr = run.communicate(timeout=60)
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
    text = stderr.decode(errors="replace")
    assert "leaked semaphore" not in text and "resource_tracker" not in text, text
