"""The elementwise math functions: roots, logarithms, exponentials, trigonometry,
erf, sigmoid and softplus.

Each op states its forward and gradient math; `impl` is the NumPy ufunc, `expr` one
element of Python source that compiled loops paste in.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tensorlab.scalar.basic import (
    BinaryScalarOp,
    FloatUnaryScalarOp,
    UnaryScalarOp,
    upcast_to_float,
)

__all__ = [
    "Exp",
    "Log",
    "Sigmoid",
    "Sqr",
    "Sqrt",
    "Exp2",
    "Log2",
    "Log10",
    "Log1p",
    "Expm1",
    "Sin",
    "Cos",
    "Tan",
    "ArcSin",
    "ArcCos",
    "ArcTan",
    "ArcTan2",
    "Sinh",
    "Cosh",
    "Tanh",
    "Erf",
    "Softplus",
    "exp",
    "log",
    "sigmoid",
    "sqr",
    "sqrt",
    "exp2",
    "log2",
    "log10",
    "log1p",
    "expm1",
    "sin",
    "cos",
    "tan",
    "arcsin",
    "arccos",
    "arctan",
    "arctan2",
    "sinh",
    "cosh",
    "tanh",
    "erf",
    "softplus",
]

_LN2 = 0.6931471805599453
_LN10 = 2.302585092994046
_TWO_OVER_SQRT_PI = 1.1283791670955126


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


@dataclass(frozen=True)
class Sqr(UnaryScalarOp):
    """Square, as NumPy's `square` (integers stay integers).

    forward:   sqr(x) = x * x
    gradient:  dx = gout * 2 * x
    """

    def output_dtype(self, x: str) -> str:
        return "int8" if x == "bool" else x  # NumPy squares bools into int8

    def impl(self, x):
        return np.square(x)

    def expr(self, x: str) -> str:
        return f"({x} * {x})"

    def grad(self, inputs, outputs, gouts):
        (x,), (gout,) = inputs, gouts
        return [gout * 2.0 * x]


@dataclass(frozen=True)
class Sqrt(FloatUnaryScalarOp):
    """Square root.

    forward:   sqrt(x) = x ** 0.5   (nan for x < 0)
    gradient:  dx = gout / (2 * sqrt(x))   (inf at x = 0, as the math says)
    """

    def impl(self, x):
        return np.sqrt(x)

    def expr(self, x: str) -> str:
        return f"math.sqrt({x})"

    def grad(self, inputs, outputs, gouts):
        (out,), (gout,) = outputs, gouts
        return [gout * 0.5 / out]


@dataclass(frozen=True)
class Exp2(FloatUnaryScalarOp):
    """Power of two.

    forward:   exp2(x) = 2 ** x
    gradient:  dx = gout * 2 ** x * ln 2
    """

    def impl(self, x):
        return np.exp2(x)

    def expr(self, x: str) -> str:
        return f"(2.0 ** {x})"

    def grad(self, inputs, outputs, gouts):
        (out,), (gout,) = outputs, gouts
        return [gout * out * _LN2]


@dataclass(frozen=True)
class Log2(FloatUnaryScalarOp):
    """Logarithm to base 2.

    forward:   log2(x) = ln x / ln 2
    gradient:  dx = gout / (x * ln 2)
    """

    def impl(self, x):
        return np.log2(x)

    def expr(self, x: str) -> str:
        return f"math.log2({x})"

    def grad(self, inputs, outputs, gouts):
        (x,), (gout,) = inputs, gouts
        return [gout / (x * _LN2)]


@dataclass(frozen=True)
class Log10(FloatUnaryScalarOp):
    """Logarithm to base 10.

    forward:   log10(x) = ln x / ln 10
    gradient:  dx = gout / (x * ln 10)
    """

    def impl(self, x):
        return np.log10(x)

    def expr(self, x: str) -> str:
        return f"math.log10({x})"

    def grad(self, inputs, outputs, gouts):
        (x,), (gout,) = inputs, gouts
        return [gout / (x * _LN10)]


@dataclass(frozen=True)
class Log1p(FloatUnaryScalarOp):
    """ln(1 + x), accurate for x near 0.

    forward:   log1p(x) = ln(1 + x)
    gradient:  dx = gout / (1 + x)
    """

    def impl(self, x):
        return np.log1p(x)

    def expr(self, x: str) -> str:
        return f"math.log1p({x})"

    def grad(self, inputs, outputs, gouts):
        (x,), (gout,) = inputs, gouts
        return [gout / (x + 1.0)]


@dataclass(frozen=True)
class Expm1(FloatUnaryScalarOp):
    """exp(x) - 1, accurate for x near 0.

    forward:   expm1(x) = e ** x - 1
    gradient:  dx = gout * e ** x = gout * (expm1(x) + 1)
    """

    def impl(self, x):
        return np.expm1(x)

    def expr(self, x: str) -> str:
        return f"math.expm1({x})"

    def grad(self, inputs, outputs, gouts):
        (out,), (gout,) = outputs, gouts
        return [gout * (out + 1.0)]


@dataclass(frozen=True)
class Sin(FloatUnaryScalarOp):
    """Sine (x in radians).

    forward:   sin(x)
    gradient:  dx = gout * cos(x)
    """

    def impl(self, x):
        return np.sin(x)

    def expr(self, x: str) -> str:
        return f"math.sin({x})"

    def grad(self, inputs, outputs, gouts):
        (x,), (gout,) = inputs, gouts
        return [gout * cos(x)]


@dataclass(frozen=True)
class Cos(FloatUnaryScalarOp):
    """Cosine (x in radians).

    forward:   cos(x)
    gradient:  dx = -gout * sin(x)
    """

    def impl(self, x):
        return np.cos(x)

    def expr(self, x: str) -> str:
        return f"math.cos({x})"

    def grad(self, inputs, outputs, gouts):
        (x,), (gout,) = inputs, gouts
        return [-gout * sin(x)]


@dataclass(frozen=True)
class Tan(FloatUnaryScalarOp):
    """Tangent (x in radians).

    forward:   tan(x) = sin(x) / cos(x)
    gradient:  dx = gout * (1 + tan(x) ** 2)
    """

    def impl(self, x):
        return np.tan(x)

    def expr(self, x: str) -> str:
        return f"math.tan({x})"

    def grad(self, inputs, outputs, gouts):
        (out,), (gout,) = outputs, gouts
        return [gout * (1.0 + out * out)]


@dataclass(frozen=True)
class ArcSin(FloatUnaryScalarOp):
    """Inverse sine.

    forward:   arcsin(x) = the angle in [-pi/2, pi/2] whose sine is x   (nan for |x| > 1)
    gradient:  dx = gout / sqrt(1 - x ** 2)
    """

    name = "arcsin"

    def impl(self, x):
        return np.arcsin(x)

    def expr(self, x: str) -> str:
        return f"math.asin({x})"

    def grad(self, inputs, outputs, gouts):
        (x,), (gout,) = inputs, gouts
        return [gout / sqrt(1.0 - x * x)]


@dataclass(frozen=True)
class ArcCos(FloatUnaryScalarOp):
    """Inverse cosine.

    forward:   arccos(x) = the angle in [0, pi] whose cosine is x   (nan for |x| > 1)
    gradient:  dx = -gout / sqrt(1 - x ** 2)
    """

    name = "arccos"

    def impl(self, x):
        return np.arccos(x)

    def expr(self, x: str) -> str:
        return f"math.acos({x})"

    def grad(self, inputs, outputs, gouts):
        (x,), (gout,) = inputs, gouts
        return [-gout / sqrt(1.0 - x * x)]


@dataclass(frozen=True)
class ArcTan(FloatUnaryScalarOp):
    """Inverse tangent.

    forward:   arctan(x) = the angle in (-pi/2, pi/2) whose tangent is x
    gradient:  dx = gout / (1 + x ** 2)
    """

    name = "arctan"

    def impl(self, x):
        return np.arctan(x)

    def expr(self, x: str) -> str:
        return f"math.atan({x})"

    def grad(self, inputs, outputs, gouts):
        (x,), (gout,) = inputs, gouts
        return [gout / (1.0 + x * x)]


@dataclass(frozen=True)
class ArcTan2(BinaryScalarOp):
    """The angle of the point (x, y), as NumPy's `arctan2(y, x)`: arctan(y / x) in the right quadrant.

    forward:   arctan2(y, x) in [-pi, pi]
    gradient:  dy = gout * x / (x ** 2 + y ** 2),  dx = -gout * y / (x ** 2 + y ** 2)
    """

    name = "arctan2"
    cast_inputs = True

    def output_dtype(self, y: str, x: str) -> str:
        return upcast_to_float(y, x)

    def impl(self, y, x):
        return np.arctan2(y, x)

    def expr(self, y: str, x: str) -> str:
        return f"math.atan2({y}, {x})"

    def grad(self, inputs, outputs, gouts):
        (y, x), (gout,) = inputs, gouts
        scale = gout / (x * x + y * y)
        return [scale * x, -scale * y]


@dataclass(frozen=True)
class Sinh(FloatUnaryScalarOp):
    """Hyperbolic sine.

    forward:   sinh(x) = (e ** x - e ** -x) / 2
    gradient:  dx = gout * cosh(x)
    """

    def impl(self, x):
        return np.sinh(x)

    def expr(self, x: str) -> str:
        return f"math.sinh({x})"

    def grad(self, inputs, outputs, gouts):
        (x,), (gout,) = inputs, gouts
        return [gout * cosh(x)]


@dataclass(frozen=True)
class Cosh(FloatUnaryScalarOp):
    """Hyperbolic cosine.

    forward:   cosh(x) = (e ** x + e ** -x) / 2
    gradient:  dx = gout * sinh(x)
    """

    def impl(self, x):
        return np.cosh(x)

    def expr(self, x: str) -> str:
        return f"math.cosh({x})"

    def grad(self, inputs, outputs, gouts):
        (x,), (gout,) = inputs, gouts
        return [gout * sinh(x)]


@dataclass(frozen=True)
class Tanh(FloatUnaryScalarOp):
    """Hyperbolic tangent.

    forward:   tanh(x) = (e ** x - e ** -x) / (e ** x + e ** -x)
    gradient:  dx = gout * (1 - tanh(x) ** 2)
    """

    def impl(self, x):
        return np.tanh(x)

    def expr(self, x: str) -> str:
        return f"math.tanh({x})"

    def grad(self, inputs, outputs, gouts):
        (out,), (gout,) = outputs, gouts
        return [gout * (1.0 - out * out)]  # reuse the forward value


@dataclass(frozen=True)
class Erf(FloatUnaryScalarOp):
    """Error function.

    forward:   erf(x) = 2 / sqrt(pi) * integral from 0 to x of exp(-t ** 2) dt
    gradient:  dx = gout * 2 / sqrt(pi) * exp(-x ** 2)
    """

    def impl(self, x):
        from scipy.special import erf  # NumPy has no erf ufunc

        return erf(x)

    def expr(self, x: str) -> str:
        return f"math.erf({x})"

    def grad(self, inputs, outputs, gouts):
        (x,), (gout,) = inputs, gouts
        return [gout * _TWO_OVER_SQRT_PI * exp(-(x * x))]


@dataclass(frozen=True)
class Softplus(FloatUnaryScalarOp):
    """Smooth relu, computed without overflow: exp is only taken of -|x|.

    forward:   softplus(x) = log(1 + exp(x)) = max(x, 0) + log1p(exp(-|x|))
    gradient:  dx = gout * sigmoid(x)
    """

    def impl(self, x):
        return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))

    def expr(self, x: str) -> str:
        return f"({x} + math.log1p(math.exp(-{x})) if {x} > 0 else math.log1p(math.exp({x})))"

    def grad(self, inputs, outputs, gouts):
        (x,), (gout,) = inputs, gouts
        return [gout * sigmoid(x)]


exp = Exp()
log = Log()
sigmoid = Sigmoid()
sqr = Sqr()
sqrt = Sqrt()
exp2 = Exp2()
log2 = Log2()
log10 = Log10()
log1p = Log1p()
expm1 = Expm1()
sin = Sin()
cos = Cos()
tan = Tan()
arcsin = ArcSin()
arccos = ArcCos()
arctan = ArcTan()
arctan2 = ArcTan2()
sinh = Sinh()
cosh = Cosh()
tanh = Tanh()
erf = Erf()
softplus = Softplus()
