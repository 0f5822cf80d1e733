"""URL fetching from the server: internal addresses are refused, redirects included."""

from __future__ import annotations

import ipaddress
import socket
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from spinlens.document.loaders import guard
from spinlens.document.loaders.guard import BlockedAddressError, check_url, fetch_document
from spinlens.errors import FetchError, InputError
from tests.serve.conftest import LOCAL, make_app

ARTICLE = (
    "<html><head><title>Local story</title></head><body><article><h1>Local story</h1>"
    '<p>The minister said "we will build homes" on Friday in the capital city.</p>'
    "<p>Opposition leaders were not convinced by the plan at all.</p></article></body></html>"
)


class Handler(BaseHTTPRequestHandler):
    served = 0

    def do_GET(self) -> None:
        Handler.served += 1
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
        "http://017700000001/",
        "http://0x7f.1/",
        "http://127.1/",
        "http://0.0.0.0/",
        "http://[::]/",
        "http://[fe80::1%25eth0]/",
        "http://[fd00::1]/",
        "http://[::127.0.0.1]/",  # IPv4-compatible
        "http://[64:ff9b::a00:1]/",  # NAT64 of 10.0.0.1
        "http://[64:ff9b:1::1]/",  # local-use NAT64
        "http://[2002:7f00:1::]/",  # 6to4 of 127.0.0.1
        "http://[::ffff:a9fe:a9fe]/",  # mapped 169.254.169.254
        "http://[::ffff:0:7f00:1]/",  # translated (SIIT) 127.0.0.1
        "http://[::ffff:0:10.0.0.1]/",  # translated, dotted
        "http://[::ffff:0:a9fe:a9fe]/",  # translated 169.254.169.254
        "http://example.com@127.0.0.1/",
    ],
)
def test_internal_addresses_are_refused(url: str) -> None:
    with pytest.raises(BlockedAddressError):
        check_url(url)


def test_octal_dotted_addresses_are_refused_as_invalid() -> None:
    """0177.0.0.1 is 127.0.0.1 to inet_aton; httpx rejects the form, so it is never fetched."""
    with pytest.raises(InputError, match="not a valid URL"):
        check_url("http://0177.0.0.1/")
    with TestClient(make_app(), base_url=LOCAL) as client:
        response = client.post("/api/v1/analyze", json={"url": "http://0177.0.0.1/"})
        assert response.status_code == 422


def test_public_addresses_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    for address in ("93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946", "64:ff9b::5db8:d822"):
        check_url(f"http://[{address}]/" if ":" in address else f"http://{address}/")


def test_names_resolving_to_internal_addresses_are_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    answers = {"intranet.example": "10.1.2.3", "metadata.example": "fd00:ec2::254"}

    def resolve(host: str, *_: object, **__: object) -> list[tuple[object, ...]]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answers[host], 0))]

    monkeypatch.setattr(guard.socket, "getaddrinfo", resolve)
    for host in answers:
        with pytest.raises(BlockedAddressError, match=host):
            check_url(f"http://{host}/story")
    with TestClient(make_app(), base_url=LOCAL) as client:
        response = client.post("/api/v1/analyze", json={"url": "http://intranet.example/x"})
        assert response.status_code == 403 and response.json()["error"]["code"] == "E106"


def test_dns_rebinding_between_check_and_connection_is_refused(
    local_site: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A name that resolves to a public address when checked and to loopback when connected."""
    real = guard._addresses
    checks: list[str] = []

    def rebinding(host: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
        checks.append(host)
        if len(checks) <= 2:  # the check before the request and the request hook
            return [ipaddress.ip_address("93.184.216.34")]
        return real(host)

    monkeypatch.setattr(guard, "_addresses", rebinding)
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        monkeypatch.delenv(name, raising=False)
    port = local_site.rsplit(":", 1)[1]
    Handler.served = 0
    with pytest.raises(BlockedAddressError, match="internal address"):
        fetch_document(f"http://localhost:{port}/story", timeout=5, max_bytes=100_000)
    assert Handler.served == 0, "the internal site was reached"
    assert len(checks) == 3, "the connection resolved and checked the name once more"


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


def test_https_through_the_pinned_connection_checks_the_certificate_name(
    localhost_cert: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The connection goes to the checked IP; TLS must still verify the URL's host name."""
    cert, key = localhost_cert
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(guard, "is_internal", lambda address: False)  # let loopback through
    try:
        doc = fetch_document(f"https://localhost:{port}/story", timeout=5, max_bytes=100_000)
        assert "we will build homes" in doc.text
        with pytest.raises(FetchError):  # the certificate names localhost, not the IP
            fetch_document(f"https://127.0.0.1:{port}/story", timeout=5, max_bytes=100_000)
    finally:
        server.shutdown()
