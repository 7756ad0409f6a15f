"""Reshaping tensors with no elements."""

import numpy as np
import pytest

import tensorlab as tl
import tensorlab.tensor as T


@pytest.mark.parametrize(("ndim", "expected"), [(2, (0, 0)), (3, (0, 0, 1))])
def test_flatten_of_an_empty_tensor(ndim, expected):
    """flatten reshaped to (kept lengths..., -1), and -1 is ambiguous for an empty tensor
    whose kept lengths include 0."""
    x = T.dtensor3("x")
    f = tl.function([x], T.flatten(x, ndim=ndim), mode=tl.Mode("python", "none"))
    assert f(np.zeros((0, 0, 1))).shape == expected
