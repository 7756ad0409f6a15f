"""Indexing against NumPy: basic, advanced and mixed indices, set/inc, static shapes, errors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tensorlab as tl
import tensorlab.tensor as T
from tensorlab.errors import BroadcastError, IndexingError, TypeMismatchError
from tensorlab.tensor.shape import static_int
from tensorlab.tensor.subtensor import AdvancedSubtensor, Subtensor
from tests.strategies import arrays, mixed_indices, shapes, shapes_broadcasting_to


def symbolic(index: tuple, scalars: bool) -> tuple[tuple, list, list]:
    """`index` with its arrays (and, if `scalars`, its ints) as symbolic inputs.

    Returns the symbolic index, the input variables and their values.
    """
    items, inputs, values = [], [], []
    for item in index:
        if isinstance(item, np.ndarray) or (scalars and isinstance(item, int)):
            value = np.asarray(item)
            var = tensor(f"i{len(inputs)}", value.dtype.name, (None,) * value.ndim)
            items.append(var)
            inputs.append(var)
            values.append(value)
        else:
            items.append(item)
    return tuple(items), inputs, values


def tensor(name: str, dtype: str, shape: tuple):
    return T.tensor(name=name, dtype=dtype, shape=shape)


def agrees(static: tuple, shape: tuple) -> bool:
    return len(static) == len(shape) and all(s in (None, n) for s, n in zip(static, shape))


@given(st.data())
def test_basic_indexing_matches_numpy(data):
    shape = data.draw(shapes(0, 3))
    value = data.draw(arrays("float64", shape))
    index = data.draw(hnp.basic_indices(shape, allow_newaxis=True))
    expected = value[index]
    x = tensor("x", "float64", (None,) * len(shape))
    got = tl.function([x], x[index])(value)
    np.testing.assert_array_equal(got, expected)
    assert got.dtype == expected.dtype
    assert tensor("x", "float64", shape)[index].type.shape == expected.shape


@given(st.data())
def test_symbolic_ints_and_bounds_match_numpy(data):
    shape = data.draw(shapes(2, 3))
    value = data.draw(arrays("int32", shape))
    n = shape[0]
    start, stop = data.draw(st.integers(-n - 2, n + 2)), data.draw(st.integers(-n - 2, n + 2))
    step = data.draw(st.integers(-3, 3).filter(bool))
    i = data.draw(st.integers(-shape[-1], shape[-1] - 1))
    x = tensor("x", "int32", (None,) * len(shape))
    a, b, c, k = (T.lscalar(name) for name in "abck")
    f = tl.function([x, a, b, c, k], x[a:b:c, ..., k])
    np.testing.assert_array_equal(f(value, start, stop, step, i), value[start:stop:step, ..., i])


@settings(max_examples=50)
@given(st.data())
def test_mixed_indexing_matches_numpy(data):
    shape = data.draw(shapes(1, 4))
    value = data.draw(arrays("float32", shape))
    index = data.draw(mixed_indices(shape))
    expected = value[index]
    x = tensor("x", "float32", shape)
    assert agrees(x[index].type.shape, expected.shape)
    items, inputs, values = symbolic(index, scalars=data.draw(st.booleans()))
    got = tl.function([x, *inputs], x[items])(value, *values)
    np.testing.assert_array_equal(got, expected)
    assert got.dtype == expected.dtype


@settings(max_examples=50)
@given(st.data())
def test_set_and_inc_match_numpy(data):
    shape = data.draw(shapes(1, 3))
    value = data.draw(arrays("float64", shape))
    index = data.draw(mixed_indices(shape) | hnp.basic_indices(shape, allow_newaxis=True))
    index = index if isinstance(index, tuple) else (index,)
    y_value = data.draw(arrays("float64", data.draw(shapes_broadcasting_to(value[index].shape))))
    set_expected = value.copy()
    set_expected[index] = y_value
    inc_expected = value.copy()
    np.add.at(inc_expected, index, y_value)

    x, y = tensor("x", "float64", (None,) * len(shape)), tensor("y", "float64", y_value.shape)
    items, inputs, values = symbolic(index, scalars=data.draw(st.booleans()))
    f = tl.function([x, y, *inputs], [T.set_subtensor(x[items], y), T.inc_subtensor(x[items], y)])
    got_set, got_inc = f(value, y_value, *values)
    np.testing.assert_array_equal(got_set, set_expected)
    np.testing.assert_array_equal(got_inc, inc_expected)


def test_set_subtensor_returns_a_new_tensor():
    x = T.vector("x")
    f = tl.function([x], [T.set_subtensor(x[1:], 0.0), x * 1])
    value = np.array([1.0, 2.0, 3.0])
    new, old = f(value)
    np.testing.assert_array_equal(new, [1.0, 0.0, 0.0])
    np.testing.assert_array_equal(old, [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(value, [1.0, 2.0, 3.0])


def test_gradients_accumulate_over_repeated_indices():
    x = T.vector("x")
    g = T.grad((x[[0, 0, 2]] * [1.0, 2.0, 3.0]).sum(), x)
    np.testing.assert_array_equal(g.eval({x: np.zeros(4)}), [3.0, 0.0, 3.0, 0.0])


def test_gradients_of_set_and_inc():
    x, y = T.vector("x"), T.vector("y")
    weights = np.array([1.0, 2.0, 3.0, 4.0])
    gx, gy = T.grad((T.set_subtensor(x[1:3], y) * weights).sum(), [x, y])
    values = {x: np.zeros(4), y: np.zeros(2)}
    np.testing.assert_array_equal(gx.eval(values), [1.0, 0.0, 0.0, 4.0])
    np.testing.assert_array_equal(gy.eval(values), [2.0, 3.0])
    s = T.scalar("s")
    gx, gs = T.grad((T.inc_subtensor(x[[0, 0, 3]], s) * weights).sum(), [x, s])
    np.testing.assert_array_equal(gx.eval({x: np.zeros(4), s: 0.0}), weights)
    assert gs.eval({x: np.zeros(4), s: 0.0}) == 1.0 + 1.0 + 4.0


def test_shape_entries_are_symbolic_and_seen_statically():
    x = tensor("x", "float64", (3, None))
    assert x.shape[0].ndim == 0 and x.shape[0].dtype == "int64"
    assert static_int(x.shape[0]) == 3 and static_int(x.shape[-1]) is None
    value = np.zeros((3, 5))
    assert x.shape[-1].eval({x: value}) == 5
    assert x.size.eval({x: value}) == 15
    assert T.reshape(x, (x.shape[0], -1)).type.shape == (3, None)
    assert T.zeros(x.shape[:1]).type.shape == (3,)
    assert T.zeros((x.shape[1], x.shape[0])).type.shape == (None, 3)


@pytest.mark.parametrize(
    ("index", "static"),
    [
        (lambda x: x[1:], (2, 4, None)),
        (lambda x: x[::-1, -2], (3, None)),
        (lambda x: x[None, 0, ..., None], (1, 4, None, 1)),
        (lambda x: x[:, :, :2], (3, 4, None)),
        (lambda x: x[[0, 1, 1, 2]], (4, 4, None)),
        (lambda x: x[:, [[0], [1]], [0, 1]], (3, 2, 2)),
        (lambda x: x[[0, 1], :, [0, 1]], (2, 4)),
        (lambda x: x[0, :, [0, 1]], (2, 4)),
        (lambda x: x[np.ones((3, 4), bool)], (12, None)),
        (lambda x: x[x > 0], (None,)),
        (lambda x: x[T.arange(2), T.arange(2)], (2, None)),
    ],
)
def test_static_shapes(index, static):
    assert index(tensor("x", "float64", (3, 4, None))).type.shape == static


def test_equal_indexing_builds_equal_ops():
    x = T.matrix("x")
    assert x[1:3].owner.op == x[1:3:1].owner.op
    assert x[0:].owner.op == x[:].owner.op
    assert x[0, :].owner.op == x[0].owner.op
    assert x[..., 0].owner.op == x[:, 0].owner.op
    assert x[0].owner.op != x[1].owner.op
    assert str(x[1:, ::-1, None].owner.op) == "Subtensor{1:, ::-1, None}"
    i = T.lscalar("i")
    assert str(x[i, :i].owner.op) == "Subtensor{i, :i}"
    assert isinstance(x[[0]].owner.op, AdvancedSubtensor)
    assert isinstance(x[T.constant(0)].owner.op, Subtensor)
    assert str(T.inc_subtensor(x[[0]], 1.0).owner.op) == "AdvancedIncSubtensor{idx}"
    assert str(T.set_subtensor(x[0], 1.0).owner.op) == "SetSubtensor{0}"


def test_out_of_range_constant_is_caught_when_built():
    x = tensor("x", "float64", (3,))
    with pytest.raises(IndexingError, match=r"index 5 is out of range for axis 0 of length 3"):
        x[5]
    with pytest.raises(IndexingError, match=r"index -4 is out of range"):
        x[[0, -4]]


def test_out_of_range_at_run_time_names_op_index_length_and_line():
    x, i = T.matrix("x"), T.lscalar("i")
    f = tl.function([x, i], x[1, i])
    with pytest.raises(IndexingError) as info:
        f(np.zeros((2, 3)), 7)
    message = str(info.value)
    assert "Subtensor{1, i}: index 7 is out of range for axis 1 of length 3" in message
    assert "x: float64 (2, 3), index 7" in message
    assert "built at: tests/tensor/test_subtensor.py" in message and "x[1, i]" in message
    assert isinstance(info.value, IndexError)


def test_bad_index_arrays_at_run_time():
    x, idx, m = T.vector("x"), T.lvector("idx"), T.vector("m", dtype="bool")
    with pytest.raises(IndexingError, match=r"AdvancedSubtensor\{idx\}: index -5 is out of range"):
        x[idx].eval({x: np.zeros(3), idx: np.array([0, -5])})
    with pytest.raises(IndexingError, match=r"boolean index of shape \(2,\) does not fit axes 0"):
        x[m].eval({x: np.zeros(3), m: np.array([True, False])})
    y, r, c = T.matrix("y"), T.lvector("r"), T.lvector("c")
    with pytest.raises(
        IndexingError, match=r"index arrays of shapes \(2,\), \(3,\) do not broadcast"
    ):
        y[r, c].eval({y: np.zeros((2, 3)), r: np.zeros(2, int), c: np.zeros(3, int)})


def test_bad_indices_when_built():
    x = T.matrix("x")
    with pytest.raises(IndexingError, match="too many indices for x: it has 2 dimensions but 3"):
        x[0, 0, 0]
    with pytest.raises(IndexingError, match="cannot index a tensor"):
        x[1.5]
    with pytest.raises(IndexingError, match="cannot index a tensor"):
        x[T.vector("v")]
    with pytest.raises(IndexingError, match="only one ellipsis"):
        x[..., 0, ...]
    with pytest.raises(IndexingError, match="slice step cannot be zero"):
        x[::0]
    with pytest.raises(IndexingError, match=r"index arrays of shapes \(2,\), \(3,\)"):
        x[[0, 1], [0, 1, 2]]
    with pytest.raises(IndexingError, match="boolean index of shape"):
        tensor("z", "float64", (2, 3))[np.ones(3, bool)]


def test_set_and_inc_errors():
    x = T.matrix("x")
    with pytest.raises(TypeMismatchError, match="set_subtensor needs an indexed tensor"):
        T.set_subtensor(x, 1.0)
    with pytest.raises(TypeMismatchError, match="cannot add float64 values to the int64 tensor"):
        T.inc_subtensor(T.lmatrix("k")[0], T.vector("v"))
    with pytest.raises(BroadcastError, match=r"expected: a value that broadcasts to shape \(2,"):
        T.set_subtensor(tensor("s", "float64", (3, 4))[:2], tensor("t", "float64", (3, 4)))
    y = T.vector("y")
    f = tl.function([x, y], T.set_subtensor(x[0], y))
    with pytest.raises(BroadcastError, match=r"shape \(4,\)[\s\S]*got:      y: float64 \(3,\)"):
        f(np.zeros((2, 4)), np.zeros(3))


def test_set_subtensor_casts_as_numpy_assignment_does():
    k = T.lvector("k")
    out = T.set_subtensor(k[0], 2.7)
    assert out.dtype == "int64"
    np.testing.assert_array_equal(out.eval({k: np.array([0, 1])}), [2, 1])
