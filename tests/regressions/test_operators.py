"""Python operators between tensor variables and NumPy values."""

import numpy as np
import pytest

import tensorlab.tensor as T


@pytest.mark.parametrize(
    "left", [np.float32(0.5), np.float64(0.5), np.int64(2), np.array([1.0, 2.0])], ids=repr
)
def test_numpy_value_on_the_left_of_an_operator(left):
    """NumPy's operator converted the variable with __array__, which raises, instead of
    handing over to the variable's reflected operator (`__array_ufunc__ = None`)."""
    x = T.dvector("x")
    expected = left * np.array([3.0, 4.0])
    np.testing.assert_array_equal((left * x).eval({x: [3.0, 4.0]}), expected)
