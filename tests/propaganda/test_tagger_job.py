"""The GPU job for the span tagger (train/tagger_job.py): the windows it ships are the
articles the shipped tagger was chosen and scored on, and the kept checkpoints are chosen on
the held-out training articles, never on dev."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from spinlens.train import tagger_job
from tests.conftest import shared_dataset


def test_pick_keeps_the_best_held_out_epochs_and_ignores_dev(tmp_path: Path) -> None:
    rows = [
        {"recipe": "fit-A", "epoch": "e2", "holdout_f1": 0.41, "dev": {"f1": 0.60}},
        {"recipe": "fit-A", "epoch": "e3", "holdout_f1": 0.44, "dev": {"f1": 0.30}},
        {"recipe": "fit-B", "epoch": "e5", "holdout_f1": 0.43, "dev": {"f1": 0.31}},
        {"recipe": "fit-B", "epoch": "e2", "holdout_f1": 0.43, "dev": {"f1": 0.31}},
    ]
    (tmp_path / "scores-A.jsonl").write_text("\n".join(json.dumps(r) for r in rows[:2]) + "\n")
    (tmp_path / "scores-B.jsonl").write_text("\n".join(json.dumps(r) for r in rows[2:]) + "\n")
    assert tagger_job.pick(tmp_path, 2) == ["fit-A-e3.pt", "fit-B-e2.pt"]


def test_prepare_cuts_the_shipped_split_into_windows(tmp_path: Path) -> None:
    pytest.importorskip("transformers")
    job = tmp_path / "job.npz"
    tagger_job.prepare(shared_dataset("ptc-semeval2020-task11"), job)
    with np.load(job) as z:
        meta = json.loads(str(z["meta"]))
        assert sum(m["rows"] for m in meta) == len(z["eval_ids"]) == len(z["eval_mask"])
        assert z["fit_ids"].shape[1] == z["eval_ids"].shape[1] == 256
        labels = z["fit_labels"]
        assert labels.dtype == np.uint8 and labels.shape[-1] == 15
        assert 0.05 < labels[..., 0][z["fit_mask"] > 0].mean() < 0.5  # SI tokens present
    sets = [m["set"] for m in meta]
    assert sets.count("holdout") == 37 and sets.count("dev") == 75
