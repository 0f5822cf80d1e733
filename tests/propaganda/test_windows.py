"""Windowing, stitching and decoding: the glue between the model and character offsets."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from spinlens.analyzers.propaganda import windows as W
from spinlens.analyzers.propaganda.decode import snap_to_words, spans_from_probs


@given(st.integers(min_value=0, max_value=3000))
def test_windows_cover_every_token_within_size(n: int) -> None:
    ranges = W.windows(n)
    covered = np.zeros(n, dtype=bool)
    for a, b in ranges:
        assert 0 <= a < b <= n and b - a <= W.WINDOW - 2
        covered[a:b] = True
    assert covered.all()


def test_stitch_averages_overlaps() -> None:
    ranges = [(0, 3), (2, 5)]
    probs = np.zeros((2, 5, 1), dtype=np.float32)
    probs[0, 1:4, 0] = 1.0  # window 0 says 1 for tokens 0..2
    probs[1, 1:4, 0] = 0.0  # window 1 says 0 for tokens 2..4
    out = W.stitch(probs, ranges, 5)[:, 0]
    assert out.tolist() == [1.0, 1.0, 0.5, 0.0, 0.0]


def test_batch_inputs_wraps_with_cls_sep_and_masks_padding() -> None:
    ids = np.arange(10, 20)
    x, m = W.batch_inputs(ids, [(0, 4), (4, 6)], cls_id=101, sep_id=102)
    assert x[0].tolist() == [101, 10, 11, 12, 13, 102]
    assert x[1].tolist()[:4] == [101, 14, 15, 102] and m[1].tolist() == [1, 1, 1, 1, 0, 0]


def test_token_labels_mark_overlapping_tokens() -> None:
    offsets = np.array([[0, 3], [4, 8], [9, 12]])
    y = W.token_labels(offsets, [(5, 6, 1)], 2)
    assert y[:, 1].tolist() == [0, 1, 0] and y[:, 0].sum() == 0


def test_decode_joins_single_token_dips_and_maps_offsets() -> None:
    text = "they are evil and vile liars today"
    offsets = np.array([[0, 4], [5, 8], [9, 13], [14, 17], [18, 22], [23, 28], [29, 34]])
    probs = np.array([0.1, 0.1, 0.9, 0.2, 0.8, 0.7, 0.1], dtype=np.float32)
    spans = spans_from_probs(offsets, probs, 0.5)
    assert [(text[a:b]) for a, b, _ in spans] == ["evil and vile liars"]
    assert spans_from_probs(offsets, probs, 0.5, max_gap=0)[0][:2] == (9, 13)


def test_decode_widens_runs_to_whole_words() -> None:
    # the tagger marks only the word piece "##turing" of "torturing" and "doesn" of "doesn't"
    text = "they were torturing him, doesn't he owe a mea-culpa"
    offsets = np.array(
        [[0, 4], [5, 9], [10, 13], [13, 19], [20, 23], [23, 24], [25, 30], [30, 31], [31, 32]]
    )
    probs = np.array([0.1, 0.1, 0.1, 0.9, 0.9, 0.1, 0.9, 0.1, 0.1], dtype=np.float32)
    spans = spans_from_probs(offsets, probs, 0.5, max_gap=0, text=text)
    assert [text[a:b] for a, b, _ in spans] == ["torturing him", "doesn't"]
    # without the text the runs keep their word-piece boundaries
    spans = spans_from_probs(offsets, probs, 0.5, max_gap=0)
    assert [text[a:b] for a, b, _ in spans] == ["turing him", "doesn"]


@given(st.text(alphabet="ab' -’é\n", max_size=40), st.data())
def test_snap_contains_the_run_and_ends_at_word_edges(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    a, b = snap_to_words(text, start, end)
    assert 0 <= a <= start <= end <= b <= len(text)
    for i in (a, b):
        if 0 < i < len(text):
            assert not (text[i - 1].isalnum() and text[i].isalnum())


def test_snap_leaves_runs_in_text_without_spaces_alone() -> None:
    text = "日本語" * 40 + " ok"
    assert snap_to_words(text, 60, 63) == (60, 63)
    b64 = "QUJD" * 30
    assert snap_to_words(b64, 50, 60) == (50, 60)
    assert snap_to_words("a traitorous b", 5, 9) == (2, 12)
