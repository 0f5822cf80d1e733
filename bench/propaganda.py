"""Speed and memory of the propaganda analyzer alone on the PTC dev articles.

    python bench/propaganda.py [--data ../shared/data/ptc-semeval2020-task11] [--limit N]

Prints articles/second, tokens/second and peak RSS. Threads follow SPINLENS_THREADS (default:
all cores). The first article is run once before timing so model loading is not counted.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

from spinlens.analyzers.propaganda import PropagandaAnalyzer
from spinlens.document import Document
from spinlens.errors import InputError
from spinlens.eval.propaganda_data import read_articles

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared/data/ptc-semeval2020-task11"


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {number}")
    return number


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=_positive, default=None, help="first N dev articles")
    args = parser.parse_args()
    folder = args.data / "dev-articles"
    try:
        articles = list(read_articles(folder).values())[: args.limit]
    except InputError as exc:
        print(f"bench/propaganda.py: error: {exc}", file=sys.stderr)
        return 2
    except (OSError, UnicodeDecodeError) as exc:
        print(f"bench/propaganda.py: error: {folder}: {exc}", file=sys.stderr)
        return 2
    if not articles:
        print(f"bench/propaganda.py: error: no article<ID>.txt under {folder}", file=sys.stderr)
        return 2
    docs = [Document.from_text(text) for text in articles]
    analyzer = PropagandaAnalyzer()
    t0 = time.perf_counter()
    analyzer.initialize()
    analyzer.analyze(docs[0], {})
    load_s = time.perf_counter() - t0
    tagger = analyzer.bundle.tagger if analyzer.bundle else None
    tokens = sum(len(tagger.tokenizer.encode(d.text).ids) for d in docs) if tagger else 0
    t0 = time.perf_counter()
    spans = sum(len(analyzer.analyze(doc, {}).spans) for doc in docs)
    elapsed = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"articles: {len(docs)}  spans: {spans}  load+warm-up: {load_s:.1f} s")
    print(f"articles/s: {len(docs) / elapsed:.2f}  tokens/s: {tokens / elapsed:.0f}")
    print(f"peak RSS: {peak_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
