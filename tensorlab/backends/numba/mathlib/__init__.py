"""Transcendental functions that vectorize inside Numba loops.

The numba wheels come without Intel's SVML, so `math.exp`, `math.log`, `math.tanh`, ...
in an `@njit` loop stay scalar calls into libm that LLVM cannot vectorize. The functions
here are written in plain arithmetic, comparisons, conditional expressions and bit casts
(range reduction, then a polynomial fitted for the reduced range), so a loop calling them
becomes one vectorized loop body:

    from tensorlab.backends.numba import mathlib

    @njit(error_model="numpy")
    def f(x, out):
        for i in range(x.shape[0]):
            out[i] = mathlib.tanh(x[i])

Each name dispatches on its argument's type when Numba compiles the caller: float32 runs
float32 arithmetic (`float32.py`, eight lanes per AVX2 register), float64 and integers
run float64 (`float64.py`). The function body is inlined (LLVM `alwaysinline`) and
compiled with the caller's `fastmath` and `error_model`. This dispatch, resolved at
typing time, costs nothing at run time, and one name per function lets generated code
write `mathlib.exp(x)` whatever the dtype.

What keeps the loop vectorizable: `error_model="numpy"` in the caller (the default
"python" checks every division for zero), no `min`/`max` builtins (conditional
expressions instead), and no rounding by adding and subtracting 2**52 (`reassoc` folds
that away; rounding here is LLVM's `rint`). The functions are exact about inf, nan,
signed zeros and subnormals without `fastmath` and under the flags that keep nan and inf
(`nsz`, `arcp`, `contract`, `afn`; `nsz` lets the compiler drop the sign of a zero
result). `reassoc` costs at most 2 ulp more: it folds the error-free sums that carry the
last bits, while the range reductions hide from it what it must not merge (`bits.py`).

Called from Python, a function compiles itself for the argument's type on first use and
runs the same code.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np
from numba import njit, types
from numba.extending import overload

from tensorlab.backends.numba.mathlib import float32, float64

__all__ = ["erf", "exp", "expm1", "log", "log1p", "sigmoid", "softplus", "tanh"]


def _typed(impl64: Callable, impl32: Callable) -> Callable:
    """Give `stub` (its name, signature and docstring) a body: `impl32` for float32
    arguments, `impl64` for float64, integers and booleans, in Numba code and from Python.
    """

    def decorate(stub: Callable) -> Callable:
        compiled = []  # the Python entry point, compiled on first use

        @functools.wraps(stub)
        def function(x):
            if not compiled:
                compiled.append(njit(error_model="numpy")(lambda v: function(v)))
            y = compiled[0](x)
            return np.float32(y) if isinstance(x, np.float32) else y  # Numba returns a float

        @overload(function, jit_options={"forceinline": True})
        def choose(x):
            if x == types.float32:
                return impl32
            if x == types.float64:
                return impl64
            if isinstance(x, (types.Integer, types.Boolean)):
                return lambda x: impl64(np.float64(x))
            return None

        return function

    return decorate


@_typed(float64.exp, float32.exp)
def exp(x: float) -> float:
    """e**x. Within 1 ulp; inf and 0 beyond the overflow and underflow thresholds.

    >>> exp(1.0), exp(-1000.0), exp(np.float32(1.0))
    (2.718281828459045, 0.0, np.float32(2.7182817))
    """


@_typed(float64.expm1, float32.expm1)
def expm1(x: float) -> float:
    """e**x - 1, accurate for x near 0. Within 1 ulp.

    >>> expm1(1e-10), expm1(-0.0), expm1(-50.0)
    (1.00000000005e-10, -0.0, -1.0)
    """


@_typed(float64.log, float32.log)
def log(x: float) -> float:
    """Natural logarithm: -inf at 0, nan below. Within 1 ulp.

    >>> log(np.e), log(5e-324), log(0.0), log(-1.0)
    (1.0, -744.4400719213812, -inf, nan)
    """


@_typed(float64.log1p, float32.log1p)
def log1p(x: float) -> float:
    """log(1 + x), accurate for x near 0: -inf at -1, nan below. Within 1 ulp.

    >>> log1p(1e-10), log1p(-1.0)
    (9.999999999500001e-11, -inf)
    """


@_typed(float64.tanh, float32.tanh)
def tanh(x: float) -> float:
    """Hyperbolic tangent. Within 2 ulp.

    >>> tanh(0.5), tanh(-30.0), tanh(np.float32(0.5))
    (0.46211715726000974, -1.0, np.float32(0.46211717))
    """


@_typed(float64.sigmoid, float32.sigmoid)
def sigmoid(x: float) -> float:
    """Logistic function 1 / (1 + e**-x), with no overflow for large |x|. Within 2 ulp.

    >>> sigmoid(0.0), sigmoid(-800.0), sigmoid(40.0)
    (0.5, 0.0, 1.0)
    """


@_typed(float64.softplus, float32.softplus)
def softplus(x: float) -> float:
    """log(1 + e**x), with no overflow for large x. Within 2 ulp.

    >>> softplus(0.0), softplus(1000.0), softplus(-40.0)
    (0.6931471805599453, 1000.0, 4.248354255291589e-18)
    """


@_typed(float64.erf, float32.erf)
def erf(x: float) -> float:
    """Error function, 2/sqrt(pi) * integral of e**-t**2 from 0 to x. Within 1 ulp.

    >>> erf(0.5), erf(-2.0), erf(np.inf)
    (0.5204998778130465, -0.9953222650189527, 1.0)
    """
