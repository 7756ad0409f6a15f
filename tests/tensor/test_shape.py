"""Shape ops against NumPy: reshape, flatten, stack/concatenate, arange, fills, axes; errors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tensorlab as tl
import tensorlab.tensor as T
from tensorlab.errors import AxisError, RuntimeOpError, ShapeError, TypeMismatchError
from tensorlab.gradient import verify_grad
from tensorlab.tensor.shape import static_lengths
from tests.strategies import arrays, dtypes, joinable_shapes, reshape_targets, shapes


def tensor(name: str, dtype: str, shape: tuple):
    return T.tensor(name=name, dtype=dtype, shape=shape)


@given(st.data())
def test_reshape_matches_numpy(data):
    shape = data.draw(shapes(0, 3))
    value = data.draw(arrays("float64", shape))
    target = data.draw(reshape_targets(shape))
    expected = value.reshape(target)
    x = tensor("x", "float64", (None,) * len(shape))
    np.testing.assert_array_equal(T.reshape(x, target).eval({x: value}), expected)
    assert T.reshape(tensor("x", "float64", shape), target).type.shape == expected.shape
    like = tensor("like", "float64", (None,) * len(target))
    by_vector = T.reshape(x, like.shape)
    assert by_vector.type.shape == (None,) * len(target)
    f = tl.function([x, like], by_vector)
    np.testing.assert_array_equal(f(value, np.zeros(expected.shape)), expected)


@given(st.data())
def test_flatten_matches_numpy(data):
    shape = data.draw(shapes(1, 4))
    value = data.draw(arrays("int8", shape))
    ndim = data.draw(st.integers(1, len(shape)))
    expected = value.reshape((*shape[: ndim - 1], -1))
    x = tensor("x", "int8", (None, *shape[1:]))
    out = T.flatten(x, ndim)
    np.testing.assert_array_equal(out.eval({x: value}), expected)
    assert out.type.shape == (None, *expected.shape[1:]) if ndim > 1 else (None,)


def test_reshape_shapes_from_symbols():
    x = tensor("x", "float64", (None, 3, 4))
    n = T.lscalar("n")
    assert T.reshape(x, (x.shape[0], -1)).type.shape == (None, 12)
    assert T.reshape(x, (-1, x.shape[1], 2, 2)).type.shape == (None, 3, 2, 2)
    assert T.reshape(x, (n, 12)).type.shape == (None, 12)
    assert T.reshape(x, x.shape[::-1]).type.shape == (4, 3, None)
    assert x.reshape(2, -1).type.shape == (2, None)
    assert T.reshape(tensor("y", "float64", (2, 6)), (3, -1)).type.shape == (3, 4)
    value = np.arange(24.0).reshape(2, 3, 4)
    np.testing.assert_array_equal(
        T.reshape(x, (n, -1)).eval({x: value, n: 4}), value.reshape(4, -1)
    )
    shape_vector = T.lvector("s")
    out = T.reshape(x, shape_vector, ndim=2)
    np.testing.assert_array_equal(out.eval({x: value, shape_vector: [6, 4]}), value.reshape(6, 4))


def test_reshape_errors():
    x = tensor("x", "float64", (2, 3))
    with pytest.raises(ShapeError, match=r"cannot lay out the 6 elements of x in shape \(4, 2\)"):
        T.reshape(x, (4, 2))
    with pytest.raises(ShapeError, match="can infer only one length"):
        T.reshape(x, (-1, -1))
    with pytest.raises(TypeMismatchError, match="pass ndim="):
        T.reshape(x, T.lvector("s"))
    y, s = T.matrix("y"), T.lvector("s")
    f = tl.function([y, s], T.reshape(y, s, ndim=2))
    with pytest.raises(ShapeError) as info:
        f(np.zeros((2, 3)), [4, 2])
    message = str(info.value)
    assert "Reshape{ndim=2} cannot reshape y of shape (2, 3) to (4, 2)" in message
    assert "built at: tests/tensor/test_shape.py" in message
    with pytest.raises(AxisError, match=r"flatten\(ndim=3\) does not fit a 2-d input"):
        T.flatten(x, 3)


@given(st.data())
def test_stack_and_concatenate_match_numpy(data):
    (shape_a, shape_b), axis = data.draw(joinable_shapes(2))
    dtype_a, dtype_b = data.draw(dtypes()), data.draw(dtypes())
    a_value, b_value = data.draw(arrays(dtype_a, shape_a)), data.draw(arrays(dtype_b, shape_b))
    a, b = tensor("a", dtype_a, (None,) * len(shape_a)), tensor("b", dtype_b, shape_b)
    f = tl.function([a, b], T.concatenate([a, b], axis=axis))
    expected = np.concatenate([a_value, b_value], axis=axis)
    got = f(a_value, b_value)
    np.testing.assert_array_equal(got, expected)
    assert got.dtype == expected.dtype
    stack_axis = data.draw(st.integers(-len(shape_b) - 1, len(shape_b)))
    c = tensor("c", dtype_a, shape_b)
    c_value = data.draw(arrays(dtype_a, shape_b))
    expected = np.stack([b_value, c_value], axis=stack_axis)
    out = T.stack([b, c], axis=stack_axis)
    assert out.type.shape == expected.shape
    got = tl.function([b, c], out)(b_value, c_value)
    np.testing.assert_array_equal(got, expected)
    assert got.dtype == expected.dtype


def test_stacked_and_joined_shape_vectors_are_seen_statically():
    x = tensor("x", "float64", (3, None, 5))
    n = T.lscalar("n")
    assert static_lengths(T.stack([x.shape[0], n, 7])) == (3, None, 7)
    assert static_lengths(T.concatenate([x.shape[1:], [2]])) == (None, 5, 2)
    assert T.zeros(T.stack([x.shape[2], 2])).type.shape == (5, 2)


def test_stack_and_join_gradients_with_static_and_symbolic_lengths():
    a, b = np.array([[1.0, 2.0]]), np.array([[3.0, 4.0], [5.0, 6.0]])
    verify_grad(lambda u, v: T.concatenate([u, v]), [a, b], rng=0)
    static = T.concatenate([tensor("u", "float64", (1, 2)), tensor("v", "float64", (2, 2))])
    u, v = static.owner.inputs
    gu, gv = T.grad((static * np.arange(6.0).reshape(3, 2)).sum(), [u, v])
    got_u, got_v = tl.function([u, v], [gu, gv])(a, b)
    np.testing.assert_array_equal(got_u, [[0.0, 1.0]])
    np.testing.assert_array_equal(got_v, [[2.0, 3.0], [4.0, 5.0]])
    verify_grad(lambda u, v: T.stack([u, v], axis=1), [a[0], b[0]], rng=0)


def test_stack_and_join_errors():
    a, b = tensor("a", "float64", (2,)), tensor("b", "float64", (3,))
    with pytest.raises(ShapeError, match=r"Stack\{axis=0\} needs equal lengths on axis 0"):
        T.stack([a, b])
    with pytest.raises(TypeMismatchError, match=r"write T.stack\(\[a, b\]\)"):
        T.stack(a, b)
    with pytest.raises(ShapeError, match="one number of dimensions"):
        T.concatenate([a, T.matrix("m")])
    with pytest.raises(ShapeError, match="at least 1"):
        T.concatenate([T.scalar("s")])
    u, v = T.matrix("u"), T.matrix("v")
    f = tl.function([u, v], T.concatenate([u, v], axis=1))
    with pytest.raises(ShapeError, match=r"equal lengths on every axis but 1[\s\S]*u: float64"):
        f(np.zeros((2, 1)), np.zeros((3, 1)))


@pytest.mark.parametrize(
    "args",
    [(5,), (1, 7, 2), (7, 1, -2), (0.5, 3), (0, 1, 0.1), (-2.5, 4, 1.25), (3, 1), (True, 3)],
)
def test_arange_with_constants_matches_numpy(args):
    expected = np.arange(*args)
    out = T.arange(*args)
    assert out.type.shape == expected.shape
    got = out.eval()
    np.testing.assert_array_equal(got, expected)
    assert got.dtype == expected.dtype


@pytest.mark.parametrize("dtype", ["int8", "int32", "int64", "uint16", "float32", "float64"])
def test_arange_dtype_follows_numpy_for_symbolic_bounds(dtype):
    n = T.scalar("n", dtype=dtype)
    for args in [(n,), (1, n), (n, 9, 2), (0.5, n)]:
        out = T.arange(*args)
        values = [np.asarray(7, dtype=dtype) if a is n else a for a in args]
        expected = np.arange(*values)
        assert out.dtype == expected.dtype.name, args
        np.testing.assert_array_equal(out.eval({n: values[args.index(n)]}), expected)
    assert T.arange(3, dtype="float32").eval().dtype == np.float32


def test_arange_step_zero():
    with pytest.raises(ShapeError, match="step other than 0"):
        T.arange(0, 5, 0)
    k = T.lscalar("k")
    with pytest.raises(RuntimeOpError, match=r"ARange\{dtype='int64'\} was given a step of 0"):
        T.arange(0, 5, k).eval({k: 0})


def test_arange_gradient():
    start, step = T.scalar("start"), T.scalar("step")
    out = T.arange(start, 4.0, step)
    g_start, g_step = T.grad((out * [1.0, 2.0, 3.0, 4.0]).sum(), [start, step])
    values = {start: 0.25, step: 1.0}
    assert g_start.eval(values) == 10.0
    assert g_step.eval(values) == 0 * 1 + 1 * 2 + 2 * 3 + 3 * 4


def test_fills():
    x = tensor("x", "float32", (None, 3))
    value = np.ones((2, 3), dtype=np.float32)
    assert T.zeros((2, 3)).type == T.TensorType("float64", (2, 3))
    assert T.ones(4, dtype="int8").eval().dtype == np.int8
    assert T.zeros_like(x).type == x.type
    assert T.ones_like(x, dtype="int32").type == T.TensorType("int32", (None, 3))
    np.testing.assert_array_equal(T.zeros_like(x).eval({x: value}), np.zeros_like(value))
    filled = T.fill(x, 2.5)
    assert filled.type == x.type
    np.testing.assert_array_equal(filled.eval({x: value}), np.full((2, 3), 2.5, np.float32))
    n = T.lscalar("n")
    alloc = T.alloc(0.5, n, 3)
    assert alloc.type.shape == (None, 3)
    np.testing.assert_array_equal(alloc.eval({n: 2}), np.full((2, 3), 0.5))
    with tl.config.change(floatX="float32"):
        assert T.zeros(2).dtype == "float32"
        assert T.alloc(0.0, 2).dtype == "float32"


def test_squeeze_expand_dims_and_padding():
    x = tensor("x", "float64", (1, None, 1, 4))
    value = np.zeros((1, 3, 1, 4))
    assert T.squeeze(x).type.shape == (None, 4)
    assert x.squeeze(axis=-2).type.shape == (1, None, 4)
    assert T.expand_dims(x, (0, 2)).type.shape == (1, 1, 1, None, 1, 4)
    np.testing.assert_array_equal(
        T.expand_dims(x, (0, 2)).eval({x: value}), np.expand_dims(value, (0, 2))
    )
    assert T.shape_padleft(x, 2).type.shape == (1, 1, 1, None, 1, 4)
    assert T.shape_padright(x).type.shape == (1, None, 1, 4, 1)
    assert T.shape_padaxis(x, -1).type.shape == (1, None, 1, 4, 1)
    y = T.matrix("y")
    with pytest.raises(ShapeError, match="drops axes"):
        T.squeeze(y, 0).eval({y: np.zeros((2, 3))})
    with pytest.raises(AxisError, match="expand_dims: axis 3 is out of range"):
        T.expand_dims(y, 3)
    with pytest.raises(AxisError, match="repeated axis"):
        T.squeeze(x, (0, -4))


def test_specify_shape_and_broadcast_patterns():
    x = T.matrix("x")
    row = T.addbroadcast(x, 0)
    assert row.type.shape == (1, None)
    assert row.broadcastable == (True, False)
    assert T.patternbroadcast(x, (False, True)).type.shape == (None, 1)
    assert T.unbroadcast(row, 0) is row
    assert T.specify_shape(x, (None, None)) is x
    np.testing.assert_array_equal(row.eval({x: [[1.0, 2.0]]}), [[1.0, 2.0]])
    with pytest.raises(ShapeError, match=r"x has length 2 on axis 0, not 1[\s\S]*built at"):
        row.eval({x: np.zeros((2, 2))})
    with pytest.raises(ShapeError, match="has length 3 on axis 1, not 2"):
        T.specify_shape(tensor("z", "float64", (None, 3)), (None, 2))
    with pytest.raises(TypeMismatchError, match="one flag per axis"):
        T.patternbroadcast(x, (True,))
