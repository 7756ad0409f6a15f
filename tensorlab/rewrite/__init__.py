"""Graph rewrites: merge, constant folding, canonicalize, stabilize, fusion, with a history.

`tl.function` rewrites its graph with `mode.optimizer` (`"none"`, `"fast_compile"`,
`"fast_run"`); `history(f)` lists what fired.

>>> import tensorlab as tl
>>> import tensorlab.tensor as T
>>> x = T.vector("x")
>>> print(history((x * 1 + 0) * 2))
  1. mul_by_one: mul(x, 1.0)  ->  x
  2. add_zero: add(x, 0.0)  ->  x
  3. constant_first: mul(x, 2.0)  ->  mul(2.0, x)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tensorlab.graph.basic import Variable
from tensorlab.graph.fgraph import FunctionGraph
from tensorlab.graph.traversal import graph_inputs
from tensorlab.rewrite import canonicalize, constant_fold, stabilize
from tensorlab.rewrite.engine import (
    Equilibrium,
    History,
    NodeRewriter,
    Record,
    RewriteDB,
    RewriteError,
    node_rewriter,
    rewrites,
)
from tensorlab.rewrite.fusion import fuse
from tensorlab.rewrite.merge import merge

OPTIMIZERS = ("none", "fast_compile", "fast_run")

__all__ = [
    "OPTIMIZERS",
    "Equilibrium",
    "History",
    "NodeRewriter",
    "Record",
    "RewriteDB",
    "RewriteError",
    "fuse",
    "history",
    "merge",
    "node_rewriter",
    "rewrite_graph",
    "rewrites",
]


def rewrite_graph(fgraph: FunctionGraph, optimizer: str = "fast_run") -> History:
    """Rewrite `fgraph` in place at the given level; return what fired, in order.

    - `fast_compile`: merge, constant folding and canonical forms;
    - `fast_run`: those, then numerical stabilization and elementwise fusion.
    """
    history = History()
    if optimizer == "none":
        return history
    merge(fgraph, history)
    Equilibrium(rewrites.query("canonicalize"))(fgraph, history)
    if optimizer == "fast_run":
        Equilibrium(rewrites.query("canonicalize") + rewrites.query("stabilize"))(fgraph, history)
        merge(fgraph, history)
        fuse(fgraph, history)
    merge(fgraph, history)
    return history


def history(target: Any, optimizer: str = "fast_run") -> History:
    """The rewrites that fire on a compiled function's graph, or on `outputs` if given.

    For a `Function` this is the record kept when it was compiled; for variables the
    graph is copied and rewritten (the variables themselves are never changed).
    """
    recorded = getattr(target, "history", None)
    if isinstance(recorded, History):
        return recorded
    outputs: Sequence[Variable] = target if isinstance(target, list | tuple) else [target]
    inputs = [x for x in graph_inputs(outputs) if not hasattr(x, "data")]
    return rewrite_graph(FunctionGraph(inputs, outputs, clone=True), optimizer)
