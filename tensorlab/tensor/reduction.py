"""Reductions over axes: `sum` and friends.

Public functions take NumPy's `axis` (int, tuple or None) and `keepdims`, and normalise
`axis` to a sorted tuple of non-negative ints, so equal reductions build equal ops.
`keepdims=True` is a reduction followed by a `DimShuffle` that puts length-1 axes back.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tensorlab.errors import AxisError, describe, error
from tensorlab.graph.basic import Apply, Op, Variable
from tensorlab.scalar.basic import check_dtype
from tensorlab.tensor.dimshuffle import dimshuffle
from tensorlab.tensor.shape import broadcast_to, shape
from tensorlab.tensor.type import TensorType
from tensorlab.tensor.variable import as_tensor_variable

__all__ = ["sum"]


def normalize_axis(x: Variable, axis, op_name: str) -> tuple[int, ...]:
    """`axis` (None, an int or a sequence, negatives allowed) as a sorted tuple for `x`."""
    if axis is None:
        return tuple(range(x.ndim))
    axes = (axis,) if isinstance(axis, int | np.integer) else tuple(axis)
    normalized = []
    for a in axes:
        if not isinstance(a, int | np.integer) or not -x.ndim <= a < max(x.ndim, 1):
            raise error(
                AxisError,
                f"{op_name}: axis {a} is out of range for a {x.ndim}-d input",
                expected=f"an axis in -{x.ndim}..{x.ndim - 1}"
                if x.ndim
                else "axis=None for a scalar",
                got=describe(x),
                at=x,
            )
        normalized.append(int(a) % x.ndim if x.ndim else 0)
    if len(set(normalized)) != len(normalized):
        raise error(AxisError, f"{op_name}: repeated axis in {axes}", got=describe(x), at=x)
    return tuple(sorted(normalized))


def check_axes(op: Op, x: Variable, axis: tuple[int, ...]) -> None:
    """Raise `AxisError` ("Sum{axis=(2,)} got a matrix") if `axis` does not fit `x`."""
    if any(a >= x.ndim for a in axis):
        raise error(AxisError, f"{op} got a {x.type.kind}", got=describe(x), at=x)


def reduced_shape(x: Variable, axis: tuple[int, ...]) -> tuple[int | None, ...]:
    return tuple(n for i, n in enumerate(x.type.shape) if i not in axis)


def keep_dims(out: Variable, ndim: int, axis: tuple[int, ...]) -> Variable:
    """`out` with length-1 axes put back where `axis` removed them (NumPy's keepdims)."""
    pattern, kept = [], iter(range(out.ndim))
    for i in range(ndim):
        pattern.append("x" if i in axis else next(kept))
    return dimshuffle(out, tuple(pattern))


def expand_to(g: Variable, x: Variable, axis: tuple[int, ...]) -> Variable:
    """A gradient of a reduction's output copied back along the reduced axes to x's shape."""
    return broadcast_to(keep_dims(g, x.ndim, axis), shape(x))


def sum_dtype(dtype: str) -> str:
    """NumPy's accumulator: small ints and bool sum in int64 (uint in uint64)."""
    if dtype in ("bool", "int8", "int16", "int32"):
        return "int64"
    if dtype in ("uint8", "uint16", "uint32"):
        return "uint64"
    return dtype


@dataclass(frozen=True)
class Sum(Op):
    """Sum over `axis`.

    forward:   out[j] = sum_i x[i, j]      (axis=(0,))
    gradient:  gx[i, j] = gout[j]          (gout copied back along the summed axes)
    """

    axis: tuple[int, ...]  # sorted, non-negative
    dtype: str | None = None  # accumulator and output dtype; None: NumPy's default

    def make_node(self, x) -> Apply:
        x = as_tensor_variable(x)
        check_axes(self, x, self.axis)
        dtype = self.dtype or sum_dtype(x.dtype)
        return Apply(self, [x], [TensorType(dtype, reduced_shape(x, self.axis))()])

    def perform(self, node: Apply, x: np.ndarray) -> np.ndarray:
        out = x.sum(axis=self.axis, dtype=node.outputs[0].type.dtype)
        return np.asarray(out)  # NumPy returns a scalar, not a 0-d array

    def grad(self, inputs, outputs, gouts):
        (x,), (gout,) = inputs, gouts
        return [expand_to(gout, x, self.axis)]

    def __str__(self) -> str:
        extra = f", dtype={self.dtype}" if self.dtype else ""
        return f"Sum{{axis={self.axis}{extra}}}"


def sum(x, axis=None, dtype: str | None = None, keepdims: bool = False) -> Variable:
    """Sum of elements over `axis` (all by default), as NumPy's `sum`.

    >>> import tensorlab.tensor as T
    >>> x = T.matrix("x")
    >>> T.sum(x, axis=0).eval({x: [[1.0, 2.0], [3.0, 4.0]]})
    array([4., 6.])
    """
    x = as_tensor_variable(x)
    axes = normalize_axis(x, axis, "sum")
    if dtype is not None and check_dtype(dtype) == sum_dtype(x.dtype):
        dtype = None  # the default spelled out: the same op, so the merge pass sees one
    out = Sum(axes, dtype and check_dtype(dtype))(x)
    return keep_dims(out, x.ndim, axes) if keepdims else out
