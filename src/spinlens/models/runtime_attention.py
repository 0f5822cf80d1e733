"""Each layer's attention of an unmasked graph as one onnxruntime ``MultiHeadAttention`` node.

torch exports BERT-style attention as a dozen nodes per layer: reshape and transpose Q, K and
V into heads, scale Q and K, ``MatMul``, ``Softmax``, ``MatMul`` with V, transpose and reshape
back. onnxruntime's ``com.microsoft.MultiHeadAttention`` computes the same head by head
(presumably keeping each head's scores in cache): on the tagger's 256-token windows, after
:mod:`spinlens.models.runtime_unmask`, 13% less CPU (the tagger's calls for the 20 articles of
``bench/pipeline_cost.py``, replayed: 2.835 -> 2.458 s).

Not bit-identical: the scale is applied once to the scores instead of to Q and K, and the sums
run in another order, so the attention output moves in the last float bits, and the int8
layers after it (one activation scale per tensor) carry that on: the tagger's span probability
moves by 0.002 at the median and 0.054 at most; over the 75 PTC dev articles and the examples
110 of 650 hidden span extents move, the shown spans stay, SI dev F1 0.4026 -> 0.4024. So
apply it when a tagger is exported, before its thresholds are chosen (the shipped tagger was
rewritten on 2026-12-04 and its decoding chosen again: the same setting came back).

Only for graphs without an additive mask (:func:`spinlens.models.runtime_unmask.
drop_attention_mask`): a padded encoder would need the mask as ``key_padding_mask``. Needs the
``onnx`` package (train extra); the runtime never imports this module::

    python -m spinlens.models.runtime_attention IN.onnx OUT.onnx
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any


def fuse_attention(model: Any) -> int:
    """Rewrite ``model`` (an ``onnx.ModelProto``) in place; return the attentions fused
    (``ValueError`` when none matches the torch export's pattern)."""
    from onnx import helper

    from spinlens.models.graph_edit import constant_values, keep_needed

    graph = model.graph
    producer = {out: node for node in graph.node for out in node.output}
    users: dict[str, list[Any]] = {}
    for node in graph.node:
        for name in node.input:
            users.setdefault(name, []).append(node)
    constants = constant_values(graph)

    def made_by(name: str, op: str) -> Any:
        node = producer.get(name)
        return node if node is not None and node.op_type == op else None

    def perm(node: Any) -> tuple[int, ...]:
        return tuple(next((list(a.ints) for a in node.attribute if a.name == "perm"), []))

    def heads(reshape: Any) -> tuple[int, int] | None:
        """``(heads, head size)``: the last two entries of the reshape's target shape."""
        shape = reshape.input[1]
        if shape in constants:
            values = [int(v) for v in constants[shape].reshape(-1)]
        elif (concat := made_by(shape, "Concat")) is not None and all(
            name in constants for name in concat.input[-2:]
        ):
            values = [int(constants[name].reshape(-1)[0]) for name in concat.input[-2:]]
        else:
            return None
        return (values[-2], values[-1]) if len(values) >= 2 else None

    def split(name: str, order: tuple[int, ...]) -> tuple[str, tuple[int, int] | None] | None:
        """The 3-D tensor that ``name`` cut into heads: Transpose(Reshape(x))."""
        transpose = made_by(name, "Transpose")
        reshape = made_by(transpose.input[0], "Reshape") if transpose is not None else None
        if transpose is None or reshape is None or perm(transpose) != order:
            return None
        return reshape.input[0], heads(reshape)

    def scaled(name: str) -> tuple[str, float] | None:
        mul = made_by(name, "Mul")
        if mul is None or mul.input[1] not in constants or constants[mul.input[1]].size != 1:
            return None
        return mul.input[0], float(constants[mul.input[1]].reshape(-1)[0])

    def hidden(name: str) -> int:
        """Width of a projection's output, from its bias (``Add(bias, x)``); 0 if unknown."""
        add = made_by(name, "Add")
        sizes = [constants[i].size for i in add.input if i in constants] if add else []
        return int(sizes[0]) if len(sizes) == 1 else 0

    def next_node(node: Any) -> Any:
        """The one node reading ``node``'s output, shape reads aside (None if not one)."""
        readers = [n for n in users.get(node.output[0], []) if n.op_type != "Shape"]
        return readers[0] if len(readers) == 1 else None

    replace: dict[int, Any] = {}
    for softmax in [node for node in graph.node if node.op_type == "Softmax"]:
        scores = made_by(softmax.input[0], "MatMul")
        after = users.get(softmax.output[0], [])
        if scores is None or len(after) != 1 or after[0].op_type != "MatMul":
            continue
        q_scaled, k_scaled = scaled(scores.input[0]), scaled(scores.input[1])
        if q_scaled is None or k_scaled is None:
            continue
        q = split(q_scaled[0], (0, 2, 1, 3))
        k = split(k_scaled[0], (0, 2, 3, 1))
        v = split(after[0].input[1], (0, 2, 1, 3))
        merge = next_node(after[0])  # heads back together: [Reshape], Transpose, Reshape
        if merge is not None and merge.op_type == "Reshape":
            merge = next_node(merge)
        back = next_node(merge) if merge is not None and merge.op_type == "Transpose" else None
        if q is None or k is None or v is None or merge is None or back is None:
            continue
        if perm(merge) != (0, 2, 1, 3) or back.op_type != "Reshape":
            continue
        if q[1] is None or not q[1] == k[1] == v[1]:
            continue
        count, size = q[1]
        if count <= 0:  # the export reshapes to (batch, length, -1, head size)
            count = hidden(q[0]) // size
        if count <= 0:
            continue
        replace[id(back)] = helper.make_node(
            "MultiHeadAttention",
            [q[0], k[0], v[0]],
            [back.output[0]],
            name=back.name + "_mha",
            domain="com.microsoft",
            num_heads=count,
            scale=q_scaled[1] * k_scaled[1],
        )
    if not replace:
        raise ValueError("no attention of the torch export's pattern in this graph")
    # drop what only the fused nodes used
    keep_needed(graph, [replace.get(id(node), node) for node in graph.node])
    if not any(opset.domain == "com.microsoft" for opset in model.opset_import):
        model.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    return len(replace)


def fuse_file(path: Path, out: Path | None = None) -> int:
    """Rewrite the ONNX file ``path`` (into ``out``, default in place); attentions fused."""
    from spinlens.models.graph_edit import rewrite_file

    return rewrite_file(path, fuse_attention, out)


def main(argv: list[str]) -> int:
    source, target = Path(argv[0]), Path(argv[1]) if len(argv) > 1 else None
    print(f"{source}: {fuse_file(source, target)} attentions fused")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
