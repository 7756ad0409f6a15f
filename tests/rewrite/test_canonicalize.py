"""Canonical forms: each rule fires on every spelling, and values do not change."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given

import tensorlab.tensor as T
from tests.rewrite.check import assert_same_values, op_names, rewritten
from tests.strategies import arrays

x_arrays = arrays("float64", (3,))


def spellings_of_identity(x):
    return {
        "x*1": (x * 1, "mul_by_one"),
        "1*x": (1 * x, "mul_by_one"),
        "x+0": (x + 0, "add_zero"),
        "0+x": (0 + x, "add_zero"),
        "x-0": (x - 0, "sub_zero"),
        "x/1": (x / 1, "div_by_one"),
        "x**1": (x**1, "pow_one"),
        "neg(neg(x))": (T.neg(T.neg(x)), "neg_neg"),
        "identity(x)": (T.identity(x), "remove_identity"),
    }


@pytest.mark.parametrize("spelling", list(spellings_of_identity(T.vector())))
@given(values=x_arrays)
def test_identities_vanish(spelling, values):
    x = T.vector("x")
    out, rule = spellings_of_identity(x)[spelling]
    f = assert_same_values([x], out, [values], optimizer="fast_compile")
    assert rule in f.history.rules()
    assert op_names(f) == []  # nothing left to compute


def test_a_neutral_element_that_broadcasts_is_kept():
    s = T.scalar("s")
    f = rewritten([s], s * np.ones(3))  # the ones give the result its shape
    assert f(2.0).shape == (3,)


@pytest.mark.parametrize(
    "spelling",
    ["1 - s", "-s + 1", "1 + (-1) * s", "1 + (-s)", "1 + s * -1", "0 - s + 1"],
)
@given(values=x_arrays)
def test_one_minus_has_one_spelling(spelling, values):
    x = T.vector("x")
    s = T.sigmoid(x)
    out = eval(spelling, {"s": s})
    f = assert_same_values([x], out, [values], optimizer="fast_compile")
    assert op_names(f) == ["Elemwise{sigmoid}", "Elemwise{sub}"], f.history


@given(values=x_arrays)
def test_constant_chains_fold(values):
    x = T.vector("x")
    # Reassociating rounds differently: equal to the last bit or so, not bit for bit.
    f = assert_same_values([x], (x * 2) * 3, [values], optimizer="fast_compile", exact=False)
    assert "fold_constant_chain" in f.history.rules()
    assert op_names(f) == ["Elemwise{mul}"]
    g = assert_same_values([x], 1 + (x + 2), [values], optimizer="fast_compile", exact=False)
    assert op_names(g) == ["Elemwise{add}"]


def test_constants_fold_to_one_constant():
    x = T.vector("x")
    f = rewritten([x], x * (T.exp(T.constant(0.0)) + 1))
    assert "constant_fold" in f.history.rules()
    np.testing.assert_array_equal(f([1.0, 2.0]), [2.0, 4.0])


def test_big_broadcasts_of_constants_are_not_baked_in():
    f = rewritten([], T.broadcast_to(T.constant(0.0), (500, 500)))
    assert op_names(f) == ["BroadcastTo"]


@given(values=arrays("float64", (2, 3)))
def test_double_transposes_vanish(values):
    m = T.matrix("m")
    f = assert_same_values([m], m.T.T, [values], optimizer="fast_compile")
    assert op_names(f) == []
    g = assert_same_values(
        [m], m.dimshuffle(1, "x", 0).dimshuffle(2, 0, 1), [values], optimizer="fast_compile"
    )
    assert op_names(g) == ["DimShuffle{0,1,x}"]


def test_sum_to_a_known_equal_shape_vanishes():
    a = T.tensor(dtype="float64", shape=(2, 3), name="a")
    b = T.tensor(dtype="float64", shape=(2, 3), name="b")
    g = T.grad((a * b).sum(), a)
    f = rewritten([a, b], g)
    assert not any("SumToShape" in name for name in op_names(f))


def test_the_sum_of_a_broadcast_number_is_a_product():
    x = T.matrix("x")
    s = T.scalar("s")
    total = T.broadcast_to(s, x.shape).sum()
    f = assert_same_values([x, s], total, [np.ones((3, 4)), np.array(0.5)], exact=False)
    assert "sum_of_broadcast" in f.history.rules()
    assert not any(name.startswith(("Sum", "BroadcastTo")) for name in op_names(f))


@given(values=arrays("float64", (2, 6)))
def test_reshape_chains_collapse(values):
    m = T.matrix("m")
    f = assert_same_values([m], m.reshape((3, 4)).reshape((4, 3)), [values])
    assert op_names(f).count("Reshape{ndim=2}") == 1
    g = assert_same_values([m], m.reshape(m.shape), [values])
    assert "Reshape{ndim=2}" not in op_names(g)


def test_a_logistic_regression_step_optimizes_to_the_expected_nodes():
    import tensorlab as tl

    X, t = T.matrix("X"), T.vector("t")
    w = tl.shared(np.zeros(5), name="w")
    b = tl.shared(0.0, name="b")
    p = T.nnet.sigmoid(T.dot(X, w) + b)
    loss = T.nnet.binary_crossentropy(p, t).mean()
    gw, gb = T.grad(loss, [w, b])
    step = tl.function([X, t], loss, updates=[(w, w - 0.1 * gw), (b, b - 0.1 * gb)])
    names = op_names(step)
    # Two products with X (forward and gradient); the count for the mean read off a
    # shape once; the gradient's elementwise work fused into one loop; the bias gradient
    # a plain sum. Sums back to a shape remain only where t might broadcast at run time.
    assert names.count("Dot") == 2 and names.count("Prod{axis=(0,)}") == 1
    assert sum("Composite" in name for name in names) >= 3
    assert "Sum{axis=(0,)}" in names and not any(name.startswith("DimShuffle{x") for name in names)
    assert len(names) == 33, "\n".join(names)  # lower it when fusion learns multiple outputs
    rng = np.random.default_rng(0)
    data, target = rng.normal(size=(8, 5)), (rng.random(8) > 0.5).astype(float)
    first = step(data, target)
    for _ in range(50):
        last = step(data, target)
    assert last < first


def test_x_over_x_is_left_alone_because_x_may_be_zero_or_infinite():
    # x / x is 1 only where x is finite and non-zero; at run time x may be neither, and
    # then the graph must give NumPy's nan. Constants are folded to their exact value.
    x = T.vector("x")
    f = rewritten([x], x / x)
    with np.errstate(all="ignore"):
        out = f(np.array([2.0, 0.0, np.inf]))
    np.testing.assert_array_equal(out, [1.0, np.nan, np.nan])
    c = T.constant(np.array([2.0, 4.0]))
    assert op_names(rewritten([], c / c)) == []
