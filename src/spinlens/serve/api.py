"""The JSON API under /api/v1, plus /healthz."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request, Response

from spinlens import __version__
from spinlens.report import json_schema
from spinlens.report.schema import Report
from spinlens.serve.auth import require_token
from spinlens.serve.models import AnalyzeIn, ErrorOut, Health, JsonObject, MatchIn
from spinlens.serve.service import Service

ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorOut}
    for code in (400, 401, 403, 404, 408, 413, 422, 500, 501, 502, 503, 504)
}

api = APIRouter(prefix="/api/v1", dependencies=[Depends(require_token)], responses=ERRORS)
health = APIRouter()


def service_of(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


def json_response(body: str) -> Response:
    return Response(content=body, media_type="application/json")


@api.post("/analyze", response_model=Report, summary="Analyse one article")
async def analyze(body: AnalyzeIn, request: Request) -> Response:
    """Report (the published schema) for text, HTML, or a URL the server fetches."""
    service = service_of(request)
    # Serialised on the worker too: a big report's JSON would otherwise hold the event loop.
    report = await service.runner.run(
        lambda p: service.analyze(body, body.options, p).model_dump_json()
    )
    return json_response(report)


@api.get("/schema", response_model=JsonObject, summary="JSON Schema of the report")
async def schema() -> JsonObject:
    return json_schema()


@health.get("/healthz", response_model=Health, summary="Liveness and load")
async def healthz(request: Request) -> Health:
    service = service_of(request)
    return Health(
        status="ok",
        version=__version__,
        analyzers=service.loaded,
        busy=service.runner.admitted,
        capacity=service.runner.capacity,
    )


__all__ = ["MatchIn", "api", "health"]
