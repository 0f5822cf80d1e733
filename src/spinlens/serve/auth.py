"""Optional bearer-token auth: on when the server has a token."""

from __future__ import annotations

import hmac

from fastapi import Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

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
        raise AuthError("missing or wrong bearer token (send 'Authorization: Bearer <token>')")
