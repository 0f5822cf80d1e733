"""Distil fine-tuned check-worthiness classifiers into a smaller student (fewer layers).

``python scripts/claims_distill.py --data ../shared/data --teacher A.pt,B.pt`` (needs the
``train`` extra). An experiment, not shipped: it lives outside the package.

- Teacher: one or more fine-tuned 6-layer checkpoints of :mod:`.claims_finetune`; the
  teacher logit is the mean of their raw logits. Teacher logits are computed once per
  checkpoint and cached (``--cache``).
- Student: the same classifier (MiniLM, mean pooling, linear head) keeping only the
  transformer layers named by ``--student-layers`` (default ``0,2,4``), initialised from the
  ``--init`` checkpoint (default: the last teacher) with its embeddings, those layers and its
  head. The ONNX graph carries the layer count, so the analyzer needs no change.
- Loss: on labelled sentences ``(1 - s) * BCE(gold) + s * BCE(teacher probability)`` with
  ``s = --soft-weight``; the sentences of the PTC *train* articles (news, no gold label; the
  PTC dev articles are not used) add ``BCE(teacher probability)`` only (``--no-news`` drops them).
- Labelled data: exactly as the fine-tuned model (:func:`spinlens.train.claims.training_set`
  with the 2019 transcripts that are not held out and the 2020 tweets; every evaluation
  sentence removed).
- Every epoch is saved and scored as shipped would be (2024 dev log-loss after stacking with
  the n-gram margin, 2019 held-out MAP, the seed-article check of ``tests/claims``); the
  epoch with the lowest dev log-loss among those that keep the 2019 MAP floor and the seed
  check is exported (``--use-epoch`` overrides). 2024 dev-test is printed, never used.
- ``--teacher-only`` prints the same figures for the teacher ensemble and stops.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from spinlens.eval.claims import (
    average_precision,
    f1_positive,
    load_ct2019,
    load_ct2024,
    text_key,
)
from spinlens.train.calibration import fit_calibration
from spinlens.train.claims import evaluation_keys, training_set
from spinlens.train.claims_finetune import (
    FinetuneConfig,
    build_classifier,
    keep_layers,
    make_tokenizer,
    torch_logits,
)
from spinlens.train.loop import fit_epochs
from spinlens.train.propaganda import encoder_dir

PTC = "ptc-semeval2020-task11"
SEED = Path(__file__).resolve().parents[1] / "examples" / "seed-article.txt"
SEED_CLAIMS = (
    "the US military has bases all around Iran",
    "killed by a US drone strike on January 3",
    "invited by US officials",
    "Iraqi lawmakers passed a non-binding resolution",
)
SEED_TOP = 2 / 3  # as tests/claims/test_analyzer.py: key claims in the top two thirds, >= 0.5
MAP_2019_FLOOR = 0.17


@dataclass
class DistillConfig(FinetuneConfig):
    epochs: int = 2
    frozen_layers: int = 0  # embeddings stay fixed, every student layer trains
    with_2019: bool = True
    with_tweets: bool = True
    threads: int = 2
    student_layers: str = "0,2,4"
    soft_weight: float = 0.5
    temperature: float = 1.0
    with_news: bool = True
    teachers: str = ""
    init: str = ""


def news_sentences(data: Path, exclude: set[str]) -> list[str]:
    """Unique sentences of the PTC train articles (as the analyzer splits them)."""
    from spinlens.document import Document

    folder = data / PTC / "train-articles"
    out: dict[str, str] = {}
    for path in sorted(folder.glob("article*.txt")):
        doc = Document.from_text(path.read_text(encoding="utf-8"))
        for s in doc.sentences:
            text = doc.text_of(s).strip()
            key = text_key(text)
            if key and key not in exclude and key not in out:
                out[key] = text
    return list(out.values())


def seed_sentences() -> list[str]:
    from spinlens.document import Document

    doc = Document.from_text(SEED.read_text(encoding="utf-8"))
    return [doc.text_of(s)[:2000] for s in doc.sentences if doc.text_of(s).strip()]


def seed_check(texts: Sequence[str], probs: np.ndarray) -> tuple[bool, list[str]]:
    """Rank of each key seed claim (of n) and whether the seed test's conditions hold."""
    order = list(np.argsort(-probs, kind="stable"))
    cut = round(SEED_TOP * len(texts))
    ok, ranks = True, []
    for phrase in SEED_CLAIMS:
        hits = [r for r, i in enumerate(order, 1) if phrase in texts[i]]
        best = min(hits) if hits else len(texts) + 1
        p = max((float(probs[i]) for i in range(len(texts)) if phrase in texts[i]), default=0.0)
        ok = ok and best <= cut and p >= 0.5
        ranks.append(f"{phrase[:24]!r}: {best}/{len(texts)} p={p:.2f}")
    return ok, ranks


class Evaluation:
    """Everything a candidate is judged on, as the analyzer scores (logit stacked with the
    n-gram margin, fitted on 2024 dev)."""

    def __init__(self, data: Path) -> None:
        from spinlens.analyzers.claims.model import FAST_MODEL, CheckworthyModel
        from spinlens.models.runtime import model_dir

        self.dev = load_ct2024(data, "dev")
        self.devtest = load_ct2024(data, "dev-test")
        self.held = load_ct2019(data, held_out=True)
        self.seed = seed_sentences()
        fast = CheckworthyModel.load(model_dir(FAST_MODEL) / "weights.npz")
        self.groups: dict[str, list[str]] = {
            "dev": [s.text for s in self.dev],
            "devtest": [s.text for s in self.devtest],
            "seed": self.seed,
            **{f"2019/{k}": [s.text for s in v] for k, v in self.held.items()},
        }
        self.margins = {k: fast.margin(v) for k, v in self.groups.items()}

    def texts(self) -> list[str]:
        return [t for v in self.groups.values() for t in v]

    def split(self, logits: np.ndarray) -> dict[str, np.ndarray]:
        out, start = {}, 0
        for k, v in self.groups.items():
            out[k] = logits[start : start + len(v)]
            start += len(v)
        return out

    def figures(self, logits: np.ndarray) -> dict[str, Any]:
        z = self.split(logits)
        y_dev = [s.label or 0 for s in self.dev]
        _, _, platt_loss = fit_calibration(z["dev"], y_dev)
        (a2, w), b, loss = fit_calibration(np.c_[z["dev"], self.margins["dev"]], y_dev)

        def probs(k: str) -> np.ndarray:
            out: np.ndarray = 1.0 / (1.0 + np.exp(-(a2 * z[k] + w * self.margins[k] + b)))
            return out

        maps = [
            average_precision([s.label or 0 for s in v], probs(f"2019/{k}").tolist())
            for k, v in self.held.items()
        ]
        y_dt = [s.label or 0 for s in self.devtest]
        ok, ranks = seed_check(self.seed, probs("seed"))
        return {
            "dev_logloss_platt": platt_loss,
            "dev_logloss": loss,
            "stack": [a2, w, b],
            "map_2019": float(np.mean(maps)),
            "seed_ok": ok,
            "seed_ranks": ranks,
            "report_only_devtest_f1": f1_positive(y_dt, probs("devtest").tolist()),
            "report_only_devtest_map": average_precision(y_dt, probs("devtest").tolist()),
        }


def _digest(path: Path) -> str:
    stat = path.stat()
    return hashlib.sha1(f"{path.resolve()}:{stat.st_size}:{stat.st_mtime}".encode()).hexdigest()[
        :12
    ]


def teacher_logits(
    checkpoints: Sequence[Path],
    texts: Sequence[str],
    name: str,
    cache: Path,
    log: Callable[[str], None] = print,
) -> np.ndarray:
    """Mean raw logit of the checkpoints over ``texts``, each exported to int8 ONNX as shipped
    (ten times faster than torch on the CPU); each checkpoint's logits are cached."""
    from spinlens.analyzers.claims.model import FinetunedCheckworthy
    from spinlens.train.claims_export import export_onnx

    key = hashlib.sha1("\n".join(texts).encode()).hexdigest()[:12]
    cache.mkdir(parents=True, exist_ok=True)
    out = []
    for ckpt in checkpoints:
        path = cache / f"teacher-{_digest(ckpt)}-{name}-{key}.npy"
        if not path.is_file():
            began = time.time()
            folder = cache / f"onnx-{_digest(ckpt)}"
            if not (folder / "model.onnx").is_file():
                log(f"teacher {ckpt} to int8 ONNX: {json.dumps(export_onnx(ckpt, folder))}")
            model = FinetunedCheckworthy.load(folder, platt=(1.0, 0.0))
            np.save(path, model.logits(texts))
            log(f"teacher {ckpt} on {name} ({len(texts)}): {(time.time() - began) / 60:.1f} min")
        out.append(np.load(path))
    mean: np.ndarray = np.mean(out, axis=0).astype(np.float32)
    return mean


def build_student(init: Path, layers: Sequence[int]) -> Any:
    """The classifier of ``init`` keeping only the transformer ``layers`` (in that order)."""
    import torch

    model = build_classifier(encoder_dir())
    model.load_state_dict(torch.load(init, map_location="cpu"))
    keep_layers(model, layers)
    return model


def train(
    data: Path,
    work: Path,
    cache: Path,
    cfg: DistillConfig,
    log: Callable[[str], None] = print,
    use_epoch: int | None = None,
) -> tuple[Path, list[dict[str, Any]]]:
    import torch

    torch.set_num_threads(cfg.threads)
    torch.manual_seed(cfg.seed)
    rng = random.Random(cfg.seed)
    work.mkdir(parents=True, exist_ok=True)
    teachers = [Path(p) for p in cfg.teachers.split(",") if p]
    tokenizer = make_tokenizer(cfg.max_length)
    labelled = training_set(data, cfg.with_2019, with_tweets=cfg.with_tweets)
    texts = [s.text for s in labelled]
    gold = [float(s.label or 0) for s in labelled]
    has_gold = [1.0] * len(texts)
    soft = teacher_logits(teachers, texts, "train", cache, log)
    if cfg.with_news:
        news = news_sentences(data, evaluation_keys(data) | {text_key(t) for t in texts})
        soft = np.r_[soft, teacher_logits(teachers, news, "news", cache, log)]
        texts += news
        gold += [0.0] * len(news)
        has_gold += [0.0] * len(news)
    log(
        f"training sentences: {len(labelled)} labelled ({int(sum(gold))} check-worthy)"
        f" + {len(texts) - len(labelled)} news sentences with teacher labels only"
    )
    evaluation = Evaluation(data)
    z_teacher = _eval_teacher(teachers, evaluation, cache, cfg, log)
    log(f"teacher: {json.dumps(evaluation.figures(z_teacher))}")
    x_train = [e.ids for e in tokenizer.encode_batch(texts)]
    y_gold = torch.tensor(gold)
    m_gold = torch.tensor(has_gold)
    y_soft = torch.sigmoid(torch.from_numpy(soft) / cfg.temperature)
    x_eval = [e.ids for e in tokenizer.encode_batch(evaluation.texts())]

    layers = [int(v) for v in cfg.student_layers.split(",")]
    model = build_student(Path(cfg.init) if cfg.init else teachers[-1], layers)
    bce = torch.nn.BCEWithLogitsLoss(reduction="none")
    s, t = cfg.soft_weight, cfg.temperature
    z0 = torch_logits(model, x_eval)
    log(f"student at start: {json.dumps(evaluation.figures(z0))}")
    history: list[dict[str, Any]] = []
    start = time.time()

    def loss_of(logits: Any, chunk: list[int]) -> Any:
        g, m = y_gold[chunk], m_gold[chunk]
        soft_loss = bce(logits / t, y_soft[chunk]) * (t * t)
        weight = m * s + (1 - m)  # news rows: the teacher is the only signal
        return (m * (1 - s) * bce(logits, g) + weight * soft_loss).mean()

    def after_epoch(epoch: int) -> None:
        torch.save(model.state_dict(), work / f"epoch{epoch}.pt")
        row = {
            "epoch": epoch,
            "minutes": (time.time() - start) / 60,
            **evaluation.figures(torch_logits(model, x_eval)),
        }
        history.append(row)
        log(json.dumps(row))
        (work / "history.json").write_text(json.dumps(history, indent=1), encoding="utf-8")

    fit_epochs(model, x_train, cfg, loss_of, rng=rng, after_epoch=after_epoch, log=log, every=200)
    (work / "config.json").write_text(json.dumps(asdict(cfg), indent=1), encoding="utf-8")
    return choose(work, history, use_epoch, log), history


def choose(
    work: Path,
    history: list[dict[str, Any]],
    use_epoch: int | None,
    log: Callable[[str], None] = print,
) -> Path:
    """The lowest dev log-loss among the epochs that keep the 2019 MAP floor and the seed
    check (among all epochs if none does), unless ``use_epoch`` names one."""
    eligible = [r for r in history if r["seed_ok"] and r["map_2019"] >= MAP_2019_FLOOR]
    best = min(eligible or history, key=lambda r: r["dev_logloss"])
    chosen = work / f"epoch{use_epoch or best['epoch']}.pt"
    log(f"chosen: {chosen.name} (eligible epochs: {[r['epoch'] for r in eligible]})")
    return chosen


def _eval_teacher(
    teachers: Sequence[Path],
    evaluation: Evaluation,
    cache: Path,
    cfg: DistillConfig,
    log: Callable[[str], None],
) -> np.ndarray:
    return teacher_logits(teachers, evaluation.texts(), "eval", cache, log)


def write_card(out: Path, cfg: DistillConfig, history: list[dict[str, Any]], argv: str) -> None:
    """Rewrite the cards that :func:`.claims_export.export_and_calibrate` wrote for a student."""
    card = json.loads((out / "card.json").read_text(encoding="utf-8"))
    layers = len(cfg.student_layers.split(","))
    card["version"] = "3"
    card["kind"] = (
        f"{layers}-layer student distilled from fine-tuned all-MiniLM-L6-v2 sentence "
        "classifiers (mean pooling + linear head), int8 ONNX"
    )
    card["distillation"] = {
        "teachers": [Path(p).parent.name + "/" + Path(p).name for p in cfg.teachers.split(",")],
        "student_layers": cfg.student_layers,
        "soft_weight": cfg.soft_weight,
        "temperature": cfg.temperature,
        "news": f"{PTC} train-articles sentences, teacher labels only" if cfg.with_news else "",
    }
    card["history"] = history
    card["reproduce"] = argv
    (out / "card.json").write_text(json.dumps(card, indent=1) + "\n", encoding="utf-8")
    metrics = "\n".join(f"  - {m}" for m in card["metrics"])
    (out / "MODEL_CARD.md").write_text(
        "# checkworthy: sentence check-worthiness\n\n"
        f"- Model: {card['kind']}; {card['export']['size_mb']:.1f} MB. Scores are "
        "`sigmoid(a * logit + w * fast + b)`, so 0.5 = check-worthy; `fast` is the margin of "
        "the n-gram model stored as `fast.npz`; `a`, `w`, `b` fitted on 2024 dev "
        f"(w = {card['fast_weight']:.3f}).\n"
        f"- Student: layers {cfg.student_layers} of the teacher checkpoint {cfg.init or 'last'}"
        f" (embeddings + lowest {cfg.frozen_layers} layer(s) frozen), {cfg.epochs} epoch(s), "
        f"lr {cfg.lr}, batch {cfg.batch_size}, "
        f"loss (1 - {cfg.soft_weight}) * BCE(gold) + {cfg.soft_weight} * BCE(teacher), "
        f"checkpoint {card['checkpoint']}.\n"
        f"- Teacher: mean raw logit of {len(card['distillation']['teachers'])} fine-tuned "
        f"all-MiniLM-L6-v2 classifier(s) ({', '.join(card['distillation']['teachers'])}; runs "
        "in docs/claims.md), int8 ONNX as shipped.\n"
        f"- Training data: {card['data']['train']}"
        + (f"; plus {card['distillation']['news']}" if cfg.with_news else "")
        + ".\n"
        f"- Epoch choice and calibration: {card['data']['selection_and_calibration']} log-loss, "
        "the 2019 held-out MAP floor and the seed test (dev-test not used for any choice).\n"
        f"- 2019 held-out transcripts: {', '.join(card['data']['held_out_2019'])}.\n"
        f"- Reproduce: `{argv}`.\n"
        f"- Figures at training time (`spinlens eval claims`):\n{metrics}\n",
        encoding="utf-8",
    )


def out(line: str) -> None:
    print(line, flush=True)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--teacher", required=True, help="Checkpoints, comma-separated.")
    parser.add_argument("--init", default="", help="Student init checkpoint (last teacher).")
    parser.add_argument("--student-layers", default=DistillConfig.student_layers)
    parser.add_argument("--work", type=Path, default=Path(".cache/spinlens-claims/distill"))
    parser.add_argument("--cache", type=Path, default=Path(".cache/spinlens-claims/teacher"))
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="Model folder (default: the user data folder's models/checkworthy).",
    )
    parser.add_argument("--epochs", type=int, default=DistillConfig.epochs)
    parser.add_argument("--lr", type=float, default=DistillConfig.lr)
    parser.add_argument("--frozen-layers", type=int, default=DistillConfig.frozen_layers)
    parser.add_argument("--soft-weight", type=float, default=DistillConfig.soft_weight)
    parser.add_argument("--temperature", type=float, default=DistillConfig.temperature)
    parser.add_argument("--threads", type=int, default=int(os.environ.get("OMP_NUM_THREADS", 2)))
    parser.add_argument("--no-news", action="store_true", help="Labelled sentences only.")
    parser.add_argument("--use-epoch", type=int, default=None, help="Export this epoch.")
    parser.add_argument("--teacher-only", action="store_true", help="Score the teacher, stop.")
    parser.add_argument("--train-only", action="store_true", help="Stop before the export.")
    parser.add_argument(
        "--export-only", action="store_true", help="Export an epoch already trained in --work."
    )
    args = parser.parse_args(argv)
    cfg = DistillConfig(
        epochs=args.epochs,
        lr=args.lr,
        frozen_layers=args.frozen_layers,
        threads=args.threads,
        student_layers=args.student_layers,
        soft_weight=args.soft_weight,
        temperature=args.temperature,
        with_news=not args.no_news,
        teachers=args.teacher,
        init=args.init,
    )
    if args.teacher_only:
        import torch

        torch.set_num_threads(cfg.threads)
        evaluation = Evaluation(args.data)
        teachers = [Path(p) for p in cfg.teachers.split(",")]
        for group in ([t] for t in teachers) if len(teachers) > 1 else []:
            z = _eval_teacher(group, evaluation, args.cache, cfg, out)
            out(f"{group[0]}: {json.dumps(evaluation.figures(z))}")
        z = _eval_teacher(teachers, evaluation, args.cache, cfg, out)
        out(f"teacher (mean logit): {json.dumps(evaluation.figures(z))}")
        return
    if args.export_only:
        history = json.loads((args.work / "history.json").read_text(encoding="utf-8"))
        chosen = choose(args.work, history, args.use_epoch, out)
    else:
        chosen, history = train(args.data, args.work, args.cache, cfg, out, args.use_epoch)
    if not args.train_only:
        from spinlens.models.runtime import model_dir
        from spinlens.train.claims_export import default_out, export_and_calibrate

        fast = model_dir("checkworthy-fast") / "weights.npz"
        folder = args.out or default_out()
        for line in export_and_calibrate(chosen, args.data, folder, cfg, args.work, fast):
            out(line)
        command = "python -m spinlens.train.claims_distill " + " ".join(
            argv if argv is not None else __import__("sys").argv[1:]
        )
        write_card(folder, cfg, history, command)


if __name__ == "__main__":
    main()
