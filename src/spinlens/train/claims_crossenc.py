"""A cross-encoder for the same-claim decision, and its stacking into the same-claim model.

An experiment, not the shipped model: on CheckThat! 2020 task 2 dev it lowered the recall the
shipped rule allows (docs/claims.md, "Tried: a cross-encoder"). Run:
``python -m spinlens.train.claims_crossenc --data ../shared/data --folds 3 --holdout
--frozen-layers 2 --lr 1e-4 --epochs 3`` (needs the ``train`` extra; 10-20 minutes per
cross-encoder on one CPU thread of the 2-core project machine). Without ``--no-export`` it
writes ``sameclaim.onnx`` (int8) and a stacked ``sameclaim.json`` to ``<user data dir>/models/
claim-reranker/`` unless ``--out``; :class:`spinlens.factcheck.sameclaim.SameClaimModel`
loads such a pair (copy both, and the folder's ``tokenizer.json``, over the shipped files to
use it).

- Model: all-MiniLM-L6-v2 over ``query [SEP] candidate claim`` (at most ``max_length`` word
  pieces), mean pooling and one linear output (the network of
  :func:`spinlens.train.claims_model.build_classifier`); embeddings and the lowest
  ``frozen_layers`` layers stay fixed (CPU).
- Pairs, all from CheckThat! 2020 task 2 train (the lists of :mod:`.claims_sameclaim`): every
  candidate of each query's top 5 (gold positive, the others same-topic negatives), the top 2
  with every train gold claim removed (what a never-checked claim sees), the gold claim in a
  news sentence with its best non-gold candidate, the best candidate of that sentence with the
  gold claims removed, and one synthetic negative per query (the gold with a number, negation
  or name changed: :func:`.claims_sameclaim.changed_golds`).
- Stacking: the cross-encoder's logit is one more feature of the same-claim logistic
  regression. The regression must not see logits of pairs the cross-encoder trained on, so
  the train queries are cross-fitted: ``folds`` cross-encoders, each trained on the other
  folds' queries, give every train pair an out-of-fold logit; the exported cross-encoder is
  the ``full`` one (all train queries) when trained, else the first fold's. With
  ``--holdout`` only fold 0's cross-encoder is trained (on the other folds' queries) and the
  regression is fitted on fold 0's queries alone.
- Dev (CheckThat! 2020 task 2 dev, never trained on) chooses the threshold by the rule of
  :func:`.claims_sameclaim.threshold_for` (precision >= 0.95 and matches on at most 5% of
  queries with their gold claims removed) and reports recall there, for the cross-encoder
  alone, the shipped features alone and the two stacked.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from spinlens.eval.claims import CT2020_T2, read_qrels
from spinlens.train.claims_sameclaim import (
    ABSENT_RATE,
    PRECISION,
    QueryList,
    changed_golds,
    collect,
    decisions_at,
    fit,
    matrix,
    synthetic,
    threshold_for,
)
from spinlens.train.loop import Recipe

Pair = tuple[str, str]
MODEL_ONNX = "sameclaim.onnx"


@dataclass
class CrossConfig(Recipe):
    frozen_layers: int = 4
    folds: int = 2
    holdout: bool = False  # train only fold 0's cross-encoder; the stacker fits on fold 0


def pair_tokenizer(max_length: int) -> Any:
    """The MiniLM tokenizer encoding ``(query, claim)`` as ``[CLS] q [SEP] c [SEP]``, the
    longer side cut first down to ``max_length`` word pieces."""
    from spinlens.train.claims_model import make_tokenizer

    tokenizer = make_tokenizer(max_length)
    tokenizer.enable_truncation(max_length=max_length, strategy="longest_first")
    return tokenizer


def fold_of(qid: str, folds: int) -> int:
    return int(hashlib.sha1(qid.encode()).hexdigest(), 16) % folds


def training_pairs(
    lists: dict[str, list[QueryList]], qids: set[str], seed: int = 0
) -> list[tuple[str, str, int]]:
    """The cross-encoder's (query, claim, label) pairs for the train queries ``qids``."""
    rng = random.Random(seed)
    out: dict[Pair, int] = {}

    def add(lst: QueryList, k: int) -> None:
        out.setdefault((lst.query, lst.claims[k]), lst.labels[k])

    for lst in lists["train"]:
        if lst.qid in qids:
            for k in range(len(lst.claims)):
                add(lst, k)
    for lst in lists["train-absent"]:
        if lst.qid in qids:
            for k in range(min(2, len(lst.claims))):
                add(lst, k)
    for lst in lists["embedded"]:
        if lst.qid in qids:
            golds = [k for k, y in enumerate(lst.labels) if y]
            others = [k for k, y in enumerate(lst.labels) if not y]
            for k in golds + others[:1]:
                add(lst, k)
    for lst in lists["embedded-absent"]:
        if lst.qid in qids and lst.claims:
            add(lst, 0)
    chosen: dict[str, tuple[str, str]] = {}
    for lst, _, new in changed_golds([x for x in lists["train"] if x.qid in qids], seed):
        if lst.qid not in chosen or rng.random() < 0.5:
            chosen[lst.qid] = (lst.query, new)
    for pair in chosen.values():
        out.setdefault(pair, 0)
    return [(q, c, y) for (q, c), y in out.items()]


def train_cross(
    pairs: Sequence[tuple[str, str, int]], cfg: CrossConfig, log: Callable[[str], None]
) -> Any:
    """Fine-tune the pair classifier on ``pairs``; returns the torch model."""
    import torch

    from spinlens.train.claims_model import build_classifier
    from spinlens.train.loop import fit_epochs
    from spinlens.train.propaganda import encoder_dir

    torch.set_num_threads(cfg.threads)
    torch.manual_seed(cfg.seed)
    tokenizer = pair_tokenizer(cfg.max_length)
    x = [e.ids for e in tokenizer.encode_batch([(q, c) for q, c, _ in pairs])]
    y = np.asarray([lab for _, _, lab in pairs], dtype=np.float32)
    model = build_classifier(encoder_dir())
    loss_fn = torch.nn.BCEWithLogitsLoss()
    fit_epochs(
        model,
        x,
        cfg,
        lambda logits, chunk: loss_fn(logits, torch.from_numpy(y[chunk])),
        rng=random.Random(cfg.seed),
        log=log,
        every=50,
    )
    return model


def torch_pair_logits(model: Any, pairs: Sequence[Pair], max_length: int) -> dict[Pair, float]:
    """The model's logit for each distinct pair."""
    from spinlens.train.claims_finetune import torch_logits

    distinct = sorted(set(pairs))
    if not distinct:
        return {}
    x = [e.ids for e in pair_tokenizer(max_length).encode_batch(list(distinct))]
    z = torch_logits(model, x)
    return {p: float(v) for p, v in zip(distinct, z, strict=True)}


def list_pairs(lists: Sequence[QueryList]) -> list[Pair]:
    return [(lst.query, c) for lst in lists for c in lst.claims]


def with_logits(x: np.ndarray, lists: Sequence[QueryList], logits: dict[Pair, float]) -> Any:
    """``x`` (the rows of :func:`.claims_sameclaim.matrix` for ``lists``) with the
    cross-encoder logit as its last column."""
    column = [logits[p] for p in list_pairs([lst for lst in lists if lst.claims])]
    return np.hstack([x, np.asarray(column, dtype=np.float64)[:, None]])


def _split(values: np.ndarray, lists: Sequence[QueryList]) -> list[np.ndarray]:
    out, at = [], 0
    for lst in lists:
        if lst.claims:
            out.append(values[at : at + len(lst.claims)])
            at += len(lst.claims)
    return out


def dev_figures(
    name: str,
    dev: Sequence[QueryList],
    absent: Sequence[QueryList],
    p_dev: np.ndarray,
    p_absent: np.ndarray,
    gold: int,
) -> dict[str, Any]:
    """Threshold by the shipped rule on dev, and what ``--only-matches`` prints at it."""
    y = np.asarray([lab for lst in dev if lst.claims for lab in lst.labels])
    per_absent = _split(p_absent, absent)
    threshold = threshold_for(
        p_dev, y, [float(p.max()) for p in per_absent], PRECISION, ABSENT_RATE
    )
    d = decisions_at(
        _split(p_dev, dev),
        [lst.labels for lst in dev if lst.claims],
        per_absent,
        gold,
        len(absent),
        threshold,
    )
    return {"model": name, "threshold": threshold, **asdict(d)}


def _sigmoid(z: np.ndarray) -> np.ndarray:
    out: np.ndarray = 1.0 / (1.0 + np.exp(-z))
    return out


def run(
    data: Path,
    work: Path,
    cfg: CrossConfig,
    full: bool,
    log: Callable[[str], None] = print,
    limit: int | None = None,
) -> dict[str, Any]:
    """Cross-fit the cross-encoders, fit the stacker, report dev; return the figures (also
    written to ``work/figures.json``). Checkpoints and logits are kept in ``work`` so a rerun
    resumes."""
    import torch

    work.mkdir(parents=True, exist_ok=True)
    lists = collect(data, None, work)
    if limit:  # a smoke run: the first ``limit`` queries of every set
        lists = {k: v[:limit] for k, v in lists.items()}
    train_sets = ("train", "train-absent", "embedded", "embedded-absent")
    fake = synthetic(lists["train"])
    stack_lists = [*(lst for s in train_sets for lst in lists[s]), *fake]
    dev, dev_absent = lists["dev"], lists["dev-absent"]
    dev_pairs = list_pairs(dev) + list_pairs(dev_absent)
    qids = sorted({lst.qid for lst in lists["train"]})
    oof: dict[Pair, float] = {}
    dev_logits: list[dict[Pair, float]] = []
    runs = [(k, {q for q in qids if fold_of(q, cfg.folds) != k}) for k in range(cfg.folds)]
    if cfg.holdout:  # one cross-encoder; the regression sees only the queries it left out
        runs = runs[:1]
        stack_lists = [lst for lst in stack_lists if fold_of(lst.qid, cfg.folds) == 0]
    if full:
        runs.append((-1, set(qids)))
    for k, train_q in runs:
        name = "full" if k < 0 else f"fold{k}"
        ckpt, saved = work / f"{name}.pt", work / f"{name}-logits.json"
        if saved.is_file():
            cached = json.loads(saved.read_text(encoding="utf-8"))
            held_logits = {(a, b): v for a, b, v in cached["held"]}
            dev_k = {(a, b): v for a, b, v in cached["dev"]}
        else:
            pairs = training_pairs(lists, train_q, cfg.seed)
            log(f"{name}: {len(pairs)} pairs ({sum(y for *_, y in pairs)} same claim)")
            model = train_cross(pairs, cfg, log)
            torch.save(model.state_dict(), ckpt)
            held = [lst for lst in stack_lists if lst.qid not in train_q]
            held_logits = torch_pair_logits(model, list_pairs(held), cfg.max_length)
            dev_k = torch_pair_logits(model, dev_pairs, cfg.max_length)
            saved.write_text(
                json.dumps(
                    {
                        "held": [[a, b, v] for (a, b), v in held_logits.items()],
                        "dev": [[a, b, v] for (a, b), v in dev_k.items()],
                    }
                ),
                encoding="utf-8",
            )
        if k >= 0:
            oof.update(held_logits)
        dev_logits.append(dev_k)
        log(f"{name}: done")
    # Dev logits of the exported cross-encoder: the full one, else fold 0.
    shipped_dev = dev_logits[-1] if full else dev_logits[0]
    gold = sum(len(v) for v in read_qrels(data / CT2020_T2 / "dev" / CT2020_QRELS).values())
    x_dev, _, _ = matrix(dev)
    x_abs, _, _ = matrix(dev_absent)
    figures: list[dict[str, Any]] = []

    def report(name: str, p_dev: np.ndarray, p_abs: np.ndarray) -> None:
        row = dev_figures(name, dev, dev_absent, p_dev, p_abs, gold)
        figures.append(row)
        log(json.dumps(row))

    x, y, groups = matrix(stack_lists)
    base = fit(x, y, groups, log)
    report("features only (refit)", base.probability(x_dev), base.probability(x_abs))
    for name, logits in [("cross-encoder fold0", dev_logits[0]), ("exported", shipped_dev)]:
        report(
            f"{name} alone",
            _sigmoid(np.asarray([logits[p] for p in list_pairs(dev)])),
            _sigmoid(np.asarray([logits[p] for p in list_pairs(dev_absent)])),
        )
    stacker = fit(with_logits(x, stack_lists, oof), y, groups, log)
    report(
        "stacked (out-of-fold logits)",
        stacker.probability(with_logits(x_dev, dev, shipped_dev)),
        stacker.probability(with_logits(x_abs, dev_absent, shipped_dev)),
    )
    result = {"config": asdict(cfg), "full": full, "dev": figures, "stacker": asdict(stacker)}
    (work / "figures.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    return result


def export(
    data: Path, work: Path, out: Path, cfg: CrossConfig, log: Callable[[str], None] = print
) -> dict[str, Any]:
    """Write ``out/sameclaim.onnx`` (the exported cross-encoder, int8) and ``out/sameclaim.json``
    (the stacker of :func:`run`, its threshold chosen again on dev with the *int8* model's
    logits, which is what the analyzer computes)."""
    import torch

    from spinlens.factcheck.sameclaim import (
        CROSS_FEATURE,
        FEATURES,
        MODEL_FILE,
        SameClaimModel,
        cross_logits,
    )
    from spinlens.train.claims_model import build_classifier, make_tokenizer
    from spinlens.train.onnx_int8 import export_int8
    from spinlens.train.propaganda import encoder_dir

    result = json.loads((work / "figures.json").read_text(encoding="utf-8"))
    name = "full" if result["full"] else "fold0"
    model = build_classifier(encoder_dir())
    model.load_state_dict(torch.load(work / f"{name}.pt", map_location="cpu"))
    tokenizer = pair_tokenizer(cfg.max_length)
    from spinlens.train.loop import pad

    example = [("Soleimani was killed in Iraq by a US drone.", "A drone killed him."), ("a", "b")]
    ids_np, mask_np = pad([e.ids for e in tokenizer.encode_batch(example)])
    ids, mask = torch.from_numpy(ids_np), torch.from_numpy(mask_np)
    checks = export_int8(
        model,
        {"input_ids": ids, "attention_mask": mask},
        "logits",
        out / MODEL_ONNX,
        {"input_ids": {0: "b", 1: "t"}, "attention_mask": {0: "b", 1: "t"}, "logits": {0: "b"}},
    )
    log(f"exported {name}: {json.dumps(checks)}")
    if not (out / "tokenizer.json").is_file():
        make_tokenizer(cfg.max_length).save(str(out / "tokenizer.json"))
    lists = collect(data, None, work)  # cached by run()
    dev, absent = lists["dev"], lists["dev-absent"]
    st = result["stacker"]
    stacker = SameClaimModel(
        tuple(st["mean"]), tuple(st["scale"]), tuple(st["weights"]), st["bias"], 0.5
    )
    gold = sum(len(v) for v in read_qrels(data / CT2020_T2 / "dev" / CT2020_QRELS).values())

    def probs(ls: Sequence[QueryList]) -> np.ndarray:
        # One call per query list, as the analyzer makes it (int8 activations are quantized
        # per call, so a pair's logit moves a little with its companions).
        x, _, _ = matrix(ls)
        z = [cross_logits(out / MODEL_ONNX, list_pairs([lst])) for lst in ls if lst.claims]
        column = np.concatenate(z).astype(np.float64)[:, None]
        return stacker.probability(np.hstack([x, column]))

    row = dev_figures("stacked, int8 cross-encoder", dev, absent, probs(dev), probs(absent), gold)
    log(json.dumps(row))
    payload = {
        "name": "sameclaim",
        "version": "2",
        "features": [*FEATURES, CROSS_FEATURE],
        "cross_encoder": MODEL_ONNX,
        "mean": list(stacker.mean),
        "scale": list(stacker.scale),
        "weights": list(stacker.weights),
        "bias": stacker.bias,
        "threshold": row["threshold"],
        "data": (
            f"{CT2020_T2} train: the lists of spinlens.train.claims_sameclaim; the "
            f"cross-encoder's logit is out-of-fold ({cfg.folds} folds of train queries) for "
            f"the regression; shipped cross-encoder: {name}; threshold: lowest keeping dev "
            f"precision >= {PRECISION} and dev matches without gold on <= {ABSENT_RATE:.0%} "
            "of queries, with the int8 cross-encoder"
        ),
        "cross_encoder_config": asdict(cfg),
        "cross_encoder_export": checks,
        "metrics": {"dev": row, "dev_all_models_torch": result["dev"]},
    }
    (out / MODEL_FILE).write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return payload


CT2020_QRELS = "tweet-vclaim-pairs.qrels"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--work", type=Path, default=Path(".cache/spinlens-claims/crossenc"))
    parser.add_argument("--epochs", type=int, default=CrossConfig.epochs)
    parser.add_argument("--folds", type=int, default=CrossConfig.folds)
    parser.add_argument("--frozen-layers", type=int, default=CrossConfig.frozen_layers)
    parser.add_argument("--full", action="store_true", help="Also train on all train queries.")
    parser.add_argument("--holdout", action="store_true", help="Only fold 0 (see CrossConfig).")
    parser.add_argument("--lr", type=float, default=CrossConfig.lr)
    parser.add_argument("--limit", type=int, default=None, help="Smoke run: first N queries.")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--no-export", action="store_true", help="Only the dev comparison.")
    args = parser.parse_args(argv)
    cfg = CrossConfig(
        epochs=args.epochs,
        folds=args.folds,
        frozen_layers=args.frozen_layers,
        holdout=args.holdout,
        lr=args.lr,
    )
    log = lambda s: print(s, flush=True)  # noqa: E731
    run(args.data, args.work, cfg, args.full, log, args.limit)
    if not args.no_export:
        from spinlens.factcheck.sameclaim import FOLDER
        from spinlens.train.output import model_output

        export(args.data, args.work, model_output(FOLDER, args.out), cfg, log)


if __name__ == "__main__":
    main()
