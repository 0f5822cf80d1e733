"""A spinlens.toml section for an analyzer is checked whether that analyzer runs or not: a
typo fails at once (exit 5), not on the day the analyzer is switched on."""

from __future__ import annotations

from pathlib import Path

import pytest

from spinlens import load_pipeline
from spinlens.errors import AnalyzerOptionError, UnknownAnalyzerError
from tests.core.cli_runner import run_cli

SEED = str(Path(__file__).parents[2] / "examples" / "seed-article.txt")


def test_an_unknown_option_of_an_analyzer_not_run_is_a_config_error() -> None:
    run = run_cli(
        "--set", "analyzers.claims.treshold=0.6", "analyze", SEED, "--only", "quotes", "-f", "json"
    )
    assert run.exit_code == 5
    assert "analyzers.claims: unknown option(s) treshold" in run.stderr and "[E302]" in run.stderr
    with pytest.raises(AnalyzerOptionError):
        load_pipeline(overrides=["analyzers.claims.treshold=0.6"], only=["quotes"])


def test_a_section_for_no_known_analyzer_is_a_config_error(tmp_path: Path) -> None:
    config = tmp_path / "spinlens.toml"
    config.write_text("[analyzers.quote]\nscare_quotes = false\n", encoding="utf-8")
    run = run_cli("--config", str(config), "analyze", SEED, "--only", "quotes", "-f", "json")
    assert run.exit_code == 5
    assert "analyzers.quote: unknown analyzer" in run.stderr and "quotes" in run.stderr
    with pytest.raises(UnknownAnalyzerError):
        load_pipeline(config)
