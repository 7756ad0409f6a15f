"""Stabilization, proven with extreme inputs: finite where the naive graph overflows."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given

import tensorlab as tl
import tensorlab.tensor as T
from tests.rewrite.check import AS_WRITTEN, op_names, rewritten
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
