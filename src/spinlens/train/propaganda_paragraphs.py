"""Fine-tune all-MiniLM-L6-v2 as the SemEval-2023 paragraph (line) classifier (issue 14).

The shipped paragraph model (``paragraphs.npz``, :mod:`.propaganda_linear`) is a linear model
over hashed n-grams and the *untuned* MiniLM embedding of each line. Here the encoder itself is
fine-tuned for the task: MiniLM, mean pooling over word pieces, dropout, one linear output per
SemEval-2023 label, binary cross-entropy with a capped class-balanced ``pos_weight``
(``sqrt(negatives / positives)``, at most :data:`POS_WEIGHT_CAP`). Lines are cut at
``max_length`` word pieces; batches are length-sorted pools; the embeddings and the lowest
``frozen_layers`` layers stay fixed (less compute on a CPU).

``cv`` measures it on the same topic folds as the linear model (:func:`topic_folds`: k-means
over article mean embeddings, the grouping that predicted the SemEval-2023 test set). In each
outer fold a seeded slice of the training articles (:data:`VAL_SHARE`) is held out of the
fine-tuning to choose the epoch and the decision threshold(s); the linear model is fitted
exactly as ``spinlens eval propaganda`` fits it (threshold by inner 3-fold CV), and its inner
out-of-fold probabilities on the same slice choose the threshold of the average of both
models. Every choice is made inside the training fold; the held-out fold is only scored.

    python -m spinlens.train.propaganda_paragraphs cv --semeval2023 DIR --work W --folds 3,1,2
    python -m spinlens.train.propaganda_paragraphs report --work W
    python -m spinlens.train.propaganda_paragraphs fit --semeval2023 DIR --work W2
    python -m spinlens.train.propaganda_paragraphs ship --work W2 --cv W [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from spinlens.analyzers.propaganda.taxonomy import S2023_LABELS
from spinlens.eval.folds import folds_of
from spinlens.eval.propaganda_data import S2023, load_semeval2023
from spinlens.eval.propaganda_score import multilabel_micro_f1
from spinlens.train.line_classifier import (
    LineConfig,
    build_line_classifier,
    finetune,
    global_threshold,
    predict_probs,
)
from spinlens.train.line_classifier import micro_f1 as _micro

VAL_SHARE = 7  # 1 in 7 training-fold articles (seeded) chooses epoch and thresholds
ENSEMBLE_WEIGHTS = (0.25, 0.5, 0.75)  # share of the fine-tuned model in the average


@dataclass
class Lines:
    """Every non-empty line of the 2023 articles, in article order."""

    keys: list[tuple[str, int]]
    texts: list[str]
    gold: list[set[str]]
    arts: np.ndarray

    def targets(self) -> np.ndarray:
        return np.array([[x in g for x in S2023_LABELS] for g in self.gold], dtype=np.float32)


def all_lines(s23: S2023) -> Lines:
    from spinlens.train.propaganda_linear import paragraph_rows, paragraph_units

    ids = sorted(s23.articles)
    keys, gold, _ = paragraph_rows(s23, ids)
    texts = [line for art in ids for _, line in paragraph_units(s23.articles[art])]
    return Lines(keys, texts, gold, np.array([k[0] for k in keys]))


# --- choosing thresholds (numpy only) ------------------------------------------------------


def label_thresholds(probs: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Per-label thresholds by :func:`propaganda_linear.per_label_thresholds` (coordinate
    ascent from the best global threshold; a label that only lowers micro-F1 is dropped)."""
    from spinlens.train.propaganda_linear import per_label_thresholds

    gold = [{S2023_LABELS[j] for j in np.flatnonzero(row)} for row in y]
    return per_label_thresholds(probs, gold, global_threshold(probs, y))


def f1_at(probs: np.ndarray, y: np.ndarray, th: np.ndarray | float) -> float:
    pred = [{S2023_LABELS[j] for j in np.flatnonzero(row >= th)} for row in probs]
    gold = [{S2023_LABELS[j] for j in np.flatnonzero(row)} for row in y]
    return multilabel_micro_f1(pred, gold).f1


# --- cross-validation on topic folds -------------------------------------------------------


@dataclass
class FoldPlan:
    """One outer topic fold: the rows fine-tuning fits on and is validated on, the rows
    scored, and the linear model's part (fitted as ``spinlens eval propaganda`` fits it)."""

    number: int
    fit: np.ndarray
    val: np.ndarray
    test: np.ndarray
    lin_thr: float
    lin_test: np.ndarray
    lin_val: np.ndarray


def plan_folds(
    s23: S2023,
    folds_to_run: Sequence[int],
    max_length: int,
    k: int = 5,
    seed: int = 13,
    log: Callable[[str], None] = print,
) -> tuple[Lines, list[list[int]], list[FoldPlan]]:
    """The lines, their word pieces and, per outer topic fold in ``folds_to_run`` (1-based,
    as ``spinlens eval propaganda`` numbers them), a :class:`FoldPlan`: a seeded slice of the
    training articles (:data:`VAL_SHARE`) is held out of fine-tuning to choose the epoch and
    threshold; the linear model's inner out-of-fold probabilities on the same slice choose
    the threshold of the average."""
    from scipy.sparse import csr_matrix, hstack

    from spinlens.analyzers.propaganda import features as F
    from spinlens.models.encoder import encode
    from spinlens.train.claims_model import make_tokenizer
    from spinlens.train.propaganda_linear import (
        _global_threshold,
        _inner_oof,
        fit_ovr,
        paragraph_rows,
        probs_ovr,
        topic_folds,
    )

    ids = sorted(s23.articles)
    lines = all_lines(s23)
    y = lines.targets()
    t0 = time.time()
    emb = encode(lines.texts)
    _, _, rows = paragraph_rows(s23, ids)
    X = hstack([F.to_csr(rows), csr_matrix(emb)]).tocsr()
    folds = topic_folds(emb, lines.arts, ids, k)
    log(
        f"{len(lines.texts)} lines embedded in {time.time() - t0:.0f} s; "
        f"folds {[len(f) for f in folds]}"
    )
    tokenizer = make_tokenizer(max_length)
    encoded = [e.ids for e in tokenizer.encode_batch(lines.texts)]
    plans = []
    for number in folds_to_run:
        fold = folds[number - 1]
        test = np.isin(lines.arts, list(fold))
        tr = np.flatnonzero(~test)
        train_ids = sorted(a for a in ids if a not in fold)
        val_arts = folds_of(train_ids, VAL_SHARE, seed)[0]
        val = np.flatnonzero(np.isin(lines.arts, list(val_arts)) & ~test)
        fit = np.flatnonzero(~np.isin(lines.arts, list(val_arts)) & ~test)
        t0 = time.time()
        gold_tr = [lines.gold[j] for j in tr]
        oof = _inner_oof(X[tr], gold_tr, lines.arts[tr], seed)
        lin_thr = _global_threshold(oof, gold_tr)
        coef, bias = fit_ovr(X[tr], gold_tr)
        lin_test = probs_ovr(X[test], coef, bias)
        plans.append(
            FoldPlan(
                number,
                fit,
                val,
                np.flatnonzero(test),
                lin_thr,
                lin_test.astype(np.float32),
                oof[np.searchsorted(tr, val)].astype(np.float32),
            )
        )
        log(
            f"fold {number}: {len(fold)} test / {len(train_ids)} train articles "
            f"({len(val_arts)} for validation); linear fitted in {time.time() - t0:.0f} s, "
            f"test micro-F1 {f1_at(lin_test, y[np.flatnonzero(test)], lin_thr):.4f}"
        )
    return lines, encoded, plans


def save_fold(work: Path, plan: FoldPlan, y: np.ndarray, ft_val: Any, ft_test: Any) -> Path:
    """``work/foldN.npz`` as :func:`report` reads it; ``ft_*``: one array per epoch."""
    work.mkdir(parents=True, exist_ok=True)
    path = work / f"fold{plan.number}.npz"
    np.savez_compressed(
        path,
        test_rows=plan.test,
        val_rows=plan.val,
        y=y,
        lin_thr=np.float32(plan.lin_thr),
        lin_test=plan.lin_test,
        lin_val=plan.lin_val,
        ft_val=np.stack(ft_val).astype(np.float32),
        ft_test=np.stack(ft_test).astype(np.float32),
    )
    return path


def cv(
    s23: S2023,
    work: Path,
    folds_to_run: Sequence[int],
    cfg: LineConfig,
    k: int = 5,
    seed: int = 13,
    log: Callable[[str], None] = print,
) -> None:
    """For each outer topic fold in ``folds_to_run``: fine-tune the encoder on the fold's
    :class:`FoldPlan` and save both models' probabilities to ``work/foldN.npz``."""
    lines, encoded, plans = plan_folds(s23, folds_to_run, cfg.max_length, k, seed, log)
    y = lines.targets()
    for plan in plans:
        t0 = time.time()
        _, outputs = finetune(
            [encoded[j] for j in plan.fit],
            y[plan.fit],
            cfg,
            ([encoded[j] for j in plan.val], [encoded[j] for j in plan.test]),
            log,
        )
        save_fold(work, plan, y, [o[0] for o in outputs], [o[1] for o in outputs])
        log(f"fold {plan.number} saved ({(time.time() - t0) / 60:.1f} min)")
    (work / "config.json").write_text(json.dumps(asdict(cfg), indent=1), encoding="utf-8")


def write_job(
    s23: S2023, job: Path, folds_to_run: Sequence[int], cfg: LineConfig, log: Callable[[str], None]
) -> None:
    """Everything :mod:`.line_job` needs (word pieces, targets, fold plans) in ``job``."""
    from spinlens.train.line_job import save_job

    lines, encoded, plans = plan_folds(s23, folds_to_run, cfg.max_length, log=log)
    save_job(job, encoded, lines.targets(), plans)
    log(f"job written: {job} ({job.stat().st_size / 2**20:.1f} MiB)")


def merge(job: Path, results: Path, work: Path, log: Callable[[str], None] = print) -> None:
    """Turn what :mod:`.line_job` sent back (``results/cv.npz``) into one fold-file folder per
    configuration (``work/<name>/foldN.npz``), ready for :func:`report` and :func:`ship`."""
    from spinlens.train.line_job import load_job

    work.mkdir(parents=True, exist_ok=True)
    z = load_job(job)
    y = z["y"]
    plans = [
        FoldPlan(
            int(n),
            z[f"f{n}_fit"],
            z[f"f{n}_val"],
            z[f"f{n}_test"],
            float(z[f"f{n}_lin_thr"]),
            z[f"f{n}_lin_test"],
            z[f"f{n}_lin_val"],
        )
        for n in z["numbers"]
    ]
    from spinlens.train.line_job import join_pieces

    with np.load(join_pieces(results, "cv.npz", work / "cv.npz")) as data:
        packed = {k: data[k] for k in data.files}
    names = sorted({k.split("__")[0] for k in packed})
    for name in names:
        for plan in plans:
            key = f"{name}__f{plan.number}_val"
            if key in packed:
                val = packed[key].astype(np.float32)
                test = packed[f"{name}__f{plan.number}_test"].astype(np.float32)
                save_fold(work / name, plan, y, list(val), list(test))
        (work / name / "config.json").write_text(str(packed[f"{name}__config"]), encoding="utf-8")
        log(f"{name}: {sorted(p.name for p in (work / name).glob('fold*.npz'))}")


@dataclass(frozen=True)
class Choice:
    """One way to turn the saved probabilities into labels, all of it chosen on validation."""

    name: str
    epoch: int  # 1-based; 0 = the linear model alone
    weight: float  # share of the fine-tuned model in the average
    thresholds: np.ndarray
    val_f1: float
    test_f1: float


def fold_choices(z: dict[str, np.ndarray]) -> list[Choice]:
    """Per fold: the linear model as shipped; the fine-tuned model with a global or
    per-label threshold; the average with the linear model (weight and threshold chosen on
    validation). The epoch is chosen on validation too."""
    y_val, y_test = z["y"][z["val_rows"]], z["y"][z["test_rows"]]
    lin_thr = float(z["lin_thr"])
    out = [
        Choice(
            "linear (shipped)",
            0,
            0.0,
            np.full(len(S2023_LABELS), lin_thr),
            _micro(z["lin_val"], y_val, lin_thr),
            f1_at(z["lin_test"], y_test, lin_thr),
        )
    ]

    def best(name: str, weights: Sequence[float], per_label: bool) -> Choice:
        cands = []
        for e in range(len(z["ft_val"])):
            for w in weights:
                pv = w * z["ft_val"][e] + (1 - w) * z["lin_val"]
                th = (
                    label_thresholds(pv, y_val)
                    if per_label
                    else np.full(len(S2023_LABELS), global_threshold(pv, y_val))
                )
                pt = w * z["ft_test"][e] + (1 - w) * z["lin_test"]
                cands.append(
                    Choice(name, e + 1, w, th, _micro(pv, y_val, th), f1_at(pt, y_test, th))
                )
        return max(cands, key=lambda c: c.val_f1)

    out.append(best("fine-tuned, global threshold", (1.0,), False))
    out.append(best("fine-tuned, per-label thresholds", (1.0,), True))
    out.append(best("average with linear, global threshold", ENSEMBLE_WEIGHTS, False))
    out.append(best("average 0.5/0.5, global threshold", (0.5,), False))
    out.append(best("average with linear, per-label thresholds", ENSEMBLE_WEIGHTS, True))
    return out


def report(work: Path) -> list[str]:
    """Table lines: each choice's test micro-F1 per fold, their mean, and what was chosen."""
    files = sorted(work.glob("fold*.npz"), key=lambda p: int(p.stem[4:]))
    table: dict[str, list[Choice]] = {}
    for path in files:
        with np.load(path) as data:
            z = {key: data[key] for key in data.files}
        for c in fold_choices(z):
            table.setdefault(c.name, []).append(c)
    folds = [p.stem[4:] for p in files]
    lines = [f"topic folds {', '.join(folds)} (test micro-F1 per fold; mean)"]
    for name, choices in table.items():
        per = " / ".join(f"{c.test_f1:.3f}" for c in choices)
        mean = float(np.mean([c.test_f1 for c in choices]))
        how = "; ".join(
            f"e{c.epoch} w{c.weight:g} t{float(np.median(c.thresholds[c.thresholds <= 1])):.3f}"
            if (c.thresholds <= 1).any()
            else f"e{c.epoch}"
            for c in choices
        )
        lines.append(f"{name:44s} {per}  mean {mean:.4f}  [{how}]")
    return lines


def fit(s23: S2023, work: Path, cfg: LineConfig, log: Callable[[str], None] = print) -> Path:
    """Fine-tune on every line of every 2023 article; returns ``work/model.pt``."""
    from spinlens.train.claims_model import make_tokenizer

    lines = all_lines(s23)
    tokenizer = make_tokenizer(cfg.max_length)
    encoded = [e.ids for e in tokenizer.encode_batch(lines.texts)]
    log(f"fine-tuning on {len(encoded)} lines of {len(set(lines.arts.tolist()))} articles")
    finetune(encoded, lines.targets(), cfg, (), log, save=work)
    return work / "model.pt"


def export(
    checkpoint: Path,
    out: Path,
    thresholds: np.ndarray,
    linear_weight: float,
    extra: dict[str, Any],
    cfg: LineConfig,
) -> dict[str, float]:
    """Write ``model.onnx`` (int8; label probabilities, sigmoid inside the graph),
    ``tokenizer.json`` (truncation at ``cfg.max_length``) and ``card.json`` into ``out``."""
    import torch

    from spinlens.models.digests import BASE_WEIGHTS
    from spinlens.train.claims_model import make_tokenizer
    from spinlens.train.onnx_int8 import export_int8
    from spinlens.train.propaganda import encoder_dir

    model = build_line_classifier(encoder_dir(), len(S2023_LABELS))
    model.load_state_dict(torch.load(checkpoint, map_location="cpu"))

    class Probs(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.inner = model

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            return torch.sigmoid(self.inner(input_ids, attention_mask))

    ids = torch.randint(1000, 20000, (3, 24))
    ids[:, 0], ids[:, -1] = 101, 102
    mask = torch.ones_like(ids)
    mask[2, 12:] = 0
    checks = export_int8(
        Probs(),
        {"input_ids": ids, "attention_mask": mask},
        "probs",
        out / "model.onnx",
        {"input_ids": {0: "b", 1: "t"}, "attention_mask": {0: "b", 1: "t"}, "probs": {0: "b"}},
    )
    make_tokenizer(cfg.max_length).save(str(out / "tokenizer.json"))
    card = {
        "name": "propaganda-paragraphs",
        "version": "1",
        "kind": "fine-tuned all-MiniLM-L6-v2 line classifier (mean pooling + linear head, "
        "one sigmoid per SemEval-2023 label), int8 ONNX",
        "base": BASE_WEIGHTS["package"],
        "base_weights": BASE_WEIGHTS,
        "labels": list(S2023_LABELS),
        "thresholds": [float(t) for t in thresholds],
        "linear_weight": linear_weight,
        "max_length": cfg.max_length,
        "config": asdict(cfg),
        "export": checks,
        **extra,
    }
    (out / "card.json").write_text(json.dumps(card, indent=1) + "\n", encoding="utf-8")
    return checks


SHIPPED_CHOICE = "average with linear, global threshold"
# lines of our own (not from the data) whose labels the ONNX model must reproduce (tests)
REFERENCE_LINES = (
    "The corrupt regime and its puppets lied again to cover up their crimes.",
    "Is this really a coincidence? Nobody in Washington seems to want to ask.",
    "The meeting was held on Tuesday in the city hall and lasted two hours.",
    "Patriots must stand up now, before our great nation is destroyed forever.",
    "Experts agree: this is the worst disaster in the history of mankind.",
    "The report was published by the ministry on its website.",
)


def shipped_setting(cv_work: Path) -> tuple[float, float, list[str]]:
    """``(linear_weight, threshold, lines)``: the median over the measured folds of the
    weight and global threshold each fold chose on its validation slice for
    :data:`SHIPPED_CHOICE`, and the report lines of those folds."""
    weights, thresholds, f1s, folds = [], [], [], []
    for path in sorted(cv_work.glob("fold*.npz"), key=lambda p: int(p.stem[4:])):
        with np.load(path) as data:
            z = {key: data[key] for key in data.files}
        chosen = next(c for c in fold_choices(z) if c.name == SHIPPED_CHOICE)
        weights.append(1.0 - chosen.weight)
        thresholds.append(float(chosen.thresholds[0]))
        f1s.append(chosen.test_f1)
        folds.append(path.stem[4:])
    expected = (
        f"{np.mean(f1s):.2f} (mean over topic folds {', '.join(folds)}; "
        f"{min(f1s):.2f}-{max(f1s):.2f})"
    )
    lines = [*report(cv_work), f"expected: {expected}"]
    return float(np.median(weights)), float(np.median(thresholds)), lines


def fixed_setting_f1(cv_work: Path, epoch: int, linear_weight: float, threshold: float) -> str:
    """Each fold's test micro-F1 with one setting for all (what a user gets: the shipped
    model has one epoch, weight and threshold), and their mean."""
    f1s = []
    for path in sorted(cv_work.glob("fold*.npz"), key=lambda p: int(p.stem[4:])):
        with np.load(path) as z:
            probs = (1 - linear_weight) * z["ft_test"][epoch - 1] + linear_weight * z["lin_test"]
            f1s.append(f1_at(probs, z["y"][z["test_rows"]], threshold))
    per = " / ".join(f"{f:.3f}" for f in f1s)
    setting = f"epoch {epoch}, linear weight {linear_weight:g}, threshold {threshold:g}"
    return f"{setting}: {per} (mean {np.mean(f1s):.4f})"


def ship(
    checkpoint: Path, cv_work: Path, out: Path, cfg: LineConfig, epoch: int | None = None
) -> list[str]:
    """Export ``checkpoint`` into ``out`` with the setting :func:`shipped_setting` chose,
    the cross-validation lines in its card and the torch probabilities of
    :data:`REFERENCE_LINES` (the ONNX model is tested against them). ``epoch``: the epoch
    of ``cfg.epochs`` the checkpoint was taken at (default the last)."""
    import torch

    from spinlens.train.claims_model import make_tokenizer
    from spinlens.train.propaganda import encoder_dir

    linear_weight, threshold, lines = shipped_setting(cv_work)
    model = build_line_classifier(encoder_dir(), len(S2023_LABELS))
    model.load_state_dict(torch.load(checkpoint, map_location="cpu"))
    tokenizer = make_tokenizer(cfg.max_length)
    probs = predict_probs(model, [e.ids for e in tokenizer.encode_batch(list(REFERENCE_LINES))])
    extra = {
        "data": {
            "train": "semeval2023-task3-en: every non-empty line of the 446 train articles "
            "(train-labels-subtask-3.txt)",
            "choices": "epochs, linear_weight and threshold from topic-fold cross-validation "
            "(each fold chose them on a validation slice of its training articles)",
        },
        "epoch": epoch or cfg.epochs,
        "topic_cv": lines[:-1],
        "fixed_setting": fixed_setting_f1(cv_work, epoch or cfg.epochs, linear_weight, threshold),
        "expected_unseen": lines[-1].removeprefix("expected: "),
        "reference": [
            {"line": line, "torch_probs": [round(float(x), 5) for x in row]}
            for line, row in zip(REFERENCE_LINES, probs, strict=True)
        ],
    }
    thresholds = np.full(len(S2023_LABELS), threshold)
    checks = export(checkpoint, out, thresholds, linear_weight, extra, cfg)
    return [
        json.dumps(checks),
        f"linear_weight {linear_weight} threshold {threshold}",
        *lines,
        f"fixed setting: {extra['fixed_setting']}",
    ]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["cv", "report", "fit", "ship", "job", "merge"])
    parser.add_argument("--job", type=Path, help="job/merge: the job file for line_job")
    parser.add_argument("--results", type=Path, help="merge: the folder line_job choose wrote")
    parser.add_argument("--cv", type=Path, help="ship: the cv --work folder")
    parser.add_argument("--out", type=Path, help="ship: default models/propaganda-paragraphs")
    parser.add_argument(
        "--semeval2023", type=Path, default=Path("../shared/data/semeval2023-task3-en")
    )
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--folds", default="1,2,3,4,5", help="1-based topic folds to run")
    parser.add_argument("--epochs", type=int, default=LineConfig.epochs)
    parser.add_argument("--frozen-layers", type=int, default=LineConfig.frozen_layers)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--use-epoch", type=int, help="ship: the checkpoint's epoch")
    args = parser.parse_args(argv)
    cfg = LineConfig(epochs=args.epochs, frozen_layers=args.frozen_layers, threads=args.threads)
    if args.mode in ("report", "ship"):
        if args.mode == "ship":
            from spinlens.train.output import model_output

            out = model_output("propaganda-paragraphs", args.out)
            lines = ship(args.work / "model.pt", args.cv or args.work, out, cfg, args.use_epoch)
        else:
            lines = report(args.work)
        for line in lines:
            print(line)
        return
    if args.mode == "merge":
        merge(args.job, args.results, args.work)
        return
    s23 = load_semeval2023(args.semeval2023)
    if args.mode == "job":
        folds = [int(x) for x in args.folds.split(",")]
        write_job(s23, args.job, folds, cfg, log=lambda s: print(s, flush=True))
        return
    if args.mode == "fit":
        fit(s23, args.work, cfg, log=lambda s: print(s, flush=True))
        return
    folds = [int(x) for x in args.folds.split(",")]
    cv(s23, args.work, folds, cfg, log=lambda s: print(s, flush=True))


if __name__ == "__main__":
    main()
