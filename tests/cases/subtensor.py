"""Cases for indexing: basic and advanced `x[...]`, `set_subtensor` and `inc_subtensor`.

Index values are inputs (0-d int64 scalars, int arrays, masks) wherever they can be, so
the symbolic indexing paths are the ones exercised.
"""

from __future__ import annotations

import numpy as np

import tensorlab.tensor as T
from tensorlab.tensor.subtensor import (
    AdvancedIncSubtensor,
    AdvancedSubtensor,
    IncSubtensor,
    Subtensor,
)
from tests.cases import Case
from tests.strategies import (
    FLOATS,
    INTS,
    NUMERIC,
    arrays,
    index_arrays,
    index_scalars,
    masked_arrays,
    one_array,
    shapes,
    with_value,
)


def np_set(x: np.ndarray, index, y: np.ndarray) -> np.ndarray:
    out = x.copy()
    out[index] = y
    return out


def np_inc(x: np.ndarray, index, y: np.ndarray) -> np.ndarray:
    out = x.copy()
    np.add.at(out, index, y)
    return out


ROW_AND_COLUMNS = (("index", 0), ("bound", 1), ("bound", 1))

CASES = [
    Case(
        Subtensor,
        lambda x, i, j, k: x[i, j:k],
        lambda x, i, j, k: x[i, j:k],
        index_scalars("float64", shapes(2, 3), ROW_AND_COLUMNS),
        grad=(0,),
    ),
    Case(
        Subtensor,
        lambda x, i: x[..., None, i],
        lambda x, i: x[..., None, i],
        index_scalars("int32", shapes(1, 3), (("index", -1),)),
        name="Subtensor[ellipsis]",
    ),
    Case(
        Subtensor,
        lambda x: x[-1, ::-2],
        lambda x: x[-1, ::-2],
        shapes(2, 3).flatmap(lambda s: arrays("float32", s).map(lambda a: [a])),
        static=True,
        name="Subtensor[constant]",
    ),
    Case(
        Subtensor,
        lambda x: T.stack([x.shape[-1], x.shape[0]]),
        lambda x: np.asarray([x.shape[-1], x.shape[0]]),
        one_array(NUMERIC, 1, 3),
        name="Subtensor[shape]",
    ),
    Case(
        AdvancedSubtensor,
        lambda x, idx: x[idx],
        lambda x, idx: x[idx],
        index_arrays("float64", shapes(1, 3), (0,)),
        grad=(0,),
    ),
    Case(
        AdvancedSubtensor,
        lambda x, rows, cols: x[rows, :, cols],
        lambda x, rows, cols: x[rows, :, cols],
        index_arrays("float64", shapes(3, 3), (0, 2)),
        grad=(0,),
        name="AdvancedSubtensor[apart]",
    ),
    Case(
        AdvancedSubtensor,
        lambda x, rows, cols: x[-1, rows, cols],
        lambda x, rows, cols: x[-1, rows, cols],
        index_arrays("int64", shapes(3, 3), (1, 2)),
        name="AdvancedSubtensor[int,arrays]",
    ),
    Case(
        AdvancedSubtensor,
        lambda x, mask: x[mask],
        lambda x, mask: x[mask],
        masked_arrays("float64", shapes(1, 3)),
        grad=(0,),
        name="AdvancedSubtensor[mask]",
    ),
    Case(
        AdvancedSubtensor,
        lambda x, mask: x[:, mask],
        lambda x, mask: x[:, mask],
        masked_arrays("int8", shapes(2, 3), mask_dims=1, first=1),
        name="AdvancedSubtensor[mask,axis1]",
    ),
    Case(
        AdvancedSubtensor,
        lambda x: x[x > 0],
        lambda x: x[x > 0],
        one_array(FLOATS, 0, 3, avoid=(0.0,)),
        grad=(0,),
        name="AdvancedSubtensor[x>0]",
    ),
    Case(
        IncSubtensor,
        lambda x, y, i, j: T.set_subtensor(x[i:j], y),
        lambda x, y, i, j: np_set(x, slice(i, j), y),
        with_value(
            index_scalars("float64", shapes(1, 3), (("bound", 0), ("bound", 0))),
            lambda x, i, j: x[i:j],
        ),
        grad=(0, 1),
        name="IncSubtensor[set]",
    ),
    Case(
        IncSubtensor,
        lambda x, y, i: T.inc_subtensor(x[:, i], y),
        lambda x, y, i: np_inc(x, (slice(None), i), y),
        with_value(index_scalars("float64", shapes(2, 3), (("index", 1),)), lambda x, i: x[:, i]),
        grad=(0, 1),
        name="IncSubtensor[inc]",
    ),
    Case(
        IncSubtensor,
        lambda x, y: T.inc_subtensor(x[::-1, None], y),
        lambda x, y: np_inc(x, (slice(None, None, -1), None), y),
        with_value(one_array(INTS, 1, 3, low=-9, high=9), lambda x: x[::-1, None], low=-9, high=9),
        name="IncSubtensor[int]",
    ),
    Case(
        AdvancedIncSubtensor,
        lambda x, y, idx: T.inc_subtensor(x[idx], y),
        lambda x, y, idx: np_inc(x, idx, y),
        with_value(index_arrays("float64", shapes(1, 3), (0,)), lambda x, idx: x[idx]),
        grad=(0, 1),
        name="AdvancedIncSubtensor[inc]",
    ),
    Case(
        AdvancedIncSubtensor,
        lambda x, y, idx: T.set_subtensor(x[idx], y),
        lambda x, y, idx: np_set(x, idx, y),
        with_value(index_arrays("float64", shapes(1, 3), (0,), unique=True), lambda x, i: x[i]),
        grad=(0, 1),
        name="AdvancedIncSubtensor[set]",
    ),
    Case(
        AdvancedIncSubtensor,
        lambda x, y, rows, cols: T.inc_subtensor(x[rows, cols], y),
        lambda x, y, rows, cols: np_inc(x, (rows, cols), y),
        with_value(index_arrays("float32", shapes(2, 3), (0, 1)), lambda x, r, c: x[r, c]),
        name="AdvancedIncSubtensor[pair]",
    ),
    Case(
        AdvancedIncSubtensor,
        lambda x, y, mask: T.set_subtensor(x[mask], y),
        lambda x, y, mask: np_set(x, mask, y),
        with_value(masked_arrays("float64", shapes(1, 3)), lambda x, m: x[m]),
        grad=(0, 1),
        name="AdvancedIncSubtensor[mask]",
    ),
]
