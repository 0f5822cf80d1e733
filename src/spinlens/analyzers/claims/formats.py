"""Readers for the CheckThat! check-worthiness formats (2019 debates, 2024 sentences).

2019: ``line<TAB>speaker<TAB>text[<TAB>label]`` with labels 0/1, no header.
2024: ``Sentence_id<TAB>Text[<TAB>class_label]`` with a header and labels Yes/No; text may be
CSV-quoted with doubled quotes. The format is detected from the header, else the column count.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from spinlens.errors import EmptyInputError, MalformedRecordError

_LABELS = {"1": 1, "0": 0, "yes": 1, "no": 0}


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence to score; ``label`` is None when the file has no gold column."""

    id: str
    text: str
    label: int | None = None
    speaker: str | None = None


def read_sentences(path: Path) -> list[Sentence]:
    """Read a CheckThat! 2019 or 2024 file; malformed lines raise a one-line error."""
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise EmptyInputError(f"file not found: {path}") from None
    except UnicodeDecodeError:
        raise MalformedRecordError(f"{path} is not UTF-8 text") from None
    return parse_sentences(raw, str(path))


def parse_sentences(raw: str, name: str = "<input>") -> list[Sentence]:
    rows = [r for r in csv.reader(io.StringIO(raw), delimiter="\t") if any(c.strip() for c in r)]
    if not rows:
        raise EmptyInputError(f"{name} has no sentences")
    header = [c.strip().lower() for c in rows[0]]
    if header[:2] == ["sentence_id", "text"]:
        return [_ct2024(r, name, n) for n, r in enumerate(rows[1:], start=2)]
    if len(rows[0]) in (3, 4) and rows[0][0].strip().isdigit():
        return [_ct2019(r, name, n) for n, r in enumerate(rows, start=1)]
    if len(rows[0]) == 2:
        return [_ct2024(r, name, n) for n, r in enumerate(rows, start=1)]
    raise MalformedRecordError(
        f"{name}: cannot tell the format (want 'line<TAB>speaker<TAB>text[<TAB>label]' "
        "or a 'Sentence_id<TAB>Text[<TAB>class_label]' header)"
    )


def _ct2024(row: list[str], name: str, line: int) -> Sentence:
    if len(row) not in (2, 3):
        raise MalformedRecordError(f"{name}:{line}: expected 2 or 3 tab-separated columns")
    return Sentence(
        row[0].strip(), row[1].strip(), _label(row[2], name, line) if len(row) > 2 else None
    )


def _ct2019(row: list[str], name: str, line: int) -> Sentence:
    if len(row) not in (3, 4):
        raise MalformedRecordError(f"{name}:{line}: expected 3 or 4 tab-separated columns")
    label = _label(row[3], name, line) if len(row) > 3 else None
    return Sentence(row[0].strip(), row[2].strip(), label, row[1].strip() or None)


def _label(value: str, name: str, line: int) -> int:
    try:
        return _LABELS[value.strip().lower()]
    except KeyError:
        raise MalformedRecordError(f"{name}:{line}: unknown label '{value[:20]}'") from None
