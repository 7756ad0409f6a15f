"""Conversions: `cast` to another dtype, and `identity` (a named copy)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tensorlab.scalar.basic import (
    UnaryScalarOp,
    is_float,
)

__all__ = [
    "Cast",
    "Identity",
    "identity",
]


@dataclass(frozen=True)
class Cast(UnaryScalarOp):
    """Conversion to `dtype` (NumPy's `astype`: floats to ints truncate toward zero).

    forward:   cast(x) = dtype(x)
    gradient:  dx = cast(gout, x's dtype) when both are floats, none otherwise
    """

    dtype: str

    def output_dtype(self, x: str) -> str:
        return self.dtype

    def impl(self, x):
        return np.asarray(x).astype(self.dtype)

    def expr(self, x: str) -> str:
        if self.dtype == "bool":
            return f"({x} != 0)"
        return f"np.{self.dtype}({x})"

    def grad(self, inputs, outputs, gouts):
        (x,), (gout,) = inputs, gouts
        if is_float(x.dtype) and is_float(self.dtype):
            return [Cast(x.dtype)(gout)]
        return [None]

    def __str__(self) -> str:
        return f"cast{{{self.dtype}}}"


@dataclass(frozen=True)
class Identity(UnaryScalarOp):
    """A copy of the input.

    forward:   identity(x) = x
    gradient:  dx = gout
    """

    def impl(self, x):
        return np.array(x, copy=True)  # a new array: the output never aliases the input

    def expr(self, x: str) -> str:
        return x

    def grad(self, inputs, outputs, gouts):
        (gout,) = gouts
        return [gout]


identity = Identity()
