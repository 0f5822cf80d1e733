"""Bytes to text: encoding detection, binary and size checks."""

from __future__ import annotations

import re
from typing import Any

from charset_normalizer import from_bytes

from spinlens.document.document import Document
from spinlens.errors import BinaryInputError, DecodeError, EmptyInputError, InputTooLargeError

_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def decode_bytes(data: bytes, *, name: str = "<input>", max_bytes: int = 5_000_000) -> str:
    """Decode user bytes in whatever common encoding they came in."""
    if len(data) > max_bytes:
        raise InputTooLargeError(
            f"{name}: input is larger than the {max_bytes:,}-byte limit (raise limits.max_bytes)"
        )
    if not data.strip():
        raise EmptyInputError(f"{name}: input is empty")
    if b"\x00" in data[:8192] and not data.startswith(_BOMS):
        raise BinaryInputError(f"{name}: input looks binary (NUL bytes), not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        best = from_bytes(data).best()
        if best is None:
            raise DecodeError(f"{name}: cannot detect the text encoding of this input") from None
        text = str(best)
    if control_ratio(text) > 0.05:
        raise BinaryInputError(f"{name}: input looks binary (control characters), not text")
    if not text.strip():
        raise EmptyInputError(f"{name}: input is empty")
    return text


def document_from_text(text: str, **metadata: Any) -> Document:
    if not text.strip():
        raise EmptyInputError("input text is empty")
    # Document.from_text detects the language when none is given.
    return Document.from_text(text, **{k: v for k, v in metadata.items() if v is not None})


_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f]")  # below 32, except \t \n \v \f \r


def control_ratio(text: str) -> float:
    """Share of control characters (other than line and page breaks, tabs) in the first 10,000
    characters: above 0.05 a decoded input is binary, whatever its bytes decoded to."""
    sample = text[:10000]
    return len(_CONTROL.findall(sample)) / max(len(sample), 1)
