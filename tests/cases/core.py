"""Cases for the core ops: arithmetic, comparisons, switch, cast, shape and broadcasting."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

import tensorlab.tensor as T
from tensorlab import scalar as sm
from tensorlab.tensor.dimshuffle import DimShuffle
from tensorlab.tensor.elemwise import Elemwise
from tensorlab.tensor.reduction import Sum
from tensorlab.tensor.shape import BroadcastTo, Shape, SumToShape
from tests.cases import Case
from tests.strategies import FLOATS, INTS, arrays, broadcastable_arrays, shapes


def elementwise(
    key,
    build,
    numpy,
    n=2,
    dtypes=FLOATS,
    grad=None,
    avoid=(),
    low=-3.0,
    high=3.0,
    exact=True,
    name="",
):
    """A case for an elementwise op over broadcastable inputs of one dtype."""
    grad = tuple(range(n)) if grad is None else grad
    args = broadcastable_arrays(n, dtypes, low=low, high=high)
    grad_args = (
        broadcastable_arrays(n, ("float64",), low=low, high=high, avoid=avoid) if grad else None
    )
    return Case(key, build, numpy, args, grad=grad, grad_args=grad_args, exact=exact, name=name)


CASES = [
    elementwise(sm.Add, lambda x, y: x + y, np.add),
    elementwise(sm.Add, lambda x, y: x + y, np.add, dtypes=INTS, grad=(), name="Add[int]"),
    elementwise(sm.Sub, lambda x, y: x - y, np.subtract),
    elementwise(sm.Mul, lambda x, y: x * y, np.multiply),
    elementwise(sm.Mul, lambda x, y: x * y, np.multiply, dtypes=INTS, grad=(), name="Mul[int]"),
    elementwise(sm.TrueDiv, lambda x, y: x / y, np.true_divide, low=0.5, high=3.0),
    elementwise(
        sm.TrueDiv,
        lambda x, y: x / y,
        np.true_divide,
        dtypes=INTS,
        grad=(),
        low=1,
        high=9,
        name="TrueDiv[int]",
    ),
    elementwise(
        sm.IntDiv, lambda x, y: x // y, np.floor_divide, dtypes=INTS, grad=(), low=-9, high=9
    ),
    elementwise(sm.Mod, lambda x, y: x % y, np.mod, dtypes=INTS, grad=(), low=-9, high=9),
    # kinks of mod lie wherever x / y is an integer: its gradient is tested at chosen points
    elementwise(sm.Mod, lambda x, y: x % y, np.mod, grad=(), low=0.5, high=3.0, name="Mod[float]"),
    elementwise(sm.Pow, lambda x, y: x**y, np.power, low=0.5, high=2.0),
    elementwise(sm.Neg, lambda x: -x, np.negative, n=1),
    elementwise(sm.Exp, T.exp, np.exp, n=1),
    elementwise(sm.Log, T.log, np.log, n=1, low=0.1, high=5.0),
    elementwise(sm.Sigmoid, T.sigmoid, lambda x: 1.0 / (1.0 + np.exp(-x)), n=1, low=-8, high=8),
    elementwise(sm.Lt, lambda x, y: x < y, np.less, grad=()),
    elementwise(sm.Gt, lambda x, y: x > y, np.greater, grad=()),
    elementwise(sm.Le, T.le, np.less_equal, grad=(), dtypes=INTS, low=-2, high=2),
    elementwise(sm.Ge, T.ge, np.greater_equal, grad=(), dtypes=INTS, low=-2, high=2),
    elementwise(sm.Eq, T.eq, np.equal, grad=(), dtypes=INTS, low=-2, high=2),
    elementwise(sm.Neq, T.neq, np.not_equal, grad=(), dtypes=INTS, low=-2, high=2),
    elementwise(
        sm.Switch,
        lambda x, a, b: T.switch(x > 0, a, b),
        lambda x, a, b: np.where(x > 0, a, b),
        n=3,
        grad=(1, 2),
    ),
    Case(
        sm.Cast,
        lambda x: T.cast(x, "int32"),
        lambda x: x.astype("int32"),
        st.lists(arrays("float64", (5,), -100, 100), min_size=1, max_size=1),
    ),
    Case(
        sm.Cast,
        lambda x: T.cast(x, "float32"),
        lambda x: x.astype("float32"),
        shapes().flatmap(lambda s: st.lists(arrays("float64", s), min_size=1, max_size=1)),
        grad=(0,),
        name="Cast[float32]",
    ),
    Case(
        Elemwise,
        lambda x, y, z: x * y + z,
        lambda x, y, z: x * y + z,
        broadcastable_arrays(3, FLOATS),
        grad=(0, 1, 2),
        name="Elemwise[broadcast3]",
    ),
    Case(
        Shape,
        lambda x: T.shape(x),
        lambda x: np.asarray(x.shape, dtype=np.int64),
        shapes().flatmap(lambda s: st.lists(arrays("float64", s), min_size=1, max_size=1)),
    ),
    Case(
        BroadcastTo,
        lambda x: T.broadcast_to(x, (2, 3, 4)),
        lambda x: np.broadcast_to(x, (2, 3, 4)),
        st.sampled_from([(4,), (3, 1), (1, 4), (2, 1, 1), ()]).flatmap(
            lambda s: st.lists(arrays("float64", s), min_size=1, max_size=1)
        ),
        grad=(0,),
    ),
    Case(
        SumToShape,
        lambda g, x: T.sum_to_shape(g, x),
        lambda g, x: (
            np.broadcast_to(g, np.broadcast_shapes(g.shape, x.shape))
            .sum(axis=tuple(range(max(0, g.ndim - x.ndim))))
            .sum(
                axis=tuple(
                    i for i, n in enumerate(x.shape) if n == 1 and g.shape[g.ndim - x.ndim + i] != 1
                ),
                keepdims=True,
            )
        ),
        st.sampled_from(
            [((2, 3), (3,)), ((2, 3), (1, 3)), ((2, 3), (2, 1)), ((4, 2, 3), ()), ((2, 3), (2, 3))]
        ).flatmap(lambda s: st.tuples(arrays("float64", s[0]), arrays("float64", s[1])).map(list)),
        grad=(0,),
    ),
    Case(
        DimShuffle,
        lambda x: x.dimshuffle(1, "x", 0),
        lambda x: x.T[:, None, :],
        shapes(2, 2).flatmap(lambda s: st.lists(arrays("float32", s), min_size=1, max_size=1)),
        grad=(0,),
        grad_args=shapes(2, 2).flatmap(
            lambda s: st.lists(arrays("float64", s), min_size=1, max_size=1)
        ),
    ),
    Case(
        DimShuffle,
        lambda x: x.dimshuffle(0, 2),
        lambda x: x[:, 0, :],
        st.lists(arrays("float64", (3, 1, 2)), min_size=1, max_size=1),
        grad=(0,),
        name="DimShuffle[drop]",
    ),
    Case(
        Sum,
        lambda x: x.sum(axis=0),
        lambda x: x.sum(axis=0),
        shapes(1, 3).flatmap(lambda s: st.lists(arrays("float64", s), min_size=1, max_size=1)),
        grad=(0,),
        exact=False,
    ),
    Case(
        Sum,
        lambda x: x.sum(axis=(0, -1), keepdims=True),
        lambda x: x.sum(axis=(0, -1), keepdims=True),
        shapes(2, 3).flatmap(
            lambda s: st.lists(arrays("int8", s, -100, 100), min_size=1, max_size=1)
        ),
        name="Sum[int8,keepdims]",
    ),
]
