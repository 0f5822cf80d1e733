"""Polite fetching for crawls of feeds and sitemaps: robots.txt, one request per host per
second, conditional GET, time and size caps, internal addresses refused.

Built on the project's guarded fetch: the total deadline per fetch of
:mod:`spinlens.document.loaders.url` (a watchdog cuts the socket, so a slow-drip server cannot
hold a crawl past ``timeout`` seconds) and the address checks of
:mod:`spinlens.document.loaders.guard` (every request and redirect checked, connections pinned
to the checked address), so a crawl can no more reach an internal address than the server can. This
adds what a crawler needs on top: the response headers (``ETag``/``Last-Modified`` to send
back, ``304 Not Modified``), a per-host pace and robots.txt (``urllib.robotparser``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from spinlens.document.loaders.guard import BlockedAddressError, PinnedBackend, check_url
from spinlens.document.loaders.url import guarded_get, read_capped
from spinlens.errors import FetchError, InputError, InputTooLargeError

ROBOTS_AGENT = "spinlens"
ROBOTS_MAX_BYTES = 500_000
DISALLOW_ALL = ["User-agent: *", "Disallow: /"]


class RobotsDisallowed(FetchError):
    """robots.txt of the host does not let spinlens fetch this URL."""

    code = "E201"


class HttpStatusError(FetchError):
    """The server answered with an error status (kept, robots.txt rules depend on it)."""

    def __init__(self, url: str, status: int) -> None:
        super().__init__(f"{url}: server answered HTTP {status}")
        self.status = status


@dataclass(frozen=True, slots=True)
class Fetched:
    """A response: 200 with a body, or 304 (unchanged since the validators we sent)."""

    url: str  # after redirects
    status: int
    body: bytes = b""
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class PoliteClient:
    """One HTTP client for a crawl; use as a context manager.

    ``min_interval`` is the least time between two requests to one host (robots.txt
    included). ``clock`` and ``sleep`` are injectable so tests need not wait.
    """

    def __init__(
        self,
        *,
        timeout: float = 15.0,
        max_bytes: int = 5_000_000,
        allow_private: bool = False,
        min_interval: float = 1.0,
        obey_robots: bool = True,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.allow_private = allow_private
        self.min_interval = min_interval
        self.obey_robots = obey_robots
        self.clock = clock
        self.sleep = sleep
        self._last: dict[str, float] = {}
        self._robots: dict[str, RobotFileParser | FetchError] = {}
        self.requests = 0

    def __enter__(self) -> PoliteClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Nothing is held between requests (each has its own deadline and connection)."""

    def get(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> Fetched:
        """GET ``url`` politely; raises FetchError (RobotsDisallowed, HTTP >= 400, timeout),
        BlockedAddressError or InputTooLargeError."""
        if not url.startswith(("http://", "https://")):
            raise InputError(f"only http(s) URLs can be fetched, not '{url}'")
        if not self.allow_private:
            self._check(url)
        if self.obey_robots and not self._allowed(url):
            raise RobotsDisallowed(f"{url}: robots.txt does not allow fetching it")
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return self._fetch(url, headers, self.max_bytes)

    def _check(self, url: str) -> None:
        try:
            check_url(url)
        except BlockedAddressError:
            host = urlsplit(url).hostname
            raise BlockedAddressError(
                f"{host} is a private, loopback or link-local address; refused "
                "(pass --allow-private to fetch it)"
            ) from None

    def _pace(self, url: str) -> None:
        host = (urlsplit(url).hostname or "").lower()
        last = self._last.get(host)
        if last is not None:
            wait = last + self.min_interval - self.clock()
            if wait > 0:
                self.sleep(wait)
        self._last[host] = self.clock()

    def _fetch(self, url: str, headers: dict[str, str], max_bytes: int) -> Fetched:
        """One GET within ``timeout`` seconds in all: the project's fetch watchdog cuts the
        socket at the deadline (connect, headers, body, redirects), and the server's pinned
        backend connects only to the address it checked."""
        self._pace(url)
        self.requests += 1

        def hook(request: httpx.Request) -> None:
            if not self.allow_private:
                self._check(str(request.url))

        pinned = None if self.allow_private else PinnedBackend()
        with guarded_get(
            url, timeout=self.timeout, backend=pinned, on_request=hook, headers=headers
        ) as (response, watchdog):
            if response.status_code == 304:
                return Fetched(str(response.url), 304)
            if response.status_code >= 400:
                raise HttpStatusError(url, response.status_code)
            return Fetched(
                url=str(response.url),
                status=response.status_code,
                body=read_capped(response, watchdog, url, max_bytes),
                content_type=response.headers.get("content-type", ""),
                etag=response.headers.get("etag"),
                last_modified=response.headers.get("last-modified"),
            )

    def _allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        root = f"{parts.scheme}://{parts.netloc}"
        known = self._robots.get(root)
        if known is None:
            try:
                known = self._read_robots(root)
            except FetchError as exc:
                known = exc
            self._robots[root] = known
        if isinstance(known, FetchError):  # host unreachable: say so, fetch nothing from it
            raise FetchError(f"{url}: not fetched: {known}")
        return known.can_fetch(ROBOTS_AGENT, url)

    def _read_robots(self, root: str) -> RobotFileParser:
        """robots.txt as ``urllib.robotparser`` reads it: 401/403 forbid all, other client
        errors or none allow all; a server error forbids all for this crawl, and an
        unreachable host raises (RFC 9309: assume complete disallow)."""
        parser = RobotFileParser(f"{root}/robots.txt")
        try:
            fetched = self._fetch(f"{root}/robots.txt", {}, ROBOTS_MAX_BYTES)
        except HttpStatusError as exc:
            if exc.status in (401, 403) or exc.status >= 500:
                parser.parse(DISALLOW_ALL)
            else:
                parser.parse([])
            return parser
        except InputTooLargeError:
            parser.parse([])  # oversized robots.txt: RFC 9309 says parse what fits
            return parser
        parser.parse(fetched.body.decode("utf-8", "replace").splitlines())
        return parser
