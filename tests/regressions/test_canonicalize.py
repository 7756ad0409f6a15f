"""Canonicalizing rewrites must keep the value of every graph they apply to."""

import numpy as np
import pytest

import tensorlab as tl
import tensorlab.tensor as T


@pytest.mark.parametrize(
    "build",
    [lambda x, y: y + (-x), lambda x, y: (-x) + y, lambda x, y: y - (-x)],
    ids=["a + neg(b)", "neg(b) + a", "a - neg(b)"],
)
def test_negation_that_wraps_is_not_moved_into_a_wider_sum(build):
    """add_neg_to_sub and sub_neg_to_add turned a + neg(b) into a - b (a - neg(b) into
    a + b) for b an integer narrower than the result: neg(-128) wraps to -128 in int8,
    where a - b computes +128 in the wider dtype."""
    x, y = T.bvector("x"), T.lvector("y")
    values = [np.array([-128, 5], dtype=np.int8), np.array([0, 0])]
    as_written = tl.function([x, y], build(x, y), mode=tl.Mode("python", "none"))(*values)
    rewritten = tl.function([x, y], build(x, y), mode=tl.Mode("python", "fast_compile"))(*values)
    np.testing.assert_array_equal(rewritten, as_written)


@pytest.mark.parametrize(
    "build",
    [lambda x: x * -1, lambda x: -1 * x, lambda x: 0 - x],
    ids=["x * -1", "-1 * x", "0 - x"],
)
def test_booleans_times_minus_one_are_not_negated(build):
    """mul_minus_one turned (-1) * x into neg(x) and zero_minus 0 - x into neg(x) for a
    boolean x, and neg refuses booleans (found by the differential test)."""
    x = T.tensor("bool", shape=(None,), name="x")
    value = np.array([True, False])
    f = tl.function([x], build(x), mode=tl.Mode("python", "fast_compile"))
    np.testing.assert_array_equal(f(value), build(value))
