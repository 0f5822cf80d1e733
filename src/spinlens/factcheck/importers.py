"""Importers: schema.org ClaimReview JSON-LD (and Fact Check API exports), CheckThat! 2020, CSV.

Each yields :class:`FactCheck` records; bad files raise one-line input errors naming the file.
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
from spinlens.factcheck.queries import unquote
from spinlens.factcheck.ratings import normalise_verdict, rating_from_value
from spinlens.factcheck.store import FactCheck

MAX_FILE_BYTES = 500_000_000
_JSONLD = re.compile(r"<script[^>]+application/ld\+json[^>]*>(.*?)</script>", re.I | re.S)


def _read(path: Path) -> str:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise InputError(f"{path} is larger than {MAX_FILE_BYTES} bytes")
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"file not found: {path}") from None
    except UnicodeDecodeError:
        raise MalformedRecordError(f"{path} is not UTF-8 text") from None


def _stable_id(*parts: str | None) -> str:
    return hashlib.sha1("\x1f".join(p or "" for p in parts).encode("utf-8")).hexdigest()[:16]


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, dict):
        return _text(value.get("name") or value.get("@id") or value.get("url"))
    if isinstance(value, list) and value:
        return _text(value[0])
    return None


# --- ClaimReview -------------------------------------------------------------------------


def read_claimreview(path: Path) -> Iterator[FactCheck]:
    """ClaimReview objects from JSON-LD (object, list or @graph), HTML with JSON-LD scripts, or
    the Google Fact Check Tools API export (``{"claims": [{"text", "claimReview": [...]}]}``)."""
    raw = _read(path)
    blobs = _JSONLD.findall(raw) if raw.lstrip().startswith("<") else [raw]
    found = False
    for blob in blobs:
        try:
            data = json.loads(blob)
        except json.JSONDecodeError as exc:
            raise MalformedRecordError(
                f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})"
            ) from None
        for record in _walk_claimreview(data):
            found = True
            yield record
    if not found:
        raise MalformedRecordError(f"{path}: no ClaimReview records found")


def _walk_claimreview(data: Any) -> Iterator[FactCheck]:
    if isinstance(data, list):
        for item in data:
            yield from _walk_claimreview(item)
    elif isinstance(data, dict):
        if isinstance(data.get("claims"), list):  # Fact Check Tools API export
            for claim in data["claims"]:
                yield from _api_claim(claim)
        elif isinstance(data.get("@graph"), list):
            yield from _walk_claimreview(data["@graph"])
        elif "ClaimReview" in str(data.get("@type", "")):
            record = _jsonld_review(data)
            if record is not None:
                yield record


def _jsonld_review(review: dict[str, Any]) -> FactCheck | None:
    claim = _text(review.get("claimReviewed"))
    item = review.get("itemReviewed")
    if claim is None and isinstance(item, dict):
        claim = _text(item.get("text") or item.get("name"))
    if not claim:
        return None
    rating = review.get("reviewRating") or {}
    verdict = _text(rating.get("alternateName")) or _text(rating.get("name"))
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


def _api_claim(claim: dict[str, Any]) -> Iterator[FactCheck]:
    text = _text(claim.get("text"))
    if not text:
        return
    for review in claim.get("claimReview") or []:
        url = _text(review.get("url"))
        verdict = _text(review.get("textualRating"))
        yield FactCheck(
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


# --- CheckThat! 2020 task 2 ---------------------------------------------------------------


def read_checkthat2020(path: Path) -> Iterator[FactCheck]:
    """``verified_claims.docs.tsv``: a header, then ``id<TAB>vclaim<TAB>title`` (Snopes)."""
    # Line-based on purpose: a few claims hold a stray quote that a CSV reader would run
    # across lines; cells wrapped in quotes are unquoted.
    rows = ([unquote(c) for c in line.split("\t")] for line in _read(path).splitlines())
    header = next(rows, None)
    if header is None or [h.strip().lower() for h in header[1:3]] != ["vclaim", "title"]:
        raise MalformedRecordError(f"{path}: expected a header '<TAB>vclaim<TAB>title'")
    for line, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < 2 or not row[0].strip() or not row[1].strip():
            raise MalformedRecordError(f"{path}:{line}: expected 'id<TAB>vclaim<TAB>title'")
        yield FactCheck(
            id=row[0].strip(),
            claim=row[1].strip(),
            title=row[2].strip() if len(row) > 2 else None,
            publisher="Snopes",
            language="en",
            origin="checkthat2020",
        )


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


def read_csv(path: Path) -> Iterator[FactCheck]:
    """A CSV (or TSV) with a header; needs a ``claim`` column, the rest is optional."""
    raw = _read(path)
    first = raw.split("\n", 1)[0]
    reader = csv.DictReader(io.StringIO(raw), delimiter="\t" if "\t" in first else ",")
    names = {(n or "").strip().lower(): n for n in reader.fieldnames or []}
    column = {
        field: next((names[a] for a in aliases if a in names), None)
        for field, aliases in CSV_COLUMNS.items()
    }
    if column["claim"] is None:
        raise MalformedRecordError(
            f"{path}: the header needs a 'claim' column (got {first[:80]!r})"
        )
    for line, row in enumerate(reader, start=2):
        values = {f: ((row.get(c) or "").strip() or None) if c else None for f, c in column.items()}
        if not values["claim"]:
            raise MalformedRecordError(f"{path}:{line}: empty claim")
        yield FactCheck(
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


IMPORTERS: dict[str, Callable[[Path], Iterator[FactCheck]]] = {
    "claimreview": read_claimreview,
    "checkthat2020": read_checkthat2020,
    "csv": read_csv,
}
