"""Rewritten copies: the sentence-embedding candidate path and ``paraphrased`` changes."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from spinlens.provenance import paraphrase
from spinlens.provenance.candidates import find_sources
from spinlens.provenance.entries import prepare
from spinlens.provenance.sources import rank_sources
from spinlens.provenance.store import Store
from spinlens.provenance.trace import trace
from tests.conftest import shared_dataset

SOURCE = (
    "The city council approved a new budget on Tuesday after a long debate. "
    "Officials said the plan adds funding for public schools and road repairs. "
    "The mayor is expected to sign the budget next week."
)
REWORDED = (
    "According to officials, the plan gives more money to public schools and to fixing roads."
)
COPY = (
    "The city council approved a new budget on Tuesday after a long debate. "
    f"{REWORDED} "
    "Critics called the vote a disgrace to every taxpayer in the region."
)
OTHER = "Football season opened with a win for the home team and a crowd of fans cheering loudly."
# Every sentence reworded: no five words in a row shared with SOURCE.
REWRITTEN = (
    "After hours of argument, city lawmakers passed a fresh spending plan this Tuesday. "
    "More money will go to local schools and to fixing streets, according to officials. "
    "Next week the mayor should put his signature on it."
)


def _store(tmp_path: Path, vectors: bool = True) -> Store:
    store = Store(tmp_path / "index.db")
    store.add([prepare("src", SOURCE, store.params), prepare("other", OTHER, store.params)])
    if vectors:
        paraphrase.embed_missing(store)
    return store


def test_reworded_sentence_is_one_paraphrased_change_with_its_source_sentence(
    tmp_path: Path,
) -> None:
    with _store(tmp_path) as store:
        result = trace(store, COPY, check_quotes=False)
    assert result["best_source"] == "src"
    para = [m for m in result["mutations"] if m["type"] == "paraphrased"]
    assert len(para) == 1
    assert para[0]["text"] == REWORDED
    assert para[0]["source_text"] == (
        "Officials said the plan adds funding for public schools and road repairs."
    )
    assert para[0]["op"] == "substituted" and para[0]["level"] == "sentence"
    # no other change reaches into the reworded sentence or the source sentence it rewords
    mine = (COPY.index(REWORDED), COPY.index(REWORDED) + len(REWORDED))
    theirs = (para[0]["source_start"], para[0]["source_end"])
    for m in result["mutations"]:
        if m is para[0]:
            continue
        assert m["end"] <= mine[0] or m["start"] >= mine[1] or m["start"] == m["end"], m
        assert m["source_end"] <= theirs[0] or m["source_start"] >= theirs[1], m


def test_without_vectors_the_same_sentence_is_not_paraphrased(tmp_path: Path) -> None:
    with _store(tmp_path, vectors=False) as store:
        result = trace(store, COPY, check_quotes=False)
        assert rank_sources(store, COPY) == find_sources(store, COPY)
    assert all(m["type"] != "paraphrased" for m in result["mutations"])
    assert result["sources"][0].get("paraphrase") is None


def test_a_fully_rewritten_copy_finds_its_source_only_by_meaning(tmp_path: Path) -> None:
    with _store(tmp_path) as store:
        assert not find_sources(store, REWRITTEN)
        ranked = rank_sources(store, REWRITTEN)
    assert ranked[0].doc.id == "src"
    assert ranked[0].paraphrase is not None and ranked[0].paraphrase > 0.5


def test_embedding_twice_adds_no_rows_and_a_replaced_document_is_re_embedded(
    tmp_path: Path,
) -> None:
    with _store(tmp_path) as store:
        rows = store.conn.execute("SELECT COUNT(*) FROM sentence_vectors").fetchone()[0]
        assert paraphrase.embed_missing(store) == 0
        again = store.conn.execute("SELECT COUNT(*) FROM sentence_vectors").fetchone()[0]
        assert again == rows == 4  # three source sentences, one of the other document
        store.add([prepare("other", REWRITTEN + " " + OTHER, store.params)])  # same id, new text
        assert paraphrase.embed_missing(store) == 1
        count = store.conn.execute("SELECT COUNT(*) FROM sentence_vectors").fetchone()[0]
    assert count == 3 + 4


def _amt_rank1(limit: int | None) -> float:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    from provenance_paraphrase import build, pairs, rank1

    data = shared_dataset("fakenews-amt-celebrity-perezrosas2018").parent
    items = pairs(data, limit)
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        store, _ = build(Path(tmp) / "amt.db", items)
        ids = {d.id for d in store.iter_docs()}
        _, merged, n = rank1(store, items, ids)
        store.close()
    return merged / n


def test_fakenews_amt_fakes_find_their_legit_article_first_small() -> None:
    """30 pairs: the cheap version of the full figure (bench/provenance_paraphrase.py)."""
    assert _amt_rank1(30) >= 0.75


@pytest.mark.slow
def test_fakenews_amt_fakes_find_their_legit_article_first_all() -> None:
    assert _amt_rank1(None) >= 0.75


def test_index_add_paraphrase_stores_vectors_once(tmp_path: Path) -> None:
    from tests.core.cli_runner import run_cli

    source = tmp_path / "source.txt"
    source.write_text(SOURCE, encoding="utf-8")
    index = tmp_path / "index.db"
    args = ["index", "add", str(source), "--index", str(index), "--paraphrase", "-q"]
    first = run_cli(*args)
    assert first.exit_code == 0, first.stderr
    assert "sentence vectors for 1 documents" in first.stdout
    again = run_cli(*args)
    assert "sentence vectors for 0 documents" in again.stdout
    with Store(index) as store:
        assert rank_sources(store, REWRITTEN)[0].doc.id == "source"


def test_the_analyzer_finds_a_rewritten_source_and_marks_the_reworded_sentence(
    tmp_path: Path,
) -> None:
    from spinlens.config import Settings
    from spinlens.document import Document
    from spinlens.pipeline import Pipeline

    with _store(tmp_path):
        pass
    settings = Settings.model_validate({"paths": {"index": str(tmp_path / "index.db")}})
    pipeline = Pipeline(["quotes", "provenance"], settings=settings, raise_errors=True)
    report = pipeline.run(Document.from_text(COPY, language="en"))
    assert report.data["provenance"]["best_source"] == "src"
    found = [f for f in report.findings if f.label == "paraphrased"]
    assert [f.text for f in found] == [REWORDED]


def test_one_sentence_on_the_same_topic_is_not_offered_as_a_source(tmp_path: Path) -> None:
    """An article whose source is not indexed is not handed a stranger that shares a topic
    in one sentence (the meaning-only floor)."""
    unrelated = (
        "The council met on Tuesday to talk about the city budget. "
        "Scientists found water ice in a crater near the lunar south pole. "
        "The new phone has a larger screen and a faster chip than last year's model. "
        "A storm is expected to bring heavy snow to the mountains this weekend."
    )
    with _store(tmp_path) as store:
        found = paraphrase.find_paraphrased(store, unrelated)
        assert found and found[0].doc.id == "src"  # the likeness exists, but it is weak
        assert rank_sources(store, unrelated) == []
