"""Reductions against NumPy: values, dtypes and keepdims shapes; gradients at zeros and ties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tensorlab as tl
import tensorlab.tensor as T
from tensorlab.errors import AxisError, ShapeError
from tensorlab.gradient import verify_grad
from tensorlab.graph.traversal import toposort
from tensorlab.tensor.reduction import Argmax, Max, Prod
from tensorlab.tensor.shape import Shape
from tensorlab.tensor.type import TensorType
from tests.strategies import NUMERIC, arrays_of, reduction_args, shapes, spaced_arrays

DTYPES = (*NUMERIC, "bool", "uint8")


def compiled(fn, value: np.ndarray, static: bool = False):
    """fn applied to a symbolic input of value's dtype, compiled and run on value."""
    x = TensorType(value.dtype.name, value.shape if static else (None,) * value.ndim)("x")
    out = fn(x)
    return out, tl.function([x], out)(value)


def assert_same(got: np.ndarray, expected) -> None:
    expected = np.asarray(expected)
    assert got.dtype == expected.dtype
    assert got.shape == expected.shape
    np.testing.assert_array_equal(got, expected)


REDUCTIONS = {
    "sum": (T.sum, np.sum),
    "prod": (T.prod, np.prod),
    "mean": (T.mean, np.mean),
    "var": (T.var, np.var),
    "std": (T.std, np.std),
    "max": (T.max, np.max),
    "min": (T.min, np.min),
    "all": (T.all, np.all),
    "any": (T.any, np.any),
}


@pytest.mark.parametrize("name", list(REDUCTIONS))
@settings(max_examples=40)
@given(args=reduction_args(DTYPES), keepdims=st.booleans(), static=st.booleans())
def test_reduction_matches_numpy(name, args, keepdims, static):
    ours, numpys = REDUCTIONS[name]
    value, axis = args
    out, got = compiled(lambda x: ours(x, axis=axis, keepdims=keepdims), value, static)
    assert_same(got, numpys(value, axis=axis, keepdims=keepdims))
    assert out.ndim == got.ndim


@pytest.mark.parametrize("name", ["var", "std"])
@pytest.mark.parametrize("ddof", [1, 2, 0.5])
@pytest.mark.filterwarnings("ignore:Degrees of freedom:RuntimeWarning")
@given(args=reduction_args(("float32", "float64", "int32")), keepdims=st.booleans())
def test_var_and_std_with_ddof_match_numpy(name, ddof, args, keepdims):
    ours, numpys = REDUCTIONS[name]
    value, axis = args
    with np.errstate(all="ignore"):  # ddof >= count divides by 0, as NumPy does
        _, got = compiled(lambda x: ours(x, axis=axis, ddof=ddof, keepdims=keepdims), value)
        assert_same(got, numpys(value, axis=axis, ddof=ddof, keepdims=keepdims))


@pytest.mark.parametrize("name", ["argmax", "argmin"])
@given(
    args=st.tuples(st.sampled_from(DTYPES), shapes(0, 3)).flatmap(
        lambda p: st.tuples(
            arrays_of([0, 1, 1], p[0], p[1]),  # ties: the first index wins, as NumPy
            st.none() | st.integers(-len(p[1]), len(p[1]) - 1) if p[1] else st.none(),
        )
    ),
    keepdims=st.booleans(),
)
def test_argmax_and_argmin_match_numpy(name, args, keepdims):
    value, axis = args
    out, got = compiled(lambda x: getattr(T, name)(x, axis=axis, keepdims=keepdims), value)
    assert out.dtype == "int64"
    assert_same(got, getattr(np, name)(value, axis=axis, keepdims=keepdims))


@pytest.mark.parametrize(
    ("fn", "axis", "expected"),
    [
        (T.sum, 1, (2, 1, 4)),
        (T.prod, (0, 2), (1, None, 1)),
        (T.mean, None, (1, 1, 1)),
        (T.var, -1, (2, None, 1)),
        (T.max, (1, 2), (2, 1, 1)),
        (T.argmin, 0, (1, None, 4)),
        (T.argmax, None, (1, 1, 1)),
        (T.any, 2, (2, None, 1)),
    ],
)
def test_keepdims_static_shape(fn, axis, expected):
    x = T.tensor(dtype="float64", shape=(2, None, 4))
    assert fn(x, axis=axis, keepdims=True).type.shape == expected
    reduced = range(3) if axis is None else [a % 3 for a in np.atleast_1d(axis)]
    kept = tuple(n for i, n in enumerate(expected) if i not in reduced)
    assert fn(x, axis=axis).type.shape == kept


@pytest.mark.parametrize(
    ("dtype", "expected"),
    [("int8", "float64"), ("bool", "float64"), ("float32", "float32"), ("float16", "float16")],
)
def test_mean_dtype_is_numpys(dtype, expected):
    x = T.tensor(dtype=dtype, shape=(None, 3))
    assert T.mean(x).dtype == T.var(x).dtype == expected
    value = np.arange(6).reshape(2, 3).astype(dtype)
    assert_same(T.mean(x, axis=0).eval({x: value}), np.mean(value, axis=0))


def test_mean_counts_from_the_runtime_shape():
    x = T.matrix("x")
    ops = {type(node.op) for node in toposort([T.mean(x, axis=1)])}
    assert Shape in ops  # n is read when the graph runs
    fixed = T.matrix("y", shape=(None, 4))
    ops = {type(node.op) for node in toposort([T.mean(fixed, axis=1)])}
    assert Shape not in ops  # the reduced length is known: n is a constant


def test_equal_reductions_build_equal_ops():
    x = T.tensor3("x")
    assert T.max(x, axis=-1).owner.op == T.max(x, axis=[2]).owner.op == Max((2,))
    assert T.prod(x, axis=(2, 0)).owner.op == Prod((0, 2))
    assert T.prod(T.bvector(), dtype="int64").owner.op == Prod((0,))
    v = T.vector("v")
    assert T.argmax(v).owner.op == T.argmax(v, axis=0).owner.op == Argmax((0,))


def test_theano_spellings_exist():
    x = T.matrix("x")
    value = np.array([[1.0, 5.0], [7.0, 2.0]])
    assert_same(x.max(axis=1).eval({x: value}), [5.0, 7.0])
    assert_same(x.argmax(axis=1).eval({x: value}), [1, 0])
    assert_same(x.mean().eval({x: value}), 3.75)
    assert_same(x.std(axis=0).eval({x: value}), np.std(value, axis=0))
    assert_same(T.min(x, 0).eval({x: value}), [1.0, 2.0])


# -- gradients --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ([2.0, 3.0, 4.0], [12.0, 8.0, 6.0]),
        ([2.0, 0.0, 4.0], [0.0, 8.0, 0.0]),  # one zero: only it gets the others' product
        ([0.0, 3.0, 0.0], [0.0, 0.0, 0.0]),  # two zeros: nothing changes the product
        ([0.0, 0.0, 0.0], [0.0, 0.0, 0.0]),
        ([0.0], [1.0]),
        ([-0.0, 5.0], [5.0, 0.0]),
    ],
)
def test_prod_gradient_with_zeros_is_exact(value, expected):
    x = T.vector("x")
    assert_same(T.grad(T.prod(x), x).eval({x: value}), np.array(expected))


def test_prod_gradient_per_slice():
    x = T.matrix("x")
    weights = np.array([1.0, 10.0, 100.0])
    g = T.grad((T.prod(x, axis=1) * weights).sum(), x)
    value = np.array([[0.0, 2.0, 3.0], [1.0, 2.0, 3.0], [0.0, 2.0, 0.0]])
    assert_same(g.eval({x: value}), [[6.0, 0.0, 0.0], [60.0, 30.0, 20.0], [0.0, 0.0, 0.0]])


@settings(max_examples=10)
@given(value=shapes(1, 3).flatmap(lambda s: arrays_of([0.0, 0.0, -1.5, 0.5, 2.0], "float64", s)))
def test_prod_gradient_matches_finite_differences_at_zeros(value):
    # prod is multilinear: central differences are exact, at zeros too
    verify_grad(lambda x: T.prod(x, axis=0), [value], rng=0, n_tests=1)


@pytest.mark.parametrize(
    ("fn", "value", "expected"),
    [
        (T.max, [1.0, 3.0, 3.0], [0.0, 0.5, 0.5]),
        (T.max, [4.0, 4.0, 4.0, 4.0], [0.25, 0.25, 0.25, 0.25]),
        (T.min, [1.0, 1.0, 1.0, 3.0], [1 / 3, 1 / 3, 1 / 3, 0.0]),
        (T.max, [1.0, np.nan, 3.0], [0.0, 0.0, 0.0]),  # a nan maximum has no winner
    ],
)
def test_max_and_min_share_the_gradient_among_ties(fn, value, expected):
    x = T.vector("x")
    assert_same(T.grad(fn(x), x).eval({x: value}), np.array(expected))


def test_max_gradient_ties_per_row_in_float32():
    x = T.fmatrix("x")
    g = T.grad(T.max(x, axis=1).sum(), x)
    value = np.array([[2.0, 2.0, 1.0], [0.0, -1.0, -2.0]], dtype="float32")
    assert_same(g.eval({x: value}), np.array([[0.5, 0.5, 0.0], [1.0, 0.0, 0.0]], "float32"))


@settings(max_examples=10)
@given(value=shapes(1, 3).flatmap(lambda s: spaced_arrays("float64", s)), axis=st.integers(0, 2))
def test_max_and_min_gradients_away_from_ties(value, axis):
    axis = axis % value.ndim
    verify_grad(lambda x: T.max(x, axis=axis), [value], rng=0, n_tests=1)
    verify_grad(lambda x: T.min(x, axis=axis, keepdims=True), [value], rng=0, n_tests=1)


@settings(max_examples=10)
@given(args=reduction_args(("float64",)), ddof=st.sampled_from([0, 1]))
def test_mean_var_std_gradients(args, ddof):
    value, axis = args
    count = np.asarray(value).size // max(np.mean(value, axis=axis).size, 1)
    verify_grad(lambda x: T.mean(x, axis=axis), [value], rng=0, n_tests=1)
    if count > ddof:
        verify_grad(lambda x: T.var(x, axis=axis, ddof=ddof), [value], rng=0, n_tests=1)
    if count > 1 and np.all(np.var(value, axis=axis) > 1e-3):
        verify_grad(lambda x: T.std(x, axis=axis, ddof=ddof), [value], rng=0, n_tests=1)


def test_index_and_truth_reductions_have_zero_gradients():
    x = T.matrix("x")
    for index in (T.argmax(x, axis=1), T.argmin(x), T.all(x, axis=0), T.any(x)):
        cost = x.sum() + T.cast(index, "float64").sum()
        assert_same(T.grad(cost, x).eval({x: [[1.0, 2.0]]}), [[1.0, 1.0]])
        assert index.owner.op.grad([x], [index], [None]) == [None]


# -- errors -----------------------------------------------------------------------


def test_axis_out_of_range_names_the_function_and_input():
    x = T.matrix("x")
    with pytest.raises(AxisError, match=r"max: axis 2 is out of range for a 2-d input") as info:
        T.max(x, axis=2)
    assert "x: float64 (None, None)" in str(info.value)
    with pytest.raises(AxisError, match=r"mean: repeated axis in \(0, -2\)"):
        T.mean(x, axis=(0, -2))


def test_argmax_takes_one_axis_or_none():
    x = T.tensor3("x")
    with pytest.raises(AxisError, match=r"argmax takes one axis, or None") as info:
        T.argmax(x, axis=(0, 1))
    assert "test_reduction.py" in str(info.value)  # the user's line


def test_max_of_a_static_empty_axis_fails_when_built():
    x = T.matrix("x", shape=(0, 3))
    with pytest.raises(ShapeError, match=r"Max\{axis=\(0,\)\} has no value: axis 0") as info:
        T.max(x, axis=0)
    assert "built at:" in str(info.value) and "test_reduction.py" in str(info.value)
    assert T.max(x, axis=1).type.shape == (0,)  # no empty slice: fine, as NumPy


def test_max_of_an_empty_axis_fails_at_run_time_with_the_line():
    x = T.matrix("x")
    f = tl.function([x], T.argmin(x, axis=0))
    with pytest.raises(ShapeError, match=r"Argmin\{axis=\(0,\)\} has no value") as info:
        f(np.zeros((0, 3)))
    message = str(info.value)
    assert "x: float64 (0, 3)" in message
    assert "built at:" in message and "T.argmin(x, axis=0)" in message
