"""Cases for the products: Dot, MatMul, TensorDot, and outer (an elementwise product)."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

import tensorlab.tensor as T
from tensorlab.tensor.elemwise import Elemwise
from tensorlab.tensor.linalg import Dot, MatMul, TensorDot
from tests.cases import Case
from tests.strategies import FLOATS, INTS, arrays_for, matmul_shapes

SIDE = st.integers(1, 4)
VECTOR_MATRIX = st.tuples(SIDE, SIDE, SIDE).flatmap(
    lambda nkm: st.sampled_from(
        [
            ((nkm[1],), (nkm[1],)),
            ((nkm[0], nkm[1]), (nkm[1],)),
            ((nkm[1],), (nkm[1], nkm[2])),
            ((nkm[0], nkm[1]), (nkm[1], nkm[2])),
        ]
    )
)
# a of shape (n, k1, k2), b of shape (k2, k1, m): summed over both k axes, pairs crossed
CROSSED = st.tuples(SIDE, SIDE, SIDE, SIDE).map(lambda s: ((s[0], s[1], s[2]), (s[2], s[1], s[3])))
# dot of a 3-d tensor and a matrix or a vector: np.dot's rule for higher ranks
HIGHER = st.tuples(SIDE, SIDE, SIDE, SIDE).flatmap(
    lambda s: st.sampled_from([((s[0], s[1], s[2]), (s[2], s[3])), ((s[0], s[1], s[2]), (s[2],))])
)
VECTORS = st.tuples(SIDE, SIDE).map(lambda s: ((s[0],), (s[1],)))

CASES = [
    Case(Dot, T.dot, np.dot, arrays_for(VECTOR_MATRIX, FLOATS), grad=(0, 1)),
    Case(Dot, T.dot, np.dot, arrays_for(VECTOR_MATRIX, INTS, low=-9, high=9), name="Dot[int]"),
    Case(Dot, T.dot, np.dot, arrays_for(VECTOR_MATRIX, FLOATS), static=True, name="Dot[static]"),
    Case(
        MatMul,
        lambda a, b: a @ b,
        np.matmul,
        arrays_for(matmul_shapes(), FLOATS),
        grad=(0, 1),
        grad_args=arrays_for(matmul_shapes(), ("float64",)),
    ),
    Case(
        MatMul,
        T.matmul,
        np.matmul,
        arrays_for(matmul_shapes(), INTS, low=-9, high=9),
        name="MatMul[int]",
    ),
    Case(
        TensorDot,
        lambda a, b: T.tensordot(a, b, axes=([1, 2], [1, 0])),
        lambda a, b: np.tensordot(a, b, axes=([1, 2], [1, 0])),
        arrays_for(CROSSED, FLOATS),
        grad=(0, 1),
    ),
    Case(
        TensorDot,
        lambda a, b: T.tensordot(a, b, axes=0),
        lambda a, b: np.tensordot(a, b, axes=0),
        arrays_for(VECTORS, INTS, low=-9, high=9),
        name="TensorDot[int,axes=0]",
    ),
    Case(
        TensorDot,
        T.dot,
        # np.dot sums higher ranks in another order than np.tensordot's one BLAS call, so
        # it agrees only to rounding (tests/tensor/test_linalg.py checks that)
        lambda a, b: np.tensordot(a, b, ([a.ndim - 1], [max(b.ndim - 2, 0)])),
        arrays_for(HIGHER, FLOATS),
        grad=(0, 1),
        grad_args=arrays_for(HIGHER, ("float64",)),
        name="TensorDot[dot of a 3-d tensor]",
    ),
    Case(
        Elemwise,
        T.outer,
        np.outer,
        arrays_for(VECTORS, FLOATS + INTS),
        name="Elemwise[outer]",
    ),
    Case(
        Elemwise,
        T.outer,
        np.outer,
        arrays_for(VECTORS, ("float64",)),
        grad=(0, 1),
        name="Elemwise[outer,grad]",
    ),
]
