"""HTML main-text extraction with trafilatura, keeping title, date and URL metadata."""

from __future__ import annotations

import re
from typing import Any

from spinlens.document.document import Document
from spinlens.document.loaders.text import document_from_text
from spinlens.document.urls import domain_of
from spinlens.errors import EmptyInputError

_HTML_START = re.compile(r"^\s*(<!doctype html|<html|<head|<body|<article|<div|<p[\s>])", re.I)


def looks_like_html(text: str) -> bool:
    return bool(_HTML_START.match(text[:2000]))


def document_from_html(
    html: str, *, url: str | None = None, name: str = "<input>", doc_id: str | None = None
) -> Document:
    """The article's main text becomes ``Document.text``; boilerplate is dropped."""
    import trafilatura

    result = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, favor_recall=True
    )
    data: dict[str, Any] = {}
    if result is not None:
        data = result.as_dict() if hasattr(result, "as_dict") else dict(result)
    text = (data.get("text") or "").strip()
    if not text:
        raise EmptyInputError(f"{name}: no article text found in the HTML")
    page_url = url or data.get("url")
    return document_from_text(
        text,
        id=doc_id,
        title=data.get("title"),
        url=page_url,
        domain=domain_of(page_url),
        date=data.get("date"),
        source_format="html",
    )
