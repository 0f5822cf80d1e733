"""The FastAPI application factory: models load here, once, before the first request."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.middleware.trustedhost import TrustedHostMiddleware

from spinlens import __version__
from spinlens.config import Settings
from spinlens.errors import SpinlensError
from spinlens.pipeline import Pipeline
from spinlens.serve.api import api, health
from spinlens.serve.config import ServeConfig
from spinlens.serve.extras_api import extras
from spinlens.serve.limits import BodyLimitMiddleware
from spinlens.serve.page import page
from spinlens.serve.runner import QueueFullError, Runner, WorkTimeoutError
from spinlens.serve.service import Service

DESCRIPTION = (
    "Shows, with evidence, how a news article manipulates its reader. "
    "Send `Authorization: Bearer <token>` when the server was started with a token."
)


def error(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(
        {"error": {"code": code, "message": message}}, status_code=status, headers=headers
    )


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

    app = FastAPI(title="spinlens", version=__version__, description=DESCRIPTION, lifespan=lifespan)
    app.state.service = service
    app.add_middleware(BodyLimitMiddleware, max_bytes=config.max_body_bytes)
    # Added last, so it runs first: a rebinding page's Host is refused before any work.
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=config.allowed_hosts)
    for router in (page, health, api, extras):
        app.include_router(router)
    _add_error_handlers(app, config)
    return app


def _add_error_handlers(app: FastAPI, config: ServeConfig) -> None:
    @app.exception_handler(SpinlensError)
    async def spinlens_error(_: Request, exc: SpinlensError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.http_status == 401 else None
        return error(exc.http_status, exc.code, str(exc), headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        """Validation errors in the same shape as every other error, first problem named."""
        problems = [
            f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', 'invalid')}"
            for e in exc.errors()[:3]
        ]
        return error(422, "E100", "; ".join(problems) or "invalid request")

    @app.exception_handler(QueueFullError)
    async def queue_full(_: Request, exc: QueueFullError) -> JSONResponse:
        headers = {"Retry-After": str(config.retry_after)}
        return error(503, "E601", "the server is busy; retry later", headers)

    @app.exception_handler(WorkTimeoutError)
    async def timed_out(_: Request, exc: WorkTimeoutError) -> JSONResponse:
        return error(504, "E602", f"analysis took longer than {config.timeout:g} s")

    @app.exception_handler(Exception)
    async def internal(_: Request, exc: Exception) -> JSONResponse:
        return error(500, "E000", f"internal error: {type(exc).__name__}")
