"""Where and how CLI output goes."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from spinlens.errors import OutputError


def choose_format(fmt: str | None, output: Path | None, several: bool) -> str:
    if fmt:
        return fmt
    if output is not None:
        return {".html": "html", ".htm": "html", ".jsonl": "jsonl", ".txt": "text"}.get(
            output.suffix.lower(), "jsonl" if several else "json"
        )
    if sys.stdout.isatty():
        return "text"
    return "jsonl" if several else "json"


def write_output(content: str, output: Path | None) -> None:
    """Write atomically (temp file + rename) so a failed run never leaves half a report."""
    if output is None:
        sys.stdout.write(content)
        sys.stdout.flush()
        return
    try:
        directory = output.parent if str(output.parent) else Path(".")
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{output.name}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(content)
        os.replace(tmp, output)
    except OSError as exc:
        raise OutputError(f"cannot write {output}: {exc.strerror or exc}") from None


def report_skipped(skipped: Sequence[str], noun: str = "records", limit: int = 20) -> None:
    """One stderr line per bad record (the first ``limit``), then how many more: a long run of
    bad input must not bury the terminal."""
    for message in skipped[:limit]:
        sys.stderr.write(f"spinlens: skipped {' '.join(message.split())}\n")
    if len(skipped) > limit:
        sys.stderr.write(f"spinlens: skipped {len(skipped) - limit} more bad {noun}\n")
