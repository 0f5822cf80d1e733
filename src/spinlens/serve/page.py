"""The page at ``/``: a form whose answer is the HTML renderer's report."""

from __future__ import annotations

import asyncio
from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter, Form, Request, UploadFile
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader
from pydantic import ValidationError

from spinlens.document.loaders import decode_bytes
from spinlens.document.loaders.html import looks_like_html
from spinlens.errors import EmptyInputError, InputError, InputTooLargeError
from spinlens.report.render import renderer
from spinlens.serve.auth import AuthError, bearer, token_ok
from spinlens.serve.models import AnalyzeOptions, ArticleIn
from spinlens.serve.service import Service

TEMPLATES = Path(__file__).parent / "templates"
# The form page runs no script; its inline style is the only thing it allows.
PAGE_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'self'"
)

page = APIRouter(include_in_schema=False)


@lru_cache(maxsize=1)
def templates() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True)


@page.get("/", response_class=HTMLResponse)
async def form(request: Request) -> HTMLResponse:
    service: Service = request.app.state.service
    html = (
        templates()
        .get_template("page.html")
        .render(
            analyzers=service.loaded,
            token_required=bool(service.config.token),
            max_mb=round(service.settings.limits.max_bytes / 1e6, 1),
            form_key=service.form_key,
        )
    )
    return HTMLResponse(html, headers={"Content-Security-Policy": PAGE_CSP})


@page.post("/report", response_class=HTMLResponse)
async def report(
    request: Request,
    text: str = Form(""),
    url: str = Form(""),
    title: str = Form(""),
    token: str = Form(""),
    file: UploadFile | None = None,
) -> HTMLResponse:
    """Analyse what the form sent (file, else pasted text/HTML, else URL) and render it.

    The form key (``?form_key=``, against cross-site posts) was checked by the request gate
    before the upload was read; the token comes in the form, so it is checked here.
    """
    service: Service = request.app.state.service
    if not token_ok(service.config.token, token or bearer(request)):
        raise AuthError("missing or wrong token")
    article = await _article(service, text, url, title, file)
    # Analysis and rendering both run on a worker: the event loop stays free for others.
    html = await service.runner.run(
        lambda p: renderer("html")(service.analyze(article, AnalyzeOptions(), p))
    )
    return HTMLResponse(html)


def error_page(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> HTMLResponse:
    """The form's errors as a page a reader can act on (escaped), not raw JSON."""
    html = templates().get_template("error.html").render(status=status, code=code, message=message)
    return HTMLResponse(
        html, status_code=status, headers={**(headers or {}), "Content-Security-Policy": PAGE_CSP}
    )


async def _article(
    service: Service, text: str, url: str, title: str, file: UploadFile | None
) -> ArticleIn:
    limit = service.settings.limits.max_bytes
    if file is not None and file.filename:
        data = await file.read(limit + 1)
        if len(data) > limit:
            raise InputTooLargeError(f"{file.filename}: larger than the {limit:,}-byte limit")
        # Encoding detection on megabytes takes a while: not on the event loop.
        text = await asyncio.to_thread(decode_bytes, data, name=file.filename, max_bytes=limit)
    pasted = text.strip()
    if not pasted and not url.strip():
        raise EmptyInputError("paste an article, upload a file, or give a URL")
    fields: dict[str, str | None] = {"title": title.strip() or None, "url": url.strip() or None}
    if pasted:
        fields["html" if looks_like_html(pasted) else "text"] = text
    try:
        return ArticleIn.model_validate(fields)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "form"
        raise InputError(f"{where}: {first['msg']}") from None
