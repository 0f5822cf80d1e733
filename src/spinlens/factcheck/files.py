"""Read one user-supplied text file (sentences, fact-checks, queries) with one-line errors.

Every way a path can be wrong (missing, a directory, unreadable, too large, binary, not UTF-8)
becomes an :class:`~spinlens.errors.InputError` naming the file and the problem, never a
traceback. A UTF-8 byte-order mark is dropped.
"""

from __future__ import annotations

import sys
from pathlib import Path

from spinlens.errors import (
    BinaryInputError,
    DecodeError,
    EmptyInputError,
    InputError,
    InputTooLargeError,
)

MAX_FILE_BYTES = 500_000_000


def read_text_file(path: Path, max_bytes: int = MAX_FILE_BYTES) -> str:
    """The text of ``path`` (``-``: standard input); raises a one-line input error when it
    cannot be text input."""
    if str(path) == "-":
        data = sys.stdin.buffer.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise InputTooLargeError(f"standard input is larger than {max_bytes:,} bytes")
        return _decode(data, "standard input")
    try:
        if path.is_dir():
            raise InputError(f"{path} is a directory, not a file")
        size = path.stat().st_size
        if size > max_bytes:
            raise InputTooLargeError(f"{path} is larger than {max_bytes:,} bytes")
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    return _decode(data, str(path))


def _decode(data: bytes, path: str) -> str:
    if not data.strip():
        raise EmptyInputError(f"{path} is empty")
    if b"\x00" in data[:8192]:
        raise BinaryInputError(f"{path} looks binary (NUL bytes), not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DecodeError(
            f"{path} is not UTF-8 text (invalid byte at offset {exc.start}); "
            "convert it, e.g. with iconv -t UTF-8"
        ) from None
