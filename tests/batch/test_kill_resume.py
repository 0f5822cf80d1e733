"""A batch killed or interrupted mid-run resumes: nothing lost but the in-flight records,
nothing doubled, no worker process left behind, no traceback."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from spinlens.batch.output import read_reports
from tests.batch.conftest import ARTICLES


def _spinlens(*args: str) -> list[str]:
    return [sys.executable, "-m", "spinlens", *args]


def _corpus(tmp_path: Path, count: int) -> Path:
    source = tmp_path / "in.jsonl"
    with source.open("w", encoding="utf-8") as handle:
        for i in range(count):
            text = f'{ARTICLES[i % len(ARTICLES)]} Story number {i} said "item {i}" today.'
            handle.write(json.dumps({"id": f"n{i}", "text": text}) + "\n")
    return source


def _start(args: tuple[str, ...], env: dict[str, str], out: Path) -> subprocess.Popen[bytes]:
    """Start a batch in its own process group and wait until it has written some reports."""
    run = subprocess.Popen(
        _spinlens(*args), env=env, stderr=subprocess.PIPE, start_new_session=True
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and run.poll() is None:
        if out.exists() and out.stat().st_size > 20_000:
            break
        time.sleep(0.05)
    assert run.poll() is None, "the run was still going when it was stopped"
    return run


def _stderr_closes(run: subprocess.Popen[bytes], seconds: float) -> tuple[bool, str]:
    """Whether every process holding the run's stderr (its pool workers too) ended in time."""
    assert run.stderr is not None
    chunks: list[bytes] = []
    reader = threading.Thread(target=lambda: chunks.append(run.stderr.read()), daemon=True)
    reader.start()
    reader.join(seconds)
    return not reader.is_alive(), b"".join(chunks).decode(errors="replace")


def _finish_and_check(args: tuple[str, ...], env: dict[str, str], out: Path, count: int) -> None:
    first = out.read_text(encoding="utf-8").count("\n")
    assert 0 < first < count, "the run was stopped part-way"
    done = subprocess.run(_spinlens(*args), env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert f"{first} already in" in done.stderr
    ids = [r["document"]["id"] for r in read_reports(out)]
    assert sorted(ids) == sorted(f"n{i}" for i in range(count))


# One kill/resume case runs by default; the others take 15-25 s each (``make test-slow``).
@pytest.mark.parametrize("workers", ["1", pytest.param("2", marks=pytest.mark.slow)])
def test_a_killed_run_resumes_without_loss_duplicates_or_orphans(
    tmp_path: Path, workers: str
) -> None:
    count = 3000
    source = _corpus(tmp_path, count)
    out = tmp_path / "out.jsonl"
    args = ("batch", str(source), "--out", str(out), "--only", "quotes", "--no-progress")
    args = (*args, "--workers", workers)
    env = {**os.environ, "SPINLENS_HOME": str(tmp_path / "home")}
    run = _start(args, env, out)
    run.send_signal(signal.SIGKILL)
    run.wait(10)
    try:
        closed, _ = _stderr_closes(run, 20)
        assert closed, "pool workers outlived the killed batch process"
    finally:
        os.killpg(run.pid, signal.SIGKILL) if _group_alive(run.pid) else None
    _finish_and_check(args, env, out, count)


@pytest.mark.slow
@pytest.mark.parametrize("how", ["ctrl-c", "sigterm"])
def test_an_interrupted_run_stops_cleanly_and_resumes(tmp_path: Path, how: str) -> None:
    count = 3000
    source = _corpus(tmp_path, count)
    out = tmp_path / "out.jsonl"
    args = ("batch", str(source), "--out", str(out), "--only", "quotes", "--no-progress")
    args = (*args, "--workers", "2")
    env = {**os.environ, "SPINLENS_HOME": str(tmp_path / "home")}
    run = _start(args, env, out)
    if how == "ctrl-c":  # a terminal sends SIGINT to the whole foreground process group
        os.killpg(run.pid, signal.SIGINT)
    else:
        run.send_signal(signal.SIGTERM)
    try:
        closed, stderr = _stderr_closes(run, 30)
        assert closed, "the batch or its workers did not stop"
        assert run.wait(10) == 130
    finally:
        os.killpg(run.pid, signal.SIGKILL) if _group_alive(run.pid) else None
    assert "Traceback" not in stderr, stderr
    assert "interrupted; rerun the same command to resume" in stderr
    _finish_and_check(args, env, out, count)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True
