"""Constant folding: a node whose inputs are all constants becomes the constant it computes."""

from __future__ import annotations

import numpy as np

from tensorlab.graph.basic import Apply, Constant, Op
from tensorlab.graph.fgraph import FunctionGraph
from tensorlab.rewrite.engine import node_rewriter, rewrites
from tensorlab.tensor.type import TensorType

# Folding must not bake a big array into the graph that its inputs did not already hold
# (`zeros((1000, 1000))` stays a cheap broadcast of one zero).
MAX_GROWTH_BYTES = 1 << 16


@rewrites.register("canonicalize", "fast_compile")
@node_rewriter(Op, name="constant_fold")
def constant_fold(fgraph: FunctionGraph, node: Apply):
    if not node.inputs or not all(isinstance(x, Constant) for x in node.inputs):
        return None
    if not getattr(node.op, "foldable", True):
        return None
    with np.errstate(all="ignore"):
        result = node.op.perform(node, *(x.data for x in node.inputs))
    values = list(result) if len(node.outputs) > 1 else [result]
    held = sum(x.data.nbytes for x in node.inputs)
    if sum(np.asarray(v).nbytes for v in values) > max(MAX_GROWTH_BYTES, 2 * held):
        return None
    return [
        out.type.constant_class(TensorType(out.type.dtype, np.shape(v)), v)
        for out, v in zip(node.outputs, values, strict=True)
    ]
