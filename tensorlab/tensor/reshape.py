"""Reshaping: `reshape` (one length may be -1) and Theano's `flatten`.

>>> import tensorlab.tensor as T
>>> x = T.matrix("x")
>>> y = T.reshape(x, (x.shape[0], 2, -1))
>>> y.eval({x: [[1.0, 2.0, 3.0, 4.0]]}).shape
(1, 2, 2)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from tensorlab.errors import (
    AxisError,
    ShapeError,
    TypeMismatchError,
    describe,
    error,
)
from tensorlab.graph.basic import Apply, Op, Variable
from tensorlab.graph.source import user_location
from tensorlab.scalar.basic import is_integer
from tensorlab.tensor.join import Stack
from tensorlab.tensor.shape import Shape, as_shape_vector, shape, static_lengths
from tensorlab.tensor.type import TensorType, shape_text
from tensorlab.tensor.variable import as_tensor_variable

__all__ = [
    "Reshape",
    "reshape",
    "flatten",
]


@dataclass(frozen=True)
class Reshape(Op):
    """`x` with its elements (in C order) laid out in `shape`, an int vector of `ndim` lengths.

    forward:   out = np.reshape(x, shape)   (one negative length is inferred from the size)
    gradient:  dx = reshape(gout, shape(x));  d shape: none (zero)
    """

    ndim: int

    def make_node(self, x, shape) -> Apply:
        x, shape = as_tensor_variable(x), as_tensor_variable(shape)
        if (
            shape.ndim != 1
            or not is_integer(shape.dtype)
            or shape.type.shape[0] not in (None, self.ndim)
        ):
            raise error(
                TypeMismatchError,
                f"{self} needs a shape: an int vector of {self.ndim} lengths",
                got=describe(shape),
                at=user_location(),
            )
        lengths = static_lengths(shape) or (None,) * self.ndim
        out_shape = self._static_shape(x, lengths, _lengths_of(x, shape))
        return Apply(self, [x, shape], [TensorType(x.dtype, out_shape)()])

    def _static_shape(self, x: Variable, lengths: tuple, kept: dict) -> tuple[int | None, ...]:
        inferred = [axis for axis, n in enumerate(lengths) if n is not None and n < 0]
        out = [None if n is None or n < 0 else n for n in lengths]
        requested = "(" + ", ".join("?" if n is None else str(n) for n in lengths) + ")"
        if len(inferred) > 1:
            raise error(
                ShapeError,
                f"{self} can infer only one length, but {requested} has {len(inferred)} negative",
                got=describe(x),
                at=user_location(),
            )
        # Lengths taken from x itself cancel out: (x.shape[0], -1) of (None, 3, 4) is (None, 12).
        rest_of_x = [n for axis, n in enumerate(x.type.shape) if axis not in kept.values()]
        others = [n for axis, n in enumerate(out) if axis not in kept and axis not in inferred]
        if None in rest_of_x or None in others or len(set(kept.values())) < len(kept):
            return tuple(out)
        size, rest = math.prod(rest_of_x), math.prod(others)
        if inferred and rest and size % rest == 0:
            out[inferred[0]] = size // rest
        elif (inferred or rest != size) and not kept:  # with kept lengths, 0 could still fit
            raise error(
                ShapeError,
                f"{self} cannot lay out the {size} elements of {x} in shape {requested}",
                expected=f"lengths whose product is {size}",
                got=describe(x),
                at=user_location(),
            )
        return tuple(out)

    def perform(self, node: Apply, x: np.ndarray, shape: np.ndarray) -> np.ndarray:
        requested = tuple(int(n) for n in shape)
        try:
            if len(requested) != self.ndim:
                raise ValueError("wrong number of lengths")
            return np.reshape(x, requested)
        except ValueError as err:
            raise error(
                ShapeError,
                f"{self} cannot reshape {node.inputs[0]} of shape {shape_text(x.shape)} "
                f"to {shape_text(requested)}",
                expected=f"{self.ndim} lengths whose product is {x.size} (one may be -1)",
                got=f"{node.inputs[0]}: {x.dtype} {shape_text(x.shape)}, "
                f"shape {shape_text(requested)}",
                at=node,
            ) from err

    def grad(self, inputs, outputs, gouts):
        (x, _), (gout,) = inputs, gouts
        return [reshape(gout, shape(x)), None]


def _lengths_of(x: Variable, shape: Variable) -> dict[int, int]:
    """Which entries of a stacked shape are x's own lengths (`x.shape[k]`): entry -> k."""
    from tensorlab.tensor.subtensor import Subtensor

    kept = {}
    for entry, length in enumerate(shape.owner.inputs if _owner_is(shape, Stack) else ()):
        if _owner_is(length, Subtensor) and _owner_is(length.owner.inputs[0], Shape):
            (k,) = length.owner.op.index if len(length.owner.op.index) == 1 else (None,)
            if isinstance(k, int) and length.owner.inputs[0].owner.inputs[0] is x:
                kept[entry] = k % x.ndim
    return kept


def _owner_is(var: Variable, op_class: type) -> bool:
    return var.owner is not None and isinstance(var.owner.op, op_class)


def reshape(x, shape, ndim: int | None = None) -> Variable:
    """`x` reshaped as NumPy's `reshape`: `shape` is a tuple of ints and/or int scalars (one
    may be -1) or an int vector; `ndim` is needed only for a vector of unknown length.

    >>> import tensorlab.tensor as T
    >>> T.reshape(T.tensor(dtype="float64", shape=(3, 4)), (2, -1)).type.shape
    (2, 6)
    """
    x = as_tensor_variable(x)
    if isinstance(shape, int | np.integer) or (isinstance(shape, Variable) and shape.ndim == 0):
        shape = (shape,)
    if isinstance(shape, Variable) and shape.ndim == 1 and shape.type.shape[0] is None:
        if ndim is None:
            raise error(
                TypeMismatchError,
                f"reshape cannot tell how many axes the shape {shape} has",
                got=describe(shape),
                at=user_location(),
                hint="pass ndim=, or give the shape vector a static length",
            )
        return Reshape(ndim)(x, shape)
    vector = as_shape_vector(shape, "reshape")
    if ndim is not None and ndim != vector.type.shape[0]:
        raise error(
            TypeMismatchError,
            f"reshape was given ndim={ndim} and a shape of {vector.type.shape[0]} lengths",
            got=describe(vector),
            at=user_location(),
        )
    return Reshape(vector.type.shape[0])(x, vector)


def flatten(x, ndim: int = 1) -> Variable:
    """Theano's `flatten`: keep the first `ndim - 1` axes and flatten the rest into one.

    >>> import tensorlab.tensor as T
    >>> flatten(T.tensor(dtype="float64", shape=(None, 3, 4)), ndim=2).type.shape
    (None, 12)
    """
    x = as_tensor_variable(x)
    if not 1 <= ndim <= max(x.ndim, 1):
        raise error(
            AxisError,
            f"flatten(ndim={ndim}) does not fit a {x.ndim}-d input",
            expected=f"ndim in 1..{max(x.ndim, 1)}",
            got=describe(x),
            at=user_location(),
        )
    lead = tuple(
        n if n is not None else shape(x)[axis] for axis, n in enumerate(x.type.shape[: ndim - 1])
    )
    rest = x.type.shape[ndim - 1 :]
    if None not in rest:
        return reshape(x, (*lead, math.prod(rest)))
    # The product of the lengths, not -1: -1 cannot be inferred when a kept length is 0.
    from tensorlab.tensor.reduction import prod

    return reshape(x, (*lead, prod(shape(x)[ndim - 1 :])))
