"""dot, matmul, outer and tensordot against NumPy: values, dtypes, static shapes, gradients
and the errors for lengths that do not fit."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tensorlab as tl
import tensorlab.tensor as T
from tensorlab.errors import AxisError, ShapeError, TypeMismatchError
from tensorlab.gradient import verify_grad
from tensorlab.tensor.linalg import Dot, MatMul, TensorDot
from tensorlab.tensor.type import TensorType
from tests.strategies import (
    FLOATS,
    NUMERIC,
    arrays,
    arrays_for,
    dot_shapes,
    matmul_shapes,
    shapes,
    tensordot_shapes,
)


def symbolic(value: np.ndarray, name: str, static: bool = False):
    return TensorType(value.dtype.name, value.shape if static else (None,) * value.ndim)(name)


def run(fn, a: np.ndarray, b: np.ndarray, static: bool = False):
    """fn of two symbolic inputs shaped like a and b: the output variable and its value."""
    x, y = symbolic(a, "a", static), symbolic(b, "b", static)
    out = fn(x, y)
    return out, tl.function([x, y], out)(a, b)


def assert_same(got: np.ndarray, expected) -> None:
    expected = np.asarray(expected)
    assert (got.dtype, got.shape) == (expected.dtype, expected.shape)
    np.testing.assert_array_equal(got, expected)


@given(values=arrays_for(dot_shapes(), NUMERIC + ("bool",), low=-9, high=9), static=st.booleans())
def test_dot_matches_numpy(values, static):
    out, got = run(T.dot, *values, static=static)
    assert_same(got, np.dot(*values))
    assert all(s in (None, n) for s, n in zip(out.type.shape, got.shape, strict=True))


@given(values=arrays_for(matmul_shapes(), NUMERIC, low=-9, high=9), static=st.booleans())
def test_matmul_matches_numpy(values, static):
    out, got = run(lambda a, b: a @ b, *values, static=static)
    assert_same(got, np.matmul(*values))
    if static:
        assert out.type.shape == got.shape


@given(args=tensordot_shapes(), dtype=st.sampled_from(NUMERIC), data=st.data())
def test_tensordot_matches_numpy(args, dtype, data):
    a_shape, b_shape, axes = args
    a, b = data.draw(arrays(dtype, a_shape, -9, 9)), data.draw(arrays(dtype, b_shape, -9, 9))
    out, got = run(lambda x, y: T.tensordot(x, y, axes), a, b, static=True)
    assert_same(got, np.tensordot(a, b, axes))
    assert out.type.shape == got.shape


@pytest.mark.parametrize(
    ("n", "a_shape", "b_shape"),
    [(0, (2, 3), (4,)), (1, (2, 3, 4), (4, 5)), (2, (2, 3, 4), (3, 4, 5))],
)
def test_tensordot_int_axes(n, a_shape, b_shape):
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=a_shape), rng.normal(size=b_shape)
    _, got = run(lambda x, y: T.tensordot(x, y, n), a, b)
    assert_same(got, np.tensordot(a, b, n))


@given(values=arrays_for(st.sampled_from([((2, 3, 4), (4,)), ((2, 3), (4, 3, 5))]), FLOATS))
def test_dot_of_higher_ranks_is_numpys_to_rounding(values):
    out, got = run(T.dot, *values)
    assert isinstance(out.owner.op, TensorDot)
    expected = np.dot(*values)
    assert (got.dtype, got.shape) == (expected.dtype, expected.shape)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)


@given(values=arrays_for(st.tuples(shapes(0, 2), shapes(0, 2)), NUMERIC))
def test_outer_matches_numpy(values):
    _, got = run(T.outer, *values)
    assert_same(got, np.outer(*values))


def test_integer_matrices_stay_integer():
    A, B = T.imatrix("A"), T.imatrix("B")
    a = np.array([[1, 2], [3, 4]], dtype="int32")
    assert (A @ B).dtype == T.dot(A, B).dtype == "int32"
    assert_same(T.dot(A, B).eval({A: a, B: a}), a @ a)
    assert T.dot(T.bvector(), T.fvector()).dtype == "float32"
    assert T.dot(T.ivector(), T.fvector()).dtype == "float64"


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ((3, 4), (4, None), (3, None)),
        ((None, 4), (4,), (None,)),
        ((4,), (4, 2), (2,)),
        ((None, 1, 3, 4), (5, 4, 2), (None, 5, 3, 2)),
        ((2, None, 3, 4), (1, 4, 2), (2, None, 3, 2)),
        ((3,), (2, 3, 4), (2, 4)),
        ((2, 3, 4), (None,), (2, 3)),
    ],
)
def test_matmul_static_shapes(a, b, expected):
    assert (T.tensor(dtype="float64", shape=a) @ T.tensor(dtype="float64", shape=b)).type.shape == (
        expected
    )


def test_equal_products_build_equal_ops():
    a, b = T.tensor3("a"), T.tensor3("b")
    assert T.tensordot(a, b, 1).owner.op == T.tensordot(a, b, [[-1], [0]]).owner.op
    assert T.tensordot(a, b, 1).owner.op == TensorDot((2,), (0,))
    assert T.dot(T.matrix(), T.vector()).owner.op == Dot()
    assert (T.matrix() @ T.matrix()).owner.op == MatMul()


# -- gradients --------------------------------------------------------------------


@settings(max_examples=15)
@given(values=arrays_for(dot_shapes(), ("float64",)))
def test_dot_gradients(values):
    verify_grad(T.dot, values, rng=0, n_tests=1)


@settings(max_examples=15)
@given(values=arrays_for(matmul_shapes(), ("float64",)))
def test_matmul_gradients_for_every_rank_combination(values):
    verify_grad(T.matmul, values, rng=0, n_tests=1)


@settings(max_examples=15)
@given(args=tensordot_shapes(), data=st.data())
def test_tensordot_gradients(args, data):
    a_shape, b_shape, axes = args
    a, b = data.draw(arrays("float64", a_shape)), data.draw(arrays("float64", b_shape))
    verify_grad(lambda x, y: T.tensordot(x, y, axes), [a, b], rng=0, n_tests=1)


def test_matmul_gradient_sums_over_broadcast_batch_axes():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(1, 2, 3)), rng.normal(size=(4, 3, 5))
    x, y = T.tensor3("x"), T.tensor3("y")
    gx, gy = T.grad((x @ y).sum(), [x, y])
    ones = np.ones((4, 2, 5))
    np.testing.assert_allclose(gx.eval({x: a, y: b}), (ones @ b.transpose(0, 2, 1)).sum(0)[None])
    np.testing.assert_allclose(gy.eval({x: a, y: b}), a.transpose(0, 2, 1) @ ones)
    # a length of 1 known only at run time broadcasts too, and the gradient sums back
    assert gx.eval({x: a, y: b}).shape == (1, 2, 3)


def test_outer_gradient():
    verify_grad(T.outer, [np.array([1.0, -2.0]), np.array([0.5, 3.0, -1.0])], rng=0)


# -- errors -----------------------------------------------------------------------


def test_matmul_mismatch_fails_when_built():
    with pytest.raises(ShapeError) as info:
        T.matrix(shape=(3, 4)) @ T.matrix(shape=(5, 6))
    message = str(info.value)
    assert message.startswith("MatMul cannot multiply the left input by the right input")
    assert "axis 1 of the left input has length 4, axis 0 of the right input has 5" in message
    assert "got:      the left input: float64 (3, 4), the right input: float64 (5, 6)" in message
    assert "built at:" in message and "T.matrix(shape=(3, 4)) @ T.matrix(shape=(5, 6))" in message


def test_matmul_mismatch_names_the_inputs():
    A, B = T.matrix("A", shape=(3, 4)), T.matrix("B", shape=(5, 6))
    with pytest.raises(
        ShapeError, match=r"MatMul cannot multiply A by B: axis 1 of A has length 4"
    ):
        A @ B


def test_matmul_mismatch_fails_at_run_time_with_the_line():
    A, B = T.matrix("A"), T.matrix("B")
    product = A @ B
    f = tl.function([A, B], product)
    with pytest.raises(ShapeError) as info:
        f(np.ones((3, 4)), np.ones((5, 6)))
    message = str(info.value)
    assert "MatMul cannot multiply A by B: axis 1 of A has length 4, axis 0 of B has 5" in message
    assert "got:      A: float64 (3, 4), B: float64 (5, 6)" in message
    assert "built at:" in message and "product = A @ B" in message


def test_matmul_batch_mismatch():
    A, B = T.tensor3("A", shape=(2, 3, 4)), T.tensor3("B", shape=(3, 4, 5))
    with pytest.raises(
        ShapeError, match=r"batch axis 0 of A has length 2, batch axis 0 of B has 3"
    ):
        A @ B
    A, B = T.tensor3("A"), T.tensor3("B")
    f = tl.function([A, B], A @ B)
    with pytest.raises(ShapeError, match=r"batch axis 0 of A has length 2"):
        f(np.ones((2, 3, 4)), np.ones((3, 4, 5)))


def test_dot_mismatch_at_build_and_run_time():
    v, M = T.vector("v", shape=(3,)), T.matrix("M", shape=(4, 2))
    with pytest.raises(ShapeError, match=r"Dot cannot multiply v by M: axis 0 of v has length 3"):
        T.dot(v, M)
    v, M = T.vector("v"), T.matrix("M")
    f = tl.function([v, M], T.dot(M, v))
    with pytest.raises(ShapeError, match=r"axis 1 of M has length 2, axis 0 of v has 3") as info:
        f(np.ones(3), np.ones((4, 2)))
    assert "test_linalg.py" in str(info.value)


def test_tensordot_mismatch_and_bad_axes():
    a, b = T.tensor3("a", shape=(2, 3, 4)), T.matrix("b", shape=(4, 5))
    with pytest.raises(ShapeError, match=r"axis 1 of a has length 3, axis 1 of b has 5"):
        T.tensordot(a, b, ([1, 2], [1, 0]))
    with pytest.raises(AxisError, match=r"tensordot: axes \(3,\) do not fit a 3-d input"):
        T.tensordot(a, b, ([3], [0]))
    with pytest.raises(AxisError, match=r"tensordot cannot sum over 3 axes"):
        T.tensordot(a, b, 3)


def test_matmul_of_a_scalar_is_a_type_error():
    with pytest.raises(TypeMismatchError, match=r"MatMul takes tensors of at least one dimension"):
        T.matmul(T.scalar("s"), T.vector("v"))
