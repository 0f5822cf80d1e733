"""Corpus reuse: the local engine finds the reused pairs; Spark gives exactly the same ones."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from spinlens.provenance.reuse import ReuseConfig, find_reuse_local
from tests.conftest import SEED
from tests.core.cli_runner import run_cli
from tests.provenance.helpers import distractors, wire_record


def _corpus() -> list[tuple[str, str]]:
    wire = wire_record()["text"]
    paragraphs = [p for p in wire.split("\n\n") if p.strip()]
    others = distractors()
    derived = "\n\n".join([*reversed(paragraphs[4:8]), "A closing line of our own making."])
    quoting = f'The report said "{paragraphs[6]}" and moved on to other news of the day.'
    return [
        ("wire", wire),
        ("seed", SEED.read_text(encoding="utf-8")),
        ("derived", derived),
        ("quoting", quoting),
        *others.items(),
    ]


def _pairs(pairs: list[dict[str, object]]) -> set[tuple[object, object]]:
    return {(p["a"], p["b"]) for p in pairs}


def test_local_engine_finds_copies_partial_reuse_and_quotes() -> None:
    pairs = find_reuse_local(_corpus(), ReuseConfig())
    found = {(p.a, p.b) for p in pairs}
    assert ("seed", "wire") in found
    assert ("derived", "wire") in found
    assert ("quoting", "wire") in found
    assert ("derived", "seed") in found  # the seed also carries those paragraphs
    assert not any("oil-prices" in pair for pair in found)
    quoting = next(p for p in pairs if (p.a, p.b) == ("quoting", "wire"))
    assert quoting.a_in_b > 0.4 and quoting.b_in_a < 0.1


def test_reuse_cli_json(tmp_path: Path) -> None:
    for doc_id, text in _corpus():
        (tmp_path / f"{doc_id}.txt").write_text(text, encoding="utf-8")
    run = run_cli("reuse", str(tmp_path), "--format", "json")
    assert run.exit_code == 0, run.stderr
    out = json.loads(run.stdout)
    assert out["documents"] == 8
    assert ("seed", "wire") in _pairs(out["pairs"])
    bad = run_cli("reuse", str(tmp_path), "--engine", "flink")
    assert bad.exit_code == 5 and "unknown engine" in bad.stderr


@pytest.mark.spark
def test_spark_engine_gives_the_same_pairs() -> None:
    pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        pytest.skip("Spark needs Java")
    from spinlens.provenance.spark import find_reuse_spark

    corpus = _corpus()
    local = [p.as_dict() for p in find_reuse_local(corpus)]
    spark = [p.as_dict() for p in find_reuse_spark(corpus, master="local[1]", partitions=2)]
    assert spark == local
    assert len(local) >= 4
