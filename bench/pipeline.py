"""Pipeline throughput: parsing + sentences + the shipped analyzers over the PTC articles.

    python bench/pipeline.py [--data ../shared/data/ptc-semeval2020-task11] [--only quotes]

Prints documents/second and peak memory (RSS). Figures, not assertions: see the README.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

from spinlens.document.loaders import load_document
from spinlens.pipeline import Pipeline, select_analyzers

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "ptc-semeval2020-task11"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--only", action="append", help="analyzers to run (default: quotes)")
    parser.add_argument("--all", action="store_true", help="run every default analyzer")
    parser.add_argument("--limit", type=int, default=0, help="at most this many articles")
    args = parser.parse_args()
    files = sorted((args.data / "train-articles").glob("article*.txt"))
    files += sorted((args.data / "dev-articles").glob("article*.txt"))
    if args.limit:
        files = files[: args.limit]
    if not files:
        print(f"no PTC articles under {args.data}", file=sys.stderr)
        return 2
    names = select_analyzers() if args.all else (args.only or ["quotes"])
    pipeline = Pipeline(names)
    pipeline.initialize()
    began = time.perf_counter()
    parse_seconds = findings = 0.0
    for path in files:
        t0 = time.perf_counter()
        doc = load_document(str(path))
        parse_seconds += time.perf_counter() - t0
        findings += len(pipeline.run(doc).findings)
    took = time.perf_counter() - began
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"analyzers        : {', '.join(names)}")
    print(f"documents        : {len(files)}")
    print(f"seconds          : {took:.2f} (parsing + segmentation {parse_seconds:.2f})")
    print(f"documents/second : {len(files) / took:.1f}")
    print(f"findings         : {int(findings)}")
    print(f"peak RSS         : {peak_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
