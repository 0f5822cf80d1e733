"""URL fetching that refuses internal addresses (no SSRF), for the server and the crawler.

Every request, redirects included, is checked through an httpx request hook: the host is
resolved and refused if any address is private, loopback, link-local, multicast, reserved
or unspecified, including IPv4 addresses inside IPv6 ones (mapped, translated, compatible,
6to4, NAT64).
The connection itself goes through :class:`PinnedBackend`, which resolves and checks again
and connects to the very address it checked, so a DNS answer that changes between the check
and the connection (rebinding) cannot reach an internal address either. When an HTTP(S)
proxy is configured in the environment, requests go through it and are checked by name.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import httpcore
import httpx

from spinlens.document import Document
from spinlens.document.loaders.content import load_bytes
from spinlens.document.loaders.url import MAX_REDIRECTS, USER_AGENT, fetch_bytes, proxied
from spinlens.document.urls import domain_of
from spinlens.errors import FetchError, InputError


class BlockedAddressError(InputError):
    """The URL points at an address the server may not reach."""

    code = "E106"
    http_status = 403


def _addresses(host: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise FetchError(f"cannot resolve host '{host}': {exc.strerror}") from None
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]


NAT64 = ipaddress.ip_network("64:ff9b::/96")  # well-known prefix: the last 32 bits are IPv4
NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")  # local-use NAT64 (RFC 8215)
IPV4_COMPATIBLE = ipaddress.ip_network("::/96")  # deprecated ::a.b.c.d
IPV4_TRANSLATED = ipaddress.ip_network("::ffff:0:0:0/96")  # SIIT ::ffff:0:a.b.c.d (RFC 2765)


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, translated, compatible, 6to4, NAT64)."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if any(address in net for net in (NAT64, IPV4_COMPATIBLE, IPV4_TRANSLATED)):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_internal(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address):
        if address in NAT64_LOCAL:
            return True
        embedded = _embedded_ipv4(address)
        if embedded is not None and is_internal(embedded):
            return True
        if address.ipv4_mapped is not None:
            address = address.ipv4_mapped
    return not address.is_global or address.is_multicast


def public_addresses(host: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    """The host's addresses; BlockedAddressError if any of them is internal."""
    addresses = _addresses(host)
    for address in addresses:
        if is_internal(address):
            raise BlockedAddressError(
                f"{host} resolves to {address}, an internal address; the server "
                "refuses to fetch it (start it with --allow-private-urls to permit)"
            )
    return addresses


def check_url(url: str) -> None:
    """Raise BlockedAddressError unless every address of the URL's host is public."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise InputError(f"not a valid URL: {exc}") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise InputError(f"only http(s) URLs with a host can be fetched, not '{url}'")
    public_addresses(parsed.host)


class PinnedBackend(httpcore.SyncBackend):
    """Connects only to an address it has just checked (no second lookup to rebind)."""

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        address = public_addresses(host)[0]
        return super().connect_tcp(str(address), port, timeout, local_address, socket_options)


def _pinned_transport() -> httpx.HTTPTransport | None:
    """A transport connecting through :class:`PinnedBackend`; None when a proxy is set
    (for long-lived clients such as the crawler's; one fetch uses :func:`fetch_document`).

    httpx builds its connection pool without a way to pass a network backend, so the
    pool is replaced; ``tests/serve/test_guard.py`` checks that rebinding is refused.
    """
    if proxied():
        return None
    transport = httpx.HTTPTransport()
    transport._pool = httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(), network_backend=PinnedBackend()
    )
    return transport


def fetch_document(
    url: str, *, timeout: float, max_bytes: int, allow_private: bool = False
) -> Document:
    """The article at ``url`` as a Document, within ``timeout`` seconds in all (connect,
    headers, body, redirects; see :func:`spinlens.document.loaders.url.fetch_bytes`) and
    ``max_bytes``; internal addresses refused unless ``allow_private``."""

    def hook(request: httpx.Request) -> None:
        check_url(str(request.url))

    if not allow_private:
        check_url(url)
    body = fetch_bytes(
        url,
        timeout=timeout,
        max_bytes=max_bytes,
        backend=None if allow_private else PinnedBackend(),
        on_request=None if allow_private else hook,
    )
    doc = load_bytes(body, name=url, url=url, max_bytes=max_bytes)
    return replace(doc, url=doc.url or url, domain=doc.domain or domain_of(url))


__all__ = [
    "MAX_REDIRECTS",
    "USER_AGENT",
    "BlockedAddressError",
    "PinnedBackend",
    "check_url",
    "fetch_document",
]
