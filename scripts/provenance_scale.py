"""Scale run of the provenance benchmark: 1,000,000 documents by default.

Prints the same figures as ``bench/provenance.py`` (rank 1, mutation F1 by type, ingest
documents/second, query p50/p95, index size, peak memory). Takes tens of minutes and a few GB
of disk; run it in the background:

    nice python scripts/provenance_scale.py --workers 2 --index /tmp/prov-1m.sqlite
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench" / "provenance.py"


def main() -> None:
    spec = importlib.util.spec_from_file_location("bench_provenance", BENCH)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {BENCH}")
    sys.path.insert(0, str(BENCH.parent))  # bench/provenance.py imports its data builder
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_provenance"] = module  # worker processes unpickle by module name
    spec.loader.exec_module(module)
    module.main(sys.argv[1:], default_docs=1_000_000)


if __name__ == "__main__":
    main()
