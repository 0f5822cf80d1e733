"""``spinlens watch``: poll feeds and sitemaps, index new articles, alert on altered copies."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import IO

import typer

from spinlens.cli.app import State, command
from spinlens.cli.index import ALLOW_PRIVATE_OPTION, INDEX_OPTION, index_path
from spinlens.cli.signals import interrupt_on_sigterm
from spinlens.document.loaders.url import is_url
from spinlens.errors import PARTIAL_FAILURE_EXIT, InputError, OutputError

INTERRUPTED_EXIT = 130  # 128 + SIGINT, as shells report a Ctrl-C


@command("watch")
def watch_command(
    urls: list[str] = typer.Argument(..., help="RSS/Atom feed or XML sitemap URLs to poll."),
    every: str = typer.Option("15m", "--every", help="Time between polls: 90s, 15m, 2h, 1d."),
    once: bool = typer.Option(False, "--once", help="Poll once and exit."),
    index: Path | None = INDEX_OPTION,
    alerts: Path | None = typer.Option(
        None, "--alerts", help="Append alerts (JSON lines) to this file. Default: stdout."
    ),
    allow_private: bool = ALLOW_PRIVATE_OPTION,
) -> None:
    """Poll feeds and sitemaps, index each new article, and write an alert (one JSON line)
    for every new article that copies an indexed one with changes: its best source, the
    changes by type and a verdict (substantive_changes or wording_changes).

    Pages are fetched politely (robots.txt, one request per host per second, conditional GET
    of the listings). State is kept in the index, so Ctrl-C stops cleanly (exit 130) and a
    rerun continues where it stopped. With --once, exit 8 when a listing or page failed.
    """
    from spinlens.provenance.crawl import CrawlLimits
    from spinlens.provenance.fetch import PoliteClient
    from spinlens.provenance.store import Store
    from spinlens.provenance.watch import Watcher, parse_every, sleep_until

    for url in urls:
        if not is_url(url):
            raise InputError(f"{url}: watch needs http(s) URLs of feeds or sitemaps")
    interval = parse_every(every)
    settings = State.settings()
    limits = CrawlLimits(max_bytes=settings.limits.max_bytes)

    def report(line: str) -> None:
        typer.echo(f"spinlens: {line}", err=True)

    polls = 0
    try:
        with ExitStack() as stack, interrupt_on_sigterm():
            store = stack.enter_context(Store(index_path(index)))
            client = stack.enter_context(
                PoliteClient(
                    timeout=settings.limits.url_timeout,
                    max_bytes=settings.limits.max_bytes,
                    allow_private=allow_private,
                )
            )
            sink = stack.enter_context(_alert_sink(alerts))
            watcher = Watcher(store, client, sink, limits=limits, on_error=report)
            while True:
                began = time.monotonic()
                stats = watcher.poll(urls)
                polls += 1
                typer.echo(f"poll {polls}: {stats.summary()}", err=True)
                if once:
                    if stats.errors:
                        raise typer.Exit(PARTIAL_FAILURE_EXIT)
                    break
                sleep_until(began + interval)
    except KeyboardInterrupt:
        typer.echo("spinlens: watch stopped; rerun to continue", err=True)
        raise typer.Exit(INTERRUPTED_EXIT) from None


@contextmanager
def _alert_sink(path: Path | None) -> Iterator[IO[str]]:
    if path is None:
        yield sys.stdout
        return
    try:
        handle = path.open("a", encoding="utf-8")
    except OSError as exc:
        raise OutputError(f"{path}: cannot write alerts: {exc.strerror or exc}") from None
    with handle:
        yield handle
