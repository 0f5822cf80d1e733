"""Drop the work a traced transformer graph does for nothing; the outputs keep every bit.

torch's export of BERT-style attention leaves two kinds of dead weight in each of the six
layers of the shipped MiniLM models:

- a NaN guard after the softmax, ``Where(IsNaN(p), 0, p)``: it only changes a row whose keys
  are all masked (softmax of all ``-inf`` is NaN), which spinlens never feeds (every input
  row keeps its [CLS] token unmasked); it is an elementwise pass over the whole
  ``(batch, heads, length, length)`` attention tensor, 14% of the propaganda tagger's time
  on 256-token windows;
- the additive mask ``Where(mask, 0, -inf)``, computed again in every layer from the same
  inputs; one copy serves all layers.

Both rewrites leave every output bit-identical for such inputs (``tests/propaganda/
test_onnx_prune.py``). ``export_int8`` applies them to every export; to prune a shipped file
in place (then record its digest, ``spinlens.models.digests``)::

    python -m spinlens.train.onnx_prune src/spinlens/models/data/propaganda/model.onnx

Needs the ``onnx`` package (train extra); the runtime never imports this module.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any


def prune(model: Any) -> int:
    """Rewrite ``model`` (an ``onnx.ModelProto``) in place; return the nodes dropped."""

    from spinlens.models.graph_edit import constant_values

    graph = model.graph
    producer = {out: node for node in graph.node for out in node.output}
    constants = constant_values(graph)
    rename: dict[str, str] = {}
    dropped: set[int] = set()
    masks: dict[tuple[object, ...], str] = {}
    for node in graph.node:
        if node.op_type != "Where":
            continue
        condition, yes, no = node.input
        guard = producer.get(condition)
        if guard is not None and guard.op_type == "IsNaN" and guard.input[0] == no:
            rename[node.output[0]] = no  # Where(IsNaN(p), c, p) is p when p holds no NaN
            dropped.add(id(node))
            continue
        if yes in constants and no in constants:
            key = (condition, *(_value_key(constants[name]) for name in (yes, no)))
            if key in masks:
                rename[node.output[0]] = masks[key]
                dropped.add(id(node))
            else:
                masks[key] = node.output[0]
    if not dropped:
        return 0
    kept = [node for node in graph.node if id(node) not in dropped]
    for node in kept:
        for i, name in enumerate(node.input):
            node.input[i] = rename.get(name, name)
    outputs = {out.name for out in graph.output}
    if outputs & set(rename):
        raise ValueError("a rewritten node feeds a graph output; not pruning this graph")
    # nodes left without a reader (the guards' IsNaN, the dropped masks' constants)
    while True:
        read = {name for node in kept for name in node.input} | outputs
        unread = [n for n in kept if not any(out in read for out in n.output)]
        if not unread:
            break
        dropped.update(id(n) for n in unread)
        kept = [n for n in kept if id(n) not in dropped]
    del graph.node[:]
    graph.node.extend(kept)
    return len(dropped)


def _value_key(array: Any) -> tuple[object, ...]:
    return (str(array.dtype), tuple(array.shape), array.tobytes())


def prune_file(path: Path) -> int:
    """Prune the ONNX file at ``path`` in place (rewritten only when something was dropped)."""
    import onnx

    model = onnx.load(str(path))
    dropped = prune(model)
    if dropped:
        onnx.checker.check_model(model)
        onnx.save(model, str(path))
    return dropped


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: python -m spinlens.train.onnx_prune MODEL.onnx ...", file=sys.stderr)
        return 2
    for name in argv:
        print(f"{name}: {prune_file(Path(name))} nodes dropped")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
