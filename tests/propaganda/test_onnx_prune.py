"""Pruning an exported attention graph (``spinlens.train.onnx_prune``) drops the softmax NaN
guards and the per-layer copies of the additive mask, and changes no output bit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

from spinlens.train.onnx_prune import prune, prune_file  # noqa: E402

SHIPPED = Path(__file__).resolve().parents[2] / "src/spinlens/models/data/propaganda/model.onnx"


def _attention_like(layers: int = 3) -> Any:
    """``layers`` rounds of: additive mask from the boolean mask (a fresh copy per layer, as
    torch exports it), added to the scores, softmax, NaN guard."""
    from onnx import TensorProto, helper

    def const(name: str, value: float) -> Any:
        tensor = helper.make_tensor(name + "_t", TensorProto.FLOAT, [1], [value])
        return helper.make_node("Constant", [], [name], value=tensor)

    nodes = []
    x = "scores"
    for i in range(layers):
        nodes += [
            const(f"zero{i}", 0.0),
            const(f"ninf{i}", float("-inf")),
            helper.make_node("Where", ["mask", f"zero{i}", f"ninf{i}"], [f"add_mask{i}"]),
            helper.make_node("Add", [x, f"add_mask{i}"], [f"masked{i}"]),
            helper.make_node("Softmax", [f"masked{i}"], [f"p{i}"], axis=-1),
            helper.make_node("IsNaN", [f"p{i}"], [f"nan{i}"]),
            const(f"fill{i}", 0.0),
            helper.make_node("Where", [f"nan{i}", f"fill{i}", f"p{i}"], [f"guarded{i}"]),
        ]
        x = f"guarded{i}"
    nodes.append(helper.make_node("Identity", [x], ["out"]))
    graph = helper.make_graph(
        nodes,
        "attention_like",
        [
            helper.make_tensor_value_info("scores", TensorProto.FLOAT, [2, 4, 6]),
            helper.make_tensor_value_info("mask", TensorProto.BOOL, [2, 1, 6]),
        ],
        [helper.make_tensor_value_info("out", TensorProto.FLOAT, [2, 4, 6])],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def _run(model: Any, feed: dict[str, Any]) -> Any:
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return session.run(None, feed)[0]


def test_prune_drops_the_guards_and_mask_copies_and_keeps_every_bit() -> None:
    model = _attention_like()
    rng = np.random.default_rng(0)
    mask = rng.random((2, 1, 6)) > 0.4
    mask[:, :, 0] = True  # every row keeps a key (the [CLS] token), as spinlens feeds
    feed = {"scores": rng.normal(size=(2, 4, 6)).astype(np.float32), "mask": mask}
    before = _run(model, feed)
    dropped = prune(model)
    onnx.checker.check_model(model)
    ops = [node.op_type for node in model.graph.node]
    assert "IsNaN" not in ops
    assert ops.count("Where") == 1  # one additive mask serves every layer
    # 3 guards + 3 IsNaN + 3 fills, 2 mask copies + their 4 constants
    assert dropped == 15
    after = _run(model, feed)
    assert after.tobytes() == before.tobytes()


def test_prune_leaves_a_graph_without_such_nodes_alone(tmp_path: Path) -> None:
    from onnx import TensorProto, helper

    graph = helper.make_graph(
        [helper.make_node("Softmax", ["x"], ["y"], axis=-1)],
        "plain",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3])],
    )
    path = tmp_path / "plain.onnx"
    onnx.save(helper.make_model(graph), str(path))
    raw = path.read_bytes()
    assert prune_file(path) == 0
    assert path.read_bytes() == raw


def test_the_shipped_propaganda_tagger_is_pruned() -> None:
    """The tagger runs on 256-token windows, where the guards cost 7-8% of the default
    pipeline's CPU (docs/api.md, "Cost"); a re-export that skipped pruning would fail here."""
    if not SHIPPED.is_file():
        pytest.skip("the propaganda model is not in this checkout")
    model = onnx.load(str(SHIPPED), load_external_data=False)
    ops = [node.op_type for node in model.graph.node]
    assert "IsNaN" not in ops
    assert prune(model) == 0
