"""``spinlens index add|stats|remove``: the provenance index."""

from __future__ import annotations

import json
import os
from contextlib import closing
from pathlib import Path

import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from spinlens.cli.app import State, app, command
from spinlens.document.loaders.url import is_url
from spinlens.document.loaders.warc import MIN_WORDS
from spinlens.errors import PARTIAL_FAILURE_EXIT, InputError
from spinlens.provenance.crawl import Crawler, CrawlLimits
from spinlens.provenance.ingest import ingest
from spinlens.provenance.inputs import iter_inputs
from spinlens.provenance.paraphrase import embed_missing
from spinlens.provenance.reader import open_index
from spinlens.provenance.shingles import FORMAT
from spinlens.provenance.sources import uses_paraphrase
from spinlens.provenance.store import Store

index_app = typer.Typer(
    help="Build the provenance index that 'spinlens trace' and the provenance analyzer search.",
    no_args_is_help=True,
)
app.add_typer(index_app, name="index")

INDEX_OPTION = typer.Option(
    None, "--index", help="Index file (SQLite). Default: paths.index in the configuration."
)


ALLOW_PRIVATE_OPTION = typer.Option(
    False,
    "--allow-private",
    help="Let URL fetches reach private, loopback and link-local addresses (refused by default).",
)


DEFAULT_WORKERS = min(4, os.cpu_count() or 1)


def index_path(index: Path | None) -> Path:
    return index or State.settings().paths.index


@command("add", parent=index_app)
def add(
    paths: list[str] = typer.Argument(
        ...,
        help="JSONL/JSON records {id, url, title, text|html, date}, CSV, .txt/.html, WARC or "
        "WARC.gz archives, RSS/Atom feeds, XML sitemaps, folders, or http(s) URLs of pages, "
        "feeds, sitemaps and archives.",
    ),
    index: Path | None = INDEX_OPTION,
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
    allow_private: bool = ALLOW_PRIVATE_OPTION,
    min_words: int = typer.Option(
        MIN_WORDS,
        "--min-words",
        min=1,
        help="Archive, feed and sitemap pages with fewer words of main text are skipped.",
    ),
    workers: int = typer.Option(
        DEFAULT_WORKERS,
        "--workers",
        min=1,
        help="Processes computing lookup keys (started only for inputs over 2,000 documents).",
    ),
    paraphrase: bool = typer.Option(
        False,
        "--paraphrase",
        help="Also store sentence vectors (MiniLM) so rewritten copies find their source "
        "(about 3 ms CPU per sentence; kept on for later adds to an index that has them).",
    ),
) -> None:
    """Add documents to the index; rerunning skips what is already in (same content, or a
    listed page's URL).

    Feeds and sitemaps are followed to their article pages, fetched politely (robots.txt,
    one request per host per second). Records that are not articles (not HTML, too short,
    no main text) and pages already indexed are skipped and counted.
    """
    settings = State.settings()
    for raw in paths:
        if not is_url(raw) and not Path(raw).exists():
            raise InputError(f"{raw}: no such file or directory")
    with (
        Store(index_path(index)) as store,
        closing(
            Crawler(
                limits=CrawlLimits(max_bytes=settings.limits.max_bytes, min_words=min_words),
                known=store.has_url,
                allow_private=allow_private,
                timeout=settings.limits.url_timeout,
            )
        ) as crawler,
        Progress(
            SpinnerColumn(),
            TextColumn("indexing"),
            BarColumn(),
            TextColumn("{task.completed} documents"),
            TimeElapsedColumn(),
            disable=quiet,
            transient=True,
        ) as progress,
    ):
        task = progress.add_task("index", total=None)
        stats = ingest(
            store,
            iter_inputs(paths, settings.limits.max_bytes, crawler=crawler),
            on_item=lambda: progress.advance(task),
            workers=workers,
        )
        if paraphrase or uses_paraphrase(store):
            embedded = embed_missing(store, on_doc=lambda: progress.advance(task))
            stats_note = f", sentence vectors for {embedded} documents"
        else:
            stats_note = ""
    for error in stats.errors[:20]:
        typer.echo(f"spinlens: skipped {error}", err=True)
    typer.echo(f"{stats.summary()}{stats_note} (index: {index_path(index)})")
    if stats.errors:
        raise typer.Exit(PARTIAL_FAILURE_EXIT)


@command("upgrade", parent=index_app)
def upgrade(index: Path | None = INDEX_OPTION) -> None:
    """Bring an index built by an older spinlens to the current format: every document's
    lookup keys are recomputed from its stored text, in one transaction."""
    with Store(index_path(index), create=False, upgrade=True) as store:
        if store.format == FORMAT:
            typer.echo(f"index format {FORMAT} already (index: {store.path})")
            return
        done = store.upgrade()
    typer.echo(f"upgraded {done} documents to index format {FORMAT} (index: {store.path})")


@command("stats", parent=index_app)
def stats(
    index: Path | None = INDEX_OPTION,
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """How many documents and lookup rows the index holds, and its size on disk (a SQLite
    file, or a folder built by 'index build --engine spark')."""
    with open_index(index_path(index)) as store:
        info = store.stats()
    if as_json:
        typer.echo(json.dumps(info, indent=2))
        return
    for key, value in info.items():
        typer.echo(f"{key}: {value}")


@command("remove", parent=index_app)
def remove(
    doc_ids: list[str] = typer.Argument(..., help="Document ids to remove."),
    index: Path | None = INDEX_OPTION,
) -> None:
    """Remove documents (and their lookup keys) by id."""
    with Store(index_path(index), create=False) as store:
        missing = [d for d in doc_ids if not store.remove(d)]
    if missing:
        raise InputError(f"not in the index: {', '.join(missing)}")
    typer.echo(f"removed {len(doc_ids)}")


@command("build", parent=index_app)
def build(
    paths: list[str] = typer.Argument(
        ..., help="JSONL/JSON records, CSV, .txt/.html, WARC, feeds, sitemaps, folders, URLs."
    ),
    out: Path = typer.Option(..., "--out", help="New folder for the Parquet index."),
    engine: str = typer.Option("spark", "--engine", help="spark (the only engine for now)."),
    master: str = typer.Option(
        "local[*]", "--master", help="Spark master: local[N] or a cluster URL."
    ),
    buckets: int = typer.Option(
        64, "--buckets", min=1, help="Hash partitions of each lookup table (see docs)."
    ),
) -> None:
    """Build the index as partitioned Parquet on Spark: the same keys as 'index add', for
    corpora past one machine. Point paths.index (or --index) at OUT to search it."""
    from spinlens.provenance.parquet_build import build_index

    if engine != "spark":
        raise InputError(f"unknown engine '{engine}' (index build runs on spark)")
    settings = State.settings()
    result = build_index(
        paths, out, master=master, buckets=buckets, max_bytes=settings.limits.max_bytes
    )
    for error in result.errors:
        typer.echo(f"spinlens: skipped {error}", err=True)
    typer.echo(f"{result.summary()} (index: {out})")
    if result.bad:
        raise typer.Exit(PARTIAL_FAILURE_EXIT)
