"""The experimental SI decoders and the grouped cross-validation that compared them (issue 14)."""

from __future__ import annotations

import itertools

import numpy as np

from spinlens.eval.propaganda_decoding import (
    Article,
    Table,
    article_sums,
    f1_of_sums,
    grouped_cv,
    line_cuts,
    runs_hysteresis,
    runs_threshold,
    runs_viterbi,
    split_runs,
)
from spinlens.eval.propaganda_score import si_score


def test_hysteresis_keeps_a_span_that_dips_below_the_start_threshold() -> None:
    p = np.array([0.1, 0.7, 0.4, 0.35, 0.6, 0.1])
    # one threshold at the start level (0.5) breaks the span at the dip
    assert runs_threshold(p, 0.5, 0) == [(1, 1), (4, 4)]
    assert runs_hysteresis(p, 0.5, 0.3, 0) == [(1, 4)]


def test_hysteresis_drops_a_lone_bump_that_never_reaches_the_start_threshold() -> None:
    p = np.array([0.45, 0.45, 0.1, 0.1, 0.8, 0.4, 0.1])
    assert runs_hysteresis(p, 0.5, 0.3, 0) == [(4, 5)]
    assert runs_threshold(p, 0.3, 0) == [(0, 1), (4, 5)]


def test_viterbi_is_the_exact_best_segmentation() -> None:
    rng = np.random.default_rng(0)
    for _ in range(200):
        n = int(rng.integers(1, 9))
        score = rng.normal(size=n)
        penalty = float(rng.uniform(0, 3))
        best = max(
            sum(score[i] for i in range(n) if m[i])
            - penalty * sum(1 for i in range(n) if m[i] and (i == 0 or not m[i - 1]))
            for m in itertools.product([0, 1], repeat=n)
        )
        runs = runs_viterbi(score, penalty)
        got = sum(score[a : b + 1].sum() for a, b in runs) - penalty * len(runs)
        assert abs(got - best) < 1e-9
        assert all(a <= b for a, b in runs)
        assert all(b1 < a2 - 1 for (_, b1), (a2, _) in itertools.pairwise(runs))


def test_viterbi_penalty_bridges_a_shallow_dip_not_a_deep_one() -> None:
    shallow = np.array([-1.0, 2.0, -0.5, 2.0, -1.0])
    deep = np.array([-1.0, 2.0, -5.0, 2.0, -1.0])
    assert runs_viterbi(shallow, 1.0) == [(1, 3)]
    assert runs_viterbi(deep, 1.0) == [(1, 1), (3, 3)]
    assert runs_viterbi(shallow, 0.0) == [(1, 1), (3, 3)]
    assert runs_viterbi(np.array([0.5, 0.5]), 2.0) == []  # not worth a span's penalty


def test_runs_are_cut_at_line_breaks_and_empty_pieces_dropped() -> None:
    text = "bad man\nfine\nworse man"
    offsets = np.array([[0, 3], [4, 7], [8, 12], [13, 18], [19, 22]])
    cut = line_cuts(text, offsets)
    assert cut.tolist() == [False, True, True, False]
    p = np.array([0.9, 0.8, 0.2, 0.9, 0.9])
    assert split_runs([(0, 4)], cut, p, 0.5) == [(0, 1), (3, 4)]


def test_article_sums_add_up_to_the_official_scorer() -> None:
    pred = {"a": [(0, 10), (20, 30), (25, 40)], "b": [(5, 8)]}
    gold = {"a": [(5, 15), (35, 50)], "b": [(0, 4)]}
    sums = np.sum([article_sums(pred[k], gold[k]) for k in pred], axis=0)
    expected = si_score(pred, gold)
    assert abs(f1_of_sums(sums) - expected.f1) < 1e-12
    assert sums[2] == expected.n_pred and sums[3] == expected.n_gold


def test_grouped_cv_chooses_on_the_other_groups_and_scores_the_held_out_one() -> None:
    ids = ["a", "b"]
    right = (1.0, 1.0, 1.0, 1.0)
    wrong = (0.0, 0.0, 1.0, 1.0)
    # setting 0 is perfect on "a" only, setting 1 on "b" only
    tab = Table(["s0", "s1"], np.array([[right, wrong], [wrong, right]]))
    cv = grouped_cv(tab, ids, [{"a"}, {"b"}])
    assert cv.picks == ("s1", "s0")  # each chosen on the other article
    assert cv.folds == (0.0, 0.0) and cv.pooled == 0.0


def test_the_experiments_shipped_row_is_the_analyzers_decoding() -> None:
    from spinlens.analyzers.propaganda.decode import spans_from_probs
    from spinlens.eval.propaganda_decoding import Article, char_spans

    rng = np.random.default_rng(1)
    words = ["the", "so-called", "regime", "doesn't", "care", ",", "evil", "plan", "."]
    text, offsets = "", []
    for _ in range(60):
        w = words[int(rng.integers(len(words)))]
        text += ("" if not text else " ") if w not in ",." else ""
        offsets.append((len(text), len(text) + len(w)))
        text += w
    offs = np.array(offsets, dtype=np.int64)
    p = rng.uniform(0, 1, len(offs))
    art = Article(text, offs, p, (), "dev")
    for thr, gap in [(0.375, 12), (0.5, 0), (0.6, 3)]:
        ours = char_spans(art, runs_threshold(p, thr, gap))
        shipped = [
            (s, e) for s, e, _ in spans_from_probs(offs, p.astype(np.float32), thr, gap, text)
        ]
        assert ours == shipped


def test_a_span_covering_enough_of_a_quotation_is_widened_to_all_of_it() -> None:
    from spinlens.eval.propaganda_decoding import quotations, widen_to

    text = 'He said "lock her up now" twice.'
    q = quotations(text)
    assert [text[a:b] for a, b in q] == ["lock her up now"]
    assert widen_to([(9, 17)], q, 0.3) == [q[0]]  # "lock her" covers 8 of 15 characters
    assert widen_to([(9, 13)], q, 0.3) == [(9, 13)]  # "lock": 4 of 15, below 30%


def _articles(seed: int, noise: float) -> dict[str, Article]:
    """20 articles of 40 one-word tokens; probabilities are the gold mask plus noise."""
    rng = np.random.default_rng(seed)
    out = {}
    for i in range(20):
        offs = np.array([(6 * t, 6 * t + 5) for t in range(40)], dtype=np.int64)
        gold_tokens = np.zeros(40, dtype=bool)
        start = int(rng.integers(0, 30))
        gold_tokens[start : start + 8] = True
        p = np.clip(gold_tokens + rng.normal(0, noise, 40), 0, 1)
        gold = ((int(offs[start, 0]), int(offs[start + 7, 1])),)
        out[f"a{i:02d}"] = Article("words " * 40, offs, p, gold, "dev")
    return out


def test_tagger_comparison_averages_probabilities_and_credits_the_better_tagger() -> None:
    from spinlens.eval.propaganda_decoding import averaged, tagger_line

    noisy, clean = _articles(0, 0.6), _articles(0, 0.05)
    both = averaged([noisy, clean])
    a = "a03"
    assert np.allclose(both[a].probs, (noisy[a].probs + clean[a].probs) / 2)
    assert both[a].gold == noisy[a].gold
    line = tagger_line("clean", clean, noisy, (0.5, 0, 1), 5)
    # the near-perfect tagger beats the noisy one at its fixed decoding in every held-out group
    assert "(better in 50, worse in 0)" in line, line
    worse = tagger_line("noisy", noisy, clean, (0.5, 0, 1), 5)
    assert "better in 0," in worse, worse
