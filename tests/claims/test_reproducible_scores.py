"""Check-worthiness scores do not depend on the process's string-hash seed: the same text gets
the same bits in every run (reports of the same article are byte-identical)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

SENTENCES = [
    "The unemployment rate fell to 3.5 percent in 2019, the lowest in fifty years.",
    "Our opponents voted against the bill that would have cut taxes for 20 million families.",
    "Crime went up by more than 40 percent in the city after the police budget was cut.",
]

SCRIPT = """
import json, sys
from spinlens.analyzers.claims.features import hashed_ngrams
from spinlens.analyzers.claims.model import shipped_model
texts = json.loads(sys.argv[1])
fast = shipped_model("checkworthy-fast")
print(json.dumps({
    "items": [list(hashed_ngrams(t).items()) for t in texts],
    "margin": [float(x).hex() for x in fast.margin(texts)],
}))
"""


def _run(seed: str) -> dict[str, object]:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps(SENTENCES)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    result: dict[str, object] = json.loads(out)
    return result


def test_ngram_features_and_fast_margin_are_the_same_under_any_hash_seed() -> None:
    first = _run("1")
    for seed in ("2", "3"):
        assert _run(seed) == first
