"""The seeded held-out split that chooses the epoch and the decoding: reproducible, disjoint,
independent of the order articles are listed in, and the one the model card describes."""

from __future__ import annotations

import random

from spinlens.train.propaganda import TrainConfig, split_ids
from tests.conftest import shared_dataset


def test_split_is_seeded_disjoint_and_order_free() -> None:
    ids = [str(100 + i) for i in range(371)]
    fit, hold = split_ids(ids, 0.1, 13)
    shuffled = ids[:]
    random.Random(5).shuffle(shuffled)
    assert split_ids(shuffled, 0.1, 13) == (fit, hold)
    assert len(hold) == 37 and len(fit) == 334 and not set(fit) & set(hold)
    assert split_ids(ids, 0.1, 14) != (fit, hold)


def test_held_out_articles_are_train_articles_never_dev() -> None:
    from spinlens.eval.propaganda_data import load_ptc

    ptc = load_ptc(shared_dataset("ptc-semeval2020-task11"))
    cfg = TrainConfig()
    fit, hold = split_ids(list(ptc.train), cfg.holdout, cfg.seed)
    assert (len(fit), len(hold)) == (334, 37)  # as the model card says
    assert not (set(fit) | set(hold)) & set(ptc.dev)
