"""Server latency: p50/p95 of POST /api/v1/analyze under concurrent clients on loopback.

    python bench/serve.py [--clients 8] [--requests 80] [--words 700] [--only quotes ...]

Starts ``spinlens serve`` in a subprocess, sends a ~700-word PTC article from each client in
turn, and prints the latency percentiles and the count of each HTTP status (503s are the
bounded queue refusing work, which the target allows).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "ptc-semeval2020-task11"


def article(data: Path, words: int) -> str:
    """The PTC article whose length is closest to ``words``."""
    files = sorted((data / "train-articles").glob("article*.txt"))
    if not files:
        raise SystemExit(f"no PTC articles under {data}")
    texts = [f.read_text(encoding="utf-8") for f in files]
    return min(texts, key=lambda t: abs(len(t.split()) - words))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_server(port: int, extra: list[str]) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "spinlens", "serve", "--port", str(port), *extra]
    server = subprocess.Popen(command, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.5)
    server.kill()
    raise SystemExit("the server did not start within 180 s")


async def load(
    url: str, body: dict[str, str], clients: int, total: int
) -> tuple[list[float], Counter[int]]:
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    remaining = iter(range(total))

    async def client(http: httpx.AsyncClient) -> None:
        for _ in remaining:
            began = time.perf_counter()
            response = await http.post(url, json=body)
            statuses[response.status_code] += 1
            if response.status_code == 200:
                latencies.append(time.perf_counter() - began)
            elif response.status_code == 503:
                await asyncio.sleep(float(response.headers.get("retry-after", "1")))

    limits = httpx.Limits(max_connections=clients)
    async with httpx.AsyncClient(timeout=120, limits=limits) as http:
        await asyncio.gather(*(client(http) for _ in range(clients)))
    return latencies, statuses


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=80)
    parser.add_argument("--words", type=int, default=700)
    parser.add_argument("--workers", type=int, default=2, help="server --workers")
    parser.add_argument("--queue", type=int, default=16, help="server --queue")
    parser.add_argument("--only", action="append", default=[], help="analyzers to load")
    args = parser.parse_args()
    text = article(args.data, args.words)
    port = free_port()
    extra = ["--workers", str(args.workers), "--queue", str(args.queue)]
    extra += [f"--only={name}" for name in args.only]
    server = start_server(port, extra)
    try:
        url = f"http://127.0.0.1:{port}/api/v1/analyze"
        loaded = httpx.get(f"http://127.0.0.1:{port}/healthz").json()["analyzers"]
        httpx.post(url, json={"text": text}, timeout=120)  # warm-up
        began = time.perf_counter()
        latencies, statuses = asyncio.run(load(url, {"text": text}, args.clients, args.requests))
        took = time.perf_counter() - began
    finally:
        server.terminate()
        server.wait(30)
    print(f"analyzers   : {', '.join(loaded)}")
    print(
        f"article     : {len(text.split())} words; {args.clients} clients, {args.requests} requests"
    )
    print(f"cpus        : {os.cpu_count()}  load average {os.getloadavg()[0]:.1f}")
    print(f"statuses    : {dict(sorted(statuses.items()))}")
    if latencies:
        cuts = statistics.quantiles(latencies, n=20)
        print(f"latency p50 : {1000 * statistics.median(latencies):.0f} ms")
        print(f"latency p95 : {1000 * cuts[18]:.0f} ms")
        print(f"throughput  : {len(latencies) / took:.1f} requests/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
