"""The server as clients meet it: a real uvicorn on loopback, real sockets, common clients.

These cover what the in-process test client cannot: when bytes are read, when connections
are closed, and what a client that sends its whole body first (urllib) gets to read.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn

from spinlens.serve import ServeConfig
from spinlens.serve.server import uvicorn_server
from tests.serve.conftest import make_app

QUOTED = 'The mayor said "the bridge will open in May" at a press event on Tuesday.'


@contextmanager
def live_server(**config: object) -> Iterator[tuple[str, int, uvicorn.Server]]:
    """(base URL, port, server) of the quotes-only app served by uvicorn as ``spinlens serve``
    runs it."""
    app = make_app(**config)
    server = uvicorn_server(app, ServeConfig.model_validate(config))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    port = sock.getsockname()[1]
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "uvicorn did not start"
    try:
        yield f"http://localhost:{port}", port, server
    finally:
        server.should_exit = True
        thread.join(10)
        app.state.service.runner.shutdown()
        sock.close()


def post(url: str, body: bytes, headers: dict[str, str] | None = None) -> tuple[int, dict]:
    """Status and JSON body via urllib, which sends the whole body before reading."""
    request = urllib.request.Request(
        url, data=body, headers={"content-type": "application/json", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_an_oversized_upload_gets_a_413_that_urllib_and_requests_can_read() -> None:
    """The 413 used to come before the body was read, and the close reset the connection:
    urllib, sending its whole body first, saw 'broken pipe' instead of the answer."""
    import requests

    big = b'{"text": "' + b"x" * 60_000_000 + b'"}'
    with live_server() as (base, _, _):
        status, body = post(f"{base}/api/v1/analyze", big)
        assert status == 413 and body["error"]["code"] == "E104"
        answer = requests.post(
            f"{base}/api/v1/analyze", data=big, headers={"content-type": "application/json"}
        )
        assert answer.status_code == 413 and answer.json()["error"]["code"] == "E104"
        assert post(f"{base}/api/v1/analyze", json.dumps({"text": QUOTED}).encode())[0] == 200


def _closed_by_server(sock: socket.socket, trickle: bytes = b"") -> bytes:
    """Everything the server sent until it closed the connection, while ``trickle`` is sent
    a byte at a time. Raises socket.timeout if the server keeps the connection open."""
    sock.settimeout(0.2)
    received = b""
    for byte in trickle:
        try:
            sock.sendall(bytes([byte]))
        except OSError:
            break
        try:
            chunk = sock.recv(4096)
        except TimeoutError:
            continue
        except OSError:
            return received
        if not chunk:
            return received
        received += chunk
    sock.settimeout(20)
    while chunk := sock.recv(4096):
        received += chunk
    return received


def test_slow_clients_are_answered_408_and_disconnected() -> None:
    headers = b"POST /api/v1/analyze HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5000\r\n"
    with live_server(client_timeout=0.5) as (_, port, _):
        # Headers trickled a byte at a time (the deadline is for all of them, not per byte).
        with socket.create_connection(("127.0.0.1", port)) as sock:
            answer = _closed_by_server(sock, headers + b"X-Padding: " + b"a" * 2000)
        assert b" 408 " in answer.split(b"\r\n")[0] and b"E606" in answer
        # A connection that sends nothing at all.
        with socket.create_connection(("127.0.0.1", port)) as sock:
            assert b"E606" in _closed_by_server(sock)
        # Complete headers, then a body that stalls.
        with socket.create_connection(("127.0.0.1", port)) as sock:
            sock.sendall(headers + b"Content-Type: application/json\r\n\r\n" + b'{"text": "')
            answer = _closed_by_server(sock)
        assert b" 408 " in answer.split(b"\r\n")[0]
        assert b'"E606"' in answer and b"connection: close" in answer.lower()


def test_unparsable_requests_get_the_json_error_shape() -> None:
    with live_server() as (_, port, _):
        for request in (b"NOT HTTP AT ALL\r\n\r\n", b"GET / HTTP/1.1\r\nX: " + b"a" * 70_000):
            with socket.create_connection(("127.0.0.1", port)) as sock:
                sock.sendall(request)
                answer = _closed_by_server(sock)
            assert answer.startswith(b"HTTP/1.1 400 "), answer[:80]
            assert json.loads(answer.split(b"\r\n\r\n", 1)[1])["error"]["code"] == "E100"


def test_open_connections_are_bounded() -> None:
    with live_server(max_connections=3, retry_after=4) as (base, port, server):
        idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(3)]
        try:
            deadline = time.monotonic() + 10  # until the server has accepted them
            while len(server.server_state.connections) < 3 and time.monotonic() < deadline:
                time.sleep(0.02)
            status, body = post(f"{base}/api/v1/analyze", json.dumps({"text": QUOTED}).encode())
            assert status == 503 and body["error"]["code"] == "E601"
        finally:
            for sock in idle:
                sock.close()
        deadline = time.monotonic() + 10  # until the server has seen them go
        while server.server_state.connections and time.monotonic() < deadline:
            time.sleep(0.02)
        assert post(f"{base}/api/v1/analyze", json.dumps({"text": QUOTED}).encode())[0] == 200


def _rss_bytes() -> int:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * 4096


def _peak_rss_during(work: Callable[[], None]) -> int:
    """Highest resident memory of this process (server included) while ``work`` runs."""
    peak = _rss_bytes()
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _rss_bytes())
            time.sleep(0.005)

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        work()
    finally:
        done.set()
        sampler.join()
    return peak


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="needs /proc (Linux)")
def test_unauthenticated_uploads_are_not_read_into_memory() -> None:
    """Bodies used to be buffered before the token was checked: 60 such uploads of 6 MB
    raised the server's memory by 465 MB. Now the token comes first and the body is dropped."""
    body = b'{"text": "' + b"x" * 5_000_000 + b'"}'
    statuses: list[int] = []

    def upload(path: str) -> None:
        statuses.append(post(f"{base}{path}", body)[0])

    def uploads() -> None:
        threads = [
            threading.Thread(target=upload, args=(path,))
            for path in ["/api/v1/analyze", "/report"] * 12
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    with live_server(token="s3cret") as (base, _, _):
        uploads()  # warm-up: allocator pools, threads
        statuses.clear()
        before = _rss_bytes()
        peak = _peak_rss_during(uploads)
    assert sorted(set(statuses)) == [401, 403], "refused: no token / no form key"
    grew = (peak - before) / 1e6
    assert grew < 40, f"24 refused 5 MB uploads raised memory by {grew:.0f} MB"
