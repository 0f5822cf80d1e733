"""``spinlens analyze`` output as a user relies on it: valid JSON for many inputs, reports kept
when a run dies, files readable by the team, one page per input, clear usage errors."""

from __future__ import annotations

import json
import os
import signal
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from spinlens.cli.analyze import ReportFormat
from spinlens.errors import InputError
from spinlens.pipeline import Pipeline
from spinlens.report.render import FORMATS
from tests.core.cli_runner import run_cli

TEXTS = {
    "one": "The minister said on Monday that the plan would cut costs.",
    "two": "Critics called the plan a disaster for the region's farmers.",
    "three": "Officials told reporters the vote would take place in May.",
}


@pytest.fixture
def articles(tmp_path: Path) -> list[str]:
    paths = []
    for name, text in TEXTS.items():
        path = tmp_path / f"{name}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    return paths


@pytest.fixture
def umask() -> Iterator[None]:
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def _fail_on(monkeypatch: pytest.MonkeyPatch, doc_id: str, error: BaseException) -> None:
    """The pipeline dies (a bug, Ctrl-C, kill) when it reaches ``doc_id``."""
    run = Pipeline.run

    def dying(self: Pipeline, document: object) -> object:
        if getattr(document, "id", None) == doc_id:
            raise error
        return run(self, document)  # type: ignore[arg-type]

    monkeypatch.setattr(Pipeline, "run", dying)


def test_format_choices_are_the_renderers() -> None:
    assert {f.value for f in ReportFormat} == set(FORMATS)


def test_json_for_several_inputs_is_one_valid_list(articles: list[str], tmp_path: Path) -> None:
    run = run_cli("analyze", *articles, "--format", "json", "--only", "quotes")
    assert run.exit_code == 0, run.stderr
    reports = json.loads(run.stdout)
    assert [r["document"]["id"] for r in reports] == ["one", "two", "three"]
    out = tmp_path / "all.json"
    run = run_cli("analyze", *articles, "-f", "json", "--only", "quotes", "-o", str(out))
    assert run.exit_code == 0, run.stderr
    assert len(json.loads(out.read_text(encoding="utf-8"))) == 3


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_a_crash_keeps_the_finished_reports(
    articles: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    _fail_on(monkeypatch, "three", RuntimeError("boom"))
    out = tmp_path / f"all.{fmt}"
    run = run_cli("analyze", *articles, "-f", fmt, "--only", "quotes", "-o", str(out))
    assert run.exit_code == 1 and "internal error" in run.stderr
    text = out.read_text(encoding="utf-8")
    kept = json.loads(text) if fmt == "json" else [json.loads(x) for x in text.splitlines()]
    assert [r["document"]["id"] for r in kept] == ["one", "two"]


def test_ctrl_c_keeps_the_finished_reports_in_a_closed_list(
    articles: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fail_on(monkeypatch, "two", KeyboardInterrupt())
    out = tmp_path / "all.json"
    run = run_cli("analyze", *articles, "-f", "json", "--only", "quotes", "-o", str(out))
    assert run.exit_code == 130
    assert "interrupted; 1 finished reports kept" in run.stderr
    assert [r["document"]["id"] for r in json.loads(out.read_text("utf-8"))] == ["one"]


def test_a_kill_a_library_wrapped_in_its_own_error_is_still_an_interrupt(
    articles: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGTERM inside pydantic's serializer comes out as PydanticSerializationError: the run
    must still end as interrupted (exit 130, finished reports kept), not as a crash."""
    run = Pipeline.run

    def killed_while_serializing(self: Pipeline, document: object) -> object:
        if getattr(document, "id", None) == "two":
            try:
                os.kill(os.getpid(), signal.SIGTERM)
                time.sleep(1)
            except KeyboardInterrupt:
                raise ValueError("Error calling function: KeyboardInterrupt") from None
        return run(self, document)  # type: ignore[arg-type]

    monkeypatch.setattr(Pipeline, "run", killed_while_serializing)
    out = tmp_path / "all.json"
    result = run_cli("analyze", *articles, "-f", "json", "--only", "quotes", "-o", str(out))
    assert result.exit_code == 130, result.stderr
    assert "interrupted; 1 finished reports kept" in result.stderr
    assert [r["document"]["id"] for r in json.loads(out.read_text("utf-8"))] == ["one"]


def test_ctrl_c_before_any_report_writes_nothing_and_says_so(
    articles: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fail_on(monkeypatch, "one", KeyboardInterrupt())
    out = tmp_path / "all.json"
    out.write_text("[]\n", encoding="utf-8")  # an earlier run's file is left as it was
    run = run_cli("analyze", *articles, "-f", "json", "--only", "quotes", "-o", str(out))
    assert run.exit_code == 130 and "before any report was finished" in run.stderr
    assert out.read_text("utf-8") == "[]\n"


def test_reports_written_as_they_finish(
    articles: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the second document starts, the first report is already on disk."""
    out = tmp_path / "all.jsonl"
    seen: list[str] = []
    run = Pipeline.run

    def watching(self: Pipeline, document: object) -> object:
        seen.append(out.read_text("utf-8") if out.exists() else "")
        return run(self, document)  # type: ignore[arg-type]

    monkeypatch.setattr(Pipeline, "run", watching)
    result = run_cli("analyze", *articles, "-f", "jsonl", "--only", "quotes", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert [len(s.splitlines()) for s in seen] == [0, 1, 2]


@pytest.mark.usefixtures("umask")
@pytest.mark.parametrize("several", [False, True])
def test_report_files_follow_the_umask(articles: list[str], tmp_path: Path, several: bool) -> None:
    out = tmp_path / "report.json"
    inputs = articles if several else articles[:1]
    run = run_cli("analyze", *inputs, "-f", "json", "--only", "quotes", "-o", str(out))
    assert run.exit_code == 0, run.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o644


@pytest.mark.usefixtures("umask")
def test_html_for_several_inputs_is_one_page_each_in_a_folder(
    articles: list[str], tmp_path: Path
) -> None:
    folder = tmp_path / "pages"
    run = run_cli("analyze", *articles, "-f", "html", "--only", "quotes", "-o", str(folder))
    assert run.exit_code == 0, run.stderr
    pages = sorted(p.name for p in folder.iterdir())
    assert pages == ["one.html", "three.html", "two.html"]
    assert "regime" not in (folder / "one.html").read_text("utf-8")
    assert TEXTS["two"].split()[0] in (folder / "two.html").read_text("utf-8")
    assert stat.S_IMODE((folder / "one.html").stat().st_mode) == 0o644


@pytest.mark.parametrize("output", [None, "report.html"])
def test_html_for_several_inputs_without_a_folder_is_refused_with_a_hint(
    articles: list[str], tmp_path: Path, output: str | None
) -> None:
    extra = ["-o", str(tmp_path / output)] if output else []
    run = run_cli("analyze", *articles, "-f", "html", *extra)
    message = " ".join(run.stderr.replace("│", " ").split())  # rich boxes usage errors
    assert run.exit_code == 2
    assert "HTML is one page per document: give a folder with -o" in message
    assert not (tmp_path / "report.html").exists()


def test_unknown_format_is_a_usage_error(articles: list[str]) -> None:
    run = run_cli("analyze", articles[0], "--format", "pdf")
    assert run.exit_code == 2 and "pdf" in run.stderr


def test_debug_after_the_subcommand_shows_the_traceback(tmp_path: Path) -> None:
    missing = str(tmp_path / "missing.txt")
    assert "spinlens: error:" in run_cli("analyze", missing).stderr
    with pytest.raises(InputError):  # --debug re-raises: the runner hands the exception back
        run_cli("analyze", missing, "--debug")
    with pytest.raises(InputError):
        run_cli("--debug", "analyze", missing)


def test_a_skipped_record_names_its_path_once(articles: list[str], tmp_path: Path) -> None:
    records = tmp_path / "records.jsonl"
    records.write_text('{"id": "ok", "text": "A fine text."}\n{"id": \n', encoding="utf-8")
    run = run_cli("analyze", str(records), "-f", "jsonl", "--only", "quotes")
    assert run.exit_code == 8
    line = next(x for x in run.stderr.splitlines() if "skipped" in x)
    assert line.count("records.jsonl") == 1 and "records.jsonl:2" in line and "[E105]" in line
    assert "line 2, column 9: Expecting value" in line  # where in the line, not just which line


def test_sigterm_keeps_a_valid_json_list(tmp_path: Path) -> None:
    """A real process killed with SIGTERM mid-run leaves valid JSON holding its finished reports."""
    import signal
    import subprocess
    import sys
    import time

    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(400):  # enough that the run is still going when the signal comes
        (folder / f"a{i:03d}.txt").write_text(TEXTS["one"] + f" Item {i}.", encoding="utf-8")
    out = tmp_path / "all.json"
    command = [sys.executable, "-m", "spinlens", "analyze", str(folder), "-f", "json"]
    process = subprocess.Popen(
        [*command, "--only", "quotes", "-o", str(out)], stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if out.exists() and out.read_text("utf-8").count('"schema_version"') >= 2:
            break
        time.sleep(0.05)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    reports = json.loads(out.read_text("utf-8"))
    if len(reports) == 400:  # the run finished before the signal came: one valid list too
        return
    assert process.returncode == 130, stderr
    assert 2 <= len(reports) < 400 and "finished reports kept" in stderr
