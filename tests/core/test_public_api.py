"""The Python surface: what ``import spinlens`` offers, and the Pipeline users keep."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest

import spinlens
import spinlens.pipeline
from spinlens.document import Document
from spinlens.errors import ConfigError, UnknownAnalyzerError
from spinlens.pipeline import Pipeline, load_pipeline

PUBLIC = {
    "Document",
    "Pipeline",
    "Report",
    "Span",
    "__version__",
    "analyze",
    "load",
    "load_document",
    "load_pipeline",
}
TEXT = "He called them ‘partners’ in public, according to the paper."


def test_all_is_the_documented_surface_and_resolves() -> None:
    assert set(spinlens.__all__) == PUBLIC
    namespace: dict[str, object] = {}
    exec("from spinlens import *", namespace)
    assert set(namespace) >= PUBLIC
    assert spinlens.Pipeline is Pipeline and spinlens.Document is Document
    with pytest.raises(AttributeError):
        _ = spinlens.nothing_here  # type: ignore[attr-defined]


@pytest.mark.parametrize("module", [spinlens, spinlens.pipeline])
def test_docstring_examples_run(module: object) -> None:
    failed, attempted = doctest.testmod(module, optionflags=doctest.ELLIPSIS)  # type: ignore[arg-type]
    assert failed == 0 and attempted > 0


def test_from_text_detects_the_language() -> None:
    assert Document.from_text("The minister said the plan would work. " * 3).language == "en"
    assert Document.from_text("x", language=None).language is None  # said unknown: kept


def test_load_pipeline_reads_spinlens_toml_as_the_cli_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "spinlens.toml").write_text(
        'skip = ["claims"]\n[analyzers.quotes]\nscare_quotes = false\n', encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    pipe = load_pipeline(only=["quotes", "claims"])
    assert pipe.names == ["quotes"]
    report = pipe(TEXT)
    assert report.config["analyzers"] == {"quotes": {"scare_quotes": False}}
    assert all(f.label != "scare_quote" for f in report.findings)
    override = load_pipeline(only=["quotes"], overrides=["analyzers.quotes.scare_quotes=true"])
    assert any(f.label == "scare_quote" for f in override(TEXT).findings)


def test_select_shares_loaded_analyzers_and_never_edits_the_original() -> None:
    pipe = load_pipeline(only=["quotes", "sources"])
    view = pipe.select(["quotes"])
    assert view.names == ["quotes"] and pipe.names == ["quotes", "sources"]
    assert view.analyzers[0] is pipe.analyzers[0]
    assert [r.name for r in view(TEXT).analyzers] == ["quotes"]
    with pytest.raises(UnknownAnalyzerError, match="not loaded in this pipeline"):
        pipe.select(["claims"])


def test_pipe_streams_reports_in_order() -> None:
    pipe = load_pipeline(only=["quotes"])
    texts = (f"Text number {i}, according to aide {i}." for i in range(5))
    reports = pipe.pipe(texts, batch_size=2)
    assert not isinstance(reports, list)
    assert [r.document.text for r in reports] == [
        f"Text number {i}, according to aide {i}." for i in range(5)
    ]
    with pytest.raises(ConfigError):
        next(pipe.pipe(["x"], batch_size=0))


def test_close_releases_stores(tmp_path: Path) -> None:
    from spinlens.config import Settings
    from spinlens.sources import SourceStore

    db = tmp_path / "sources.sqlite"
    SourceStore(db).close()
    settings = Settings.model_validate({"paths": {"sources_db": str(db)}})
    with load_pipeline(settings, only=["sources"]) as pipe:
        pipe(Document.from_text("Some text.", url="https://example.com/a"))
        (analyzer,) = pipe.analyzers
        assert analyzer._store is not None  # type: ignore[attr-defined]
    assert analyzer._store is None  # type: ignore[attr-defined]


def test_analyze_reuses_one_default_pipeline(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[Pipeline] = []
    real = spinlens.pipeline.load_pipeline

    def counting(*args: object, **kwargs: object) -> Pipeline:
        built.append(real(only=["quotes"]))
        return built[-1]

    spinlens._default_pipeline.cache_clear()
    monkeypatch.setattr(spinlens.pipeline, "load_pipeline", counting)
    try:
        first = spinlens.analyze(TEXT)
        second = spinlens.analyze(TEXT, analyzers=["quotes"])
    finally:
        spinlens._default_pipeline.cache_clear()
    assert len(built) == 1
    assert first.findings == second.findings


def test_analyzers_command_lists_declared_options_labels_and_assigns() -> None:
    import json

    from tests.core.cli_runner import run_cli

    rows = {r["name"]: r for r in json.loads(run_cli("analyzers", "--json").stdout)}
    assert rows["quotes"]["options"] == {"scare_quotes": True}
    assert "attribution" in rows["quotes"]["labels"] and rows["quotes"]["assigns"] == ["quotes"]
    assert rows["verdict"]["requires"] == [
        "quotes",
        "propaganda",
        "claims",
        "provenance",
        "sources",
    ]


def test_models_load_once_whichever_view_runs_first(monkeypatch: pytest.MonkeyPatch) -> None:
    from spinlens.analyzers.quotes import QuotesAnalyzer
    from spinlens.analyzers.sources import SourcesAnalyzer

    loads: list[str] = []
    for cls in (QuotesAnalyzer, SourcesAnalyzer):
        monkeypatch.setattr(cls, "initialize", lambda self: loads.append(self.name))
    pipe = load_pipeline(only=["quotes", "sources"])
    pipe.select(["quotes"])(TEXT)
    pipe(TEXT)
    pipe.select(["sources"])(TEXT)
    assert sorted(loads) == ["quotes", "sources"]
