"""DimShuffle that drops every axis of its input and adds new ones."""

import numpy as np

import tensorlab as tl
import tensorlab.tensor as T


def test_drop_the_only_axis_and_add_one_in_numba():
    """x[0] of a length-1 vector is a number in Numba, not an array to add axes to."""
    x = T.tensor("float32", shape=(1,), name="x")
    f = tl.function([x], [x.dimshuffle("x"), x.dimshuffle("x", "x")], mode="numba")
    a, b = f(np.array([2.5], dtype="float32"))
    assert a.shape == (1,) and b.shape == (1, 1) and a.dtype == b.dtype == np.float32
    assert a[0] == b[0, 0] == np.float32(2.5)
