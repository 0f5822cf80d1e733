"""Verdict and HTML report speed: per article, on the seed and on long PTC articles.

    python bench/report.py [--limit 50]

Prints the verdict analyzer's median milliseconds per article (signals + reasons, given the
other analyzers' results) and the HTML renderer's median milliseconds and output size, for the
seed article and for the longest PTC articles (``../shared/data/ptc-semeval2020-task11``).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from spinlens.document import Document
from spinlens.pipeline import Pipeline
from spinlens.report.render.html import render_html

ROOT = Path(__file__).resolve().parents[1]
PTC = ROOT.parent / "shared" / "data" / "ptc-semeval2020-task11"
ANALYZERS = ["quotes", "propaganda", "sources", "verdict"]


def texts(limit: int) -> list[tuple[str, str]]:
    seed = ("seed", (ROOT / "examples" / "seed-article.txt").read_text(encoding="utf-8"))
    files = sorted((PTC / "train-articles").glob("article*.txt"), key=lambda p: -p.stat().st_size)
    return [seed, *((p.stem, p.read_text(encoding="utf-8")) for p in files[:limit])]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=50, help="longest PTC articles to use")
    args = parser.parse_args()
    pipeline = Pipeline(ANALYZERS)
    pipeline.initialize()
    verdict_ms, render_ms, sizes, words = [], [], [], []
    for _, text in texts(args.limit):
        report = pipeline.run(Document.from_text(text, language="en"))
        run = next(r for r in report.analyzers if r.name == "verdict")
        verdict_ms.append(run.seconds * 1000)
        began = time.perf_counter()
        html = render_html(report)
        render_ms.append((time.perf_counter() - began) * 1000)
        sizes.append(len(html.encode()))
        words.append(len(text.split()))
    print(
        f"articles: {len(words)} (seed + {len(words) - 1} longest PTC), "
        f"median {statistics.median(words):.0f} words, max {max(words)}"
    )
    print(
        f"verdict analyzer: median {statistics.median(verdict_ms):.1f} ms, "
        f"max {max(verdict_ms):.1f} ms per article"
    )
    print(
        f"HTML render: median {statistics.median(render_ms):.1f} ms, max {max(render_ms):.1f} ms;"
        f" median size {statistics.median(sizes) / 1024:.0f} KiB"
    )


if __name__ == "__main__":
    main()
