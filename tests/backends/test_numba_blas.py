"""`blas.dot` gives `np.dot`'s result for every layout, shape and float dtype it accepts."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numba import njit

import tensorlab as tl
import tensorlab.tensor as T
from tensorlab.backends.numba.blas import dot


@njit
def product(a, b):
    return dot(a, b)


def laid_out(x: np.ndarray, layout: str) -> np.ndarray:
    """`x` as a C-ordered, F-ordered or strided (neither) array with the same values."""
    if layout == "C":
        return np.ascontiguousarray(x)
    if layout == "F":
        return np.asfortranarray(x)
    wide = np.repeat(x, 2, axis=x.ndim - 1)
    return wide[..., ::2]


lengths = st.sampled_from([0, 1, 2, 5])
layouts = st.sampled_from(["C", "F", "strided"])


@settings(deadline=None, max_examples=60)
@given(
    m=lengths,
    k=lengths,
    n=lengths,
    ranks=st.sampled_from([(2, 2), (2, 1), (1, 2), (1, 1)]),
    dtype=st.sampled_from([np.float32, np.float64]),
    a_layout=layouts,
    b_layout=layouts,
)
def test_dot_equals_numpy(m, k, n, ranks, dtype, a_layout, b_layout):
    rng = np.random.default_rng(m * 100 + k * 10 + n)
    a = rng.standard_normal((m, k) if ranks[0] == 2 else (k,)).astype(dtype)
    b = rng.standard_normal((k, n) if ranks[1] == 2 else (k,)).astype(dtype)
    got = product(laid_out(a, a_layout), laid_out(b, b_layout))
    want = np.dot(a, b)
    if ranks == (1, 1):  # Numba hands a float32 number back to Python as a float
        got = want.dtype.type(got)
    assert np.asarray(got).dtype == want.dtype
    assert np.shape(got) == want.shape
    if want.ndim:
        assert got.flags.c_contiguous
    tolerance = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(got, want, rtol=tolerance, atol=tolerance)


def test_transposed_operands_give_numpys_products():  # F-ordered: BLAS transpose flags
    a = np.arange(12.0).reshape(3, 4)

    @njit
    def gram(a):
        return dot(a.T, a), dot(a, a.T)

    left, right = gram(a)
    np.testing.assert_array_equal(left, a.T @ a)
    np.testing.assert_array_equal(right, a @ a.T)


def test_empty_sum_is_zeros_not_garbage():
    got = product(np.empty((3, 0)), np.empty((0, 4)))
    np.testing.assert_array_equal(got, np.zeros((3, 4)))


def test_different_summed_lengths_are_refused():
    with pytest.raises(ValueError, match=r"dot: the summed lengths differ \(2-d by 1-d\)"):
        product(np.ones((2, 3)), np.ones(2))


def test_graph_products_call_it():
    x, w = T.fmatrix("x"), T.fmatrix("w")
    f = tl.function([x, w], [T.dot(x, w), T.dot(x.T, x)], mode="numba")
    assert "from tensorlab.backends.numba.blas import dot" in f.source
    assert "np.dot" not in f.source
    xv = np.arange(6, dtype=np.float32).reshape(2, 3)
    wv = np.ones((3, 2), dtype=np.float32)
    got = f(xv, wv)
    np.testing.assert_array_equal(got[0], xv @ wv)
    np.testing.assert_array_equal(got[1], xv.T @ xv)
