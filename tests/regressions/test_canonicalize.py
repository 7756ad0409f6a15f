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
