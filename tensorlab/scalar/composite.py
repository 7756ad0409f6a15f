"""`Composite`: several scalar ops fused into one, so a tensor backend runs them in one loop.

A composite is a small straight-line program over its inputs. Step `k` applies a scalar
op to earlier values (inputs are values 0..n_inputs-1, step k makes value n_inputs+k)
or holds a constant; the last step is the output.

>>> from tensorlab.scalar.basic import ScalarType
>>> from tensorlab import scalar as sm
>>> x = ScalarType("float64")("x")
>>> c = Composite.from_graph([x], sm.exp(-x) + 1.0)
>>> str(c)
'Composite{add(exp(neg(i0)), 1.0)}'
>>> c.expr("x")
'(math.exp((-x)) + 1.0)'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from tensorlab.graph.basic import NotDifferentiable, Variable
from tensorlab.graph.traversal import toposort
from tensorlab.scalar.basic import ScalarConstant, ScalarOp, ScalarType


@dataclass(frozen=True)
class Step:
    """One line of a composite program: `op(*args)` or a constant, and its dtype."""

    op: ScalarOp | None
    args: tuple[int, ...]
    dtype: str
    value: Any = None  # for a constant step (op is None)


@dataclass(frozen=True)
class Composite(ScalarOp):
    """A fused chain of scalar ops, run as one.

    forward:   the program's steps in order; the last step's value is the output
    gradient:  reverse accumulation through the steps, each step's own scalar gradient
    """

    input_dtypes: tuple[str, ...]
    steps: tuple[Step, ...]

    @property
    def nin(self) -> int:  # type: ignore[override]
        return len(self.input_dtypes)

    @classmethod
    def from_graph(cls, inputs: Sequence[Variable], output: Variable) -> Composite:
        """The composite computing scalar `output` from scalar `inputs`."""
        index = {var: i for i, var in enumerate(inputs)}
        steps: list[Step] = []

        def value_of(var: Variable) -> int:
            if var not in index:  # a constant met in the graph
                steps.append(Step(None, (), var.type.dtype, var.data.item()))
                index[var] = len(inputs) + len(steps) - 1
            return index[var]

        for node in toposort([output], inputs):
            args = tuple(value_of(x) for x in node.inputs)
            steps.append(Step(node.op, args, node.outputs[0].type.dtype))
            index[node.outputs[0]] = len(inputs) + len(steps) - 1
        if output not in index or index[output] < len(inputs):
            raise ValueError("a composite needs at least one op between its inputs and output")
        return cls(tuple(x.type.dtype for x in inputs), tuple(steps))

    def output_dtype(self, *dtypes: str) -> str:
        return self.steps[-1].dtype

    def impl(self, *inputs: Any) -> Any:
        """Each step exactly as `Elemwise` would compute it alone, so fusing changes no bit."""
        values = list(inputs)
        for step in self.steps:
            if step.op is None:
                values.append(np.asarray(step.value, dtype=step.dtype))
                continue
            args = [values[i] for i in step.args]
            if step.op.cast_inputs:
                args = [np.asarray(a, dtype=step.dtype) for a in args]
            values.append(np.asarray(step.op.impl(*args), dtype=step.dtype))
        return values[-1]

    def statements(self, names: Sequence[str], prefix: str = "t") -> tuple[list[str], str]:
        """Python statements computing the output, one per step, and the output's name."""
        exprs = list(names)
        lines = []
        for k, step in enumerate(self.steps):
            name = f"{prefix}{k}"
            source = (
                repr(step.value)
                if step.op is None
                else step.op.expr(*(exprs[i] for i in step.args))
            )
            lines.append(f"{name} = {source}")
            exprs.append(name)
        return lines, exprs[-1]

    def expr(self, *names: str) -> str:
        exprs = list(names)
        for step in self.steps:
            exprs.append(
                repr(step.value)
                if step.op is None
                else step.op.expr(*(exprs[i] for i in step.args))
            )
        return exprs[-1]

    def build(self, inputs: Sequence[Variable]) -> Variable:
        """The program rebuilt as a scalar graph on `inputs` (for gradients and drawing)."""
        values = list(inputs)
        for step in self.steps:
            if step.op is None:
                values.append(
                    ScalarConstant(
                        ScalarType(step.dtype), np.asarray(step.value, dtype=step.dtype)[()]
                    )
                )
            else:
                values.append(step.op.make_node(*(values[i] for i in step.args)).outputs[0])
        return values[-1]

    def grad(self, inputs, outputs, gouts):
        out = self.build(inputs)
        adjoints: dict[Variable, Any] = {out: gouts[0]}
        for node in reversed(toposort([out], inputs)):
            gout = adjoints.get(node.outputs[0])
            if gout is None:
                continue
            if isinstance(gout, NotDifferentiable):  # undefined stays undefined upstream
                grads = [gout] * len(node.inputs)
            else:
                grads = node.op.grad(node.inputs, node.outputs, [gout])
            for x, g in zip(node.inputs, grads, strict=True):
                if g is None or isinstance(x, ScalarConstant):
                    continue
                previous = adjoints.get(x)
                if previous is None or isinstance(g, NotDifferentiable):
                    adjoints[x] = g
                elif not isinstance(previous, NotDifferentiable):
                    adjoints[x] = previous + g
        return [adjoints.get(x) for x in inputs]

    def call_text(self, *names: str) -> str:
        """The program as nested calls by op name: `add(exp(neg(i0)), 1.0)`."""
        texts = list(names)
        for step in self.steps:
            if step.op is None:
                texts.append(repr(step.value))
            else:
                texts.append(f"{step.op}({', '.join(texts[i] for i in step.args)})")
        return texts[-1]

    def __str__(self) -> str:
        if len(self.steps) <= 6:
            return f"Composite{{{self.call_text(*(f'i{i}' for i in range(self.nin)))}}}"
        return f"Composite{{{', '.join(str(s.op) for s in self.steps if s.op is not None)}}}"
