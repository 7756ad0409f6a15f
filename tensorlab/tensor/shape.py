"""Shape ops: reading, checking, broadcasting and padding shapes.

A shape is given as a tuple of ints and/or symbolic int scalars (`(x.shape[0], -1)`) or
as an int vector (`y.shape`). What is known of it before run time becomes the output's
static shape, so `reshape(x, (2, -1))` of a `(3, 4)` tensor has static shape `(2, 6)`.

>>> import tensorlab.tensor as T
>>> x = T.matrix("x")
>>> T.shape(x).eval({x: [[1.0, 2.0, 3.0]]})
array([1, 3])
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
)
from tensorlab.graph.basic import Apply, Constant, Op, Variable
from tensorlab.graph.source import user_location
from tensorlab.scalar.basic import is_integer
from tensorlab.tensor.dimshuffle import dimshuffle
from tensorlab.tensor.type import TensorType, shape_text
from tensorlab.tensor.variable import as_tensor_variable

__all__ = [
    "shape",
    "broadcast_to",
    "sum_to_shape",
    "specify_shape",
    "addbroadcast",
    "patternbroadcast",
    "unbroadcast",
    "squeeze",
    "expand_dims",
    "shape_padleft",
    "shape_padright",
    "shape_padaxis",
]


@dataclass(frozen=True)
class Shape(Op):
    """The runtime shape of a tensor.

    forward:   shape(x) = [len(x, axis 0), len(x, axis 1), ...]   (int64 vector)
    gradient:  none: x's values do not change its shape (zero)
    """

    def make_node(self, x) -> Apply:
        x = as_tensor_variable(x)
        return Apply(self, [x], [TensorType("int64", (x.ndim,))()])

    def perform(self, node: Apply, x: np.ndarray) -> np.ndarray:
        return np.asarray(x.shape, dtype=np.int64)

    def grad(self, inputs, outputs, gouts):
        return [None]


_shape = Shape()


def shape(x) -> Variable:
    """The shape of `x` as a symbolic int64 vector.

    >>> import tensorlab.tensor as T
    >>> x = T.matrix("x")
    >>> shape(x).eval({x: [[1.0, 2.0, 3.0]]})
    array([1, 3])
    """
    return _shape(x)


def static_lengths(shape_vector: Variable) -> tuple[int | None, ...]:
    """What is known before run time about the values of a shape vector."""
    (length,) = shape_vector.type.shape
    if isinstance(shape_vector, Constant):
        return tuple(int(n) for n in shape_vector.data)
    owner = shape_vector.owner
    if owner is not None and isinstance(owner.op, Shape):
        return owner.inputs[0].type.shape
    if owner is not None and hasattr(owner.op, "static_lengths"):
        return owner.op.static_lengths(owner)
    return (None,) * (length or 0)


def static_int(scalar: Variable) -> int | None:
    """The value of an int scalar when it is known before run time (`x.shape[0]` of a
    tensor whose first length is static), else None."""
    if isinstance(scalar, Constant) and scalar.type.ndim == 0 and is_integer(scalar.type.dtype):
        return int(scalar.data)
    owner = scalar.owner
    if owner is not None and hasattr(owner.op, "static_value"):
        return owner.op.static_value(owner)
    return None


def as_shape_vector(shape, op: Op) -> Variable:
    """A shape given as a tuple of ints/scalars or as an int vector, as one int64 vector."""
    if isinstance(shape, Variable):
        vector = shape
    elif all(isinstance(n, int | np.integer) for n in shape):
        vector = as_tensor_variable(np.asarray(shape, dtype=np.int64))
    else:
        from tensorlab.tensor import stack

        vector = stack([as_tensor_variable(n) for n in shape])
    if vector.ndim != 1 or not is_integer(vector.dtype) or vector.type.shape[0] is None:
        raise error(
            TypeMismatchError,
            f"{op} needs a shape: a tuple of ints or an int vector of known length",
            got=describe(vector),
        )
    if vector.dtype != "int64":
        from tensorlab.tensor import cast

        vector = cast(vector, "int64")
    return vector


@dataclass(frozen=True)
class BroadcastTo(Op):
    """Repeat `x` along its length-1 axes (and new leading axes) to fill `shape`.

    forward:   out = np.broadcast_to(x, shape)       (Theano's `alloc`)
    gradient:  dx = gout summed back to x's shape;  d shape: none (zero)
    """

    def make_node(self, x, shape) -> Apply:
        x = as_tensor_variable(x)
        shape = as_shape_vector(shape, self)
        lengths = static_lengths(shape)
        if len(lengths) < x.ndim:
            raise error(
                ShapeError,
                f"{self} cannot broadcast a {x.ndim}-d tensor to {len(lengths)} dimensions",
                got=describe(x),
            )
        padded = (1,) * (len(lengths) - x.ndim) + x.type.shape
        for axis, (have, want) in enumerate(zip(padded, lengths, strict=True)):
            if have is not None and want is not None and have not in (1, want):
                raise error(
                    ShapeError,
                    f"{self} cannot repeat length {have} into {want} on axis {axis}",
                    expected="length 1 or the target length",
                    got=f"{describe(x)} to {shape_text(lengths)}",
                )
        out_shape = tuple(
            want if want is not None else (have if have not in (None, 1) else None)
            for have, want in zip(padded, lengths, strict=True)
        )
        return Apply(self, [x, shape], [TensorType(x.dtype, out_shape)()])

    def perform(self, node: Apply, x: np.ndarray, shape: np.ndarray) -> np.ndarray:
        try:
            return np.broadcast_to(x, tuple(shape)).copy()
        except ValueError as err:
            raise error(
                ShapeError,
                f"{self} cannot repeat {node.inputs[0]} to shape {tuple(int(n) for n in shape)}",
                expected="each axis of length 1 or the target length",
                got=f"{node.inputs[0]}: {x.dtype} {shape_text(x.shape)}",
                at=node,
            ) from err

    def grad(self, inputs, outputs, gouts):
        (x, _), (gout,) = inputs, gouts
        return [sum_to_shape(gout, x), None]


_broadcast_to = BroadcastTo()


def broadcast_to(x, shape) -> Variable:
    """`x` repeated to `shape` (a tuple of ints or scalars, or an int vector such as `y.shape`).

    >>> import numpy as np
    >>> broadcast_to(np.float64(2.0), (2, 3)).eval()
    array([[2., 2., 2.],
           [2., 2., 2.]])
    """
    return _broadcast_to(x, shape)


@dataclass(frozen=True)
class SumToShape(Op):
    """Sum `g` over the axes along which a tensor of shape `shape` was broadcast to it.

    forward:   out = g summed over its extra leading axes and over every axis where
               shape[axis] == 1 < g.shape[axis] (kept with length 1)
    gradient:  dg = gout repeated back to g's shape;  d shape: none (zero)

    This is how gradients reach inputs that were broadcast at run time: the target
    lengths are read when the graph runs, so a length-1 axis that was unknown when the
    graph was built still gets its sum.
    """

    def make_node(self, g, shape) -> Apply:
        g = as_tensor_variable(g)
        shape = as_shape_vector(shape, self)
        lengths = static_lengths(shape)
        if len(lengths) > g.ndim:
            raise error(
                ShapeError,
                f"{self} cannot sum a {g.ndim}-d tensor to {len(lengths)} dimensions",
                got=describe(g),
            )
        return Apply(self, [g, shape], [TensorType(g.dtype, lengths)()])

    def perform(self, node: Apply, g: np.ndarray, shape: np.ndarray) -> np.ndarray:
        target = tuple(int(n) for n in shape)
        extra = g.ndim - len(target)
        out = g.sum(axis=tuple(range(extra))) if extra else g
        axes = tuple(
            axis
            for axis, (want, have) in enumerate(zip(target, out.shape, strict=True))
            if want == 1 and have != 1
        )
        if axes:
            out = out.sum(axis=axes, keepdims=True)
        if out.shape != target:
            raise error(
                ShapeError,
                f"{self} cannot sum {node.inputs[0]} down to shape {shape_text(target)}",
                expected="lengths that broadcast to the summed tensor",
                got=f"{node.inputs[0]}: {g.dtype} {shape_text(g.shape)}",
                at=node,
            )
        return np.asarray(out, dtype=g.dtype)

    def grad(self, inputs, outputs, gouts):
        (g, _), (gout,) = inputs, gouts
        return [broadcast_to(gout, shape(g)), None]


_sum_to_shape = SumToShape()


def sum_to_shape(g, like) -> Variable:
    """`g` summed over the axes along which `like` (a tensor) was broadcast to reach it."""
    return _sum_to_shape(g, shape(like))


def join_axes(ndim: int, axis, what: str, x: Variable) -> tuple[int, ...]:
    """`axis` (an int or a sequence, negatives allowed) as sorted axes of a `ndim`-d result."""
    axes = (axis,) if isinstance(axis, int | np.integer) else tuple(axis)
    if any(not isinstance(a, int | np.integer) or not -ndim <= a < ndim for a in axes):
        raise error(
            AxisError,
            f"{what}: axis {axis} is out of range",
            expected=f"axes in -{ndim}..{ndim - 1}" if ndim else "no axis: the result is 0-d",
            got=describe(x),
            at=user_location(),
        )
    normalized = sorted(int(a) % ndim for a in axes)
    if len(set(normalized)) != len(normalized):
        raise error(
            AxisError, f"{what}: repeated axis in {axis}", got=describe(x), at=user_location()
        )
    return tuple(normalized)


@dataclass(frozen=True)
class SpecifyShape(Op):
    """`x` itself, with its lengths checked against `shape` (None: any length).

    forward:   out = x, after checking len(x, axis) == shape[axis] wherever shape[axis] is given
    gradient:  dx = gout
    """

    shape: tuple[int | None, ...]

    def make_node(self, x) -> Apply:
        x = as_tensor_variable(x)
        if x.ndim != len(self.shape):
            raise error(
                TypeMismatchError,
                f"{self} needs a {len(self.shape)}-d input",
                got=describe(x),
                at=user_location(),
            )
        for axis, (have, want) in enumerate(zip(x.type.shape, self.shape, strict=True)):
            if None not in (have, want) and have != want:
                raise error(
                    ShapeError,
                    f"{self}: {x} has length {have} on axis {axis}, not {want}",
                    got=describe(x),
                    at=user_location(),
                )
        out_shape = tuple(
            have if want is None else want
            for have, want in zip(x.type.shape, self.shape, strict=True)
        )
        return Apply(self, [x], [TensorType(x.dtype, out_shape)()])

    def perform(self, node: Apply, x: np.ndarray) -> np.ndarray:
        for axis, (have, want) in enumerate(zip(x.shape, self.shape, strict=True)):
            if want is not None and have != want:
                raise error(
                    ShapeError,
                    f"{self}: {node.inputs[0]} has length {have} on axis {axis}, not {want}",
                    expected=f"shape {shape_text(self.shape)}",
                    got=f"{node.inputs[0]}: {x.dtype} {shape_text(x.shape)}",
                    at=node,
                )
        return x

    def grad(self, inputs, outputs, gouts):
        return list(gouts)

    def __str__(self) -> str:
        return f"SpecifyShape{{{shape_text(self.shape)}}}"


def specify_shape(x, shape) -> Variable:
    """`x` with static lengths `shape` (ints, or None to leave one unknown), checked at run time.

    >>> import tensorlab.tensor as T
    >>> specify_shape(T.matrix("x"), (None, 3)).type.shape
    (None, 3)
    """
    x = as_tensor_variable(x)
    shape = tuple(None if n is None else int(n) for n in shape)
    if len(shape) == x.ndim and all(
        n is None or n == have for n, have in zip(shape, x.type.shape, strict=True)
    ):
        return x  # nothing new to know or check
    return SpecifyShape(shape)(x)


def addbroadcast(x, *axes: int) -> Variable:
    """Theano's `addbroadcast`: declare that `axes` of `x` have length 1 (checked at run time).

    >>> import tensorlab.tensor as T
    >>> addbroadcast(T.matrix("x"), 0).type.shape
    (1, None)
    """
    x = as_tensor_variable(x)
    axes = join_axes(x.ndim, axes, "addbroadcast", x)
    return specify_shape(x, tuple(1 if i in axes else None for i in range(x.ndim)))


def patternbroadcast(x, broadcastable) -> Variable:
    """Theano's `patternbroadcast`: axes marked True have length 1 (checked at run time).

    A False entry keeps what is known of that axis: a length of 1 is not special here.

    >>> import tensorlab.tensor as T
    >>> patternbroadcast(T.matrix("x"), (False, True)).type.shape
    (None, 1)
    """
    x = as_tensor_variable(x)
    if len(broadcastable) != x.ndim:
        raise error(
            TypeMismatchError,
            f"patternbroadcast needs one flag per axis of {x}",
            got=f"{tuple(broadcastable)} for {describe(x)}",
            at=user_location(),
        )
    return specify_shape(x, tuple(1 if flag else None for flag in broadcastable))


def unbroadcast(x, *axes: int) -> Variable:
    """Theano's `unbroadcast`: `x` unchanged, since a length of 1 broadcasts only when it
    meets a longer axis at run time, whatever the static shape says.

    >>> import tensorlab.tensor as T
    >>> unbroadcast(T.row("r"), 0).type.shape
    (1, None)
    """
    return as_tensor_variable(x)


def squeeze(x, axis=None) -> Variable:
    """`x` without the length-1 `axis` (an int or a tuple), checked at run time.

    `axis=None` drops the axes whose static length is 1: the number of dimensions must be
    known when the graph is built, so an axis of unknown length is kept (as in Theano).

    >>> import tensorlab.tensor as T
    >>> squeeze(T.tensor(dtype="float64", shape=(1, 3, 1))).type.shape
    (3,)
    """
    x = as_tensor_variable(x)
    if axis is None:
        axes = tuple(i for i, n in enumerate(x.type.shape) if n == 1)
    else:
        axes = join_axes(x.ndim, axis, "squeeze", x)
    return dimshuffle(x, tuple(i for i in range(x.ndim) if i not in axes))


def expand_dims(x, axis) -> Variable:
    """`x` with new length-1 axes at `axis` (an int or a tuple), as NumPy's `expand_dims`.

    >>> import tensorlab.tensor as T
    >>> expand_dims(T.vector("v"), (0, -1)).type.shape
    (1, None, 1)
    """
    x = as_tensor_variable(x)
    n_new = 1 if isinstance(axis, int | np.integer) else len(axis)
    axes = join_axes(x.ndim + n_new, axis, "expand_dims", x)
    kept = iter(range(x.ndim))
    return dimshuffle(x, tuple("x" if i in axes else next(kept) for i in range(x.ndim + n_new)))


def shape_padleft(x, n_ones: int = 1) -> Variable:
    """Theano's `shape_padleft`: `n_ones` new length-1 axes in front.

    >>> import tensorlab.tensor as T
    >>> shape_padleft(T.vector("v"), 2).type.shape
    (1, 1, None)
    """
    x = as_tensor_variable(x)
    return dimshuffle(x, ("x",) * n_ones + tuple(range(x.ndim)))


def shape_padright(x, n_ones: int = 1) -> Variable:
    """Theano's `shape_padright`: `n_ones` new length-1 axes at the end.

    >>> import tensorlab.tensor as T
    >>> shape_padright(T.vector("v")).type.shape
    (None, 1)
    """
    x = as_tensor_variable(x)
    return dimshuffle(x, tuple(range(x.ndim)) + ("x",) * n_ones)


def shape_padaxis(x, axis: int) -> Variable:
    """Theano's `shape_padaxis`: one new length-1 axis at `axis`.

    >>> import tensorlab.tensor as T
    >>> shape_padaxis(T.matrix("m"), 1).type.shape
    (None, 1, None)
    """
    return expand_dims(x, axis)
