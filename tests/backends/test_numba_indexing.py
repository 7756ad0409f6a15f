"""Indexing, `arange` and `tensordot` in the Numba backend against the reference backend:
runtime slice bounds and steps, new axes, index arrays and masks, repeated positions in
writes, empty results, dtypes, gradient graphs, and the errors a bad index gives.

Each graph compiles once; hypothesis then draws only the values, so that examples cost
calls, not compilations.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tensorlab as tl
import tensorlab.tensor as T
from tensorlab.errors import BroadcastError, IndexingError, RuntimeOpError, ShapeError

REFERENCE = tl.Mode("python", optimizer="none")
NUMBA = tl.Mode("numba", optimizer="none")
FEW = settings(max_examples=20, derandomize=True, database=None, deadline=None)


def _pair(inputs, outputs):
    """The same graph compiled by the reference backend and by Numba."""
    return tuple(
        tl.function(inputs, outputs, mode=mode, on_unused_input="ignore")
        for mode in (REFERENCE, NUMBA)
    )


def _assert_same(want, got) -> None:
    for w, g in zip(
        want if isinstance(want, list) else [want],
        got if isinstance(got, list) else [got],
        strict=True,
    ):
        assert g.dtype == w.dtype and g.shape == w.shape, (w, g)
        np.testing.assert_array_equal(g, w)


def _same_error(functions, values, cls) -> str:
    messages = []
    for f in functions:
        with pytest.raises(cls) as caught:
            f(*values)
        messages.append(str(caught.value))
    assert messages[0] == messages[1]
    return messages[1]


# -- basic indexing -------------------------------------------------------------------------
BOUND = st.integers(-7, 7)


def test_slices_with_runtime_bounds_and_steps():
    x = T.vector("x")
    i, j, k = T.lscalar("i"), T.lscalar("j"), T.lscalar("k")
    functions = _pair([x, i, j, k], x[i:j:k])
    values = np.arange(5.0)

    @FEW
    @given(BOUND, BOUND, BOUND.filter(lambda step: step != 0))
    def check(start, stop, step):
        want = functions[0](values, start, stop, step)
        got = functions[1](values, start, stop, step)
        _assert_same(want, got)
        assert not np.shares_memory(got, values)  # the Function copies a view of an input

    check()


@pytest.mark.parametrize(
    "build",
    [
        lambda x, i, j: x[i, None, j:],
        lambda x, i, j: x[None, ::-1, i],
        lambda x, i, j: x[j:i:-1, i],
        lambda x, i, j: x[i, j],
        lambda x, i, j: x[..., i],
        lambda x, i, j: x[-1, ::-2],
    ],
    ids=[
        "int,None,slice",
        "None,reversed,int",
        "negative step",
        "one element",
        "ellipsis",
        "constant",
    ],
)
def test_basic_indexing_of_a_matrix(build):
    x = T.matrix("x", dtype="int32")
    i, j = T.scalar("i", dtype="int8"), T.scalar("j", dtype="uint8")
    functions = _pair([x, i, j], build(x, i, j))
    values = np.arange(12, dtype=np.int32).reshape(3, 4)
    for a, b in [(0, 0), (-1, 2), (2, 3), (-3, 1)]:
        args = [values, np.int8(a), np.uint8(b)]
        _assert_same(functions[0](*args), functions[1](*args))


def test_index_out_of_range_gives_the_reference_error():
    x = T.matrix("x")
    i = T.lscalar("i")
    functions = _pair([x, i], x[1, i] * 2)
    values = np.ones((2, 3))
    message = _same_error(functions, [values, 3], IndexingError)
    assert "index 3 is out of range for axis 1 of length 3" in message
    _same_error(functions, [values, -4], IndexingError)
    _assert_same(functions[0](values, -3), functions[1](values, -3))
    with pytest.raises(IndexingError, match=r"index 5 is out of range for axis 0 of length 2"):
        tl.function([x], x[5], mode=NUMBA)(values)


def test_zero_step_gives_the_reference_error():
    x, k = T.vector("x"), T.lscalar("k")
    functions = _pair([x, k], x[::k])
    message = _same_error(functions, [np.ones(3), 0], IndexingError)
    assert "Subtensor" in message


# -- advanced indexing ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "build",
    [
        lambda x, rows, cols: x[rows, :, cols],  # apart: the index axes go first
        lambda x, rows, cols: x[1:, rows, cols],  # together: they stay in place
        lambda x, rows, cols: x[rows, -1, cols],  # an int is an index array too
        lambda x, rows, cols: x[None, rows, ::-1, 0],
        lambda x, rows, cols: x[rows],
        lambda x, rows, cols: x[..., cols],
    ],
    ids=["apart", "together", "int between", "None and int", "rows only", "2-d index"],
)
def test_index_arrays_match_reference(build):
    x = T.tensor3("x")
    rows, cols = T.lvector("rows"), T.lmatrix("cols")
    functions = _pair([x, rows, cols], build(x, rows, cols))
    values = np.arange(60.0).reshape(3, 4, 5)
    for r, c in [
        ([0, -1, 2], [[1], [-2]]),
        ([1], [[0, 4, 3]]),
        ([], np.zeros((1, 0), dtype=np.int64)),
    ]:
        args = [values, np.array(r, dtype=np.int64), np.array(c, dtype=np.int64)]
        _assert_same(functions[0](*args), functions[1](*args))


@pytest.mark.parametrize("first", [0, 1])
def test_masks_match_reference(first):
    x = T.tensor3("x", dtype="int8")
    mask = T.tensor(name="mask", dtype="bool", shape=(None, None))
    out = x[mask] if first == 0 else x[:, mask]
    functions = _pair([x, mask], out)
    values = np.arange(24, dtype=np.int8).reshape(2, 3, 4)
    rng = np.random.default_rng(0)
    for _ in range(3):
        picked = rng.random(values.shape[first : first + 2]) > 0.5
        _assert_same(functions[0](values, picked), functions[1](values, picked))
    wrong = np.ones((5, 5), dtype=bool)
    message = _same_error(functions, [values, wrong], IndexingError)
    assert "does not fit" in message


def test_zero_dim_mask():
    s = T.scalar("s")
    functions = _pair([s], [s[s > 0], T.set_subtensor(s[s > 0], 1.0)])
    for value in (2.0, -2.0):
        _assert_same(functions[0](value), functions[1](value))


def test_index_array_errors_match_reference():
    x, rows, cols = T.matrix("x"), T.lvector("rows"), T.lvector("cols")
    functions = _pair([x, rows, cols], x[rows, cols])
    values = np.ones((3, 4))
    message = _same_error(functions, [values, np.array([0, 3]), np.array([1, 1])], IndexingError)
    assert "index 3 is out of range for axis 0 of length 3" in message
    _same_error(functions, [values, np.array([0, 1]), np.array([1, 2, 3])], IndexingError)
    # NumPy checks the positions only when the index picks something
    empty = [values, np.array([7]), np.array([], dtype=np.int64)]
    _assert_same(functions[0](*empty), functions[1](*empty))


# -- writes -------------------------------------------------------------------------------------
def test_inc_with_repeated_positions_adds_every_time():
    x, idx, y = T.vector("x", dtype="float32"), T.lvector("idx"), T.vector("y")
    functions = _pair([x, idx, y], [T.inc_subtensor(x[idx], y), T.set_subtensor(x[idx], y)])
    values = np.zeros(4, dtype=np.float32)
    positions = np.array([0, 2, 2, -2, 1, 0])
    added = np.array([0.1, 1e8, 1.0, 1.0, 3.0, 1e-3])
    want = functions[0](values, positions, added)
    got = functions[1](values, positions, added)
    _assert_same(want, got)
    expected = values.copy()
    np.add.at(expected, positions, added)  # in order, float32 each time
    np.testing.assert_array_equal(got[0], expected)
    assert got[1][2] == np.float32(1.0)  # the last write to position 2 (-2) wins


@pytest.mark.parametrize(
    "build",
    [
        lambda x, y, i: T.inc_subtensor(x[i, ::-1], y),
        lambda x, y, i: T.set_subtensor(x[:, i:], y[:3, None]),
        lambda x, y, i: T.inc_subtensor(x[None, i], y),
        lambda x, y, i: T.set_subtensor(x[i, 0], y[0]),
        lambda x, y, i: T.inc_subtensor(x[T.stack([i, i, 0]), 1:], y[:3]),
        lambda x, y, i: T.inc_subtensor(x[x > 2], 5),
    ],
    ids=["reversed row", "columns", "None", "one element", "repeated rows", "mask"],
)
def test_writes_match_reference(build):
    x, y, i = T.matrix("x", dtype="int16"), T.vector("y", dtype="int16"), T.lscalar("i")
    out = build(x, y, i)
    functions = _pair([x, y, i], out)
    values = np.arange(12, dtype=np.int16).reshape(3, 4)
    for k in (0, -1, 2):
        args = [values, np.array([7, -8, 9, 10], dtype=np.int16), k]
        want, got = functions[0](*args), functions[1](*args)
        _assert_same(want, got)
        np.testing.assert_array_equal(values, np.arange(12).reshape(3, 4))  # x unchanged


def test_write_errors_match_reference():
    x, y, i = T.matrix("x"), T.vector("y"), T.lscalar("i")
    functions = _pair([x, y, i], T.set_subtensor(x[i], y))
    message = _same_error(functions, [np.ones((2, 3)), np.ones(3), 2], IndexingError)
    assert "index 2 is out of range for axis 0 of length 2" in message
    _same_error(functions, [np.ones((2, 3)), np.ones(4), 0], BroadcastError)
    idx = T.lvector("idx")
    advanced = _pair([x, y, idx], T.inc_subtensor(x[idx], y))
    _same_error(advanced, [np.ones((2, 3)), np.ones(3), np.array([0, -3])], IndexingError)


def test_outputs_are_fresh_arrays():
    x, idx = T.vector("x"), T.lvector("idx")
    f = tl.function([x, idx], [x[1:], x[idx], T.set_subtensor(x[idx], 0.0)], mode=NUMBA)
    values = np.arange(4.0)
    for out in f(values, np.array([0, 1])):
        assert not np.shares_memory(out, values)
    np.testing.assert_array_equal(values, np.arange(4.0))


def test_gradients_of_indexing_compile_and_match():
    x = T.vector("x")
    g_slice = T.grad(x[1:3].sum(), x)
    g_repeated = T.grad(x[[0, 2, 2]].sum(), x)
    g_both = T.grad((x[1:] * x[[0, 0, 1]]).sum(), x)
    for mode in (NUMBA, tl.Mode("numba")):
        f = tl.function([x], [g_slice, g_repeated, g_both], mode=mode)
        values = np.array([1.0, 2.0, 3.0, 4.0])
        want = tl.function([x], [g_slice, g_repeated, g_both], mode=REFERENCE)(values)
        _assert_same(want, f(values))
    np.testing.assert_array_equal(want[1], [1.0, 0.0, 2.0, 0.0])
    source = tl.function([x], [g_slice, g_repeated], mode=NUMBA).source
    assert "IncSubtensor" in source and "AdvancedIncSubtensor" in source


# -- arange -------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["int64", "int8", "float64", "float32"])
def test_arange_matches_numpy_to_the_bit(dtype):
    start, stop, step = (T.scalar(name, dtype=dtype) for name in ("start", "stop", "step"))
    functions = _pair([start, stop, step], T.arange(start, stop, step))
    number = (
        st.floats(-50, 50, width=np.dtype(dtype).itemsize * 8)
        if dtype.startswith("float")
        else st.integers(-100, 100)
    )

    @FEW
    @given(number, number, number.filter(lambda s: abs(s) >= 0.01))  # at most 10**4 values
    def check(a, b, c):
        args = [np.array(v, dtype=dtype) for v in (a, b, c)]
        want, got = functions[0](*args), functions[1](*args)
        _assert_same(want, got)
        assert want.tobytes() == got.tobytes()

    check()


def test_arange_edges():
    start, stop, step = T.dscalar("start"), T.dscalar("stop"), T.dscalar("step")
    functions = _pair([start, stop, step], T.arange(start, stop, step))
    for args in [
        (0.1, 0.75, 0.1),
        (5.0, 2.0, 1.0),
        (2.0, 5.0, -1.0),
        (0, 1e-300, 1e300),
        (0, 1, np.inf),
    ]:
        _assert_same(functions[0](*args), functions[1](*args))
    message = _same_error(functions, [0.0, 1.0, 0.0], RuntimeOpError)
    assert "step of 0" in message
    _same_error(functions, [0.0, np.inf, 1.0], RuntimeOpError)
    _same_error(functions, [0.0, np.nan, 1.0], RuntimeOpError)
    n = T.lscalar("n")
    as_float = _pair([n], T.arange(n, dtype="float32"))
    _assert_same(as_float[0](7), as_float[1](7))


# -- tensordot ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("dtypes", "shapes", "axes"),
    [
        (("int8", "int8"), ((2, 3, 4), (4, 3, 5)), ([1, 2], [1, 0])),
        (("int32", "int64"), ((3,), (4,)), 0),
        (("uint8", "int16"), ((2, 3), (3, 2)), ([0, 1], [1, 0])),
        (("float32", "float32"), ((2, 3, 4), (4, 5)), ([2], [0])),
        (("int32", "float32"), ((2, 0, 4), (4, 0)), ([1], [1])),
        (("float64", "float64"), ((), (3,)), 0),
    ],
)
def test_tensordot_matches_reference(dtypes, shapes, axes):
    a = T.tensor(name="a", dtype=dtypes[0], shape=(None,) * len(shapes[0]))
    b = T.tensor(name="b", dtype=dtypes[1], shape=(None,) * len(shapes[1]))
    functions = _pair([a, b], T.tensordot(a, b, axes=axes))
    rng = np.random.default_rng(0)
    args = [(rng.standard_normal(s) * 50).astype(d) for s, d in zip(shapes, dtypes, strict=True)]
    want, got = functions[0](*args), functions[1](*args)
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-6 if "float32" in dtypes else 1e-12)
    if want.dtype.kind in "iu":
        np.testing.assert_array_equal(got, want)  # integers wrap around as NumPy's


def test_tensordot_shape_error_matches_reference():
    a, b = T.matrix("a"), T.tensor3("b")
    functions = _pair([a, b], T.tensordot(a, b, axes=([1], [2])))
    message = _same_error(functions, [np.ones((2, 3)), np.ones((2, 2, 4))], ShapeError)
    assert "axis 1 of a has length 3, axis 2 of b has 4" in message
