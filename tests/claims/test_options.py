"""``--set analyzers.claims.KEY=VALUE``: values arrive as text; a wrong key or value is a
one-line configuration error (exit 5), never a traceback or a silently ignored typo."""

from __future__ import annotations

import pytest

from spinlens.analyzers.claims import ClaimsAnalyzer
from spinlens.errors import ConfigError
from tests.core.cli_runner import run_cli


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"threshold": "abc"}, "threshold must be a number in [0, 1]"),
        ({"threshold": 1.5}, "threshold must be a number in [0, 1]"),
        ({"match_threshold": -0.1}, "match_threshold must be"),
        ({"match_min_cosine": 2}, "match_min_cosine must be"),
        ({"max_matches": -1}, "max_matches must be a whole number"),
        ({"max_matches": "abc"}, "max_matches must be a whole number"),
        ({"max_matches": 2.5}, "max_matches must be a whole number"),
        ({"cascade_below": 0.5}, "cascade_below must be within [0, 0.5)"),
        ({"treshold": 0.3}, "unknown option(s) treshold"),
        ({"model": "nope"}, "unknown model"),
    ],
)
def test_bad_options(options: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        ClaimsAnalyzer(**options)  # type: ignore[arg-type]
    assert message in str(caught.value)


def test_options_given_as_text_are_numbers() -> None:
    analyzer = ClaimsAnalyzer(threshold="0.7", max_matches="2", match_min_cosine="0.5")  # type: ignore[arg-type]
    assert (analyzer.threshold, analyzer.max_matches, analyzer.match_min_cosine) == (0.7, 2, 0.5)


def test_bad_option_on_the_command_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    article = tmp_path / "a.txt"
    article.write_text("Unemployment rose by 40 percent in 2019, the minister said.\n")
    run = run_cli(
        "--set", "analyzers.claims.threshold=high", "analyze", str(article), "--only", "claims"
    )
    assert run.exit_code == 5
    assert run.stderr.count("\n") == 1 and "threshold must be a number" in run.stderr
