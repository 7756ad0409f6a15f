"""Consecutive elementwise nodes of one shape share a loop (loops.py): same values as the
reference backend, intermediate values stored only when something else reads them."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tensorlab as tl
import tensorlab.tensor as T
from tensorlab.errors import RuntimeOpError, TensorlabError
from tensorlab.tensor.shape import sum_to_shape

NUMBA = tl.Mode("numba")
REFERENCE = tl.Mode("python")


def _both(inputs, outputs, *values, **kwargs):
    got = tl.function(inputs, outputs, mode=NUMBA, **kwargs)
    want = tl.function(inputs, outputs, mode=REFERENCE, **kwargs)
    return got, got(*values), want(*values)


def _chain(x, depth: int):
    y = x
    for i in range(depth):
        y = T.tanh(y) * 1.01 + 0.1 if i % 2 else T.exp(-y) * 0.5
    return y


@settings(max_examples=4, derandomize=True, database=None, deadline=None)
@given(st.integers(2, 6), st.integers(0, 9))
def test_a_chain_and_its_gradient_share_loops(depth, n):
    x = T.dvector("x")
    y = _chain(x, depth)
    f, got, want = _both([x], [y, T.grad(y.sum(), x)], np.linspace(-2, 2, n))
    assert "share one loop" in f.source
    for g, w in zip(got, want, strict=True):
        np.testing.assert_allclose(g, w, rtol=1e-14, atol=1e-300)


def test_values_read_only_inside_the_group_are_never_stored():
    x = T.matrix("x")
    a = T.exp(x)
    b = T.tanh(a)  # a is read by b and by the output c below: both in the group
    c = a * b
    f = tl.function([x], [c, b.sum()], mode=tl.Mode("numba", optimizer="none"))
    source = f.source
    assert "share one loop" in source
    assert "t_exp = empty(" not in source  # read only inside the loop
    np.testing.assert_allclose(
        f(np.ones((2, 3)))[0], np.exp(1.0) * np.tanh(np.exp(1.0)) * np.ones((2, 3))
    )


def test_mixed_dtypes_in_one_group():
    x = T.vector("x", dtype="int32")
    f = tl.function([x], [x * 3, (x * 3) > 4, T.cast(x * 3, "float32") / 2], mode=NUMBA)
    values = np.array([-2, 0, 1, 2**30], dtype=np.int32)
    want = tl.function([x], [x * 3, (x * 3) > 4, T.cast(x * 3, "float32") / 2], mode=REFERENCE)
    for g, w in zip(f(values), want(values), strict=True):
        assert g.dtype == w.dtype
        np.testing.assert_array_equal(g, w)


def test_a_failing_check_inside_a_group_names_its_node():
    x, k = T.vector("x", dtype="int64"), T.vector("k", dtype="int64")
    y = x + k
    f = tl.function([x, k], [y, y**k], mode=NUMBA)
    np.testing.assert_array_equal(f(np.array([1, 2]), np.array([1, 1]))[1], [2, 3])
    with pytest.raises(TensorlabError) as caught:
        f(np.array([1, 2]), np.array([1, -1]))
    reference = tl.function([x, k], [y, y**k], mode=REFERENCE)
    with pytest.raises(type(caught.value)) as expected:
        reference(np.array([1, 2]), np.array([1, -1]))
    # the same error, but for the line that compiled the function
    assert str(caught.value).splitlines()[:2] == str(expected.value).splitlines()[:2]
    assert not isinstance(caught.value, RuntimeOpError) or "bug" not in str(caught.value)


def test_broadcasting_inputs_break_the_group():
    x, row = T.matrix("x"), T.vector("row")
    y = T.exp(x)
    z = y + row  # may broadcast: its own loop, with the broadcasting checks
    f, got, want = _both([x, row], [y, z], np.ones((2, 3)), np.arange(3.0))
    assert "share one loop" not in f.source
    for g, w in zip(got, want, strict=True):
        np.testing.assert_allclose(g, w, rtol=1e-15)


def test_an_update_in_a_group_goes_to_its_spare_buffer():
    s = tl.shared(np.zeros(3), name="s")
    t = T.exp(s)
    f = tl.function([], t.sum(), updates=[(s, t * 0.5 + s)], mode=NUMBA)
    assert "s_spare" in f.source
    for _ in range(3):
        f()
    want = np.zeros(3)
    for _ in range(3):
        want = np.exp(want) * 0.5 + want
    np.testing.assert_allclose(s.get_value(), want, rtol=1e-14)


# -- nodes that only may have one shape: checked before the loop, the general program
# -- computes the calls that broadcast
def _body(source: str) -> str:
    """The generated module without its first line, which quotes the line that built it."""
    return source.split("\n", 1)[1]


def test_nodes_that_may_have_one_shape_share_a_checked_loop():
    """x * y and the next node with z share one loop in the program (a check of y's and
    z's lengths first); calls where one of them broadcasts give the reference's values
    through the general program, which has a loop per node."""
    x, y, z = T.matrix("x"), T.matrix("y"), T.matrix("z")
    a = x * y
    b = T.exp(a) - z
    f = tl.function([x, y, z], [a, b, b.sum()], mode=NUMBA)
    f.wait_compiled()
    assert "] share one loop" in f.source
    assert "# the general program broadcasts" in f.source
    assert "] share one loop" not in _body(f.program.general.source)
    reference = tl.function([x, y, z], [a, b, b.sum()], mode=REFERENCE)
    rng = np.random.default_rng(3)
    full = rng.normal(size=(3, 4))
    for shapes in [((3, 4),) * 3, ((3, 4), (1, 4), (3, 4)), ((3, 4), (3, 4), (3, 1))]:
        values = [rng.normal(size=s) for s in shapes]
        for got, want in zip(f(*values), reference(*values), strict=True):
            np.testing.assert_allclose(got, want, rtol=1e-14)
    with pytest.raises(TensorlabError):
        f(full, full, rng.normal(size=(2, 4)))


def test_a_gradient_summed_back_to_its_own_shape_is_passed_on_after_a_check():
    """The gradient of x * y for x sums back to x's shape; where x has y's shape there is
    nothing to sum, which the program checks, and where x is a row that y repeats the
    general program sums."""
    x, y = T.matrix("x"), T.matrix("y")
    cost = (T.tanh(x) * y).sum()
    outputs = [cost, *T.grad(cost, [x, y])]
    f = tl.function([x, y], outputs, mode=NUMBA)
    f.wait_compiled()
    assert "# already of the target shape: nothing to sum" in f.source
    assert "# already of the target shape: nothing to sum" not in _body(f.program.general.source)
    reference = tl.function([x, y], outputs, mode=REFERENCE)
    rng = np.random.default_rng(4)
    for x_shape in [(3, 4), (1, 4), (3, 1)]:
        values = [rng.normal(size=x_shape), rng.normal(size=(3, 4))]
        for got, want in zip(f(*values), reference(*values), strict=True):
            assert got.shape == want.shape
            np.testing.assert_allclose(got, want, rtol=1e-13)


def test_a_value_read_outside_only_for_its_shape_is_never_stored():
    x, y = T.matrix("x"), T.matrix("y")
    a = x * y
    b = T.exp(a) - y
    f = tl.function([x, y], [b, a.shape], mode=NUMBA)
    assert "] share one loop" in f.source
    assert "t_mul_i = " in f.source and "t_mul = empty(" not in f.source  # the loop's shape
    rng = np.random.default_rng(5)
    for shapes in [((3, 4), (3, 4)), ((1, 4), (3, 4))]:  # the second broadcasts
        values = [rng.normal(size=s) for s in shapes]
        got, shape = f(*values)
        np.testing.assert_allclose(got, np.exp(values[0] * values[1]) - values[1], rtol=1e-14)
        np.testing.assert_array_equal(shape, np.broadcast_shapes(*shapes))


def test_a_sum_to_shape_returned_is_never_its_input_passed_on():
    """y summed to x's shape, where it has that shape, is y: the program does not pass y
    itself on when the sum is an output, which the `Function` returns without a copy (new
    memory), nor when the reference backend answers for the general program while that
    compiles (a call where z repeats)."""
    x, y, z = T.matrix("x"), T.matrix("y"), T.matrix("z")
    outputs = [x * z, sum_to_shape(y, x)]
    with tl.config.change(compile="background"):
        f = tl.function([x, y, z], outputs, mode=NUMBA)
    f.wait_compiled()
    rng = np.random.default_rng(6)
    a, b = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    for c in (rng.normal(size=(3, 4)), rng.normal(size=(1, 4))):  # the program, the general
        total = f(a, b, c)[1]
        np.testing.assert_array_equal(total, b)
        assert not np.shares_memory(total, b)
