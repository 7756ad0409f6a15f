"""int64 arithmetic that wraps around must give NumPy's values on every backend."""

import numpy as np
import pytest

import tensorlab as tl
import tensorlab.tensor as T

SMALLEST, LARGEST = np.iinfo(np.int64).min, np.iinfo(np.int64).max


@pytest.mark.parametrize("mode", ["python", "numba"])
def test_int64_results_that_wrap_around_are_numpys(mode):
    """Numba marks signed integer arithmetic `nsw`, so LLVM took abs(x) + 1 to be positive
    for the smallest int64 (where it wraps to a negative number) and dropped the sign fix
    of the `%` that divided by it: 2 % (abs(-2**63) + 1) came out 2, not -2**63 + 3
    (found by the differential test)."""
    x, y = T.lvector("x"), T.lvector("y")
    outputs = [y % (abs(x) + 1), x + y, x - y, x * y, -x, abs(x)]
    f = tl.function([x, y], outputs, mode=mode)
    xv = np.array([SMALLEST, SMALLEST, LARGEST, -3, 5])
    yv = np.array([2, -1, 1, LARGEST, SMALLEST])
    with np.errstate(over="ignore"):
        want = [yv % (np.abs(xv) + 1), xv + yv, xv - yv, xv * yv, -xv, np.abs(xv)]
    for got, expected in zip(f(xv, yv), want, strict=True):
        np.testing.assert_array_equal(got, expected)
