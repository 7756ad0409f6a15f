"""Stabilization, proven with extreme inputs: finite where the naive graph overflows."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given

import tensorlab as tl
import tensorlab.tensor as T
from tests.rewrite.check import AS_WRITTEN, assert_same_values, op_names, rewritten
from tests.strategies import arrays

EXTREME = np.array([-800.0, -30.0, -1.0, 0.0, 1.0, 30.0, 800.0])


def spellings_of_log_one_minus_sigmoid(x):
    s = T.sigmoid(x)
    return [
        T.log(1 - s),
        T.log(-s + 1),
        T.log(1 + (-1) * s),
        T.log(1 + T.neg(s)),
        T.log(1 - T.nnet.sigmoid(x)),
    ]


def test_log_sigmoid_is_finite_at_extremes():
    x = T.vector("x")
    f = rewritten([x], T.log(T.sigmoid(x)))
    out = f(EXTREME)
    assert np.isfinite(out).all() and "log_sigmoid" in f.history.rules()
    np.testing.assert_allclose(out, -np.logaddexp(0, -EXTREME), rtol=1e-12)
    with np.errstate(all="ignore"):
        naive = tl.function([x], T.log(T.sigmoid(x)), mode=AS_WRITTEN)(EXTREME)
    assert not np.isfinite(naive).all()  # the rule is needed, not decoration


@pytest.mark.parametrize("index", range(5))
def test_log_one_minus_sigmoid_on_every_spelling(index):
    x = T.vector("x")
    out = spellings_of_log_one_minus_sigmoid(x)[index]
    f = rewritten([x], out)
    assert "log_one_minus_sigmoid" in f.history.rules(), f.history
    np.testing.assert_allclose(f(EXTREME), -np.logaddexp(0, EXTREME), rtol=1e-12)


@given(values=arrays("float64", (5,), -700, 700))
def test_stabilized_values_are_exact_over_the_whole_range(values):
    x = T.vector("x")
    s = T.sigmoid(x)
    f = rewritten([x], [T.log(s), T.log(1 - s), T.log(1 + T.exp(x))])
    log_s, log_one_minus_s, softplus = f(values)
    np.testing.assert_allclose(log_s, -np.logaddexp(0, -values), rtol=1e-12)
    np.testing.assert_allclose(log_one_minus_s, -np.logaddexp(0, values), rtol=1e-12)
    np.testing.assert_allclose(softplus, np.logaddexp(0, values), rtol=1e-12)


def test_log_one_plus_exp_becomes_softplus():
    x = T.vector("x")
    f = rewritten([x], T.log(1 + T.exp(x)))
    assert "log1p_exp_to_softplus" in f.history.rules()
    np.testing.assert_allclose(f(EXTREME), np.logaddexp(0, EXTREME), rtol=1e-12)
    g = rewritten([x], T.log1p(T.exp(x)))
    assert np.isfinite(g(EXTREME)).all()


def test_log_one_plus_x_and_exp_minus_one_keep_small_digits():
    x = T.vector("x")
    tiny = np.array([1e-18, -1e-17, 1e-10])
    f = rewritten([x], [T.log(1 + x), T.exp(x) - 1])
    assert {"log_one_plus", "exp_minus_one"} <= set(f.history.rules())
    log1p, expm1 = f(tiny)
    np.testing.assert_allclose(log1p, np.log1p(tiny), rtol=1e-15)
    np.testing.assert_allclose(expm1, np.expm1(tiny), rtol=1e-15)


def test_log_softmax_and_crossentropy_are_finite_for_huge_logits():
    z = T.matrix("z")
    logits = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 3.0]])
    f = rewritten([z], T.log(T.nnet.softmax(z)))
    assert "log_softmax" in f.history.rules() and np.isfinite(f(logits)).all()
    y = T.lvector("y")
    direct = T.nnet.crossentropy_categorical_1hot(T.nnet.softmax(z), y).mean()
    d = rewritten([z, y], direct)
    assert "crossentropy_softmax" in d.history.rules()
    assert op_names(d)[0] == "CrossentropySoftmax1Hot", op_names(d)  # no softmax left
    assert d(logits, np.array([1, 0])) == pytest.approx(2e4)
    # categorical_crossentropy builds CrossentropySoftmax1Hot itself: its gradient is finite too
    loss = T.nnet.categorical_crossentropy(T.nnet.softmax(z), y).mean()
    g = rewritten([z, y], [loss, T.grad(loss, z)])
    value, gradient = g(logits, np.array([1, 0]))
    assert value == pytest.approx(2e4) and np.isfinite(gradient).all()
    t = T.matrix("t")
    one_hot = T.nnet.categorical_crossentropy(T.nnet.softmax(z), t).mean()
    h = rewritten([z, t], one_hot)
    assert h(logits, np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])) == pytest.approx(2e4)


def test_binary_crossentropy_of_sigmoid_is_finite_at_extremes():
    z, t = T.vector("z"), T.vector("t")
    loss = T.nnet.binary_crossentropy(T.nnet.sigmoid(z), t).sum()
    f = rewritten([z, t], [loss, T.grad(loss, z)])
    value, gradient = f(np.array([800.0, -800.0]), np.array([0.0, 1.0]))
    assert value == pytest.approx(1600.0) and np.isfinite(gradient).all()


def test_logsumexp_is_finite_and_matches_numpy():
    x = T.matrix("x")
    big = np.array([[1000.0, 1000.0, -5.0], [-np.inf, -np.inf, -np.inf]])
    f = rewritten([x], T.log(T.exp(x).sum(axis=1)))
    assert "logsumexp" in f.history.rules()
    out = f(big)
    assert out[0] == pytest.approx(1000.0 + np.log(2.0)) and out[1] == -np.inf
    verify = np.array([[0.1, 0.2], [3.0, -1.0]])
    np.testing.assert_allclose(f(verify), np.log(np.exp(verify).sum(axis=1)), rtol=1e-12)


def tutorial_loss(z, y):
    """The loss of Theano's logistic-regression tutorial, as written there."""
    return -T.mean(T.log(T.nnet.softmax(z))[T.arange(y.shape[0]), y])


def test_theano_tutorial_loss_and_its_gradient_become_the_fused_ops():
    z, y = T.matrix("z"), T.lvector("y")
    loss = tutorial_loss(z, y)
    outputs = [loss, T.grad(loss, z)]
    rng = np.random.default_rng(5)
    values = [rng.standard_normal((6, 4)), rng.integers(0, 4, 6)]
    f = assert_same_values([z, y], outputs, values, exact=False)
    rules = f.history.rules()
    for rule in ("crossentropy_softmax_indexed", "log_softmax_grad"):
        assert rule in rules
    assert "crossentropy_softmax_indexed_grad" in rules
    ops = op_names(f)
    assert "CrossentropySoftmax1Hot" in ops and "CrossentropySoftmax1HotDx" in ops
    for gone in ("AdvancedSubtensor{idx, idx}", "AdvancedIncSubtensor{idx, idx}", "ARange"):
        assert not any(name.startswith(gone) for name in ops), ops


def test_theano_tutorial_gradient_is_finite_for_huge_logits():
    z, y = T.matrix("z"), T.lvector("y")
    loss = tutorial_loss(z, y)
    logits = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 3.0]])
    labels = np.array([1, 0])
    value, gradient = rewritten([z, y], [loss, T.grad(loss, z)])(logits, labels)
    assert value == pytest.approx(2e4)
    np.testing.assert_allclose(gradient, [[0.5, -0.5, 0.0], [-0.5, 0.5, 0.0]], atol=1e-12)
    with np.errstate(all="ignore"):
        naive = tl.function([z, y], T.grad(loss, z), mode=AS_WRITTEN)(logits, labels)
    assert not np.isfinite(naive).all()  # the rules are needed, not decoration


def test_gradient_of_log_softmax_against_targets_is_finite_for_huge_logits():
    z, t = T.matrix("z"), T.matrix("t")
    loss = -(t * T.log(T.nnet.softmax(z))).sum()
    logits = np.array([[1e4, -1e4, 0.0]])
    targets = np.array([[0.2, 0.5, 0.3]])
    f = rewritten([z, t], T.grad(loss, z))
    assert "log_softmax_grad" in f.history.rules()
    np.testing.assert_allclose(f(logits, targets), [[0.8, -0.5, -0.3]], atol=1e-12)
    moderate = np.array([[0.5, -1.0, 2.0]])
    assert_same_values([z, t], T.grad(loss, z), [moderate, targets], exact=False)


def test_gradient_of_crossentropy_1hot_of_softmax_is_fused():
    z, y = T.matrix("z"), T.lvector("y")
    loss = T.nnet.crossentropy_categorical_1hot(T.nnet.softmax(z), y).sum()
    rng = np.random.default_rng(6)
    values = [rng.standard_normal((5, 3)), rng.integers(0, 3, 5)]
    f = assert_same_values([z, y], T.grad(loss, z), values, exact=False)
    assert "log_softmax_grad" in f.history.rules()
    ops = op_names(f)
    assert "CrossentropySoftmax1HotDx" in ops
    assert "Softmax{axis=(1,)}" not in ops and "CrossentropyCategorical1HotGrad" not in ops, ops


@pytest.mark.parametrize(
    "picked",
    [
        lambda lp, z, y: lp[T.arange(z.shape[0]), y],  # rows counted from z, not from y
        lambda lp, z, y: lp[T.arange(1, y.shape[0] + 1) - 1, y],  # not arange(0, n, 1)
        lambda lp, z, y: lp[y, T.arange(y.shape[0])],  # labels pick the rows
    ],
)
def test_other_indexing_of_log_softmax_is_left_as_written(picked):
    z, y = T.matrix("z"), T.lvector("y")
    loss = -T.mean(picked(T.log(T.nnet.softmax(z)), z, y))
    rng = np.random.default_rng(7)
    values = [rng.standard_normal((3, 3)), rng.integers(0, 3, 3)]
    f = assert_same_values([z, y], [loss, T.grad(loss, z)], values, exact=False)
    assert "crossentropy_softmax_indexed" not in f.history.rules()


def test_fewer_labels_than_rows_is_refused_by_the_fused_op():
    z, y = T.matrix("z"), T.lvector("y")
    f = rewritten([z, y], tutorial_loss(z, y))
    # the fused op's error, at the line that wrote the loss
    with pytest.raises(tl.errors.ShapeError, match=r"one class index per row(.|\n)*T\.arange"):
        f(np.zeros((3, 2)), np.array([0, 1]))


def test_rewritten_nodes_keep_the_users_line():
    x = T.vector("x")
    y = T.log(1 + x)  # log1p's node is built by a rewrite, at this line
    f = rewritten([x], y)
    (node,) = [n for n in f.fgraph.toposort() if "log1p" in str(n.op)]
    assert node.source is not None and "T.log(1 + x)" in node.source.code
