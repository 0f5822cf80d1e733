"""Server settings: limits, auth and what URL fetching may reach."""

from __future__ import annotations

import os

from pydantic import BaseModel, ConfigDict, Field

LOOPBACK_NAMES: tuple[str, ...] = ("localhost", "127.0.0.1", "::1", "[::1]")


class ServeConfig(BaseModel):
    """Knobs of one server; the CLI fills them from options and ``SPINLENS_TOKEN``."""

    model_config = ConfigDict(extra="forbid")
    token: str | None = Field(
        default_factory=lambda: os.environ.get("SPINLENS_TOKEN") or None,
        description="bearer token required on /api and the page's form; None: no auth",
    )
    max_body_bytes: int = Field(default=6_000_000, gt=0, description="largest request body")
    timeout: float = Field(default=60.0, gt=0, description="seconds one analysis may take")
    workers: int = Field(default=2, ge=1, description="analyses run at the same time (threads)")
    queue: int = Field(default=16, ge=0, description="requests that may wait for a worker")
    allow_private_urls: bool = Field(
        default=False, description="let URL fetches reach private, loopback, link-local hosts"
    )
    client_timeout: float = Field(
        default=30.0,
        gt=0,
        description="seconds a client has to send its request headers, and then its body "
        "(408 and the connection closed beyond)",
    )
    max_connections: int = Field(
        default=64,
        ge=1,
        description="open connections at once; one more is answered 503 and closed",
    )
    retry_after: int = Field(default=2, ge=1, description="Retry-After seconds on 503")
    allowed_hosts: list[str] = Field(
        default_factory=lambda: list(LOOPBACK_NAMES),
        description="Host header values served ('*' for any); other names get 400, which "
        "stops DNS-rebinding pages from reaching a loopback server",
    )
