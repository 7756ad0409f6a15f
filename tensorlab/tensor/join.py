"""Joining tensors: `stack` along a new axis, `concatenate` (Theano's `join`) along one.

>>> import tensorlab.tensor as T
>>> x = T.matrix("x")
>>> T.concatenate([x, 2 * x], axis=1).eval({x: [[1.0]]})
array([[1., 2.]])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tensorlab.errors import (
    AxisError,
    ShapeError,
    TypeMismatchError,
    describe,
    error,
    values_text,
)
from tensorlab.graph.basic import Apply, Op, Variable
from tensorlab.graph.source import user_location
from tensorlab.scalar.basic import is_float, upcast
from tensorlab.tensor.shape import join_axes, shape, static_int, static_lengths
from tensorlab.tensor.type import TensorType
from tensorlab.tensor.variable import as_tensor_variable

__all__ = [
    "Stack",
    "stack",
    "Join",
    "concatenate",
    "join",
]


def _joined_lengths(op: Op, tensors: list, skip: int | None) -> list[int | None]:
    """The static lengths the tensors share on every axis but `skip` (known ones must agree)."""
    lengths: list[int | None] = []
    for axis in range(tensors[0].ndim):
        known = {t.type.shape[axis] for t in tensors} - {None}
        if axis != skip and len(known) > 1:
            raise error(
                ShapeError,
                f"{op} needs equal lengths on axis {axis}",
                got=", ".join(describe(t) for t in tensors),
                at=user_location(),
            )
        lengths.append(known.pop() if len(known) == 1 else None)
    return lengths


def _check_tensors(op: Op, tensors: list, least_ndim: int) -> None:
    ndims = {t.ndim for t in tensors}
    if not tensors or len(ndims) > 1 or ndims.pop() < least_ndim:
        raise error(
            ShapeError,
            f"{op} needs one or more tensors of one number of dimensions, at least {least_ndim}",
            got=", ".join(describe(t) for t in tensors) or "no tensors",
        )


@dataclass(frozen=True)
class Stack(Op):
    """Tensors of one shape side by side along a new axis `axis`.

    forward:   out[:, k] = tensors[k]    (axis=1; np.stack)
    gradient:  d tensors[k] = gout[:, k]
    """

    axis: int  # non-negative, at most the inputs' ndim

    def make_node(self, *tensors) -> Apply:
        tensors = [as_tensor_variable(t) for t in tensors]
        _check_tensors(self, tensors, 0)
        if self.axis > tensors[0].ndim:
            raise error(AxisError, f"{self} needs inputs of {self.axis} or more dimensions")
        lengths = _joined_lengths(self, tensors, None)
        lengths.insert(self.axis, len(tensors))
        dtype = upcast(*(t.dtype for t in tensors))
        return Apply(self, tensors, [TensorType(dtype, tuple(lengths))()])

    def perform(self, node: Apply, *arrays: np.ndarray) -> np.ndarray:
        try:
            out = np.stack(arrays, axis=self.axis)
        except ValueError as err:
            raise error(
                ShapeError,
                f"{self} needs tensors of one shape",
                got=values_text(node.inputs, arrays),
                at=node,
            ) from err
        return np.asarray(out, dtype=node.outputs[0].type.dtype)

    def grad(self, inputs, outputs, gouts):
        from tensorlab.tensor.subtensor import getitem

        (gout,) = gouts
        lead = (slice(None),) * self.axis
        return [
            getitem(gout, (*lead, k)) if is_float(x.dtype) else None for k, x in enumerate(inputs)
        ]

    def static_lengths(self, node: Apply) -> tuple[int | None, ...]:
        """A vector stacked from int scalars: the scalars known before run time."""
        return tuple(static_int(x) for x in node.inputs)


def stack(tensors, axis: int = 0) -> Variable:
    """Tensors of one shape stacked along a new axis, as NumPy's `stack` (and Theano's).

    Stacking int scalars is how a shape vector is built from symbolic lengths.

    >>> import tensorlab.tensor as T
    >>> a, b = T.vector("a"), T.vector("b")
    >>> stack([a, b], axis=1).eval({a: [1.0, 2.0], b: [3.0, 4.0]})
    array([[1., 3.],
           [2., 4.]])
    """
    if isinstance(tensors, Variable) or isinstance(axis, Variable):
        raise error(
            TypeMismatchError,
            "stack takes a list of tensors",
            got=describe(tensors),
            hint="write T.stack([a, b]), not T.stack(a, b)",
        )
    tensors = [as_tensor_variable(t) for t in tensors]
    _check_tensors("stack", tensors, 0)
    (axis,) = join_axes(tensors[0].ndim + 1, axis, "stack", tensors[0])
    return Stack(axis)(*tensors)


@dataclass(frozen=True)
class Join(Op):
    """Tensors concatenated along their existing axis `axis` (Theano's `join`).

    forward:   out = np.concatenate(tensors, axis)
    gradient:  d tensors[k] = gout[start_k : start_k + len(tensors[k])] along axis
    """

    axis: int  # non-negative

    def make_node(self, *tensors) -> Apply:
        tensors = [as_tensor_variable(t) for t in tensors]
        _check_tensors(self, tensors, self.axis + 1)
        lengths = _joined_lengths(self, tensors, self.axis)
        pieces = [t.type.shape[self.axis] for t in tensors]
        lengths[self.axis] = None if None in pieces else sum(pieces)
        dtype = upcast(*(t.dtype for t in tensors))
        return Apply(self, tensors, [TensorType(dtype, tuple(lengths))()])

    def perform(self, node: Apply, *arrays: np.ndarray) -> np.ndarray:
        try:
            out = np.concatenate(arrays, axis=self.axis)
        except ValueError as err:
            raise error(
                ShapeError,
                f"{self} needs equal lengths on every axis but {self.axis}",
                got=values_text(node.inputs, arrays),
                at=node,
            ) from err
        return np.asarray(out, dtype=node.outputs[0].type.dtype)

    def grad(self, inputs, outputs, gouts):
        from tensorlab.tensor.subtensor import getitem

        (gout,) = gouts
        lead = (slice(None),) * self.axis
        grads, start = [], 0
        for x in inputs:
            length = x.type.shape[self.axis]
            length = length if length is not None else shape(x)[self.axis]
            stop = length if isinstance(start, int) and start == 0 else start + length
            grads.append(getitem(gout, (*lead, slice(start, stop))) if is_float(x.dtype) else None)
            start = stop
        return grads

    def static_lengths(self, node: Apply) -> tuple[int | None, ...]:
        """A vector joined from vectors: their known values, end to end."""
        if node.outputs[0].type.shape[0] is None:
            return ()
        return tuple(n for x in node.inputs for n in static_lengths(x))


def concatenate(tensors, axis: int = 0) -> Variable:
    """Tensors joined along an existing axis, as NumPy's (and Theano's) `concatenate`.

    >>> import numpy as np
    >>> concatenate([np.array([1, 2]), np.array([3])]).eval()
    array([1, 2, 3])
    """
    tensors = [as_tensor_variable(t) for t in tensors]
    _check_tensors("concatenate", tensors, 1)
    (axis,) = join_axes(tensors[0].ndim, axis, "concatenate", tensors[0])
    return Join(axis)(*tensors)


def join(axis: int, *tensors) -> Variable:
    """Theano's `join(axis, *tensors)`: `concatenate(tensors, axis)`.

    >>> import numpy as np
    >>> join(1, np.zeros((2, 1)), np.ones((2, 2))).eval()
    array([[0., 1., 1.],
           [0., 1., 1.]])
    """
    return concatenate(tensors, axis)
