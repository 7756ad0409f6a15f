"""Elementwise nodes that share one loop nest.

Fusion merges an elementwise node into its reader only when nothing else reads it; a
chain whose every link is also read elsewhere (a deep expression and its gradient, which
reads every intermediate value) stays one node per link. Here consecutive elementwise
nodes whose inputs are sure to have one shape (`same_shape`: no broadcasting anywhere)
are computed in one loop: each element of each node is a local, read by the later nodes
of the group, and stored only when something outside the group reads it. For
`y = exp(-x) * 0.5`, `z = tanh(y)` with both `y` and `z` returned:

    # [0] Elemwise{Composite{mul(0.5, exp(neg(i0)))}}(x) -> y   float64 (None,)
    # [1] Elemwise{tanh}(y) -> z   float64 (None,)
    #     [0] to [1] share one loop
    n0 = x.shape[0]
    y = np.empty((n0,), dtype=np.float64)
    huge_pages(y)
    z = np.empty((n0,), dtype=np.float64)
    huge_pages(z)
    for i0 in range(n0):
        t_neg = (-x[i0])
        t_exp = mathlib.exp(t_neg)
        y_i = (0.5 * t_exp)
        y[i0] = y_i
        z_i = mathlib.tanh(y_i)
        z[i0] = z_i

One loop instead of one per node: a single pass over memory, and far less code for
Numba to compile (which costs about a tenth of a second per loop).
"""

from __future__ import annotations

from collections.abc import Sequence

from tensorlab.backends.numba.elemwise import Element
from tensorlab.backends.numba.module import ModuleWriter
from tensorlab.graph.basic import Apply, Variable
from tensorlab.graph.fgraph import FunctionGraph
from tensorlab.rewrite.canonicalize import same_shape
from tensorlab.tensor.elemwise import Elemwise

__all__ = ["emit_group", "loop_groups"]


def _tensor_inputs(node: Apply, mod: ModuleWriter) -> list[Variable]:
    return [x for x in node.inputs if x.ndim > 0 and x not in mod.inlined]


def _anchor(node: Apply, mod: ModuleWriter) -> Variable | None:
    """The variable whose shape every input and the output of `node` has, if one does."""
    (out,) = node.outputs
    inputs = _tensor_inputs(node, mod)
    if out.ndim == 0 or not inputs or any(x.ndim != out.ndim for x in inputs):
        return None
    if all(same_shape(x, inputs[0]) for x in inputs[1:]):
        return inputs[0]
    return None


def loop_groups(
    nodes: Sequence[Apply], mod: ModuleWriter, excluded: set[Apply]
) -> dict[Apply, list[Apply]]:
    """Runs of two or more consecutive elementwise nodes with one shape: {first: run}."""
    groups: dict[Apply, list[Apply]] = {}
    run: list[Apply] = []
    anchor: Variable | None = None

    def close() -> None:
        if len(run) > 1:
            groups[run[0]] = list(run)

    for node in nodes:
        mine = None
        if isinstance(node.op, Elemwise) and node not in excluded:
            mine = _anchor(node, mod)
        if mine is not None and anchor is not None and same_shape(mine, anchor):
            run.append(node)
            continue
        close()
        run, anchor = ([node], mine) if mine is not None else ([], None)
    close()
    return groups


class _Reads:
    """Where a group's loop reads an input: the local of a node computed earlier in the
    same iteration, else the array at the loop's indices (same shape: no broadcasting)."""

    def __init__(self, mod: ModuleWriter, locals_: dict[Variable, str]) -> None:
        self.mod, self.locals = mod, locals_

    def element(self, x: Variable, loop: Sequence[str]) -> str:
        if x in self.locals:
            return self.locals[x]
        if x.ndim == 0 or x in self.mod.inlined:
            return self.mod.element(x, [])
        return self.mod.element(x, loop)


def emit_group(group: list[Apply], first: int, fgraph: FunctionGraph, mod: ModuleWriter) -> None:
    """Write the nodes of `group` (block `first` and the next ones) in one loop nest."""
    members = set(group)
    anchor = _anchor(group[0], mod)
    mod.line(f"#     [{first}] to [{first + len(group) - 1}] share one loop")
    lengths = [f"n{a}" for a in range(anchor.ndim)]
    if anchor.ndim == 1:
        mod.line(f"n0 = {mod.length(anchor, 0)}")
    else:
        mod.line(f"{', '.join(lengths)} = {mod.name(anchor)}.shape")
    elements, stored = [], []
    for k, node in enumerate(group):
        mod.node_index = first + k  # the block a failing check names
        elements.append(Element(mod, node, stored=False))  # 0-d inputs are read here
        (out,) = node.outputs
        readers = fgraph.clients.get(out, [])
        if any(reader == "output" or reader not in members for reader, _ in readers):
            mod.allocate(out, lengths)
            stored.append(out)
    locals_: dict[Variable, str] = {}
    reads = _Reads(mod, locals_)
    with mod.loops(lengths) as loop:
        for node, element in zip(group, elements, strict=True):
            (out,) = node.outputs
            value = mod.fresh(f"{mod.name(out)}_i")
            mod.line(f"{value} = {element.write(reads, loop)}")
            locals_[out] = value
            if out in stored:
                mod.line(f"{mod.name(out)}[{', '.join(loop)}] = {value}")
