"""uvicorn, configured so that slow or numerous clients cannot hold the server.

uvicorn times out idle keep-alive connections but not a client that trickles its request
headers: such a connection is held for as long as the client likes. :class:`GuardedH11`
closes a connection whose headers are not complete within ``client_timeout`` seconds (the
body's deadline is the request gate's, :mod:`spinlens.serve.gate`), and answers requests it
cannot parse in the API's JSON error shape. It also bounds open
connections: past ``max_connections``, a new connection's request is answered 503
(``E601``, ``Retry-After``, in the API's JSON error shape) and the connection closed.
uvicorn's own ``limit_concurrency`` does the same in plain text, so it is not used.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import h11
import uvicorn
from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

from spinlens.serve.config import ServeConfig
from spinlens.serve.limits import SecurityHeadersMiddleware


def busy_app(retry_after: int) -> ASGIApp:
    """Answers every request 503 and closes: for connections over the bound."""
    body = json.dumps(
        {"error": {"code": "E601", "message": "too many open connections; retry later"}}
    ).encode()

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 503,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"retry-after", str(retry_after).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    return SecurityHeadersMiddleware(app)


class GuardedH11(H11Protocol):
    """uvicorn's h11 protocol with a deadline on request headers and a connection bound."""

    header_timeout: float = 30.0
    max_connections: int = 64
    retry_after: int = 2

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self.max_connections:
            self.app = busy_app(self.retry_after)
        self._arm()

    def data_received(self, data: bytes) -> None:
        if self._header_timer is None and self.conn.their_state is h11.IDLE:
            self._arm()  # the first bytes of a next request on a kept-alive connection
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:
            self._disarm()  # headers complete: the body's deadline is the gate's

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def send_400_response(self, msg: str) -> None:
        """A request h11 cannot parse (bad request line, headers over 64 KB) gets the API's
        JSON error shape too, not uvicorn's plain text; the connection is closed."""
        self._disarm()
        if not self.transport.is_closing():
            message = f"malformed HTTP request ({msg.rstrip('.')})"
            self.transport.write(raw_response(400, "Bad Request", "E100", message))
            self.transport.close()

    def _arm(self) -> None:
        self._disarm()
        self._header_timer = self.loop.call_later(self.header_timeout, self._headers_late)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_late(self) -> None:
        self._header_timer = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            if self.conn.our_state is h11.IDLE:  # nothing answered yet: say why, then close
                message = f"request headers not received within {self.header_timeout:g} s"
                self.transport.write(raw_response(408, "Request Timeout", "E606", message))
            self.transport.close()


def raw_response(status: int, reason: str, code: str, message: str) -> bytes:
    """A whole HTTP/1.1 answer that closes the connection, for when no request was parsed
    (h11 cannot answer a request it has not seen)."""
    body = json.dumps({"error": {"code": code, "message": message}}).encode()
    head = (
        f"HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
    )
    return head.encode() + body


def protocol(config: ServeConfig) -> type[GuardedH11]:
    """A :class:`GuardedH11` with this server's limits."""
    return type(
        "SpinlensH11",
        (GuardedH11,),
        {
            "header_timeout": config.client_timeout,
            "max_connections": config.max_connections,
            "retry_after": config.retry_after,
        },
    )


def uvicorn_server(app: ASGIApp, config: ServeConfig, log_level: str = "warning") -> uvicorn.Server:
    """The uvicorn server for ``app``; start it with ``run(sockets=[...])``."""
    return uvicorn.Server(
        uvicorn.Config(
            app,
            http=protocol(config),
            log_level=log_level,
            access_log=log_level == "info",
            timeout_keep_alive=5,
            h11_max_incomplete_event_size=64 * 1024,  # request line and headers
        )
    )
