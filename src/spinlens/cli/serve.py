"""``spinlens serve``: the local page and HTTP API (FastAPI + uvicorn)."""

from __future__ import annotations

import os
import sys

import typer

from spinlens.cli.app import State, command
from spinlens.errors import require
from spinlens.pipeline import load_pipeline

EXAMPLES = """Examples:

  spinlens serve                                  # http://127.0.0.1:8765/, API docs at /docs

  spinlens serve --port 9000 --only quotes --only propaganda

  spinlens serve --host 0.0.0.0 --token "$(openssl rand -hex 16)"

  curl -s localhost:8765/api/v1/analyze -H 'content-type: application/json' -d '{"text": "..."}'"""


@command("serve", epilog=EXAMPLES)
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8765, "--port", min=1, max=65535, help="Port to listen on."),
    token: str | None = typer.Option(
        None,
        "--token",
        envvar="SPINLENS_TOKEN",
        help="Require 'Authorization: Bearer TOKEN' on the API and the form (env SPINLENS_TOKEN).",
    ),
    workers: int = typer.Option(2, "--workers", min=1, max=64, help="Analyses run at once."),
    queue: int = typer.Option(
        16, "--queue", min=0, help="Requests that may wait; beyond that the API answers 503."
    ),
    timeout: float = typer.Option(60.0, "--timeout", min=0.1, help="Seconds per analysis."),
    max_body: int = typer.Option(
        6_000_000, "--max-body", min=1024, help="Largest request body in bytes (413 beyond)."
    ),
    client_timeout: float = typer.Option(
        30.0,
        "--client-timeout",
        min=0.1,
        help="Seconds a client has to send its request headers, and then its body.",
    ),
    max_connections: int = typer.Option(
        64, "--max-connections", min=1, help="Open connections at once (503 beyond)."
    ),
    allow_private_urls: bool = typer.Option(
        False, "--allow-private-urls", help="Let URL fetches reach private/loopback hosts."
    ),
    insecure: bool = typer.Option(
        False, "--insecure", help="Allow listening beyond loopback without a token."
    ),
    allow_host: list[str] = typer.Option(
        [],
        "--allow-host",
        help="Also answer requests for this Host name, e.g. the name a reverse proxy uses "
        "(repeatable; '*' for any). Default: loopback names only when listening on loopback, "
        "any name otherwise (the token guards those).",
    ),
    only: list[str] = typer.Option([], "--only", help="Load only these analyzers (repeatable)."),
    skip: list[str] = typer.Option([], "--skip", help="Do not load these analyzers (repeatable)."),
) -> None:
    """Serve the page at / and the API at /api/v1 (OpenAPI docs at /docs).

    Logs go to stderr; SPINLENS_LOG_LEVEL=info adds an access log line per request.
    """
    require("fastapi", "server")
    require("uvicorn", "server")
    from spinlens.serve.exposure import allowed_hosts, check_exposure, listen, url_host

    warning = check_exposure(host, token, insecure)
    if warning is not None:
        sys.stderr.write(f"spinlens: warning: {warning}\n")

    from spinlens.serve import ServeConfig, create_app
    from spinlens.serve.server import uvicorn_server

    settings = State.settings()
    pipeline = load_pipeline(settings, only=only, skip=skip)  # as analyze: models load later
    sock = listen(host, port)  # before the models load: a busy port fails in a second
    config = ServeConfig(
        token=token or None,
        workers=workers,
        queue=queue,
        timeout=timeout,
        max_body_bytes=max_body,
        client_timeout=client_timeout,
        max_connections=max_connections,
        allow_private_urls=allow_private_urls,
        allowed_hosts=allowed_hosts(host, allow_host),
    )
    sys.stderr.write(f"spinlens: loading {', '.join(pipeline.names)} ...\n")
    app = create_app(settings, config, pipeline)
    sys.stderr.write(f"spinlens: serving on http://{url_host(host)}:{port}/ (API docs at /docs)\n")
    server = uvicorn_server(app, config, os.environ.get("SPINLENS_LOG_LEVEL", "warning"))
    server.run(sockets=[sock])
