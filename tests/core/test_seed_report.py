"""The seed article through the CLI: schema-valid JSON, exact offsets, the expected quotes."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from tests.conftest import SEED
from tests.core.cli_runner import run_cli


def _seed_report(*extra: str) -> dict:  # type: ignore[type-arg]
    run = run_cli("analyze", str(SEED), "--format", "json", *extra)
    assert run.exit_code == 0, run.stderr
    return json.loads(run.stdout)  # type: ignore[no-any-return]


def test_report_validates_against_published_schema() -> None:
    report = _seed_report()
    schema = json.loads(run_cli("schema").stdout)
    jsonschema.validate(report, schema)
    assert report["schema_version"] == schema["properties"]["schema_version"]["const"]


def test_every_finding_text_is_the_document_slice() -> None:
    report = _seed_report()
    text = report["document"]["text"]
    assert text == SEED.read_text(encoding="utf-8")
    assert report["findings"]
    for finding in report["findings"]:
        assert text[finding["start"] : finding["end"]] == finding["text"]
        assert 0.0 <= finding["score"] <= 1.0


def test_seed_netanyahu_quote_and_al_lami_attribution() -> None:
    findings = _seed_report("--only", "quotes")["findings"]
    quote = next(f for f in findings if f["label"] == "quote")
    assert quote["text"].startswith("oppressing the Iranian people")
    assert quote["attrs"]["speaker"] == "Netanyahu"
    assert quote["attrs"]["speaker_mention"] == "the Zionist dictator"
    assert quote["attrs"]["cue"] == "said"
    attribution = [f for f in findings if f["label"] == "attribution"]
    assert any(f["attrs"]["speaker"] == "BBC journalist Mina Al-Lami" for f in attribution)


def test_report_records_timings_versions_and_config(tmp_path: Path) -> None:
    report = _seed_report("--only", "quotes")
    (run,) = report["analyzers"]
    assert run["name"] == "quotes" and run["status"] == "ok" and run["seconds"] >= 0
    assert report["tool"]["name"] == "spinlens" and report["tool"]["version"]
    assert report["config"]["limits"]["max_bytes"] == 5_000_000


def test_stdin_input() -> None:
    run = run_cli("analyze", "-", "--format", "json", "--only", "quotes", input=SEED.read_bytes())
    assert run.exit_code == 0, run.stderr
    assert json.loads(run.stdout)["document"]["text"] == SEED.read_text(encoding="utf-8")
