"""Train span-tagger recipes on a GPU from a prepared job file and score them as the shipped
tagger was scored (issue 14: the tagger limits span F1; a 2-core CPU needs 10 minutes an epoch).

    python -m spinlens.train.tagger_job prepare --data PTC --job J          # CPU, here
    python -m spinlens.train.tagger_job run --job J --dir D --name A --epochs 6 --device cuda
    python -m spinlens.train.tagger_job collect --dir D --out OUT [--checkpoints fit-A-e4.pt]
    python -m spinlens.train.tagger_job score --job J --data PTC --results OUT  # CPU, here
    python -m spinlens.train.tagger_job restore --results OUT --checkpoint fit-A-e4.pt --work W

``prepare`` cuts the same 334 training articles as ``spinlens.train.propaganda`` (seeded 10%
held out) into windows, and the 37 held-out and 75 dev articles into prediction windows.
``run`` (numpy, torch and transformers only) trains one recipe and writes, after every epoch,
the SI probabilities of the prediction windows and the trainable weights. ``score`` stitches
the windows back, chooses the decoding (threshold, gap joining, minimum length) on the 37
held-out articles exactly as ``propaganda_export.tune_decoding`` does, and scores the 75 dev
articles with it: the dev figure is never used for a choice.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from spinlens.train.line_job import (
    join_pieces,
    pack_runs,
    restore,
    trainable_state,
    write_pieces,
)
from spinlens.train.tagger_fit import TrainConfig, build_model, fit_windows, predict_windows


def prepare(data: Path, job: Path) -> None:
    from spinlens.analyzers.propaganda import windows as W
    from spinlens.eval.propaganda_data import load_ptc
    from spinlens.models.runtime import load_tokenizer
    from spinlens.train.base_encoder import encoder_dir
    from spinlens.train.propaganda import make_windows, split_ids

    cfg = TrainConfig()
    ptc = load_ptc(data)
    tokenizer = W.prepare(load_tokenizer(str(encoder_dir() / "tokenizer.json")))
    fit_ids, hold_ids = split_ids(list(ptc.train), cfg.holdout, cfg.seed)
    fit = make_windows(tokenizer, {a: ptc.train[a] for a in fit_ids}, ptc)
    cls_id, sep_id = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    eval_ids, eval_mask = [], []
    meta: list[dict[str, Any]] = []
    sets = [("holdout", a, ptc.train[a]) for a in hold_ids] + [
        ("dev", a, t) for a, t in sorted(ptc.dev.items())
    ]
    for name, art, text in sets:
        enc = W.encode(tokenizer, text)
        ranges = W.windows(len(enc.ids))
        meta.append({"set": name, "article": art, "rows": len(ranges), "tokens": len(enc.ids)})
        if not ranges:
            continue
        ids, mask = W.batch_inputs(enc.ids, ranges, cls_id, sep_id)
        pad = W.WINDOW - ids.shape[1]
        eval_ids.append(np.pad(ids, ((0, 0), (0, pad))))
        eval_mask.append(np.pad(mask, ((0, 0), (0, pad))))
    np.savez_compressed(
        job,
        fit_ids=np.stack([w[0] for w in fit]),
        fit_mask=np.stack([w[1] for w in fit]),
        fit_labels=np.stack([w[2] for w in fit]).astype(np.uint8),
        eval_ids=np.concatenate(eval_ids),
        eval_mask=np.concatenate(eval_mask),
        meta=json.dumps(meta),
    )
    print(f"{len(fit)} training windows; {sum(m['rows'] for m in meta)} prediction windows")


def run(job: Path, cfg: TrainConfig, stem: Path, device: str, limit: int = 0) -> None:
    """Train one recipe; after each epoch ``{stem}-eN.pt`` (trainable weights, float16) and
    the SI probabilities of every prediction window in ``{stem}.npz``."""
    import torch

    from spinlens.train.base_encoder import encoder_dir

    with np.load(job) as z:
        arrays = {k: z[k] for k in z.files}
    n = limit or len(arrays["fit_ids"])
    fit = list(
        zip(arrays["fit_ids"][:n], arrays["fit_mask"][:n], arrays["fit_labels"][:n], strict=True)
    )
    eval_ids, eval_mask = arrays["eval_ids"], arrays["eval_mask"]
    torch.manual_seed(cfg.seed)
    torch.set_num_threads(cfg.threads)
    model = build_model(encoder_dir(), int(arrays["fit_labels"].shape[-1]))
    probs: dict[str, Any] = {}

    def after_epoch(epoch: int, seconds: float) -> None:
        torch.save(trainable_state(model), f"{stem}-e{epoch}.pt")
        out = predict_windows(model, eval_ids, eval_mask, device=device)
        probs[f"e{epoch}"] = out[..., 0].astype(np.float16)
        np.savez_compressed(f"{stem}.npz", **probs)
        print(f"epoch {epoch}: {seconds:.0f} s", flush=True)

    fit_windows(model, fit, cfg, lambda s: print(s, flush=True), after_epoch, device)


def collect(folder: Path, out: Path, checkpoints: Sequence[str]) -> list[str]:
    packed = pack_runs(sorted(folder.glob("fit-*.npz")), lambda p: p.stem)
    np.savez_compressed(folder / "probs.npz", **packed)
    names = write_pieces(folder / "probs.npz", out)
    for name in checkpoints:
        if (folder / name).exists():
            names += write_pieces(folder / name, out)
    return names


def score(
    job: Path, data: Path, results: Path, work: Path, recipe: str = ""
) -> list[dict[str, Any]]:
    """Per recipe and epoch: the decoding chosen on the held-out articles, its held-out SI
    F1, and the dev SI F1 with that decoding. ``results``: a folder with the pieces of
    ``probs.npz`` (``collect``) or run files (``fit-*.npz``); ``recipe``: only that one."""
    from spinlens.analyzers.propaganda import windows as W
    from spinlens.analyzers.propaganda.decode import spans_from_probs
    from spinlens.eval.propaganda_data import load_ptc
    from spinlens.eval.propaganda_score import si_score
    from spinlens.models.runtime import load_tokenizer
    from spinlens.train.base_encoder import encoder_dir
    from spinlens.train.propaganda_export import choose_decoding

    ptc = load_ptc(data)
    tokenizer = W.prepare(load_tokenizer(str(encoder_dir() / "tokenizer.json")))
    with np.load(job) as z:
        meta = json.loads(str(z["meta"]))
    work.mkdir(parents=True, exist_ok=True)
    if list(results.glob("probs.npz.[0-9][0-9]")):
        with np.load(join_pieces(results, "probs.npz", work / "probs.npz")) as z:
            packed = {k: z[k] for k in z.files}
    else:
        packed = pack_runs(sorted(results.glob("fit-*.npz")), lambda p: p.stem)
    if recipe:
        packed = {k: v for k, v in packed.items() if k.split("__")[0] == f"fit-{recipe}"}
    texts = {**ptc.train, **ptc.dev}
    spans = {**ptc.train_spans, **ptc.dev_spans}
    offsets = {m["article"]: W.encode(tokenizer, texts[m["article"]]).offsets for m in meta}
    rows = []
    for key in sorted(packed):
        windows = packed[key].astype(np.float32)
        si: dict[str, dict[str, tuple[Any, np.ndarray]]] = {"holdout": {}, "dev": {}}
        at = 0
        for m in meta:
            ranges = W.windows(m["tokens"])
            part = windows[at : at + m["rows"]][..., None]
            at += m["rows"]
            probs = W.stitch(part, ranges, m["tokens"])[:, 0] if ranges else np.zeros(0)
            si[m["set"]][m["article"]] = (offsets[m["article"]], probs)
        gold = {s: {a: [(g.start, g.end) for g in spans.get(a, [])] for a in si[s]} for s in si}
        chosen = choose_decoding(si["holdout"], texts, gold["holdout"])
        pred = {
            a: [
                (s, e)
                for s, e, _ in spans_from_probs(
                    off, p, chosen["threshold"], chosen["max_gap"], texts[a]
                )
                if e - s >= chosen["min_chars"]
            ]
            for a, (off, p) in si["dev"].items()
        }
        dev = si_score(pred, gold["dev"])
        name, epoch = key.split("__")
        row = {
            "recipe": name,
            "epoch": epoch,
            "decode": {k: chosen[k] for k in ("threshold", "max_gap", "min_chars")},
            "holdout_f1": round(chosen["holdout_si"]["f1"], 4),
            "dev": {
                "precision": round(dev.precision, 4),
                "recall": round(dev.recall, 4),
                "f1": round(dev.f1, 4),
            },
        }
        rows.append(row)
        print(json.dumps(row), flush=True)
    return rows


def pick(folder: Path, keep: int) -> list[str]:
    """The checkpoints of the ``keep`` best recipe epochs by held-out SI F1 (``scores-*.jsonl``
    written by ``score``); dev figures are not looked at."""
    rows = [
        json.loads(line)
        for path in sorted(folder.glob("scores-*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    rows.sort(key=lambda r: (-r["holdout_f1"], int(r["epoch"][1:])))
    return [f"{r['recipe']}-{r['epoch']}.pt" for r in rows[:keep]]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["prepare", "run", "collect", "score", "pick", "restore"])
    parser.add_argument("--checkpoint", help="restore: e.g. fit-T6-e7.pt (pieces in --results)")
    parser.add_argument("--keep", type=int, default=2, help="pick: checkpoints to keep")
    parser.add_argument("--job", type=Path)
    parser.add_argument("--data", type=Path, default=Path("../shared/data/ptc-semeval2020-task11"))
    parser.add_argument("--dir", type=Path, help="run/collect: where runs write")
    parser.add_argument("--out", type=Path, help="collect: the folder to copy into")
    parser.add_argument("--results", type=Path, help="score: what collect wrote")
    parser.add_argument("--work", type=Path, default=Path("tagger-score"))
    parser.add_argument("--checkpoints", default="", help="collect: comma-separated names")
    parser.add_argument("--name", default="A")
    parser.add_argument("--recipe", action="store_true", help="score: only --name")
    parser.add_argument("--epochs", type=int, default=TrainConfig.epochs)
    parser.add_argument("--lr", type=float, default=TrainConfig.lr)
    parser.add_argument("--head-lr", type=float, default=TrainConfig.head_lr)
    parser.add_argument("--frozen-layers", type=int, default=TrainConfig.frozen_layers)
    parser.add_argument("--si-weight", type=float, default=TrainConfig.si_weight)
    parser.add_argument("--seed", type=int, default=TrainConfig.seed)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--limit", type=int, default=0, help="run: first N windows (smoke)")
    args = parser.parse_args(argv)
    if args.mode == "prepare":
        prepare(args.data, args.job)
    elif args.mode == "run":
        cfg = TrainConfig(
            epochs=args.epochs,
            lr=args.lr,
            head_lr=args.head_lr,
            frozen_layers=args.frozen_layers,
            si_weight=args.si_weight,
            seed=args.seed,
            threads=args.threads,
        )
        args.dir.mkdir(parents=True, exist_ok=True)
        run(args.job, cfg, args.dir / f"fit-{args.name}", args.device, args.limit)
    elif args.mode == "collect":
        args.out.mkdir(parents=True, exist_ok=True)
        names = [n for n in args.checkpoints.split(",") if n]
        print(collect(args.dir, args.out, names))
    elif args.mode == "restore":
        print(restore(args.results, args.checkpoint, args.work / "model.pt", build_model))
    elif args.mode == "pick":
        print(",".join(pick(args.dir, args.keep)))
    else:
        score(args.job, args.data, args.results, args.work, args.name if args.recipe else "")


if __name__ == "__main__":
    main()
