"""`DimShuffle`: Theano's transpose, add-an-axis and drop-an-axis in one op."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tensorlab.errors import AxisError, ShapeError, describe, error
from tensorlab.graph.basic import Apply, Op, Variable
from tensorlab.tensor.type import TensorType, shape_text
from tensorlab.tensor.variable import as_tensor_variable


@dataclass(frozen=True)
class DimShuffle(Op):
    """Reorder axes, insert length-1 axes (`'x'`) and drop length-1 axes.

    forward:   out = x.transpose(kept axes in `order`), then a new axis at each 'x';
               an input axis missing from `order` must have length 1 and is dropped
    gradient:  dx = gout shuffled back (the inverse pattern), dropped axes restored
    Example:   pattern (1, 'x', 0) turns a (3, 4) matrix into a (4, 1, 3) tensor.
    """

    input_ndim: int
    order: tuple  # of ints and 'x'

    def __post_init__(self) -> None:
        axes = [a for a in self.order if a != "x"]
        bad = [a for a in axes if not isinstance(a, int) or not 0 <= a < self.input_ndim]
        if bad or len(set(axes)) != len(axes):
            raise error(
                AxisError,
                f"DimShuffle pattern {self.order} does not fit a {self.input_ndim}-d input",
                expected=f"each axis 0..{self.input_ndim - 1} at most once, or 'x'",
                got=str(self.order),
            )

    @property
    def dropped(self) -> tuple[int, ...]:
        return tuple(a for a in range(self.input_ndim) if a not in self.order)

    @property
    def is_transpose(self) -> bool:
        return "x" not in self.order and not self.dropped

    def make_node(self, x) -> Apply:
        x = as_tensor_variable(x)
        if x.ndim != self.input_ndim:
            raise error(
                AxisError,
                f"{self} expects a {self.input_ndim}-d input",
                got=describe(x),
                at=x,
            )
        for axis in self.dropped:
            if x.type.shape[axis] not in (None, 1):
                raise error(
                    ShapeError,
                    f"{self} drops axis {axis}, which must have length 1",
                    got=describe(x),
                    at=x,
                )
        shape = tuple(1 if a == "x" else x.type.shape[a] for a in self.order)
        return Apply(self, [x], [TensorType(x.dtype, shape)()])

    def perform(self, node: Apply, x: np.ndarray) -> np.ndarray:
        if any(x.shape[a] != 1 for a in self.dropped):
            raise error(
                ShapeError,
                f"{self} drops axes {self.dropped}, which must have length 1",
                got=f"{node.inputs[0]}: {x.dtype} {shape_text(x.shape)}",
                at=node,
            )
        kept = [a for a in self.order if a != "x"]
        out = np.transpose(x, kept + list(self.dropped)).reshape(tuple(x.shape[a] for a in kept))
        return np.expand_dims(out, [i for i, a in enumerate(self.order) if a == "x"])

    def grad(self, inputs, outputs, gouts):
        (gout,) = gouts
        kept = [a for a in self.order if a != "x"]
        # Drop the inserted axes, then put every input axis back where it came from.
        squeezed = DimShuffle(gout.ndim, tuple(i for i, a in enumerate(self.order) if a != "x"))(
            gout
        )
        back = tuple(kept.index(a) if a in kept else "x" for a in range(self.input_ndim))
        return [DimShuffle(len(kept), back)(squeezed)]

    def __str__(self) -> str:
        return f"DimShuffle{{{','.join(str(a) for a in self.order)}}}"


def dimshuffle(x, pattern) -> Variable:
    """Theano's `x.dimshuffle(*pattern)`: `('x', 0)` makes a vector a row, `(1, 0)` transposes.

    >>> import tensorlab.tensor as T
    >>> v = T.vector("v")
    >>> dimshuffle(v, ("x", 0)).type.shape
    (1, None)
    """
    x = as_tensor_variable(x)
    order = tuple(a if a == "x" else int(a) for a in pattern)
    if order == tuple(range(x.ndim)):
        return x
    return DimShuffle(x.ndim, order)(x)


def transpose(x, axes=None) -> Variable:
    """Axes reversed (or permuted as `axes` says), as NumPy's `transpose`.

    >>> import tensorlab.tensor as T
    >>> transpose(T.tensor(dtype="float64", shape=(2, 3, 4))).type.shape
    (4, 3, 2)
    """
    x = as_tensor_variable(x)
    axes = tuple(reversed(range(x.ndim))) if axes is None else tuple(axes)
    if sorted(a % x.ndim if x.ndim else a for a in axes) != list(range(x.ndim)):
        raise error(
            AxisError,
            "transpose needs a permutation of the input's axes",
            expected=f"each of 0..{x.ndim - 1} once",
            got=f"axes={axes} for {describe(x)}",
            at=x,
        )
    return dimshuffle(x, tuple(a % x.ndim for a in axes))
