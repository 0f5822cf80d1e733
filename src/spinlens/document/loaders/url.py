"""Fetch an http(s) URL with a timeout and a size cap."""

from __future__ import annotations

import re

import httpx

from spinlens.document.document import Document
from spinlens.errors import FetchError, InputTooLargeError

_URL = re.compile(r"^https?://", re.I)


def is_url(source: str) -> bool:
    return bool(_URL.match(source))


def fetch_bytes(url: str, *, timeout: float = 15.0, max_bytes: int = 5_000_000) -> bytes:
    """The body of ``url``; streamed so an oversized page is refused without reading it all."""
    try:
        with httpx.stream(
            "GET",
            url,
            timeout=timeout,
            follow_redirects=True,
            headers={"User-Agent": "spinlens (+https://pypi.org/project/spinlens)"},
        ) as response:
            if response.status_code >= 400:
                raise FetchError(f"{url}: server answered HTTP {response.status_code}")
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise InputTooLargeError(f"{url}: page is larger than {max_bytes:,} bytes")
                chunks.append(chunk)
            return b"".join(chunks)
    except httpx.TimeoutException:
        raise FetchError(f"{url}: timed out after {timeout:g} s") from None
    except httpx.HTTPError as exc:
        reason = str(exc) or type(exc).__name__
        raise FetchError(f"{url}: cannot fetch ({reason}; are you offline?)") from None


def fetch_url(url: str, *, timeout: float = 15.0, max_bytes: int = 5_000_000) -> Document:
    from dataclasses import replace

    from spinlens.document.loaders.content import load_bytes
    from spinlens.document.urls import domain_of

    doc = load_bytes(fetch_bytes(url, timeout=timeout, max_bytes=max_bytes), name=url, url=url)
    return replace(doc, url=doc.url or url, domain=doc.domain or domain_of(url))
