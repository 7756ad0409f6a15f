"""mathlib's functions against NumPy, in compiled loops as the Numba backend runs them.

Every function runs inside one `@njit` loop per set of flags, always with
`error_model="numpy"`: the fastmath flags that keep nan and inf ("nsz", "arcp",
"contract", "afn"); no fastmath (where signed zeros are checked too); and those flags
with "reassoc" (allowed 2 ulp more). The reference is NumPy one precision up, rounded:
long double for float64 (where long double has a 64-bit significand), float64 for
float32; for erf, libm's `math.erf` (SciPy's `erf` is itself up to 3 ulp off, e.g. at
-0.9032677023370077). Each flavour's docstring states its `max ulp`; the tests assert it
over an edge-case table, a dense deterministic sample and hypothesis-drawn arrays.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from hypothesis import given
from numba import njit

from tensorlab.backends.numba import mathlib
from tensorlab.backends.numba.mathlib import float32, float64
from tests.strategies import FLOATS, dtypes, whole_range_vectors

NAMES = ("exp", "expm1", "log", "log1p", "tanh", "sigmoid", "softplus", "erf")
FASTMATH = {"nsz", "arcp", "contract", "afn"}
REASSOC_SLACK = 2  # reassoc folds the error-free sums that add the last bits
FLAVOURS = {"float64": float64, "float32": float32}
# Where long double is float64 (macOS on arm64), the reference may itself be 1 ulp off.
SLACK = 0 if np.finfo(np.longdouble).nmant >= 63 else 1


def _documented_max_ulp(dtype: str, name: str) -> int:
    doc = getattr(FLAVOURS[dtype], name).__doc__
    return int(re.search(r"max ulp: (\d+)", doc).group(1))


MAX_ULP = {(d, n): _documented_max_ulp(d, n) + SLACK for d in FLAVOURS for n in NAMES}


def _all_functions(fastmath):
    """One loop computing every function, as generated code calls them: out[k, i] is
    NAMES[k] of x[i]. One kernel, compiled once per dtype, keeps the compile time down.
    """

    @njit(error_model="numpy", fastmath=fastmath)
    def apply_all(x, out):
        for i in range(x.shape[0]):
            v = x[i]
            out[0, i] = mathlib.exp(v)
            out[1, i] = mathlib.expm1(v)
            out[2, i] = mathlib.log(v)
            out[3, i] = mathlib.log1p(v)
            out[4, i] = mathlib.tanh(v)
            out[5, i] = mathlib.sigmoid(v)
            out[6, i] = mathlib.softplus(v)
            out[7, i] = mathlib.erf(v)

    return apply_all


KERNELS = {
    "fastmath": _all_functions(FASTMATH),
    "strict": _all_functions(False),
    "reassoc": _all_functions(FASTMATH | {"reassoc"}),
}


def run(kernel: str, x: np.ndarray) -> np.ndarray:
    out = np.empty((len(NAMES), x.size), dtype=x.dtype)
    KERNELS[kernel](x, out)
    return out


def reference(name: str, x: np.ndarray) -> np.ndarray:
    """NumPy's value one precision up, rounded to x's dtype."""
    with np.errstate(all="ignore"):  # signalling nans among random bits warn when cast
        wide = x.astype(np.longdouble if x.dtype == np.float64 else np.float64)
        if name == "erf":
            value = np.frompyfunc(math.erf, 1, 1)(x.astype(np.float64)).astype(np.float64)
        elif name == "sigmoid":
            value = 1 / (1 + np.exp(-wide))
        elif name == "softplus":
            value = np.logaddexp(wide.dtype.type(0), wide)
        else:
            value = getattr(np, name)(wide)
        return value.astype(x.dtype)


def ulp_distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """How many representable numbers lie between a and b (+0 and -0 count as one number;
    nan against nan is 0, nan against a number is inf; inf is one step past the largest).
    """
    signed = np.int64 if a.dtype == np.float64 else np.int32
    wider = object if signed is np.int64 else np.int64  # the differences overflow `signed`
    bits = [x.view(signed).astype(wider) for x in (a, b)]
    lowest = int(np.iinfo(signed).min)
    ordered = [np.where(i < 0, lowest - i, i) for i in bits]
    distance = np.abs(ordered[0] - ordered[1]).astype(np.float64)
    distance[np.isnan(a) & np.isnan(b)] = 0.0
    distance[np.isnan(a) ^ np.isnan(b)] = np.inf
    return distance


def check(x: np.ndarray, kernel: str) -> None:
    """Every function within its documented ulp of the reference at every x; in strict
    mode, zero results with the reference's sign.
    """
    out = run(kernel, x)
    dtype = x.dtype.name
    for name, got in zip(NAMES, out):
        want = reference(name, x)
        distance = ulp_distance(got, want)
        worst = int(np.argmax(distance))
        bound = MAX_ULP[dtype, name] + (REASSOC_SLACK if kernel == "reassoc" else 0)
        assert distance[worst] <= bound, (
            f"{dtype} {name}({x[worst]!r}) = {got[worst]!r}, want {want[worst]!r}: "
            f"{distance[worst]} ulp > {bound} ({kernel})"
        )
        if kernel == "strict":
            zeros = want == 0
            wrong = np.flatnonzero(zeros & (np.signbit(got) != np.signbit(want)))
            assert wrong.size == 0, f"{dtype} {name}({x[wrong[0]]!r}) = {got[wrong[0]]!r}"


def edge_values(dtype: str) -> np.ndarray:
    """Both signs of 0, subnormals, the smallest normal, values near 0, 1 and the points
    where a function changes regime, its overflow and underflow thresholds (exp's, found
    in the dtype itself) with their neighbours, large magnitudes, +-inf and nan.
    """
    info = np.finfo(dtype)
    kind = info.dtype.type
    sub, tiny, big = info.smallest_subnormal, info.smallest_normal, info.max
    points = [kind(v) for v in (0.0, 2**-60, 2**-28, 1e-8, 1e-5, 0.01, 0.5, 1.0, 2.0, 3.0)]
    points += [sub, sub * 2, tiny - sub, tiny, info.eps, info.eps / 4]
    points += [kind(v) for v in (5.9, 6.0, 9.0, 19.0, 20.0, 22.0, 30.0, 37.0, 40.0, 88.0)]
    points += [kind(v) for v in (100.0, 700.0, 709.0, 745.0, 1e10, 1e30)]
    points.append(big)
    with np.errstate(all="ignore"):
        half_sub = np.log(sub) - np.log(kind(2.0))  # below it, e**x rounds to 0
        thresholds = [
            np.log(big),
            np.log(tiny),
            np.log(sub),
            half_sub,
            kind(1.0),
            np.log(kind(2.0)),
        ]
    for t in thresholds:
        for direction in (kind(np.inf), kind(0)):
            step = t
            for _ in range(3):
                step = np.nextafter(step, direction)
                points.append(step)
        points.append(t)
    values = np.array(points, dtype=dtype)
    values = values[np.isfinite(values)]
    return np.concatenate([values, -values, np.array([np.inf, -np.inf, np.nan], dtype=dtype)])


def dense_sample(dtype: str) -> np.ndarray:
    """A fixed sample: uniform on ranges where the reductions and regimes change, and
    random bit patterns (every exponent alike)."""
    rng = np.random.default_rng(20240601)
    parts = [rng.uniform(-w, w, 20000) for w in (1.0, 8.0, 50.0, 800.0)]
    parts += [rng.uniform(-1.0, 0.0, 10000), rng.standard_normal(10000) * 1e-4]
    width = np.uint64 if dtype == "float64" else np.uint32
    parts.append(rng.integers(0, np.iinfo(width).max, 40000, dtype=width).view(dtype))
    return np.concatenate([p.astype(dtype) for p in parts])


@pytest.mark.parametrize("kernel", ["fastmath", "strict", "reassoc"])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_edge_values(dtype, kernel):
    check(edge_values(dtype), kernel)


@pytest.mark.parametrize("kernel", ["fastmath", "strict", "reassoc"])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_dense_sample(dtype, kernel):
    check(dense_sample(dtype), kernel)


@given(dtypes(FLOATS).flatmap(whole_range_vectors))
def test_whole_range(x):
    check(x, "fastmath")
    check(x, "strict")


@pytest.mark.parametrize("kernel", ["fastmath", "strict", "reassoc"])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_loop_vectorizes(dtype, kernel):
    run(kernel, np.ones(4, dtype=dtype))
    (ir,) = [
        text
        for signature, text in KERNELS[kernel].inspect_llvm().items()
        if signature[0].dtype.name == dtype
    ]
    element = "double" if dtype == "float64" else "float"
    assert re.search(rf"<\d+ x {element}>", ir), "the loop did not vectorize"
    if dtype == "float32":
        assert "double" not in ir, "float32 arithmetic was widened to float64"


def test_special_values_exactly():
    x = np.array([0.0, -0.0, np.inf, -np.inf, np.nan])
    expected = {
        "exp": [1.0, 1.0, np.inf, 0.0, np.nan],
        "expm1": [0.0, -0.0, np.inf, -1.0, np.nan],
        "log": [-np.inf, -np.inf, np.inf, np.nan, np.nan],
        "log1p": [0.0, -0.0, np.inf, np.nan, np.nan],
        "tanh": [0.0, -0.0, 1.0, -1.0, np.nan],
        "sigmoid": [0.5, 0.5, 1.0, 0.0, np.nan],
        "softplus": [math.log(2.0), math.log(2.0), np.inf, 0.0, np.nan],
        "erf": [0.0, -0.0, 1.0, -1.0, np.nan],
    }
    for name, got in zip(NAMES, run("strict", x)):
        want = np.array(expected[name])
        assert ulp_distance(got, want).max() == 0, name
        assert (np.signbit(got) == np.signbit(want))[:4].all(), name  # nan's sign is free


def test_integer_and_python_arguments():
    """An integer argument computes in float64, as math.exp does; from Python, a float32
    argument gives a float32.
    """
    exp_plus_tanh = njit(error_model="numpy")(lambda i: mathlib.exp(i) + mathlib.tanh(i))
    out = run("strict", np.array([3.0]))
    assert exp_plus_tanh(3) == out[0, 0] + out[4, 0]
    assert isinstance(mathlib.erf(np.float32(0.5)), np.float32)
