"""Who may reach the server: loopback rules, the listening socket, the token's shape.

``spinlens serve`` calls these before any model loads, so an unsafe or impossible setting
fails at once with one line.
"""

from __future__ import annotations

import ipaddress
import socket

from spinlens.errors import ConfigError
from spinlens.serve.config import LOOPBACK_NAMES


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine only (``localhost``, 127.0.0.0/8, ``::1``)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def listen(host: str, port: int) -> socket.socket:
    """The bound listening socket, so a busy port or unknown host fails at once, clearly."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise ConfigError(f"cannot listen on '{host}': {exc.strerror}") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError as exc:
        sock.close()
        hint = " (is another server running? choose --port)" if exc.errno == 98 else ""
        raise ConfigError(
            f"cannot listen on {url_host(host)}:{port}: {exc.strerror}{hint}"
        ) from None
    sock.set_inheritable(True)
    return sock


def check_token(token: str | None) -> None:
    """A token that no client could send is refused (it would lock everyone out).

    An empty token (``SPINLENS_TOKEN=``) means no token; one of spaces, or with spaces or
    control characters in it, cannot be sent as ``Authorization: Bearer <token>``.
    """
    if not token:
        return
    if not token.strip():
        raise ConfigError("the token is blank (only whitespace): give a real token, or none")
    if any(c.isspace() or not c.isprintable() for c in token):
        raise ConfigError(
            "the token contains spaces or control characters, which an "
            "'Authorization: Bearer' header cannot carry: choose another token"
        )


def insecure_warning(host: str, token: str | None) -> str:
    if token or is_loopback(host):
        return "--insecure has no effect here (the server is on loopback or has a token)"
    return (
        f"--insecure: the API on {url_host(host)} has no token; anyone who can reach this "
        "port can run analyses and make the server fetch URLs"
    )


def url_host(host: str) -> str:
    """``host`` as it appears in a URL (IPv6 addresses in brackets)."""
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def allowed_hosts(host: str, extra: list[str]) -> list[str]:
    """Host names to answer: a loopback server refuses other names (DNS rebinding)."""
    if not is_loopback(host):
        return extra or ["*"]
    return [*LOOPBACK_NAMES, *extra]


def check_exposure(host: str, token: str | None, insecure: bool) -> str | None:
    """Refuse a server reachable beyond this machine without a token unless ``insecure``;
    the warning to print when ``insecure`` was given, else None."""
    check_token(token)
    if not is_loopback(host) and not token and not insecure:
        raise ConfigError(
            f"listening on {host} exposes the API beyond this machine: give --token "
            "(or SPINLENS_TOKEN), or --insecure to accept that"
        )
    return insecure_warning(host, token) if insecure else None
