"""Creating tensors: `arange`, `zeros`, `ones`, `zeros_like`, `ones_like`, `fill`, `alloc`.

>>> import tensorlab.tensor as T
>>> T.zeros((2, 3)).eval().shape
(2, 3)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from tensorlab.errors import (
    RuntimeOpError,
    ShapeError,
    TypeMismatchError,
    describe,
    error,
)
from tensorlab.graph.basic import Apply, Constant, Op, Variable
from tensorlab.graph.source import user_location
from tensorlab.scalar.basic import check_dtype, is_float, is_integer
from tensorlab.tensor.shape import broadcast_to, shape
from tensorlab.tensor.type import TensorType
from tensorlab.tensor.variable import as_tensor_like, as_tensor_variable

__all__ = [
    "ARange",
    "arange",
    "zeros",
    "ones",
    "zeros_like",
    "ones_like",
    "fill",
    "alloc",
]


@dataclass(frozen=True)
class ARange(Op):
    """Values from `start` up to (not including) `stop`, `step` apart, of `dtype`.

    forward:   out[i] = start + i * step,  i = 0 .. ceil((stop - start) / step) - 1   (np.arange)
    gradient:  d start = sum(gout);  d step = sum(gout * i);  d stop: zero (it sets the length)
    """

    dtype: str

    def make_node(self, start, stop, step) -> Apply:
        bounds = [as_tensor_variable(v) for v in (start, stop, step)]
        if any(v.ndim != 0 or not (is_integer(v.dtype) or is_float(v.dtype)) for v in bounds):
            raise error(
                TypeMismatchError,
                f"{self} needs number scalars for start, stop and step",
                got=", ".join(describe(v) for v in bounds),
            )
        length = None
        if all(isinstance(v, Constant) for v in bounds):
            first, last, delta = (v.data.item() for v in bounds)
            if delta == 0:
                raise error(ShapeError, f"{self} needs a step other than 0", got="step 0")
            length = max(0, math.ceil((last - first) / delta))
        return Apply(self, bounds, [TensorType(self.dtype, (length,))()])

    def perform(self, node: Apply, start, stop, step) -> np.ndarray:
        if step == 0:
            raise error(RuntimeOpError, f"{self} was given a step of 0", at=node)
        return np.arange(start, stop, step, dtype=self.dtype)

    def grad(self, inputs, outputs, gouts):
        (out,), (gout,) = outputs, gouts
        counts = arange(shape(out)[0], dtype=out.dtype)
        return [gout.sum(), None, (gout * counts).sum()]


def arange(start, stop=None, step=1, dtype: str | None = None) -> Variable:
    """`arange(stop)` or `arange(start, stop, step)` with constant or symbolic bounds.

    The dtype is NumPy's for the same arguments: ints give int64, any float gives float64.

    >>> import tensorlab.tensor as T
    >>> arange(1, 7, 2).eval()
    array([1, 3, 5])
    >>> n = T.scalar("n", dtype="int32")
    >>> arange(n).dtype
    'int64'
    """
    if stop is None:
        start, stop = 0, start
    # Python floats stay float64, whatever floatX says: the values must be NumPy's.
    bounds = [
        as_tensor_variable(np.float64(v) if isinstance(v, float) else v)
        for v in (start, stop, step)
    ]
    if dtype is None:  # ask NumPy, with values of the same dtypes and an empty range
        probe = [np.full((), i == 2, dtype=v.dtype) for i, v in enumerate(bounds)]
        try:
            dtype = np.arange(*probe).dtype.name
        except TypeError as err:
            raise error(
                TypeMismatchError,
                "arange cannot count with these bounds",
                got=", ".join(describe(v) for v in bounds),
                at=user_location(),
            ) from err
    return ARange(check_dtype(dtype))(*bounds)


def _dims(shape) -> tuple:
    if isinstance(shape, int | np.integer) or (isinstance(shape, Variable) and shape.ndim == 0):
        return (shape,)
    return shape


def _dtype(dtype: str | None, default: str | None = None) -> str:
    from tensorlab.config import config

    if dtype is None:
        dtype = default or config.floatX
    return check_dtype(config.floatX if dtype == "floatX" else dtype)


def zeros(shape, dtype: str | None = None) -> Variable:
    """Zeros of `shape` (an int, a tuple of ints/int scalars or an int vector).

    >>> zeros((2, 3), dtype="int32").eval()
    array([[0, 0, 0],
           [0, 0, 0]], dtype=int32)
    """
    return broadcast_to(np.zeros((), dtype=_dtype(dtype)), _dims(shape))


def ones(shape, dtype: str | None = None) -> Variable:
    """Ones of `shape` (an int, a tuple of ints/int scalars or an int vector).

    >>> ones(3).eval()
    array([1., 1., 1.])
    """
    return broadcast_to(np.ones((), dtype=_dtype(dtype)), _dims(shape))


def zeros_like(x, dtype: str | None = None) -> Variable:
    """Zeros of `x`'s shape and (unless given) dtype.

    >>> import numpy as np
    >>> zeros_like(np.array([1.5, 2.5])).eval()
    array([0., 0.])
    """
    x = as_tensor_variable(x)
    return broadcast_to(np.zeros((), dtype=_dtype(dtype, x.dtype)), shape(x))


def ones_like(x, dtype: str | None = None) -> Variable:
    """Ones of `x`'s shape and (unless given) dtype.

    >>> import numpy as np
    >>> ones_like(np.array([[1, 2]])).eval()
    array([[1, 1]])
    """
    x = as_tensor_variable(x)
    return broadcast_to(np.ones((), dtype=_dtype(dtype, x.dtype)), shape(x))


def fill(model, value) -> Variable:
    """Theano's `fill`: `value` repeated to `model`'s shape (a number takes model's dtype).

    >>> import numpy as np
    >>> fill(np.zeros((2, 2), dtype="float32"), 3.0).eval()
    array([[3., 3.],
           [3., 3.]], dtype=float32)
    """
    model, value = as_tensor_like([as_tensor_variable(model), value])
    return broadcast_to(value, shape(model))


def alloc(value, *shape) -> Variable:
    """Theano's `alloc(value, *lengths)`: `value` repeated to the given lengths.

    >>> alloc(0.5, 2, 2).eval()
    array([[0.5, 0.5],
           [0.5, 0.5]])
    """
    return broadcast_to(value, shape)
