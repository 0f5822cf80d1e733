"""``spinlens eval verdict --false-alarms``: the whole pipeline with the fact-check database
and the provenance index filled, counted per dataset as genuine/fake x verdict label."""

from __future__ import annotations

from pathlib import Path

from spinlens.eval.false_alarms import SNOPES, false_alarms

REAL = (
    "WASHINGTON (Reuters) - The Senate voted 52 to 48 on Tuesday to confirm the nominee, "
    "officials said. The vote followed a week of hearings in which senators questioned the "
    "nominee about trade policy and the budget, according to a statement."
)
FAKE = (
    "SHOCKING!!! You won't BELIEVE what they are hiding from you! Insiders claim the "
    "so-called experts are lying again, and the TRUTH is finally exposed. Wake up, people!"
)


def _data(root: Path) -> Path:
    """Two tiny datasets laid out as the shared ones, and a two-claim Snopes file."""
    for folder, text, n in (
        ("horne2017-fakenewsdata1/buzzfeed_political/Real", REAL, 2),
        ("horne2017-fakenewsdata1/buzzfeed_political/Fake", FAKE, 2),
        ("fakenews-amt-celebrity-perezrosas2018/fakeNewsDataset/legit", REAL, 2),
        ("fakenews-amt-celebrity-perezrosas2018/fakeNewsDataset/fake", FAKE, 2),
    ):
        path = root / folder
        path.mkdir(parents=True)
        for i in range(n):
            (path / f"{i}.txt").write_text(f"{text} Item {i}.", encoding="utf-8")
    snopes = root / SNOPES
    snopes.parent.mkdir(parents=True)
    snopes.write_text(
        "vclaim_id\tvclaim\ttitle\n"
        "vclaim-1\tThe Senate voted 52 to 48 to confirm the nominee.\tSenate vote\n"
        "vclaim-2\tA celebrity was arrested for hiding aliens.\tAliens\n",
        encoding="utf-8",
    )
    return root


def test_every_article_gets_a_verdict_counted_by_dataset(tmp_path: Path) -> None:
    results = false_alarms(_data(tmp_path / "data"), tmp_path / "work", per_class=2)
    assert [r.name for r in results] == [
        "horne2017-fakenewsdata1",
        "fakenews-amt-celebrity-perezrosas2018",
    ]
    for figures in results:
        assert sum(figures.genuine.values()) == 2 and sum(figures.fake.values()) == 2
        assert figures.share(figures.genuine, "unreliable") == 0.0
        assert "genuine unreliable 0.0% (0/2)" in figures.line()
    assert (tmp_path / "work" / "index.sqlite").is_file()  # every article indexed
