"""Domains from untrusted URL metadata: normalised, and never fatal when malformed."""

from __future__ import annotations

import pytest

from spinlens.document.urls import domain_of


@pytest.mark.parametrize(
    ("url", "domain"),
    [
        ("https://www.BBC.co.uk/news/world", "bbc.co.uk"),
        ("apnews.com/article/x", "apnews.com"),
        ("http://example.org.:8080/", "example.org"),
        ("http://[", None),
        ("[", None),
        ("", None),
        (None, None),
    ],
)
def test_domain_of(url: str | None, domain: str | None) -> None:
    assert domain_of(url) == domain
