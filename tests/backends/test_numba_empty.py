"""`memory.empty` makes the arrays `np.empty` makes, and refuses what it refuses."""

from __future__ import annotations

import numpy as np
import pytest
from numba import njit

from tensorlab.backends.numba.memory import empty


@njit
def make_float32(shape):
    return empty(shape, np.float32)


@njit
def make_bool(shape):
    return empty(shape, np.bool_)


@njit
def make_int64(shape):
    return empty(shape, np.dtype("int64"))


@pytest.mark.parametrize("shape", [(), (0,), (3,), (2, 0), (2, 3), (2, 3, 4)])
@pytest.mark.parametrize("make", [make_float32, make_bool, make_int64])
def test_empty_matches_numpy(shape, make):
    got = make(shape)
    want_dtype = {make_float32: np.float32, make_bool: np.bool_, make_int64: np.int64}[make]
    assert got.shape == shape
    assert got.dtype == want_dtype
    assert got.flags.c_contiguous and got.flags.writeable


def test_lengths_of_other_integer_types_are_read():
    assert make_float32((np.int32(2), np.uint8(3))).shape == (2, 3)


def test_negative_length_is_numpys_error():
    with pytest.raises(ValueError, match="negative dimensions are not allowed"):
        make_float32((2, -1))
