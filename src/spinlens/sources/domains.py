"""Domain normalisation: any URL or host a user types maps to the keys the lists use.

Lists rate registrable domains (``bbc.co.uk``), hosts on shared platforms
(``someone.wordpress.com``) and sections or pages (``facebook.com/somepage``,
``c-span.org/wj``), so a key is the host plus up to ``MAX_SEGMENTS`` path segments, and a lookup
tries the most specific key first: the URL's path prefixes, the host, then each parent down to
the registrable domain (eTLD+1 from the Public Suffix List via ``publicsuffixlist``).
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

from publicsuffixlist import PublicSuffixList

from spinlens.errors import InputError

# Prefixes that name the same site in another skin; stripped before any lookup.
SKIN_PREFIXES = frozenset({"www", "www1", "www2", "www3", "m", "mobile", "amp", "edition"})
MAX_SEGMENTS = 2
MAX_HOST = 253  # the longest DNS name


def shown(value: str, limit: int = 80) -> str:
    """``value`` as an error message quotes it: one line, bounded, control characters escaped."""
    text = value if len(value) <= limit else value[: limit - 1] + "…"
    return repr(text)[1:-1] if not text.isprintable() else text


@lru_cache(maxsize=1)
def _psl() -> PublicSuffixList:
    return PublicSuffixList()


def _split(value: str) -> tuple[str | None, list[str]]:
    raw = value.strip()
    if not raw:
        raise InputError("empty domain")
    try:
        parts = urlsplit(raw if "//" in raw else f"//{raw}")
        host = parts.hostname
    except ValueError:
        return None, []
    segments = [seg.lower() for seg in parts.path.split("/") if seg]
    return host, segments[:MAX_SEGMENTS]


def host_of(value: str) -> str:
    """The lower-cased host of a URL or bare domain, without port, trailing dot or skin prefix."""
    host, _ = _split(value)
    if not host or "." not in host.strip("."):
        raise InputError(f"'{shown(value)}' is not a domain or URL")
    host = host.rstrip(".").lower()
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        raise InputError(f"'{shown(value)}' is not a valid domain name") from None
    if len(host) > MAX_HOST:
        raise InputError(f"'{shown(value)}' is not a valid domain name (over {MAX_HOST} chars)")
    labels = host.split(".")
    # Strip skins only while what remains is still a registrable domain (not "co.uk").
    while labels[0] in SKIN_PREFIXES and _psl().privatesuffix(".".join(labels[1:])):
        labels = labels[1:]
    return ".".join(labels)


def registrable(host: str) -> str:
    """eTLD+1 (``news.bbc.co.uk`` -> ``bbc.co.uk``); the host itself when the PSL has none."""
    return _psl().privatesuffix(host) or host


def normalize(value: str) -> str:
    """The key a list entry is stored under: host without skin prefixes, plus its path prefix."""
    host = host_of(value)
    _, segments = _split(value)
    return "/".join([host, *segments])


def is_canonical(value: str) -> bool:
    """Whether ``value`` names its key without a skin prefix (``espn.com``, not ``m.espn.com``)."""
    host, _ = _split(value)
    return (host or "").rstrip(".").lower() == host_of(value)


def candidates(value: str) -> list[str]:
    """Keys to try for a lookup, most specific first, ending at the registrable domain."""
    host = host_of(value)
    _, segments = _split(value)
    paths = ["/".join([host, *segments[:n]]) for n in range(len(segments), 0, -1)]
    base = registrable(host)
    labels = host.split(".")
    hosts = [".".join(labels[i:]) for i in range(len(labels))]
    return [*paths, *(k for k in hosts if len(k) >= len(base))]
