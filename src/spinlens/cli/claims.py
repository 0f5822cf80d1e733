"""``spinlens claims rank``, ``spinlens factcheck import|match``, ``spinlens eval|train claims``."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

import typer
from rich.console import Console
from rich.progress import track

from spinlens.cli.app import State, app, command, eval_app, train_app
from spinlens.cli.output import report_skipped
from spinlens.errors import PARTIAL_FAILURE_EXIT, InputError, MissingDependencyError

claims_app = typer.Typer(help="Check-worthiness of sentences.", no_args_is_help=True)
factcheck_app = typer.Typer(
    help="The fact-check database: import fact-checks, match claims against them.",
    no_args_is_help=True,
)
app.add_typer(claims_app, name="claims")
app.add_typer(factcheck_app, name="factcheck")

T = TypeVar("T")
BATCH = 256


class ImportFormat(StrEnum):
    claimreview = "claimreview"
    checkthat2020 = "checkthat2020"
    csv = "csv"


class MatchFormat(StrEnum):
    trec = "trec"
    json = "json"


def _progress(items: Sequence[T], label: str) -> Iterable[T]:
    """A progress bar on stderr for long inputs (none for a handful of items)."""
    if len(items) < 2 * BATCH:
        return items
    return track(items, description=label, console=Console(stderr=True), transient=True)


def _chunks(items: Sequence[T], size: int = BATCH) -> list[Sequence[T]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _db(db: Path | None) -> Path:
    """--db, else paths.factcheck_db; '~' is the home folder (config values keep it)."""
    return (db or State.settings().paths.factcheck_db).expanduser()


RANK_EXAMPLE = (
    "Examples: spinlens claims rank CT24_checkworthy_english_dev-test.tsv > run.tsv · "
    "spinlens claims rank --fast 20160926_1pres.tsv · spinlens claims rank article.txt"
)


@command("rank", parent=claims_app, epilog=RANK_EXAMPLE)
def rank(
    file: Path = typer.Argument(
        ...,
        help="An article (.txt, .html, .json/.jsonl: its sentences, numbered from 1) or a "
        "CheckThat! 2019 ('line<TAB>speaker<TAB>text[<TAB>label]') or 2024 "
        "('Sentence_id<TAB>Text[<TAB>class_label]', header optional) TSV; '-' reads stdin.",
    ),
    fast: bool = typer.Option(
        False, "--fast", help="Use the fast model (no sentence encoder; less accurate)."
    ),
) -> None:
    """Print 'id<TAB>score' per sentence, in input order; score >= 0.5 means check-worthy.

    An article's sentences get their number as id (1, 2, ...; 'docid:n' for a JSONL file of
    several). A CheckThat! file's format is detected from the header or the column count; a
    label column is ignored.
    A malformed line is reported on stderr and skipped (exit code 8)."""
    from spinlens.analyzers.claims import MAX_SENTENCE_CHARS
    from spinlens.analyzers.claims.formats import read_rank_input
    from spinlens.analyzers.claims.model import FAST_MODEL, MODEL, shipped_model

    skipped: list[str] = []
    sentences = read_rank_input(file, skipped)
    report_skipped(skipped)
    model = shipped_model(FAST_MODEL if fast else MODEL)
    for chunk in _progress(_chunks(sentences), "scoring"):
        scores = model.predict([s.text[:MAX_SENTENCE_CHARS] for s in chunk])
        sys.stdout.writelines(f"{s.id}\t{p:.6f}\n" for s, p in zip(chunk, scores, strict=True))
    if skipped:
        raise typer.Exit(PARTIAL_FAILURE_EXIT)


def _plural(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


IMPORT_EXAMPLE = (
    "Examples: spinlens factcheck import verified_claims.docs.tsv --format checkthat2020 · "
    "spinlens factcheck import reviews.jsonld --format claimreview --db desk.sqlite · "
    "spinlens factcheck import saved-pages/ -f claimreview (every .html/.json file) · "
    "spinlens factcheck import ours.csv -f csv (header: claim[,id,verdict,publisher,url,date,"
    "language,title])"
)


@command("import", parent=factcheck_app, epilog=IMPORT_EXAMPLE)
def import_(
    file: Path = typer.Argument(
        ..., help="File of fact-checks to import ('-': stdin; claimreview: also a folder)."
    ),
    format_: ImportFormat = typer.Option(
        ...,
        "--format",
        "-f",
        help="claimreview: schema.org ClaimReview JSON-LD (object, list, @graph, JSON Lines or "
        "HTML pages) or a Fact Check Tools API export; checkthat2020: verified_claims.docs.tsv; "
        "csv: CSV/TSV with a 'claim' column.",
    ),
    db: Path | None = typer.Option(
        None, "--db", help="SQLite database (default: paths.factcheck_db)."
    ),
    strict: bool = typer.Option(
        False, "--strict", help="Abort on the first bad record instead of skipping it."
    ),
) -> None:
    """Add fact-checks to the database; re-importing updates rows, never duplicates them.

    All records are written in one transaction: an unreadable file leaves the database as it
    was. A bad record (no claim text, an id with spaces) is reported on stderr and skipped
    (exit code 8), or aborts the import with --strict."""
    from spinlens.factcheck.importers import IMPORTERS
    from spinlens.factcheck.index import open_index
    from spinlens.factcheck.store import FactCheckStore

    path = _db(db)
    skipped: list[str] | None = None if strict else []
    records = list(IMPORTERS[format_.value](file, skipped))
    if not records and skipped:
        raise InputError(f"{file}: no valid fact-check ({skipped[0]})")
    report_skipped(skipped or [])
    with FactCheckStore(path) as store:
        before = store.count()
        written = store.upsert(records)
        total = store.count()
        new = total - before
        line = (
            f"imported {_plural(written, 'fact-check')} ({new} new, {written - new} updated) "
            f"into {path} ({total} in total)"
        )
        if skipped:
            line += f"; {_plural(len(skipped), 'bad record')} skipped"
        typer.echo(line, err=True)
        with Console(stderr=True).status("indexing (BM25 + embeddings)"):
            open_index(store)
    if skipped:
        raise typer.Exit(PARTIAL_FAILURE_EXIT)


STATS_EXAMPLE = (
    "Examples: spinlens factcheck stats · spinlens factcheck stats --db desk.sqlite --json"
)


@command("stats", parent=factcheck_app, epilog=STATS_EXAMPLE)
def stats(
    db: Path | None = typer.Option(
        None, "--db", help="SQLite database (default: paths.factcheck_db)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of text."),
) -> None:
    """What the database holds: fact-checks by origin, rating, publisher and language."""
    from spinlens.factcheck.index import index_state
    from spinlens.factcheck.store import FactCheckStore

    path = _db(db)
    with FactCheckStore(path, create=False) as store:
        total, state = store.count(), index_state(store)
        groups = {key: store.counts(key) for key in ("origin", "rating", "publisher", "language")}
    summary = {
        "database": str(path),
        "factchecks": total,
        "index": state,
        **{f"by_{key}": counts for key, counts in groups.items()},
    }
    if as_json:
        typer.echo(json.dumps(summary, ensure_ascii=False, indent=2))
        return
    typer.echo(f"{path}: {_plural(total, 'fact-check')}, index {summary['index']}")
    for key, counts in groups.items():
        top = list(counts.items())[:10]
        shown = ", ".join(f"{printable_cell(k) or '(none)'} {n:,}" for k, n in top) or "-"
        more = f", {len(counts) - 10:,} more" if len(counts) > 10 else ""
        typer.echo(f"  by {key}: {shown}{more}")


def printable_cell(value: str, limit: int = 40) -> str:
    """A stored value on one terminal line: no control characters, bounded."""
    text = "".join(c if c.isprintable() else " " for c in value).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


MATCH_EXAMPLE = (
    "Examples: spinlens factcheck match dev/tweets.queries.tsv --top 5 > run.trec · "
    "spinlens factcheck match claims.tsv --top 3 --format json --db desk.sqlite · "
    "spinlens factcheck match claims.tsv --only-matches (what the analyzer would report)"
)


@command("match", parent=factcheck_app, epilog=MATCH_EXAMPLE)
def match(
    file: Path = typer.Argument(
        ..., help="Queries, one 'id<TAB>text' per line ('-': stdin); a header line is skipped."
    ),
    top: int = typer.Option(5, "--top", min=1, max=100, help="Matches per query."),
    format_: MatchFormat = typer.Option(
        MatchFormat.trec,
        "--format",
        "-f",
        help="trec: 'qid Q0 claim_id rank score spinlens' (tab-separated); json: one object "
        "per match with the claim, verdict, rating, publisher and url.",
    ),
    db: Path | None = typer.Option(
        None, "--db", help="SQLite database (default: paths.factcheck_db)."
    ),
    min_score: float = typer.Option(
        0.0,
        "--min-score",
        min=0.0,
        max=1.0,
        help="Leave out matches whose reranker score is below this.",
    ),
    only_matches: bool = typer.Option(
        False,
        "--only-matches",
        help="Print only the pairs the claims analyzer would report: same-claim probability "
        "at or above the shipped threshold; queries without one print nothing.",
    ),
) -> None:
    """Find already fact-checked claims for each query (BM25 + embeddings + reranker).

    Candidates are ranked by the reranker's score (topical similarity); json adds each pair's
    same-claim probability ('probability'), which decides what the analyzer reports. A
    malformed line is reported on stderr and skipped (exit code 8)."""
    from spinlens.factcheck.files import read_text_file
    from spinlens.factcheck.match import Matcher
    from spinlens.factcheck.queries import parse_queries
    from spinlens.factcheck.sameclaim import shipped_sameclaim
    from spinlens.factcheck.store import FactCheckStore

    skipped: list[str] = []
    queries = parse_queries(read_text_file(file), str(file), skipped)
    report_skipped(skipped)
    same_claim = shipped_sameclaim().threshold if only_matches else None
    with FactCheckStore(_db(db), create=False) as store:
        matcher = Matcher(store)
        for chunk in _progress(_chunks(queries, 64), "matching"):
            found = matcher.match(
                [t for _, t in chunk], top=top, threshold=min_score, same_claim=same_claim
            )
            for (qid, _), matches in zip(chunk, found, strict=True):
                sys.stdout.writelines(_format(qid, matches, format_))
    if skipped:
        raise typer.Exit(PARTIAL_FAILURE_EXIT)


def _format(qid: str, matches: Sequence[object], format_: MatchFormat) -> Iterator[str]:
    from spinlens.factcheck.match import Match

    for m in matches:
        assert isinstance(m, Match)
        if format_ is MatchFormat.trec:
            yield f"{qid}\tQ0\t{m.record.id}\t{m.rank}\t{m.score:.6f}\tspinlens\n"
        else:
            r = m.record
            row = {
                "qid": qid,
                "rank": m.rank,
                "score": round(m.score, 6),
                "probability": round(m.probability, 6),
                "claim_id": r.id,
                "claim": r.claim,
                "verdict": r.verdict,
                "rating": r.rating,
                "publisher": r.publisher,
                "url": r.url,
                "date": r.date,
                "language": r.language,
                "title": r.title,
            }
            yield json.dumps(row, ensure_ascii=False) + "\n"


EVAL_EXAMPLE = "Example: SPINLENS_THREADS=1 spinlens eval claims --data ../shared/data"
TRAIN_EXAMPLE = (
    "Example (the shipped models): spinlens train claims --data ../shared/data --with-2019 "
    "--with-tweets --epochs 2 --use-epoch 1"
)


def _check_data(data: Path) -> None:
    from spinlens.eval.claims import CT2019, CT2020_T2, CT2024

    if not data.is_dir():
        raise MissingDependencyError(f"data folder not found: {data} (pass --data ../shared/data)")
    missing = [name for name in (CT2019, CT2024, CT2020_T2) if not (data / name).is_dir()]
    if missing:
        raise MissingDependencyError(f"{data} lacks the dataset(s) {', '.join(missing)}")


@command("claims", parent=eval_app, epilog=EVAL_EXAMPLE)
def eval_claims(
    data: Path = typer.Option(Path("../shared/data"), "--data", help="Folder of the datasets."),
) -> None:
    """Print check-worthiness MAP, P@10, F1 (2019 held-out, 2024 dev, dev-test) for both
    models, fact-check MAP@1/@5 on CheckThat! 2020 task 2 dev, and the same-claim decisions
    there: precision and recall of what --only-matches prints, and the share of queries
    still matched with their gold claims removed from the database."""
    import tempfile

    from spinlens.analyzers.claims.model import MODELS, shipped_model
    from spinlens.eval.claims import (
        CT2020_T2,
        evaluate_checkworthy,
        indexed_qrels,
        map_at,
        match_decisions,
        read_qrels,
        read_queries,
    )
    from spinlens.eval.claims_cv import expected_lines
    from spinlens.factcheck.importers import read_checkthat2020
    from spinlens.factcheck.match import Matcher
    from spinlens.factcheck.sameclaim import shipped_sameclaim
    from spinlens.factcheck.store import FactCheckStore

    _check_data(data)
    for name in MODELS:
        typer.echo(f"check-worthiness, model {name} (threshold 0.5)")
        for figures in evaluate_checkworthy(data, shipped_model(name).scores):
            typer.echo("  " + figures.line())
        for line in expected_lines(data, shipped_model(name)):
            typer.echo(line)
    folder = data / CT2020_T2
    queries = read_queries(folder / "dev" / "tweets.queries.tsv")
    records = list(read_checkthat2020(folder / "verified_claims.docs.tsv"))
    # gold ids as the index knows them (it keeps one record per claim text)
    qrels = indexed_qrels(read_qrels(folder / "dev" / "tweet-vclaim-pairs.qrels"), records)
    with tempfile.TemporaryDirectory() as tmp, FactCheckStore(Path(tmp) / "fc.sqlite") as store:
        store.upsert(records)
        with Console(stderr=True).status("indexing 10k verified claims"):
            matcher = Matcher(store)
        ranked = matcher.rank([t for _, t in queries], top=5)
        run = {
            qid: [c.claim_id for c in cands]
            for (qid, _), cands in zip(queries, ranked, strict=True)
        }
        typer.echo(f"fact-check matching, 2020 task 2 dev ({len(queries)} queries)")
        typer.echo(f"  MAP@1={map_at(run, qrels, 1):.4f}  MAP@5={map_at(run, qrels, 5):.4f}")
        decided = match_decisions(matcher, queries, qrels)
    threshold = shipped_sameclaim().threshold
    typer.echo(f"same-claim decisions (--only-matches, probability >= {threshold:g})")
    typer.echo("  " + decided.line())


@command("claims", parent=train_app, epilog=TRAIN_EXAMPLE)
def train_claims(
    data: Path = typer.Option(Path("../shared/data"), "--data", help="Folder of the datasets."),
    out: Path | None = typer.Option(
        None, "--out", help="Where to write the models (default: <user data dir>/models)."
    ),
    cache: Path | None = typer.Option(
        Path(".cache/spinlens-claims"), "--cache", help="Embedding cache folder."
    ),
    with_2019: bool = typer.Option(
        False, "--with-2019/--no-2019", help="Also train on the non-held-out 2019 transcripts."
    ),
    with_tweets: bool = typer.Option(
        False, "--with-tweets", help="Fine-tuning: also train on the CheckThat! 2020 tweets."
    ),
    linear: bool = typer.Option(
        False, "--linear", help="Train the earlier linear model on frozen MiniLM embeddings."
    ),
    epochs: int = typer.Option(2, "--epochs", min=1, help="Fine-tuning epochs."),
    use_epoch: int | None = typer.Option(
        None,
        "--use-epoch",
        min=1,
        help="Export this epoch's checkpoint (default: lowest 2024 dev log-loss).",
    ),
    work: Path = typer.Option(
        Path(".cache/spinlens-claims/finetune"), "--work", help="Fine-tuning checkpoints."
    ),
) -> None:
    """Train the check-worthiness models and the fact-check reranker.

    By default ``checkworthy`` is MiniLM fine-tuned end to end (15-20 minutes per epoch on one
    CPU core), exported to int8 ONNX and calibrated on 2024 dev; ``--linear`` trains the
    earlier logistic regression on frozen embeddings instead. The shipped model:
    ``--with-2019 --with-tweets --epochs 2 --use-epoch 1`` (see docs/claims.md)."""
    try:
        import sklearn  # noqa: F401
    except ImportError:
        raise MissingDependencyError(
            "training needs the 'train' extra: pip install 'spinlens[train]'"
        ) from None
    from spinlens.train import claims, claims_reranker

    _check_data(data)
    from spinlens.train.output import model_output

    def folder(name: str) -> Path:  # under --out, else the user data folder; never the package
        return model_output(name, out / name if out is not None else None)

    # The fast model first (2024 train only): the fine-tuned model stacks its margin.
    typer.echo("fast model (no encoder):")
    fast = claims.run(data, folder("checkworthy-fast"), cache, False, use_encoder=False)
    for line in fast:
        typer.echo(line)
    if linear:
        for line in claims.run(data, folder("checkworthy"), cache, with_2019):
            typer.echo(line)
    else:
        from spinlens.train.claims_export import export_and_calibrate
        from spinlens.train.claims_finetune import FinetuneConfig
        from spinlens.train.claims_finetune import train as finetune

        cfg = FinetuneConfig(epochs=epochs, with_2019=with_2019, with_tweets=with_tweets)
        chosen, _ = finetune(data, work, cfg, log=typer.echo, use_epoch=use_epoch)
        fast_weights = folder("checkworthy-fast") / "weights.npz"
        lines = export_and_calibrate(chosen, data, folder("checkworthy"), cfg, work, fast_weights)
        for line in lines:
            typer.echo(line)
    claims_reranker.run(data, folder("claim-reranker"), cache, log=typer.echo)
    where = folder("claim-reranker").parent
    typer.echo(f"models written under {where} (copy over the shipped ones to use)")
