"""One total deadline per URL fetch (connect + headers + body), in the CLI and the server.

The per-read timeout never fired on a page trickling a byte at a time: such a page held a
server worker for as long as it liked. A loopback server trickles here, a byte every 50 ms
for 30 s, well inside any per-read timeout.
"""

from __future__ import annotations

import socket
import ssl
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from spinlens.config import Settings
from spinlens.deadline import Deadline, deadline_scope
from spinlens.document.loaders.guard import fetch_document
from spinlens.document.loaders.url import describe, fetch_bytes
from spinlens.errors import FetchError
from spinlens.pipeline import Pipeline
from spinlens.serve import ServeConfig, create_app
from tests.serve.conftest import LOCAL

PAGE = (
    b"<html><body><article><p>"
    + b"The minister said a word. " * 24
    + b"</p></article></body></html>"
)


class Trickle(BaseHTTPRequestHandler):
    """``/body``: headers at once, then the page a byte at a time; ``/head``: the status line
    and headers a byte at a time. Counts the connections the client dropped."""

    dropped = 0

    def do_GET(self) -> None:
        head = (
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
            + f"Content-Length: {len(PAGE)}\r\n\r\n".encode()
        )
        try:
            if self.path == "/head":
                self._slowly(head + PAGE)
            else:
                self.wfile.write(head)
                self.wfile.flush()
                self._slowly(PAGE)
        except OSError:
            Trickle.dropped += 1

    def _slowly(self, data: bytes) -> None:
        for i in range(len(data)):
            self.wfile.write(data[i : i + 1])
            self.wfile.flush()
            time.sleep(0.05)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def trickling() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Trickle)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Trickle.dropped = 0
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def _dropped(count: int) -> bool:
    """Whether the trickling server saw ``count`` connections dropped (its next write fails)."""
    deadline = time.monotonic() + 10
    while Trickle.dropped < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return Trickle.dropped >= count


@pytest.mark.parametrize("path", ["/body", "/head"])
def test_the_cli_fetch_is_abandoned_at_its_deadline(trickling: str, path: str) -> None:
    with pytest.raises(FetchError, match=r"timed out after 1 s \(the whole fetch\)"):
        fetch_bytes(trickling + path, timeout=1.0)
    assert _dropped(1), "the connection was closed, not left to the trickling server"


def test_a_trickling_https_page_is_abandoned_at_its_deadline(
    localhost_cert: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Over TLS the socket the watchdog cuts is the TLS one (the plain one is detached)."""
    cert, key = localhost_cert
    server = ThreadingHTTPServer(("127.0.0.1", 0), Trickle)
    server.daemon_threads = True
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        monkeypatch.delenv(name, raising=False)
    Trickle.dropped = 0
    try:
        with pytest.raises(FetchError, match="timed out"):
            fetch_bytes(f"https://localhost:{server.server_address[1]}/head", timeout=1.0)
        assert _dropped(1)
    finally:
        server.shutdown()


def test_the_server_fetch_is_abandoned_at_its_deadline(trickling: str) -> None:
    with pytest.raises(FetchError, match="timed out"):
        fetch_document(trickling + "/body", timeout=1.0, max_bytes=100_000, allow_private=True)


def test_a_fetch_stops_at_the_request_deadline_when_that_comes_first(trickling: str) -> None:
    with pytest.raises(FetchError, match=r"timed out after 0\.5 s"), deadline_scope(Deadline(0.5)):
        fetch_bytes(trickling + "/body", timeout=15.0)


def test_the_api_answers_a_trickling_url_with_a_fetch_error(trickling: str) -> None:
    settings = Settings.model_validate({"limits": {"url_timeout": 1.0}})
    app = create_app(
        settings,
        ServeConfig(allow_private_urls=True, timeout=20),
        Pipeline(["quotes"], settings=settings),
    )
    with TestClient(app, base_url=LOCAL) as client:
        response = client.post("/api/v1/analyze", json={"url": trickling + "/body"})
        assert response.status_code == 502
        assert response.json()["error"]["code"] == "E200"
        assert "timed out" in response.json()["error"]["message"]
        assert client.get("/healthz").json()["busy"] == 0


def test_offline_is_suggested_only_for_network_failures() -> None:
    with socket.socket() as free:  # a port nothing listens on: the connection is refused
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    with pytest.raises(FetchError) as refused:
        fetch_bytes(f"http://127.0.0.1:{port}/", timeout=5)
    assert "refused" in str(refused.value).lower()
    assert "offline" not in str(refused.value)
    no_dns = OSError("[Errno -3] Temporary failure in name resolution")
    no_dns.__cause__ = socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
    assert describe(no_dns).endswith("are you offline?")
    unreachable = OSError(101, "Network is unreachable")
    assert describe(unreachable).endswith("are you offline?")
