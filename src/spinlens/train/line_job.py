"""Cross-validate and fit the paragraph classifier from a prepared job file, on a GPU when one
is lent (issue 14: more epochs and unfrozen layers than a 2-core CPU can afford).

The job (``python -m spinlens.train.propaganda_paragraphs job``) holds the word-piece ids of
every line, the targets, each topic fold's fit / validation / test rows and the linear
model's validation probabilities; nothing here needs the data set, scikit-learn or the
spinlens runtime dependencies, only numpy, torch and transformers.

    python -m spinlens.train.line_job cv --job J --dir D --name A --epochs 4 --device cuda
    python -m spinlens.train.line_job fit --job J --dir D --name A --epochs 4 --device cuda
    python -m spinlens.train.line_job choose --job J --dir D --out OUT
    python -m spinlens.train.line_job restore --job J --dir OUT --checkpoint fit-A-e4.pt --out W

``cv`` writes ``D/cv-A.npz`` (per fold and epoch, the fine-tuned probabilities of the
validation and test rows, float16); ``fit`` trains on every line and writes the trainable
weights after each epoch (``D/fit-A-eN.pt``, float16: the embeddings and frozen layers are the
base model's); ``choose`` picks, on validation rows only, the configuration and epoch
(:func:`choose`) and copies the results and the chosen weights into ``OUT`` in pieces of at
most 15 MiB. ``propaganda_paragraphs merge`` turns them back into the usual fold files.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from spinlens.train.line_classifier import LineConfig, finetune, global_threshold, micro_f1

WEIGHTS = (0.25, 0.5, 0.75)  # share of the fine-tuned model in the average with the linear one
PIECE = 15 * 2**20


def save_job(path: Path, encoded: Sequence[list[int]], y: np.ndarray, folds: list[Any]) -> None:
    """``folds``: ``propaganda_paragraphs.FoldPlan`` objects."""
    arrays: dict[str, Any] = {
        "flat": np.concatenate([np.asarray(r, dtype=np.int32) for r in encoded]),
        "offsets": np.cumsum([0] + [len(r) for r in encoded]).astype(np.int64),
        "y": y.astype(np.float32),
        "numbers": np.array([f.number for f in folds]),
    }
    for f in folds:
        for key in ("fit", "val", "test", "lin_thr", "lin_test", "lin_val"):
            arrays[f"f{f.number}_{key}"] = np.asarray(getattr(f, key))
    np.savez_compressed(path, **arrays)


def load_job(path: Path) -> dict[str, Any]:
    with np.load(path) as data:
        z = {key: data[key] for key in data.files}
    flat, off = z.pop("flat"), z.pop("offsets")
    z["encoded"] = [flat[off[i] : off[i + 1]].tolist() for i in range(len(off) - 1)]
    return z


def _cfg(args: argparse.Namespace) -> LineConfig:
    return LineConfig(
        epochs=args.epochs,
        lr=args.lr,
        frozen_layers=args.frozen_layers,
        pos_weight_cap=args.pos_weight_cap,
        batch_size=args.batch_size,
        seed=args.seed,
        threads=args.threads,
    )


def _log(prefix: str, line: str) -> None:
    print(f"{prefix}{line}", flush=True)


def run_cv(job: dict[str, Any], cfg: LineConfig, out: Path, device: str, deadline: float) -> None:
    enc, y = job["encoded"], job["y"]
    arrays: dict[str, Any] = {"config": json.dumps(asdict(cfg))}
    start = time.time()
    for n in job["numbers"]:
        if time.time() - start > deadline:
            print(f"deadline: fold {n} and later not run", flush=True)
            break
        fit, val, test = (job[f"f{n}_{k}"] for k in ("fit", "val", "test"))
        _, outputs = finetune(
            [enc[i] for i in fit],
            y[fit],
            cfg,
            ([enc[i] for i in val], [enc[i] for i in test]),
            log=partial(_log, f"fold {n}"),
            device=device,
        )
        arrays[f"f{n}_val"] = np.stack([o[0] for o in outputs]).astype(np.float16)
        arrays[f"f{n}_test"] = np.stack([o[1] for o in outputs]).astype(np.float16)
        np.savez_compressed(out, **arrays)  # after every fold: a deadline keeps what is done
        print(f"fold {n} done, {(time.time() - start) / 60:.1f} min", flush=True)


def trainable_state(model: Any) -> dict[str, Any]:
    """The parameters training changes (float16); the rest is the base encoder's."""
    return {
        name: p.detach().to("cpu").half() for name, p in model.named_parameters() if p.requires_grad
    }


def run_fit(job: dict[str, Any], cfg: LineConfig, stem: Path, device: str) -> None:
    import torch

    def save(epoch: int, model: Any) -> None:
        torch.save(trainable_state(model), f"{stem}-e{epoch}.pt")

    enc, y = job["encoded"], job["y"]
    finetune(enc, y, cfg, (), partial(_log, "fit"), None, device, save)


def choose(job: dict[str, Any], results: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Per configuration and fold, the epoch and linear weight with the best validation
    micro-F1 (global threshold chosen on validation too, as ``fold_choices`` does for the
    shipped average); configurations ranked by their mean validation F1 over the folds they
    finished. Test rows are not looked at."""
    y = job["y"]
    rows: list[dict[str, Any]] = []
    for name, z in results.items():
        folds = [int(n) for n in job["numbers"] if f"f{n}_val" in z]
        per = []
        for n in folds:
            val = job[f"f{n}_val"]
            best: tuple[float, int, float, float] | None = None
            for e in range(len(z[f"f{n}_val"])):
                for w in WEIGHTS:
                    pv = w * z[f"f{n}_val"][e].astype(np.float32) + (1 - w) * job[f"f{n}_lin_val"]
                    th = global_threshold(pv, y[val])
                    f1 = micro_f1(pv, y[val], th)
                    if best is None or f1 > best[0]:
                        best = (f1, e + 1, w, th)
            assert best is not None
            f1, e, w, th = best
            per.append({"fold": n, "val_f1": f1, "epoch": e, "weight": w, "threshold": th})
        rows.append(
            {
                "name": name,
                "folds": per,
                "mean_val_f1": float(np.mean([p["val_f1"] for p in per])) if per else 0.0,
                "epoch": int(np.median([p["epoch"] for p in per])) if per else 0,
                "n_folds": len(per),
            }
        )
    complete = max((int(r["n_folds"]) for r in rows), default=0)
    return sorted(rows, key=lambda r: (r["n_folds"] == complete, r["mean_val_f1"]), reverse=True)


def pack_runs(paths: Sequence[Path], name: Callable[[Path], str]) -> dict[str, Any]:
    """The arrays of several run files in one mapping, each key ``<name(path)>__<key>``:
    what travels back from the GPU machine as one archive."""
    packed: dict[str, Any] = {}
    for path in paths:
        with np.load(path) as z:
            packed.update({f"{name(path)}__{k}": z[k] for k in z.files})
    return packed


def write_pieces(source: Path, out: Path) -> list[str]:
    data = source.read_bytes()
    names = []
    for i in range(0, len(data), PIECE):
        name = f"{source.name}.{i // PIECE:02d}"
        (out / name).write_bytes(data[i : i + PIECE])
        names.append(name)
    return names


def join_pieces(folder: Path, name: str, target: Path) -> Path:
    parts = sorted(folder.glob(f"{name}.[0-9][0-9]"))
    if not parts:
        raise FileNotFoundError(f"no pieces of {name} in {folder}")
    target.write_bytes(b"".join(p.read_bytes() for p in parts))
    return target


def restore(
    folder: Path,
    checkpoint: str,
    target: Path,
    build: Callable[[Path, int], Any] | None = None,
) -> Path:
    """A full state dict (``model.pt``, what ``propaganda_paragraphs ship`` exports) from the
    pieces of ``checkpoint`` that ``choose`` copied and the base encoder's weights.
    ``build(base folder, outputs)``: the network (default the line classifier)."""
    import torch

    from spinlens.train.base_encoder import encoder_dir
    from spinlens.train.line_classifier import build_line_classifier

    target.parent.mkdir(parents=True, exist_ok=True)
    joined = join_pieces(folder, checkpoint, target.with_suffix(".trainable"))
    trained = torch.load(joined, map_location="cpu")
    model = (build or build_line_classifier)(encoder_dir(), int(trained["head.weight"].shape[0]))
    state = model.state_dict()
    unknown = set(trained) - set(state)
    if unknown:
        raise ValueError(f"{checkpoint}: parameters the network does not have: {sorted(unknown)}")
    state.update({k: v.float() for k, v in trained.items()})
    model.load_state_dict(state)
    torch.save(model.state_dict(), target)
    return target


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["cv", "fit", "choose", "restore"])
    parser.add_argument("--checkpoint", help="restore: e.g. fit-B-e3.pt")
    parser.add_argument("--job", type=Path, required=True)
    parser.add_argument("--dir", type=Path, required=True, help="where runs write")
    parser.add_argument("--name", default="A")
    parser.add_argument("--out", type=Path, help="choose: the folder to copy results into")
    parser.add_argument("--keep", type=int, default=2, help="choose: checkpoints to copy")
    parser.add_argument("--budget", type=float, default=58, help="choose: MiB to copy at most")
    parser.add_argument("--epochs", type=int, default=LineConfig.epochs)
    parser.add_argument("--lr", type=float, default=LineConfig.lr)
    parser.add_argument("--frozen-layers", type=int, default=LineConfig.frozen_layers)
    parser.add_argument("--pos-weight-cap", type=float, default=LineConfig.pos_weight_cap)
    parser.add_argument("--batch-size", type=int, default=LineConfig.batch_size)
    parser.add_argument("--seed", type=int, default=LineConfig.seed)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--limit", type=int, default=0, help="first N rows of each set (tests)")
    parser.add_argument("--deadline", type=float, default=1e9, help="cv: seconds, then stop")
    args = parser.parse_args(argv)
    if args.mode == "restore":
        assert args.out is not None and args.checkpoint
        print(restore(args.dir, args.checkpoint, args.out / "model.pt"))
        return
    job = load_job(args.job)
    if args.limit:  # a smoke run: the first rows of each set
        for key in [k for k in job if k.endswith(("_fit", "_val", "_test"))]:
            job[key] = job[key][: args.limit]
        if args.mode == "fit":
            job["encoded"], job["y"] = job["encoded"][: args.limit], job["y"][: args.limit]
    args.dir.mkdir(parents=True, exist_ok=True)
    if args.mode == "cv":
        run_cv(job, _cfg(args), args.dir / f"cv-{args.name}.npz", args.device, args.deadline)
    elif args.mode == "fit":
        run_fit(job, _cfg(args), args.dir / f"fit-{args.name}", args.device)
    else:
        assert args.out is not None
        args.out.mkdir(parents=True, exist_ok=True)
        packed = pack_runs(sorted(args.dir.glob("cv-*.npz")), lambda p: p.stem[3:])
        results: dict[str, dict[str, Any]] = {}
        for key, value in packed.items():
            name, field = key.split("__", 1)
            results.setdefault(name, {})[field] = value
        ranked = choose(job, results)
        np.savez_compressed(args.dir / "cv.npz", **packed)
        copied = write_pieces(args.dir / "cv.npz", args.out)
        budget = args.budget * 2**20 - (args.dir / "cv.npz").stat().st_size
        for row in ranked[: args.keep]:
            ckpt = args.dir / f"fit-{row['name']}-e{row['epoch']}.pt"
            if ckpt.exists() and ckpt.stat().st_size <= budget:
                copied += write_pieces(ckpt, args.out)
                budget -= ckpt.stat().st_size
        (args.out / "choice.json").write_text(
            json.dumps({"ranked": ranked, "copied": copied}, indent=1), encoding="utf-8"
        )
        for row in ranked:
            print(json.dumps({k: row[k] for k in ("name", "mean_val_f1", "epoch", "n_folds")}))


if __name__ == "__main__":
    main()
