"""The float32 flavour: exp, expm1, log, log1p, tanh, sigmoid, softplus and erf.

The same algorithms as `float64.py`, in float32 arithmetic throughout (eight lanes to an
AVX2 register instead of four), with shorter polynomials fitted the same way. Every
constant is a float32 (`F(...)`): a bare Python float is a float64 to Numba and would
turn the whole computation into float64.

The `max ulp` in each docstring is the largest error measured against NumPy's float64
result rounded to float32 (libm's erf for erf), over the tests' inputs
(tests/backends/test_mathlib.py asserts it).
"""

from __future__ import annotations

import numpy as np

from tensorlab.backends.numba.mathlib.bits import (
    bits_of,
    copysign32,
    f32_from_bits,
    hidden,
    int32_to_float32,
    jitable,
    ldexp32,
    mul_add,
    pow2_32,
)

__all__ = ["erf", "exp", "expm1", "log", "log1p", "sigmoid", "softplus", "tanh"]

F = np.float32
_INF = F(np.inf)
_NAN = F(np.nan)
_INV_LN2 = F(1.4426950408889634)
# ln 2 = _LN2_HI + _LN2_LO, _LN2_HI a multiple of 2**-16: k * _LN2_HI is exact for |k| < 2**8.
_LN2_HI = F(0.693145751953125)
_LN2_LO = F(1.428606765330187e-06)
_SQRT_HALF = F(0.70710677)
_TINY = F(1.1754944e-38)  # the smallest normal float32
_TWO25 = F(33554432.0)


@jitable
def _exp_tail(r):
    """e**r - 1 - r for |r| <= ln(2)/2, as r**2 * P(r).

    P: minimax fit of (e**r - 1 - r) / r**2 on |r| <= 1.0002 * ln(2)/2, relative error
    2**-28.5.
    """
    r2 = r * r
    r4 = r2 * r2
    # Estrin's scheme: a short dependency chain, so that the CPU overlaps loop iterations
    p01 = mul_add(F(0.1666666716337204), r, F(0.5))
    p23 = mul_add(F(0.008333360776305199), r, F(0.04166646674275398))
    p45 = mul_add(F(0.00019857805455103517), r, F(0.0013933615991845727))
    p = mul_add(p45, r4, mul_add(p23, r2, p01))
    return r2 * p


@jitable
def exp(x):
    """e**x: x = k ln2 + r, e**x = (1 + expm1(r)) * 2**k, as float64.exp. max ulp: 1."""
    t = F(89.0) if x > F(89.0) else x  # e**89 overflows, e**-104 underflows
    t = F(-104.0) if t < F(-104.0) else t
    k = np.rint(t * _INV_LN2)
    r = hidden(t - k * _LN2_HI, k) - k * _LN2_LO
    one_r = F(1.0) + r
    y = one_r + (((F(1.0) - one_r) + r) + _exp_tail(r))
    return ldexp32(y, k)


@jitable
def expm1(x):
    """e**x - 1 = (2**k - 1) + 2**k r + 2**k (e**r - 1 - r), as in float64.expm1.
    max ulp: 1.
    """
    t = F(89.0) if x > F(89.0) else x
    t = F(-18.0) if t < F(-18.0) else t  # e**-18 - 1 rounds to -1
    k = np.rint(t * _INV_LN2)
    hi = hidden(t - k * _LN2_HI, k)
    lo = k * _LN2_LO
    r = hi - lo
    c = (hi - r) - lo
    tail = _exp_tail(r)
    tail = tail + (c + c * (r + tail))
    s = pow2_32(k if k < F(128.0) else F(127.0))
    s_1 = s - F(1.0)
    sr = s * r
    head = s_1 + sr
    y = head + (((s_1 - head) + sr) + s * tail)
    y = y * F(2.0) if k > F(127.0) else y
    return x if x == F(0.0) else y


@jitable
def _log_reduced(f, k):
    """k ln2 + log(1 + f) for sqrt(1/2) - 1 <= f <= sqrt(2) - 1, as in float64.

    Q: minimax fit of (2 atanh(s)/s - 2) / s**2 on 0 <= s**2 <= 1.01 * 0.0294, relative
    error 2**-21.7 (it reaches the result scaled by s**2/2 <= 2**-6).
    """
    s = f / (F(2.0) + f)
    z = s * s
    z2 = z * z
    q01 = mul_add(F(0.3998853266239166), z, F(0.6666668653488159))
    q = mul_add(F(0.29590892791748047), z2, q01)
    half_f2 = F(0.5) * f * f
    return k * _LN2_HI + (f - (half_f2 - (s * (half_f2 + z * q) + k * _LN2_LO)))


@jitable
def _split(u):
    """(m, k) with u = m * 2**k, sqrt(1/2) <= m < sqrt(2), for a normal float32 u > 0."""
    bits = bits_of(u)
    m = f32_from_bits((bits & 0x007FFFFF) | 0x3F000000)
    k = int32_to_float32((bits >> 23) & 0xFF) - F(126.0)
    low = m < _SQRT_HALF
    return (m + m if low else m), (k - F(1.0) if low else k)


@jitable
def log(x):
    """Natural logarithm, as float64.log (subnormals scaled by 2**25). max ulp: 1."""
    sub = x < _TINY
    m, k = _split(x * _TWO25 if sub else x)
    y = _log_reduced(m - F(1.0), k - F(25.0) if sub else k)
    y = y if x < _INF else x
    return y if x > F(0.0) else (-_INF if x == F(0.0) else _NAN)


@jitable
def log1p(x):
    """log(1 + x), with the rounding error of 1 + x folded in, as float64.log1p.
    max ulp: 1.
    """
    u = F(1.0) + x
    c = x - (u - F(1.0)) if abs(x) <= F(1.0) else F(1.0) - (u - x)
    m, k = _split(u)
    f = x if k == F(0.0) else (m - F(1.0)) + c * pow2_32(-k if k < F(126.0) else F(-126.0))
    y = _log_reduced(f, k)
    y = y if u < _INF else u
    y = y if x > F(-1.0) else (-_INF if x == F(-1.0) else _NAN)
    return x if x == F(0.0) else y


@jitable
def tanh(x):
    """Hyperbolic tangent through expm1, as float64.tanh. max ulp: 2."""
    a = abs(x)
    below = a < F(1.0)
    t = expm1(F(-2.0) * a if below else F(2.0) * a)
    q = (-t if below else F(2.0)) / (t + F(2.0))
    return copysign32(q if below else F(1.0) - q, x)


@jitable
def sigmoid(x):
    """1 / (1 + e**-x) as 1 / (1 + e) or e / (1 + e), e = e**-|x|. max ulp: 2."""
    e = exp(-abs(x))
    return (F(1.0) if x >= F(0.0) else e) / (F(1.0) + e)


@jitable
def softplus(x):
    """log(1 + e**x) as max(x, 0) + log1p(e**-|x|). max ulp: 2."""
    return (x if x > F(0.0) else F(0.0)) + log1p(exp(-abs(x)))


@jitable
def erf(x):
    """Error function, as float64.erf with shorter fits.

    |x| < 1: x + x Q(x**2), Q fitted with relative error 2**-29.6.
    |x| >= 1: 1 - e**-x**2 G(u), u = (x - 3) / (x + 3), G fitted on 1 <= x <= 4 with
    error 2**-33 in erf; beyond 3.92, erf rounds to +-1. max ulp: 1.
    """
    a = abs(x)
    z = x * x
    # Horner here: with x**2 up to 1 and alternating signs, Estrin's partial sums would
    # cancel and cost an ulp; the chain is no bottleneck, `far` runs alongside.
    q = F(7.853861461626366e-05)
    q = mul_add(q, z, F(-0.0008010193705558777))
    q = mul_add(q, z, F(0.005188327748328447))
    q = mul_add(q, z, F(-0.026853812858462334))
    q = mul_add(q, z, F(0.1128358542919159))
    q = mul_add(q, z, F(-0.3761262595653534))
    q = mul_add(q, z, F(0.12837916612625122))
    near = x + x * q
    b = F(4.0) if a > F(4.0) else a
    u = (b - F(3.0)) / (b + F(3.0))
    u2 = u * u
    u4 = u2 * u2
    # Estrin's scheme: a short dependency chain, so that the CPU overlaps loop iterations
    g01 = mul_add(F(-0.32625505328178406), u, F(0.1790003478527069))
    g23 = mul_add(F(-0.15127775073051453), u, F(0.245382621884346))
    g45 = mul_add(F(-0.029866928234696388), u, F(0.06827181577682495))
    g = mul_add(g45, u4, mul_add(g23, u2, g01))
    far = F(1.0) - exp(-b * b) * g
    return near if a < F(1.0) else copysign32(far, x)
