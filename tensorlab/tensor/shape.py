"""Shape ops: reading a shape, broadcasting to one, and summing back from one."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tensorlab.errors import ShapeError, TypeMismatchError, describe, error
from tensorlab.graph.basic import Apply, Constant, Op, Variable
from tensorlab.scalar.basic import is_integer
from tensorlab.tensor.type import TensorType, shape_text
from tensorlab.tensor.variable import as_tensor_variable


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
