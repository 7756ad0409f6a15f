"""Random ops on the reference backend."""

import numpy as np

import tensorlab as tl
import tensorlab.tensor as T
from tensorlab.tensor.random import seed_state


def test_binomial_sample_of_shape_scalar():
    """RandomBinomial.perform returned the NumPy scalar that .sum(axis=-1) gives for a
    sample of shape (), where a 0-d array is the contract."""
    p = T.dscalar("p")
    draw = T.random.binomial(seed_state(0), None, n=2, p=p)[1]
    count = tl.function([p], draw, mode=tl.Mode("python", "none"))(0.3)
    assert isinstance(count, np.ndarray) and count.shape == () and count.dtype == np.int64
