"""Optional bearer-token auth: on when the server has a token."""

from __future__ import annotations

import hmac

from fastapi import Request

from spinlens.errors import SpinlensError


class AuthError(SpinlensError):
    code = "E700"
    http_status = 401


class FormKeyError(SpinlensError):
    """The page's form came without this server's form key: a cross-site post, or a stale page."""

    code = "E701"
    http_status = 403


def token_ok(expected: str | None, given: str | None) -> bool:
    """Constant-time comparison; always true when no token is configured."""
    if not expected:
        return True
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


def bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" else None


def require_token(request: Request) -> None:
    """FastAPI dependency for the API routes."""
    expected = request.app.state.service.config.token
    if not token_ok(expected, bearer(request)):
        raise AuthError("missing or wrong bearer token (send 'Authorization: Bearer <token>')")
