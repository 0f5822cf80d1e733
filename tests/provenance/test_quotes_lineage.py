"""Quote lookup outcomes, lineage ordering, and the HTML view escaping hostile text."""

from __future__ import annotations

import json
from pathlib import Path

from spinlens.provenance.lineage import Version, lineage_of
from spinlens.provenance.shingles import shingle_set
from spinlens.provenance.trace import trace
from tests.conftest import SEED
from tests.core.cli_runner import run_cli
from tests.provenance.helpers import distractors, store_with, wire_record

SOURCE = (
    "The harbour reopened on Friday after a week of repairs to the main pier.\n"
    'Port director Helen Ambrose said: "We expect the first ferries to sail again by the end '
    'of the month."\n'
    'Councillor Ian Dale said: "The repairs came in under budget and ahead of schedule."\n'
    "Fishermen had been unable to land their catch in the town since the storm."
)


def _labels(article: str, tmp_path: Path) -> dict[str, dict[str, object]]:
    store = store_with(tmp_path / "i.sqlite", {"port": SOURCE, **distractors()})
    result = trace(store, article)
    store.close()
    return {str(q["quote"]): q for q in result["quotes"]}


def test_quote_verified_altered_misattributed_and_missing(tmp_path: Path) -> None:
    article = (
        'Port director Helen Ambrose said: "We expect the first ferries to sail again by the end '
        'of the month."\n'
        'Helen Ambrose said: "We expect the last ferries to sail again by the end of the year."\n'
        'Mayor Tom Reed said: "The repairs came in under budget and ahead of schedule."\n'
        'Mayor Tom Reed said: "Fishermen had been unable to land their catch in the town."\n'
        'Ambrose said: "The storm was sent to punish the council for its lies."'
    )
    quotes = _labels(article, tmp_path)
    verified = quotes["We expect the first ferries to sail again by the end of the month."]
    assert verified["label"] == "quote_verified" and verified["source_id"] == "port"
    altered = quotes["We expect the last ferries to sail again by the end of the year."]
    assert altered["label"] == "quote_altered_in_source"
    assert {"op": "replace", "text": "last", "source_text": "first"} in altered["diff"]
    other_speaker = quotes["The repairs came in under budget and ahead of schedule."]
    assert other_speaker["label"] == "quote_misattributed"
    assert other_speaker["source_speaker"] == "Councillor Ian Dale"
    narration = quotes["Fishermen had been unable to land their catch in the town."]
    assert narration["label"] == "quote_misattributed"
    assert "writer's own words" in str(narration["detail"])
    missing = quotes["The storm was sent to punish the council for its lies."]
    assert missing["label"] == "quote_not_found"
    assert "fabrication" in str(missing["detail"])


def _version(doc_id: str, text: str, date: str | None) -> Version:
    return Version(doc_id, text, date, frozenset(shingle_set(text, 5)))


def test_lineage_orders_versions_by_date_or_containment() -> None:
    first = SOURCE
    second = SOURCE + "\nCritics called the repairs a corrupt waste of public money by the council."
    third = second.replace("Friday", "Monday") + "\nThe mayor has refused to comment on any of it."
    dated = lineage_of(
        [
            _version("c", third, "2024-03-03"),
            _version("a", first, "2024-03-01"),
            _version("b", second, "2024-03-02"),
        ]
    )
    assert dated["dated"] and dated["order"] == ["a", "b", "c"]
    assert [(e["parent"], e["child"]) for e in dated["edges"]] == [("a", "b"), ("b", "c")]
    assert dated["edges"][1]["changes"].get("number_changed") == 1  # Friday -> Monday
    undated = lineage_of(
        [_version("c", third, None), _version("b", second, None), _version("a", first, None)]
    )
    assert not undated["dated"] and undated["order"][0] == "a"


def test_trace_html_escapes_article_text(tmp_path: Path) -> None:
    db = tmp_path / "i.sqlite"
    store_with(db, {"port": SOURCE}).close()
    article = tmp_path / "a.txt"
    article.write_text(SOURCE + "\n<script>alert('x')</script> was added by the copying site.")
    run = run_cli("trace", str(article), "--index", str(db), "--format", "html")
    assert run.exit_code == 0, run.stderr
    assert "<script>alert" not in run.stdout
    assert "&lt;script&gt;" in run.stdout and "<ins" in run.stdout


def test_trace_schema_and_errors(tmp_path: Path) -> None:
    schema = json.loads(run_cli("trace", "--schema").stdout)
    mutation = schema["$defs"]["MutationOut"]["properties"]
    for name in ("op", "type", "start", "end", "source_id", "source_start", "source_end"):
        assert name in mutation
    assert {"id", "score", "containment"} <= set(schema["$defs"]["SourceOut"]["properties"])
    article = tmp_path / "a.txt"
    article.write_text(SOURCE)
    missing = run_cli("trace", str(article), "--index", str(tmp_path / "none.sqlite"))
    assert missing.exit_code == 3 and "no provenance index" in missing.stderr
    bad = run_cli("trace", str(article), "--format", "pdf", "--index", str(tmp_path / "x"))
    assert bad.exit_code == 5


def test_trace_lineage_of_the_seed(tmp_path: Path) -> None:
    wire = wire_record()
    repost = {
        **wire,
        "id": "repost",
        "date": "2020-01-10",
        "text": wire["text"].replace("The US is refusing", "The US regime is refusing"),
    }
    corpus = tmp_path / "versions.jsonl"
    corpus.write_text("\n".join(json.dumps(r) for r in (wire, repost)) + "\n", encoding="utf-8")
    db = tmp_path / "i.sqlite"
    assert run_cli("index", "add", str(corpus), "--index", str(db), "-q").exit_code == 0
    run = run_cli("trace", str(SEED), "--index", str(db), "--format", "json", "--lineage")
    lineage = json.loads(run.stdout)["lineage"]
    assert lineage["order"][0] == "wire-isis-soleimani"
    assert lineage["order"][-1] == "seed-article"
    edges = {(e["parent"], e["child"]): e["changes"] for e in lineage["edges"]}
    assert edges[("wire-isis-soleimani", "repost")] == {"loaded_wording": 1}
    assert edges[("repost", "seed-article")]["quote_added"] == 1
