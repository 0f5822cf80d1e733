"""A tagger graph as ``propaganda_export`` writes it (with its attention-mask input), for the
graph-rewrite tests: the shipped tagger is already rewritten."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def masked_tagger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A randomly initialised head on the base encoder, exported to int8 ONNX the way the
    shipped tagger was (pruned, attention mask as an input)."""
    torch = pytest.importorskip("torch")
    pytest.importorskip("transformers")
    pytest.importorskip("onnx")
    from spinlens.train.propaganda import build_model, encoder_dir
    from spinlens.train.propaganda_export import export

    folder = tmp_path_factory.mktemp("masked-tagger")
    torch.manual_seed(0)
    checkpoint = folder / "random.pt"
    torch.save(build_model(encoder_dir()).state_dict(), checkpoint)
    export(checkpoint, folder, {"name": "propaganda", "threshold": 0.5})
    return folder
