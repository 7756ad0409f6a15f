"""Gradients through integer and boolean values."""

import numpy as np

import tensorlab as tl
import tensorlab.tensor as T


def test_gradient_through_erf_of_a_boolean():
    x = T.dvector("x")
    g = tl.grad(T.erf(T.isnan(x)).sum(), x)
    np.testing.assert_array_equal(g.eval({x: [1.0, 2.0]}), [0.0, 0.0])
