"""Arithmetic: add, sub, mul, true_div, int_div, mod, pow, neg, with NumPy's dtype rules.

Each op states its forward and gradient math; `impl` is the NumPy ufunc, `expr` one
element of Python source that compiled loops paste in.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tensorlab.errors import TypeMismatchError, error
from tensorlab.scalar.basic import BinaryScalarOp, UnaryScalarOp, is_float, upcast
from tensorlab.scalar.logic import switch
from tensorlab.scalar.math import log


def no_bool(name: str, dtype: str, hint: str) -> str:
    """`dtype`, unless it is bool: NumPy refuses `-` on booleans, and so do we, early."""
    if dtype == "bool":
        raise error(
            TypeMismatchError, f"{name} is not defined for booleans", got="bool inputs", hint=hint
        )
    return dtype


__all__ = [
    "arithmetic_dtype",
    "Add",
    "Sub",
    "Mul",
    "TrueDiv",
    "IntDiv",
    "Mod",
    "Pow",
    "Neg",
    "add",
    "sub",
    "mul",
    "true_div",
    "int_div",
    "mod",
    "pow",
    "neg",
]


def arithmetic_dtype(x: str, y: str) -> str:
    """NumPy's dtype for `//`, `%` and `**`: as `upcast`, but two bools give int8."""
    dtype = upcast(x, y)
    return "int8" if dtype == "bool" else dtype


@dataclass(frozen=True)
class Add(BinaryScalarOp):
    """Sum.

    forward:   add(x, y) = x + y
    gradient:  dx = gout,  dy = gout
    """

    def impl(self, x, y):
        return np.add(x, y)

    def expr(self, x: str, y: str) -> str:
        return f"({x} + {y})"

    def grad(self, inputs, outputs, gouts):
        (gout,) = gouts
        return [gout, gout]


@dataclass(frozen=True)
class Sub(BinaryScalarOp):
    """Difference.

    forward:   sub(x, y) = x - y
    gradient:  dx = gout,  dy = -gout
    """

    def output_dtype(self, x: str, y: str) -> str:
        return no_bool("sub", upcast(x, y), "use xor (^) or logical_xor for booleans")

    def impl(self, x, y):
        return np.subtract(x, y)

    def expr(self, x: str, y: str) -> str:
        return f"({x} - {y})"

    def grad(self, inputs, outputs, gouts):
        (gout,) = gouts
        return [gout, -gout]


@dataclass(frozen=True)
class Mul(BinaryScalarOp):
    """Product.

    forward:   mul(x, y) = x * y
    gradient:  dx = gout * y,  dy = gout * x
    """

    def impl(self, x, y):
        return np.multiply(x, y)

    def expr(self, x: str, y: str) -> str:
        return f"({x} * {y})"

    def grad(self, inputs, outputs, gouts):
        (x, y), (gout,) = inputs, gouts
        return [gout * y, gout * x]


@dataclass(frozen=True)
class TrueDiv(BinaryScalarOp):
    """Quotient; integers divide to float64, as in NumPy.

    forward:   true_div(x, y) = x / y
    gradient:  dx = gout / y,  dy = -gout * x / y**2
    """

    cast_inputs = True

    def output_dtype(self, x: str, y: str) -> str:
        dtype = upcast(x, y)
        return dtype if is_float(dtype) else "float64"

    def impl(self, x, y):
        return np.true_divide(x, y)

    def expr(self, x: str, y: str) -> str:
        return f"({x} / {y})"

    def grad(self, inputs, outputs, gouts):
        (_, y), (out,), (gout,) = inputs, outputs, gouts
        return [gout / y, -gout * out / y]


@dataclass(frozen=True)
class IntDiv(BinaryScalarOp):
    """Floor division, as Python's `//` and NumPy's `floor_divide`.

    forward:   int_div(x, y) = floor(x / y)
    gradient:  none (piecewise constant): zero for both inputs
    """

    def output_dtype(self, x: str, y: str) -> str:
        return arithmetic_dtype(x, y)

    def impl(self, x, y):
        return np.floor_divide(x, y)

    def expr(self, x: str, y: str) -> str:
        return f"({x} // {y})"

    def grad(self, inputs, outputs, gouts):
        return [None, None]


@dataclass(frozen=True)
class Mod(BinaryScalarOp):
    """Remainder with the sign of the divisor, as Python's `%` and NumPy's `mod`.

    forward:   mod(x, y) = x - floor(x / y) * y
    gradient:  dx = gout,  dy = -gout * floor(x / y)
    """

    def output_dtype(self, x: str, y: str) -> str:
        return arithmetic_dtype(x, y)

    def impl(self, x, y):
        return np.mod(x, y)

    def expr(self, x: str, y: str) -> str:
        return f"({x} % {y})"

    def grad(self, inputs, outputs, gouts):
        (x, y), (gout,) = inputs, gouts
        return [gout, -gout * int_div(x, y)]


@dataclass(frozen=True)
class Pow(BinaryScalarOp):
    """Power.

    forward:   pow(x, y) = x ** y
    gradient:  dx = gout * y * x ** (y - 1),  dy = gout * x ** y * log(x)
    """

    def output_dtype(self, x: str, y: str) -> str:
        return arithmetic_dtype(x, y)

    def impl(self, x, y):
        return np.power(x, y)

    def expr(self, x: str, y: str) -> str:
        return f"({x} ** {y})"

    def grad(self, inputs, outputs, gouts):
        (x, y), (out,), (gout,) = inputs, outputs, gouts
        gx = gout * y * x ** (y - 1)
        # log(x) is nan for x <= 0, where x ** y is only defined for integer y: keep the
        # exponent's gradient finite there (it is zero when x == 0 and y > 0).
        gy = gout * out * log(switch(x > 0, x, 1))
        return [gx, gy]


@dataclass(frozen=True)
class Neg(UnaryScalarOp):
    """Negation.

    forward:   neg(x) = -x
    gradient:  dx = -gout
    """

    def output_dtype(self, x: str) -> str:
        return no_bool("neg", x, "use invert (~) or logical_not for booleans")

    def impl(self, x):
        return np.negative(x)

    def expr(self, x: str) -> str:
        return f"(-{x})"

    def grad(self, inputs, outputs, gouts):
        (gout,) = gouts
        return [-gout]


add = Add()
sub = Sub()
mul = Mul()
true_div = TrueDiv()
int_div = IntDiv()
mod = Mod()
pow = Pow()
neg = Neg()
