"""Shared builders for provenance tests: the demo corpus and small stores."""

from __future__ import annotations

import json
from pathlib import Path

from spinlens.provenance.ingest import prepare
from spinlens.provenance.store import Store
from tests.conftest import ROOT

CORPUS = ROOT / "examples" / "corpus"


def wire_record() -> dict[str, str]:
    line = (CORPUS / "wire.jsonl").read_text(encoding="utf-8").splitlines()[0]
    record: dict[str, str] = json.loads(line)
    return record


def distractors() -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))}


def store_with(path: Path, docs: dict[str, str]) -> Store:
    store = Store(path)
    store.add([prepare(doc_id, text, store.params) for doc_id, text in docs.items()])
    return store
