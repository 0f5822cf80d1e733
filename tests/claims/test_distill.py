"""Distillation helpers: a student keeps the chosen layers, the export reads their count, and
the seed check used to choose epochs follows the seed test's rule."""

from __future__ import annotations

import numpy as np
import pytest


def test_student_keeps_the_named_layers_and_export_counts_them() -> None:
    torch = pytest.importorskip("torch")
    pytest.importorskip("transformers")
    from spinlens.train.claims_finetune import build_classifier, keep_layers, layer_count
    from spinlens.train.propaganda import encoder_dir

    teacher = build_classifier(encoder_dir())
    student = build_classifier(encoder_dir())
    keep_layers(student, [0, 2, 4])
    state = student.state_dict()
    assert layer_count(teacher.state_dict()) == 6 and layer_count(state) == 3
    # the student's second layer is the teacher's third
    assert torch.equal(
        state["encoder.encoder.layer.1.attention.self.query.weight"],
        teacher.state_dict()["encoder.encoder.layer.2.attention.self.query.weight"],
    )
    rebuilt = build_classifier(encoder_dir())
    keep_layers(rebuilt, range(layer_count(state)))
    rebuilt.load_state_dict(state)  # strict: the export's way of loading a student
    ids = torch.tensor([[101, 7592, 2088, 102, 0]])
    mask = torch.tensor([[1, 1, 1, 1, 0]])
    student.eval()
    rebuilt.eval()
    with torch.no_grad():
        assert torch.allclose(student(ids, mask), rebuilt(ids, mask))


def test_seed_check_needs_every_key_claim_in_the_top_two_thirds() -> None:
    pytest.importorskip("sklearn")
    from scripts.claims_distill import SEED_CLAIMS, seed_check, seed_sentences

    texts = seed_sentences()
    assert texts and any(SEED_CLAIMS[0] in t for t in texts)
    key = np.asarray([any(p in t for p in SEED_CLAIMS) for t in texts])
    good = np.where(key, 0.9, 0.6)
    assert seed_check(texts, good)[0]
    low = np.where(key, 0.4, 0.3)  # ranked first but not check-worthy
    assert not seed_check(texts, low)[0]
    bases = np.asarray([SEED_CLAIMS[0] in t for t in texts])
    last = np.where(bases, 0.55, 0.9)  # check-worthy but ranked last
    ok, ranks = seed_check(texts, last)
    assert not ok and f"{len(texts)}/{len(texts)}" in ranks[0]


def test_training_recipe_freezes_the_low_layers_and_warms_up() -> None:
    """Fine-tuning and distillation share one optimizer recipe: embeddings and the lowest
    ``frozen_layers`` stay fixed, the learning rate rises from 0 and decays back to 0."""
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    from spinlens.train.claims_finetune import FinetuneConfig, build_classifier
    from spinlens.train.loop import optimizer_for
    from spinlens.train.propaganda import encoder_dir

    model = build_classifier(encoder_dir())
    cfg = FinetuneConfig(frozen_layers=2, epochs=1, batch_size=10, warmup=0.1)
    optimizer, scheduler = optimizer_for(model, cfg, n_train=1000)  # 100 steps
    layers = model.encoder.encoder.layer
    assert not any(p.requires_grad for p in model.encoder.embeddings.parameters())
    assert not any(p.requires_grad for layer in layers[:2] for p in layer.parameters())
    assert all(p.requires_grad for layer in layers[2:] for p in layer.parameters())
    trained = {id(p) for group in optimizer.param_groups for p in group["params"]}
    assert all(id(p) in trained for p in model.head.parameters())
    assert not any(id(p) in trained for p in layers[0].parameters())
    rates = []
    for _ in range(100):
        rates.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    assert rates[0] == 0.0 and max(rates) == pytest.approx(cfg.lr)
    assert rates.index(max(rates)) == 10 and rates[-1] < rates[50]
