"""Stabilizing rewrites must keep the value of every graph they apply to."""

import numpy as np

import tensorlab as tl
import tensorlab.tensor as T


def test_logsumexp_over_an_empty_axis():
    """The logsumexp rewrite shifted by max(x, axis), which raised for an axis of length
    0, where log(sum(exp(x))) is -inf."""
    x = T.dmatrix("x")
    y = T.log(T.sum(T.exp(x), axis=0))
    values = np.zeros((0, 2))
    with np.errstate(divide="ignore"):
        as_written = tl.function([x], y, mode=tl.Mode("python", "none"))(values)
        rewritten = tl.function([x], y, mode=tl.Mode("python", "fast_run"))(values)
    np.testing.assert_array_equal(as_written, [-np.inf, -np.inf])
    np.testing.assert_array_equal(rewritten, as_written)


def test_log_softmax_gradient_when_the_gradient_reaching_it_broadcasts():
    """`log_softmax_grad` rewrote (g / s - sum(g / s * s)) * s, s = softmax(z), to
    g - s * sum(g) as if g had z's shape. A random graph whose g was a number (the sum's
    gradient, a constant after canonicalize) raised AxisError while rewriting; a g that
    broadcasts along the softmax axis would have been summed once instead of once per
    element. Such a g is now broadcast to z's shape first."""
    z, g = T.dmatrix("z"), T.dmatrix("g")
    rng = np.random.default_rng(8)
    logits = rng.standard_normal((4, 3))
    s = T.nnet.softmax(z)
    r = g / s  # softmax's gradient of log's gradient, as `grad` writes them
    by_hand = (r - (r * s).sum(axis=1, keepdims=True)) * s
    cases = [
        ([z], T.grad(T.log(s).sum(), z), [logits]),
        ([z, g], by_hand, [logits, rng.random((1, 3))]),  # one row for every row
        ([z, g], by_hand, [logits, rng.random((4, 1))]),  # one number per row
        ([z, g], by_hand, [logits, rng.random((4, 3))]),
    ]
    for inputs, out, values in cases:
        rewritten = tl.function(inputs, out, mode=tl.Mode("python", "fast_run"))
        as_written = tl.function(inputs, out, mode=tl.Mode("python", "none"))
        assert "log_softmax_grad" in rewritten.history.rules()
        np.testing.assert_allclose(rewritten(*values), as_written(*values), rtol=1e-12, atol=1e-12)
