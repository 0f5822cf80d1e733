"""An attention graph for inputs that are never padded: the additive mask goes, no bit moves.

The propaganda tagger reads an article in windows of one length (``windows.windows``: a text
of up to 254 word pieces is one window, a longer one is cut into 254-piece windows), so every
row of every batch it runs is unpadded and its ``attention_mask`` is all ones. The exported
graph still turns that mask into an additive one (``Where(mask, 0, -inf)``) and adds it to
the attention scores of every layer: a pass over the whole ``(batch, heads, length, length)``
tensor per layer that adds zeros, 8% of the tagger's CPU on its 256-token windows
(``bench/pipeline_cost.py``; docs/api.md "Cost").

:func:`drop_attention_mask` removes those additions (``x + 0`` is ``x``, bit for bit, also
for ``-0``), the nodes only they used, and the ``attention_mask`` input itself when nothing
else reads it; :class:`spinlens.analyzers.propaganda.model.TokenTagger` then feeds
``input_ids`` alone, after checking that the windows are unpadded. Only for graphs whose
inputs are never padded: a sentence encoder's batches are, and keep their mask.

Needs the ``onnx`` package (train extra); the runtime never imports this module. To rewrite
a shipped tagger in place (then record its digest, ``spinlens.models.digests``)::

    python -m spinlens.models.runtime_unmask src/spinlens/models/data/propaganda/model.onnx
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

MASK = "attention_mask"


def drop_attention_mask(model: Any) -> int:
    """Rewrite ``model`` (an ``onnx.ModelProto``) in place: every ``Add(x, additive mask)``
    becomes ``x``; returns how many were dropped (``ValueError`` when none is found)."""

    from spinlens.models.graph_edit import constant_values, keep_needed

    graph = model.graph
    producer = {out: node for node in graph.node for out in node.output}
    constants = constant_values(graph)
    derived = {MASK}  # computed from the mask, not through attention (topological order)
    for node in graph.node:
        if node.op_type != "Softmax" and any(name in derived for name in node.input):
            derived.update(node.output)
    softmax_inputs = {node.input[0] for node in graph.node if node.op_type == "Softmax"}
    rename: dict[str, str] = {}
    dropped: set[int] = set()
    for node in graph.node:
        if node.op_type != "Add" or node.output[0] not in softmax_inputs:
            continue
        a, b = node.input
        for scores, mask in ((a, b), (b, a)):
            source = producer.get(mask)
            if source is None or source.op_type != "Where" or source.input[0] not in derived:
                continue
            zero = constants.get(source.input[1])
            if zero is not None and not zero.any():  # Where(mask..., 0, fill): 0 where mask is 1
                rename[node.output[0]] = scores
                dropped.add(id(node))
                break
    if not dropped:
        raise ValueError("no additive attention mask found in this graph")
    kept = [node for node in graph.node if id(node) not in dropped]
    for node in kept:
        for i, name in enumerate(node.input):
            while name in rename:
                name = rename[name]
            node.input[i] = name
    needed = keep_needed(graph, kept)  # drop what only the removed additions used
    if MASK not in needed:
        inputs = [value for value in graph.input if value.name != MASK]
        del graph.input[:]
        graph.input.extend(inputs)
    return len(dropped)


def unmask_file(path: Path, out: Path | None = None) -> int:
    """Rewrite the ONNX file ``path`` (into ``out``, default in place); additions dropped."""
    from spinlens.models.graph_edit import rewrite_file

    return rewrite_file(path, drop_attention_mask, out)


def main(argv: list[str]) -> int:
    for name in argv:
        print(f"{name}: {unmask_file(Path(name))} mask additions dropped")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
