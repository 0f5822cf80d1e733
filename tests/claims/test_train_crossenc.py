"""The same-claim cross-encoder's training pairs and the wiring of its output folder: what a
never-checked claim sees (the gold-removed lists) is among the negatives, a changed gold
claim is a negative, and the trainer writes under the user data folder unless told."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from spinlens.train.claims_crossenc import fold_of, training_pairs
from spinlens.train.claims_sameclaim import QueryList

GOLD = "Unemployment in Ohio fell to 3 percent in 2019."


def _list(qid: str, query: str, claims: list[str], labels: list[int]) -> QueryList:
    return QueryList(qid, query, claims, [(0.0,) * 10] * len(claims), [0.5] * len(claims), labels)


def _lists() -> dict[str, list[QueryList]]:
    q = "Ohio unemployment dropped to 3 percent in 2019"
    news = f"Officials said on Monday that {GOLD}"
    return {
        "train": [_list("1", q, ["Ohio jobs grew.", GOLD, "Ohio taxes rose."], [0, 1, 0])],
        "train-absent": [_list("1", q, ["A1", "A2", "A3"], [0, 0, 0])],
        "embedded": [_list("1", news, [GOLD, "E2", "E3"], [1, 0, 0])],
        "embedded-absent": [_list("1", news, ["N1", "N2"], [0, 0])],
    }


def test_pairs_hold_the_gold_the_gold_removed_top_and_a_changed_gold() -> None:
    pairs = training_pairs(_lists(), {"1"})
    label = {(q, c): y for q, c, y in pairs}
    q = "Ohio unemployment dropped to 3 percent in 2019"
    news = f"Officials said on Monday that {GOLD}"
    assert label[(q, GOLD)] == 1 and label[(news, GOLD)] == 1
    assert label[(q, "Ohio jobs grew.")] == 0 and label[(q, "Ohio taxes rose.")] == 0
    # what a never-checked claim sees: the top 2 of the query, the top 1 of the news sentence
    assert label[(q, "A1")] == 0 and label[(q, "A2")] == 0 and (q, "A3") not in label
    assert label[(news, "N1")] == 0 and (news, "N2") not in label
    assert label[(news, "E2")] == 0 and (news, "E3") not in label
    synthetic = [c for qq, c, y in pairs if qq == q and y == 0 and c.startswith("Unemployment")]
    assert len(synthetic) == 1 and synthetic[0] != GOLD  # one changed gold per query
    assert sum(y for *_, y in pairs) == 2


def test_other_queries_are_left_out_and_folds_are_stable() -> None:
    assert training_pairs(_lists(), {"2"}) == []
    assert [fold_of(q, 2) for q in ("1", "2", "3")] == [fold_of(q, 2) for q in ("1", "2", "3")]
    assert {fold_of(str(q), 2) for q in range(40)} == {0, 1}


def test_the_trainer_defaults_to_the_user_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from spinlens.train import claims_crossenc

    written: list[Path] = []

    def export(data: Path, work: Path, out: Path, *args: Any) -> None:
        written.append(out)

    monkeypatch.setattr(claims_crossenc, "run", lambda *a, **k: {})
    monkeypatch.setattr(claims_crossenc, "export", export)
    monkeypatch.setenv("SPINLENS_HOME", str(tmp_path / "home"))
    claims_crossenc.main(["--data", str(tmp_path), "--work", str(tmp_path / "w")])
    assert written == [tmp_path / "home" / "models" / "claim-reranker"]
    claims_crossenc.main(["--data", str(tmp_path), "--out", str(tmp_path / "mine")])
    assert written[-1] == tmp_path / "mine"


def test_the_threshold_follows_precision_and_the_gold_removed_bound() -> None:
    import numpy as np

    from spinlens.train.claims_sameclaim import decisions_at, threshold_for

    p, y = np.asarray([0.9, 0.8, 0.7, 0.6]), np.asarray([1, 1, 0, 1])
    quiet = [0.1] * 20
    assert threshold_for(p, y, quiet) == 0.75  # precision >= 0.95 stops before the 0.7 miss
    assert threshold_for(p, y, quiet, precision=0.7) == 0.35
    loud = [0.1] * 19 + [0.75]  # one never-checked query in 20 sees a 0.75 candidate
    assert threshold_for(p, y, loud) == 0.775
    probs, labels = [np.asarray([0.9, 0.8]), np.asarray([0.7, 0.6])], [[1, 1], [0, 1]]
    absent = [np.asarray([b]) for b in loud]
    strict = decisions_at(probs, labels, absent, 4, 20, 0.775)
    assert (strict.precision, strict.recall, strict.reported, strict.absent_rate) == (
        1.0,
        0.5,
        2,
        0.0,
    )
    lax = decisions_at(probs, labels, absent, 4, 20, 0.5)
    assert (lax.precision, lax.recall, lax.absent_rate) == (0.75, 0.75, 0.05)


def test_cross_logits_of_a_batch_equal_each_pair_alone(tmp_path: Path) -> None:
    """Pairs of different lengths are padded together: padding must not change a logit."""
    torch = pytest.importorskip("torch")
    pytest.importorskip("transformers")
    from spinlens.factcheck.sameclaim import cross_logits
    from spinlens.train.claims_model import build_classifier, make_tokenizer
    from spinlens.train.propaganda import encoder_dir

    torch.manual_seed(0)
    ids = torch.randint(1000, 20000, (2, 12))
    mask = torch.ones_like(ids)
    mask[1, 6:] = 0
    target = tmp_path / "model.onnx"
    # float ONNX: int8 dynamic quantization alone moves a logit with its batch companions
    torch.onnx.export(
        build_classifier(encoder_dir()).eval(),
        (ids, mask),
        str(target),
        input_names=["input_ids", "attention_mask"],
        output_names=["logits"],
        dynamic_axes={"input_ids": {0: "b", 1: "t"}, "attention_mask": {0: "b", 1: "t"}},
        opset_version=17,
        dynamo=False,
    )
    make_tokenizer(64).save(str(tmp_path / "tokenizer.json"))
    pairs = [
        ("The US has bases in Pakistan.", "US bases in Pakistan and Turkmenistan surround Iran."),
        ("Short.", "Also short."),
        ("A much longer query about peace talks and an invitation by US officials.", "No."),
    ]
    together = cross_logits(target, pairs)
    alone = [float(cross_logits(target, [p])[0]) for p in pairs]
    assert together.shape == (3,)
    assert np.allclose(together, alone, atol=1e-4)
