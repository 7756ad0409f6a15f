"""Cases for the reductions: prod, max, min, argmax, argmin, all, any, and mean/var/std.

`mean`, `var` and `std` are sums divided by a count (no op of their own): their cases are
filed under `Sum`, the op that carries them.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

import tensorlab.tensor as T
from tensorlab.tensor.reduction import All, Any, Argmax, Argmin, Max, Min, Prod, Sum
from tests.cases import Case
from tests.strategies import (
    FLOATS,
    INTS,
    arrays,
    arrays_of,
    one_array,
    shapes,
    spaced_arrays,
)


def one(strategy_of_shape, min_dims=0, max_dims=3):
    """One array per draw, its shape drawn first."""
    return shapes(min_dims, max_dims).flatmap(lambda s: strategy_of_shape(s).map(lambda a: [a]))


# Zeros (one or several per reduced slice) are where prod's gradient needs care; prod is
# multilinear, so finite differences are exact there too.
WITH_ZEROS = one(lambda s: arrays_of([0.0, 0.0, -1.5, -0.5, 0.5, 1.25, 2.0], "float64", s), 1)
SPACED = one(lambda s: spaced_arrays("float64", s), 1)
# Ties on purpose: few distinct values.
TIED = one(lambda s: arrays_of([-1.0, 0.0, 2.0], "float32", s), 1)
FLOAT16 = one(lambda s: arrays("float32", s).map(lambda a: a.astype("float16")), 1)
FLOAT64 = one_array(("float64",), 1, 3)
# More than one element over the first two axes, for ddof=1.
SEVERAL = one(lambda s: arrays("float64", s), 2).filter(lambda a: a[0].shape[0] * a[0].shape[1] > 1)

CASES = [
    Case(
        Prod,
        lambda x: x.prod(axis=-1),
        lambda x: x.prod(axis=-1),
        one_array(FLOATS, 1, 3, low=-2.0, high=2.0),
        grad=(0,),
        grad_args=WITH_ZEROS,
        exact=False,
    ),
    Case(
        Prod,
        lambda x: T.prod(x, axis=(0, 1), keepdims=True),
        lambda x: np.prod(x, axis=(0, 1), keepdims=True),
        one_array(INTS, 2, 3, low=-3, high=3),
        name="Prod[int,keepdims]",
    ),
    Case(
        Prod,
        lambda x: T.prod(x),
        lambda x: np.prod(x),
        WITH_ZEROS,
        grad=(0,),
        exact=False,
        name="Prod[zeros,all]",
    ),
    Case(
        Max,
        lambda x: T.max(x, axis=0),
        lambda x: np.max(x, axis=0),
        one_array(FLOATS + INTS, 1, 3),
        grad=(0,),
        grad_args=SPACED,
    ),
    Case(
        Max,
        lambda x: T.max(x, keepdims=True),
        lambda x: np.max(x, keepdims=True),
        TIED,
        name="Max[ties,all,keepdims]",
    ),
    Case(
        Min,
        lambda x: T.min(x, axis=-1),
        lambda x: np.min(x, axis=-1),
        one_array(FLOATS + INTS, 1, 3),
        grad=(0,),
        grad_args=SPACED,
    ),
    Case(
        Min,
        lambda x: T.min(x, axis=(0, -1)),
        lambda x: np.min(x, axis=(0, -1)),
        one_array(("bool", "uint8", "float32"), 2, 3, low=0, high=9),
        name="Min[unsigned,bool]",
    ),
    Case(
        Argmax,
        lambda x: T.argmax(x, axis=-1),
        lambda x: np.argmax(x, axis=-1),
        one_array(FLOATS + INTS, 1, 3),
    ),
    Case(
        Argmax,
        lambda x: T.argmax(x, keepdims=True),
        lambda x: np.argmax(x, keepdims=True),
        TIED,
        name="Argmax[ties,flat,keepdims]",
    ),
    Case(
        Argmin,
        lambda x: T.argmin(x, axis=0),
        lambda x: np.argmin(x, axis=0),
        one_array(FLOATS + INTS, 1, 3),
    ),
    Case(
        Argmin,
        lambda x: T.argmin(x),
        lambda x: np.argmin(x),
        TIED,
        name="Argmin[ties,flat]",
    ),
    Case(
        All,
        lambda x: T.all(x, axis=-1),
        lambda x: np.all(x, axis=-1),
        one_array(("bool", "int8", "float64"), 1, 3, low=0, high=2),
    ),
    Case(
        Any,
        lambda x: T.any(x, axis=(0,), keepdims=True),
        lambda x: np.any(x, axis=(0,), keepdims=True),
        one_array(("bool", "int32", "float32"), 1, 3, low=0, high=1),
    ),
    Case(
        Sum,
        lambda x: T.mean(x, axis=-1),
        lambda x: np.mean(x, axis=-1),
        st.one_of(one_array(FLOATS + INTS + ("bool", "uint8"), 1, 3), FLOAT16),
        grad=(0,),
        grad_args=FLOAT64,
        name="mean",
    ),
    Case(
        Sum,
        lambda x: T.mean(x, keepdims=True),
        lambda x: np.mean(x, keepdims=True),
        one_array(FLOATS, 0, 3),
        static=True,
        name="mean[static,all]",
    ),
    Case(
        Sum,
        lambda x: T.var(x, axis=0),
        lambda x: np.var(x, axis=0),
        st.one_of(one_array(FLOATS + INTS + ("bool",), 1, 3), FLOAT16),
        grad=(0,),
        grad_args=FLOAT64,
        name="var",
    ),
    Case(
        Sum,
        lambda x: T.var(x, axis=(0, 1), ddof=1, keepdims=True),
        lambda x: np.var(x, axis=(0, 1), ddof=1, keepdims=True),
        SEVERAL,
        grad=(0,),
        name="var[ddof=1]",
    ),
    Case(
        Sum,
        lambda x: T.std(x, axis=-1),
        lambda x: np.std(x, axis=-1),
        one_array(FLOATS + INTS, 1, 3),
        grad=(0,),
        grad_args=SPACED.filter(lambda a: a[0].shape[-1] > 1),  # std'(0) is infinite
        name="std",
    ),
]
