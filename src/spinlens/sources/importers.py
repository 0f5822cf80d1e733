"""Readers for the open rating lists; each yields Entry rows keyed by normalised domain.

Formats (docs/sources.md says where to download each):

* ``lin2023``: Lin et al. 2023 ``domain_ratings.csv`` or ``domain_pc1.csv`` (``domain``,
  ``pc1`` in 0-1; component ratings kept as detail).
* ``opensources``: OpenSources ``sources.csv`` or ``sources.json`` (tags such as fake, bias,
  conspiracy; the score is the lowest of the tags' scores in scales.json).
* ``mbfc-baly``: Baly et al. ``corpus.tsv`` (``source_url``, ``fact`` low/mixed/high, ``bias``).
* ``csv``: your own list: a header with ``domain`` and ``score`` (0-1, may be empty), optional
  ``label`` and ``detail``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from spinlens.document.loaders.text import decode_bytes
from spinlens.errors import InputError
from spinlens.sources.domains import is_canonical, normalize
from spinlens.sources.store import Entry

Reader = Callable[[Path, list[str] | None], Iterator[Entry]]
MAX_FIELD = 10_000
MAX_BYTES = 500_000_000  # a list file; the largest open list (Lin et al.) is 1.5 MB


class RowError(InputError):
    """One bad row (its domain or score); with ``skipped`` given it is reported and skipped."""


@lru_cache(maxsize=1)
def scales() -> dict[str, dict[str, float]]:
    path = Path(__file__).with_name("scales.json")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if not k.startswith("_")}


def _text(path: Path) -> str:
    """The file as text (UTF-8, else its detected encoding); binary or empty files fail."""
    if path.is_dir():
        raise InputError(f"{path} is a directory; give the list file")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"file not found: {path}") from None
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    return decode_bytes(data, name=str(path), max_bytes=MAX_BYTES)


def _rows(
    path: Path, required: Sequence[str], delimiter: str = ","
) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows as dicts keyed by stripped, lower-cased header names; the header must name
    ``required``. Errors name the file (and line).

    Hand-rolled over ``csv.reader`` because DictReader lets a repeated header name (OpenSources
    has two unnamed columns) overwrite the first; here the first column of a name wins.
    """
    table = csv.reader(io.StringIO(_text(path), newline=""), delimiter=delimiter)
    try:
        header = [h.strip().lower() for h in next(table, [])]
        missing = [c for c in required if c not in header]
        if missing:
            raise InputError(f"{path}: missing column(s) {', '.join(missing)}")
        for cells in table:
            row: dict[str, str] = {}
            for key, value in zip(header, cells, strict=False):
                row.setdefault(key, value.strip())
            if any(row.values()):
                yield table.line_num, row
    except csv.Error as exc:
        raise InputError(f"{path}:{table.line_num}: not a readable table row ({exc})") from None


def _each(
    path: Path,
    rows: Iterable[tuple[int, Any]],
    build: Callable[[int, Any], Entry | None],
    skipped: list[str] | None,
) -> Iterator[Entry]:
    """Entries of ``rows``; a bad row raises, or with ``skipped`` given is noted there."""
    for line, row in rows:
        try:
            entry = build(line, row)
        except RowError as exc:
            if skipped is None:
                raise
            skipped.append(str(exc))
            continue
        if entry is not None:
            yield entry


def _score(path: Path, line: int, raw: str) -> float | None:
    if raw == "" or raw.lower() in {"na", "nan", "null"}:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise RowError(f"{path}:{line}: score '{raw[:40]}' is not a number") from None
    if not 0.0 <= value <= 1.0:
        raise RowError(f"{path}:{line}: score {value} is outside 0-1")
    return value


def _entry(path: Path, line: int, raw: str, score: float | None, label: str, detail: str) -> Entry:
    """An entry keyed by the normalised domain; errors name the file and line."""
    try:
        key, canonical = normalize(raw), is_canonical(raw)
    except InputError as exc:
        raise RowError(f"{path}:{line}: {exc}") from None
    return Entry(key, score, label[:MAX_FIELD], detail[:MAX_FIELD], canonical)


def read_lin2023(path: Path, skipped: list[str] | None = None) -> Iterator[Entry]:
    def build(line: int, row: dict[str, str]) -> Entry:
        parts = [f"{k}={v}" for k, v in row.items() if k not in {"domain", "pc1"} and v]
        score = _score(path, line, row.get("pc1", ""))
        label = f"quality {score:.2f}" if score is not None else "unrated"
        return _entry(path, line, row.get("domain", ""), score, label, ", ".join(parts))

    yield from _each(path, _rows(path, ("domain", "pc1")), build, skipped)


def _opensources_entry(path: Path, line: int, domain: str, row: Mapping[str, Any]) -> Entry | None:
    tags = [str(row.get(k) or "").strip().lower() for k in ("type", "2nd type", "3rd type")]
    tags = [t for t in tags if t]
    if not domain.strip() or not tags:
        return None
    scale = scales()["opensources"]
    known = [scale[t] for t in tags if t in scale]
    notes = str(row.get("source notes (things to know?)") or row.get("notes") or "")
    score = min(known) if known else None
    return _entry(path, line, domain, score, ", ".join(tags), notes)


def read_opensources(path: Path, skipped: list[str] | None = None) -> Iterator[Entry]:
    if path.suffix.lower() == ".json":
        yield from _each(path, _opensources_json(path), _opensources_row(path), skipped)
        return

    def build(line: int, row: dict[str, str]) -> Entry | None:
        domain = row.get("") or row.get("domain") or row.get("site") or ""
        return _opensources_entry(path, line, domain, row)

    yield from _each(path, _rows(path, ("type",)), build, skipped)


def _opensources_row(path: Path) -> Callable[[int, Any], Entry | None]:
    def build(index: int, item: tuple[str, dict[str, Any]]) -> Entry | None:
        return _opensources_entry(path, index, item[0], item[1])

    return build


def _opensources_json(path: Path) -> Iterator[tuple[int, tuple[str, dict[str, Any]]]]:
    try:
        data = json.loads(_text(path))
    except ValueError as exc:
        raise InputError(f"{path}: not readable JSON ({exc})") from None
    if not isinstance(data, dict):
        raise InputError(f"{path}: expected an object keyed by domain")
    for index, (domain, row) in enumerate(data.items(), start=1):
        if isinstance(row, dict):
            yield index, (str(domain), {str(k).strip().lower(): v for k, v in row.items()})


def read_mbfc_baly(path: Path, skipped: list[str] | None = None) -> Iterator[Entry]:
    scale = scales()["mbfc-fact"]

    def build(line: int, row: dict[str, str]) -> Entry:
        fact = row.get("fact", "").lower()
        bias = row.get("bias", "")
        label = f"factuality {fact}" + (f", bias {bias}" if bias else "")
        return _entry(
            path, line, row.get("source_url", ""), scale.get(fact), label, row.get("ref", "")
        )

    yield from _each(path, _rows(path, ("source_url", "fact"), delimiter="\t"), build, skipped)


def read_csv(path: Path, skipped: list[str] | None = None) -> Iterator[Entry]:
    def build(line: int, row: dict[str, str]) -> Entry:
        score = _score(path, line, row.get("score", ""))
        label = row.get("label") or (f"score {score:.2f}" if score is not None else "listed")
        return _entry(path, line, row.get("domain", ""), score, label, row.get("detail", ""))

    yield from _each(path, _rows(path, ("domain", "score")), build, skipped)


FORMATS: dict[str, Reader] = {
    "lin2023": read_lin2023,
    "opensources": read_opensources,
    "mbfc-baly": read_mbfc_baly,
    "csv": read_csv,
}


def reader(fmt: str) -> Reader:
    if fmt not in FORMATS:
        raise InputError(f"unknown list format '{fmt}' (choose from {', '.join(FORMATS)})")
    return FORMATS[fmt]


def read(path: Path, fmt: str, skipped: list[str] | None = None) -> list[Entry]:
    """The list's entries, one per key: a row naming the key itself (``espn.com``) wins over one
    naming a skin of it (``m.espn.com``), else the first row wins.

    A row with a bad domain or score raises :class:`RowError`; with ``skipped`` given it is
    noted there (``file:line: problem``) and left out instead. A file that cannot be read as
    the format (missing columns, binary, undecodable, empty) always raises.
    """
    chosen: dict[str, Entry] = {}
    for entry in reader(fmt)(path, skipped):
        old = chosen.get(entry.domain)
        if old is None or (entry.canonical and not old.canonical):
            chosen[entry.domain] = entry
    return list(chosen.values())
