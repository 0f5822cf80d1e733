"""Small pieces the ONNX graph rewrites share (``train.onnx_prune``, ``runtime_unmask``,
``runtime_attention``): needs the ``onnx`` package (train extra); the runtime never imports it.
onnx has no pass for "the values of constants" or "drop what no output needs"."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any


def constant_values(graph: Any) -> dict[str, Any]:
    """Name -> numpy array of every ``Constant`` node's output and every initializer."""
    from onnx import numpy_helper

    values = {
        node.output[0]: numpy_helper.to_array(node.attribute[0].t)
        for node in graph.node
        if node.op_type == "Constant"
        and len(node.attribute) == 1
        and node.attribute[0].name == "value"
    }
    values.update({init.name: numpy_helper.to_array(init) for init in graph.initializer})
    return values


def keep_needed(graph: Any, nodes: list[Any]) -> set[str]:
    """Make ``nodes`` (in topological order) the graph's nodes, less those no graph output
    needs, and drop initializers nothing reads; returns the names still read."""
    needed = {out.name for out in graph.output}
    alive = []
    for node in reversed(nodes):
        if any(out in needed for out in node.output):
            alive.append(node)
            needed.update(name for name in node.input if name)
    del graph.node[:]
    graph.node.extend(reversed(alive))
    initializers = [init for init in graph.initializer if init.name in needed]
    del graph.initializer[:]
    graph.initializer.extend(initializers)
    return needed


def rewrite_file(path: Path, rewrite: Callable[[Any], int], out: Path | None = None) -> int:
    """Load the ONNX file ``path``, apply ``rewrite`` (in place on the model; returns a
    count), save into ``out`` (default ``path``); returns the count."""
    import onnx

    model = onnx.load(str(path))
    count = rewrite(model)
    onnx.save(model, str(out or path))
    return count
