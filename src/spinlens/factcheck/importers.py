"""Importers: schema.org ClaimReview JSON-LD (and Fact Check API exports), CheckThat! 2020, CSV.

Each yields :class:`FactCheck` records. A file that cannot be read as its format (not JSON,
no header) raises a one-line input error naming the file. A bad record (no claim text, an id
with spaces, a broken JSON line or HTML script) raises too, unless the caller passes a
``skipped`` list: then it is described there (``file:line: problem``) and left out.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from spinlens.errors import InputError, MalformedRecordError
from spinlens.factcheck.files import MAX_FILE_BYTES, read_text_file
from spinlens.factcheck.queries import unquote
from spinlens.factcheck.ratings import normalise_verdict, rating_from_value
from spinlens.factcheck.store import FactCheck

_JSONLD = re.compile(r"<script[^>]+application/ld\+json[^>]*>(.*?)</script>", re.I | re.S)
_ID_SPACE = re.compile(r"\s")

Skipped = list[str] | None


def _read(path: Path) -> str:
    return read_text_file(path, MAX_FILE_BYTES)


def _bad(skipped: Skipped, message: str) -> None:
    """A bad record: raise when strict (``skipped`` is None), else note it and go on."""
    if skipped is None:
        raise MalformedRecordError(message)
    skipped.append(message)


def _checked(record: FactCheck, where: str, skipped: Skipped) -> FactCheck | None:
    """The record, or None (reported) when its id cannot appear in a TREC run line."""
    if _ID_SPACE.search(record.id):
        _bad(skipped, f"{where}: id {record.id[:40]!r} contains whitespace")
        return None
    return record


def _stable_id(*parts: str | None) -> str:
    return hashlib.sha1("\x1f".join(p or "" for p in parts).encode("utf-8")).hexdigest()[:16]


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, dict):
        return _text(value.get("name") or value.get("@id") or value.get("url"))
    if isinstance(value, list) and value:
        return _text(value[0])
    return None


def _first_dict(value: Any) -> dict[str, Any]:
    """A JSON-LD value that should be one object but may be a list of them (or missing)."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, dict)), None)
    return value if isinstance(value, dict) else {}


# --- ClaimReview -------------------------------------------------------------------------


CLAIMREVIEW_SUFFIXES = frozenset({".json", ".jsonld", ".jsonl", ".html", ".htm"})


def read_claimreview(path: Path, skipped: Skipped = None) -> Iterator[FactCheck]:
    """ClaimReview objects from JSON-LD (an object, a list, an ``@graph``, or nested anywhere,
    e.g. a page's ``mainEntity`` or a ``DataFeed``), JSON Lines, HTML pages with JSON-LD
    scripts, or the Google Fact Check Tools API (``{"claims": [{"text", "claimReview"}]}``).

    ``path`` may be a folder (saved fact-check pages): every ``.json``, ``.jsonld``,
    ``.jsonl``, ``.html`` and ``.htm`` file under it is read; a bad file is one bad record."""
    if path.is_dir():
        yield from _claimreview_folder(path, skipped)
        return
    raw = _read(path)
    html = raw.lstrip().startswith("<")
    if html:
        blobs = [(f"{path}: script {n}", b) for n, b in enumerate(_JSONLD.findall(raw), start=1)]
        if not blobs:
            raise MalformedRecordError(f'{path}: no <script type="application/ld+json"> found')
    else:
        blobs = [(str(path), raw)]
    found = False
    for where, blob in blobs:
        for data in _json_values(blob, where, path, skipped, html):
            for record in _walk_claimreview(data, where, skipped):
                found = True
                yield record
    if not found:
        raise MalformedRecordError(
            f"{path}: no ClaimReview records found (want schema.org ClaimReview JSON-LD or a "
            "Fact Check Tools API export)"
        )


def _claimreview_folder(folder: Path, skipped: Skipped) -> Iterator[FactCheck]:
    files = sorted(
        p
        for p in folder.rglob("*")
        if p.suffix.lower() in CLAIMREVIEW_SUFFIXES and p.is_file() and not p.name.startswith(".")
    )
    found = False
    for file in files:
        try:
            for record in read_claimreview(file, skipped):
                found = True
                yield record
        except InputError as exc:
            if skipped is None:
                raise
            skipped.append(str(exc))
    if not found:
        raise MalformedRecordError(
            f"{folder}: no ClaimReview records in its {len(files)} .json/.jsonld/.jsonl/.html files"
        )


def _json_values(blob: str, where: str, path: Path, skipped: Skipped, html: bool) -> Iterator[Any]:
    """The JSON value of ``blob``, or each line's for JSON Lines; a broken script of an HTML
    page or a broken line is one bad record, a broken JSON file is a bad file."""
    try:
        yield json.loads(blob)
        return
    except json.JSONDecodeError as exc:
        error = exc
    lines = [(n, line) for n, line in enumerate(blob.splitlines(), start=1) if line.strip()]
    if not html and error.msg == "Extra data" and lines and lines[0][1].lstrip().startswith("{"):
        for n, line in lines:  # JSON Lines: one object per line
            try:
                yield json.loads(line)
            except json.JSONDecodeError as exc:
                _bad(skipped, f"{path}:{n}: not valid JSON ({exc.msg})")
        return
    message = f"{where}: not valid JSON ({error.msg} at line {error.lineno})"
    if not html:
        raise MalformedRecordError(message)
    _bad(skipped, message)


def _is_claimreview(data: dict[str, Any]) -> bool:
    kinds = data.get("@type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return any(isinstance(k, str) and k.rsplit("/", 1)[-1] == "ClaimReview" for k in kinds)


def _walk_claimreview(
    data: Any, where: str, skipped: Skipped, depth: int = 0
) -> Iterator[FactCheck]:
    if depth > 50:
        return
    if isinstance(data, list):
        for item in data:
            yield from _walk_claimreview(item, where, skipped, depth + 1)
    elif isinstance(data, dict):
        if _is_claimreview(data):
            record = _jsonld_review(data)
            if record is None:
                _bad(skipped, f"{where}: a ClaimReview without claimReviewed text")
            elif (checked := _checked(record, where, skipped)) is not None:
                yield checked
        elif isinstance(data.get("claims"), list):  # Fact Check Tools API export
            for claim in data["claims"]:
                yield from _api_claim(claim, where, skipped)
        else:  # @graph, mainEntity, DataFeed items, ...: look inside
            for key, value in data.items():
                if key != "@context" and isinstance(value, dict | list):
                    yield from _walk_claimreview(value, where, skipped, depth + 1)


def _jsonld_review(review: dict[str, Any]) -> FactCheck | None:
    claim = _text(review.get("claimReviewed"))
    item = _first_dict(review.get("itemReviewed"))
    if claim is None:
        claim = _text(item.get("text") or item.get("name"))
    if not claim:
        return None
    rating = _first_dict(review.get("reviewRating"))
    verdict = _text(rating.get("alternateName")) or _text(rating.get("name"))
    if verdict is None and isinstance(review.get("reviewRating"), str):
        verdict = _text(review["reviewRating"])
    normalised = normalise_verdict(verdict)
    if normalised == "unknown" and rating.get("ratingValue") is not None:
        with contextlib.suppress(TypeError, ValueError):
            normalised = rating_from_value(
                float(rating["ratingValue"]),
                float(rating.get("bestRating", 5)),
                float(rating.get("worstRating", 1)),
            )
    url = _text(review.get("url"))
    return FactCheck(
        id=_text(review.get("@id")) or _stable_id(url, claim),
        claim=claim,
        verdict=verdict,
        rating=normalised,
        publisher=_text(review.get("author")) or _text(review.get("publisher")),
        url=url,
        date=_text(review.get("datePublished")),
        language=_text(review.get("inLanguage")),
        title=_text(review.get("name") or review.get("headline")),
        origin="claimreview",
    )


def _api_claim(claim: Any, where: str, skipped: Skipped) -> Iterator[FactCheck]:
    text = _text(claim.get("text")) if isinstance(claim, dict) else None
    reviews = claim.get("claimReview") if isinstance(claim, dict) else None
    if not text or not isinstance(reviews, list) or not reviews:
        _bad(skipped, f"{where}: a claim without text or claimReview: {str(claim)[:60]!r}")
        return
    for review in reviews:
        if not isinstance(review, dict):
            _bad(skipped, f"{where}: a claimReview that is not an object: {str(review)[:60]!r}")
            continue
        url = _text(review.get("url"))
        verdict = _text(review.get("textualRating"))
        record = FactCheck(
            id=_stable_id(url, text),
            claim=text,
            verdict=verdict,
            rating=normalise_verdict(verdict),
            publisher=_text(review.get("publisher")),
            url=url,
            date=_text(review.get("reviewDate") or claim.get("claimDate")),
            language=_text(review.get("languageCode")),
            title=_text(review.get("title")),
            origin="claimreview",
        )
        if (checked := _checked(record, where, skipped)) is not None:
            yield checked


# --- CheckThat! 2020 task 2 ---------------------------------------------------------------


_ID_CELL = re.compile(r"[^\s\"]+")


def _tsv_records(raw: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) per record of a CheckThat! 2020 TSV.

    Line-based on purpose: a CSV reader would run a stray quote across many lines. But 14 claims
    of ``verified_claims.docs.tsv`` are quoted and wrapped over two lines (``id<TAB>"start`` then
    ``end."<TAB>title``): a short line whose quoted cell is still open is joined (with a space)
    to the next line when that line does not start with an id.
    """
    lines = raw.splitlines()
    i = 0
    while i < len(lines):
        number, cells = i + 1, lines[i].split("\t")
        i += 1
        while (
            len(cells) < 3
            and cells[-1].lstrip().startswith('"')
            and not cells[-1].rstrip().endswith('"')
            and i < len(lines)
            and not _ID_CELL.fullmatch(lines[i].split("\t", 1)[0])
        ):
            rest = lines[i].split("\t")
            cells = [*cells[:-1], f"{cells[-1].rstrip()} {rest[0].lstrip()}", *rest[1:]]
            i += 1
        yield number, [unquote(c) for c in cells]


def read_checkthat2020(path: Path, skipped: Skipped = None) -> Iterator[FactCheck]:
    """``verified_claims.docs.tsv``: a header, then ``id<TAB>vclaim<TAB>title`` (Snopes)."""
    rows = _tsv_records(_read(path))
    header = next(rows, (1, []))[1]
    if [h.strip().lower() for h in header[1:3]] != ["vclaim", "title"]:
        raise MalformedRecordError(
            f"{path}: expected the header '<TAB>vclaim<TAB>title' of verified_claims.docs.tsv"
        )
    for line, row in rows:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < 2 or not row[0].strip() or not row[1].strip():
            _bad(skipped, f"{path}:{line}: expected 'id<TAB>vclaim<TAB>title'")
            continue
        record = FactCheck(
            id=row[0].strip(),
            claim=row[1].strip(),
            title=row[2].strip() if len(row) > 2 else None,
            publisher="Snopes",
            language="en",
            origin="checkthat2020",
        )
        if (checked := _checked(record, f"{path}:{line}", skipped)) is not None:
            yield checked


# --- CSV ----------------------------------------------------------------------------------

CSV_COLUMNS = {
    "claim": ("claim", "claim_text", "text", "claimreviewed", "vclaim"),
    "verdict": ("verdict", "rating", "textualrating", "label", "truth"),
    "publisher": ("publisher", "source", "author", "fact_checker"),
    "url": ("url", "link", "review_url"),
    "date": ("date", "review_date", "published"),
    "language": ("language", "lang", "languagecode"),
    "title": ("title", "headline"),
    "id": ("id", "claim_id"),
}


def _delimiter(header: str) -> str:
    """Tab, semicolon or comma: whichever the header line uses (tab first)."""
    for candidate in ("\t", ";"):
        if candidate in header and (candidate == "\t" or "," not in header):
            return candidate
    return ","


def read_csv(path: Path, skipped: Skipped = None) -> Iterator[FactCheck]:
    """A CSV (comma, semicolon or tab separated) with a header; needs a ``claim`` column (or
    ``text``, ``claimReviewed``...; see ``CSV_COLUMNS``), the rest is optional."""
    raw = _read(path)
    first = raw.split("\n", 1)[0]
    reader = csv.DictReader(io.StringIO(raw), delimiter=_delimiter(first))
    try:
        fieldnames = reader.fieldnames or []
    except csv.Error as exc:
        raise MalformedRecordError(f"{path}:1: cannot read the header ({exc})") from None
    names = {(n or "").strip().lower(): n for n in fieldnames}
    column = {
        field: next((names[a] for a in aliases if a in names), None)
        for field, aliases in CSV_COLUMNS.items()
    }
    if column["claim"] is None:
        raise MalformedRecordError(
            f"{path}: the header needs a 'claim' column (got {first[:80]!r})"
        )
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            _bad(skipped, f"{path}:{reader.reader.line_num}: {exc}")
            continue
        line = reader.line_num
        values = {f: _cell(row.get(c)) if c else None for f, c in column.items()}
        if not values["claim"]:
            _bad(skipped, f"{path}:{line}: empty claim")
            continue
        record = FactCheck(
            id=values["id"] or _stable_id(values["url"], values["claim"]),
            claim=values["claim"],
            verdict=values["verdict"],
            rating=normalise_verdict(values["verdict"]),
            publisher=values["publisher"],
            url=values["url"],
            date=values["date"],
            language=values["language"],
            title=values["title"],
            origin="csv",
        )
        if (checked := _checked(record, f"{path}:{line}", skipped)) is not None:
            yield checked


def _cell(value: Any) -> str | None:
    """A DictReader cell: a string, or None when the row is short (or a list when long)."""
    return value.strip() or None if isinstance(value, str) else None


IMPORTERS: dict[str, Callable[[Path, Skipped], Iterator[FactCheck]]] = {
    "claimreview": read_claimreview,
    "checkthat2020": read_checkthat2020,
    "csv": read_csv,
}
