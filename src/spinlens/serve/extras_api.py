"""/api/v1/trace, /factcheck/match and /sources/{domain}: thin calls into other subsystems.

Each endpoint finds its subsystem when called (see :func:`feature`), so the API still
starts, and answers 501, in a build where that subsystem is missing. Stores are opened on
the worker thread that uses them (SQLite connections stay on their thread).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi import Path as PathParam
from pydantic import Field

from spinlens.errors import ConfigError, DamagedStoreError, SpinlensError
from spinlens.pipeline import Pipeline
from spinlens.serve.api import ERRORS, service_of
from spinlens.serve.auth import require_token
from spinlens.serve.extras import feature
from spinlens.serve.models import ArticleIn, JsonObject, MatchIn

extras = APIRouter(prefix="/api/v1", dependencies=[Depends(require_token)], responses=ERRORS)
_local = threading.local()  # per worker thread: the fact-check matcher, built once


class StoreMissingError(SpinlensError):
    code = "E503"
    http_status = 404


log = logging.getLogger("spinlens.serve")


@contextmanager
def reading(path: Path, what: str, rebuild: str) -> Iterator[None]:
    """Errors of a damaged store, raised inside, become one DamagedStoreError naming the file.

    SQLite reports damage when a page is read (``database disk image is malformed``), or
    when the file is opened (``file is not a database``); the stores turn the latter into a
    configuration error (exit 5 on the command line), which here is the server's problem,
    not the request's. Other coded errors keep their own status. Logged as one line per
    request, without a traceback.
    """
    try:
        yield
    except (sqlite3.DatabaseError, ConfigError) as exc:
        reason = str(exc).replace(str(path), path.name)  # the client is not told server paths
        log.warning("spinlens: the %s %s cannot be read: %s", what, path, exc)
        raise DamagedStoreError(
            f"the server's {what} ({path.name}) cannot be read ({reason}); {rebuild}"
        ) from None


class TraceIn(ArticleIn):
    top: int = Field(default=5, ge=1, le=20, description="how many candidate sources to rank")


def _existing(path: Path, what: str, hint: str) -> Path:
    if not path.is_file():
        raise StoreMissingError(f"this server has no {what}; {hint}")
    return path


@extras.post("/trace", response_model=JsonObject, summary="Trace an article to its sources")
async def trace(body: TraceIn, request: Request) -> JsonObject:
    """Ranked candidate sources in the index and the typed diff against the best one."""
    service = service_of(request)
    open_index = feature("spinlens.provenance.reader", "open_index", "provenance tracing")
    run_trace = feature("spinlens.provenance.trace", "trace", "provenance tracing")
    path = service.settings.paths.index

    def work(_: Pipeline) -> JsonObject:
        if not path.is_dir():  # a folder is a Parquet index ('index build'); it checks itself
            _existing(path, "provenance index", "build one with 'spinlens index add'")
        doc = service.document(body)
        rebuild = "rebuild it with 'spinlens index add'"
        with reading(path, "provenance index", rebuild), open_index(path) as store:
            result: JsonObject = run_trace(store, doc.text, doc_id=doc.id, top=body.top)
        return result

    return await service.runner.run(work)


def _matcher(path: Path) -> Any:
    """This thread's matcher over the fact-check store, rebuilt when the store changes."""
    store_cls = feature("spinlens.factcheck.store", "FactCheckStore", "fact-check matching")
    matcher_cls = feature("spinlens.factcheck.match", "Matcher", "fact-check matching")
    cached = getattr(_local, "matcher", None)
    if cached is not None and cached[0] == path and cached[1] == cached[2].store.generation():
        return cached[2]
    matcher = matcher_cls(store_cls(path, create=False))
    _local.matcher = (path, matcher.store.generation(), matcher)
    return matcher


@extras.post("/factcheck/match", response_model=JsonObject, summary="Match a claim")
async def factcheck_match(body: MatchIn, request: Request) -> JsonObject:
    """Published fact-checks that match the claim, best first, with the publisher's verdict.

    Candidates are ranked by topic (``score``); ``probability`` is the same-claim model's and
    ``match`` its decision at the shipped threshold, the one the claims analyzer and
    ``factcheck match --only-matches`` use (a topical fact-check about another claim is
    ranked, not matched). ``only_matches`` keeps only the matched pairs.
    """
    service = service_of(request)
    sameclaim = feature("spinlens.factcheck.sameclaim", "shipped_sameclaim", "fact-check matching")
    path = service.settings.paths.factcheck_db

    def work(_: Pipeline) -> JsonObject:
        _existing(path, "fact-check store", "import one with 'spinlens factcheck import'")
        rebuild = "delete it and import again with 'spinlens factcheck import'"
        threshold = float(sameclaim().threshold)
        same_claim = threshold if body.only_matches else None
        with reading(path, "fact-check store", rebuild):
            (found,) = _matcher(path).match([body.claim], top=body.top_k, same_claim=same_claim)
        matches = [
            {
                "claim_id": m.record.id,
                "claim": m.record.claim,
                "verdict": m.record.verdict,
                "rating": m.record.rating,
                "url": m.record.url,
                "publisher": m.record.publisher,
                "score": round(float(m.score), 4),
                "rank": m.rank,
                "probability": round(float(m.probability), 4),
                "match": bool(m.probability >= threshold),
            }
            for m in found
        ]
        return {"claim": body.claim, "threshold": threshold, "matches": matches}

    return await service.runner.run(work)


@extras.get("/sources/{domain}", response_model=JsonObject, summary="Ratings of a domain")
async def source_ratings(
    request: Request,
    domain: str = PathParam(min_length=1, max_length=253, pattern=r"^[^/\s]+$"),
    lists: list[str] | None = Query(
        default=None,
        alias="list",
        max_length=32,
        description="count only these imported lists (repeat: ?list=a&list=b); default all",
    ),
) -> JsonObject:
    """Every imported list's rating of the domain (a host, IDN or punycode) and their combined
    score (0..1)."""
    service = service_of(request)
    store_cls = feature("spinlens.sources", "SourceStore", "source ratings")
    combine = feature("spinlens.sources", "combine", "source ratings")
    normalize = feature("spinlens.sources", "normalize", "source ratings")
    path = service.settings.paths.sources_db

    def work(_: Pipeline) -> JsonObject:
        _existing(path, "source ratings store", "import lists with 'spinlens sources import'")
        rebuild = "delete it and import the lists again with 'spinlens sources import'"
        with reading(path, "source ratings store", rebuild):
            store = store_cls(path)
            try:
                if lists:
                    store.check_lists(lists)
                ratings = store.lookup(domain, lists)
            finally:
                store.close()
        return {
            "domain": normalize(domain),
            "ratings": [r.as_dict() for r in ratings],
            "score": combine(ratings),
        }

    return await service.runner.run(work)
