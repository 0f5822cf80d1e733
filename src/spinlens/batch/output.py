"""The OUT file (one report per line, resumable) and the side file of bad records."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from spinlens.batch.ids import IdSet
from spinlens.errors import OutputError


def _open(path: Path, mode: str) -> IO[str]:
    try:
        if path.parent != Path(""):
            path.parent.mkdir(parents=True, exist_ok=True)
        return path.open(mode, encoding="utf-8")
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None


def done_ids(path: Path) -> IdSet:
    """Ids of the reports already in ``path``; also cuts off a half-written last line.

    A run killed mid-write leaves at most one partial line; truncating it keeps the file
    valid JSONL so appending can resume cleanly.
    """
    ids = IdSet()
    if not path.exists():
        return ids
    good_end = 0
    lines = reports = 0
    with path.open("rb") as handle:
        for line in handle:
            if not line.endswith(b"\n"):
                break
            lines += 1
            try:
                report = json.loads(line)
                ids.add(str(report["document"]["id"]))
                reports += 1
            except (json.JSONDecodeError, KeyError, TypeError, UnicodeDecodeError):
                pass
            good_end += len(line)
    if lines and not reports:  # not ours: appending to it (or cutting its end) would harm it
        raise OutputError(
            f"{path} exists and holds no spinlens report; choose another --out "
            "(a rerun appends to the reports of an earlier run)"
        )
    if good_end < path.stat().st_size:
        with path.open("r+b") as handle:
            handle.truncate(good_end)
    return ids


class LineWriter:
    """Appends one line at a time and flushes it, so a kill loses only in-flight records."""

    def __init__(self, path: Path, *, truncate: bool = False) -> None:
        self.path = path
        self._mode = "w" if truncate else "a"
        self._handle: IO[str] | None = None
        if truncate:  # a stale file from an earlier run would mislead
            path.unlink(missing_ok=True)

    def write(self, line: str) -> None:
        if self._handle is None:
            self._handle = _open(self.path, self._mode)
        try:
            self._handle.write(line.rstrip("\n") + "\n")
            self._handle.flush()
        except OSError as exc:
            raise OutputError(f"cannot write {self.path}: {exc.strerror or exc}") from None

    def write_json(self, data: dict[str, Any]) -> None:
        self.write(json.dumps(data, ensure_ascii=False))

    def close(self) -> None:
        if self._handle is not None:
            self._handle.flush()
            os.fsync(self._handle.fileno())
            self._handle.close()
            self._handle = None

    def __enter__(self) -> LineWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def read_reports(path: Path) -> Iterator[dict[str, Any]]:
    """Each report in a JSONL file or a Spark output folder of part files."""
    files = sorted(path.glob("part-*")) if path.is_dir() else [path]
    for file in files:
        with file.open("r", encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    yield json.loads(line)


def errors_path(out: Path) -> Path:
    """Default side file next to OUT: ``OUT.errors.jsonl``."""
    return out.with_name(out.name + ".errors.jsonl")
