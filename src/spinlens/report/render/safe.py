"""Small guards for hostile report data on its way into a page: bounded, typed, link-safe."""

from __future__ import annotations

import re
from typing import Any

MAX_SNIPPET = 160
_SLUG = re.compile(r"[^a-z0-9-]+")
_HTTP = re.compile(r"^https?://[^\s\"'<>]+$", re.I)


def slug(value: str) -> str:
    """A CSS-class-safe form of an analyzer or label name (names come from plug-ins too):
    ``quote_not_found`` -> ``quote-not-found``, as the stylesheet spells its classes."""
    return _SLUG.sub("-", value.lower()).strip("-") or "x"


def safe_url(value: Any) -> str | None:
    """Only http(s) links become clickable; anything else (javascript:, data:) stays text."""
    if isinstance(value, str) and _HTTP.match(value):
        return value
    return None


def snippet(text: str, limit: int = MAX_SNIPPET) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def text_of(value: Any) -> str:
    return "" if value is None else str(value)


def number_of(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
