"""The propaganda analyzer in the pipeline: the seed's manipulations, offsets, config, offline."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from spinlens.analyzers import create
from spinlens.analyzers.propaganda import PropagandaAnalyzer
from spinlens.analyzers.propaganda.taxonomy import (
    PTC_LABELS,
    PTC_TO_2023,
    S2023_LABELS,
    S2023_TO_PTC,
    explain,
)
from spinlens.document import Document, Span
from spinlens.errors import ConfigError

LABELLING = {"Name_Calling,Labeling", "Loaded_Language"}
SEED_PHRASES = ("Zionist dictator", "Zionist based ISIS newspaper", "Israeli-backed", "US regime")


def _flagged(doc: Document, spans: tuple[Span, ...], phrase: str, labels: set[str]) -> bool:
    start = doc.text.index(phrase)
    end = start + len(phrase)
    return any(
        s.label in labels
        and s.start < end
        and start < s.end
        # the span must cover most of the phrase, not brush one edge of it
        and min(s.end, end) - max(s.start, start) >= 0.6 * len(phrase)
        for s in spans
    )


@pytest.fixture(scope="module")
def seed_result() -> tuple[Document, tuple[Span, ...]]:
    from tests.conftest import SEED

    doc = Document.from_text(SEED.read_text(encoding="utf-8"))
    analyzer = create("propaganda")
    analyzer.initialize()
    return doc, analyzer.analyze(doc, {}).spans


@pytest.mark.parametrize("phrase", SEED_PHRASES)
def test_seed_manipulations_are_flagged(
    seed_result: tuple[Document, tuple[Span, ...]], phrase: str
) -> None:
    doc, spans = seed_result
    assert _flagged(doc, spans, phrase, LABELLING), phrase


def test_spans_index_the_text_and_carry_the_contract(
    seed_result: tuple[Document, tuple[Span, ...]],
) -> None:
    doc, spans = seed_result
    assert spans
    for s in spans:
        assert 0 <= s.start < s.end <= len(doc.text)
        assert doc.text[s.start : s.end].strip()
        assert s.label in PTC_LABELS and s.attrs["technique"] == s.label
        assert s.attrs["taxonomy"] == "ptc2020" and s.attrs["source"] in {"model", "lexicon"}
        assert 0.0 <= s.score <= 1.0 and s.explanation


def test_semeval2023_taxonomy_relabels(seed_text: str) -> None:
    doc = Document.from_text(seed_text)
    result = create("propaganda", {"taxonomy": "semeval2023"}).analyze(doc, {})
    assert result.data["taxonomy"] == "semeval2023"
    assert {s.label for s in result.spans} <= set(S2023_LABELS)
    assert _flagged(doc, result.spans, "Zionist dictator", {"Name_Calling-Labeling"})
    assert sum(result.data["counts"].values()) == len(result.spans)


def test_bad_options_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="taxonomy"):
        create("propaganda", {"taxonomy": "ptc2019"})
    with pytest.raises(ConfigError, match="threshold"):
        create("propaganda", {"threshold": 1.5})


def test_runs_without_network(seed_text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("the propaganda analyzer tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    result = PropagandaAnalyzer().analyze(Document.from_text(seed_text), {})
    assert result.spans


def test_lexicon_only_when_model_is_absent(seed_text: str, tmp_path: Path) -> None:
    analyzer = PropagandaAnalyzer(model_dir=str(tmp_path))
    result = analyzer.analyze(Document.from_text(seed_text), {})
    assert result.warnings and all(s.attrs["source"] == "lexicon" for s in result.spans)
    assert {s.label for s in result.spans} <= LABELLING


def test_empty_and_plain_text() -> None:
    analyzer = PropagandaAnalyzer()
    assert PropagandaAnalyzer().analyze(Document.from_text("ok"), {}).data["density"] >= 0
    plain = Document.from_text("The meeting is on Tuesday at 10 am in room 4.")
    assert all(s.score <= 1.0 for s in analyzer.analyze(plain, {}).spans)


def test_mapping_is_total_and_consistent() -> None:
    assert set(PTC_TO_2023) == set(PTC_LABELS) and set(PTC_TO_2023.values()) <= set(S2023_LABELS)
    assert set(S2023_TO_PTC) == set(S2023_LABELS)
    assert {v for v in S2023_TO_PTC.values() if v} <= set(PTC_LABELS)
    for label in (*PTC_LABELS, *S2023_LABELS):
        assert explain(label) != explain("unknown")


def test_semeval2023_paragraphs_exclude_line_ends() -> None:
    text = "The corrupt US regime lied again.\r\n\r\nIt will fall.\r\n"
    result = create("propaganda", {"taxonomy": "semeval2023"}).analyze(Document.from_text(text), {})
    paragraphs = result.data["paragraphs"]
    assert [p["line"] for p in paragraphs] == [1, 3]
    assert [text[p["start"] : p["end"]] for p in paragraphs] == [
        "The corrupt US regime lied again.",
        "It will fall.",
    ]
    assert all(set(p["labels"]) <= set(S2023_LABELS) for p in paragraphs)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"threshold": "abc"}, "threshold"),
        ({"threshold": float("nan")}, "threshold"),
        ({"threshold": 0}, "threshold"),
        ({"lexicon": "maybe"}, "lexicon"),
        ({"treshold": 0.3}, "unknown option"),
    ],
)
def test_bad_option_values_are_config_errors(options: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        create("propaganda", options)


def test_bad_config_is_a_one_line_error_from_the_cli(seed_text: str, tmp_path: Path) -> None:
    from tests.core.cli_runner import run_cli

    article = tmp_path / "a.txt"
    article.write_text(seed_text, encoding="utf-8")
    for setting in ("threshold=abc", "lexicon=maybe", "taxonomy=ptc2019", "bogus=1"):
        run = run_cli(
            "--set", f"analyzers.propaganda.{setting}", "analyze", str(article), "--only",
            "propaganda",
        )  # fmt: skip
        assert run.exit_code == 5, (setting, run.stderr)
        assert len(run.stderr.strip().splitlines()) == 1 and "propaganda" in run.stderr


def test_taxonomy_from_a_config_file(seed_text: str, tmp_path: Path) -> None:
    import json

    from tests.core.cli_runner import run_cli

    article = tmp_path / "a.txt"
    article.write_text(seed_text, encoding="utf-8")
    config = tmp_path / "spinlens.toml"
    config.write_text('[analyzers.propaganda]\ntaxonomy = "semeval2023"\n', encoding="utf-8")
    run = run_cli(
        "--config", str(config), "analyze", str(article), "--only", "propaganda", "-f", "json"
    )
    assert run.exit_code == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["data"]["propaganda"]["taxonomy"] == "semeval2023"
    labels = {f["label"] for f in report["findings"] if f["analyzer"] == "propaganda"}
    assert labels and labels <= set(S2023_LABELS)
    assert all(f["explanation"] for f in report["findings"])


def test_missing_span_classifier_is_a_warning(seed_text: str, tmp_path: Path) -> None:
    import shutil

    from spinlens.models.runtime import model_dir

    for name in ("model.onnx", "tokenizer.json", "card.json"):
        shutil.copy(model_dir("propaganda") / name, tmp_path / name)
    # show_all_techniques: the card hides every model technique measured below 0.4 precision
    analyzer = PropagandaAnalyzer(model_dir=str(tmp_path), show_all_techniques=True)
    result = analyzer.analyze(Document.from_text(seed_text), {})
    assert result.warnings and "span classifier" in result.warnings[0]
    assert any(s.attrs["source"] == "model" for s in result.spans)
