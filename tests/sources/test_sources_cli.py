"""``spinlens sources`` as a user meets it: bad rows, bad files, hostile list text, offline PSL."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest

from spinlens.analyzers.sources import SourcesAnalyzer
from spinlens.cli.sources import ListFormat
from spinlens.config import Settings
from spinlens.document import Document
from spinlens.sources import FORMATS, SourceStore, domains, read
from tests.core.cli_runner import run_cli

DESK = "domain,score,label,detail\nrt.com,0.1,state media,our desk\nbücher.example,0.6,books,\n"


def _write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def _lookup(target: str, *extra: str) -> dict[str, Any]:
    run = run_cli("sources", "lookup", target, "--json", *extra)
    assert run.exit_code == 0, run.stderr
    return json.loads(run.stdout)  # type: ignore[no-any-return]


def test_format_choices_are_every_reader() -> None:
    assert {f.value for f in ListFormat} == set(FORMATS)


def test_bad_rows_are_reported_and_skipped(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "desk.csv",
        "domain,score\nok.example,0.5\nbad..example,0.3\nfine.example,7\nother.example,0.9\n",
    )
    run = run_cli("sources", "import", str(path), "--format", "csv")
    assert run.exit_code == 8, run.stderr
    assert "desk.csv:3" in run.stderr and "not a valid domain name" in run.stderr
    assert "desk.csv:4" in run.stderr and "outside 0-1" in run.stderr
    assert "imported 2 ratings" in run.stdout and "2 bad rows skipped" in run.stdout
    assert "Traceback" not in run.stderr
    assert _lookup("other.example")["score"] == pytest.approx(0.9)


def test_strict_import_aborts_and_keeps_the_previous_list(tmp_path: Path) -> None:
    path = _write(tmp_path, "desk.csv", DESK)
    assert run_cli("sources", "import", str(path), "--format", "csv").exit_code == 0
    path.write_text("domain,score\nnew.example,0.5\nbad..example,0.3\n", encoding="utf-8")
    run = run_cli("sources", "import", str(path), "--format", "csv", "--strict")
    assert run.exit_code == 3 and "desk.csv:3" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
    assert _lookup("rt.com")["ratings"][0]["label"] == "state media"
    assert _lookup("new.example")["ratings"] == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\x00\x01\x02\xff" * 50, "binary"),
        (b"domain,score\n" + b"a" * 200_000 + b".com,0.5\n", "desk.csv:2"),
        (b"name,rating\nx.com,1\n", "missing column(s) domain, score"),
    ],
)
def test_unreadable_list_files_fail_with_one_line(
    tmp_path: Path, content: bytes, message: str
) -> None:
    run = run_cli("sources", "import", str(_write(tmp_path, "desk.csv", content)), "-f", "csv")
    assert run.exit_code == 3, run.stderr
    assert message in run.stderr and len(run.stderr.strip().splitlines()) == 1


def test_missing_file_directory_bad_format_and_empty_name(tmp_path: Path) -> None:
    missing = run_cli("sources", "import", str(tmp_path / "nope.csv"), "--format", "csv")
    assert missing.exit_code == 3 and "file not found" in missing.stderr
    folder = run_cli("sources", "import", str(tmp_path), "--format", "csv")
    assert folder.exit_code == 3 and "is a directory" in folder.stderr
    path = _write(tmp_path, "desk.csv", DESK)
    assert run_cli("sources", "import", str(path), "--format", "xml").exit_code == 2
    unnamed = run_cli("sources", "import", str(path), "--format", "csv", "--name", " ")
    assert unnamed.exit_code == 3 and "--name" in unnamed.stderr


def test_a_list_saved_in_a_legacy_encoding_imports(tmp_path: Path) -> None:
    path = _write(
        tmp_path, "desk.csv", "domain,score,label\nrt.com,0.1,média d'État\n".encode("cp1252")
    )
    run = run_cli("sources", "import", str(path), "--format", "csv")
    assert run.exit_code == 0, run.stderr
    assert _lookup("rt.com")["ratings"][0]["label"] == "média d'État"


def test_lookup_normalises_every_way_a_user_writes_a_domain(tmp_path: Path) -> None:
    assert run_cli("sources", "import", str(_write(tmp_path, "desk.csv", DESK)), "-f", "csv")
    for target in (
        "rt.com",
        "WWW.RT.COM.",
        "https://www.rt.com/news/1?x=2#top",
        "m.rt.com",
        "amp.rt.com",
        "mobile.rt.com:8443",
        "https://user@edition.rt.com/a/b/c",
        "live.news.rt.com",
    ):
        found = _lookup(target)
        assert [r["domain"] for r in found["ratings"]] == ["rt.com"], target
    for target in (
        "bücher.example",
        "BÜCHER.example",
        "xn--bcher-kva.example",
        "www.bücher.example",
    ):
        found = _lookup(target)
        assert found["host"].endswith("xn--bcher-kva.example"), target
        assert [r["score"] for r in found["ratings"]] == [0.6], target


def test_lookup_of_a_list_that_is_not_imported_is_an_error(tmp_path: Path) -> None:
    assert run_cli("sources", "import", str(_write(tmp_path, "desk.csv", DESK)), "-f", "csv")
    run = run_cli("sources", "lookup", "rt.com", "--list", "desk", "--list", "nope")
    assert run.exit_code == 3 and "'nope'" in run.stderr and "imported: desk" in run.stderr
    gone = run_cli("sources", "remove", "nope")
    assert gone.exit_code == 3 and "'nope'" in gone.stderr


def test_hostile_list_text_is_shown_not_interpreted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "250")  # one table row per rating
    hostile = (
        "domain,score,label,detail\n"
        'evil.example,0.1,[/bold] broken [red]x,"\x1b[2J\x1b]0;pwned\x07 [link=https://x]y[/link]"\n'
    )
    path = _write(tmp_path, "evil.csv", hostile)
    imported = run_cli("sources", "import", str(path), "--format", "csv", "--name", "[/]x")
    assert imported.exit_code == 0, imported.stderr
    run = run_cli("sources", "lookup", "evil.example")
    assert run.exit_code == 0, run.stderr
    assert "[/bold] broken [red]x" in run.stdout and "[link=https://x]y[/link]" in run.stdout
    assert "\x1b" not in run.stdout and "\x07" not in run.stdout
    listed = run_cli("sources", "lists")
    assert listed.exit_code == 0 and "[/]x" in listed.stdout


def test_long_junk_is_quoted_bounded_in_the_error() -> None:
    run = run_cli("sources", "lookup", "a." * 3000 + "com")
    assert run.exit_code == 3 and len(run.stderr) < 300


def test_help_shows_examples() -> None:
    for command in ("import", "lookup"):
        run = run_cli("sources", command, "--help")
        assert run.exit_code == 0 and "Examples: spinlens sources " + command in run.stdout


def test_domain_normalisation_never_touches_the_network(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access during a lookup")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    domains._psl.cache_clear()  # load the bundled Public Suffix List again, offline
    assert domains.registrable("live.news.bbc.co.uk") == "bbc.co.uk"
    assert domains.registrable("someone.blogspot.com") == "someone.blogspot.com"
    assert run_cli("sources", "import", str(_write(tmp_path, "desk.csv", DESK)), "-f", "csv")
    assert _lookup("https://live.news.rt.com/x")["score"] == pytest.approx(0.1)


def test_analyzer_warns_about_chosen_lists_that_are_not_imported(tmp_path: Path) -> None:
    settings = Settings()
    store = SourceStore(settings.paths.sources_db)
    store.replace_list("desk", "csv", "t", read(_write(tmp_path, "d.csv", DESK), "csv"))
    doc = Document.from_text("Some text.", url="https://www.rt.com/news/1")
    result = SourcesAnalyzer(lists=["desk", "lin2023"], settings=settings).analyze(doc, {})
    assert [r["list"] for r in result.data["ratings"]] == ["desk"]
    assert any("lin2023" in w and "not imported" in w for w in result.warnings)
    fine = SourcesAnalyzer(lists=["desk"], settings=settings).analyze(doc, {})
    assert not fine.warnings


def test_a_broken_store_fails_the_sources_analyzer_not_the_analysis(tmp_path: Path) -> None:
    from spinlens.pipeline import Pipeline

    settings = Settings()
    settings.paths.sources_db.parent.mkdir(parents=True, exist_ok=True)
    settings.paths.sources_db.write_bytes(b"not a database " * 100)
    lookup = run_cli("sources", "lookup", "rt.com")
    assert lookup.exit_code == 5 and "[E504]" in lookup.stderr
    assert "cannot be read" in lookup.stderr and "rebuild it" in lookup.stderr
    doc = Document.from_text(
        "Officials said the plan is fine.", url="https://rt.com/a", language="en"
    )
    report = Pipeline(["quotes", "sources"], settings=settings).run(doc)
    runs = {run.name: run.status for run in report.analyzers}
    # as for the other stores: the analysis goes on and says the domain was not checked
    assert runs == {"quotes": "ok", "sources": "ok"}
    assert any("not checked" in w and "cannot be read" in w for w in report.warnings)


def test_an_unusable_store_path_is_a_configuration_error(tmp_path: Path) -> None:
    blocker = _write(tmp_path, "file", "x")
    run = run_cli("--set", f"paths.sources_db={blocker}/sub/sources.sqlite", "sources", "lists")
    assert run.exit_code == 5 and "cannot open sources store" in run.stderr


def test_the_package_ships_no_list() -> None:
    package = Path(domains.__file__).parents[1]
    shipped = [p for p in package.rglob("*") if p.suffix.lower() in {".csv", ".tsv"}]
    assert shipped == []
    scales = json.loads((package / "sources" / "scales.json").read_text(encoding="utf-8"))
    assert not [
        k for table in scales.values() if isinstance(table, dict) for k in table if "." in k
    ]


def test_lists_as_json(tmp_path: Path) -> None:
    assert json.loads(run_cli("sources", "lists", "--json").stdout) == []
    path = _write(tmp_path, "desk.csv", DESK)
    assert run_cli("sources", "import", str(path), "-f", "csv").exit_code == 0
    (info,) = json.loads(run_cli("sources", "lists", "--json").stdout)
    assert (info["name"], info["format"], info["entries"]) == ("desk", "csv", 2)
    assert info["source"] == str(path.resolve()) and info["imported"]


def test_an_empty_store_warns_like_no_store(tmp_path: Path) -> None:
    path = _write(tmp_path, "desk.csv", DESK)
    assert run_cli("sources", "import", str(path), "-f", "csv").exit_code == 0
    assert run_cli("sources", "remove", "desk").exit_code == 0
    doc = Document.from_text("Some text.", url="https://www.rt.com/news/1")
    result = SourcesAnalyzer(settings=Settings()).analyze(doc, {})
    assert result.data["ratings"] == [] and any("no source lists" in w for w in result.warnings)


def test_reimport_says_what_it_replaced(tmp_path: Path) -> None:
    path = _write(tmp_path, "desk.csv", DESK)
    first = run_cli("sources", "import", str(path), "-f", "csv")
    assert first.exit_code == 0 and "replaced" not in first.stdout
    again = run_cli("sources", "import", str(path), "-f", "csv")
    assert again.exit_code == 0
    assert f"replaced the earlier import (2 ratings from {path.resolve()})" in again.stdout


def test_lookup_with_no_list_imported_says_so_instead_of_rating_nothing() -> None:
    for args in (("rt.com",), ("rt.com", "--json")):
        run = run_cli("sources", "lookup", *args)
        assert run.exit_code == 7, run.stdout
        assert "no source list imported yet" in run.stderr
        assert "spinlens sources import" in run.stderr and run.stdout == ""
