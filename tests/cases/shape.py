"""Cases for the shape ops: reshape and flatten, stack and join, arange, specify_shape, and
the functions built on `BroadcastTo` (fill, alloc, ones_like) and `DimShuffle` (squeeze,
expand_dims)."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

import tensorlab.tensor as T
from tensorlab.tensor.creation import ARange
from tensorlab.tensor.dimshuffle import DimShuffle
from tensorlab.tensor.join import Join, Stack
from tensorlab.tensor.reshape import Reshape
from tensorlab.tensor.shape import BroadcastTo, SpecifyShape
from tests.cases import Case
from tests.strategies import (
    FLOATS,
    INTS,
    NUMERIC,
    arrays,
    arrays_for,
    int64_scalars,
    joinable_shapes,
    one_array,
    reshape_targets,
    shapes,
    with_value,
)


def reshaped_pairs(dtype: str = "float64") -> st.SearchStrategy[list[np.ndarray]]:
    """[x, y]: y has as many elements as x, in another shape (y's shape is the target)."""
    return shapes().flatmap(
        lambda s: st.tuples(
            arrays(dtype, s),
            reshape_targets(s).map(lambda t: np.zeros(np.zeros(s).reshape(t).shape, dtype)),
        ).map(list)
    )


def same_shape(n: int, dtype_choices=FLOATS, min_dims: int = 0) -> st.SearchStrategy:
    return arrays_for(shapes(min_dims, 3).map(lambda s: (s,) * n), dtype_choices)


STEPS = int64_scalars(-3, 3).filter(lambda step: step != 0)
# (stop - start) / step stays within (3, 4): moving start or step a little keeps the length.
STEADY_RANGES = st.tuples(
    arrays("float64", (), 0.0, 0.2),
    arrays("float64", (), 3.5, 3.6),
    arrays("float64", (), 1.0, 1.05),
).map(list)

CASES = [
    Case(
        Reshape,
        lambda x, y: T.reshape(x, y.shape),
        lambda x, y: x.reshape(y.shape),
        reshaped_pairs(),
        grad=(0,),
    ),
    Case(
        Reshape,
        lambda x: T.reshape(x, (x.shape[0], -1)),
        lambda x: x.reshape(x.shape[0], -1),
        one_array(NUMERIC, 1, 3),
        name="Reshape[-1]",
    ),
    Case(
        Reshape,
        lambda x: T.reshape(x, (2, -1)),
        lambda x: x.reshape(2, -1),
        st.sampled_from([(2, 3), (4,), (1, 2, 2), (6, 1)]).flatmap(
            lambda s: arrays("float32", s).map(lambda a: [a])
        ),
        static=True,
        name="Reshape[static]",
    ),
    Case(
        Reshape,
        lambda x: T.flatten(x, 2),
        lambda x: x.reshape(x.shape[0], -1),
        one_array(("float64",), 2, 3),
        grad=(0,),
        name="Reshape[flatten]",
    ),
    Case(
        Reshape,
        lambda x: x.flatten(),
        lambda x: x.ravel(),
        one_array(INTS, 0, 3),
        static=True,
        name="Reshape[flatten,static]",
    ),
    Case(
        Stack,
        lambda a, b, c: T.stack([a, b, c], axis=-1),
        lambda a, b, c: np.stack([a, b, c], axis=-1),
        same_shape(3),
        grad=(0, 1, 2),
    ),
    Case(
        Stack,
        lambda a, b: T.stack([a, b]),
        lambda a, b: np.stack([a, b]),
        st.tuples(arrays("int32", (), -9, 9), arrays("int64", (), -9, 9)).map(list),
        name="Stack[int scalars]",
    ),
    Case(
        Join,
        lambda a, b: T.concatenate([a, b], axis=-1),
        lambda a, b: np.concatenate([a, b], axis=-1),
        arrays_for(joinable_shapes(2, axis=-1).map(lambda pair: pair[0])),
        grad=(0, 1),
    ),
    Case(
        Join,
        lambda a, b, c: T.join(1, a, b, c),
        lambda a, b, c: np.concatenate([a, b, c], axis=1),
        arrays_for(joinable_shapes(3, axis=1).map(lambda pair: pair[0]), INTS),
        name="Join[int]",
    ),
    Case(
        ARange,
        lambda start, stop, step: T.arange(start, stop, step),
        lambda start, stop, step: np.arange(start, stop, step),
        st.tuples(int64_scalars(-6, 6), int64_scalars(-6, 6), STEPS).map(list),
        name="ARange[int]",
    ),
    Case(
        ARange,
        lambda n: T.arange(n),
        lambda n: np.arange(n),
        arrays("int32", (), 0, 9).map(lambda n: [n]),
        name="ARange[int32]",
    ),
    Case(
        ARange,
        lambda start, stop, step: T.arange(start, stop, step),
        lambda start, stop, step: np.arange(start, stop, step),
        st.tuples(
            arrays("float64", (), -3, 3),
            arrays("float64", (), -3, 3),
            arrays("float64", (), 0.3, 2),
        ).map(list),
        grad=(0, 2),
        grad_args=STEADY_RANGES,
        name="ARange[float]",
    ),
    Case(
        SpecifyShape,
        lambda x: T.addbroadcast(x, 0),
        lambda x: x,
        shapes(1, 3).flatmap(lambda s: arrays("float64", (1, *s[1:])).map(lambda a: [a])),
        grad=(0,),
    ),
    Case(
        BroadcastTo,
        lambda x, v: T.fill(x, v),
        lambda x, v: np.broadcast_to(v, x.shape),
        with_value(one_array(FLOATS), lambda x: x),
        grad=(1,),
        name="BroadcastTo[fill]",
    ),
    Case(
        BroadcastTo,
        lambda v, n: T.alloc(v, n, 3),
        lambda v, n: np.broadcast_to(v, (n, 3)),
        st.tuples(
            st.sampled_from([(), (3,), (1, 3), (1,)]).flatmap(lambda s: arrays("float64", s)),
            int64_scalars(0, 3),
        ).map(list),
        grad=(0,),
        name="BroadcastTo[alloc]",
    ),
    Case(
        BroadcastTo,
        lambda x: T.ones_like(x),
        np.ones_like,
        one_array(NUMERIC),
        name="BroadcastTo[ones_like]",
    ),
    Case(
        DimShuffle,
        lambda x: T.squeeze(x, axis=1),
        lambda x: np.squeeze(x, axis=1),
        shapes(2, 3).flatmap(lambda s: arrays("float64", (s[0], 1, *s[2:])).map(lambda a: [a])),
        grad=(0,),
        name="DimShuffle[squeeze]",
    ),
    Case(
        DimShuffle,
        lambda x: T.expand_dims(x, (0, -1)),
        lambda x: np.expand_dims(x, (0, -1)),
        one_array(NUMERIC),
        name="DimShuffle[expand_dims]",
    ),
]
