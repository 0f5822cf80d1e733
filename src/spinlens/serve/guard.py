"""URL fetching for the server that refuses internal addresses (no SSRF).

Every request, redirects included, is checked through an httpx request hook: the host is
resolved and refused if any address is private, loopback, link-local, multicast, reserved
or unspecified. The check resolves the name itself, so a DNS answer that changes between
the check and the connection (rebinding) is not covered; run the server behind an egress
proxy when that matters.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import replace

import httpx

from spinlens.document import Document
from spinlens.document.loaders import load_bytes
from spinlens.document.urls import domain_of
from spinlens.errors import FetchError, InputError, InputTooLargeError

MAX_REDIRECTS = 5
USER_AGENT = "spinlens (+https://pypi.org/project/spinlens)"


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


def is_internal(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return not address.is_global or address.is_multicast


def check_url(url: str) -> None:
    """Raise BlockedAddressError unless every address of the URL's host is public."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise InputError(f"not a valid URL: {exc}") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise InputError(f"only http(s) URLs with a host can be fetched, not '{url}'")
    for address in _addresses(parsed.host):
        if is_internal(address):
            raise BlockedAddressError(
                f"{parsed.host} resolves to {address}, an internal address; the server "
                "refuses to fetch it (start it with --allow-private-urls to permit)"
            )


def fetch_document(
    url: str, *, timeout: float, max_bytes: int, allow_private: bool = False
) -> Document:
    """The article at ``url`` as a Document, with size and time caps."""

    def hook(request: httpx.Request) -> None:
        if not allow_private:
            check_url(str(request.url))

    if not allow_private:
        check_url(url)
    try:
        with (
            httpx.Client(
                timeout=timeout,
                follow_redirects=True,
                max_redirects=MAX_REDIRECTS,
                headers={"User-Agent": USER_AGENT},
                event_hooks={"request": [hook]},
            ) as client,
            client.stream("GET", url) as response,
        ):
            if response.status_code >= 400:
                raise FetchError(f"{url}: server answered HTTP {response.status_code}")
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > max_bytes:
                    raise InputTooLargeError(f"{url}: page is larger than {max_bytes:,} bytes")
    except httpx.TimeoutException:
        raise FetchError(f"{url}: timed out after {timeout:g} s") from None
    except httpx.HTTPError as exc:
        raise FetchError(f"{url}: cannot fetch ({exc or type(exc).__name__})") from None
    doc = load_bytes(bytes(body), name=url, url=url, max_bytes=max_bytes)
    return replace(doc, url=doc.url or url, domain=doc.domain or domain_of(url))
