"""The float64 flavour: exp, expm1, log, log1p, tanh, sigmoid, softplus and erf.

Every function is straight-line code: arithmetic, comparisons, conditional expressions
(which become `select`s, so a vector lane never branches) and the bit helpers of
`bits.py`. Special inputs (+-inf, nan, +-0, subnormals) go through the same code, with
the argument clamped so that the scaling by 2**k overflows or underflows exactly where
the true result does.

The polynomial coefficients are minimax fits (Remez exchange at 60 digits with mpmath)
of the function named in each comment, on the interval the range reduction leaves, with
the weight named there; the errors quoted are those of the fit, before rounding.
The `max ulp` in each docstring is the largest error measured against NumPy in long double
(64-bit significand) rounded to float64 (libm's erf for erf), over the tests' inputs
(tests/backends/test_mathlib.py asserts it).
"""

from __future__ import annotations

import math

import numpy as np

from tensorlab.backends.numba.mathlib.bits import (
    bits_of,
    copysign64,
    f64_from_bits,
    hidden,
    int64_to_float64,
    jitable,
    ldexp64,
    mul_add,
    pow2_64,
)

__all__ = ["erf", "exp", "expm1", "log", "log1p", "sigmoid", "softplus", "tanh"]

_INV_LN2 = 1.4426950408889634
# ln 2 = _LN2_HI + _LN2_LO, _LN2_HI rounded to a multiple of 2**-32: k * _LN2_HI is exact for
# |k| < 2**21, so x - k * _LN2_HI is too (Sterbenz) and only the tiny k * _LN2_LO rounds.
_LN2_HI = 0.6931471806019545
_LN2_LO = -4.2009150726810846e-11
_SQRT_HALF = 0.7071067811865476
_TINY = 2.2250738585072014e-308  # the smallest normal float64
_TWO54 = 18014398509481984.0


@jitable
def _exp_tail(r):
    """e**r - 1 - r for |r| <= ln(2)/2, as r**2 * P(r).

    P: minimax fit of (e**r - 1 - r) / r**2 on |r| <= 1.0002 * ln(2)/2, relative error
    2**-58.4. The same P serves exp and expm1.
    """
    r2 = r * r
    r4 = r2 * r2
    r8 = r4 * r4
    # Estrin's scheme: a short dependency chain, so that the CPU overlaps loop iterations
    p01 = mul_add(0.1666666666666667, r, 0.5)
    p23 = mul_add(0.008333333333326157, r, 0.041666666666666616)
    p45 = mul_add(0.00019841269874760952, r, 0.0013888888888918002)
    p67 = mul_add(2.7557255463245515e-06, r, 2.4801587245678126e-05)
    p89 = mul_add(2.510519486479209e-08, r, 2.7557349641430144e-07)
    p = mul_add(
        mul_add(2.0889379699951195e-09, r2, p89),
        r8,
        mul_add(mul_add(p67, r2, p45), r4, mul_add(p23, r2, p01)),
    )
    return r2 * p


@jitable
def exp(x):
    """e**x.

    x = k ln2 + r with k = rint(x / ln2), |r| <= ln(2)/2, then e**x = (1 + expm1(r)) * 2**k,
    2**k applied by `ldexp64`, so that results past the float64 range overflow to inf and
    subnormal results round once. max ulp: 1.
    """
    t = 710.0 if x > 710.0 else x  # e**710 overflows, e**-746 underflows: clamp, keep nan
    t = -746.0 if t < -746.0 else t
    k = np.rint(t * _INV_LN2)
    r = hidden(t - k * _LN2_HI, k) - k * _LN2_LO
    one_r = 1.0 + r
    y = one_r + (((1.0 - one_r) + r) + _exp_tail(r))  # 1 + r split exactly (Fast2Sum)
    return ldexp64(y, k)


@jitable
def expm1(x):
    """e**x - 1, accurate near 0.

    With x = k ln2 + r as in `exp`, e**x - 1 = (2**k - 1) + 2**k r + 2**k (e**r - 1 - r).
    2**k - 1 is exact for the k that matter, 2**k r is exact, and their sum is split into
    a rounded part and its exact error (Fast2Sum: |2**k - 1| >= |2**k r| for every k != 0)
    so that only the last addition rounds at the result's scale. The rounding error c of r
    is added back to first order. max ulp: 1.
    """
    t = 710.0 if x > 710.0 else x
    t = -60.0 if t < -60.0 else t  # e**-60 - 1 rounds to -1
    k = np.rint(t * _INV_LN2)
    hi = hidden(t - k * _LN2_HI, k)
    lo = k * _LN2_LO
    r = hi - lo
    c = (hi - r) - lo  # r + c is hi - lo, the reduced argument, to twice the precision
    tail = _exp_tail(r)
    tail = tail + (c + c * (r + tail))  # expm1(r + c) = expm1(r) + c * e**r, to first order
    s = pow2_64(k if k < 1024.0 else 1023.0)
    s_1 = s - 1.0
    sr = s * r
    head = s_1 + sr
    y = head + (((s_1 - head) + sr) + s * tail)
    y = y * 2.0 if k > 1023.0 else y  # only k = 1024 is left: 2**1024 overflows alone
    return x if x == 0.0 else y  # expm1(-0) is -0


@jitable
def _log_reduced(f, k):
    """k ln2 + log(1 + f) for sqrt(1/2) - 1 <= f <= sqrt(2) - 1, a float64 integer k.

    log(1 + f) = 2 atanh(s) with s = f / (2 + f), |s| <= 0.1716; 2 atanh(s) = 2s + s z Q(z)
    with z = s**2 is written f - (f**2/2 - s (f**2/2 + z Q(z))) so that f, exact, carries
    the result and everything rounded is small (the arrangement of fdlibm's e_log.c).
    Q: minimax fit of (2 atanh(s)/s - 2) / z on 0 <= z <= 1.01 * 0.0294, relative error
    2**-50.9 (it reaches the result scaled by z/2 <= 2**-6).
    """
    s = f / (2.0 + f)
    z = s * s
    z2 = z * z
    z4 = z2 * z2
    # Estrin's scheme: a short dependency chain, so that the CPU overlaps loop iterations
    q01 = mul_add(0.3999999999989287, z, 0.666666666666667)
    q23 = mul_add(0.22222210654277144, z, 0.2857142862894985)
    q45 = mul_add(0.15330578505262915, z, 0.18182923810022936)
    q = mul_add(mul_add(0.1463046674180976, z2, q45), z4, mul_add(q23, z2, q01))
    half_f2 = 0.5 * f * f
    return k * _LN2_HI + (f - (half_f2 - (s * (half_f2 + z * q) + k * _LN2_LO)))


@jitable
def _split(u):
    """(m, k) with u = m * 2**k, sqrt(1/2) <= m < sqrt(2) and k a float64 integer, for a
    normal u > 0: the exponent field gives k, the fraction field under the exponent of 0.5
    gives m in [0.5, 1), doubled when below sqrt(1/2).
    """
    bits = bits_of(u)
    m = f64_from_bits((bits & 0x000FFFFFFFFFFFFF) | 0x3FE0000000000000)
    k = int64_to_float64((bits >> 52) & 0x7FF) - 1022.0
    low = m < _SQRT_HALF
    return (m + m if low else m), (k - 1.0 if low else k)


@jitable
def log(x):
    """Natural logarithm.

    x = m * 2**k with sqrt(1/2) <= m < sqrt(2) (subnormal x scaled by 2**54 first), then
    log(x) = k ln2 + log(1 + f) with f = m - 1 exact. max ulp: 1.
    """
    sub = x < _TINY
    m, k = _split(x * _TWO54 if sub else x)
    y = _log_reduced(m - 1.0, k - 54.0 if sub else k)
    y = y if x < math.inf else x  # +inf, and nan
    return y if x > 0.0 else (-math.inf if x == 0.0 else math.nan)


@jitable
def log1p(x):
    """log(1 + x), accurate near 0.

    u = 1 + x rounds; c = (1 + x) - u is exact (Fast2Sum). With u = m * 2**k as in `log`,
    1 + x = (m + c * 2**-k) * 2**k, so log(1 + x) = k ln2 + log(1 + f) with
    f = m - 1 + c * 2**-k. When k = 0 that is x itself, taken as is: near 0 the result
    then owes nothing to the error-free sum, which `reassoc` would fold away. max ulp: 1.
    """
    u = 1.0 + x
    c = x - (u - 1.0) if abs(x) <= 1.0 else 1.0 - (u - x)
    m, k = _split(u)
    f = x if k == 0.0 else (m - 1.0) + c * pow2_64(-k if k < 1022.0 else -1022.0)
    y = _log_reduced(f, k)
    y = y if u < math.inf else u  # +inf, and nan
    y = y if x > -1.0 else (-math.inf if x == -1.0 else math.nan)
    return x if x == 0.0 else y  # log1p(-0) is -0


@jitable
def tanh(x):
    """Hyperbolic tangent.

    With a = |x| and t = expm1(-2a) for a < 1, expm1(2a) otherwise (fdlibm's s_tanh.c):
    tanh(a) = -t / (t + 2) below 1 and 1 - 2 / (t + 2) above, both without cancellation;
    far out the quotient drops below half an ulp of 1 and the result rounds to 1.
    max ulp: 2.
    """
    a = abs(x)
    below = a < 1.0
    t = expm1(-2.0 * a if below else 2.0 * a)
    q = (-t if below else 2.0) / (t + 2.0)
    return copysign64(q if below else 1.0 - q, x)


@jitable
def sigmoid(x):
    """1 / (1 + e**-x), computed as 1 / (1 + e) or e / (1 + e) with e = e**-|x| <= 1, so
    that nothing overflows and the tail towards -inf keeps its digits. max ulp: 2.
    """
    e = exp(-abs(x))
    return (1.0 if x >= 0.0 else e) / (1.0 + e)


@jitable
def softplus(x):
    """log(1 + e**x), computed as max(x, 0) + log1p(e**-|x|), which cannot overflow.
    max ulp: 2.
    """
    return (x if x > 0.0 else 0.0) + log1p(exp(-abs(x)))


@jitable
def erf(x):
    """Error function, 2/sqrt(pi) * integral of e**-t**2 from 0 to x.

    |x| < 1: erf(x) = x + x Q(x**2) with Q = P - 1, P: minimax fit of erf(x)/x as a
    polynomial in x**2 on 0 <= x**2 <= 1, relative error 2**-56.9.
    |x| >= 1: erf(x) = 1 - e**-x**2 G(x), G: minimax fit of erfc(x) e**(x**2) as a
    polynomial in u = (x - 3) / (x + 3) on 1 <= x <= 6, error weighted by e**-x**2 (that
    is, the error of erf itself) 2**-57.1. The rounding of x**2 reaches erf scaled by
    x**2 erfc(x) <= 0.16. Beyond about 5.9, erf rounds to +-1. max ulp: 1.
    """
    a = abs(x)
    z = x * x
    # Horner here: with x**2 up to 1 and alternating signs, Estrin's partial sums would
    # cancel and cost an ulp; the chain is no bottleneck, `far` runs alongside.
    q = -7.779468500673891e-10
    q = mul_add(q, z, 1.3710980410467934e-08)
    q = mul_add(q, z, -1.6206313762925994e-07)
    q = mul_add(q, z, 1.6447131572079016e-06)
    q = mul_add(q, z, -1.4924712302094168e-05)
    q = mul_add(q, z, 0.00012055293576906122)
    q = mul_add(q, z, -0.0008548325929314715)
    q = mul_add(q, z, 0.0052239776061184795)
    q = mul_add(q, z, -0.02686617064311147)
    q = mul_add(q, z, 0.11283791670944185)
    q = mul_add(q, z, -0.3761263890318352)
    q = mul_add(q, z, 0.12837916709551256)
    near = x + x * q
    b = 6.0 if a > 6.0 else a  # keeps nan
    u = (b - 3.0) / (b + 3.0)
    u2 = u * u
    u4 = u2 * u2
    u8 = u4 * u4
    # Estrin's scheme: a short dependency chain, so that the CPU overlaps loop iterations
    g01 = mul_add(-0.3262335600459019, u, 0.17900115118135376)
    g23 = mul_add(-0.1501159363436564, u, 0.24560380166430132)
    g45 = mul_add(-0.024392327871662414, u, 0.07166585013124029)
    g67 = mul_add(0.0007131753457917327, u, 0.004270353823534336)
    g89 = mul_add(7.639410443818415e-05, u, -0.0005810921067522137)
    g1011 = mul_add(1.5203300525989377e-05, u, 0.00010295187253294661)
    g = mul_add(
        mul_add(g1011, u2, g89), u8, mul_add(mul_add(g67, u2, g45), u4, mul_add(g23, u2, g01))
    )
    far = 1.0 - exp(-b * b) * g
    return near if a < 1.0 else copysign64(far, x)
