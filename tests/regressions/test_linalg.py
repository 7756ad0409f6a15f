"""Products must agree between the reference and the compiled backends on IEEE specials."""

import numpy as np
import pytest

import tensorlab as tl
import tensorlab.tensor as T


@pytest.mark.parametrize("mode", ["python", "numba"])
def test_a_product_with_a_zero_one_by_one_factor_keeps_nan(mode):
    """np.dot (and np.tensordot, which calls it) multiplies by a 1x1 operand with BLAS's
    axpy, which skips a factor of 0: nan * 0 came out 0 on the reference backend and nan
    on the Numba backend (found by the differential test)."""
    x, s, one = T.matrix("x"), T.scalar("s"), T.matrix("one", shape=(1, 1))
    f = tl.function([x, s, one], [T.dot(x, one), T.tensordot(x, s, axes=0)], mode=mode)
    by_dot, outer = f(np.array([[np.nan], [2.0]]), 0.0, [[0.0]])
    np.testing.assert_array_equal(by_dot, [[np.nan], [0.0]])
    np.testing.assert_array_equal(outer, [[np.nan], [0.0]])
