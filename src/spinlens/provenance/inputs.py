"""Read a corpus for the index and ``reuse``: every format the core reader knows, plus web
archives, feeds and sitemaps (files or URLs) and page URLs fetched politely.

The index needs text and metadata only. Segmenting and language detection cost ~150 ms on a
long article (6 documents/second on the 1,254 benchmark articles), so text bodies are read
``light`` (unsegmented); HTML is still extracted exactly as ``analyze`` extracts it.

Web archives are read here record by record (non-article records come back as
``SkippedRecord`` with a reason, counted by the caller); feeds, sitemaps and URLs go through a
:class:`~spinlens.provenance.crawl.Crawler` (robots.txt, one request per host per second,
internal addresses refused unless allowed), which skips pages the index already holds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from spinlens.document.loaders import Limits, Loaded, read_documents
from spinlens.document.loaders.listings import listing_kind
from spinlens.document.loaders.url import is_url
from spinlens.document.loaders.warc import is_warc_path, iter_warc_file, looks_like_warc
from spinlens.errors import InputError
from spinlens.provenance.crawl import Crawler, CrawlLimits, is_listing

LISTING_SUFFIXES = (".rss", ".atom", ".xml", ".xml.gz")  # feeds and sitemaps


def iter_inputs(
    paths: Iterable[str],
    max_bytes: int,
    timeout: float = 15.0,
    *,
    crawler: Crawler | None = None,
) -> Iterator[Loaded]:
    """Every document under the given paths, folders walked in name order; bad ones as errors.

    Without a ``crawler``, a default one is used: internal addresses refused, nothing known.
    """
    own = crawler is None
    crawl = crawler or Crawler(limits=CrawlLimits(max_bytes=max_bytes), timeout=timeout)
    limits = Limits(max_bytes, timeout)
    try:
        for raw in paths:
            path = Path(raw)
            if is_url(raw):
                yield from crawl.read_url(raw)
            elif path.is_dir():
                for child in _walk(path):
                    yield from _iter_file(child, limits, crawl)
            elif path.is_file():
                yield from _iter_file(path, limits, crawl)
            else:
                yield from read_documents([raw], limits, light=True)
    finally:
        if own:
            crawl.close()


def _walk(folder: Path) -> Iterator[Path]:
    """Files under ``folder`` sorted by path, hidden files and folders left out."""
    for child in sorted(p for p in folder.rglob("*") if p.is_file()):
        if not any(part.startswith(".") for part in child.relative_to(folder).parts):
            yield child


def _iter_file(path: Path, limits: Limits, crawl: Crawler) -> Iterator[Loaded]:
    name = path.name.lower()
    if is_warc_path(path) or _sniff(path, looks_like_warc):
        yield from iter_warc_file(
            path, max_bytes=limits.max_bytes, min_words=crawl.limits.min_words
        )
    elif (name.endswith(LISTING_SUFFIXES) and _sniff(path, is_listing)) or _sniff(
        path, lambda head: listing_kind(head) is not None
    ):  # a listing by its content whatever its name, as analyze and batch tell one
        yield from _iter_listing_file(path, crawl)
    else:
        yield from read_documents([str(path)], limits, light=True)


def _iter_listing_file(path: Path, crawl: Crawler) -> Iterator[Loaded]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield Loaded(str(path), error=InputError(f"{path}: cannot read: {exc.strerror or exc}"))
        return
    yield from crawl.read_listing(str(path), data)


def _sniff(path: Path, test: Callable[[bytes], bool]) -> bool:
    try:
        with path.open("rb") as handle:
            return test(handle.read(4096))
    except OSError:
        return False
