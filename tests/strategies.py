"""Every hypothesis strategy the tests use: dtypes, shapes, broadcasting, axes, arrays."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

FLOATS = ("float32", "float64")
INTS = ("int8", "int32", "int64")
NUMERIC = (*FLOATS, *INTS)


def dtypes(choices=NUMERIC) -> st.SearchStrategy[str]:
    return st.sampled_from(choices)


def shapes(min_dims: int = 0, max_dims: int = 3, max_side: int = 4) -> st.SearchStrategy[tuple]:
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=1, max_side=max_side)


def broadcastable_shapes(
    n: int = 2, min_dims: int = 0, max_dims: int = 3, max_side: int = 4
) -> st.SearchStrategy[tuple[tuple, ...]]:
    """`n` shapes that broadcast together, ranks differing and length-1 axes included."""
    return hnp.mutually_broadcastable_shapes(
        num_shapes=n, min_dims=min_dims, max_dims=max_dims, min_side=1, max_side=max_side
    ).map(lambda result: result.input_shapes)


def axes(ndim: int) -> st.SearchStrategy:
    """An `axis` argument for a `ndim`-d input: None, an int (maybe negative) or a tuple."""
    if ndim == 0:
        return st.just(None)
    single = st.integers(-ndim, ndim - 1)
    several = st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True).map(tuple)
    return st.one_of(st.none(), single, several)


def arrays(
    dtype: str,
    shape: tuple,
    low: float = -3.0,
    high: float = 3.0,
    avoid: tuple[float, ...] = (),
    margin: float = 0.05,
) -> st.SearchStrategy[np.ndarray]:
    """Arrays with elements in [low, high], staying `margin` away from each point in `avoid`.

    `avoid` keeps finite-difference checks off kinks (0 for abs, the bounds of clip).
    """
    if np.dtype(dtype).kind in "iu":
        info = np.iinfo(dtype)
        elements = st.integers(max(int(low), int(info.min)), min(int(high), int(info.max)))
    elif np.dtype(dtype).kind == "b":
        elements = st.booleans()
    else:
        width = 32 if dtype == "float32" else 64
        if width == 32:  # bounds must be float32 numbers; round them inward
            low = float(np.nextafter(np.float32(low), np.float32(np.inf)))
            high = float(np.nextafter(np.float32(high), np.float32(-np.inf)))
        elements = st.floats(low, high, width=width, allow_nan=False, allow_infinity=False)
        if avoid:
            elements = elements.filter(lambda v: all(abs(v - a) > margin for a in avoid))
    return hnp.arrays(dtype, shape, elements=elements)


def broadcastable_arrays(
    n: int, dtype_choices=FLOATS, same_dtype: bool = True, **domain
) -> st.SearchStrategy[list[np.ndarray]]:
    """`n` arrays whose shapes broadcast together, with dtypes from `dtype_choices`."""

    @st.composite
    def draw(draw_):
        shapes_ = draw_(broadcastable_shapes(n))
        first = draw_(dtypes(dtype_choices))
        kinds = [first if same_dtype else draw_(dtypes(dtype_choices)) for _ in range(n)]
        return [draw_(arrays(d, s, **domain)) for d, s in zip(kinds, shapes_, strict=True)]

    return draw()
