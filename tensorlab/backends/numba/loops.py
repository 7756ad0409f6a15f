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
    y = empty((n0,), np.float64)
    huge_pages(y)
    z = empty((n0,), np.float64)
    huge_pages(z)
    for i0 in range(n0):
        t_neg = (-x[i0])
        t_exp = mathlib.exp(t_neg)
        y_i = (0.5 * t_exp)
        y[i0] = y_i
        z_i = mathlib.tanh(y_i)
        z[i0] = z_i

One loop instead of one per node: a single pass over memory, and far less code for
Numba to compile (which costs about a tenth of a second per loop). A value that nodes
outside the group read only for its shape (a gradient summing back to it) is not
stored either: its lengths are the loop's.

A program that stops where a length-1 axis repeats (see `NumbaProgram.general`) also
shares a loop between nodes whose inputs only may have one shape: one rank, and no
static length of 1 against an unknown one. It checks those lengths before the loop and
stops with error `repeats` where one differs, so the general program, which groups
only what is sure, computes that call. The loss of a logistic regression and its terms
(`sigmoid`, `softplus`, products with the targets) are then one loop, not five:

    n0 = t_dot.shape[0]
    if y.shape[0] != n0:  # the general program broadcasts
        raise ValueError("tensorlab:1:repeats")
"""

from __future__ import annotations

from collections.abc import Sequence

from tensorlab.backends.numba.elemwise import Element
from tensorlab.backends.numba.module import ModuleWriter
from tensorlab.graph.basic import Apply, Variable
from tensorlab.graph.fgraph import FunctionGraph
from tensorlab.rewrite.canonicalize import same_shape
from tensorlab.tensor.elemwise import Elemwise
from tensorlab.tensor.shape import Shape

__all__ = ["emit_group", "loop_groups"]


def _tensor_inputs(node: Apply, mod: ModuleWriter) -> list[Variable]:
    return [x for x in node.inputs if x.ndim > 0 and x not in mod.inlined]


def _alike(a: Variable, b: Variable) -> bool:
    """Whether `a` and `b` may have one shape: one rank, and on each axis static lengths
    that agree or are unknown, but for a static 1 against an unknown length (a broadcast
    that the graph declares, which no shared loop reads in place)."""
    return a.ndim == b.ndim and all(
        m == n or (m is None and n != 1) or (n is None and m != 1)
        for m, n in zip(a.type.shape, b.type.shape, strict=True)
    )


def _same(a: Variable, b: Variable, mod: ModuleWriter) -> bool:
    """Whether a loop may read `a` and `b` at the same indices: sure to have one shape, or,
    in a program that stops where a length-1 axis repeats (`mod.repeats` off), may have
    one shape: `emit_group` checks it before the loop."""
    return same_shape(a, b) or (not mod.repeats and _alike(a, b))


def _anchor(node: Apply, mod: ModuleWriter) -> Variable | None:
    """The variable whose shape every input and the output of `node` has, if one does."""
    (out,) = node.outputs
    inputs = _tensor_inputs(node, mod)
    if out.ndim == 0 or not inputs or any(x.ndim != out.ndim for x in inputs):
        return None
    if all(same_shape(x, inputs[0]) for x in inputs[1:]):
        return inputs[0]
    if not mod.repeats and all(_alike(x, out) for x in inputs):
        return inputs[0]  # may have one shape: `emit_group` checks it
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
        if mine is not None and anchor is not None and _same(mine, anchor, mod):
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


def _check_alike(group: list[Apply], anchor: Variable, lengths: list[str], mod: ModuleWriter):
    """Stop with error `repeats` unless every input that the group reads from outside has
    the anchor's shape where that is not sure (`_same`): the general program, which
    broadcasts, computes those calls."""
    computed = {node.outputs[0] for node in group}
    outside = [x for node in group for x in _tensor_inputs(node, mod) if x not in computed]
    differs = [
        f"{mod.length(x, k)} != {n}"
        for x in dict.fromkeys(outside)
        if x is not anchor and not same_shape(x, anchor)
        for k, n in enumerate(lengths)
    ]
    mod.check_repeats(differs, "the general program broadcasts")


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
    _check_alike(group, anchor, lengths, mod)
    elements, stored = [], []
    for k, node in enumerate(group):
        mod.node_index = first + k  # the block a failing check names
        elements.append(Element(mod, node, stored=False))  # 0-d inputs are read here
        (out,) = node.outputs
        outside = [r for r, _ in fgraph.clients.get(out, []) if r == "output" or r not in members]
        if all(r != "output" and isinstance(r.op, Shape) for r in outside):
            mod.shaped_like[out] = anchor  # read outside for its shape alone: never stored
        else:
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
