"""Readers for the CheckThat! check-worthiness formats (2019 debates, 2024 sentences).

2019: ``line<TAB>speaker<TAB>text[<TAB>label]`` with labels 0/1, no header.
2024: ``Sentence_id<TAB>Text[<TAB>class_label]`` with labels Yes/No, usually with that header;
text may be CSV-quoted with doubled quotes (each line is read as one CSV row).

The format is detected from the header, else from the columns: four columns are 2019; three
columns are 2024 when most rows end in a Yes/No label, else 2019; two columns are 2024. Each
line is one record (a stray quote never swallows the next lines), and a 2024 line that joins
two records (``id<TAB>text<TAB>No<id><TAB>text<TAB>No``, as in the CheckThat! 2024 train file)
is split back into two.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from spinlens.errors import EmptyInputError, MalformedRecordError
from spinlens.factcheck.files import read_text_file

if TYPE_CHECKING:
    from spinlens.document import Document

_LABELS = {"1": 1, "0": 0, "yes": 1, "no": 0}
_YES_NO = frozenset({"yes", "no"})
_JOINED = re.compile(r"(yes|no|[01])(\d+)", re.I)
_HEADER_2019 = frozenset({"line", "line_number", "id"})


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence to score; ``label`` is None when the file has no gold column."""

    id: str
    text: str
    label: int | None = None
    speaker: str | None = None


def read_sentences(path: Path, skipped: list[str] | None = None) -> list[Sentence]:
    """Read a CheckThat! 2019 or 2024 file (see :func:`parse_sentences`)."""
    return parse_sentences(read_text_file(path), str(path), skipped)


def parse_sentences(
    raw: str, name: str = "<input>", skipped: list[str] | None = None
) -> list[Sentence]:
    """Parse a CheckThat! 2019 or 2024 file.

    A malformed line raises a one-line :class:`MalformedRecordError`, or, when ``skipped`` is a
    list, is described there (``name:line: problem``) and left out.
    """
    rows: list[tuple[int, list[str] | str]] = []
    for n, line in enumerate(raw.splitlines(), start=1):
        if line.strip():
            try:
                rows.append((n, [c.strip() for c in next(csv.reader([line], delimiter="\t"))]))
            except csv.Error:  # the only error left on one line: a cell over the size limit
                limit = csv.field_size_limit()
                rows.append((n, f"{name}:{n}: a column is longer than {limit:,} characters"))
    cells = [(n, r) for n, r in rows if isinstance(r, list)]
    if not cells:
        if rows and isinstance(rows[0][1], str):
            raise MalformedRecordError(rows[0][1])
        raise EmptyInputError(f"{name} has no sentences")
    first = [c.lower() for c in cells[0][1]]
    body = rows
    if first[:2] == ["sentence_id", "text"]:
        parse, body = _ct2024, rows[rows.index(cells[0]) + 1 :]
    elif len(first) in (3, 4) and first[0] in _HEADER_2019 and first[1] == "speaker":
        parse, body = _ct2019, rows[rows.index(cells[0]) + 1 :]
    elif len(first) == 4 or (len(first) == 3 and not _mostly_yes_no(cells)):
        if not first[0].isdigit():
            raise _unknown_format(name)
        parse = _ct2019
    elif len(first) in (2, 3) or (len(first) >= 5 and _JOINED.fullmatch(first[2])):
        parse = _ct2024
    else:
        raise _unknown_format(name)
    out: list[Sentence] = []
    for number, row in body:
        try:
            if isinstance(row, str):
                raise MalformedRecordError(row)
            out.extend(parse(row, name, number))
        except MalformedRecordError as exc:
            if skipped is None:
                raise
            skipped.append(str(exc))
    if not out:
        if skipped:
            raise MalformedRecordError(f"{name}: no valid sentence ({skipped[0]})")
        raise EmptyInputError(f"{name} has no sentences")
    return out


def _unknown_format(name: str) -> MalformedRecordError:
    return MalformedRecordError(
        f"{name}: cannot tell the format (want 'line<TAB>speaker<TAB>text[<TAB>label]' "
        "or 'Sentence_id<TAB>Text[<TAB>class_label]' lines)"
    )


def _mostly_yes_no(rows: list[tuple[int, list[str]]]) -> bool:
    """Three-column rows that mostly end in Yes/No are 2024 (id, text, label), not 2019."""
    last = [cells[2].lower() for _, cells in rows if len(cells) == 3]
    return sum(1 for cell in last if cell in _YES_NO) * 2 > len(last)


def _ct2024(cells: list[str], name: str, line: int) -> list[Sentence]:
    out = []
    # One CheckThat! 2024 train line lost its newline: "id, text, No<id>, text, No".
    while len(cells) >= 5 and (joined := _JOINED.fullmatch(cells[2])):
        out.append(_one_2024([cells[0], cells[1], joined[1]], name, line))
        cells = [joined[2], *cells[3:]]
    out.append(_one_2024(cells, name, line))
    return out


def _one_2024(cells: list[str], name: str, line: int) -> Sentence:
    if len(cells) not in (2, 3):
        raise MalformedRecordError(
            f"{name}:{line}: expected 2 or 3 tab-separated columns "
            f"('id<TAB>text[<TAB>label]'), got {len(cells)}"
        )
    if not cells[0]:
        raise MalformedRecordError(f"{name}:{line}: empty sentence id")
    label = _label(cells[2], name, line) if len(cells) > 2 else None
    return Sentence(cells[0], cells[1], label)


def _ct2019(cells: list[str], name: str, line: int) -> list[Sentence]:
    if len(cells) not in (3, 4):
        raise MalformedRecordError(
            f"{name}:{line}: expected 3 or 4 tab-separated columns "
            f"('line<TAB>speaker<TAB>text[<TAB>label]'), got {len(cells)}"
        )
    if not cells[0]:
        raise MalformedRecordError(f"{name}:{line}: empty line number")
    label = _label(cells[3], name, line) if len(cells) > 3 else None
    return [Sentence(cells[0], cells[2], label, cells[1] or None)]


def _label(value: str, name: str, line: int) -> int:
    try:
        return _LABELS[value.strip().lower()]
    except KeyError:
        raise MalformedRecordError(f"{name}:{line}: unknown label {value[:20]!r}") from None


ARTICLE_SUFFIXES = frozenset({".txt", ".text", ".md", ".html", ".htm", ".json", ".jsonl"})


def read_rank_input(file: Path, skipped: list[str]) -> list[Sentence]:
    """What ``spinlens claims rank`` scores: the sentences of a plain article (text, HTML,
    JSON/JSONL records), numbered from 1 in text order (``docid:n`` when the file holds several
    articles), or of a CheckThat! TSV (malformed lines described in ``skipped``).

    A file is an article by its suffix (.tsv is always CheckThat!); standard input (``-``) or
    a file with another suffix is an article when it has no tab at all (CheckThat! files have
    them).
    """
    from spinlens.document import Document
    from spinlens.document.loaders import load_document

    suffix = file.suffix.lower()
    if suffix == ".tsv":
        return read_sentences(file, skipped)
    if suffix in ARTICLE_SUFFIXES and str(file) != "-":
        return numbered_sentences(_documents(file), file)
    raw = read_text_file(file)
    if "\t" in raw:
        return parse_sentences(raw, str(file), skipped)
    doc = Document.from_text(raw.strip()) if str(file) == "-" else load_document(str(file))
    return numbered_sentences([doc], file)


def _documents(file: Path) -> list[Document]:
    from spinlens.document.loaders import iter_documents

    docs = []
    for item in iter_documents([str(file)]):
        if item.error is not None:
            raise item.error
        assert item.document is not None
        docs.append(item.document)
    return docs


def numbered_sentences(docs: Sequence[Document], file: Path) -> list[Sentence]:
    """The non-blank sentences of ``docs``, numbered from 1 per document (``docid:n``, or
    ``k:n`` for the k-th document without an id, when there are several)."""
    many = len(docs) > 1
    out = []
    for k, doc in enumerate(docs, start=1):
        texts = [doc.text_of(s).strip() for s in doc.sentences]
        prefix = f"{doc.id or k}:" if many else ""
        out += [Sentence(f"{prefix}{n}", t) for n, t in enumerate(filter(None, texts), start=1)]
    if not out:
        raise EmptyInputError(f"{file} has no sentences")
    return out
