"""Grouped cross-validation of SI decodings on the articles the tagger never saw (issue 14).

The shipped decoding (``decode.spans_from_probs``: tokens above one threshold, runs joined
across short gaps, widened to whole words, short spans dropped) was chosen on the tagger's
37 held-out train articles. This module asks whether another decoding of the same per-token
probabilities does better on unseen articles: the 75 PTC dev articles plus those 37 (112
articles no tagger training saw), cut into seeded groups; each decoding family has its
parameters chosen on the other groups and is scored on the held-out one, with the official
SI scorer (``propaganda_score``; character overlap, spans merged per article). The shipped
setting is scored on the same groups.

Families: threshold + gap + minimum length (``tune_decoding``'s grid, retuned per fold);
hysteresis (a span needs one token above a high threshold and extends over tokens above a
low one); a two-state Viterbi segmentation of per-token log-odds or of ``p - t`` with a
penalty per span; a 3-token moving average before the threshold; the threshold decoding
with runs cut at line breaks; and fixed changes to the shipped spans (widened to a
quotation or sentence they mostly cover, edges moved, long spans dropped). ``--stride``
re-runs the tagger with its windows closer together (a test-time ensemble of contexts).
The tagger runs once per article (under a minute); the whole comparison about two minutes.
Experiment code (docs/propaganda.md, "SI decoding compared on the 112 unseen articles"):
the analyzer does not use these decoders.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import numpy.typing as npt

from spinlens.analyzers.propaganda import windows as W
from spinlens.analyzers.propaganda.decode import snap_to_words
from spinlens.analyzers.propaganda.model import TokenTagger
from spinlens.eval.folds import folds_of
from spinlens.eval.propaganda_score import f1_of, merge_spans

Interval = tuple[int, int]
Run = tuple[int, int]  # first and last token index, inclusive
Probs = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Article:
    text: str
    offsets: npt.NDArray[np.int64]
    probs: Probs  # column 0 of the tagger: "inside a propaganda span"
    gold: tuple[Interval, ...]
    kind: str  # "dev" or "held-out"


def runs_threshold(p: Probs, threshold: float, max_gap: int) -> list[Run]:
    """Runs of tokens with ``p >= threshold``, joined across at most ``max_gap`` low tokens
    (the shipped decoding, as token runs)."""
    on = np.flatnonzero(p >= threshold)
    if not len(on):
        return []
    breaks = np.flatnonzero(np.diff(on) > max_gap + 1)
    starts = np.r_[on[0], on[breaks + 1]]
    ends = np.r_[on[breaks], on[-1]]
    return list(zip(starts.tolist(), ends.tolist(), strict=True))


def runs_hysteresis(p: Probs, high: float, low: float, max_gap: int) -> list[Run]:
    """Runs above ``low`` (joined across ``max_gap`` tokens) that hold at least one token
    above ``high``: a span starts at a confident token and extends while the tagger stays
    above the lower threshold; a bump that never reaches ``high`` is dropped."""
    return [(a, b) for a, b in runs_threshold(p, low, max_gap) if p[a : b + 1].max() >= high]


def runs_viterbi(score: Probs, penalty: float) -> list[Run]:
    """The segmentation maximising ``sum(score over tokens inside spans) - penalty x spans``:
    exact two-state (out/in) Viterbi with a cost for entering a span.

    Written by hand in numpy/Python: it is ten lines for two states, and the CRF libraries
    (sklearn-crfsuite, pytorch-crf, torchcrf) learn transition weights from training
    sequences, i.e. retraining, and pull in torch or a C extension the analyzer must not need.
    """
    n = len(score)
    out_s, in_s = 0.0, -math.inf
    entered = np.zeros(n, dtype=bool)  # in-state at i reached from out (a span starts at i)
    left = np.zeros(n, dtype=bool)  # out-state at i reached from in (a span ended at i - 1)
    for i in range(n):
        enter = out_s - penalty
        if enter > in_s:
            new_in, entered[i] = enter + float(score[i]), True
        else:
            new_in = in_s + float(score[i])
        if in_s > out_s:
            new_out, left[i] = in_s, True
        else:
            new_out = out_s
        in_s, out_s = new_in, new_out
    runs: list[Run] = []
    inside, end = in_s > out_s, -1
    for i in range(n - 1, -1, -1):
        if inside:
            if end < 0:
                end = i
            if entered[i]:
                runs.append((i, end))
                inside, end = False, -1
        else:
            inside = bool(left[i])
    return runs[::-1]


def line_cuts(text: str, offsets: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
    """``cut[i]``: a line break lies between token ``i`` and token ``i + 1``."""
    return np.array(
        ["\n" in text[offsets[i, 1] : offsets[i + 1, 0]] for i in range(len(offsets) - 1)],
        dtype=bool,
    )


def split_runs(runs: Sequence[Run], cut: npt.NDArray[np.bool_], p: Probs, keep: float) -> list[Run]:
    """Cut runs where ``cut`` says; keep the pieces holding a token above ``keep``."""
    pieces: list[Run] = []
    for a, b in runs:
        start = a
        for i in range(a, b):
            if cut[i]:
                pieces.append((start, i))
                start = i + 1
        pieces.append((start, b))
    return [(a, b) for a, b in pieces if p[a : b + 1].max() >= keep]


def smooth(p: Probs, width: int) -> Probs:
    """Moving average over ``width`` tokens (edges padded with the edge value)."""
    kernel = np.ones(width) / width
    padded = np.pad(p, width // 2, mode="edge")
    return np.asarray(np.convolve(padded, kernel, mode="valid"), dtype=np.float64)


def logit(p: Probs | float) -> Probs:
    q = np.clip(np.asarray(p, dtype=np.float64), 1e-6, 1 - 1e-6)
    return np.asarray(np.log(q / (1 - q)), dtype=np.float64)


def char_spans(art: Article, runs: Sequence[Run]) -> list[Interval]:
    """Token runs as character spans widened to whole words (as the analyzer shows them)."""
    out = []
    for a, b in runs:
        start, end = snap_to_words(art.text, int(art.offsets[a, 0]), int(art.offsets[b, 1]))
        if end > start:
            out.append((start, end))
    return out


def article_sums(pred: Sequence[Interval], gold: Sequence[Interval]) -> tuple[float, ...]:
    """The official SI scorer's sums for one article: (precision sum, recall sum, predicted
    spans, gold spans); summing them over articles and dividing gives ``si_score``."""
    ps, gs = merge_spans(pred), merge_spans(gold)
    p_sum = r_sum = 0.0
    for s in ps:
        for g in gs:
            inter = max(0, min(s[1], g[1]) - max(s[0], g[0]))
            if inter:
                p_sum += inter / (s[1] - s[0])
                r_sum += inter / (g[1] - g[0])
    return p_sum, r_sum, float(len(ps)), float(len(gs))


def f1_of_sums(sums: npt.NDArray[np.float64]) -> float:
    p = sums[0] / sums[2] if sums[2] else 0.0
    r = sums[1] / sums[3] if sums[3] else 0.0
    return f1_of(float(p), float(r))


Decoder = Callable[[Article], list[Run]]
MIN_CHARS = (1, 3, 6, 10, 15)
THRESHOLDS = tuple(round(float(x), 3) for x in np.arange(0.2, 0.451, 0.025))
GAPS = (0, 1, 2, 3, 5, 8, 12)  # propaganda_export.GAPS


def _threshold(a: Article, t: float, gap: int) -> list[Run]:
    return runs_threshold(a.probs, t, gap)


def _hysteresis(a: Article, high: float, low: float, gap: int) -> list[Run]:
    return runs_hysteresis(a.probs, high, low, gap)


def _viterbi_logit(a: Article, t: float, penalty: float) -> list[Run]:
    return runs_viterbi(logit(a.probs) - logit(t), penalty)


def _viterbi_linear(a: Article, t: float, penalty: float) -> list[Run]:
    return runs_viterbi(a.probs - t, penalty)


def _smoothed(a: Article, t: float, gap: int) -> list[Run]:
    return runs_threshold(smooth(a.probs, 3), t, gap)


def _line_split(a: Article, t: float, gap: int) -> list[Run]:
    return split_runs(runs_threshold(a.probs, t, gap), line_cuts(a.text, a.offsets), a.probs, t)


def families() -> dict[str, list[tuple[str, Decoder]]]:
    """Each family's settings (before the minimum length, tried for every one of them)."""
    P = functools.partial
    return {
        "threshold + gap (tune_decoding grid)": [
            (f"t {t} gap {g}", P(_threshold, t=t, gap=g))
            for t, g in itertools.product(THRESHOLDS, GAPS)
        ],
        "hysteresis high/low + gap": [
            (f"high {hi} low {lo} gap {g}", P(_hysteresis, high=hi, low=lo, gap=g))
            for hi in (0.35, 0.4, 0.45, 0.5, 0.55, 0.6)
            for lo in (0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55)
            if lo < hi
            for g in (0, 5, 12, 20)
        ],
        "Viterbi, log-odds - logit(t), penalty per span": [
            (f"t {t} penalty {lam}", P(_viterbi_logit, t=t, penalty=lam))
            for t in (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5)
            for lam in (0.5, 1, 2, 4, 8, 16)
        ],
        "Viterbi, p - t, penalty per span": [
            (f"t {t} penalty {lam}", P(_viterbi_linear, t=t, penalty=lam))
            for t in (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5)
            for lam in (0.1, 0.2, 0.3, 0.5, 1, 2)
        ],
        "3-token moving average + threshold + gap": [
            (f"t {t} gap {g}", P(_smoothed, t=t, gap=g))
            for t in (0.25, 0.3, 0.325, 0.35, 0.375, 0.4, 0.45)
            for g in (0, 5, 12, 20)
        ],
        "threshold + gap, runs cut at line breaks": [
            (f"t {t} gap {g}", P(_line_split, t=t, gap=g))
            for t in (0.3, 0.35, 0.375, 0.4, 0.45)
            for g in (2, 5, 8, 12, 20, 30)
        ],
    }


@dataclass(frozen=True)
class Table:
    """Per setting (rows) and article (columns), the scorer's four sums."""

    names: list[str]
    sums: npt.NDArray[np.float64]  # (settings, articles, 4)


def table(arts: Sequence[Article], settings: Sequence[tuple[str, Decoder]]) -> Table:
    names, rows = [], []
    for name, decoder in settings:
        spans = [char_spans(a, decoder(a)) for a in arts]
        for m in MIN_CHARS:
            names.append(f"{name} min {m}")
            rows.append(
                [
                    article_sums([s for s in sp if s[1] - s[0] >= m], a.gold)
                    for sp, a in zip(spans, arts, strict=True)
                ]
            )
    return Table(names, np.asarray(rows, dtype=np.float64))


@dataclass(frozen=True)
class CV:
    folds: tuple[float, ...]
    pooled: float
    picks: tuple[str, ...]


def grouped_cv(tab: Table, ids: Sequence[str], groups: Sequence[set[str]]) -> CV:
    """Per group: the setting with the best pooled F1 on the other groups, scored on it."""
    folds, picks = [], []
    pooled = np.zeros(4)
    for g in groups:
        test = np.array([i for i, a in enumerate(ids) if a in g])
        train = np.array([i for i, a in enumerate(ids) if a not in g])
        fit = tab.sums[:, train].sum(axis=1)
        best = int(np.argmax([f1_of_sums(s) for s in fit]))
        held = tab.sums[best, test].sum(axis=0)
        pooled += held
        folds.append(f1_of_sums(held))
        picks.append(tab.names[best])
    return CV(tuple(folds), f1_of_sums(pooled), tuple(picks))


def tagger_probs(
    tagger: TokenTagger, text: str, stride: int
) -> tuple[npt.NDArray[np.int64], Probs]:
    """Offsets and column 0 of the tagger, its windows ``stride`` tokens apart (the analyzer:
    ``windows.STRIDE``; a smaller stride averages more windows per token, a test-time
    ensemble of contexts)."""
    enc = W.encode(tagger.tokenizer, text)
    ranges = W.windows(len(enc.ids), stride=stride)
    if not ranges:
        return enc.offsets, np.zeros(0)
    probs = W.run_windows(tagger.run, enc.ids, ranges, tagger.cls_id, tagger.sep_id)
    return enc.offsets, probs[:, 0].astype(np.float64)


def unseen_articles(data: Path, model_folder: Path, stride: int = W.STRIDE) -> dict[str, Article]:
    """The 75 dev and 37 held-out train articles with the tagger's probabilities."""
    from spinlens.eval.propaganda_data import load_ptc
    from spinlens.train.propaganda import split_ids

    ptc = load_ptc(data)
    _, held = split_ids(list(ptc.train), 0.1, 13)
    tagger = TokenTagger(model_folder)
    out = {}
    sets = [("dev", a, ptc.dev[a], ptc.dev_spans) for a in sorted(ptc.dev)]
    sets += [("held-out", a, ptc.train[a], ptc.train_spans) for a in held]
    for kind, art, text, spans in sets:
        offsets, probs = tagger_probs(tagger, text, stride)
        gold = tuple((g.start, g.end) for g in spans.get(art, []))
        out[art] = Article(text, offsets, probs, gold, kind)
    return out


QUOTE = re.compile(r'["\u201c][^"\u201c\u201d\n]{1,200}["\u201d]')
SENTENCE = re.compile(r"[^\n.!?]+[.!?]*")


def widen_to(spans: Sequence[Interval], units: Sequence[Interval], share: float) -> list[Interval]:
    """Widen each span to every unit (quotation, sentence) it covers at least ``share`` of."""
    out = []
    for s, e in spans:
        for a, b in units:
            inter = max(0, min(e, b) - max(s, a))
            if inter and inter >= share * (b - a):
                s, e = min(s, a), max(e, b)
        out.append((s, e))
    return out


def quotations(text: str) -> list[Interval]:
    return [(m.start() + 1, m.end() - 1) for m in QUOTE.finditer(text)]


def sentences(text: str) -> list[Interval]:
    out = []
    for m in SENTENCE.finditer(text):
        start = m.start() + len(m.group()) - len(m.group().lstrip())
        if m.end() > start:
            out.append((start, m.end()))
    return out


def post_processings() -> dict[str, Callable[[Article, list[Interval]], list[Interval]]]:
    """Fixed changes to the shipped spans (no parameter chosen on the articles)."""

    def pad(a: Article, spans: list[Interval], k: int) -> list[Interval]:
        out = []
        for s, e in spans:
            s2, e2 = max(0, s - k), min(len(a.text), e + k)
            s2, e2 = snap_to_words(a.text, s2, e2) if k > 0 else (s2, e2)
            if e2 > s2:
                out.append((s2, e2))
        return out

    return {
        "widened to a quotation it covers 30% of": lambda a, sp: widen_to(
            sp, quotations(a.text), 0.3
        ),
        "widened to a quotation it covers 50% of": lambda a, sp: widen_to(
            sp, quotations(a.text), 0.5
        ),
        "widened to a quotation it covers 70% of": lambda a, sp: widen_to(
            sp, quotations(a.text), 0.7
        ),
        "widened to a sentence it covers 50% of": lambda a, sp: widen_to(
            sp, sentences(a.text), 0.5
        ),
        "widened to a sentence it covers 90% of": lambda a, sp: widen_to(
            sp, sentences(a.text), 0.9
        ),
        "3 more characters each side (to whole words)": lambda a, sp: pad(a, sp, 3),
        "3 fewer characters each side": lambda a, sp: pad(a, sp, -3),
        "spans over 600 characters dropped": lambda a, sp: [x for x in sp if x[1] - x[0] <= 600],
    }


def shipped_table(seq: Sequence[Article], shipped: tuple[float, int, int]) -> Table:
    t, gap, m = shipped
    rows = [
        article_sums(
            [s for s in char_spans(a, runs_threshold(a.probs, t, gap)) if s[1] - s[0] >= m], a.gold
        )
        for a in seq
    ]
    return Table([f"shipped t {t} gap {gap} min {m}"], np.asarray([rows], dtype=np.float64))


def report(
    arts: dict[str, Article],
    shipped: tuple[float, int, int],
    k: int = 5,
    seed: int = 13,
    reference: dict[str, Article] | None = None,
) -> Iterator[str]:
    """Lines of the comparison: each family's grouped-CV figure against the shipped setting
    on the same groups (per group, and paired over 10 seeded groupings: 50 held-out groups).
    ``reference``: the same articles as the analyzer's tagger sees them (another stride), for
    the shipped figure to compare with; by default ``arts``."""
    ids = sorted(arts)
    seq = [arts[a] for a in ids]
    groups = folds_of(ids, k, seed)
    t, gap, m = shipped
    base_tab = shipped_table([(reference or arts)[a] for a in ids], shipped)
    own_tab = shipped_table(seq, shipped)
    base_cv = grouped_cv(base_tab, ids, groups)
    base_50 = _groupings(base_tab, ids, k)
    yield (
        f"{len(ids)} unseen articles ({sum(a.kind == 'dev' for a in seq)} dev, "
        f"{sum(a.kind == 'held-out' for a in seq)} held-out train), {k} groups (seed {seed})"
    )
    yield shape_line(seq, shipped)
    tables = [(f"shipped (fixed: t {t}, gap {gap}, min {m})", base_tab)]
    if reference is not None:
        tables.append(("shipped setting at this stride", own_tab))
    tables += [(name, table(seq, settings)) for name, settings in families().items()]
    ship = [char_spans(a, runs_threshold(a.probs, t, gap)) for a in seq]
    for name, change in post_processings().items():
        rows = [
            [
                article_sums(change(a, [s for s in sp if s[1] - s[0] >= m]), a.gold)
                for sp, a in zip(ship, seq, strict=True)
            ]
        ]
        tables.append((f"shipped, {name}", Table([name], np.asarray(rows, dtype=np.float64))))
    for name, tab in tables:
        yield _line(name, grouped_cv(tab, ids, groups), base_cv, tab, ids, base_50, k)


def shape_line(seq: Sequence[Article], shipped: tuple[float, int, int]) -> str:
    """How the shipped spans differ from the gold ones: line breaks crossed, spans missed."""
    t, gap, m = shipped
    pred = [
        merge_spans(s for s in char_spans(a, runs_threshold(a.probs, t, gap)) if s[1] - s[0] >= m)
        for a in seq
    ]
    gold = [merge_spans(a.gold) for a in seq]

    def crossing(spans: list[list[Interval]]) -> float:
        n = sum(len(x) for x in spans)
        hits = sum("\n" in a.text[s:e] for x, a in zip(spans, seq, strict=True) for s, e in x)
        return hits / max(n, 1)

    alone = sum(
        not any(min(s[1], g[1]) > max(s[0], g[0]) for g in gs)
        for ps, gs in zip(pred, gold, strict=True)
        for s in ps
    )
    n_pred = sum(len(x) for x in pred)
    return (
        f"shipped spans: {n_pred}, {crossing(pred):.1%} cross a line break, "
        f"{alone / max(n_pred, 1):.1%} touch no gold span; gold spans: "
        f"{sum(len(x) for x in gold)}, {crossing(gold):.1%} cross a line break"
    )


def _groupings(tab: Table, ids: Sequence[str], k: int) -> npt.NDArray[np.float64]:
    """Held-out F1 of each group of 10 seeded groupings (seeds 0-9): 10 x k figures."""
    return np.asarray([grouped_cv(tab, ids, folds_of(ids, k, s)).folds for s in range(10)])


def _line(
    name: str,
    cv: CV,
    base: CV,
    tab: Table,
    ids: Sequence[str],
    base_50: npt.NDArray[np.float64],
    k: int,
) -> str:
    f = np.asarray(cv.folds)
    diff = f - np.asarray(base.folds)
    paired = _groupings(tab, ids, k) - base_50
    total = tab.sums.sum(axis=1)
    best = int(np.argmax([f1_of_sums(s) for s in total]))
    return (
        f"{name}: fold mean {f.mean():.4f} (std {f.std(ddof=1):.4f}, {f.min():.4f}-{f.max():.4f}), "
        f"pooled {cv.pooled:.4f}; vs shipped per fold {' '.join(f'{d:+.3f}' for d in diff)}; "
        f"10 groupings: mean {np.mean(paired + base_50):.4f}, vs shipped {paired.mean():+.4f} "
        f"(better in {int((paired > 1e-12).sum())}, worse in {int((paired < -1e-12).sum())} "
        f"of {paired.size} groups); best on all {len(ids)} articles "
        f"{f1_of_sums(total[best]):.4f} ({tab.names[best]}); picks: {', '.join(cv.picks)}"
    )


def averaged(taggers: Sequence[dict[str, Article]]) -> dict[str, Article]:
    """The taggers' probabilities averaged per token (an ensemble in one pass of each)."""
    first = taggers[0]
    return {
        a: replace(first[a], probs=np.mean([t[a].probs for t in taggers], axis=0)) for a in first
    }


def tagger_line(
    name: str,
    arts: dict[str, Article],
    shipped_arts: dict[str, Article],
    shipped: tuple[float, int, int],
    k: int,
) -> str:
    """One tagger against the shipped one over 10 seeded groupings (10 x k held-out groups):
    the threshold family retuned on the other groups, the shipped tagger at its decoding."""
    ids = sorted(arts)
    base = _groupings(shipped_table([shipped_arts[a] for a in ids], shipped), ids, k)
    threshold_family = next(iter(families().values()))
    held = _groupings(table([arts[a] for a in ids], threshold_family), ids, k)
    diff = held - base
    return (
        f"{name}: threshold family retuned per fold, {held.size} groups: mean {held.mean():.4f} "
        f"(std {held.std(ddof=1):.4f}); vs the shipped tagger {diff.mean():+.4f} (better in "
        f"{int((diff > 1e-12).sum())}, worse in {int((diff < -1e-12).sum())})"
    )


def main(argv: list[str] | None = None) -> None:
    """Compare SI decodings by grouped cross-validation on the tagger's unseen articles."""
    import argparse
    import json

    from spinlens.models.runtime import model_dir

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--data", type=Path, required=True, help="ptc-semeval2020-task11 folder")
    parser.add_argument("--groups", type=int, default=5)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--stride", type=int, default=W.STRIDE, help="tokens between window starts")
    parser.add_argument(
        "--taggers",
        type=lambda v: [Path(x) for x in v.split(",") if x],
        default=[],
        help="other tagger folders (comma-separated) to compare with the shipped one, each and "
        "averaged with it, instead of comparing decodings",
    )
    args = parser.parse_args(argv)
    folder = model_dir("propaganda")
    card = json.loads((folder / "card.json").read_text(encoding="utf-8"))
    shipped = (
        float(card["threshold"]),
        int(card["decode"]["max_gap"]),
        int(card["decode"]["min_chars"]),
    )
    arts = unseen_articles(args.data, folder, args.stride)
    if args.taggers:
        others = {str(f): unseen_articles(args.data, f, args.stride) for f in args.taggers}
        print(tagger_line("shipped", arts, arts, shipped, args.groups), flush=True)
        for name, other in others.items():
            print(tagger_line(name, other, arts, shipped, args.groups), flush=True)
            print(
                tagger_line(
                    f"shipped + {name}", averaged([arts, other]), arts, shipped, args.groups
                )
            )
        if len(others) > 1:
            every = averaged([arts, *others.values()])
            print(tagger_line("shipped + " + " + ".join(others), every, arts, shipped, args.groups))
        return
    reference = None
    if args.stride != W.STRIDE:
        reference = unseen_articles(args.data, folder, W.STRIDE)
    print(f"window stride {args.stride} tokens (shipped figure: stride {W.STRIDE})")
    for line in report(arts, shipped, args.groups, args.seed, reference):
        print(line, flush=True)


if __name__ == "__main__":
    main()
