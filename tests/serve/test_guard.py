"""URL fetching from the server: internal addresses are refused, redirects included."""

from __future__ import annotations

import ipaddress
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from fastapi.testclient import TestClient

from spinlens.serve import guard
from spinlens.serve.guard import BlockedAddressError, check_url, fetch_document
from tests.serve.conftest import LOCAL, make_app

ARTICLE = (
    "<html><head><title>Local story</title></head><body><article><h1>Local story</h1>"
    '<p>The minister said "we will build homes" on Friday in the capital city.</p>'
    "<p>Opposition leaders were not convinced by the plan at all.</p></article></body></html>"
)


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/hop":
            self.send_response(302)
            self.send_header("Location", "http://10.255.255.1/metadata")
            self.end_headers()
            return
        body = ARTICLE.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def local_site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://localhost:8765/api",
        "http://169.254.169.254/latest/meta-data",
        "http://10.0.0.1/",
        "http://192.168.1.1/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://2130706433/",
        "http://0.0.0.0/",
    ],
)
def test_internal_addresses_are_refused(url: str) -> None:
    with pytest.raises(BlockedAddressError):
        check_url(url)


def test_the_api_refuses_internal_urls_with_403(local_site: str) -> None:
    with TestClient(make_app(), base_url=LOCAL) as client:
        response = client.post("/api/v1/analyze", json={"url": local_site + "/story"})
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "E106"
        ftp = client.post("/api/v1/analyze", json={"url": "ftp://example.org/x"})
        assert ftp.status_code == 422


def test_private_urls_are_fetched_when_allowed(local_site: str) -> None:
    with TestClient(make_app(allow_private_urls=True), base_url=LOCAL) as client:
        response = client.post("/api/v1/analyze", json={"url": local_site + "/story"})
        assert response.status_code == 200
        doc = response.json()["document"]
        assert "we will build homes" in doc["text"]
        assert doc["url"] == local_site + "/story"


def test_a_redirect_to_an_internal_address_is_refused(
    local_site: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Treat loopback as public so the test site is reachable; its redirect to 10/8 must fail
    # before any connection is made.
    ten = ipaddress.ip_network("10.0.0.0/8")
    monkeypatch.setattr(guard, "is_internal", lambda address: address in ten)
    assert (
        "we will build homes"
        in fetch_document(local_site + "/story", timeout=5, max_bytes=100_000).text
    )
    with pytest.raises(BlockedAddressError):
        fetch_document(local_site + "/hop", timeout=5, max_bytes=100_000)
