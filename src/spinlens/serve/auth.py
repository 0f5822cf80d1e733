"""Who may use the server: the Host name, the bearer token, the page's form key.

The checks named ``*_check`` look only at a request's line and headers; the request gate
(:mod:`spinlens.serve.gate`) runs them before routing and before any body is read.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Sequence
from urllib.parse import parse_qs

from fastapi import Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.types import Scope

from spinlens.errors import SpinlensError


class AuthError(SpinlensError):
    code = "E700"
    http_status = 401


class FormKeyError(SpinlensError):
    """The page's form came without this server's form key: a cross-site post, or a stale page."""

    code = "E701"
    http_status = 403


class ForeignHostError(SpinlensError):
    """The Host header names a server this is not (a DNS-rebinding page, or a missing
    ``--allow-host``)."""

    code = "E605"
    http_status = 400


TOKEN_MESSAGE = "missing or wrong bearer token (send 'Authorization: Bearer <token>')"


def token_ok(expected: str | None, given: str | None) -> bool:
    """Constant-time comparison; always true when no token is configured."""
    if not expected:
        return True
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


def bearer(request: Request) -> str | None:
    return _bearer_value(request.headers.get("authorization", ""))


def _bearer_value(header: str) -> str | None:
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" else None


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers") or []:
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return ""


def host_name(host: str) -> str:
    """The name in a Host header, without the port (``[::1]:8765`` -> ``[::1]``)."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[: host.find("]") + 1] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def host_allowed(host: str, allowed: Sequence[str]) -> bool:
    """``*`` allows any name, ``*.example.org`` its subdomains; loopback IPv6 either way."""
    name = host_name(host)
    for pattern in (p.lower() for p in allowed):
        if pattern == "*" or name == pattern or name == f"[{pattern}]":
            return True
        if pattern.startswith("*.") and name.endswith(pattern[1:]):
            return True
    return False


def host_check(allowed: Sequence[str]) -> Callable[[Scope], None]:
    def check(scope: Scope) -> None:
        host = _header(scope, b"host")
        if not host_allowed(host, allowed):
            raise ForeignHostError(
                f"this server does not answer for the host name '{host[:100]}' "
                "(start it with --allow-host NAME to allow it)"
            )

    return check


def token_check(token: str | None, prefix: str = "/api/") -> Callable[[Scope], None]:
    """The bearer token on every path under ``prefix``, checked before routing."""

    def check(scope: Scope) -> None:
        path = str(scope.get("path", ""))
        if token and (path.startswith(prefix) or path == prefix.rstrip("/")):
            given = _bearer_value(_header(scope, b"authorization"))
            if not token_ok(token, given):
                raise AuthError(TOKEN_MESSAGE)

    return check


def form_key_check(key: str, path: str = "/report") -> Callable[[Scope], None]:
    """The page's form posts to ``/report?form_key=...``: a post without this server's key
    (another site's form, a stale page) is refused before its upload is read."""

    def check(scope: Scope) -> None:
        if scope.get("path") != path or scope.get("method") != "POST":
            return
        query = parse_qs(bytes(scope.get("query_string", b"")).decode("latin-1"))
        given = (query.get("form_key") or [""])[0]
        if not given or not token_ok(key, given):
            raise FormKeyError(
                "the form is not from this server's page (reload the page and retry)"
            )

    return check


# Declares the scheme in /openapi.json (clients and fuzzers see it); the check is ours.
BEARER = HTTPBearer(
    auto_error=False,
    description="Needed when the server was started with --token (or SPINLENS_TOKEN).",
)


def require_token(
    request: Request,
    credentials: HTTPAuthorizationCredentials | None = Security(BEARER),
) -> None:
    """FastAPI dependency for the API routes."""
    expected = request.app.state.service.config.token
    given = credentials.credentials if credentials is not None else None
    if not token_ok(expected, given):
        raise AuthError(TOKEN_MESSAGE)
