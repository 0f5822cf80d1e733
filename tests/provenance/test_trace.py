"""Tracing: the seed's insertions are found and typed; partial reuse and quoting are found."""

from __future__ import annotations

import json
from pathlib import Path

from spinlens.provenance.candidates import find_sources
from spinlens.provenance.trace import trace
from tests.conftest import SEED
from tests.core.cli_runner import run_cli
from tests.provenance.helpers import CORPUS, distractors, store_with, wire_record


def _seed_trace(tmp_path: Path) -> dict[str, object]:
    db = tmp_path / "i.sqlite"
    assert run_cli("index", "add", str(CORPUS), "--index", str(db), "-q").exit_code == 0
    run = run_cli("trace", str(SEED), "--index", str(db), "--format", "json")
    assert run.exit_code == 0, run.stderr
    result: dict[str, object] = json.loads(run.stdout)
    return result


def test_seed_insertions_are_listed_with_their_types(tmp_path: Path, seed_text: str) -> None:
    result = _seed_trace(tmp_path)
    sources = result["sources"]
    assert isinstance(sources, list)
    assert sources[0]["id"] == "wire-isis-soleimani"
    assert {"id", "score", "containment"} <= set(sources[0])
    mutations = result["mutations"]
    assert isinstance(mutations, list)

    def typed(fragment: str) -> tuple[str, str]:
        hits = [m for m in mutations if fragment in m["text"]]
        assert hits, f"no mutation covers {fragment!r}"
        return hits[0]["op"], hits[0]["type"]

    assert typed("Israeli-backed") == ("inserted", "loaded_wording")
    assert typed("Zionist based") == ("inserted", "loaded_wording")
    assert typed("Netanyahu congratulated President Trump") == ("inserted", "quote_added")
    assert typed("the US military has bases all around Iran") == ("inserted", "new_claim")
    assert typed("invited by US officials") == ("inserted", "new_claim")
    source_text = result["source_text"]
    assert isinstance(source_text, str)
    for m in mutations:  # offsets index both texts exactly
        assert seed_text[m["start"] : m["end"]] == m["text"]
        assert source_text[m["source_start"] : m["source_end"]] == m["source_text"]
        assert m["source_id"] == "wire-isis-soleimani"
    # the wire story's own sentences are not reported as changes
    assert not any("drone strike on January 3" in m["text"] for m in mutations)
    aligned = result["aligned"]
    assert isinstance(aligned, list) and aligned
    for block in aligned:
        a = seed_text[block["start"] : block["end"]].lower()
        s = source_text[block["source_start"] : block["source_end"]].lower()
        assert a.split() == s.split() or a.replace("’", "'") == s.replace("’", "'")


def test_seed_fabricated_quote_is_not_found(tmp_path: Path) -> None:
    result = _seed_trace(tmp_path)
    quotes = result["quotes"]
    assert isinstance(quotes, list)
    netanyahu = [q for q in quotes if "oppressing the Iranian people" in q["quote"]]
    assert netanyahu and netanyahu[0]["label"] == "quote_not_found"
    assert "fabrication" in netanyahu[0]["detail"]


def test_partial_reordered_reuse_and_short_quote_find_the_source(tmp_path: Path) -> None:
    wire = wire_record()["text"]
    paragraphs = [p for p in wire.split("\n\n") if p.strip()]
    others = distractors()
    store = store_with(tmp_path / "i.sqlite", {"wire": wire, **others})
    third = paragraphs[len(paragraphs) // 3 : len(paragraphs) // 3 * 2]
    derived = "\n\n".join(
        [others["oil-prices"].split("\n\n")[0], *reversed(third), "An original closing line."]
    )
    partial = find_sources(store, derived)
    assert partial[0].doc.id == "wire"
    assert partial[0].source_containment < 0.5  # only part of the source was reused
    quoting = f'A columnist wrote today that, as the wire put it, "{paragraphs[3]}" Nothing more.'
    short = find_sources(store, quoting)
    assert short[0].doc.id == "wire"
    assert short[0].containment > 0.5 and short[0].source_containment < 0.2
    unrelated = find_sources(store, "Cats sleep most of the day and hunt at dusk in gardens.")
    assert unrelated == []
    store.close()


def test_changes_of_each_word_level_type(tmp_path: Path) -> None:
    source = (
        "The council approved a budget of 40 million dollars on Monday. "
        'Mayor Anna Berg said: "We will build three new schools this year." '
        "According to the finance office, taxes will not rise.\n"
        "The vote passed with a large majority after a short debate in Oslo."
    )
    article = (
        "The council approved a budget of 90 million dollars on Monday. "
        'Mayor Anna Berg said: "We will build two new schools this year." '
        "According to the opposition party, taxes will not rise.\n"
        "The sham vote passed with a large majority after a short debate in Bergen."
    )
    store = store_with(tmp_path / "i.sqlite", {"src": source})
    result = trace(store, article, check_quotes=False)
    kinds = {(m["text"], m["source_text"]): m["type"] for m in result["mutations"]}
    assert kinds[("90", "40")] == "number_changed"
    assert kinds[("two", "three")] == "quote_altered"
    assert kinds[("opposition party", "finance office")] == "attribution_changed"
    assert kinds[("sham", "")] == "loaded_wording"
    assert kinds[("Bergen", "Oslo")] == "entity_changed"
    store.close()


def test_propaganda_spans_mark_loaded_wording(tmp_path: Path) -> None:
    source = "The minister visited the flooded villages on Tuesday and promised new dams."
    article = "The minister visited the flooded villages on Tuesday and promised grand new dams."
    store = store_with(tmp_path / "i.sqlite", {"src": source})
    plain = trace(store, article, check_quotes=False)["mutations"]
    assert [m["type"] for m in plain] == ["inserted_text"]  # "grand" is not in the lexicon
    start = article.index("grand")
    marked = trace(store, article, check_quotes=False, loaded_spans=[(start, start + 5)])
    assert [m["type"] for m in marked["mutations"]] == ["loaded_wording"]
    store.close()
