"""A check that was not made says so: a missing, empty or unreadable store is one report
warning naming it and the command that fills it (``report.not_checked``), the verdict lists
the absent evidence, a broken store prints one line on stderr in ``analyze``, and
``spinlens status`` shows every store."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from spinlens.config import Paths, Settings
from spinlens.document import Document
from spinlens.factcheck.store import FactCheck, FactCheckStore
from spinlens.pipeline import Pipeline
from tests.core.cli_runner import run_cli

TEXT = (
    "The minister said on Monday that unemployment fell to 3 percent in March, and the "
    "office will publish revised figures in June."
)


def _run(settings: Settings, names: list[str]) -> tuple[list[dict[str, str]], list[str], str]:
    doc = Document.from_text(TEXT, language="en", url="https://news.example/a")
    report = Pipeline(names, settings=settings).run(doc)
    assert report.verdict is not None
    notes = [n.model_dump() for n in report.not_checked]
    return notes, report.warnings, report.verdict.explanation


def test_missing_stores_are_not_checked_once_each(tmp_path: Path) -> None:
    settings = Settings(
        paths=Paths(
            factcheck_db=tmp_path / "fc.sqlite",
            index=tmp_path / "index.sqlite",
            sources_db=tmp_path / "sources.sqlite",
        )
    )
    notes, warnings, explanation = _run(settings, ["claims", "provenance", "sources", "verdict"])
    assert [(n["analyzer"], n["problem"]) for n in notes] == [
        ("claims", "missing"),
        ("provenance", "missing"),
        ("sources", "missing"),
    ]
    by = {n["analyzer"]: n for n in notes}
    assert by["claims"]["command"].startswith("spinlens factcheck import")
    assert by["provenance"]["command"].startswith("spinlens index add")
    assert by["sources"]["command"].startswith("spinlens sources import")
    assert sum("not checked" in w for w in warnings) == 3
    for store in ("fact-check database", "provenance index", "source lists"):
        assert store in explanation.split("not checked:")[1]
    assert not (tmp_path / "fc.sqlite").exists()  # looking never creates a store


def test_an_empty_database_is_not_a_clean_result(tmp_path: Path) -> None:
    db = tmp_path / "fc.sqlite"
    FactCheckStore(db).close()  # created, nothing imported
    notes, warnings, _ = _run(Settings(paths=Paths(factcheck_db=db)), ["claims", "verdict"])
    assert [(n["store"], n["problem"]) for n in notes] == [("fact-check database", "empty")]
    assert any("no fact-checks imported" in w for w in warnings)


def test_a_filled_database_is_checked(tmp_path: Path) -> None:
    db = tmp_path / "fc.sqlite"
    with FactCheckStore(db) as store:
        store.upsert([FactCheck("c1", "Unemployment fell to 3 percent in March", "False")])
    notes, _, explanation = _run(Settings(paths=Paths(factcheck_db=db)), ["claims", "verdict"])
    assert notes == [] and "fact-check database" not in explanation


def test_a_broken_index_in_analyze_is_one_line_on_stderr(tmp_path: Path) -> None:
    index = tmp_path / "index.sqlite"
    index.write_bytes(b"this is not a database " * 200)
    article = tmp_path / "a.txt"
    article.write_text(TEXT, encoding="utf-8")
    # A real process: the line must reach the terminal, not only a logging handler.
    run = subprocess.run(
        [
            *(sys.executable, "-m", "spinlens", "--set", f"paths.index={index}", "analyze"),
            *(str(article), "--only", "provenance", "--format", "json"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    lines = [line for line in run.stderr.splitlines() if "provenance index" in line]
    assert len(lines) == 1 and "cannot be read" in lines[0]
    report = json.loads(run.stdout)
    assert report["not_checked"][0]["problem"] == "unreadable"


def test_status_lists_every_store(tmp_path: Path) -> None:
    stores = json.loads(run_cli("status", "--json").stdout)
    assert [(s["store"], s["state"]) for s in stores] == [
        ("fact-check database", "missing"),
        ("provenance index", "missing"),
        ("source lists", "missing"),
    ]
    csv_file = tmp_path / "desk.csv"
    csv_file.write_text("id,claim,verdict\nd1,The sky is green,False\n", encoding="utf-8")
    assert run_cli("factcheck", "import", str(csv_file), "-f", "csv").exit_code == 0
    first = json.loads(run_cli("status", "--json").stdout)[0]
    assert (first["state"], first["records"]) == ("ok", 1)
    assert first["size"] > 0 and first["last_import"]
    text = run_cli("status").stdout
    assert "fact-check database (used by claims): 1 fact-checks" in text
    assert "fill it with: spinlens index add" in text
