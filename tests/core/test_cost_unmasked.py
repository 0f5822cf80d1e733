"""The propaganda tagger without its additive attention mask (``spinlens.models.runtime_unmask``):
the tagger's windows are never padded, so the rewritten graph gives the same probabilities,
bit for bit, for one CPU pass less per layer (issue 14.4)."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from spinlens.analyzers.propaganda import windows as W
from spinlens.analyzers.propaganda.model import BATCH, TokenTagger
from tests.conftest import SEED

SHIPPED = Path(__file__).resolve().parents[2] / "src/spinlens/models/data/propaganda"


def test_tagger_windows_are_never_padded() -> None:
    for n in [*range(0, 600), 1_000, 5_000, 20_001]:
        ranges = W.windows(n)
        for i in range(0, len(ranges), BATCH):
            _, mask = W.batch_inputs(np.arange(n, dtype=np.int64), ranges[i : i + BATCH], 1, 2)
            assert mask.all(), n


@pytest.fixture(scope="module")
def unmasked(masked_tagger: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from spinlens.models.runtime_unmask import unmask_file

    folder = tmp_path_factory.mktemp("unmasked")
    shutil.copy(masked_tagger / "tokenizer.json", folder / "tokenizer.json")
    assert unmask_file(masked_tagger / "model.onnx", folder / "model.onnx") == 6  # per layer
    return folder


def test_the_shipped_tagger_is_fed_without_a_mask() -> None:
    if not (SHIPPED / "model.onnx").is_file():
        pytest.skip("the shipped tagger is not installed")
    assert not TokenTagger(SHIPPED).feeds_mask


def test_unmasked_tagger_gives_the_same_bits(masked_tagger: Path, unmasked: Path) -> None:
    plain, rewritten = TokenTagger(masked_tagger), TokenTagger(unmasked)
    assert plain.feeds_mask and not rewritten.feeds_mask
    text = SEED.read_text(encoding="utf-8")
    for sample in (text, text * 3, text[:200]):  # one window, many windows, a short one
        a, b = plain(sample), rewritten(sample)
        assert len(W.windows(len(a.encoded.ids))) >= 1
        assert np.array_equal(a.probs, b.probs)


def test_unmasked_tagger_refuses_padded_windows(unmasked: Path) -> None:
    tagger = TokenTagger(unmasked)
    ids, mask = W.batch_inputs(np.arange(10, 40, dtype=np.int64), [(0, 30), (0, 20)], 1, 2)
    with pytest.raises(ValueError, match="padded windows"):
        tagger.run(ids, mask)


def test_a_graph_without_an_additive_mask_is_refused() -> None:
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper

    from spinlens.models.runtime_unmask import drop_attention_mask

    graph = helper.make_graph(
        [helper.make_node("Add", ["x", "x"], ["y"])],
        "plain",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])],
    )
    with pytest.raises(ValueError, match="no additive attention mask"):
        drop_attention_mask(onnx.helper.make_model(graph))
