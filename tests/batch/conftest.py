"""Small corpora written for the batch tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import SEED

ARTICLES = [
    'The minister said "we will not raise taxes" on Monday. Critics called it a lie.',
    "Floods hit the coast. Officials said 40 people were evacuated from the town.",
    'A "so-called expert" claimed the vaccine was unsafe. Doctors disagreed strongly.',
    "The council approved the budget after a long debate. The vote was 7 to 2.",
    "Shares rose 3 percent. Analysts expect further gains, according to a bank report.",
]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """Six good records (one without an id) and two bad ones, as JSONL."""
    path = tmp_path / "in.jsonl"
    lines = [json.dumps({"id": f"a{i}", "text": text}) for i, text in enumerate(ARTICLES)]
    lines.append(json.dumps({"text": SEED.read_text(encoding="utf-8"), "title": "seed"}))
    lines.insert(2, "{not json")
    lines.append(json.dumps({"id": "empty", "text": "   "}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
