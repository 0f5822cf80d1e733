"""Cost of one long text: is every analyzer linear in the text's length?

    python bench/long_text.py [--words 20000 40000 80000] [--kind news|words] [--one-line]
                              [--only NAME]

Builds texts of the given lengths (``news``: the seed article's paragraphs with their numbers
and names varied, so the text reads like a long article; ``words``: sentences of simple words
drawn with a fixed seed), warms the pipeline up on a short text, then times
``spinlens.analyze`` once per length in this one process. Prints seconds per length, seconds
per 10k words, each analyzer's own seconds and the ratio of the longest to the shortest text
(linear: the ratio of the lengths, 4 for 20k -> 80k; the target is at most 5). CPU seconds
are printed too: on a shared machine they vary less than wall time (run with
OMP_NUM_THREADS=1 SPINLENS_THREADS=1 so that both count the same work).
Figures, not assertions: see docs/propaganda.md ("Long texts").
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

import spinlens
from spinlens.document.loaders import document_from_text

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "seed-article.txt"
SIMPLE = [
    "the",
    "a",
    "people",
    "city",
    "council",
    "said",
    "new",
    "plan",
    "water",
    "school",
    "road",
    "money",
    "week",
    "year",
    "report",
    "minister",
    "police",
    "state",
    "group",
    "workers",
    "price",
    "market",
    "vote",
    "law",
    "court",
    "public",
    "health",
    "house",
    "will",
    "would",
    "could",
    "not",
    "never",
    "always",
    "more",
    "less",
    "big",
    "small",
    "good",
    "bad",
    "old",
    "young",
    "many",
    "few",
]


def news_text(n_words: int) -> str:
    """Paragraphs of the seed article, each copy with different numbers, until ``n_words``."""
    paragraphs = [p.strip() for p in SEED.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    rng = random.Random(7)
    out: list[str] = []
    count = 0
    while count < n_words:
        for p in paragraphs:
            words = [
                str(rng.randint(2, 990)) if w.isdigit() else w
                for w in p.replace("\n", " ").split(" ")
            ]
            out.append(" ".join(words))
            count += len(words)
            if count >= n_words:
                break
    return "\n\n".join(out)


def simple_text(n_words: int) -> str:
    """Sentences of 8-20 simple words, one paragraph per 8 sentences."""
    rng = random.Random(7)
    sentences: list[str] = []
    count = 0
    while count < n_words:
        k = rng.randint(8, 20)
        words = [rng.choice(SIMPLE) for _ in range(k)]
        sentences.append(" ".join(words).capitalize() + ".")
        count += k
    paragraphs = [" ".join(sentences[i : i + 8]) for i in range(0, len(sentences), 8)]
    return "\n\n".join(paragraphs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, nargs="+", default=[20_000, 40_000, 80_000])
    parser.add_argument("--kind", choices=("news", "words"), default="news")
    parser.add_argument("--only", action="append", help="analyzers (default: the full pipeline)")
    parser.add_argument(
        "--one-line", action="store_true", help="no line breaks (per-line work then sees it all)"
    )
    args = parser.parse_args()
    kind = news_text if args.kind == "news" else simple_text

    def make(n: int) -> str:
        text = kind(n)
        return " ".join(text.split("\n")) if args.one_line else text

    spinlens.analyze(make(2_000), analyzers=args.only)  # warm-up: models load, caches fill
    totals: list[float] = []
    cpu: list[float] = []
    shape = f"{args.kind}{' (one line)' if args.one_line else ''}"
    print(f"kind: {shape}; analyzers: {', '.join(args.only or ['default pipeline'])}")
    for n in args.words:
        text = make(n)
        t0, c0 = time.perf_counter(), time.process_time()
        doc = document_from_text(text)
        parse = time.perf_counter() - t0
        report = spinlens.analyze(doc, analyzers=args.only)
        took = time.perf_counter() - t0
        totals.append(took)
        cpu.append(time.process_time() - c0)
        words = len(text.split())
        per = ", ".join(f"{r.name} {r.seconds:.2f}" for r in report.analyzers)
        print(
            f"{words:>7} words: {took:7.2f} s, CPU {cpu[-1]:7.2f} s "
            f"({10_000 * took / words:.2f} s per 10k words; "
            f"parsing + segmentation {parse:.2f}; {per}; {len(report.findings)} findings)"
        )
    if len(totals) > 1:
        ratio, cpu_ratio = totals[-1] / totals[0], cpu[-1] / cpu[0]
        lengths = args.words[-1] / args.words[0]
        print(
            f"ratio longest/shortest: {ratio:.2f} wall, {cpu_ratio:.2f} CPU "
            f"(lengths {lengths:.0f}x; target <= 5 for 4x)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
