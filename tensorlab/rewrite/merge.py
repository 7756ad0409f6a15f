"""Merge: equal constants become one, and equal ops on the same inputs are computed once."""

from __future__ import annotations

from tensorlab.graph.basic import Constant
from tensorlab.graph.fgraph import FunctionGraph
from tensorlab.graph.text import expression_text
from tensorlab.rewrite.engine import History, Record


def merge(fgraph: FunctionGraph, history: History) -> bool:
    """Common subexpression elimination over the whole graph, in one toposort sweep.

    Ops compare by their parameters (they are frozen dataclasses), so two `Sum{axis=(0,)}`
    nodes reading the same variable are the same computation.
    """
    changed = False
    constants: dict[tuple, Constant] = {}
    for var in list(fgraph.clients):
        if isinstance(var, Constant) and fgraph.clients.get(var):
            kept = constants.setdefault(var.signature(), var)
            if kept is not var:
                fgraph.replace(var, kept, reason="merge")
                changed = True
    seen: dict[tuple, object] = {}
    for node in fgraph.toposort():
        if node not in fgraph.apply_nodes:
            continue
        key = (node.op, tuple(id(x) for x in node.inputs))
        other = seen.setdefault(key, node)
        if other is node:
            continue
        for old, new in zip(node.outputs, other.outputs, strict=True):
            history.append(Record("merge", expression_text(old), "the same value, computed once"))
            fgraph.replace(old, new, reason="merge")
        changed = True
    return changed
