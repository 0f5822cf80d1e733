"""What hostile clients cost the server: memory under unauthenticated uploads, and how long
slow clients and a trickling URL hold it.

    python bench/serve_limits.py [--uploads 60] [--mb 5.99] [--slow 300] [--client-timeout 10]

Starts ``spinlens serve --only quotes --token T`` in a subprocess and prints:

1. its resident memory (VmRSS, sampled every 10 ms) before and at its peak while
   ``--uploads`` clients at once each send a ``--mb`` MB body to /api/v1/analyze without
   the token (each answered 401 after its body is drained and dropped);
2. how many of ``--slow`` connections that trickle their headers, or stall in their body,
   the server closed, and after how many seconds (``--client-timeout``);
3. how long a URL analysis of a page trickling one byte a second took to be abandoned
   (``limits.url_timeout``, 15 s by default), with ``--allow-private-urls``.

With ``--cancel-words N`` it instead starts the full default pipeline with ``--workers 1
--timeout 3``, sends one text of N words, and prints when the 504 came and when the worker
was free again (the analysis stopped at its deadline check).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

TOKEN = "bench-token"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_server(
    port: int, extra: list[str], only: tuple[str, ...] | list[str] = ("quotes",)
) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "spinlens", "serve", "--port", str(port)]
    command += [arg for name in only for arg in ("--only", name)]
    server = subprocess.Popen([*command, *extra], stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("the server did not start within 300 s")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def unauthenticated_uploads(port: int, pid: int, uploads: int, mb: float) -> None:
    body = b'{"text": "' + b"x" * int(mb * 1e6 - 12) + b'"}'
    statuses: list[object] = []

    def upload() -> None:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/analyze",
            data=body,
            headers={"content-type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                statuses.append(response.status)
        except urllib.error.HTTPError as error:
            statuses.append(error.code)
        except OSError as error:
            statuses.append(type(error).__name__)

    before = peak = rss_mb(pid)
    threads = [threading.Thread(target=upload) for _ in range(uploads)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    while any(t.is_alive() for t in threads):
        peak = max(peak, rss_mb(pid))
        time.sleep(0.01)
    took = time.monotonic() - began
    counts = {s: statuses.count(s) for s in set(statuses)}
    print(
        f"{uploads} unauthenticated uploads of {mb:g} MB at once: server RSS {before:.0f} MB "
        f"before, {peak:.0f} MB at peak (+{peak - before:.0f} MB); {took:.1f} s; {counts}"
    )


def slow_clients(port: int, count: int, timeout: float) -> None:
    head = b"POST /api/v1/analyze HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5000\r\n"
    socks = []
    for i in range(count):
        sock = socket.create_connection(("127.0.0.1", port))
        # Half send part of their headers; half send all headers and stall in the body.
        sock.sendall(head[:20] if i % 2 else head + b"\r\n" + b'{"text": "')
        socks.append(sock)
    began = time.monotonic()
    closed_at: list[float] = []
    for sock in socks:
        sock.settimeout(max(0.1, began + timeout * 3 - time.monotonic()))
        try:
            while sock.recv(4096):
                pass
            closed_at.append(time.monotonic() - began)
        except OSError:
            pass
        sock.close()
    last = max(closed_at) if closed_at else float("nan")
    print(
        f"{count} slow connections (headers trickled or body stalled): {len(closed_at)} closed "
        f"by the server, the last after {last:.1f} s (--client-timeout {timeout:g})"
    )


class Trickle(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", "100000")
        self.end_headers()
        try:
            for _ in range(100_000):
                self.wfile.write(b"a")
                self.wfile.flush()
                time.sleep(1)
        except OSError:
            pass

    def log_message(self, *args: object) -> None:
        pass


def trickling_url(port: int) -> None:
    site = ThreadingHTTPServer(("127.0.0.1", 0), Trickle)
    site.daemon_threads = True
    threading.Thread(target=site.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{site.server_address[1]}/story"
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/analyze",
        data=f'{{"url": "{url}"}}'.encode(),
        headers={"content-type": "application/json", "authorization": f"Bearer {TOKEN}"},
    )
    began = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=300) as response:
            status: object = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    print(f"a URL trickling 1 byte/s: answered {status} after {time.monotonic() - began:.1f} s")
    site.shutdown()


def cancelled_analysis(words: int) -> None:
    port = free_port()
    server = start_server(port, ["--workers", "1", "--timeout", "3"], only=[])
    text = " ".join(["The minister said the plan would fail badly."] * (words // 8))
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/analyze",
        data=f'{{"text": "{text}"}}'.encode(),
        headers={"content-type": "application/json"},
    )
    try:
        began = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=600) as response:
                status: object = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        answered = time.monotonic() - began
        busy = 1
        while busy:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as health:
                busy = int(json.loads(health.read())["busy"])
            time.sleep(0.05)
        freed = time.monotonic() - began
        print(
            f"{words} words, full pipeline, --timeout 3: answered {status} after {answered:.1f} s,"
            f" worker free after {freed:.1f} s"
        )
    finally:
        server.terminate()
        server.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--uploads", type=int, default=60)
    parser.add_argument("--mb", type=float, default=5.99)
    parser.add_argument("--slow", type=int, default=300)
    parser.add_argument("--client-timeout", type=float, default=10.0)
    parser.add_argument("--cancel-words", type=int, default=0)
    args = parser.parse_args()
    if args.cancel_words:
        cancelled_analysis(args.cancel_words)
        return
    port = free_port()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    extra = ["--token", TOKEN, "--allow-private-urls", "--max-connections", "1000"]
    server = start_server(port, [*extra, "--client-timeout", str(args.client_timeout)])
    try:
        unauthenticated_uploads(port, server.pid, args.uploads, args.mb)
        slow_clients(port, args.slow, args.client_timeout)
        trickling_url(port)
    finally:
        server.terminate()
        server.wait(30)


if __name__ == "__main__":
    main()
