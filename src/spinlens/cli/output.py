"""Where and how CLI output goes: one report atomically, many reports as they finish."""

from __future__ import annotations

import os
import re
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import IO

from spinlens.errors import OutputError

_UNSAFE_NAME = re.compile(r"[^\w.-]+")


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


def _user_mode(path: Path) -> int:
    """The mode ``open()`` would give a new file: an existing file keeps its own, otherwise
    0666 less the umask (``mkstemp`` makes 0600 files, which a team's shared folder cannot read)."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def write_output(content: str, output: Path | None) -> None:
    """Write atomically (temp file + rename) so a failed run never leaves half a report."""
    if output is None:
        sys.stdout.write(content)
        sys.stdout.flush()
        return
    try:
        directory = output.parent if str(output.parent) else Path(".")
        mode = _user_mode(output)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{output.name}.", suffix=".tmp")
        try:
            os.fchmod(fd, mode)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(content)
            os.replace(tmp, output)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise OutputError(f"cannot write {output}: {exc.strerror or exc}") from None


class ReportStream:
    """Many reports into one stream, each written and flushed as soon as it is rendered.

    A crash or kill keeps every finished report. ``json`` writes one JSON list: ``[`` before
    the first report, ``,`` between, ``]`` on ``close()``, which also runs on Ctrl-C, SIGTERM
    and errors, so only a hard kill (SIGKILL, power loss) leaves the list open. Other formats
    are concatenated (``jsonl``: one report per line). Nothing is created before the first
    report, so a run that reads no document leaves no empty file behind.
    """

    def __init__(self, output: Path | None, fmt: str) -> None:
        self.output = output
        self.is_list = fmt == "json"
        self.count = 0
        self._handle: IO[str] | None = None

    def add(self, rendered: str) -> None:
        if self.is_list:
            rendered = ("[\n" if self.count == 0 else ",\n") + rendered.rstrip("\n")
        self._write(rendered)
        self.count += 1

    def close(self) -> None:
        if self.is_list and self.count:
            self._write("\n]\n")
        if self._handle is not None and self._handle is not sys.stdout:
            try:
                self._handle.close()
            except OSError as exc:
                raise OutputError(f"cannot write {self.output}: {exc.strerror or exc}") from None
        self._handle = None

    def _write(self, text: str) -> None:
        try:
            if self._handle is None:
                self._handle = (
                    sys.stdout if self.output is None else self.output.open("w", encoding="utf-8")
                )
            self._handle.write(text)
            self._handle.flush()
        except OSError as exc:
            if self.output is None:
                raise
            raise OutputError(f"cannot write {self.output}: {exc.strerror or exc}") from None

    def __enter__(self) -> ReportStream:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if kind is BrokenPipeError:  # the reader is gone: nothing more can be written
            self._handle = None
            return
        self.close()


class PageFolder:
    """One HTML page per document in a folder: ``<id>.html``, numbered when ids repeat."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.written: list[Path] = []
        self._names: set[str] = set()

    def add(self, name: str, page: str) -> Path:
        if not self.written:
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise OutputError(f"cannot write {self.folder}: {exc.strerror or exc}") from None
        path = self.folder / self._unique(name)
        write_output(page, path)
        self.written.append(path)
        return path

    def _unique(self, name: str) -> str:
        stem = _UNSAFE_NAME.sub("_", name).strip("._")[:80] or "report"
        candidate, n = stem, 1
        while candidate.lower() in self._names:
            n += 1
            candidate = f"{stem}-{n}"
        self._names.add(candidate.lower())
        return candidate + ".html"


def skipped_line(origin: str, error: object) -> str:
    """What was skipped and why, naming the input once (most errors already start with it)."""
    message = " ".join(str(error).split())
    return message if message.startswith(origin) else f"{origin}: {message}"


def report_skipped(skipped: Sequence[str], noun: str = "records", limit: int = 20) -> None:
    """One stderr line per bad record (the first ``limit``), then how many more: a long run of
    bad input must not bury the terminal."""
    for message in skipped[:limit]:
        sys.stderr.write(f"spinlens: skipped {' '.join(message.split())}\n")
    if len(skipped) > limit:
        sys.stderr.write(f"spinlens: skipped {len(skipped) - limit} more bad {noun}\n")
