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


def one_array(
    dtype_choices=FLOATS, min_dims: int = 0, max_dims: int = 3, **domain
) -> st.SearchStrategy[list[np.ndarray]]:
    """A list holding one array (the inputs of a one-input case), of a dtype from the choices."""
    return st.tuples(dtypes(dtype_choices), shapes(min_dims, max_dims)).flatmap(
        lambda pair: arrays(pair[0], pair[1], **domain).map(lambda a: [a])
    )


def arrays_of(values, dtype: str, shape: tuple) -> st.SearchStrategy[np.ndarray]:
    """Arrays whose elements come from `values`: zeros and ties on purpose."""
    return hnp.arrays(dtype, shape, elements=st.sampled_from(list(values)))


def spaced_arrays(dtype: str, shape: tuple, step: float = 1 / 32) -> st.SearchStrategy:
    """Arrays of distinct multiples of `step` in [-3, 3]: no ties, kinks at least `step` apart.

    Finite differences of max, min or sort are then taken away from where they switch.
    """
    size = int(np.prod(shape))
    grid = st.integers(int(-3 / step), int(3 / step))
    return st.lists(grid, min_size=size, max_size=size, unique=True).map(
        lambda ints: (np.array(ints, dtype=dtype) * np.asarray(step, dtype=dtype)).reshape(shape)
    )


def reduction_args(dtype_choices=NUMERIC, max_dims: int = 3) -> st.SearchStrategy[tuple]:
    """`(array, axis)` for a reduction: any shape (with length-1 axes), an axis that fits."""
    return st.tuples(dtypes(dtype_choices), shapes(0, max_dims)).flatmap(
        lambda pair: st.tuples(arrays(pair[0], pair[1]), axes(len(pair[1])))
    )


@st.composite
def matmul_shapes(draw, max_batch_dims: int = 2, max_side: int = 4) -> tuple[tuple, tuple]:
    """Shapes `(a, b)` that np.matmul accepts: vectors, matrices, batches that broadcast."""
    n, k, m = (draw(st.integers(1, max_side)) for _ in range(3))
    batch_a, batch_b = draw(broadcastable_shapes(2, 0, max_batch_dims, max_side))
    a = (k,) if draw(st.booleans()) else (*batch_a, n, k)
    b = (k,) if draw(st.booleans()) else (*batch_b, k, m)
    return a, b


@st.composite
def dot_shapes(draw, max_side: int = 4) -> tuple[tuple, tuple]:
    """Shapes `(a, b)` of np.dot on scalars, vectors and matrices."""
    n, k, m = (draw(st.integers(1, max_side)) for _ in range(3))
    if draw(st.integers(0, 4)) == 0:  # a scalar times anything
        other = draw(shapes(0, 2, max_side))
        return ((), other) if draw(st.booleans()) else (other, ())
    return draw(st.sampled_from([(k,), (n, k)])), draw(st.sampled_from([(k,), (k, m)]))


@st.composite
def tensordot_shapes(draw, max_dims: int = 3, max_side: int = 4) -> tuple[tuple, tuple, tuple]:
    """`(a_shape, b_shape, (axes_a, axes_b))` that np.tensordot accepts, pairs in any order."""
    a_shape = draw(shapes(0, max_dims, max_side))
    summed = draw(st.integers(0, len(a_shape)))
    axes_a = draw(st.permutations(range(len(a_shape))))[:summed]
    b_ndim = summed + draw(st.integers(0, max_dims - summed))
    axes_b = draw(st.permutations(range(b_ndim)))[:summed]
    b_shape = [draw(st.integers(1, max_side)) for _ in range(b_ndim)]
    for i, j in zip(axes_a, axes_b, strict=True):
        b_shape[j] = a_shape[i]
    return a_shape, tuple(b_shape), (tuple(axes_a), tuple(axes_b))


def arrays_for(
    shape_tuples: st.SearchStrategy, dtype_choices=FLOATS, **domain
) -> st.SearchStrategy[list[np.ndarray]]:
    """One array per shape of a drawn tuple of shapes, all of one dtype from the choices."""
    return st.tuples(shape_tuples, dtypes(dtype_choices)).flatmap(
        lambda pair: st.tuples(*(arrays(pair[1], s, **domain) for s in pair[0])).map(list)
    )


def rng_states() -> st.SearchStrategy[np.ndarray]:
    """Philox states: 6 uint32 words (key, then a 128-bit counter), edge values included."""
    return arrays("uint32", (6,), 0, 2**32 - 1)


def rng_state_args(*others: st.SearchStrategy) -> st.SearchStrategy[list[np.ndarray]]:
    """The inputs of a random op's case: [a Philox state, one array from each of `others`]."""
    return st.tuples(rng_states(), *others).map(list)


def labelled_rows(
    dtype_choices=FLOATS, low: float = 0.05, high: float = 1.0, with_gradient: bool = False
) -> st.SearchStrategy[list[np.ndarray]]:
    """[p, y]: p of shape batch + (k,), y int64 class indices in 0..k-1 of shape batch.

    With `with_gradient`, [g, p, y] where g has the batch shape (an upstream gradient).
    """

    @st.composite
    def draw(draw_):
        batch = draw_(shapes(0, 2))
        classes = draw_(st.integers(1, 5))
        dtype = draw_(dtypes(dtype_choices))
        p = draw_(arrays(dtype, (*batch, classes), low, high))
        y = draw_(hnp.arrays("int64", batch, elements=st.integers(0, classes - 1)))
        if not with_gradient:
            return [p, y]
        return [draw_(arrays(dtype, batch)), p, y]

    return draw()


def separated_arrays(
    n: int, dtype: str = "float64", low: float = -3.0, high: float = 3.0, gap: float = 0.1
) -> st.SearchStrategy[list[np.ndarray]]:
    """`n` arrays of one shape whose elements at each index differ pairwise by more than `gap`.

    Keeps finite differences off the kinks where inputs tie (maximum, minimum, clip).
    """
    values = st.floats(low, high, allow_nan=False, allow_infinity=False)
    element = st.lists(values, min_size=n, max_size=n).filter(
        lambda row: all(abs(a - b) > gap for i, a in enumerate(row) for b in row[i + 1 :])
    )

    @st.composite
    def draw(draw_):
        shape = draw_(shapes())
        size = int(np.prod(shape, dtype=np.int64))
        rows = draw_(st.lists(element, min_size=size, max_size=size))
        table = np.array(rows, dtype=dtype).reshape(size, n)
        return [table[:, i].reshape(shape) for i in range(n)]

    return draw()


def int64_scalars(low: int, high: int) -> st.SearchStrategy[np.ndarray]:
    """0-d int64 arrays in [low, high]: values of symbolic int scalars (indices, bounds)."""
    return st.integers(low, high).map(lambda v: np.asarray(v, dtype=np.int64))


def index_scalars(
    dtype: str, shape_strategy: st.SearchStrategy, spec: tuple[tuple[str, int], ...], **domain
) -> st.SearchStrategy[list[np.ndarray]]:
    """[x, scalars...]: one 0-d int64 per `(kind, axis)` of `spec`; kind "index" is a valid
    index on that axis of x (negatives too), kind "bound" any slice bound near its length."""

    @st.composite
    def draw(draw_):
        x = draw_(arrays(dtype, draw_(shape_strategy), **domain))
        out = [x]
        for kind, axis in spec:
            n = x.shape[axis]
            low, high = (-n, n - 1) if kind == "index" else (-n - 2, n + 2)
            out.append(draw_(int64_scalars(low, high)))
        return out

    return draw()


def index_arrays(
    dtype: str, shape_strategy: st.SearchStrategy, axes: tuple[int, ...], unique: bool = False
) -> st.SearchStrategy[list[np.ndarray]]:
    """[x, idx...]: one int64 index array per axis in `axes`, valid on it (negatives too),
    the arrays' shapes broadcasting together. `unique`: one 1-d array of distinct positions."""

    @st.composite
    def draw(draw_):
        x = draw_(arrays(dtype, draw_(shape_strategy)))
        if unique:
            n = x.shape[axes[0]]
            positions = st.lists(st.integers(0, n - 1), max_size=n, unique=True)
            return [x, np.array(draw_(positions), dtype=np.int64)]
        index_shapes = draw_(broadcastable_shapes(len(axes), 0, 2, 3))
        out = [x]
        for axis, s in zip(axes, index_shapes, strict=True):
            n = x.shape[axis]
            out.append(draw_(hnp.arrays(np.int64, s, elements=st.integers(-n, n - 1))))
        return out

    return draw()


def masked_arrays(
    dtype: str,
    shape_strategy: st.SearchStrategy,
    mask_dims: int | None = None,
    first: int = 0,
    **domain,
) -> st.SearchStrategy[list[np.ndarray]]:
    """[x, mask]: a boolean mask over `mask_dims` axes of x from axis `first` (all by default)."""

    @st.composite
    def draw(draw_):
        x = draw_(arrays(dtype, draw_(shape_strategy), **domain))
        k = x.ndim - first if mask_dims is None else mask_dims
        return [x, draw_(hnp.arrays(np.bool_, x.shape[first : first + k]))]

    return draw()


@st.composite
def shapes_broadcasting_to(draw, shape: tuple) -> tuple:
    """A shape that broadcasts to `shape`: its trailing axes, some of them cut to length 1."""
    k = draw(st.integers(0, len(shape)))
    return tuple(n if draw(st.booleans()) else 1 for n in shape[len(shape) - k :])


def with_value(
    args: st.SearchStrategy[list[np.ndarray]], region, dtype: str | None = None, **domain
) -> st.SearchStrategy[list[np.ndarray]]:
    """[x, y, *rest] from `args` = [x, *rest]: y broadcasts to `region(x, *rest)`'s shape
    (the part of x that set_subtensor / inc_subtensor writes)."""

    @st.composite
    def draw(draw_):
        x, *rest = draw_(args)
        target = np.shape(region(x, *rest))
        y = draw_(arrays(dtype or x.dtype.name, draw_(shapes_broadcasting_to(target)), **domain))
        return [x, y, *rest]

    return draw()


@st.composite
def mixed_indices(draw, shape: tuple) -> tuple:
    """A valid NumPy index for an array of `shape`: ints, slices, None, perhaps `...`, and
    either int arrays whose shapes broadcast together or one boolean mask."""
    target = draw(shapes(0, 2, 3))
    advanced = draw(st.sampled_from(["arrays", "mask"]))
    items: list = []
    axis = 0
    while axis < len(shape) and draw(st.integers(0, 4)) > 0:
        if draw(st.integers(0, 5)) == 0:
            items.append(None)
        n = shape[axis]
        kind = draw(st.sampled_from(["int", "slice", "advanced"]))
        if kind == "int":
            items.append(draw(st.integers(-n, n - 1)))
        elif kind == "slice":
            bound = st.none() | st.integers(-n - 1, n + 1)
            step = st.none() | st.integers(-3, 3).filter(bool)
            items.append(slice(draw(bound), draw(bound), draw(step)))
        elif advanced == "mask":
            k = draw(st.integers(1, len(shape) - axis))
            items.append(draw(hnp.arrays(np.bool_, shape[axis : axis + k])))
            axis, advanced = axis + k - 1, "ints"  # one mask at most: its length is data's
        elif advanced == "arrays":
            index_shape = draw(shapes_broadcasting_to(target))
            items.append(draw(hnp.arrays(np.int64, index_shape, elements=st.integers(-n, n - 1))))
        else:
            items.append(draw(st.integers(-n, n - 1)))
        axis += 1
    if draw(st.booleans()):  # anywhere if it covers no axis, else where the axes it covers are
        at = draw(st.integers(0, len(items))) if axis == len(shape) else len(items)
        items.insert(at, Ellipsis)
    return tuple(items)


@st.composite
def reshape_targets(draw, shape: tuple) -> tuple:
    """A shape with as many elements as `shape`: its factors regrouped, perhaps one -1."""
    factors = [f for n in shape for f in ((2, 2) if n == 4 else (n,)) if f != 1]
    factors = draw(st.permutations(factors))
    ndim = draw(st.integers(1 if factors else 0, 4))
    n_cuts = max(ndim - 1, 0)
    cuts = sorted(draw(st.lists(st.integers(0, len(factors)), min_size=n_cuts, max_size=n_cuts)))
    bounds = [0, *cuts, len(factors)]
    target = [int(np.prod(factors[bounds[i] : bounds[i + 1]])) for i in range(ndim)]
    if ndim and draw(st.booleans()):
        target[draw(st.integers(0, ndim - 1))] = -1
    return tuple(target)


@st.composite
def joinable_shapes(draw, n: int, axis: int | None = None, max_dims: int = 3) -> tuple:
    """(`n` shapes equal but on one axis, that axis): inputs of concatenate.

    `axis` (negatives too) fixes the axis; by default it is drawn.
    """
    least = 1 if axis is None else (axis + 1 if axis >= 0 else -axis)
    base = list(draw(shapes(least, max(max_dims, least))))
    axis = draw(st.integers(0, len(base) - 1)) if axis is None else axis % len(base)
    lengths = draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))
    return tuple(tuple(base[:axis] + [k] + base[axis + 1 :]) for k in lengths), axis


def whole_range_vectors(dtype: str, max_size: int = 64) -> st.SearchStrategy[np.ndarray]:
    """1-d float arrays over the dtype's whole range (+-inf, nan, +-0 and subnormals too),
    mixed with values in [-800, 800], where exp and its kin turn from 0 to inf.
    """
    width = 32 if dtype == "float32" else 64
    anything = st.floats(width=width)
    moderate = st.floats(-800.0, 800.0, width=width)
    return hnp.arrays(dtype, st.integers(1, max_size), elements=st.one_of(anything, moderate))


def edge_arrays(
    dtype: str, shape: tuple, low: float = -3.0, high: float = 3.0
) -> st.SearchStrategy[np.ndarray]:
    """Arrays of elements in [low, high], about one in eight an edge value of the dtype:
    an int type's least and greatest values; nan, +-inf, -0.0, the least subnormal."""
    if np.dtype(dtype).kind in "iu":
        info = np.iinfo(dtype)
        usual = st.integers(max(int(low), int(info.min)), min(int(high), int(info.max)))
        edges = st.sampled_from([int(info.min), int(info.min) + 1, int(info.max)])
    else:
        width = 32 if dtype == "float32" else 64
        usual = st.floats(low, high, width=width, allow_nan=False, allow_infinity=False)
        tiny = float(np.finfo(dtype).smallest_subnormal)
        edges = st.sampled_from([np.nan, np.inf, -np.inf, -0.0, tiny])
    elements = st.integers(0, 7).flatmap(lambda k: edges if k == 7 else usual)
    return hnp.arrays(dtype, shape, elements=elements)
