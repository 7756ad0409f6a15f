"""Piecewise functions: absolute value, sign, relu, rounding, maximum, minimum, clip.

Their gradients are defined everywhere by the subgradient each docstring states.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tensorlab.scalar.basic import (
    BinaryScalarOp,
    ScalarOp,
    UnaryScalarOp,
)
from tensorlab.scalar.logic import and_, eq, or_, switch

__all__ = [
    "Abs",
    "Sgn",
    "Relu",
    "Rounding",
    "Floor",
    "Ceil",
    "RoundHalfToEven",
    "Maximum",
    "Minimum",
    "Clip",
    "abs_",
    "sgn",
    "relu",
    "floor",
    "ceil",
    "round_half_to_even",
    "maximum",
    "minimum",
    "clip",
]

_ROUNDER = "4503599627370496.0"


@dataclass(frozen=True)
class Abs(UnaryScalarOp):
    """Absolute value (Theano's `abs_`).

    forward:   abs(x) = |x|
    gradient:  dx = gout * sgn(x)   (subgradient 0 at x = 0)
    """

    def impl(self, x):
        return np.abs(x)

    def expr(self, x: str) -> str:
        return f"({x} if {x} > 0 else 0 - {x})"  # 0 - x, not -x: abs(-0.0) is 0.0

    def grad(self, inputs, outputs, gouts):
        (x,), (gout,) = inputs, gouts
        return [gout * sgn(x)]


@dataclass(frozen=True)
class Sgn(UnaryScalarOp):
    """Sign, as NumPy's `sign`.

    forward:   sgn(x) = 1 if x > 0, -1 if x < 0, 0 if x == 0   (nan stays nan)
    gradient:  none (piecewise constant): zero
    """

    def impl(self, x):
        return np.sign(x)

    def expr(self, x: str) -> str:
        return f"(1 if {x} > 0 else -1 if {x} < 0 else {x} - {x})"

    def grad(self, inputs, outputs, gouts):
        return [None]


@dataclass(frozen=True)
class Relu(UnaryScalarOp):
    """Rectified linear unit, as NumPy's `maximum(x, 0)`.

    forward:   relu(x) = max(x, 0)
    gradient:  dx = gout where x > 0, else 0   (subgradient 0 at x = 0)
    """

    def output_dtype(self, x: str) -> str:
        return np.result_type(x, 0).name  # the 0 is weak: int8 stays int8, bool gives int64

    def impl(self, x):
        return np.maximum(x, 0)

    def expr(self, x: str) -> str:
        return f"(0 if {x} <= 0 else {x})"  # nan <= 0 is false: nan passes, as in NumPy

    def grad(self, inputs, outputs, gouts):
        (x,), (gout,) = inputs, gouts
        return [switch(x > 0, gout, 0.0)]


class Rounding(UnaryScalarOp):
    """Base of floor, ceil and round: the input's dtype (integers stay integers), zero gradient."""

    def output_dtype(self, x: str) -> str:
        return x

    def grad(self, inputs, outputs, gouts):
        return [None]


@dataclass(frozen=True)
class Floor(Rounding):
    """The largest integer not above x (integers keep their dtype, as in NumPy).

    forward:   floor(x)
    gradient:  none (piecewise constant): zero
    """

    def impl(self, x):
        return np.floor(x)

    def expr(self, x: str) -> str:
        # x // 1 floors floats and keeps integers; inf and nan (x - x != 0) pass through
        return f"({x} // 1 if {x} - {x} == 0 else {x})"


@dataclass(frozen=True)
class Ceil(Rounding):
    """The smallest integer not below x (integers keep their dtype, as in NumPy).

    forward:   ceil(x) = -floor(-x)
    gradient:  none (piecewise constant): zero
    """

    def impl(self, x):
        return np.ceil(x)

    def expr(self, x: str) -> str:
        return f"(-((-{x}) // 1) if {x} - {x} == 0 else {x})"


@dataclass(frozen=True)
class RoundHalfToEven(Rounding):
    """The nearest integer, halves to the even one, as NumPy's `round` and `rint`.

    forward:   round_half_to_even(x): 0.5 -> 0, 1.5 -> 2, 2.5 -> 2, -0.5 -> -0
    gradient:  none (piecewise constant): zero
    """

    def impl(self, x):
        return np.round(x)

    def expr(self, x: str) -> str:
        # Beyond 2**52 every float64 is an integer already. For an integer input the loop
        # computes in float64, exact below 2**53: `T.round` never builds this op for ints.
        return (
            f"(math.copysign((math.fabs({x}) + {_ROUNDER}) - {_ROUNDER}, {x})"
            f" if math.fabs({x}) < {_ROUNDER} else {x})"
        )


@dataclass(frozen=True)
class Maximum(BinaryScalarOp):
    """The larger of two values, as NumPy's `maximum` (nan wins).

    forward:   maximum(x, y) = x if x > y else y
    gradient:  dx = gout where x > y,  dy = gout where y > x;  a tie x == y gives each
               gout / 2 (the average of the one-sided slopes, what central differences see)
    """

    def impl(self, x, y):
        return np.maximum(x, y)

    def expr(self, x: str, y: str) -> str:
        # x != x: a nan x wins; a nan y wins by the comparison failing; a tie gives y
        return f"({x} if {x} > {y} or {x} != {x} else {y})"

    def grad(self, inputs, outputs, gouts):
        (x, y), (gout,) = inputs, gouts
        tie = eq(x, y)
        half = gout * 0.5
        return [
            switch(tie, half, switch(x > y, gout, 0.0)),
            switch(tie, half, switch(y > x, gout, 0.0)),
        ]


@dataclass(frozen=True)
class Minimum(BinaryScalarOp):
    """The smaller of two values, as NumPy's `minimum` (nan wins).

    forward:   minimum(x, y) = x if x < y else y
    gradient:  dx = gout where x < y,  dy = gout where y < x;  a tie x == y gives each
               gout / 2 (the average of the one-sided slopes, what central differences see)
    """

    def impl(self, x, y):
        return np.minimum(x, y)

    def expr(self, x: str, y: str) -> str:
        return f"({x} if {x} < {y} or {x} != {x} else {y})"  # nan wins, as in maximum

    def grad(self, inputs, outputs, gouts):
        (x, y), (gout,) = inputs, gouts
        tie = eq(x, y)
        half = gout * 0.5
        return [
            switch(tie, half, switch(x < y, gout, 0.0)),
            switch(tie, half, switch(y < x, gout, 0.0)),
        ]


@dataclass(frozen=True)
class Clip(ScalarOp):
    """x limited to [lo, hi], as NumPy's `clip`: minimum(maximum(x, lo), hi).

    forward:   clip(x, lo, hi) = lo if x < lo, hi if x > hi, else x   (hi wherever lo > hi)
    gradient:  dx = gout where lo <= x <= hi,  dlo = gout where x < lo,
               dhi = gout where x > hi (or lo > hi): each element's gradient goes to the
               input its value came from
    """

    nin = 3

    def impl(self, x, lo, hi):
        return np.clip(x, lo, hi)

    def expr(self, x: str, lo: str, hi: str) -> str:
        # minimum(maximum(x, lo), hi) unfolded; a nan in any input gives nan, as in NumPy
        return (
            f"({x} if {x} != {x} else ({x} if {x} < {hi} else {hi}) if {x} > {lo}"
            f" else ({lo} if {lo} < {hi} or {lo} != {lo} else {hi}))"
        )

    def grad(self, inputs, outputs, gouts):
        (x, lo, hi), (gout,) = inputs, gouts
        inside = and_(x >= lo, x <= hi)
        below = and_(x < lo, lo <= hi)
        above = or_(x > hi, lo > hi)
        return [switch(inside, gout, 0.0), switch(below, gout, 0.0), switch(above, gout, 0.0)]


abs_ = Abs()
sgn = Sgn()
relu = Relu()
floor = Floor()
ceil = Ceil()
round_half_to_even = RoundHalfToEven()
maximum = Maximum()
minimum = Minimum()
clip = Clip()
