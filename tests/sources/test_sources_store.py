"""Source lists: each format imports from a tiny file, lookups normalise domains and cite lists."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spinlens.analyzers.sources import SourcesAnalyzer
from spinlens.config import Settings
from spinlens.document import Document
from spinlens.errors import InputError
from spinlens.sources import SourceStore, candidates, normalize, read
from tests.core.cli_runner import run_cli

LIN = "domain,pc1,afm,mbfc\nreuters.com,1,0.96,1\nrt.com,0.29,0.59,0.41\nblog.example.org,0.5,,\n"
OPENSOURCES_CSV = (
    ",type,2nd type,3rd type,Source Notes (things to know?),\n"
    "rt.com,state,,,Russian state media,\n"
    'fakesite.example,fake,bias,,"notes, with comma",extra cell\n'
)
OPENSOURCES_JSON = {
    "fakesite.example": {"type": "fake", "2nd type": "", "3rd type": "", "notes": ""},
    "satire.example": {"type": "satire", "2nd type": "", "3rd type": ""},
}
MBFC = (
    "source_url\tsource_url_normalized\tref\tfact\tbias\n"
    "https://www.rt.com/\trt.com\thttps://mediabiasfactcheck.com/rt-news/\tmixed\tright-center\n"
    "http://reuters.com\treuters.com\thttps://mediabiasfactcheck.com/reuters/\thigh\tcenter\n"
)
OWN = (
    "domain,score,label,detail\n"
    "https://www.Fakesite.example/a,0.05,blocked,our desk\n"
    "ok.example,,,\n"
)


def _write(tmp_path: Path, name: str, content: str) -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


def _import(path: Path, fmt: str, *extra: str) -> str:
    run = run_cli("sources", "import", str(path), "--format", fmt, *extra)
    assert run.exit_code == 0, run.stderr
    return run.stdout


def _lookup(domain: str, *extra: str) -> dict:  # type: ignore[type-arg]
    run = run_cli("sources", "lookup", domain, "--json", *extra)
    assert run.exit_code == 0, run.stderr
    return json.loads(run.stdout)  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("https://www.RT.com/news/123?x=1", "rt.com/news/123"),
        ("https://www.rt.com/", "rt.com"),
        ("m.bbc.co.uk", "bbc.co.uk"),
        ("mobile.twitter.com:443", "twitter.com"),
        ("news.example.co.uk.", "news.example.co.uk"),
        ("www.co.uk", "www.co.uk"),
        ("bücher.example", "xn--bcher-kva.example"),
    ],
)
def test_normalize(raw: str, key: str) -> None:
    assert normalize(raw) == key


def test_candidates_stop_at_registrable_domain() -> None:
    assert candidates("https://live.news.bbc.co.uk/x") == [
        "live.news.bbc.co.uk/x",
        "live.news.bbc.co.uk",
        "news.bbc.co.uk",
        "bbc.co.uk",
    ]
    assert candidates("someone.blogspot.com") == ["someone.blogspot.com"]


@pytest.mark.parametrize("bad", ["", "   ", "localhost", "not a domain", "http://"])
def test_bad_domains_are_input_errors(bad: str) -> None:
    with pytest.raises(InputError):
        normalize(bad)


def test_every_format_imports_and_lookup_cites_each_list(tmp_path: Path) -> None:
    _import(_write(tmp_path, "lin.csv", LIN), "lin2023")
    _import(_write(tmp_path, "os.csv", OPENSOURCES_CSV), "opensources")
    _import(
        _write(tmp_path, "os.json", json.dumps(OPENSOURCES_JSON)),
        "opensources",
        "--name",
        "os-json",
    )
    _import(_write(tmp_path, "corpus.tsv", MBFC), "mbfc-baly")
    out = _import(_write(tmp_path, "desk.csv", OWN), "csv")
    assert "list 'desk'" in out

    rt = _lookup("https://www.rt.com/news/1")
    by_list = {r["list"]: r for r in rt["ratings"]}
    assert set(by_list) == {"lin2023", "opensources", "mbfc-baly"}
    assert by_list["lin2023"]["score"] == pytest.approx(0.29)
    assert by_list["opensources"]["label"] == "state"
    assert by_list["mbfc-baly"]["label"] == "factuality mixed, bias right-center"
    assert by_list["mbfc-baly"]["detail"].startswith("https://mediabiasfactcheck.com/")
    assert 0.2 < rt["score"] < 0.5

    fake = _lookup("fakesite.example")
    fake_lists = {r["list"]: r for r in fake["ratings"]}
    assert set(fake_lists) == {"opensources", "os-json", "desk"}
    assert fake_lists["opensources"]["label"] == "fake, bias"
    assert fake_lists["opensources"]["detail"] == "notes, with comma"
    assert fake["score"] < 0.1

    only = _lookup("rt.com", "--list", "lin2023")
    assert [r["list"] for r in only["ratings"]] == ["lin2023"]

    listed = run_cli("sources", "lists")
    for name in ("lin2023", "opensources", "os-json", "mbfc-baly", "desk"):
        assert name in listed.stdout


def test_reimport_replaces_without_duplicates(tmp_path: Path) -> None:
    path = _write(tmp_path, "lin.csv", LIN)
    _import(path, "lin2023")
    _import(path, "lin2023")
    store = SourceStore(Settings().paths.sources_db)
    (info,) = store.lists()
    assert info.entries == 3
    path.write_text("domain,pc1\nrt.com,0.4\n", encoding="utf-8")
    _import(path, "lin2023")
    assert [i.entries for i in store.lists()] == [1]
    assert store.lookup("reuters.com") == []


def test_failed_import_keeps_the_previous_list(tmp_path: Path) -> None:
    _import(_write(tmp_path, "lin.csv", LIN), "lin2023")
    bad = _write(tmp_path, "bad.csv", "domain,pc1\nreuters.com,1\nrt.com,1.7\n")
    run = run_cli("sources", "import", str(bad), "--format", "lin2023", "--strict")
    assert run.exit_code == 3
    assert "bad.csv:3" in run.stderr and "outside 0-1" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
    assert SourceStore(Settings().paths.sources_db).lists()[0].entries == 3


@pytest.mark.parametrize(
    ("content", "fmt", "message"),
    [
        ("site,score\nx.com,1\n", "csv", "missing column(s) domain"),
        ("domain,score\nx.com,high\n", "csv", "is not a number"),
        ("url\tfact\n", "mbfc-baly", "missing column(s) source_url"),
        ("source_url\tfact\n", "mbfc-baly", "no ratings found"),
    ],
)
def test_bad_lists_fail_with_one_line(tmp_path: Path, content: str, fmt: str, message: str) -> None:
    run = run_cli("sources", "import", str(_write(tmp_path, "f.txt", content)), "--format", fmt)
    assert run.exit_code == 3
    assert message in run.stderr


def test_unknown_format_and_lookup_of_junk() -> None:
    assert run_cli("sources", "import", "x.csv", "--format", "nope").exit_code == 2
    assert run_cli("sources", "lookup", "not a domain").exit_code == 3


def test_analyzer_uses_chosen_lists(tmp_path: Path) -> None:
    settings = Settings()
    store = SourceStore(settings.paths.sources_db)
    store.replace_list("lin2023", "lin2023", "t", read(_write(tmp_path, "l.csv", LIN), "lin2023"))
    store.replace_list("mbfc", "mbfc-baly", "t", read(_write(tmp_path, "m.tsv", MBFC), "mbfc-baly"))
    doc = Document.from_text("Some text.", url="https://www.rt.com/news/1")

    every = SourcesAnalyzer(settings=settings).analyze(doc, {})
    assert every.data["domain"] == "rt.com" and not every.spans
    assert {r["list"] for r in every.data["ratings"]} == {"lin2023", "mbfc"}

    chosen = SourcesAnalyzer(lists=["mbfc"], settings=settings).analyze(doc, {})
    assert [r["list"] for r in chosen.data["ratings"]] == ["mbfc"]
    assert chosen.data["score"] == pytest.approx(0.45)


def test_the_verdict_reads_the_typed_ratings_the_analyzer_hands_on(tmp_path: Path) -> None:
    """What the sources analyzer hands the verdict is typed (no dict digging), and the
    report's ``data.sources`` is derived from those same fields."""
    from spinlens.analyzers.results import sources_of
    from spinlens.analyzers.verdict import reasons

    settings = Settings()
    store = SourceStore(settings.paths.sources_db)
    store.replace_list("lin2023", "lin2023", "t", read(_write(tmp_path, "l.csv", LIN), "lin2023"))
    doc = Document.from_text("Some text.", url="https://www.rt.com/news/1")
    result = SourcesAnalyzer(settings=settings).analyze(doc, {})
    typed = sources_of({"sources": result})
    assert typed is not None and typed.domain == "rt.com"
    assert [(r.list, r.domain, r.score) for r in typed.ratings] == [("lin2023", "rt.com", 0.29)]
    assert typed.score == pytest.approx(0.29) and result.data == typed.as_data()
    (reason,) = reasons.sources({"sources": result}, 1.0)
    assert reason.text.startswith("The site rt.com has reliability 0.29 on: lin2023")
    assert reason.ratings[0]["list"] == "lin2023" and reason.weight == pytest.approx(0.21)


def test_analyzer_without_store_or_domain() -> None:
    analyzer = SourcesAnalyzer(settings=Settings())
    with_url = analyzer.analyze(Document.from_text("x", url="https://rt.com/"), {})
    assert with_url.data["ratings"] == [] and with_url.warnings
    no_url = analyzer.analyze(Document.from_text("x"), {})
    assert no_url.data["domain"] is None and not no_url.warnings


PATHS = (
    "domain,pc1\n"
    "facebook.com,0.41\n"
    "facebook.com/news,0.83\n"
    "facebook.com/junkpage,0.24\n"
    "m.espn.com,0.57\n"
    "espn.com,0.85\n"
    "espn.com,0.10\n"
    "who.int/en,0.95\n"
)


def test_sections_skins_and_duplicates(tmp_path: Path) -> None:
    out = _import(_write(tmp_path, "lin.csv", PATHS), "lin2023")
    assert "imported 5 ratings" in out  # three espn.com rows are one key

    def score(target: str) -> float | None:
        ratings = _lookup(target)["ratings"]
        return ratings[0]["score"] if ratings else None

    assert score("https://www.facebook.com/JunkPage/posts/1") == pytest.approx(0.24)
    assert score("https://facebook.com/somebody") == pytest.approx(0.41)
    assert score("facebook.com") == pytest.approx(0.41)
    assert score("https://m.espn.com/nba") == pytest.approx(
        0.85
    )  # named row beats skin, first wins
    assert score("who.int") == pytest.approx(0.95)  # the only section rated answers for the host
    assert score("https://www.who.int/fr/news") == pytest.approx(0.95)
