"""The first thing every HTTP request meets: who may ask, then how big and how slow a body may be.

:class:`RequestGate` is ASGI middleware that runs before routing, so nothing (not even a
trailing-slash redirect) answers before these checks:

1. the *checks* (Host name, bearer token on ``/api``, the form key on ``POST /report``) look
   only at the request line and headers, so a refused request never has its body read into
   memory;
2. a body over ``max_body`` is refused (413), declared (``Content-Length``) or streamed;
3. a body that does not arrive within ``body_timeout`` seconds is refused (408) and the
   connection closed, so a client trickling its upload cannot hold a connection forever.

A refused request's body is *drained*: read and thrown away, up to ``drain_limit`` bytes
and within the same deadline, before the answer is sent. Clients such as Python's urllib
send the whole body before they read anything; a server that answers and closes early
makes the kernel reset the connection, and such a client sees "connection reset" instead
of the 413. A client that asked ``Expect: 100-continue`` has sent no body yet and is
answered at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from starlette.types import ASGIApp, Receive, Scope, Send

from spinlens.errors import SpinlensError

DRAIN_LIMIT = 128 * 1024 * 1024  # bytes of a refused body read (and dropped) so its answer arrives

Check = Callable[[Scope], None]
"""Looks at a request's line and headers; raises a SpinlensError to refuse it."""


@dataclass(frozen=True)
class Refusal:
    status: int
    code: str
    message: str
    headers: dict[str, str]


Respond = Callable[[Scope, Refusal], ASGIApp]
"""Builds the answer (an ASGI app, e.g. a Starlette Response) for a refused request."""


class BodyTimeoutError(SpinlensError):
    """The request body did not arrive in time (a slow or stalled client)."""

    code = "E606"
    http_status = 408


class BodyTooLargeError(SpinlensError):
    code = "E104"
    http_status = 413

    def __init__(self, message: str, *, complete: bool = False) -> None:
        super().__init__(message)
        self.complete = complete  # the whole body was read already: nothing left to drain


def header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers") or []:
        if key.lower() == name:
            return bytes(value)
    return None


def _has_body(scope: Scope) -> bool:
    length = header(scope, b"content-length")
    if length is not None:
        return length.strip() not in (b"", b"0")
    return header(scope, b"transfer-encoding") is not None


class RequestGate:
    """ASGI middleware: pre-body checks, then a size- and time-bounded body (see the module)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        checks: Sequence[Check],
        respond: Respond,
        max_body: int,
        body_timeout: float,
        drain_limit: int = DRAIN_LIMIT,
    ) -> None:
        self.app = app
        self.checks = list(checks)
        self.respond = respond
        self.max_body = max_body
        self.body_timeout = body_timeout
        self.drain_limit = drain_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        deadline = asyncio.get_running_loop().time() + self.body_timeout
        try:
            for check in self.checks:
                check(scope)
            if not _has_body(scope):
                await self.app(scope, receive, send)
                return
            length = header(scope, b"content-length")
            if length is not None and length.strip().isdigit() and int(length) > self.max_body:
                raise BodyTooLargeError(self._too_large())
            body = await self._read(receive, deadline)
        except SpinlensError as exc:
            await self._refuse(scope, receive, send, exc, deadline)
            return
        if body is None:  # the client went away: nobody to answer
            return
        replayed = False

        async def replay() -> dict[str, object]:
            nonlocal replayed
            if replayed:
                return dict(await receive())
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    def _too_large(self) -> str:
        return f"request body is larger than {self.max_body:,} bytes"

    async def _read(self, receive: Receive, deadline: float) -> bytes | None:
        """The whole body, or None if the client disconnected; refuses too big or too slow."""
        chunks: list[bytes] = []
        size = 0
        try:
            async with asyncio.timeout_at(deadline):
                while True:
                    message = await receive()
                    if message["type"] == "http.disconnect":
                        return None
                    chunk = message.get("body", b"")
                    size += len(chunk)
                    if size > self.max_body:
                        more = bool(message.get("more_body", False))
                        raise BodyTooLargeError(self._too_large(), complete=not more)
                    chunks.append(chunk)
                    if not message.get("more_body", False):
                        return b"".join(chunks)
        except TimeoutError:
            raise BodyTimeoutError(
                f"the request body did not arrive within {self.body_timeout:g} s"
            ) from None

    async def _drain(self, scope: Scope, receive: Receive, deadline: float) -> bool:
        """Read and drop the rest of the body; True if all of it was read (the connection can
        be kept), False if the limit or the deadline stopped it (the connection is closed)."""
        if not _has_body(scope):
            return True
        if (header(scope, b"expect") or b"").lower() == b"100-continue":
            return False  # the client waits for a go-ahead before sending: it sent nothing
        seen = 0
        try:
            async with asyncio.timeout_at(deadline):
                while seen <= self.drain_limit:
                    message = await receive()
                    if message["type"] == "http.disconnect":
                        return False
                    seen += len(message.get("body", b""))
                    if not message.get("more_body", False):
                        return True
        except TimeoutError:
            pass
        return False

    async def _refuse(
        self, scope: Scope, receive: Receive, send: Send, exc: SpinlensError, deadline: float
    ) -> None:
        headers = {"WWW-Authenticate": "Bearer"} if exc.http_status == 401 else {}
        if isinstance(exc, BodyTooLargeError) and exc.complete:
            drained = True
        else:
            drained = not isinstance(exc, BodyTimeoutError) and await self._drain(
                scope, receive, deadline
            )
        if not drained:
            headers["Connection"] = "close"
        refusal = Refusal(exc.http_status, exc.code, str(exc), headers)
        await self.respond(scope, refusal)(scope, receive, send)
