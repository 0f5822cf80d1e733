"""Check-worthiness read from the propaganda tagger's hidden states: one shared encoder trunk.

``python scripts/claims_trunk.py --data ../shared/data --cache DIR --from-layer 3 --epochs 2
--with-extra`` (needs the ``train`` extra). An experiment for issue 14.4 (cost), not shipped:
it lives outside the package, like ``claims_distill.py``.

The default pipeline runs two encoders over an article: the propaganda tagger (256-token
windows) and the check-worthiness classifier (each sentence alone). Sharing the tagger's
lower layers would leave check-worthiness only its top layers to run. This measures what that
costs in quality:

- Trunk: the shipped int8 tagger graph with the output of layer ``--from-layer`` (0-5) added
  as a graph output, run exactly as the analyzer runs it (same windows, stitched by averaging
  the overlap). A sentence is read in its context: 2024 sentences in order of their
  ClaimBuster id within blocks of 1,000 ids (a stand-in for a debate, as ``eval.claims_cv``),
  2019 sentences in transcript order, 60 sentences per text; tweets alone; news sentences in
  their article (``Document`` sentences, as the analyzer splits them).
- Head: the base MiniLM's layers above ``--from-layer`` (fresh from all-MiniLM-L6-v2; they
  see only the sentence's own tokens), mean pooling, a linear layer; trained on the fine-tuned
  model's labelled data from 2024 train and the 2019 transcripts that are not held out
  (every evaluation sentence removed, deduplicated by text). ``--with-extra`` adds the 2020
  tweets and the PTC train articles' sentences with the shipped classifier's probability as
  soft target (as ``claims_distill.py``). Epoch chosen by 2024 dev average precision.
- Judged as shipped: the logit stacked with the n-gram margin, calibration refitted with one
  2024 dev-test debate left out (``eval.claims_cv.unseen_debate_figures``), 2019 MAP per
  held-out transcript, and the seed article's key claims (``claims_distill.seed_check``).
  ``--shipped`` prints the same lines for the shipped classifier.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from spinlens.analyzers.claims.model import FinetunedCheckworthy, shipped_model
from spinlens.analyzers.propaganda import windows as W
from spinlens.eval.claims import (
    average_precision,
    load_ct2019,
    load_ct2024,
    text_key,
)
from spinlens.eval.claims_cv import fit_logistic, unseen_debate_figures
from spinlens.models.runtime import load_tokenizer, model_dir

sys.path.insert(0, str(Path(__file__).resolve().parent))
from claims_distill import PTC, SEED, seed_check

HIDDEN = 384
PIECE = 60  # sentences per context text: article-sized


@dataclass
class Item:
    """A sentence in its context text; ``target`` is its label, or a soft target (news)."""

    key: str
    text: str
    target: float
    source: str  # 2024-train / 2024-dev / 2024-dev-test / 2019 / 2019-held / tweet / news / seed


def _layer_output(k: int) -> str:
    return f"/encoder/encoder/layer.{k}/output/LayerNorm/LayerNormalization_output_0"


class Trunk:
    """The shipped tagger with one hidden layer's output exposed; windows as the analyzer."""

    def __init__(self, layer: int) -> None:
        import onnx
        import onnxruntime as ort

        folder = model_dir("propaganda")
        graph = onnx.load(str(folder / "model.onnx"))
        graph.graph.output.append(
            onnx.helper.make_tensor_value_info(_layer_output(layer), onnx.TensorProto.FLOAT, None)
        )
        options = ort.SessionOptions()
        options.intra_op_num_threads = 2
        self.session = ort.InferenceSession(
            graph.SerializeToString(), options, providers=["CPUExecutionProvider"]
        )
        self.tokenizer = W.prepare(load_tokenizer(str(folder / "tokenizer.json")))

    def sentence_states(self, text: str, spans: Sequence[tuple[int, int]]) -> list[np.ndarray]:
        """Each span's token states (tokens wholly inside it), from the windows over ``text``."""
        enc = W.encode(self.tokenizer, text)
        ranges = W.windows(len(enc.ids))
        cls_id = self.tokenizer.token_to_id("[CLS]")
        sep_id = self.tokenizer.token_to_id("[SEP]")
        if not ranges:
            return [np.zeros((0, HIDDEN), np.float16) for _ in spans]

        def hidden(ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
            out: np.ndarray = self.session.run(None, {"input_ids": ids})[1]
            return out

        states = W.run_windows(hidden, enc.ids, ranges, cls_id, sep_id)
        starts, ends = enc.offsets[:, 0], enc.offsets[:, 1]
        return [
            states[(starts >= a) & (ends <= b) & (ends > starts)].astype(np.float16)
            for a, b in spans
        ]


def _joined(items: Sequence[Item]) -> tuple[str, list[tuple[int, int]]]:
    spans, pos = [], 0
    for item in items:
        spans.append((pos, pos + len(item.text)))
        pos += len(item.text) + 1
    return "\n".join(i.text for i in items), spans


def debate_contexts(data: Path) -> Iterator[tuple[str, list[tuple[int, int]], list[Item]]]:
    rows = []
    for split in ("train", "dev", "dev-test"):
        for s in load_ct2024(data, split):
            rows.append(
                (int(s.id), Item(f"2024-{split}:{s.id}", s.text, s.label or 0, f"2024-{split}"))
            )
    rows.sort(key=lambda r: r[0])
    blocks: dict[int, list[Item]] = {}
    for sid, item in rows:
        blocks.setdefault(sid // 1000, []).append(item)
    groups = list(blocks.values())
    for held in (True, False):
        for name, sentences in load_ct2019(data, held_out=held).items():
            source = "2019-held" if held else "2019"
            groups.append(
                [
                    Item(f"2019:{name}:{j}", s.text, s.label or 0, source)
                    for j, s in enumerate(sentences)
                ]
            )
    for group in groups:
        for p in range(0, len(group), PIECE):
            text, spans = _joined(group[p : p + PIECE])
            yield text, spans, group[p : p + PIECE]


def article_contexts(
    paths: Sequence[Path], source: str
) -> Iterator[tuple[str, list[tuple[int, int]], list[Item]]]:
    from spinlens.document import Document

    for path in paths:
        doc = Document.from_text(path.read_text(encoding="utf-8"))
        kept = [s for s in doc.sentences if doc.text_of(s).strip()]
        items = [
            Item(f"{source}:{path.stem}:{j}", doc.text_of(s), -1.0, source)
            for j, s in enumerate(kept)
        ]
        yield doc.text, [(s.start, s.end) for s in kept], items


def tweet_contexts(data: Path) -> Iterator[tuple[str, list[tuple[int, int]], list[Item]]]:
    from spinlens.train.claims import load_ct2020_tweets

    for t in load_ct2020_tweets(data):
        yield t.text, [(0, len(t.text))], [Item(f"tweet:{t.id}", t.text, t.label or 0, "tweet")]


@dataclass
class Store:
    """Sentences with their trunk token states, ragged in one float16 array."""

    items: list[Item]
    tokens: np.ndarray
    lengths: np.ndarray

    @property
    def starts(self) -> np.ndarray:
        return np.r_[0, np.cumsum(self.lengths)[:-1]].astype(np.int64)


def build_store(
    trunk: Trunk, contexts: Iterator[tuple[str, list[tuple[int, int]], list[Item]]]
) -> Store:
    items: list[Item] = []
    states: list[np.ndarray] = []
    t0 = time.time()
    for n, (text, spans, group) in enumerate(contexts):
        for item, s in zip(group, trunk.sentence_states(text, spans), strict=True):
            items.append(item)
            states.append(s)
        if n % 200 == 0:
            print(f"  {n} texts, {len(items)} sentences, {time.time() - t0:.0f} s", file=sys.stderr)
    lengths = np.array([len(s) for s in states], dtype=np.int64)
    return Store(items, np.concatenate(states), lengths)


def cached_store(cache: Path, name: str, layer: int, make: Callable[[], Store]) -> Store:
    """``make()``, kept in ``cache`` (token states in .npy, sentences in .json)."""
    path = cache / f"trunk-{name}-layer{layer}"
    if (path / "items.json").is_file():
        rows = json.loads((path / "items.json").read_text(encoding="utf-8"))
        return Store(
            [Item(*row) for row in rows],
            np.load(path / "tokens.npy"),
            np.load(path / "lengths.npy"),
        )
    store = make()
    path.mkdir(parents=True, exist_ok=True)
    np.save(path / "tokens.npy", store.tokens)
    np.save(path / "lengths.npy", store.lengths)
    rows = [[i.key, i.text, i.target, i.source] for i in store.items]
    (path / "items.json").write_text(json.dumps(rows), encoding="utf-8")
    return store


def train_head(
    store: Store, train: np.ndarray, targets: np.ndarray, dev: np.ndarray, args: argparse.Namespace
) -> list[tuple[float, np.ndarray]]:
    """Top layers + mean pool + linear; (dev AP, logits of every store row) per epoch."""
    import torch
    from torch import nn
    from transformers import AutoModel

    from spinlens.train.base_encoder import encoder_dir

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    base = AutoModel.from_pretrained(str(encoder_dir()))
    lengths, starts, tokens = store.lengths, store.starts, store.tokens

    class Head(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.layers = nn.ModuleList(base.encoder.layer[args.from_layer + 1 :])
            self.drop = nn.Dropout(0.1)
            self.out = nn.Linear(HIDDEN, 1)

        def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
            additive = (1.0 - mask[:, None, None, :].float()) * -1e4
            for layer in self.layers:
                y = layer(x, attention_mask=additive)
                x = y[0] if isinstance(y, tuple) else y
            m = mask[..., None].float()
            return self.out(self.drop((x * m).sum(1) / m.sum(1).clamp(min=1))).squeeze(-1)

    def batch(idx: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
        width = max(1, int(lengths[idx].max()))
        x = np.zeros((len(idx), width, HIDDEN), np.float32)
        mask = np.zeros((len(idx), width), np.int64)
        for r, i in enumerate(idx):
            n = int(lengths[i])
            x[r, :n] = tokens[starts[i] : starts[i] + n]
            mask[r, : max(n, 1)] = 1
        return torch.from_numpy(x), torch.from_numpy(mask)

    def predict(model: Head) -> np.ndarray:
        model.eval()
        order = np.argsort(lengths, kind="stable")
        out = np.zeros(len(lengths), np.float32)
        with torch.no_grad():
            for p in range(0, len(order), 64):
                sel = order[p : p + 64]
                out[sel] = model(*batch(sel)).numpy()
        return out

    # Its own small loop, not train.loop.fit_epochs: the inputs are token states, not ids, and
    # the recipe (no warm-up, no clipping, numpy shuffling) is the one the documented figures
    # were measured with; the pooled length-sorted batches follow train.loop.batches.
    model = Head()
    opt = torch.optim.AdamW(
        [
            {"params": model.layers.parameters(), "lr": args.lr},
            {"params": model.out.parameters(), "lr": 1e-3},
        ],
        weight_decay=0.01,
    )
    steps = args.epochs * ((len(train) + 31) // 32)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: max(0.0, 1 - s / steps))
    loss_fn = nn.BCEWithLogitsLoss()
    rng = np.random.default_rng(args.seed)
    labels = np.array([i.target for i in store.items])
    out = []
    for epoch in range(args.epochs):
        model.train()
        perm = rng.permutation(train)
        batches = []
        for c in (perm[i : i + 3200] for i in range(0, len(perm), 3200)):
            c = c[np.argsort(lengths[c], kind="stable")]
            batches += [c[i : i + 32] for i in range(0, len(c), 32)]
        rng.shuffle(batches)
        for idx in batches:
            loss = loss_fn(model(*batch(idx)), torch.from_numpy(targets[idx]))
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
        logits = predict(model)
        ap = average_precision(labels[dev].astype(int).tolist(), logits[dev].tolist())
        print(f"epoch {epoch}: 2024 dev AP {ap:.4f}", file=sys.stderr)
        out.append((ap, logits))
    return out


def judge(name: str, data: Path, store: Store, logits: np.ndarray, margin: Any) -> None:
    """The shipped procedure's lines for a logit per store row (looked up by text)."""
    by_text: dict[str, float] = {}
    for item, z in zip(store.items, logits, strict=True):
        by_text.setdefault(item.text, float(z))

    def features(texts: Sequence[str]) -> np.ndarray:
        return np.c_[[by_text[t] for t in texts], margin(list(texts))]

    print(f"== {name}")
    for spread in unseen_debate_figures(data, features):
        print("  ", spread.line())
    rows = [i for i, item in enumerate(store.items) if item.source in ("2024-dev", "2024-dev-test")]
    x = features([store.items[i].text for i in rows])
    w, b = fit_logistic(x, [int(store.items[i].target) for i in rows], balanced=True)
    seed = [i for i, item in enumerate(store.items) if item.source == "seed"]
    xs = features([store.items[i].text for i in seed])
    probs = 1.0 / (1.0 + np.exp(-(xs @ np.asarray(w) + b)))
    ok, ranks = seed_check([store.items[i].text[:2000] for i in seed], probs)
    print("   seed check (tests/claims):", "passes" if ok else "fails", "; ".join(ranks))
    sys.stdout.flush()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--cache", type=Path, required=True, help="token states are kept here")
    parser.add_argument("--from-layer", type=int, default=3, help="tagger layer read (0-5)")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--lr", type=float, default=1e-4)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--with-extra", action="store_true", help="2020 tweets + PTC news (soft)")
    parser.add_argument("--shipped", action="store_true", help="also judge the shipped classifier")
    args = parser.parse_args(argv)
    model = shipped_model()
    assert isinstance(model, FinetunedCheckworthy) and model.fast is not None
    fast = model.fast
    trunk = Trunk(args.from_layer)
    layer = args.from_layer

    def contexts() -> Iterator[tuple[str, list[tuple[int, int]], list[Item]]]:
        yield from debate_contexts(args.data)
        yield from article_contexts([SEED], "seed")

    stores = [cached_store(args.cache, "debates", layer, lambda: build_store(trunk, contexts()))]
    if args.with_extra:
        news = sorted((args.data / PTC / "train-articles").glob("article*.txt"))

        def extra() -> Iterator[tuple[str, list[tuple[int, int]], list[Item]]]:
            yield from tweet_contexts(args.data)
            yield from article_contexts(news, "news")

        stores.append(cached_store(args.cache, "extra", layer, lambda: build_store(trunk, extra())))
    store = Store(
        [i for s in stores for i in s.items],
        np.concatenate([s.tokens for s in stores]),
        np.concatenate([s.lengths for s in stores]),
    )
    items = store.items
    source = np.array([i.source for i in items])
    key = np.array([text_key(i.text) for i in items])
    held = np.isin(source, ["2024-dev", "2024-dev-test", "2019-held", "seed"])
    news = source == "news"
    if news.any():  # soft targets: the shipped classifier's probability (its raw logit)
        teacher = model.logits([items[i].text for i in np.flatnonzero(news)])
        for i, z in zip(np.flatnonzero(news), teacher, strict=True):
            items[i].target = float(1.0 / (1.0 + np.exp(-z)))
    candidates = np.isin(source, ["2024-train", "2019", "tweet", "news"]) & ~np.isin(key, key[held])
    _, first = np.unique(key[candidates], return_index=True)
    train = np.flatnonzero(candidates)[np.sort(first)]
    print(f"training sentences: {len(train)}", file=sys.stderr)
    targets = np.array([i.target for i in items], dtype=np.float32)
    dev = np.flatnonzero(source == "2024-dev")
    if args.shipped:
        logits = model.logits([i.text for i in items])
        seed = np.flatnonzero(source == "seed")  # the seed alone, in its batches, as analyzed
        logits[seed] = model.logits([items[i].text for i in seed])
        judge("shipped check-worthiness classifier", args.data, store, logits, fast.margin)
    epochs = train_head(store, train, targets, dev, args) if args.epochs else []
    best = max(range(len(epochs)), key=lambda e: epochs[e][0], default=-1)
    for e, (ap, logits) in enumerate(epochs):
        chosen = " (chosen by dev AP)" if e == best else ""
        judge(
            f"trunk from layer {layer}, {5 - layer} layer(s) trained, "
            f"epoch {e + 1}/{args.epochs}, dev AP {ap:.4f}{chosen}",
            args.data,
            store,
            logits,
            fast.margin,
        )


if __name__ == "__main__":
    main()
