"""Train fact-check matching on CheckThat! 2020 task 2: the matching encoder, then the reranker.

Run: ``spinlens train claims --data ../shared/data`` (with the check-worthiness model) or
``python -m spinlens.train.claims_reranker [DATA]``.

1. The train queries are split once (seeded): 700 fine-tune the encoder, 100 are held out.
2. Encoder: all-MiniLM-L6-v2 fine-tuned on (tweet, verified claim) pairs with in-batch
   negatives plus one hard negative per pair (the most similar wrong claim under the base
   encoder), 2 epochs; exported to int8 ONNX with the shared encoder's export and copied into
   the reranker's model folder (``encoder.onnx``, ``tokenizer.json``).
3. Reranker: logistic regression over the candidate features (``FEATURES``), fitted on the
   100 held-out train queries, whose pairs the encoder never saw: fitted on the encoder's own
   training pairs, it would learn to trust a cosine that is inflated there.
Dev MAP@1/@5 is reported, never used for choices.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from spinlens.eval.claims import CT2020_T2, map_at, read_qrels, read_queries
from spinlens.factcheck.encoder import Matrix, use_folder
from spinlens.factcheck.encoder import encode as encode_match
from spinlens.factcheck.encoder import folder as encoder_folder
from spinlens.factcheck.importers import read_checkthat2020
from spinlens.factcheck.index import FactCheckIndex, clean_query, unique_claims
from spinlens.factcheck.match import (
    FEATURES,
    RERANKER,
    Candidate,
    Matcher,
    Reranker,
    candidates,
    embed_queries,
)
from spinlens.factcheck.store import FactCheckStore
from spinlens.train import claims as claims_training

HELD_OUT = 100
EPOCHS = 2.0
BATCH = 16
Queries = list[tuple[str, str]]
Qrels = dict[str, set[str]]


def _encoder_digest() -> str:
    path = encoder_folder() / "encoder.onnx"
    return hashlib.sha1(path.read_bytes()).hexdigest()[:12] if path.is_file() else "none"


def embed_cached(texts: Sequence[str], cache: Path | None) -> Matrix:
    """Matching-encoder vectors of ``texts``, cached on disk by content and encoder file."""
    return claims_training.embed_cached(texts, cache, encode_match, f"match-{_encoder_digest()}")


def ct2020_matcher(data: Path, db: Path, cache: Path | None, reranker: Reranker) -> Matcher:
    """A matcher over the 10,389 verified claims, with cached claim vectors."""
    store = FactCheckStore(db)
    store.upsert(read_checkthat2020(data / CT2020_T2 / "verified_claims.docs.tsv"))
    records = unique_claims(store.all())
    vectors = embed_cached([r.claim for r in records], cache)
    titles = embed_cached([r.title or r.claim for r in records], cache)
    index = FactCheckIndex.build(records, store.generation(), vectors, titles)
    return Matcher(store, reranker, index)


def _split(data: Path, split: str) -> tuple[Queries, Qrels]:
    folder = data / CT2020_T2 / split
    return read_queries(folder / "tweets.queries.tsv"), read_qrels(
        folder / "tweet-vclaim-pairs.qrels"
    )


def split_train(queries: Sequence[tuple[str, str]]) -> tuple[Queries, Queries]:
    """(encoder queries, held-out reranker queries): a seeded shuffle, ``HELD_OUT`` held."""
    order = list(range(len(queries)))
    random.Random(0).shuffle(order)
    held = set(order[:HELD_OUT])
    return (
        [q for i, q in enumerate(queries) if i not in held],
        [q for i, q in enumerate(queries) if i in held],
    )


def query_candidates(
    matcher: Matcher, queries: Sequence[tuple[str, str]]
) -> Iterator[tuple[int, str, str, list[Candidate]]]:
    """Each query's number, id, cleaned text and retrieved candidates (one embedding pass
    for all queries): what reranker and same-claim training both start from."""
    texts = [clean_query(t) for _, t in queries]
    vectors = embed_queries(texts)
    for i, (qid, _) in enumerate(queries):
        found = candidates(
            matcher.index,
            matcher.claims,
            texts[i],
            vectors.whole[i],
            matcher.depth,
            vectors.sentences[i],
        )
        yield i, qid, texts[i], found


def features(
    matcher: Matcher, queries: Sequence[tuple[str, str]], qrels: Qrels
) -> tuple[list[tuple[float, ...]], list[int], list[int]]:
    """Candidate features, labels and query numbers for ``queries``."""
    x: list[tuple[float, ...]] = []
    y: list[int] = []
    group: list[int] = []
    for i, qid, _, found in query_candidates(matcher, queries):
        for cand in found:
            x.append(cand.features)
            y.append(int(cand.claim_id in qrels.get(qid, set())))
            group.append(i)
    return x, y, group


def fit(
    matcher: Matcher, queries: Sequence[tuple[str, str]], qrels: Qrels, c: float = 1.0
) -> Reranker:
    from sklearn.linear_model import LogisticRegression

    x, y, _ = features(matcher, queries, qrels)
    arr = np.asarray(x, dtype=np.float64)
    mean, scale = arr.mean(axis=0), arr.std(axis=0) + 1e-9
    lr = LogisticRegression(C=c, max_iter=2000)
    lr.fit((arr - mean) / scale, y)
    return Reranker(
        tuple(mean.tolist()),
        tuple(scale.tolist()),
        tuple(lr.coef_[0].tolist()),
        float(lr.intercept_[0]),
    )


def evaluate(
    matcher: Matcher, queries: Sequence[tuple[str, str]], qrels: Qrels
) -> dict[str, float]:
    ranked = matcher.rank([t for _, t in queries], top=5)
    run = {
        qid: [c.claim_id for c in cands] for (qid, _), cands in zip(queries, ranked, strict=True)
    }
    return {"MAP@1": map_at(run, qrels, 1), "MAP@5": map_at(run, qrels, 5)}


def fused_baseline() -> Reranker:
    """An untrained reranker: the mean of cosine and BM25 rank features (for comparison)."""
    weights = tuple(1.0 if f in {"cosine_rank", "bm25_rank"} else 0.0 for f in FEATURES)
    zeros = tuple(0.0 for _ in FEATURES)
    return Reranker(zeros, tuple(1.0 for _ in FEATURES), weights, 0.0)


def hard_negatives(
    data: Path, queries: Sequence[tuple[str, str]], qrels: Qrels
) -> list[tuple[str, str, str | None]]:
    """(cleaned tweet, gold claim, most similar wrong claim under the base encoder)."""
    from spinlens.models.encoder import encode as encode_base

    records = unique_claims(list(read_checkthat2020(data / CT2020_T2 / "verified_claims.docs.tsv")))
    claims = {r.id: r.claim for r in records}
    vectors = encode_base([r.claim for r in records], batch_size=32)
    texts = [clean_query(t) for _, t in queries]
    sims = encode_base(texts, batch_size=32) @ vectors.T
    out = []
    for i, (qid, _) in enumerate(queries):
        gold = sorted(qrels.get(qid, set()) & claims.keys())
        if not gold:
            continue
        wrong = next(
            (records[j].id for j in np.argsort(-sims[i]) if records[j].id not in gold), None
        )
        out.append((texts[i], claims[gold[0]], claims[wrong] if wrong else None))
    return out


def finetune_encoder(
    examples: Sequence[tuple[str, str, str | None]],
    out: Path,
    epochs: float = EPOCHS,
    log: Callable[[str], None] = print,
) -> Path:
    """Fine-tune all-MiniLM-L6-v2 on the pairs (multiple-negatives ranking loss, scale 20,
    AdamW 2e-5, linear warm-up 10% and decay) and save it (transformers format) to ``out``."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch
    from transformers import AutoModel, AutoTokenizer

    from spinlens.train.export_encoder import source_dir

    torch.manual_seed(0)
    rng = random.Random(0)
    tokenizer = AutoTokenizer.from_pretrained(str(source_dir()))
    model = AutoModel.from_pretrained(str(source_dir()))
    pairs = list(examples)

    def embed(texts: list[str]) -> Any:
        batch = tokenizer(texts, padding=True, truncation=True, max_length=128, return_tensors="pt")
        hidden = model(**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).float()
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        return torch.nn.functional.normalize(pooled, dim=-1)

    steps = int(len(pairs) / BATCH * epochs)
    warm = max(1, int(0.1 * steps))
    optimizer = torch.optim.AdamW(model.parameters(), lr=2e-5, weight_decay=0.01)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min(1.0, (s + 1) / warm) * max(0.0, (steps - s) / steps)
    )
    model.train()
    step = 0
    while step < steps:
        rng.shuffle(pairs)
        for at in range(0, len(pairs) - BATCH + 1, BATCH):
            if step >= steps:
                break
            batch = pairs[at : at + BATCH]
            queries = embed([p[0] for p in batch])
            targets = embed([p[1] for p in batch] + [p[2] for p in batch if p[2]])
            loss = torch.nn.functional.cross_entropy(
                20.0 * queries @ targets.T, torch.arange(len(batch))
            )
            loss.backward()  # type: ignore[no-untyped-call]
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()
            step += 1
            if step % 10 == 0:
                log(f"encoder step {step}/{steps} loss {loss.item():.3f}")
    model.eval()
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(out))
    tokenizer.save_pretrained(str(out))
    return out


def export_encoder(fine_tuned: Path, out: Path) -> None:
    """int8 ONNX of the fine-tuned encoder (the shared encoder's export) into ``out``."""
    from spinlens.train.export_encoder import export

    with tempfile.TemporaryDirectory() as tmp:
        export(Path(tmp), source=fine_tuned)
        out.mkdir(parents=True, exist_ok=True)
        shutil.copy(Path(tmp) / "model.onnx", out / "encoder.onnx")
        shutil.copy(Path(tmp) / "tokenizer.json", out / "tokenizer.json")


def run(
    data: Path,
    out: Path,
    cache: Path | None,
    log: Callable[[str], None] = print,
    finetune: bool = True,
) -> dict[str, Any]:
    """Fine-tune and export the encoder (unless ``finetune`` is off), fit the reranker on the
    held-out train queries, report dev MAP@1/@5, write ``reranker.json`` to ``out``."""
    train_q, train_rel = _split(data, "train")
    encoder_q, reranker_q = split_train(train_q)
    if finetune:
        with tempfile.TemporaryDirectory() as tmp:
            examples = hard_negatives(data, encoder_q, train_rel)
            log(f"fine-tuning the matching encoder on {len(examples)} train pairs")
            export_encoder(finetune_encoder(examples, Path(tmp) / "ft", log=log), out)
    # Evaluate and fit with the encoder in ``out`` (the new one, or the one already there).
    use_folder(out if (out / "encoder.onnx").is_file() else None)
    try:
        return _fit_reranker(data, out, cache, log, encoder_q, reranker_q)
    finally:
        use_folder(None)


def _fit_reranker(
    data: Path,
    out: Path,
    cache: Path | None,
    log: Callable[[str], None],
    encoder_q: Queries,
    reranker_q: Queries,
) -> dict[str, Any]:
    _, train_rel = _split(data, "train")
    dev_q, dev_rel = _split(data, "dev")
    with tempfile.TemporaryDirectory() as tmp:
        matcher = ct2020_matcher(data, Path(tmp) / "fc.sqlite", cache, fused_baseline())
        base = evaluate(matcher, dev_q, dev_rel)
        log(f"dev (fused ranks, untrained)  MAP@1={base['MAP@1']:.4f}  MAP@5={base['MAP@5']:.4f}")
        reranker = fit(matcher, reranker_q, train_rel)
        matcher.reranker = reranker
        figures = evaluate(matcher, dev_q, dev_rel)
        log(f"dev (trained reranker) MAP@1={figures['MAP@1']:.4f}  MAP@5={figures['MAP@5']:.4f}")
        matcher.store.close()
    out.mkdir(parents=True, exist_ok=True)
    data_line = (
        f"{CT2020_T2} train: encoder fine-tuned on {len(encoder_q)} queries' pairs, "
        f"reranker fitted on the other {len(reranker_q)}"
    )
    payload = {
        "name": RERANKER,
        "version": "2",
        "features": list(FEATURES),
        "mean": list(reranker.mean),
        "scale": list(reranker.scale),
        "weights": list(reranker.weights),
        "bias": reranker.bias,
        "data": data_line,
        "metrics": {"dev": figures, "dev_untrained": base},
    }
    (out / "reranker.json").write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    card = {k: payload[k] for k in ("name", "version", "data", "metrics")}
    card["encoder"] = "all-MiniLM-L6-v2 fine-tuned here, int8 ONNX (encoder.onnx)"
    (out / "card.json").write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    return payload


if __name__ == "__main__":
    import sys

    from spinlens.train.output import model_output

    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    run(
        Path(args[0] if args else "../shared/data"),
        model_output(RERANKER),  # the user data folder, never the installed package
        Path("/tmp/claims5-cache"),
        finetune="--no-finetune" not in sys.argv,
    )
