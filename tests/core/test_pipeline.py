"""The pipeline orders analyzers by ``requires``, isolates failures and honours only/skip."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping
from typing import ClassVar

import pytest

from spinlens.analyzers import base
from spinlens.analyzers.base import BaseAnalyzer, Result, register
from spinlens.config import load_settings
from spinlens.document import Document
from spinlens.document.loaders import document_from_text
from spinlens.errors import (
    AnalyzerOptionError,
    ConfigError,
    DuplicateAnalyzerError,
    UnknownAnalyzerError,
)
from spinlens.pipeline import Pipeline, select_analyzers

TEXT = "The senator said the bill would pass, according to aides close to the White House."


class _Upper(BaseAnalyzer):
    name: ClassVar[str] = "test_upper"
    default_enabled: ClassVar[bool] = False

    def analyze(self, doc: Document, context: Mapping[str, Result]) -> Result:
        spans = [doc.span(i, i + 1, "capital") for i, ch in enumerate(doc.text) if ch.isupper()]
        return Result(spans=tuple(spans), data={"count": len(spans)})


class _Counter(BaseAnalyzer):
    name: ClassVar[str] = "test_counter"
    requires: ClassVar[tuple[str, ...]] = ("test_upper",)
    default_enabled: ClassVar[bool] = False

    def analyze(self, doc: Document, context: Mapping[str, Result]) -> Result:
        seen = context["test_upper"].data["count"] if "test_upper" in context else -1
        return Result(data={"upper_seen": seen})


class _Broken(BaseAnalyzer):
    name: ClassVar[str] = "test_broken"
    default_enabled: ClassVar[bool] = False

    def analyze(self, doc: Document, context: Mapping[str, Result]) -> Result:
        raise sqlite3.OperationalError("database is locked")


@pytest.fixture(autouse=True)
def _registered() -> Iterator[None]:
    for cls in (_Upper, _Counter, _Broken):
        register(cls)
    yield
    for cls in (_Upper, _Counter, _Broken):
        base._REGISTRY.pop(cls.name, None)


def test_requires_orders_analyzers_and_passes_context() -> None:
    report = Pipeline(["test_counter", "test_upper"]).run(document_from_text(TEXT))
    assert [run.name for run in report.analyzers] == ["test_upper", "test_counter"]
    assert report.data["test_counter"]["upper_seen"] == 3


def test_failure_is_isolated_and_recorded() -> None:
    report = Pipeline(["test_broken", "test_upper"]).run(document_from_text(TEXT))
    status = {run.name: run.status for run in report.analyzers}
    assert status == {"test_broken": "error", "test_upper": "ok"}
    assert any("database is locked" in w for w in report.warnings)
    with pytest.raises(sqlite3.OperationalError):
        Pipeline(["test_broken"], raise_errors=True).run(document_from_text(TEXT))


def test_only_and_skip_selection() -> None:
    assert select_analyzers(["test_upper", "quotes"], ["quotes"]) == ["test_upper"]
    assert "test_upper" not in select_analyzers()  # not enabled by default
    assert "quotes" in select_analyzers()
    with pytest.raises(UnknownAnalyzerError):
        select_analyzers(["nope"])


def test_options_come_from_config() -> None:
    settings = load_settings(overrides=["analyzers.quotes.scare_quotes=false"])
    text = "He called them ‘partners’ in public, according to the paper."
    report = Pipeline(["quotes"], settings=settings).run(document_from_text(text))
    assert all(f.label != "scare_quote" for f in report.findings)
    default = Pipeline(["quotes"]).run(document_from_text(text))
    assert any(f.label == "scare_quote" for f in default.findings)


def test_unknown_option_is_a_config_error() -> None:
    settings = load_settings(overrides=["analyzers.test_upper.colour='red'"])
    with pytest.raises(
        AnalyzerOptionError, match=r"analyzers.test_upper: unknown option\(s\) colour"
    ):
        Pipeline(["test_upper"], settings=settings)


def test_a_second_analyzer_under_a_taken_name_is_refused() -> None:
    class _Impostor(BaseAnalyzer):
        name: ClassVar[str] = "test_upper"

    register(_Upper)  # the same class again is harmless
    with pytest.raises(DuplicateAnalyzerError, match="'test_upper' is registered twice"):
        register(_Impostor)
    assert base.registry()["test_upper"] is _Upper


def test_span_constructor_rejects_out_of_bounds() -> None:
    doc = document_from_text(TEXT)
    with pytest.raises(ValueError, match="outside"):
        doc.span(0, len(TEXT) + 1, "x")
    with pytest.raises(ValueError, match="score"):
        doc.span(0, 1, "x", score=1.5)


class _EntryPoint:
    def __init__(self, name: str, cls: type) -> None:
        self.name, self.value, self._cls = name, f"plugin:{cls.__name__}", cls

    def load(self) -> type:
        return self._cls


@pytest.mark.parametrize(
    ("entry", "error"), [("quotes", DuplicateAnalyzerError), ("x", ConfigError)]
)
def test_a_plugin_clashing_with_a_builtin_name_stops_every_call(
    monkeypatch: pytest.MonkeyPatch, entry: str, error: type[Exception]
) -> None:
    class _Quotes(BaseAnalyzer):
        name: ClassVar[str] = "quotes"

    monkeypatch.setattr(base, "entry_points", lambda group: [_EntryPoint(entry, _Quotes)])
    monkeypatch.setattr(base, "_loaded", False)
    for _ in range(2):  # not only the first call
        with pytest.raises(error):
            base.registry()
    from tests.core.cli_runner import run_cli

    run = run_cli("analyze", "-", "--only", "quotes", input="Some text.")
    assert run.exit_code == 5 and run.stderr.count("\n") == 1, run.stderr
    monkeypatch.setattr(base, "entry_points", lambda group: [])
    assert base.registry()["quotes"] is not _Quotes
