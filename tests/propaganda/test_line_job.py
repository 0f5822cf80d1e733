"""The GPU job for the paragraph classifier (train/line_job.py): what travels to the GPU
machine and back must be what the CPU side reads, and the choice must use validation only."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from spinlens.train import line_job
from spinlens.train.propaganda_paragraphs import FoldPlan as _Plan


def _job(tmp_path: Path, rng: np.random.Generator) -> Path:
    encoded = [[101, *rng.integers(1000, 2000, size=int(n)).tolist(), 102] for n in range(1, 61)]
    y = (rng.random((60, 3)) < 0.3).astype(np.float32)
    plans = [
        _Plan(
            n,
            np.arange(0, 40),
            np.arange(40, 50),
            np.arange(50, 60),
            0.3,
            rng.random((10, 3)).astype(np.float32),
            rng.random((10, 3)).astype(np.float32),
        )
        for n in (1, 2)
    ]
    path = tmp_path / "job.npz"
    line_job.save_job(path, encoded, y, plans)
    return path


def test_the_job_round_trips_rows_of_every_length(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    job = line_job.load_job(_job(tmp_path, rng))
    assert [len(r) for r in job["encoded"]] == [n + 2 for n in range(1, 61)]
    assert job["encoded"][5][0] == 101 and job["encoded"][5][-1] == 102
    assert list(job["numbers"]) == [1, 2]
    assert job["f2_val"].tolist() == list(range(40, 50))
    assert job["f1_lin_val"].shape == (10, 3)


def test_choose_ranks_recipes_on_validation_rows_only(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    job = line_job.load_job(_job(tmp_path, rng))
    y = job["y"]

    def result(val_good: bool) -> dict[str, np.ndarray]:
        z: dict[str, np.ndarray] = {}
        for n in (1, 2):
            val, test = y[job[f"f{n}_val"]], y[job[f"f{n}_test"]]
            good_val = np.where(val > 0, 0.9, 0.1)
            bad_val = np.where(val > 0, 0.1, 0.9)
            # epoch 1 poor, epoch 2 the one that matters; test rows the other way round
            z[f"f{n}_val"] = np.stack([bad_val, good_val if val_good else bad_val])
            z[f"f{n}_test"] = np.stack([np.where(test > 0, 0.9, 0.1)] * 2)
        return z

    ranked = line_job.choose(job, {"worse": result(False), "better": result(True)})
    assert [r["name"] for r in ranked] == ["better", "worse"]
    assert ranked[0]["epoch"] == 2
    assert ranked[0]["mean_val_f1"] > ranked[1]["mean_val_f1"]


def test_pieces_join_back_to_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(line_job, "PIECE", 1000)
    data = np.random.default_rng(2).bytes(3500)
    (tmp_path / "w.pt").write_bytes(data)
    out = tmp_path / "out"
    out.mkdir()
    names = line_job.write_pieces(tmp_path / "w.pt", out)
    assert names == ["w.pt.00", "w.pt.01", "w.pt.02", "w.pt.03"]
    assert line_job.join_pieces(out, "w.pt", tmp_path / "joined").read_bytes() == data
    with pytest.raises(FileNotFoundError):
        line_job.join_pieces(out, "missing.pt", tmp_path / "x")


def test_restore_puts_the_trained_layers_on_the_base_encoder(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    pytest.importorskip("transformers")
    from spinlens.train.base_encoder import encoder_dir
    from spinlens.train.line_classifier import build_line_classifier

    torch.manual_seed(0)
    model = build_line_classifier(encoder_dir(), 4)
    for p in model.encoder.embeddings.parameters():
        p.requires_grad = False
    with torch.no_grad():
        model.encoder.encoder.layer[5].output.dense.weight.add_(0.5)
    torch.save(line_job.trainable_state(model), tmp_path / "fit-X-e1.pt")
    out = tmp_path / "out"
    out.mkdir()
    line_job.write_pieces(tmp_path / "fit-X-e1.pt", out)
    target = line_job.restore(out, "fit-X-e1.pt", tmp_path / "w" / "model.pt")
    state = torch.load(target)
    want = model.encoder.encoder.layer[5].output.dense.weight.detach()
    got = state["encoder.encoder.layer.5.output.dense.weight"]
    assert torch.allclose(got, want, atol=2e-3)  # float16 on the way back
    base = build_line_classifier(encoder_dir(), 4).state_dict()
    key = "encoder.embeddings.word_embeddings.weight"
    assert torch.equal(state[key], base[key])
    assert state["head.weight"].shape == (4, 384)
