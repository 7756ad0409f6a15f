"""`Elemwise`: one class that lifts every scalar op to tensors, with NumPy broadcasting."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from tensorlab.errors import BroadcastError, describe, error, values_text
from tensorlab.graph.basic import Apply, NotDifferentiable, Op, Variable
from tensorlab.graph.source import user_location
from tensorlab.graph.traversal import toposort
from tensorlab.scalar.basic import ScalarOp, ScalarType, is_float
from tensorlab.tensor.type import TensorType
from tensorlab.tensor.variable import as_tensor_like


def broadcast_static_shapes(op: Any, inputs: list) -> tuple[int | None, ...]:
    """The static output shape of broadcasting `inputs` (NumPy's rule, checked per axis).

    Lengths known to differ (neither being 1) are an error now; an unknown length may turn
    out to be 1 at run time, so it broadcasts with anything.
    """
    ndim = max((x.ndim for x in inputs), default=0)
    padded = [(1,) * (ndim - x.ndim) + x.type.shape for x in inputs]
    shape: list[int | None] = []
    for axis in range(ndim):
        lengths = {p[axis] for p in padded}
        known = {n for n in lengths if n is not None and n != 1}
        if len(known) > 1:
            raise error(
                BroadcastError,
                f"{op} cannot broadcast its inputs",
                expected=f"equal lengths or 1 on axis {axis}",
                got=", ".join(describe(x) for x in inputs),
                at=user_location(),
            )
        if known:
            shape.append(known.pop())
        elif None in lengths:
            shape.append(None)
        else:
            shape.append(1)
    return tuple(shape)


@dataclass(frozen=True)
class Elemwise(Op):
    """Apply `scalar_op` to every element; inputs broadcast as in NumPy.

    forward:   out[i, j] = scalar_op(a[i, j], b[i, j])   (a length-1 axis repeats)
    gradient:  scalar_op.grad lifted to tensors, summed over each input's broadcast axes
    """

    scalar_op: ScalarOp

    def make_node(self, *inputs: Any) -> Apply:
        inputs = as_tensor_like(list(inputs))
        if len(inputs) != self.scalar_op.nin:
            raise error(
                BroadcastError,
                f"{self} takes {self.scalar_op.nin} inputs",
                got=f"{len(inputs)}: " + ", ".join(describe(x) for x in inputs),
            )
        shape = broadcast_static_shapes(self, inputs)
        dtype = self.scalar_op.output_dtype(*(x.dtype for x in inputs))
        return Apply(self, inputs, [TensorType(dtype, shape)()])

    def perform(self, node: Apply, *inputs: np.ndarray) -> np.ndarray:
        dtype = node.outputs[0].type.numpy_dtype
        if self.scalar_op.cast_inputs:
            inputs = tuple(np.asarray(x, dtype=dtype) for x in inputs)
        try:
            with np.errstate(all="ignore"):  # nan and inf are values here, as in compiled loops
                out = self.scalar_op.impl(*inputs)
        except ValueError as err:
            try:
                np.broadcast_shapes(*(x.shape for x in inputs))
            except ValueError:
                raise error(
                    BroadcastError,
                    f"{self} cannot broadcast its inputs",
                    expected="equal lengths or 1 on each axis (aligned from the right)",
                    got=values_text(node.inputs, inputs),
                    at=node,
                ) from err
            raise
        return np.asarray(out, dtype=dtype)

    def grad(self, inputs, outputs, gouts):
        grads = lift_scalar_graph(self.scalar_op.grad, inputs, outputs, gouts)
        out, alone = outputs[0], len(inputs) == 1
        return [
            g if g is None or isinstance(g, NotDifferentiable) else _fit_gradient(g, x, out, alone)
            for g, x in zip(grads, inputs, strict=True)
        ]

    def label(self) -> str:
        return str(self.scalar_op)

    def __str__(self) -> str:
        return f"Elemwise{{{self.scalar_op}}}"


def _fit_gradient(g: Variable, x: Variable, out: Variable, alone: bool) -> Variable:
    """`g` summed back to `x`'s runtime shape and cast to `x`'s dtype."""
    from tensorlab.tensor.shape import sum_to_shape

    # An input that cannot have been broadcast needs no sum: the only input of a unary
    # op, or one whose fully known shape is the output's.
    same_shape = x.type.shape == out.type.shape
    if not (same_shape and (alone or None not in x.type.shape)):
        g = sum_to_shape(g, x)
    if is_float(x.dtype) and g.dtype != x.dtype:
        from tensorlab.scalar.cast import Cast

        g = Elemwise(Cast(x.dtype))(g)
    return g


def lift_scalar_graph(scalar_grad: Callable, inputs: list, outputs: list, gouts: list) -> list[Any]:
    """Run a scalar op's `grad` on scalar stand-ins and rebuild its graph with `Elemwise`.

    The scalar graph says what happens to one element; the same graph of `Elemwise`
    nodes says it for whole tensors.
    """
    stand_ins: dict[Variable, Variable] = {}

    def stand_in(var: Variable) -> Variable:
        scalar = ScalarType(var.dtype)(var.name)
        stand_ins[scalar] = var
        return scalar

    s_inputs = [stand_in(x) for x in inputs]
    s_outputs = [stand_in(x) for x in outputs]
    s_gouts = [stand_in(g) for g in gouts]
    results = scalar_grad(s_inputs, s_outputs, s_gouts)

    wanted = [r for r in results if isinstance(r, Variable)]
    memo: dict[Variable, Any] = dict(stand_ins)
    for node in toposort(wanted, stand_ins):
        args = [_lifted(memo, x) for x in node.inputs]
        built = Elemwise(node.op).make_node(*args)
        built.source = None
        memo.update(zip(node.outputs, built.outputs, strict=True))
    return [_lifted(memo, r) if isinstance(r, Variable) else r for r in results]


def _lifted(memo: dict, var: Variable) -> Any:
    if var in memo:
        return memo[var]
    # A scalar constant goes in as a Python number, so NumPy's weak typing keeps a
    # float32 gradient float32.
    return var.data.item()
