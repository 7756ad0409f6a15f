"""Cases for the elementwise catalogue: math functions, rounding, min/max/clip, tests, bits."""

from __future__ import annotations

import math

import numpy as np

import tensorlab.tensor as T
from tensorlab import scalar as sm
from tensorlab.scalar.basic import upcast_to_float
from tests.cases import Case
from tests.strategies import FLOATS, INTS, NUMERIC, broadcastable_arrays, separated_arrays


def case(
    key,
    build,
    numpy,
    n=1,
    dtypes=FLOATS,
    low=-3.0,
    high=3.0,
    grad=None,
    grad_domain=None,
    avoid=(),
    exact=True,
    name="",
):
    """A case over broadcastable inputs of one dtype; gradients over float64 in `grad_domain`."""
    grad = tuple(range(n)) if grad is None else grad
    grad_low, grad_high = grad_domain or (low, high)
    grad_args = (
        broadcastable_arrays(n, ("float64",), low=grad_low, high=grad_high, avoid=avoid)
        if grad
        else None
    )
    args = broadcastable_arrays(n, dtypes, low=low, high=high)
    return Case(key, build, numpy, args, grad=grad, grad_args=grad_args, exact=exact, name=name)


def on_floats(f):
    """NumPy's `f` after the cast tensorlab makes: int8 -> float32 (NumPy would give float16)."""

    def reference(*arrays):
        dtype = upcast_to_float(*(a.dtype.name for a in arrays))
        return f(*(a.astype(dtype) for a in arrays))

    return reference


def erf_reference(x):
    return np.vectorize(math.erf, otypes=[x.dtype])(x)


def with_specials(arrays):
    """Elements above 2 become inf, below -2.5 -inf, in between -2.5 and -2 nan."""
    return [
        np.where(x > 2.0, np.inf, np.where(x < -2.5, -np.inf, np.where(x < -2.0, np.nan, x)))
        .astype(x.dtype)
        .reshape(x.shape)
        for x in arrays
    ]


def sorted_bounds(arrays):
    """[x, a, b] -> [x, min(a, b), max(a, b)]: a clip's bounds in order."""
    x, a, b = arrays
    return [x, np.minimum(a, b), np.maximum(a, b)]


# Float-valued functions: key, tensor function, NumPy function, forward domain, gradient domain.
FLOAT_FUNCTIONS = [
    (sm.Sqrt, T.sqrt, np.sqrt, (0.0, 5.0), (0.1, 5.0)),
    (sm.Exp2, T.exp2, np.exp2, (-3.0, 3.0), (-3.0, 3.0)),
    (sm.Log2, T.log2, np.log2, (0.0, 5.0), (0.1, 5.0)),
    (sm.Log10, T.log10, np.log10, (0.0, 5.0), (0.1, 5.0)),
    (sm.Log1p, T.log1p, np.log1p, (-1.0, 3.0), (-0.9, 3.0)),
    (sm.Expm1, T.expm1, np.expm1, (-3.0, 3.0), (-3.0, 3.0)),
    (sm.Sin, T.sin, np.sin, (-3.0, 3.0), (-3.0, 3.0)),
    (sm.Cos, T.cos, np.cos, (-3.0, 3.0), (-3.0, 3.0)),
    (sm.Tan, T.tan, np.tan, (-1.5, 1.5), (-1.4, 1.4)),
    (sm.ArcSin, T.arcsin, np.arcsin, (-1.0, 1.0), (-0.9, 0.9)),
    (sm.ArcCos, T.arccos, np.arccos, (-1.0, 1.0), (-0.9, 0.9)),
    (sm.ArcTan, T.arctan, np.arctan, (-3.0, 3.0), (-3.0, 3.0)),
    (sm.Sinh, T.sinh, np.sinh, (-3.0, 3.0), (-3.0, 3.0)),
    (sm.Cosh, T.cosh, np.cosh, (-3.0, 3.0), (-3.0, 3.0)),
    (sm.Tanh, T.tanh, np.tanh, (-3.0, 3.0), (-3.0, 3.0)),
]

FLOAT_CASES = [
    case(key, f, ref, low=low, high=high, grad_domain=grad_domain)
    for key, f, ref, (low, high), grad_domain in FLOAT_FUNCTIONS
] + [
    case(
        key,
        f,
        on_floats(ref),
        dtypes=INTS,
        low=math.ceil(low),
        high=math.floor(high),
        grad=(),
        name=f"{key.__name__}[int]",
    )
    for key, f, ref, (low, high), _ in FLOAT_FUNCTIONS
]

HALVES = [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5]
INTEGERS = [-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0]

CASES = [
    *FLOAT_CASES,
    case(
        sm.ArcTan2,
        T.arctan2,
        np.arctan2,
        n=2,
        avoid=(0.0,),  # both away from 0: the gradient's denominator x**2 + y**2 stays > 0
    ),
    case(
        sm.ArcTan2, T.arctan2, on_floats(np.arctan2), n=2, dtypes=INTS, grad=(), name="ArcTan2[int]"
    ),
    case(sm.Erf, T.erf, erf_reference, exact=False),
    case(
        sm.Erf, T.erf, on_floats(erf_reference), dtypes=INTS, grad=(), exact=False, name="Erf[int]"
    ),
    case(sm.Softplus, T.softplus, lambda x: np.logaddexp(0, x), exact=False),
    case(
        sm.Softplus,
        T.softplus,
        lambda x: np.logaddexp(0, x),
        low=-800.0,
        high=800.0,  # exp(800) overflows: only the stable formula stays finite
        grad=(),
        exact=False,
        name="Softplus[wide]",
    ),
    case(
        sm.Softplus,
        T.softplus,
        on_floats(lambda x: np.logaddexp(0, x)),
        dtypes=INTS,
        grad=(),
        exact=False,
        name="Softplus[int]",
    ),
    case(sm.Abs, abs, np.abs, avoid=(0.0,)),
    case(sm.Abs, abs, np.abs, dtypes=INTS, grad=(), name="Abs[int]"),
    case(sm.Sgn, T.sgn, np.sign, avoid=(0.0,)),
    case(sm.Sgn, T.sgn, np.sign, dtypes=INTS, grad=(), name="Sgn[int]"),
    case(sm.Sqr, T.sqr, np.square),
    case(sm.Sqr, T.sqr, np.square, dtypes=INTS, grad=(), name="Sqr[int]"),
    case(sm.Relu, T.relu, lambda x: np.maximum(x, 0), avoid=(0.0,)),
    case(sm.Relu, T.relu, lambda x: np.maximum(x, 0), dtypes=INTS, grad=(), name="Relu[int]"),
    case(
        sm.Relu,
        lambda x: T.relu(x, alpha=0.1),
        lambda x: np.where(x > 0, x, 0.1 * x),
        avoid=(0.0,),
        name="Relu[leaky]",
    ),
    case(sm.Floor, T.floor, np.floor, avoid=INTEGERS),
    case(sm.Floor, T.floor, np.floor, dtypes=INTS, grad=(), name="Floor[int]"),
    case(sm.Ceil, T.ceil, np.ceil, avoid=INTEGERS),
    case(sm.Ceil, T.ceil, np.ceil, dtypes=INTS, grad=(), name="Ceil[int]"),
    case(sm.RoundHalfToEven, T.round, np.round, avoid=HALVES),
    Case(
        sm.RoundHalfToEven,
        T.round,
        np.round,
        broadcastable_arrays(1, FLOATS, low=-6.0, high=6.0).map(
            lambda xs: [np.round(x * 2) / 2 for x in xs]  # whole and half numbers: the ties
        ),
        name="RoundHalfToEven[halves]",
    ),
    case(sm.RoundHalfToEven, T.round, np.round, dtypes=INTS, grad=(), name="RoundHalfToEven[int]"),
    case(sm.Maximum, T.maximum, np.maximum, n=2, grad=()),
    case(sm.Maximum, T.maximum, np.maximum, n=2, dtypes=INTS, grad=(), name="Maximum[int]"),
    Case(
        sm.Maximum,
        T.maximum,
        np.maximum,
        broadcastable_arrays(2, NUMERIC, same_dtype=False),
        name="Maximum[mixed]",
    ),
    Case(
        sm.Maximum,
        T.maximum,
        np.maximum,
        broadcastable_arrays(2, FLOATS),
        grad=(0, 1),
        grad_args=separated_arrays(2),  # ties are kinks: tested exactly in tests/tensor
        name="Maximum[grad]",
    ),
    case(sm.Minimum, T.minimum, np.minimum, n=2, grad=()),
    case(sm.Minimum, T.minimum, np.minimum, n=2, dtypes=INTS, grad=(), name="Minimum[int]"),
    Case(
        sm.Minimum,
        T.minimum,
        np.minimum,
        broadcastable_arrays(2, FLOATS),
        grad=(0, 1),
        grad_args=separated_arrays(2),
        name="Minimum[grad]",
    ),
    case(sm.Clip, T.clip, np.clip, n=3, grad=()),  # lo > hi happens: every element is hi
    case(sm.Clip, T.clip, np.clip, n=3, dtypes=INTS, grad=(), name="Clip[int]"),
    case(
        sm.Clip,
        lambda x: T.clip(x, -1.0, 1.0),
        lambda x: np.clip(x, -1.0, 1.0),
        avoid=(-1.0, 1.0),
        name="Clip[numbers]",
    ),
    Case(
        sm.Clip,
        T.clip,
        np.clip,
        broadcastable_arrays(3, FLOATS).map(sorted_bounds),
        grad=(0, 1, 2),
        grad_args=separated_arrays(3).map(sorted_bounds),
        name="Clip[grad]",
    ),
    Case(
        sm.IsNan,
        T.isnan,
        np.isnan,
        broadcastable_arrays(1, FLOATS).map(with_specials),
    ),
    case(sm.IsNan, T.isnan, np.isnan, dtypes=INTS, grad=(), name="IsNan[int]"),
    Case(
        sm.IsInf,
        T.isinf,
        np.isinf,
        broadcastable_arrays(1, FLOATS).map(with_specials),
    ),
    case(sm.IsInf, T.isinf, np.isinf, dtypes=INTS, grad=(), name="IsInf[int]"),
    case(sm.And, lambda x, y: x & y, np.bitwise_and, n=2, dtypes=("bool",), grad=()),
    case(
        sm.And, T.and_, np.bitwise_and, n=2, dtypes=INTS, low=-9, high=9, grad=(), name="And[int]"
    ),
    case(sm.Or, lambda x, y: x | y, np.bitwise_or, n=2, dtypes=("bool",), grad=()),
    case(sm.Or, T.or_, np.bitwise_or, n=2, dtypes=INTS, low=-9, high=9, grad=(), name="Or[int]"),
    case(sm.Xor, lambda x, y: x ^ y, np.bitwise_xor, n=2, dtypes=("bool",), grad=()),
    case(sm.Xor, T.xor, np.bitwise_xor, n=2, dtypes=INTS, low=-9, high=9, grad=(), name="Xor[int]"),
    case(sm.Invert, lambda x: ~x, np.invert, dtypes=INTS, low=-9, high=9, grad=()),
    case(sm.Not, lambda x: ~x, np.invert, dtypes=("bool",), grad=()),
    case(sm.Identity, T.identity, np.copy),
    case(sm.Identity, T.identity, np.copy, dtypes=INTS, grad=(), name="Identity[int]"),
]
