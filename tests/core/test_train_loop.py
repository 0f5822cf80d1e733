"""The shared fine-tuning loop (train/loop.py) every MiniLM classifier is trained with."""

from __future__ import annotations

import random

import numpy as np
import pytest

from spinlens.train.loop import Recipe


def _recipe(epochs: int) -> Recipe:
    """Rates a toy model learns from in a few epochs."""
    return Recipe(epochs, 8, 5e-3, 5e-2, 0.0, 0.1, 0)


def _tiny_model() -> object:
    """An embedding-bag classifier shaped like ours (``encoder.embeddings``,
    ``encoder.encoder.layer``, ``head``) so the optimizer recipe applies to it."""
    torch = pytest.importorskip("torch")

    class Encoder(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embeddings = torch.nn.Embedding(50, 8)
            self.encoder = torch.nn.Module()
            self.encoder.layer = torch.nn.ModuleList([torch.nn.Linear(8, 8)])

    class Model(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = Encoder()
            self.head = torch.nn.Linear(8, 1)

        def forward(self, ids: object, mask: object) -> object:
            h = self.encoder.embeddings(ids) * mask.unsqueeze(-1)
            h = torch.tanh(self.encoder.encoder.layer[0](h.sum(1)))
            return self.head(h).squeeze(-1)

    torch.manual_seed(0)
    return Model()


def test_fit_epochs_learns_and_reports_each_epoch() -> None:
    torch = pytest.importorskip("torch")
    from spinlens.train.loop import fit_epochs, predict

    rng = random.Random(0)
    # label 1 when token 7 occurs: a task the loop must learn in a few epochs
    rows = [[1] + [rng.randint(10, 40) for _ in range(rng.randint(1, 6))] for _ in range(160)]
    for row in rows[::2]:
        row.insert(1, 7)
    y = torch.tensor([float(7 in r) for r in rows])
    model = _tiny_model()
    loss_fn = torch.nn.BCEWithLogitsLoss()
    before = predict(model, rows, torch.sigmoid)
    seen: list[int] = []
    fit_epochs(
        model,
        rows,
        _recipe(epochs=8),
        lambda logits, chunk: loss_fn(logits, y[chunk]),
        rng=random.Random(1),
        after_epoch=seen.append,
        log=lambda _: None,
    )
    after = predict(model, rows, torch.sigmoid)
    assert seen == list(range(1, 9))
    accuracy = float(np.mean((after >= 0.5) == (y.numpy() > 0)))
    assert accuracy >= 0.95
    assert float(np.mean((before >= 0.5) == (y.numpy() > 0))) < 0.9
    # embeddings stay fixed under the shared recipe
    weights = model.encoder.embeddings.weight.detach().clone()
    fit_epochs(
        model, rows, _recipe(epochs=1), lambda z, c: loss_fn(z, y[c]), rng=random.Random(2), log=str
    )
    assert torch.equal(weights, model.encoder.embeddings.weight)


def test_predict_keeps_row_order() -> None:
    pytest.importorskip("torch")
    from spinlens.train.loop import predict

    model = _tiny_model()
    rows = [[1, 2, 3, 4, 5][: n + 1] for n in (4, 0, 2, 3, 1)]
    together = predict(model, rows, lambda z: z, batch_size=2)
    alone = [predict(model, [r], lambda z: z)[0] for r in rows]
    assert np.allclose(together, alone, atol=1e-6)
    assert together.shape == (5,)
