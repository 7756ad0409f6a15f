"""Cases for `Composite`: fused elementwise programs give exactly the unfused values."""

from __future__ import annotations

import numpy as np

from tensorlab import scalar as sm
from tensorlab.scalar.basic import ScalarType
from tensorlab.scalar.composite import Composite
from tensorlab.tensor.elemwise import Elemwise
from tests.cases import Case
from tests.strategies import FLOATS, broadcastable_arrays


def _fused(build_scalar, n: int):
    """Build the graph `build_scalar` describes as a single Elemwise{Composite} node."""

    def build(*tensors):
        scalars = [ScalarType(t.dtype)(f"i{k}") for k, t in enumerate(tensors)]
        return Elemwise(Composite.from_graph(scalars, build_scalar(*scalars)))(*tensors)

    return build


CASES = [
    Case(
        Composite,
        _fused(lambda x, y: sm.sigmoid(x * y + 1.0) - sm.exp(-y), 2),
        lambda x, y: 1.0 / (1.0 + np.exp(-(x * y + 1.0))) - np.exp(-y),
        broadcastable_arrays(2, FLOATS),
        grad=(0, 1),
        grad_args=broadcastable_arrays(2, ("float64",)),
    ),
    Case(
        Composite,
        _fused(lambda x: sm.log(x) * sm.log(x) + x, 1),
        lambda x: np.log(x) * np.log(x) + x,
        broadcastable_arrays(1, FLOATS, low=0.5, high=4.0),
        grad=(0,),
        grad_args=broadcastable_arrays(1, ("float64",), low=0.5, high=4.0),
        name="Composite[shared step]",
    ),
]
