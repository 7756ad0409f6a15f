"""Reductions over axes: `sum`, `prod`, `mean`, `var`, `std`, `max`, `min`, `argmax`, ...

Public functions take NumPy's `axis` (int, tuple or None) and `keepdims`, and normalise
`axis` to a sorted tuple of non-negative ints, so equal reductions build equal ops.
`keepdims=True` is a reduction followed by a `DimShuffle` that puts length-1 axes back.

`mean`, `var` and `std` are not ops of their own: they are sums divided by the number of
elements reduced (read from the runtime shape unless the static shape fixes it), in the
order NumPy computes them, so the graph shows the formula and the values equal NumPy's
bit for bit.

>>> import tensorlab.tensor as T
>>> x = T.matrix("x")
>>> T.max(x, axis=1).eval({x: [[1.0, 5.0], [7.0, 2.0]]})
array([5., 7.])
>>> T.argmax(x, axis=1).eval({x: [[1.0, 5.0], [7.0, 2.0]]})
array([1, 0])
"""

from __future__ import annotations

import builtins
import math
from dataclasses import dataclass

import numpy as np

from tensorlab.errors import AxisError, ShapeError, describe, error
from tensorlab.graph.basic import Apply, Constant, Op, Variable
from tensorlab.graph.source import user_location
from tensorlab.scalar.basic import check_dtype, is_integer
from tensorlab.tensor.dimshuffle import dimshuffle
from tensorlab.tensor.math import cast, eq, sqrt, switch, true_div
from tensorlab.tensor.shape import broadcast_to, shape
from tensorlab.tensor.type import TensorType, shape_text
from tensorlab.tensor.variable import as_tensor_variable, constant

# This module defines sum, max, min, all and any: the builtins are reached as builtins.*.
__all__ = ["sum", "prod", "mean", "var", "std", "max", "min", "argmax", "argmin", "all", "any"]


def normalize_axis(x: Variable, axis, op_name: str) -> tuple[int, ...]:
    """`axis` (None, an int or a sequence, negatives allowed) as a sorted tuple for `x`."""
    if axis is None:
        return tuple(range(x.ndim))
    axes = (axis,) if isinstance(axis, int | np.integer) else tuple(axis)
    normalized = []
    for a in axes:
        if not isinstance(a, int | np.integer) or not -x.ndim <= a < builtins.max(x.ndim, 1):
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
    if builtins.any(a >= x.ndim for a in axis):
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
    if len(axis) == x.ndim:  # a total: broadcasting pads the missing axes itself
        return broadcast_to(g, shape(x))
    return broadcast_to(keep_dims(g, x.ndim, axis), shape(x))


def sum_dtype(dtype: str) -> str:
    """NumPy's accumulator: small ints and bool sum in int64 (uint in uint64)."""
    if dtype in ("bool", "int8", "int16", "int32"):
        return "int64"
    if dtype in ("uint8", "uint16", "uint32"):
        return "uint64"
    return dtype


def reduced_count(x: Variable, axis: tuple[int, ...]) -> Variable:
    """How many elements of `x` each output of a reduction over `axis` combines (int64).

    A constant when the reduced lengths are known statically; otherwise the product of
    the reduced entries of `shape(x)`, read when the graph runs.
    """
    lengths = [x.type.shape[a] for a in axis]
    if None not in lengths:
        return constant(np.int64(math.prod(lengths)))
    reduced = np.isin(np.arange(x.ndim), axis)
    return Prod((0,))(switch(reduced, shape(x), 1))


class Reduction(Op):
    """What the ops reducing over `axis` (a sorted tuple of axes) share: the output type."""

    def output_dtype(self, dtype: str) -> str:
        return dtype

    def make_node(self, x) -> Apply:
        x = as_tensor_variable(x)
        check_axes(self, x, self.axis)
        out = TensorType(self.output_dtype(x.dtype), reduced_shape(x, self.axis))
        return Apply(self, [x], [out()])


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


@dataclass(frozen=True)
class Prod(Reduction):
    """Product over `axis`.

    forward:   out[j] = prod_i x[i, j]                    (axis=(0,))
    gradient:  gx[i, j] = gout[j] * prod_{k != i} x[k, j]  (the product of the others):
               out[j] / x[i, j] when no x[., j] is 0; where exactly one is 0, only that
               element gets the product of the others; with two or more zeros, all get 0
    """

    axis: tuple[int, ...]  # sorted, non-negative
    dtype: str | None = None  # accumulator and output dtype; None: NumPy's default

    def output_dtype(self, dtype: str) -> str:
        return self.dtype or sum_dtype(dtype)

    def perform(self, node: Apply, x: np.ndarray) -> np.ndarray:
        return np.asarray(x.prod(axis=self.axis, dtype=node.outputs[0].type.dtype))

    def grad(self, inputs, outputs, gouts):
        (x,), (gout,) = inputs, gouts
        zero = eq(x, 0)
        # Dividing the product by x fails at zeros: leave them out of the product, count
        # them, and let the count decide who gets what.
        x_or_one = switch(zero, 1, x)
        nonzero_product = keep_dims(Prod(self.axis, self.dtype)(x_or_one), x.ndim, self.axis)
        zeros_elsewhere = keep_dims(Sum(self.axis)(zero), x.ndim, self.axis) - zero
        others = switch(zero, nonzero_product, nonzero_product / x_or_one)
        gx = keep_dims(gout, x.ndim, self.axis) * others
        return [switch(eq(zeros_elsewhere, 0), gx, 0)]

    def __str__(self) -> str:
        extra = f", dtype={self.dtype}" if self.dtype else ""
        return f"Prod{{axis={self.axis}{extra}}}"


def _check_not_empty(op: Op, x_shape: tuple, axis: tuple[int, ...], got: str, at) -> None:
    """Max, min and their arg- versions have no value over an empty axis (no identity)."""
    empty = next((a for a in axis if x_shape[a] == 0), None)
    if empty is not None:
        raise error(
            ShapeError,
            f"{op} has no value: axis {empty} of its input has length 0",
            expected="at least one element along each reduced axis",
            got=got,
            at=at,
        )


class Extremum(Reduction):
    """What `Max` and `Min` share: the empty check, NumPy's function, tied gradients."""

    def make_node(self, x) -> Apply:
        node = super().make_node(x)
        x = node.inputs[0]
        if self.initial is None:
            _check_not_empty(self, x.type.shape, self.axis, describe(x), user_location())
        return node

    def perform(self, node: Apply, x: np.ndarray) -> np.ndarray:
        if self.initial is not None:  # NumPy's `initial`: the value of an empty slice
            return np.asarray(self.numpy_function(x, axis=self.axis, initial=self.initial))
        got = f"{node.inputs[0]}: {x.dtype} {shape_text(x.shape)}"
        _check_not_empty(self, x.shape, self.axis, got, node)
        return np.asarray(self.numpy_function(x, axis=self.axis))

    def __str__(self) -> str:
        extra = "" if self.initial is None else f", initial={self.initial}"
        return f"{type(self).__name__}{{axis={self.axis}{extra}}}"

    def grad(self, inputs, outputs, gouts):
        (x,), (out,), (gout,) = inputs, outputs, gouts
        winner = eq(x, keep_dims(out, x.ndim, self.axis))
        ties = cast(Sum(self.axis)(winner), gout.dtype)
        share = keep_dims(true_div(gout, ties), x.ndim, self.axis)
        # switch, not a product: a nan maximum has no winner, and nan * 0 would be nan
        return [switch(winner, share, 0)]


@dataclass(frozen=True)
class Max(Extremum):
    """Largest element over `axis` (nan if any element is nan, as NumPy).

    forward:   out[j] = max_i x[i, j]                     (axis=(0,))
    gradient:  gx[i, j] = gout[j] / t[j] where x[i, j] == out[j], else 0, t[j] counting the
               ties: tied maxima share the gradient equally (a subgradient; for two tied
               elements it is what central differences give)
    """

    axis: tuple[int, ...]  # sorted, non-negative
    initial: float | None = None  # an empty slice's value; None: an empty slice is an error

    numpy_function = staticmethod(np.max)


@dataclass(frozen=True)
class Min(Extremum):
    """Smallest element over `axis` (nan if any element is nan, as NumPy).

    forward:   out[j] = min_i x[i, j]                     (axis=(0,))
    gradient:  gx[i, j] = gout[j] / t[j] where x[i, j] == out[j], else 0, t[j] counting the
               ties: tied minima share the gradient equally (as for Max)
    """

    axis: tuple[int, ...]  # sorted, non-negative
    initial: float | None = None  # an empty slice's value; None: an empty slice is an error

    numpy_function = staticmethod(np.min)


class ArgExtremum(Op):
    """What `Argmax` and `Argmin` share: one axis, or all of them (a flat index)."""

    def make_node(self, x) -> Apply:
        x = as_tensor_variable(x)
        check_axes(self, x, self.axis)
        if len(self.axis) != 1 and self.axis != tuple(range(x.ndim)):
            raise error(
                AxisError,
                f"{self} needs one axis, or all of them for a flat index",
                got=describe(x),
                at=user_location(),
            )
        _check_not_empty(self, x.type.shape, self.axis, describe(x), user_location())
        return Apply(self, [x], [TensorType("int64", reduced_shape(x, self.axis))()])

    def perform(self, node: Apply, x: np.ndarray) -> np.ndarray:
        got = f"{node.inputs[0]}: {x.dtype} {shape_text(x.shape)}"
        _check_not_empty(self, x.shape, self.axis, got, node)
        axis = None if self.axis == tuple(range(x.ndim)) else self.axis[0]
        return np.asarray(self.numpy_function(x, axis=axis), dtype=np.int64)

    def grad(self, inputs, outputs, gouts):
        return [None]


@dataclass(frozen=True)
class Argmax(ArgExtremum):
    """Index of the largest element along an axis (the first one of ties, or of nans).

    forward:   out[j] = argmax_i x[i, j]      (axis=(0,)); with every axis of x in `axis`,
               the index into x.ravel() (NumPy's axis=None)
    gradient:  none: an index is piecewise constant in x (zero)
    """

    axis: tuple[int, ...]  # one axis, or all of them

    numpy_function = staticmethod(np.argmax)


@dataclass(frozen=True)
class Argmin(ArgExtremum):
    """Index of the smallest element along an axis (the first one of ties, or of nans).

    forward:   out[j] = argmin_i x[i, j]      (axis=(0,)); with every axis of x in `axis`,
               the index into x.ravel() (NumPy's axis=None)
    gradient:  none: an index is piecewise constant in x (zero)
    """

    axis: tuple[int, ...]  # one axis, or all of them

    numpy_function = staticmethod(np.argmin)


@dataclass(frozen=True)
class All(Reduction):
    """Whether every element over `axis` is true (non-zero).

    forward:   out[j] = x[0, j] != 0 and x[1, j] != 0 and ...   (axis=(0,); True if empty)
    gradient:  none: a truth value is piecewise constant in x (zero)
    """

    axis: tuple[int, ...]  # sorted, non-negative

    def output_dtype(self, dtype: str) -> str:
        return "bool"

    def perform(self, node: Apply, x: np.ndarray) -> np.ndarray:
        return np.asarray(np.all(x, axis=self.axis))

    def grad(self, inputs, outputs, gouts):
        return [None]


@dataclass(frozen=True)
class Any(Reduction):
    """Whether some element over `axis` is true (non-zero).

    forward:   out[j] = x[0, j] != 0 or x[1, j] != 0 or ...     (axis=(0,); False if empty)
    gradient:  none: a truth value is piecewise constant in x (zero)
    """

    axis: tuple[int, ...]  # sorted, non-negative

    def output_dtype(self, dtype: str) -> str:
        return "bool"

    def perform(self, node: Apply, x: np.ndarray) -> np.ndarray:
        return np.asarray(np.any(x, axis=self.axis))

    def grad(self, inputs, outputs, gouts):
        return [None]


def _accumulator(x: Variable, dtype: str | None) -> str | None:
    """The `dtype=` of a sum that NumPy gives the default: None when it is the default."""
    if dtype is not None and check_dtype(dtype) == sum_dtype(x.dtype):
        return None  # the default spelled out: the same op, so the merge pass sees one
    return dtype and check_dtype(dtype)


def sum(x, axis=None, dtype: str | None = None, keepdims: bool = False) -> Variable:
    """Sum of elements over `axis` (all by default), as NumPy's `sum`.

    >>> import tensorlab.tensor as T
    >>> x = T.matrix("x")
    >>> T.sum(x, axis=0).eval({x: [[1.0, 2.0], [3.0, 4.0]]})
    array([4., 6.])
    """
    x = as_tensor_variable(x)
    axes = normalize_axis(x, axis, "sum")
    out = Sum(axes, _accumulator(x, dtype))(x)
    return keep_dims(out, x.ndim, axes) if keepdims else out


def prod(x, axis=None, dtype: str | None = None, keepdims: bool = False) -> Variable:
    """Product of elements over `axis` (all by default), as NumPy's `prod`.

    Small integers multiply in int64, as NumPy. The gradient is right where x has
    zeros (see `Prod`).

    >>> import tensorlab.tensor as T
    >>> x = T.matrix("x")
    >>> T.prod(x, axis=1).eval({x: [[1.0, 2.0], [3.0, 4.0]]})
    array([ 2., 12.])
    """
    x = as_tensor_variable(x)
    axes = normalize_axis(x, axis, "prod")
    out = Prod(axes, _accumulator(x, dtype))(x)
    return keep_dims(out, x.ndim, axes) if keepdims else out


def mean(x, axis=None, dtype: str | None = None, keepdims: bool = False) -> Variable:
    """Arithmetic mean over `axis` (all by default), as NumPy's `mean`.

    Integers and bools average in float64; float16 sums in float32 and rounds back, as
    NumPy. Built as `sum(x) / n`, with `n` read from the runtime shape.

    >>> import tensorlab.tensor as T
    >>> x = T.matrix("x")
    >>> T.mean(x, axis=1).eval({x: [[1.0, 2.0], [3.0, 5.0]]})
    array([1.5, 4. ])
    >>> T.mean(T.ivector("k")).dtype
    'float64'
    """
    x = as_tensor_variable(x)
    axes = normalize_axis(x, axis, "mean")
    if dtype is not None:
        accumulator = out_dtype = check_dtype(dtype)
    elif is_integer(x.dtype):
        accumulator = out_dtype = "float64"
    elif x.dtype == "float16":
        accumulator, out_dtype = "float32", "float16"
    else:
        accumulator = out_dtype = x.dtype
    # NumPy divides by the count as an int64, in float64, and rounds to the sum's dtype.
    total = Sum(axes, _accumulator(x, accumulator))(x)
    out = cast(cast(true_div(total, reduced_count(x, axes)), accumulator), out_dtype)
    return keep_dims(out, x.ndim, axes) if keepdims else out


def var(x, axis=None, ddof: int | float = 0, keepdims: bool = False) -> Variable:
    """Variance over `axis` (all by default), as NumPy's `var`: sum((x - mean)**2) / (n - ddof).

    `ddof=1` gives the unbiased sample variance. Integers and bools compute in float64.

    >>> import tensorlab.tensor as T
    >>> x = T.vector("x")
    >>> T.var(x).eval({x: [1.0, 2.0, 3.0, 4.0]})
    array(1.25)
    >>> T.var(x, ddof=1).eval({x: [1.0, 2.0, 3.0, 4.0]})
    array(1.66666667)
    """
    x = as_tensor_variable(x)
    axes = normalize_axis(x, axis, "var")
    accumulator = "float64" if is_integer(x.dtype) else x.dtype
    count = reduced_count(x, axes)
    total = keep_dims(Sum(axes, _accumulator(x, accumulator))(x), x.ndim, axes)
    deviation = x - cast(true_div(total, count), accumulator)
    squares = Sum(axes)(deviation * deviation)
    out = cast(true_div(squares, _degrees_of_freedom(count, ddof)), accumulator)
    return keep_dims(out, x.ndim, axes) if keepdims else out


def _degrees_of_freedom(count: Variable, ddof: int | float) -> Variable:
    """max(count - ddof, 0), as NumPy: a negative divisor would flip the variance's sign."""
    if ddof == 0:
        return count
    if isinstance(count, Constant):
        return constant(np.maximum(count.data - ddof, 0))
    dof = count - ddof
    return switch(dof > 0, dof, 0)


def std(x, axis=None, ddof: int | float = 0, keepdims: bool = False) -> Variable:
    """Standard deviation over `axis`: `sqrt(var(x, axis, ddof))`, as NumPy's `std`.

    Its gradient is infinite (nan) where the variance is 0, as the square root's is.

    >>> import tensorlab.tensor as T
    >>> x = T.vector("x")
    >>> T.std(x).eval({x: [1.0, 3.0]})
    array(1.)
    """
    return sqrt(var(x, axis=axis, ddof=ddof, keepdims=keepdims))


def max(x, axis=None, keepdims: bool = False) -> Variable:
    """Largest element over `axis` (all by default), as NumPy's `max` (Theano's `T.max`).

    Tied maxima share the gradient equally.

    >>> import tensorlab.tensor as T
    >>> x = T.vector("x")
    >>> T.grad(T.max(x), x).eval({x: [1.0, 3.0, 3.0]})
    array([0. , 0.5, 0.5])
    """
    x = as_tensor_variable(x)
    axes = normalize_axis(x, axis, "max")
    out = Max(axes)(x)
    return keep_dims(out, x.ndim, axes) if keepdims else out


def min(x, axis=None, keepdims: bool = False) -> Variable:
    """Smallest element over `axis` (all by default), as NumPy's `min` (Theano's `T.min`).

    >>> import tensorlab.tensor as T
    >>> x = T.matrix("x")
    >>> T.min(x, axis=0).eval({x: [[1.0, 5.0], [7.0, 2.0]]})
    array([1., 2.])
    """
    x = as_tensor_variable(x)
    axes = normalize_axis(x, axis, "min")
    out = Min(axes)(x)
    return keep_dims(out, x.ndim, axes) if keepdims else out


def _search_axis(x: Variable, axis, op_name: str) -> tuple[int, ...]:
    """NumPy's argmax `axis`: None (every axis: a flat index) or one axis."""
    axes = normalize_axis(x, axis, op_name)
    if len(axes) != 1 and axes != tuple(range(x.ndim)):
        raise error(
            AxisError,
            f"{op_name} takes one axis, or None for an index into the flattened input",
            got=f"axis={axis!r} for {describe(x)}",
            at=user_location(),
        )
    return axes


def argmax(x, axis=None, keepdims: bool = False) -> Variable:
    """Index (int64) of the largest element along `axis`, as NumPy's `argmax`.

    `axis=None` gives the index into the flattened input; ties give the first index.

    >>> import tensorlab.tensor as T
    >>> x = T.matrix("x")
    >>> T.argmax(x).eval({x: [[1.0, 5.0], [7.0, 2.0]]})
    array(2)
    """
    x = as_tensor_variable(x)
    axes = _search_axis(x, axis, "argmax")
    out = Argmax(axes)(x)
    return keep_dims(out, x.ndim, axes) if keepdims else out


def argmin(x, axis=None, keepdims: bool = False) -> Variable:
    """Index (int64) of the smallest element along `axis`, as NumPy's `argmin`.

    >>> import tensorlab.tensor as T
    >>> x = T.matrix("x")
    >>> T.argmin(x, axis=0, keepdims=True).eval({x: [[1.0, 5.0], [7.0, 2.0]]})
    array([[0, 1]])
    """
    x = as_tensor_variable(x)
    axes = _search_axis(x, axis, "argmin")
    out = Argmin(axes)(x)
    return keep_dims(out, x.ndim, axes) if keepdims else out


def all(x, axis=None, keepdims: bool = False) -> Variable:
    """Whether every element over `axis` is true (non-zero), as NumPy's `all`.

    >>> import tensorlab.tensor as T
    >>> x = T.matrix("x")
    >>> T.all(x, axis=1).eval({x: [[1.0, 2.0], [0.0, 4.0]]})
    array([ True, False])
    """
    x = as_tensor_variable(x)
    axes = normalize_axis(x, axis, "all")
    out = All(axes)(x)
    return keep_dims(out, x.ndim, axes) if keepdims else out


def any(x, axis=None, keepdims: bool = False) -> Variable:
    """Whether some element over `axis` is true (non-zero), as NumPy's `any`.

    >>> import tensorlab.tensor as T
    >>> x = T.matrix("x")
    >>> T.any(x, axis=1).eval({x: [[0.0, 2.0], [0.0, 0.0]]})
    array([ True, False])
    """
    x = as_tensor_variable(x)
    axes = normalize_axis(x, axis, "any")
    out = Any(axes)(x)
    return keep_dims(out, x.ndim, axes) if keepdims else out
