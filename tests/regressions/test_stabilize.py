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
