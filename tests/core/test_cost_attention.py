"""Fusing each layer's attention into one ``MultiHeadAttention`` node
(``spinlens.models.runtime_attention``): the same attention up to float rounding, on a
small graph of the torch export's pattern and on the shipped tagger (issue 14.4)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from spinlens.analyzers.propaganda.model import TokenTagger
from tests.conftest import SEED

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

from spinlens.models.runtime_attention import fuse_attention  # noqa: E402
from spinlens.models.runtime_unmask import drop_attention_mask  # noqa: E402

SHIPPED = Path(__file__).resolve().parents[2] / "src/spinlens/models/data/propaganda"
HEADS, SIZE = 4, 8


def _torch_like_attention() -> Any:
    """Q, K, V of shape (batch, length, 32) as torch exports BERT attention: biases added,
    reshaped to (batch, length, -1, 8), Q and K each scaled by 8 ** -0.25, K transposed
    for ``MatMul``, softmax, times V, heads transposed and reshaped back."""
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(0)
    width = HEADS * SIZE
    inits = [
        numpy_helper.from_array(np.array([0, 0, -1, SIZE], dtype=np.int64), "split"),
        numpy_helper.from_array(np.array([0, 0, width], dtype=np.int64), "joined"),
        numpy_helper.from_array(np.array(SIZE**-0.25, dtype=np.float32), "c"),
    ]
    nodes = []
    for x in "qkv":
        bias = rng.normal(size=width).astype(np.float32)
        inits.append(numpy_helper.from_array(bias, f"{x}_bias"))
        nodes += [
            helper.make_node("Add", [f"{x}_bias", x], [f"{x}_b"]),
            helper.make_node("Reshape", [f"{x}_b", "split"], [f"{x}_4d"]),
        ]
    nodes += [
        helper.make_node("Transpose", ["q_4d"], ["q_t"], perm=[0, 2, 1, 3]),
        helper.make_node("Transpose", ["k_4d"], ["k_t"], perm=[0, 2, 3, 1]),
        helper.make_node("Transpose", ["v_4d"], ["v_t"], perm=[0, 2, 1, 3]),
        helper.make_node("Mul", ["q_t", "c"], ["q_s"]),
        helper.make_node("Mul", ["k_t", "c"], ["k_s"]),
        helper.make_node("MatMul", ["q_s", "k_s"], ["scores"]),
        helper.make_node("Softmax", ["scores"], ["p"], axis=-1),
        helper.make_node("MatMul", ["p", "v_t"], ["heads"]),
        helper.make_node("Transpose", ["heads"], ["heads_t"], perm=[0, 2, 1, 3]),
        helper.make_node("Reshape", ["heads_t", "joined"], ["out"]),
    ]
    io = helper.make_tensor_value_info
    graph = helper.make_graph(
        nodes,
        "attention",
        [io(x, TensorProto.FLOAT, ["b", "t", width]) for x in "qkv"],
        [io("out", TensorProto.FLOAT, ["b", "t", width])],
        inits,
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def _run(model: Any, feed: dict[str, Any]) -> Any:
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return session.run(None, feed)[0]


def test_fused_attention_is_the_same_attention() -> None:
    plain = _torch_like_attention()
    fused = _torch_like_attention()
    assert fuse_attention(fused) == 1
    assert [n.op_type for n in fused.graph.node].count("MultiHeadAttention") == 1
    assert "Softmax" not in {n.op_type for n in fused.graph.node}
    rng = np.random.default_rng(1)
    feed = {x: rng.normal(size=(3, 11, HEADS * SIZE)).astype(np.float32) for x in "qkv"}
    a, b = _run(plain, feed), _run(fused, feed)
    assert a.shape == b.shape == (3, 11, HEADS * SIZE)
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)


def test_a_graph_with_an_additive_mask_is_not_fused(masked_tagger: Path) -> None:
    with pytest.raises(ValueError, match="no attention"):
        fuse_attention(onnx.load(str(masked_tagger / "model.onnx")))


def test_the_shipped_tagger_runs_fused_attention() -> None:
    if not (SHIPPED / "model.onnx").is_file():
        pytest.skip("the shipped tagger is not installed")
    graph = onnx.load(str(SHIPPED / "model.onnx")).graph
    assert sum(node.op_type == "MultiHeadAttention" for node in graph.node) == 6
    assert [i.name for i in graph.input] == ["input_ids"]


def test_fused_tagger_moves_probabilities_by_float_noise_only(
    masked_tagger: Path, tmp_path: Path
) -> None:
    model = onnx.load(str(masked_tagger / "model.onnx"))
    drop_attention_mask(model)
    assert fuse_attention(model) == 6  # one per layer
    onnx.save(model, str(tmp_path / "model.onnx"))
    shutil.copy(masked_tagger / "tokenizer.json", tmp_path / "tokenizer.json")
    text = SEED.read_text(encoding="utf-8")
    a, b = TokenTagger(masked_tagger)(text).probs, TokenTagger(tmp_path)(text).probs
    diff = np.abs(a - b)
    # int8 layers after the attention carry its last-bit changes on (one scale per tensor)
    assert diff.max() < 0.1 and float(np.median(diff)) < 0.01
