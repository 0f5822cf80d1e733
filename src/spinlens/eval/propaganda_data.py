"""Readers for the PTC (SemEval-2020 Task 11) and SemEval-2023 Task 3 English data folders.

Offsets in both corpora index the article text read as UTF-8 with newlines kept as they are.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from spinlens.document.loaders.text import control_ratio
from spinlens.errors import (
    BinaryInputError,
    DecodeError,
    EmptyInputError,
    InputError,
    InputTooLargeError,
    MissingDependencyError,
)

ARTICLE_RE = re.compile(r"^article(\d+)\.txt$")


@dataclass(frozen=True, slots=True)
class GoldSpan:
    """One annotated fragment; ``technique`` is None where the file has no label."""

    start: int
    end: int
    technique: str | None = None


def read_text(path: Path) -> str:
    """An article's text exactly as the offsets count it (UTF-8, newlines untouched)."""
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            return fh.read()
    except UnicodeDecodeError as exc:
        raise DecodeError(f"{path}: not UTF-8 (byte offset {exc.start})") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read it ({exc.strerror or exc})") from None


def article_paths(folder: Path) -> list[tuple[str, Path]]:
    """``(id, path)`` of every ``article<ID>.txt`` in ``folder``, in numeric order of ID."""
    if not folder.is_dir():
        raise InputError(f"not a folder: {folder}")
    found = []
    for path in folder.iterdir():
        match = ARTICLE_RE.match(path.name)
        if match:
            found.append((match.group(1), path))
    return sorted(found, key=lambda item: (int(item[0]), item[0]))


def read_article(path: Path, max_bytes: int = 5_000_000) -> str:
    """One user article, checked: UTF-8 text kept exactly as it is in the file.

    Nothing is normalised, so offsets index the file's characters: a byte-order mark is
    character 0 (U+FEFF) and a CRLF line end is two characters, as in the PTC and SemEval-2023
    files (some of which have a byte-order mark). Raises an ``InputError`` naming the problem:
    a folder, unreadable, larger than ``max_bytes``, empty, binary or not UTF-8.
    """
    name = path.name
    if path.is_dir():
        raise InputError(f"{name}: is a folder, not a file")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputTooLargeError(
                f"{name}: {size:,} bytes, larger than the {max_bytes:,}-byte limit "
                "(raise limits.max_bytes)"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{name}: cannot read it ({exc.strerror or exc})") from None
    if not data.strip():
        raise EmptyInputError(f"{name}: empty article")
    if b"\x00" in data:
        raise BinaryInputError(f"{name}: looks binary (NUL bytes), not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DecodeError(
            f"{name}: not UTF-8 (byte 0x{data[exc.start]:02x} at byte offset {exc.start})"
        ) from None
    if control_ratio(text) > 0.05:
        raise BinaryInputError(f"{name}: looks binary (control characters), not text")
    if not text.replace("\ufeff", "").strip():
        raise EmptyInputError(f"{name}: empty article")
    return text


def read_articles(folder: Path) -> dict[str, str]:
    """``{id: text}`` for every ``article<ID>.txt`` in ``folder``, sorted by id."""
    if not folder.is_dir():
        raise InputError(f"not a folder: {folder}")
    found = {}
    for path in sorted(folder.iterdir()):
        match = ARTICLE_RE.match(path.name)
        if match:
            found[match.group(1)] = read_text(path)
    return found


def read_span_file(path: Path) -> dict[str, list[GoldSpan]]:
    """Span lines ``ID [TECHNIQUE] START END`` (3 or 4 columns; '?' = no label)."""
    spans: dict[str, list[GoldSpan]] = defaultdict(list)
    for number, line in enumerate(read_text(path).splitlines(), 1):
        if not line.strip():
            continue
        cols = line.rstrip("\n").split("\t")
        try:
            if len(cols) == 3:
                spans[cols[0]].append(GoldSpan(int(cols[1]), int(cols[2])))
            elif len(cols) == 4:
                label = None if cols[1] == "?" else cols[1]
                spans[cols[0]].append(GoldSpan(int(cols[2]), int(cols[3]), label))
            else:
                raise ValueError(f"{len(cols)} columns")
        except ValueError as exc:
            raise InputError(f"{path}:{number}: bad span line ({exc})") from None
    return dict(spans)


def read_span_folder(folder: Path) -> dict[str, list[GoldSpan]]:
    """Per-article label files (``article<ID>...labels...txt``) merged into one mapping."""
    merged: dict[str, list[GoldSpan]] = defaultdict(list)
    for path in sorted(folder.glob("*.txt")):
        for art, spans in read_span_file(path).items():
            merged[art].extend(spans)
    return dict(merged)


def read_paragraph_labels(path: Path) -> dict[str, dict[int, list[str]]]:
    """SemEval-2023 subtask-3 label file: ``{id: {line_number: [labels]}}``."""
    out: dict[str, dict[int, list[str]]] = defaultdict(dict)
    for number, line in enumerate(read_text(path).splitlines(), 1):
        cols = line.split("\t")
        if len(cols) < 2 or not cols[0].strip():
            continue
        labels = [x for x in (cols[2].split(",") if len(cols) > 2 else []) if x.strip()]
        try:
            out[cols[0]][int(cols[1])] = labels
        except ValueError:
            raise InputError(f"{path}:{number}: bad line number {cols[1]!r}") from None
    return dict(out)


@dataclass(frozen=True)
class PTC:
    """The PTC folder: train articles with labelled spans, dev articles with gold boundaries."""

    train: dict[str, str]
    train_spans: dict[str, list[GoldSpan]]
    dev: dict[str, str]
    dev_spans: dict[str, list[GoldSpan]]


def load_ptc(root: Path) -> PTC:
    """Load ``ptc-semeval2020-task11``; a clear error when the folder is not that dataset."""
    need = ["train-articles", "dev-articles", "train-task2-TC.labels", "dev-task-TC-template.out"]
    missing = [n for n in need if not (root / n).exists()]
    if missing:
        raise MissingDependencyError(
            f"{root} is not the PTC data folder (missing {', '.join(missing)})"
        )
    train = read_articles(root / "train-articles")
    dev = read_articles(root / "dev-articles")
    train_spans = read_span_file(root / "train-task2-TC.labels")
    dev_spans = read_span_file(root / "dev-task-TC-template.out")
    return PTC(train, train_spans, dev, dev_spans)


@dataclass(frozen=True)
class S2023:
    """SemEval-2023 Task 3 English: articles, spans and paragraph (line) labels."""

    articles: dict[str, str]
    spans: dict[str, list[GoldSpan]]
    paragraphs: dict[str, dict[int, list[str]]]


def load_semeval2023(root: Path) -> S2023:
    need = ["train-articles-subtask-3", "train-labels-subtask-3.txt"]
    missing = [n for n in need if not (root / n).exists()]
    if missing:
        raise MissingDependencyError(
            f"{root} is not the SemEval-2023 task 3 folder (missing {', '.join(missing)})"
        )
    spans_dir = root / "train-labels-subtask-3-spans"
    return S2023(
        read_articles(root / "train-articles-subtask-3"),
        read_span_folder(spans_dir) if spans_dir.is_dir() else {},
        read_paragraph_labels(root / "train-labels-subtask-3.txt"),
    )
