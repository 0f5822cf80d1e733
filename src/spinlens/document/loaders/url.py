"""Fetch an http(s) URL with one total deadline and a size cap.

httpx's timeouts apply to each connect and each read, so a page that trickles a byte a
second never times out. Here one deadline covers the whole fetch (connect, headers, body,
redirects): a watchdog shuts the connection's socket down when it passes, which ends a
blocked read at once. The deadline is the ``timeout`` given, or less when the caller runs
under a shorter one (a server request, :mod:`spinlens.deadline`). Through an HTTP(S) proxy
the sockets are the proxy client's own, so there the deadline is checked between chunks
and each read still has ``timeout``.

Used by the CLI (``spinlens analyze URL``), the server (through its URL guard) and the feed
watcher, so all of them stop at the same deadline.
"""

from __future__ import annotations

import contextlib
import errno
import re
import socket
import ssl
import threading
import time
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import httpcore
import httpx

from spinlens.deadline import remaining
from spinlens.document.document import Document
from spinlens.errors import FetchError, InputTooLargeError

_URL = re.compile(r"^https?://", re.I)
USER_AGENT = "spinlens (+https://pypi.org/project/spinlens)"
MAX_REDIRECTS = 5


def is_url(source: str) -> bool:
    return bool(_URL.match(source))


def proxied() -> bool:
    """Whether the environment sends requests through a proxy (httpx then makes its own)."""
    return any(scheme in urllib.request.getproxies() for scheme in ("http", "https", "all"))


class Watchdog:
    """Shuts the sockets of one fetch down when its deadline passes."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds
        self._streams: list[httpcore.NetworkStream] = []
        self._lock = threading.Lock()
        self._passed = False
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    @property
    def passed(self) -> bool:
        return self._passed or time.monotonic() >= self.at

    def left(self) -> float:
        return max(0.0, self.at - time.monotonic())

    def track(self, stream: httpcore.NetworkStream) -> None:
        with self._lock:
            self._streams.append(stream)
            if self._passed:
                _shut(stream)

    def stop(self) -> None:
        self._timer.cancel()

    def _expire(self) -> None:
        with self._lock:
            self._passed = True
            for stream in self._streams:
                _shut(stream)


def _shut(stream: httpcore.NetworkStream) -> None:
    sock = stream.get_extra_info("socket")
    if isinstance(sock, socket.socket):
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)  # wakes a blocked recv(); close() would not


class WatchedStream(httpcore.NetworkStream):
    """A connection the watchdog knows, also after TLS starts: wrapping a socket in TLS
    detaches the plain socket object, so the TLS stream is tracked in its turn."""

    def __init__(self, inner: httpcore.NetworkStream, watchdog: Watchdog) -> None:
        self.inner = inner
        self.watchdog = watchdog
        watchdog.track(inner)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self.inner.read(max_bytes, timeout)

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.inner.write(buffer, timeout)

    def close(self) -> None:
        self.inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        secured = self.inner.start_tls(ssl_context, server_hostname, timeout)
        return WatchedStream(secured, self.watchdog)

    def get_extra_info(self, info: str) -> Any:
        return self.inner.get_extra_info(info)


class WatchedBackend(httpcore.NetworkBackend):
    """A network backend whose connections the watchdog can cut, with connects bounded by
    the time left."""

    def __init__(self, watchdog: Watchdog, inner: httpcore.NetworkBackend | None = None) -> None:
        self.watchdog = watchdog
        self.inner = inner or httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        left = self.watchdog.left()
        if left <= 0:
            raise httpcore.ConnectTimeout("deadline passed")
        timeout = left if timeout is None else min(timeout, left)
        stream = self.inner.connect_tcp(host, port, timeout, local_address, socket_options)
        return WatchedStream(stream, self.watchdog)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self.inner.connect_unix_socket(path, timeout, socket_options)
        return WatchedStream(stream, self.watchdog)

    def sleep(self, seconds: float) -> None:
        self.inner.sleep(seconds)


def watched_transport(
    watchdog: Watchdog, inner: httpcore.NetworkBackend | None = None
) -> httpx.HTTPTransport | None:
    """A transport whose connections go through :class:`WatchedBackend`; None when a proxy
    is configured (httpx then builds the proxy transport from the environment).

    httpx builds its connection pool without a way to pass a network backend, so the pool
    is replaced; ``tests/serve/test_fetch.py`` checks that the deadline still cuts it.
    """
    if proxied():
        return None
    transport = httpx.HTTPTransport()
    transport._pool = httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(), network_backend=WatchedBackend(watchdog, inner)
    )
    return transport


def fetch_bytes(
    url: str,
    *,
    timeout: float = 15.0,
    max_bytes: int = 5_000_000,
    backend: httpcore.NetworkBackend | None = None,
    on_request: Callable[[httpx.Request], None] | None = None,
) -> bytes:
    """The body of ``url`` within ``timeout`` seconds in all; streamed, so an oversized
    page is refused without reading it all.

    ``backend`` opens the connections (the server's checks the address it connects to);
    ``on_request`` sees every request, redirects included (the server's refuses internal
    addresses). Without a proxy the connection goes through ``backend``.
    """
    with guarded_get(url, timeout=timeout, backend=backend, on_request=on_request) as (
        response,
        watchdog,
    ):
        if response.status_code >= 400:
            raise FetchError(f"{url}: server answered HTTP {response.status_code}")
        return read_capped(response, watchdog, url, max_bytes)


@contextlib.contextmanager
def guarded_get(
    url: str,
    *,
    timeout: float,
    backend: httpcore.NetworkBackend | None = None,
    on_request: Callable[[httpx.Request], None] | None = None,
    headers: dict[str, str] | None = None,
) -> Iterator[tuple[httpx.Response, Watchdog]]:
    """One streamed GET under one deadline for the whole fetch (connect, headers, body,
    redirects; capped by the request's own deadline); network errors and timeouts, raised
    while the response is read too, become one FetchError. Shared by every fetch path (the
    CLI, the server, the feed crawler)."""
    seconds = remaining(timeout)
    watchdog = Watchdog(seconds)
    try:
        with (
            httpx.Client(
                timeout=seconds,
                follow_redirects=True,
                max_redirects=MAX_REDIRECTS,
                headers={"User-Agent": USER_AGENT},
                event_hooks={"request": [on_request]} if on_request else None,
                transport=watched_transport(watchdog, backend),
            ) as client,
            client.stream("GET", url, headers=headers) as response,
        ):
            yield response, watchdog
    except httpx.HTTPError as exc:
        if watchdog.passed or isinstance(exc, httpx.TimeoutException):
            raise FetchError(f"{url}: timed out after {seconds:.3g} s (the whole fetch)") from None
        raise FetchError(f"{url}: cannot fetch ({describe(exc)})") from None
    finally:
        watchdog.stop()


def read_capped(response: httpx.Response, watchdog: Watchdog, url: str, max_bytes: int) -> bytes:
    """The body, refused past ``max_bytes`` without reading the rest, and cut at the deadline."""
    body = bytearray()
    for chunk in response.iter_bytes():
        if watchdog.passed:
            raise httpx.ReadTimeout("deadline passed")
        body += chunk
        if len(body) > max_bytes:
            raise InputTooLargeError(f"{url}: page is larger than {max_bytes:,} bytes")
    if watchdog.passed:
        raise httpx.ReadTimeout("deadline passed")
    return bytes(body)


# Network errors that mean this machine has no working network, where "offline?" helps.
OFFLINE_ERRNOS = {errno.ENETUNREACH, errno.ENETDOWN, errno.EHOSTUNREACH}
OFFLINE_GAI = {socket.EAI_AGAIN, getattr(socket, "EAI_NODATA", socket.EAI_AGAIN)}


def describe(exc: BaseException) -> str:
    """Why a fetch failed, with "are you offline?" only where that is the likely cause
    (no name resolution, no route), not for a refused or reset connection."""
    reason = str(exc) or type(exc).__name__
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, socket.gaierror) and cause.errno in OFFLINE_GAI:
            return f"{reason}; are you offline?"
        if isinstance(cause, OSError) and cause.errno in OFFLINE_ERRNOS:
            return f"{reason}; are you offline?"
        cause = cause.__cause__ or cause.__context__
    if "Temporary failure in name resolution" in reason or "Network is unreachable" in reason:
        return f"{reason}; are you offline?"
    return reason


def fetch_url(url: str, *, timeout: float = 15.0, max_bytes: int = 5_000_000) -> Document:
    from dataclasses import replace

    from spinlens.document.loaders.content import load_bytes  # not the package: a cycle
    from spinlens.document.urls import domain_of

    doc = load_bytes(fetch_bytes(url, timeout=timeout, max_bytes=max_bytes), name=url, url=url)
    return replace(doc, url=doc.url or url, domain=doc.domain or domain_of(url))
