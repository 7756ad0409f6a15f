"""Fusion: connected elementwise nodes become one `Elemwise{Composite}` node.

A backend turns a fused node into one loop: no temporary array per intermediate.
An intermediate that something outside the group also reads stays a separate node, so
nothing is computed twice.
"""

from __future__ import annotations

from tensorlab.graph.basic import Apply, Constant, Variable
from tensorlab.graph.fgraph import FunctionGraph
from tensorlab.graph.traversal import toposort
from tensorlab.rewrite.engine import History
from tensorlab.scalar.basic import ScalarConstant, ScalarType
from tensorlab.scalar.composite import Composite
from tensorlab.tensor.elemwise import Elemwise


def _is_elemwise(node: Apply | None) -> bool:
    return node is not None and isinstance(node.op, Elemwise) and len(node.outputs) == 1


def _group(fgraph: FunctionGraph, root: Apply) -> set[Apply]:
    """The elementwise nodes feeding `root` whose every reader is inside the group."""
    group = {root}
    frontier = [root]
    while frontier:
        node = frontier.pop()
        for var in node.inputs:
            producer = var.owner
            if producer in group or not _is_elemwise(producer):
                continue
            readers = fgraph.clients.get(var, [])
            if all(client in group for client, _ in readers):
                group.add(producer)
                frontier.append(producer)
    return group


def _inlined(var: Variable) -> bool:
    """A constant holding one number is written into the fused program, not passed in."""
    return isinstance(var, Constant) and var.data.size == 1 and var.ndim == 0


def fuse_group(group: set[Apply], root: Apply) -> Variable:
    """One `Elemwise{Composite}` computing `root`'s output from the group's outside inputs."""
    output = root.outputs[0]
    outside: list[Variable] = []
    scalars: dict[Variable, Variable] = {}
    for node in toposort([output], [x for n in group for x in n.inputs if x.owner not in group]):
        for var in node.inputs:
            if var in scalars:
                continue
            if _inlined(var):
                scalars[var] = ScalarConstant(ScalarType(var.dtype), var.data[()])
            else:
                scalars[var] = ScalarType(var.dtype)(var.name)
                outside.append(var)
        args = [scalars[x] for x in node.inputs]
        op = node.op.scalar_op
        scalar_out = op.build(args) if isinstance(op, Composite) else op.make_node(*args).outputs[0]
        scalars[node.outputs[0]] = scalar_out
    composite = Composite.from_graph([scalars[x] for x in outside], scalars[output])
    fused = Elemwise(composite).make_node(*outside)
    fused.source = root.source
    return fused.outputs[0]


def fuse(fgraph: FunctionGraph, history: History) -> bool:
    """Fuse every maximal group of two or more elementwise nodes, from the outputs back."""
    changed = False
    for node in reversed(fgraph.toposort()):
        if node not in fgraph.apply_nodes or not _is_elemwise(node):
            continue
        group = _group(fgraph, node)
        if len(group) < 2:
            continue
        old = node.outputs[0]
        new = fuse_group(group, node)
        history.add("fusion", old, new)
        new.name = old.name  # the fused loop computes what the user named
        fgraph.replace(old, new, reason="fusion")
        changed = True
    return changed
