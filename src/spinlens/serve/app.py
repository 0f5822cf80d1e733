"""The FastAPI application factory: models load here, once, before the first request."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request as StarletteRequest
from starlette.types import ASGIApp, Scope

from spinlens import __version__
from spinlens.config import Settings
from spinlens.errors import DamagedStoreError, SpinlensError
from spinlens.pipeline import Pipeline
from spinlens.serve.api import api, health
from spinlens.serve.apidocs import apidocs
from spinlens.serve.auth import form_key_check, host_check, token_check
from spinlens.serve.config import ServeConfig
from spinlens.serve.extras_api import extras
from spinlens.serve.gate import Refusal, RequestGate
from spinlens.serve.limits import SecurityHeadersMiddleware
from spinlens.serve.page import error_page, page
from spinlens.serve.runner import QueueFullError, Runner, WorkTimeoutError
from spinlens.serve.service import Service

DESCRIPTION = (
    "Shows, with evidence, how a news article manipulates its reader. "
    "Send `Authorization: Bearer <token>` when the server was started with a token."
)


log = logging.getLogger("spinlens.serve")

# Errors of plain HTTP (no such route, wrong method, unparsable body) in our own shape.
HTTP_CODES = {400: "E100", 404: "E603", 405: "E604"}


def error(
    status: int,
    code: str,
    message: str,
    headers: dict[str, str] | None = None,
    request: StarletteRequest | None = None,
) -> Response:
    """``{"error": {code, message}}``; an HTML page instead for the page's form in a browser."""
    if request is not None and _wants_page(request):
        return error_page(status, code, message, headers)
    return JSONResponse(
        {"error": {"code": code, "message": message}}, status_code=status, headers=headers
    )


def _wants_page(request: StarletteRequest) -> bool:
    return request.url.path == "/report" and "text/html" in request.headers.get("accept", "")


def refusal_response(scope: Scope, refusal: Refusal) -> ASGIApp:
    """The request gate's answers, in the same shape as every other error."""
    request = StarletteRequest(scope)
    return error(refusal.status, refusal.code, refusal.message, refusal.headers, request)


def create_app(
    settings: Settings | None = None,
    config: ServeConfig | None = None,
    pipeline: Pipeline | None = None,
) -> FastAPI:
    """A ready app; ``pipeline`` lets callers (tests, benchmarks) choose the analyzers."""
    settings = settings or Settings()
    config = config or ServeConfig()
    base = pipeline or Pipeline(settings=settings)
    names = [a.name for a in base.analyzers]

    def worker_pipeline(number: int) -> Pipeline:
        """Built on the worker thread that will use it; models load here, at start-up."""
        own = base if number == 0 else Pipeline(names, settings=base.settings)
        own.initialize()
        return own

    runner = Runner(worker_pipeline, config.workers, config.queue, config.timeout)
    service = Service(names, runner, config, settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        service.runner.shutdown()

    app = FastAPI(
        title="spinlens",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # FastAPI's Swagger UI and ReDoc load scripts from a CDN: not offline
        redoc_url=None,
    )
    app.state.service = service
    # Runs before routing: a rebinding page's Host, a missing token or form key are refused
    # before any body is read (and before a trailing-slash redirect could answer).
    app.add_middleware(
        RequestGate,
        checks=[
            host_check(config.allowed_hosts),
            token_check(config.token),
            form_key_check(service.form_key),
        ],
        respond=refusal_response,
        max_body=config.max_body_bytes,
        body_timeout=config.client_timeout,
    )
    app.add_middleware(SecurityHeadersMiddleware)  # added last, so it wraps every answer
    for router in (page, apidocs, health, api, extras):
        app.include_router(router)
    if not config.token:
        _without_auth_in_openapi(app)
    _add_error_handlers(app, config)
    return app


def _without_auth_in_openapi(app: FastAPI) -> None:
    """A server without a token documents no bearer scheme: its /openapi.json says what it does."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        spec = build()
        spec.get("components", {}).pop("securitySchemes", None)
        for item in spec.get("paths", {}).values():
            for operation in item.values():
                operation.pop("security", None)
        return spec

    app.openapi = openapi  # type: ignore[method-assign]


def _add_error_handlers(app: FastAPI, config: ServeConfig) -> None:
    @app.exception_handler(SpinlensError)
    async def spinlens_error(request: Request, exc: SpinlensError) -> Response:
        headers = {"WWW-Authenticate": "Bearer"} if exc.http_status == 401 else None
        return error(exc.http_status, exc.code, str(exc), headers, request)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        """Validation errors in the same shape as every other error, first problem named.

        A body that is not JSON at all is a 400 (the request is malformed); JSON of the
        wrong shape is a 422.
        """
        if any(e.get("type") == "json_invalid" for e in exc.errors()):
            message = "the request body is not valid JSON (send UTF-8 JSON)"
            return error(400, "E100", message, None, request)
        problems = [
            f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', 'invalid')}"
            for e in exc.errors()[:3]
        ]
        return error(422, "E100", "; ".join(problems) or "invalid request", None, request)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        """No such route, wrong method, a body that is not JSON: the same shape too."""
        messages = {
            400: "the request body could not be parsed (send UTF-8 JSON)",
            404: f"no such route: {request.url.path[:200]}",
            405: f"{request.method} is not allowed on {request.url.path[:200]}",
        }
        message = messages.get(exc.status_code, str(exc.detail))
        code = HTTP_CODES.get(exc.status_code, "E600")
        return error(exc.status_code, code, message, dict(exc.headers or {}) or None, request)

    @app.exception_handler(QueueFullError)
    async def queue_full(request: Request, exc: QueueFullError) -> Response:
        headers = {"Retry-After": str(config.retry_after)}
        return error(503, "E601", "the server is busy; retry later", headers, request)

    @app.exception_handler(WorkTimeoutError)
    async def timed_out(request: Request, exc: WorkTimeoutError) -> Response:
        message = f"analysis took longer than {config.timeout:g} s"
        return error(504, "E602", message, None, request)

    @app.exception_handler(sqlite3.DatabaseError)
    async def damaged(request: Request, exc: sqlite3.DatabaseError) -> Response:
        """A store read outside the store endpoints (they name the file): one log line, no
        traceback per request; the operator rebuilds the store."""
        log.warning("spinlens: a store cannot be read: %s", exc)
        message = f"a store of this server cannot be read ({exc}); rebuild it"
        return error(500, DamagedStoreError.code, message, None, request)

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> Response:
        return error(500, "E000", f"internal error: {type(exc).__name__}", None, request)
