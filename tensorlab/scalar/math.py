"""Arithmetic, comparison and selection scalar ops: the core of elementwise math.

Each op states its forward and gradient math; `impl` is the NumPy ufunc, `expr` one
element of Python source that compiled loops paste in.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tensorlab.scalar.basic import (
    BinaryScalarOp,
    FloatUnaryScalarOp,
    ScalarOp,
    UnaryScalarOp,
    is_float,
    upcast,
)


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

    def impl(self, x):
        return np.negative(x)

    def expr(self, x: str) -> str:
        return f"(-{x})"

    def grad(self, inputs, outputs, gouts):
        (gout,) = gouts
        return [-gout]


@dataclass(frozen=True)
class Exp(FloatUnaryScalarOp):
    """Exponential.

    forward:   exp(x) = e ** x
    gradient:  dx = gout * exp(x)
    """

    def impl(self, x):
        return np.exp(x)

    def expr(self, x: str) -> str:
        return f"math.exp({x})"

    def grad(self, inputs, outputs, gouts):
        (out,), (gout,) = outputs, gouts
        return [gout * out]


@dataclass(frozen=True)
class Log(FloatUnaryScalarOp):
    """Natural logarithm.

    forward:   log(x) = ln x   (nan for x < 0, -inf at 0)
    gradient:  dx = gout / x
    """

    def impl(self, x):
        return np.log(x)

    def expr(self, x: str) -> str:
        return f"math.log({x})"

    def grad(self, inputs, outputs, gouts):
        (x,), (gout,) = inputs, gouts
        return [gout / x]


@dataclass(frozen=True)
class Sigmoid(FloatUnaryScalarOp):
    """Logistic function.

    forward:   sigmoid(x) = 1 / (1 + exp(-x))
    gradient:  dx = gout * sigmoid(x) * (1 - sigmoid(x))
    """

    def impl(self, x):
        # exp(-x) overflows to inf for x < -709 and 1/inf is the right 0: silence the warning
        with np.errstate(over="ignore"):
            return 1.0 / (1.0 + np.exp(-x))

    def expr(self, x: str) -> str:
        return f"(1.0 / (1.0 + math.exp(-{x})))"

    def grad(self, inputs, outputs, gouts):
        (out,), (gout,) = outputs, gouts
        return [gout * out * (1.0 - out)]  # reuse the forward value, no second exp


class Comparison(BinaryScalarOp):
    """Base of comparisons: boolean output, zero gradient almost everywhere."""

    symbol = ""

    def output_dtype(self, x: str, y: str) -> str:
        return "bool"

    def expr(self, x: str, y: str) -> str:
        return f"({x} {self.symbol} {y})"

    def grad(self, inputs, outputs, gouts):
        return [None, None]


@dataclass(frozen=True)
class Lt(Comparison):
    """forward: lt(x, y) = x < y;  gradient: zero."""

    symbol = "<"

    def impl(self, x, y):
        return np.less(x, y)


@dataclass(frozen=True)
class Gt(Comparison):
    """forward: gt(x, y) = x > y;  gradient: zero."""

    symbol = ">"

    def impl(self, x, y):
        return np.greater(x, y)


@dataclass(frozen=True)
class Le(Comparison):
    """forward: le(x, y) = x <= y;  gradient: zero."""

    symbol = "<="

    def impl(self, x, y):
        return np.less_equal(x, y)


@dataclass(frozen=True)
class Ge(Comparison):
    """forward: ge(x, y) = x >= y;  gradient: zero."""

    symbol = ">="

    def impl(self, x, y):
        return np.greater_equal(x, y)


@dataclass(frozen=True)
class Eq(Comparison):
    """forward: eq(x, y) = x == y;  gradient: zero."""

    symbol = "=="

    def impl(self, x, y):
        return np.equal(x, y)


@dataclass(frozen=True)
class Neq(Comparison):
    """forward: neq(x, y) = x != y;  gradient: zero."""

    symbol = "!="

    def impl(self, x, y):
        return np.not_equal(x, y)


@dataclass(frozen=True)
class Switch(ScalarOp):
    """Select by a condition, as NumPy's `where`.

    forward:   switch(c, a, b) = a if c else b
    gradient:  dc = none (zero),  da = gout where c else 0,  db = gout where not c else 0
    """

    nin = 3

    def output_dtype(self, c: str, a: str, b: str) -> str:
        return upcast(a, b)

    def impl(self, c, a, b):
        return np.where(c, a, b)

    def expr(self, c: str, a: str, b: str) -> str:
        return f"({a} if {c} else {b})"

    def grad(self, inputs, outputs, gouts):
        (c, _, _), (gout,) = inputs, gouts
        zero = 0.0 if is_float(gout.dtype) else 0
        return [None, switch(c, gout, zero), switch(c, zero, gout)]


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


add, sub, mul, true_div, int_div, mod, pow = Add(), Sub(), Mul(), TrueDiv(), IntDiv(), Mod(), Pow()
neg, exp, log, sigmoid = Neg(), Exp(), Log(), Sigmoid()
lt, gt, le, ge, eq, neq = Lt(), Gt(), Le(), Ge(), Eq(), Neq()
switch = Switch()
