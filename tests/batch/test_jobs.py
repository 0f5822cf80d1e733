"""Job checks are a library call: a caller other than the CLI gets the same one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from spinlens.batch.jobs import check_options
from spinlens.errors import ConfigError, InputError, OutputError


def test_option_mistakes_are_coded_errors_without_the_cli(tmp_path: Path) -> None:
    out, side = tmp_path / "out.jsonl", tmp_path / "out.errors.jsonl"
    source = tmp_path / "in.jsonl"
    source.write_text("{}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown engine"):
        check_options([str(source)], out, side, engine="flink")
    with pytest.raises(ConfigError, match="--workers is for the local engine"):
        check_options([str(source)], out, side, engine="spark", workers=2)
    with pytest.raises(OutputError, match="is a directory"):
        check_options([str(source)], tmp_path, side)
    with pytest.raises(InputError, match="no such file"):
        check_options([str(tmp_path / "nope.jsonl")], out, side)
    with pytest.raises(ConfigError, match="is an input"):
        check_options([str(source)], source, side)
    check_options([str(source), "-"], out, side)
