"""The local batch engine and ``spinlens batch``: output, bad records, resume, inputs."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from spinlens.batch import Job, Plan, run_local
from spinlens.batch.output import done_ids, read_reports
from spinlens.batch.tasks import BadRecord, Task, bounded_lines, iter_tasks
from spinlens.config import Settings
from spinlens.errors import PARTIAL_FAILURE_EXIT
from tests.batch.conftest import ARTICLES
from tests.core.cli_runner import run_cli

QUICK = ("--only", "quotes", "--no-progress")


def _job(inputs: list[Path], out: Path, workers: int = 1) -> Job:
    plan = Plan.of(["quotes"], Settings())
    return Job(tuple(map(str, inputs)), out, out.with_suffix(".err"), plan, workers=workers)


def _ids(out: Path) -> list[str]:
    return [r["document"]["id"] for r in read_reports(out)]


def test_batch_writes_one_report_per_good_record_and_reports_bad_ones(
    corpus: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out.jsonl"
    run = run_cli("batch", str(corpus), "--out", str(out), *QUICK)
    assert run.exit_code == PARTIAL_FAILURE_EXIT
    ids = _ids(out)
    assert sorted(ids[:5]) == [f"a{i}" for i in range(5)]
    assert ids[5].startswith("sha1:"), "a record without id gets a content-hash id"
    reports = list(read_reports(out))
    assert reports[0]["document"]["text"] == ARTICLES[0]
    assert any(f["label"] == "quote" for f in reports[0]["findings"])
    bad = [json.loads(line) for line in (tmp_path / "out.jsonl.errors.jsonl").open()]
    assert [b["origin"].rsplit(":", 1)[1] for b in bad] == ["3", "8"]
    assert bad[0]["code"] == "E105" and "malformed JSON" in bad[0]["error"]
    assert bad[1]["id"] == "empty"
    assert "6 written" in run.stderr and "2 bad" in run.stderr


def test_rerun_skips_done_ids_and_repairs_a_half_written_line(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    run_local(_job([corpus], out))
    lines = out.read_text(encoding="utf-8").splitlines(keepends=True)
    # Simulate a kill: the last two reports never made it, the one before is cut mid-line.
    out.write_text("".join(lines[:3]) + lines[3][:50], encoding="utf-8")
    done = done_ids(out)
    assert len(done) == 3 and all(k in done for k in ("a0", "a1", "a2")) and "a3" not in done
    summary = run_local(_job([corpus], out))
    assert summary.already_done == 3 and summary.written == 3
    ids = _ids(out)
    assert len(ids) == len(set(ids)) == 6


def test_duplicate_ids_in_the_input_are_written_once(tmp_path: Path) -> None:
    src = tmp_path / "dup.jsonl"
    src.write_text(
        "\n".join(json.dumps({"id": "same", "text": t}) for t in ARTICLES[:3]) + "\n",
        encoding="utf-8",
    )
    summary = run_local(_job([src], tmp_path / "out.jsonl"))
    assert (summary.written, summary.duplicates) == (1, 2)


def test_a_rerun_counts_what_the_output_file_holds(tmp_path: Path) -> None:
    """With repeated ids in the input, "already in OUT" is still the number of reports there."""
    src = tmp_path / "dup.jsonl"
    records = [("a", ARTICLES[0]), ("b", ARTICLES[1]), ("a", ARTICLES[2]), ("b", ARTICLES[3])]
    src.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in records), "utf-8")
    out = tmp_path / "out.jsonl"
    first = run_cli("batch", str(src), "--out", str(out), *QUICK)
    assert "2 written, 2 duplicate ids skipped" in first.stderr
    again = run_cli("batch", str(src), "--out", str(out), *QUICK)
    assert len(_ids(out)) == 2
    assert "0 written, 2 already in" in again.stderr and "2 duplicate ids skipped" in again.stderr


def test_two_workers_write_the_same_reports_as_one(corpus: Path, tmp_path: Path) -> None:
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    run_local(_job([corpus], one))
    summary = run_local(_job([corpus], two, workers=2))
    assert summary.written == 6 and summary.bad == 2

    def findings(path: Path) -> dict[str, list[tuple[int, int, str]]]:
        return {
            r["document"]["id"]: [(f["start"], f["end"], f["label"]) for f in r["findings"]]
            for r in read_reports(path)
        }

    assert findings(one) == findings(two)


def test_csv_and_directories_are_read(tmp_path: Path) -> None:
    table = tmp_path / "in.csv"
    with table.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "title", "text"])
        writer.writerow(["c1", "t", 'He said "yes, with commas, and\nnew lines".'])
    folder = tmp_path / "articles"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "story.txt").write_text(ARTICLES[1], encoding="utf-8")
    (folder / ".hidden.txt").write_text("ignored", encoding="utf-8")
    items = list(iter_tasks([str(table), str(folder)]))
    assert [i.key for i in items if isinstance(i, Task)] == ["c1", "story"]
    out = tmp_path / "out.jsonl"
    assert run_cli("batch", str(table), str(folder), "--out", str(out), *QUICK).exit_code == 0
    assert _ids(out) == ["c1", "story"]


def test_an_overlong_line_is_skipped_without_reading_it_whole() -> None:
    handle = io.StringIO("short\n" + "x" * 1000 + "\nafter\n")
    assert list(bounded_lines(handle, 100)) == [(1, "short\n"), (2, None), (3, "after\n")]


def test_missing_input_and_unknown_engine_fail_clearly(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    items = list(iter_tasks([str(tmp_path / "nope.jsonl")]))
    assert isinstance(items[0], BadRecord) and "no such file" in str(items[0].error)
    run = run_cli("batch", str(tmp_path), "--out", str(out), "--engine", "flink", *QUICK)
    assert run.exit_code == 5 and "unknown engine" in run.stderr


def test_command_line_mistakes_fail_at_once_with_one_line(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    cases = [
        ((str(tmp_path / "nope.jsonl"), "--out", str(out)), 3, "no such file or directory"),
        ((str(corpus), "--out", str(tmp_path)), 6, "is a directory"),
        ((str(corpus), "--out", str(out), "--out-format", "parquet"), 5, "needs --engine spark"),
        ((str(corpus), "--out", str(out), "--out-format", "csv"), 5, "unknown output format"),
        ((str(corpus), "--out", str(out), "--master", "local[2]"), 5, "needs --engine spark"),
        ((str(corpus), "--out", str(out), "--errors", str(out)), 5, "must differ from --out"),
        ((str(corpus), "--out", str(corpus)), 5, "is an input"),
        (
            (str(corpus), "--out", str(tmp_path / "s"), "--engine", "spark", "-w", "2"),
            5,
            "local[N]",
        ),
        ((str(corpus), "--out", str(out), "--errors", str(tmp_path)), 6, "is a directory"),
        (
            (
                str(corpus),
                "--out",
                str(tmp_path / "sp"),
                "--engine",
                "spark",
                "--errors",
                str(tmp_path / "sp" / "e.jsonl"),
            ),
            5,
            "inside the Spark output folder",
        ),
    ]
    for args, code, needle in cases:
        run = run_cli("batch", *args, *QUICK)
        assert run.exit_code == code, (args, run.stderr)
        assert needle in run.stderr and "Traceback" not in run.stderr
        assert len(run.stderr.strip().splitlines()) == 1, run.stderr
    assert not out.exists(), "nothing was written"


def test_inputs_without_any_article_are_an_input_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    folder = tmp_path / "nothing"
    folder.mkdir()
    run = run_cli("batch", str(empty), str(folder), "--out", str(tmp_path / "o.jsonl"), *QUICK)
    assert run.exit_code == 3 and "no articles found" in run.stderr


def test_batch_help_shows_examples() -> None:
    text = run_cli("batch", "--help").stdout
    assert "Examples" in text and "spinlens batch corpus.jsonl --out reports.jsonl" in text


def test_without_a_terminal_progress_is_a_line_now_and_then(corpus: Path, tmp_path: Path) -> None:
    from spinlens.cli.batch import LineProgress

    log = io.StringIO()
    run_local(_job([corpus], tmp_path / "out.jsonl"), LineProgress(every=0, stream=log))
    lines = log.getvalue().splitlines()
    assert len(lines) == 8, "one line per item when every=0"
    assert lines[-1].startswith("spinlens batch: 8/8 (100%), ")
    assert "articles/s" in lines[0] and "elapsed 0:00:0" in lines[0] and "ETA" in lines[0]
    quiet = io.StringIO()
    run_local(_job([corpus], tmp_path / "again.jsonl"), LineProgress(every=3600, stream=quiet))
    assert quiet.getvalue() == "", "nothing before the interval has passed"


def test_an_out_file_that_holds_no_report_is_left_alone(corpus: Path, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\nlast line without newline", encoding="utf-8")
    run = run_cli("batch", str(corpus), "--out", str(notes), *QUICK)
    assert run.exit_code == 6 and "holds no spinlens report" in run.stderr
    assert notes.read_text(encoding="utf-8") == "my notes\nlast line without newline"


def test_inputs_spark_cannot_read_fail_before_models_or_spark_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from spinlens.batch import spark

    def never(*_: object, **__: object) -> None:
        raise AssertionError("models were loaded before the inputs were checked")

    monkeypatch.setattr(spark, "preflight", never)
    monkeypatch.setattr(spark, "spark_session", never)
    array = tmp_path / "a.json"
    array.write_text('[{"text": "x"}]', encoding="utf-8")
    out = str(tmp_path / "sp")
    cases = [(("-",), "reads files, not stdin"), ((str(array),), "not JSON arrays")]
    for inputs, needle in cases:
        run = run_cli("batch", *inputs, "--out", out, "--engine", "spark", *QUICK, input="{}\n")
        assert run.exit_code == 3 and needle in run.stderr
