"""Random expression graphs drawn from the op catalogue, for differential testing.

`graphs()` draws a small program of `tensorlab.tensor` code: symbolic inputs with values,
then a few steps, each one line that applies a public function to earlier variables.
Every step is valid for the values drawn: shapes fit, indices are in range, log and sqrt
see positive numbers, nothing overflows. Each new node's value is computed (by its
`perform`) as the step is drawn, so later steps can look at it: a comparison is made
only between values that are not nearly equal, so reassociated rounding cannot flip it.

What runs is the program's text: `Graph.source()` prints it as a script, which is how a
mismatch becomes a test in tests/regressions/.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tensorlab.graph.traversal import graph_inputs, toposort
from tensorlab.tensor.random import RandomStreams
from tests.graphs.builder import (
    INPUT_DTYPES,
    LAYOUTS,
    MAX_NODES,
    NAMESPACE,
    Builder,
    Skip,
    laid_out,
    literal,
)
from tests.graphs.steps import FAMILIES, stream
from tests.strategies import arrays, edge_arrays

__all__ = ["NAMESPACE", "Graph", "graphs", "laid_out", "stream"]


@dataclass(repr=False)
class Graph:
    """A drawn program: its text, symbolic inputs and outputs, and the inputs' values.

    `updates` pairs shared variables with their new values. `smooth`: the values keep
    MARGIN from every kink, so finite differences are valid. `reset` puts the shared
    variables and random streams back where the program started them.
    """

    declarations: dict[str, str]  # input, shared variable or stream name -> its line
    steps: list[str]
    output_names: list[str]
    update_names: list[tuple[str, str]]
    scope: dict
    inputs: list
    values: list[np.ndarray]
    layouts: list[str]
    smooth: bool

    @property
    def outputs(self) -> list:
        return [self.scope[name] for name in self.output_names]

    @property
    def updates(self) -> list[tuple]:
        return [(self.scope[s], self.scope[v]) for s, v in self.update_names]

    @property
    def streams(self) -> list[RandomStreams]:
        return [v for v in self.scope.values() if isinstance(v, RandomStreams)]

    def reset(self) -> None:
        for rng in self.streams:
            rng.seed(rng.default_seed)
        for name in self.declarations:
            if f"{name}_initial" in self.scope:
                self.scope[name].set_value(self.scope[f"{name}_initial"])

    def rebuild(self, **bound) -> list:
        """The outputs built again by running the program, with some inputs replaced."""
        scope = dict(NAMESPACE, **bound)
        for name, line in self.declarations.items():
            if name not in bound:
                exec(line, scope)
        for line in self.steps:
            exec(line, scope)
        return [scope[name] for name in self.output_names]

    def source(self) -> str:
        used = {x.name for x in self.inputs}
        lines = [line for n, line in self.declarations.items() if n[0] != "x" or n in used]
        values = ", ".join(f"{x.name}: {literal(v)}" for x, v in zip(self.inputs, self.values))
        layouts = ", ".join(f"{x.name}: {layout!r}" for x, layout in zip(self.inputs, self.layouts))
        updates = ", ".join(f"({s}, {v})" for s, v in self.update_names)
        outputs = ", ".join(self.output_names)
        return "\n".join(
            [*lines, *self.steps, f"outputs = [{outputs}]", f"updates = [{updates}]"]
            + [f"values = {{{values}}}", f"layouts = {{{layouts}}}"]
        )

    def __repr__(self) -> str:
        return f"Graph(\n{self.source()}\n)"

    def _repr_pretty_(self, printer, cycle: bool) -> None:  # how hypothesis shows an example
        printer.text(repr(self))


def _updates(g: Builder) -> list[tuple[str, str]]:
    """Some shared variables get a new value: a result of their dtype and shape."""
    pairs = []
    for s in (n for n in g.declarations if n[0] == "s" and n != "srng"):
        dtype, shape = g.scope[s].dtype, g.shape(s)
        like = [
            n for n in g.pool if n[0] == "v" and (g.scope[n].dtype, g.shape(n)) == (dtype, shape)
        ]
        if like and g.flip():
            pairs.append((s, g.choose(like)))
    return pairs


@st.composite
def graphs(
    draw, max_steps: int = 12, first: Callable | None = None, special: bool | None = None
) -> Graph:
    """A `Graph` of at most about MAX_NODES nodes, over inputs, constants and shared
    variables; every result no later step uses is an output.

    `first`, a step family such as `stream`, makes the first step. `special`: inputs
    hold edge values (nan, inf, an int type's extremes); drawn when None.
    """
    g = Builder(draw, draw(st.booleans()) if special is None else special)
    for _ in range(draw(st.integers(1, 3))):
        shape = draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=4))
        dtype = draw(st.sampled_from(INPUT_DTYPES))
        g.input_of(draw((edge_arrays if g.special else arrays)(dtype, shape)))
    size = draw(st.integers(1, MAX_NODES))
    families = [first] * 4 if first is not None else []
    for _ in range(max_steps):
        family = families.pop() if families else draw(st.sampled_from(FAMILIES))
        try:
            with np.errstate(all="ignore"):  # the checks look at nan and inf too
                expression = family(g)
        except Skip:
            continue
        if expression is not None and g.step(expression) is not None:
            families.clear()
        if len(toposort([g.scope[n] for n in g.pool])) >= size:
            break
    used = {x for node in toposort([g.scope[n] for n in g.pool]) for x in node.inputs}
    names = [n for n in g.pool if n[0] == "v" and g.scope[n] not in used] or [g.pool[-1]]
    if draw(st.integers(0, 3)) == 0:
        names.append(names[0])  # one variable twice: two outputs that must not share memory
    update_names = _updates(g)
    ends = [g.scope[n] for n in names] + [g.scope[v] for _, v in update_names]
    inputs = [v for v in graph_inputs(ends) if (v.name or "").startswith("x")]
    return Graph(
        declarations=g.declarations,
        steps=g.steps,
        output_names=names,
        update_names=update_names,
        scope=g.scope,
        inputs=inputs,
        values=[g.known[x] for x in inputs],
        layouts=[draw(st.sampled_from(LAYOUTS)) for _ in inputs],
        smooth=g.smooth,
    )
