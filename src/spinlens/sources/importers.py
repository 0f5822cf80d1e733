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
import json
from collections.abc import Callable, Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from spinlens.errors import InputError
from spinlens.sources.domains import is_canonical, normalize
from spinlens.sources.store import Entry

Reader = Callable[[Path], Iterator[Entry]]
MAX_FIELD = 10_000


@lru_cache(maxsize=1)
def scales() -> dict[str, dict[str, float]]:
    path = Path(__file__).with_name("scales.json")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if not k.startswith("_")}


def _rows(path: Path, delimiter: str = ",") -> Iterator[tuple[int, dict[str, str]]]:
    """Rows as dicts keyed by stripped, lower-cased header names; errors name the file.

    Hand-rolled over ``csv.reader`` because DictReader lets a repeated header name (OpenSources
    has two unnamed columns) overwrite the first; here the first column of a name wins.
    """
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            table = csv.reader(handle, delimiter=delimiter)
            header = [h.strip().lower() for h in next(table, [])]
            for line, cells in enumerate(table, start=2):
                row: dict[str, str] = {}
                for key, value in zip(header, cells, strict=False):
                    row.setdefault(key, value.strip())
                if any(row.values()):
                    yield line, row
    except FileNotFoundError:
        raise InputError(f"file not found: {path}") from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"{path}: not a readable text table ({exc})") from None


def _need(path: Path, row: Mapping[str, str], *columns: str) -> None:
    missing = [c for c in columns if c not in row]
    if missing:
        raise InputError(f"{path}: missing column(s) {', '.join(missing)}")


def _score(path: Path, line: int, raw: str) -> float | None:
    if raw == "" or raw.lower() in {"na", "nan", "null"}:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise InputError(f"{path}:{line}: score '{raw[:40]}' is not a number") from None
    if not 0.0 <= value <= 1.0:
        raise InputError(f"{path}:{line}: score {value} is outside 0-1")
    return value


def _entry(path: Path, line: int, raw: str, score: float | None, label: str, detail: str) -> Entry:
    """An entry keyed by the normalised domain; errors name the file and line."""
    try:
        key, canonical = normalize(raw), is_canonical(raw)
    except InputError as exc:
        raise InputError(f"{path}:{line}: {exc}") from None
    return Entry(key, score, label[:MAX_FIELD], detail[:MAX_FIELD], canonical)


def read_lin2023(path: Path) -> Iterator[Entry]:
    for line, row in _rows(path):
        _need(path, row, "domain", "pc1")
        parts = [f"{k}={v}" for k, v in row.items() if k not in {"domain", "pc1"} and v]
        score = _score(path, line, row["pc1"])
        label = f"quality {score:.2f}" if score is not None else "unrated"
        yield _entry(path, line, row["domain"], score, label, ", ".join(parts))


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


def read_opensources(path: Path) -> Iterator[Entry]:
    if path.suffix.lower() == ".json":
        yield from _opensources_json(path)
        return
    for line, row in _rows(path):
        domain = row.get("") or row.get("domain") or row.get("site") or ""
        _need(path, row, "type")
        entry = _opensources_entry(path, line, domain, row)
        if entry is not None:
            yield entry


def _opensources_json(path: Path) -> Iterator[Entry]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: not readable JSON ({exc})") from None
    if not isinstance(data, dict):
        raise InputError(f"{path}: expected an object keyed by domain")
    for index, (domain, row) in enumerate(data.items(), start=1):
        if isinstance(row, dict):
            lowered = {str(k).strip().lower(): v for k, v in row.items()}
            entry = _opensources_entry(path, index, str(domain), lowered)
            if entry is not None:
                yield entry


def read_mbfc_baly(path: Path) -> Iterator[Entry]:
    scale = scales()["mbfc-fact"]
    for line, row in _rows(path, delimiter="\t"):
        _need(path, row, "source_url", "fact")
        fact = row["fact"].lower()
        bias = row.get("bias", "")
        label = f"factuality {fact}" + (f", bias {bias}" if bias else "")
        yield _entry(path, line, row["source_url"], scale.get(fact), label, row.get("ref", ""))


def read_csv(path: Path) -> Iterator[Entry]:
    for line, row in _rows(path):
        _need(path, row, "domain", "score")
        score = _score(path, line, row["score"])
        label = row.get("label") or (f"score {score:.2f}" if score is not None else "listed")
        detail = row.get("detail", "")[:MAX_FIELD]
        yield _entry(path, line, row["domain"], score, label, detail)


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


def read(path: Path, fmt: str) -> list[Entry]:
    """The list's entries, one per key: a row naming the key itself (``espn.com``) wins over one
    naming a skin of it (``m.espn.com``), else the first row wins."""
    if path.is_dir():
        raise InputError(f"{path} is a directory; give the list file")
    chosen: dict[str, Entry] = {}
    for entry in reader(fmt)(path):
        old = chosen.get(entry.domain)
        if old is None or (entry.canonical and not old.canonical):
            chosen[entry.domain] = entry
    return list(chosen.values())
