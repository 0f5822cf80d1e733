"""The one input reader: every entry point reads the same formats, with the same codes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from spinlens.document.loaders import (
    Failed,
    Limits,
    Unit,
    format_readers,
    read_documents,
    read_units,
    reader_for,
    record_unit,
    register_format,
)
from spinlens.document.loaders import formats as formats_module  # the module
from spinlens.provenance.inputs import iter_inputs
from tests.core.cli_runner import run_cli

GOOD = "The minister said the plan works, according to officials."


class PipeReader:
    """A toy format: ``.pipe`` files of ``id|text`` lines, sniffed by a ``#pipe`` header."""

    name = "pipe"
    suffixes = (".pipe",)

    def sniff(self, head: bytes) -> bool:
        return head.startswith(b"#pipe")

    def read(self, path: Path, limits: Limits) -> Iterator[Unit | Failed]:
        lines = path.read_text(encoding="utf-8").splitlines()[1:]
        for number, line in enumerate(lines, start=2):
            doc_id, _, text = line.partition("|")
            yield record_unit({"id": doc_id, "text": text}, f"{path}:{number}", limits.max_bytes)


@pytest.fixture
def pipe_format(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(formats_module, "_registered", list(format_readers()))
    register_format(PipeReader())
    yield


def test_a_registered_format_is_read_by_every_entry_point(
    tmp_path: Path, pipe_format: None
) -> None:
    path = tmp_path / "corpus.pipe"
    path.write_text(f"#pipe\np1|{GOOD}\np2|\n", encoding="utf-8")
    loaded = list(read_documents([str(path)]))
    assert loaded[0].document is not None and loaded[0].document.id == "p1"
    assert loaded[1].error is not None and loaded[1].error.code == "E105"
    indexed = list(iter_inputs([str(path)], 10**6))
    assert [item.document.id for item in indexed if item.document] == ["p1"]
    out = tmp_path / "out.jsonl"
    run = run_cli("batch", str(path), "--out", str(out), "--only", "quotes", "--no-progress")
    assert run.exit_code == 8
    assert [json.loads(x)["document"]["id"] for x in out.open()] == ["p1"]


def test_a_format_is_sniffed_when_the_suffix_does_not_decide(
    tmp_path: Path, pipe_format: None
) -> None:
    sniffed, plain = tmp_path / "corpus.txt", tmp_path / "story.txt"
    sniffed.write_text(f"#pipe\np1|{GOOD}\n", encoding="utf-8")
    plain.write_text(GOOD, encoding="utf-8")
    assert reader_for(sniffed) is not None and reader_for(sniffed).name == "pipe"  # type: ignore[union-attr]
    assert reader_for(plain) is None


def test_builtin_formats_are_registered() -> None:
    names = {reader.name for reader in format_readers()}
    assert {"jsonl", "json", "csv"} <= names


@pytest.mark.parametrize("command", ["batch", "index", "analyze"])
def test_tsv_is_read_everywhere(tmp_path: Path, command: str) -> None:
    path = tmp_path / "in.tsv"
    path.write_text(
        f"id\ttitle\ttext\nt1\tA title\t{GOOD}\nt2\tB\tAnother story.\n", encoding="utf-8"
    )
    out = tmp_path / "out.jsonl"
    if command == "batch":
        run = run_cli("batch", str(path), "--out", str(out), "--only", "quotes")
        assert run.exit_code == 0
        assert [json.loads(x)["document"]["id"] for x in out.open()] == ["t1", "t2"]
    elif command == "index":
        run = run_cli("index", "add", str(path), "--index", str(tmp_path / "i.sqlite"), "-q")
        assert run.exit_code == 0 and "added 2" in run.stdout
    else:
        run = run_cli("analyze", str(path), "--format", "jsonl", "--only", "quotes")
        assert run.exit_code == 0
        titles = [json.loads(x)["document"]["title"] for x in run.stdout.splitlines()]
        assert titles == ["A title", "B"]


def test_a_missing_path_has_one_code_everywhere(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.jsonl")
    (unit,) = list(read_units([missing]))
    assert isinstance(unit, Failed) and unit.error.code == "E100"
    (indexed,) = list(iter_inputs([missing], 10**6))
    assert indexed.error is not None and indexed.error.code == "E100"


def test_batch_stdin_starting_with_a_brace_is_jsonl_records(tmp_path: Path) -> None:
    lines = json.dumps({"id": "s1", "text": GOOD}) + "\n" + json.dumps({"id": "s2", "text": GOOD})
    out = tmp_path / "out.jsonl"
    run = run_cli("batch", "-", "--out", str(out), "--only", "quotes", input=f"\n{lines}\n")
    assert run.exit_code == 0
    assert [json.loads(x)["document"]["id"] for x in out.open()] == ["s1", "s2"]


def test_stdin_text_is_one_article_in_batch_too(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    run = run_cli("batch", "-", "--out", str(out), "--only", "quotes", input=GOOD + "\n")
    assert run.exit_code == 0
    assert json.loads(out.read_text())["document"]["text"] == GOOD + "\n"


def test_record_fields_are_checked_once_for_every_reader() -> None:
    bad = record_unit({"id": 1.5, "text": GOOD}, "r", 10**6)
    assert isinstance(bad, Failed) and "'id' must be a string or an integer" in str(bad.error)
    flag = record_unit({"id": True, "text": GOOD}, "r", 10**6)
    assert isinstance(flag, Failed) and "not a boolean" in str(flag.error)
    good = record_unit({"id": 3, "text": GOOD, "extra": {"deep": [1]}}, "r", 10**6)
    assert isinstance(good, Unit) and good.record == {"id": "3", "text": GOOD}
