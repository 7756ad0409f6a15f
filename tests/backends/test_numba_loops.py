"""The loops the Numba backend writes: transcendental functions from `mathlib`, the
in-place copy of broadcasting loops, and elementwise nodes computed inside the loop of
the reduction that reads them.

Numba compiles each generated module once per argument types (slow on a small machine):
graphs are few, and the hypothesis examples few and derandomized.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tensorlab as tl
import tensorlab.tensor as T
from tensorlab.errors import BroadcastError, ShapeError
from tests.backends.test_numba import assert_matches

REFERENCE = tl.Mode("python", optimizer="none")
NUMBA_MODES = [tl.Mode("numba", optimizer="none"), tl.Mode("numba", optimizer="fast_run")]
MATHLIB = ["exp", "expm1", "log", "log1p", "tanh", "sigmoid", "softplus", "erf"]


def _absorbed(source: str) -> list[str]:
    """The outputs of the nodes that `source` computes inside a reduction's loop."""
    lines = source.splitlines()
    names = []
    for k, line in enumerate(lines):
        if "computed inside the loop of" in line:
            header = next(h for h in reversed(lines[:k]) if re.match(r"\s*# \[\d+\] ", h))
            names.append(header.split(" -> ")[1].split()[0])
    return names


def _allocated(source: str, name: str) -> bool:
    return re.search(rf"^\s*{re.escape(name)} = empty\(", source, re.MULTILINE) is not None


def _with_specials(values: np.ndarray) -> np.ndarray:
    """`values` with nan, inf and -inf in a few places (floats only)."""
    if values.dtype.kind != "f" or values.size < 4:
        return values
    flat = values.copy().reshape(-1)
    flat[[1, -2]] = np.nan
    flat[len(flat) // 2] = np.inf
    flat[-1] = -np.inf
    return flat.reshape(values.shape)


def _matrix_and_row(dtype: str):
    return T.matrix("x", dtype=dtype), T.vector("y", dtype=dtype)


# name -> (builder of the output from x (matrix) and y (vector), dtype)
FOLDS = {
    "sum_sq_axis1": (lambda x, y: T.sum(x**2, axis=1), "float64"),
    "sum_mul_axis0": (lambda x, y: T.sum(x * y, axis=0), "float64"),
    "sum_all_keepdims": (lambda x, y: T.sum(T.exp(x) - y, keepdims=True), "float64"),
    "sum_neg_axis": (lambda x, y: T.sum(T.tanh(x) * y, axis=-1, keepdims=True), "float32"),
    "prod_axis1": (lambda x, y: T.prod(x * 0.5 + y, axis=1), "float64"),
    "max_axis1": (lambda x, y: T.max(x * y, axis=1), "float64"),
    "min_axis0": (lambda x, y: T.min(x - y, axis=0), "float32"),
    "sum_int8_wraps": (lambda x, y: T.sum(x * y, axis=1), "int8"),
    "max_int32": (lambda x, y: T.max(x + y, axis=0), "int32"),
    "sum_bool": (lambda x, y: T.sum(x > y, axis=1), "float64"),
    "all_axis1": (lambda x, y: T.all(x < y, axis=1), "float64"),
    "any_nan_axis0": (lambda x, y: T.any(T.isnan(x * y), axis=0), "float64"),
}


def _values(dtype: str, shape: tuple, rng: np.random.Generator) -> np.ndarray:
    if dtype.startswith("int"):
        return rng.integers(-100, 100, size=shape).astype(dtype)  # int8 products wrap
    return _with_specials(rng.uniform(-2.0, 2.0, size=shape).astype(dtype))


@pytest.mark.parametrize("name", FOLDS)
def test_fused_reduction_matches_reference(name):
    build, dtype = FOLDS[name]
    x, y = _matrix_and_row(dtype)
    out = build(x, y)
    rng = np.random.default_rng(len(name))
    # lengths that leave a tail after the partial sums' steps of 4; y broadcasts over rows,
    # or is itself the row (length 1 repeats)
    cases = [
        (_values(dtype, (5, 7), rng), _values(dtype, (7,), rng)),
        (_values(dtype, (3, 12), rng), _values(dtype, (1,), rng)),
        (_values(dtype, (1, 9), rng), _values(dtype, (9,), rng)),
    ]
    reference = tl.function([x, y], out, mode=REFERENCE, on_unused_input="ignore")
    for mode in NUMBA_MODES:
        f = tl.function([x, y], out, mode=mode, on_unused_input="ignore")
        assert _absorbed(f.source), f.source
        for name_inside in _absorbed(f.source):
            assert not _allocated(f.source, name_inside), f.source
        for values in cases:
            assert_matches(f(*values), reference(*values), "sums", list(values), f"{name} {mode}")


def test_fused_reduction_over_3d_axes():
    x = T.tensor3("x")
    outputs = [
        T.sum(T.exp(x), axis=(1, 2)),  # innermost axes: partial sums along the last
        T.sum(x * 2.0, axis=(0, 2)),  # not innermost: the output accumulates
        T.max(abs(x), axis=(0, 1, 2)),
    ]
    values = _with_specials(np.random.default_rng(3).normal(size=(2, 3, 6)))
    f = tl.function([x], outputs, mode=tl.Mode("numba", optimizer="none"))
    assert len(_absorbed(f.source)) == 3
    want = tl.function([x], outputs, mode=REFERENCE)(values)
    for got, expected in zip(f(values), want, strict=True):
        assert_matches(got, expected, "sums", [values], "3d")
    with pytest.raises(ShapeError, match="has no value"):  # the maximum of nothing
        f(np.zeros((2, 0, 3)))


@settings(max_examples=10, derandomize=True, database=None, deadline=None)
@given(
    rows=st.integers(0, 5),
    columns=st.integers(0, 11),
    repeat=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_partial_sums_over_any_length(rows, columns, repeat, seed):
    x, y = T.matrix("x"), T.matrix("y")
    out = T.sum(x * y, axis=1)
    f = tl.function([x, y], out, mode=tl.Mode("numba", optimizer="none"))
    rng = np.random.default_rng(seed)
    xv = rng.normal(size=(rows, columns)) * 10.0 ** rng.integers(-3, 4, size=(rows, columns))
    yv = rng.normal(size=(1 if repeat else rows, columns))
    want = tl.function([x, y], out, mode=REFERENCE)(xv, yv)
    assert_matches(f(xv, yv), want, "sums", [xv, yv], "partial sums")


def test_node_read_elsewhere_is_stored():
    x = T.matrix("x")
    square = x**2
    square.name = "square"
    graphs = [
        [square, T.sum(square, axis=1)],  # an output of the graph
        [T.sum(square, axis=1) + T.max(square, axis=1)],  # read by two folds
    ]
    values = np.arange(6.0).reshape(2, 3)
    for outputs in graphs:
        f = tl.function([x], outputs, mode=tl.Mode("numba", optimizer="none"))
        assert _absorbed(f.source) == []
        assert _allocated(f.source, "square")
        want = tl.function([x], outputs, mode=REFERENCE)(values)
        for got, expected in zip(f(values), want, strict=True):
            np.testing.assert_array_equal(got, expected)


def test_sum_of_squares_reads_like_the_docstring():
    x = T.matrix("x")
    f = tl.function([x], T.sum(x**2, axis=1), mode=tl.Mode("numba", optimizer="none"))
    source = f.source
    assert "    # [0] Elemwise{pow}(x, 2.0) -> t_pow   float64 (None, None)\n" in source
    assert "    #     computed inside the loop of [1]" in source
    assert "        acc0 = acc1 = acc2 = acc3 = 0.0\n" in source
    assert "            acc1 += (x[i0, i1 + 1] ** 2.0)\n" in source
    assert "        t_sum[i0] = (acc0 + acc1) + (acc2 + acc3)\n" in source
    assert not _allocated(source, "t_pow")


# -- vector math ---------------------------------------------------------------------
def _math_function(dtype: str):
    x = T.vector("x", dtype=dtype)
    outputs = [getattr(T, name)(x) for name in MATHLIB]
    return x, outputs


def _edge_values(dtype: str) -> np.ndarray:
    info = np.finfo(dtype)
    values = [np.inf, -np.inf, np.nan, 0.0, -0.0, info.smallest_subnormal, -info.tiny / 3]
    values += [info.tiny, 1e-30, -1e-20, 0.5, -0.75, 1.0, -1.0, 3.0, 20.0, -20.0, 40.0]
    values += [88.0, -87.0, 100.0, -104.0, 709.0, 710.0, -745.0, -746.0, 1e300, info.max]
    values += [-info.max]
    with np.errstate(over="ignore"):  # too large for float32: inf
        return np.array(values, dtype=np.float64).astype(dtype)


def _ulps(got: np.ndarray, want: np.ndarray) -> np.ndarray:
    """How many floats lie between `got` and `want` (0 for equal values, -0.0 and 0.0)."""
    width = np.int64 if got.dtype == np.float64 else np.int32
    mask = np.iinfo(width).max

    def ordered(values):
        bits = values.view(width).astype(np.int64)
        return np.where(bits < 0, -(bits & mask), bits)

    return np.abs(ordered(got) - ordered(want))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_vector_math_on_edge_values(dtype):
    x, outputs = _math_function(dtype)
    f = tl.function([x], outputs, mode=tl.Mode("numba", optimizer="none"))
    for name in MATHLIB:
        assert f"mathlib.{name}(" in f.source
    assert "math.exp(" not in f.source and "math.tanh(" not in f.source
    values = _edge_values(dtype)
    with np.errstate(all="ignore"):
        want = tl.function([x], outputs, mode=REFERENCE)(values)
    for name, got, expected in zip(MATHLIB, f(values), want, strict=True):
        assert got.dtype == expected.dtype == np.dtype(dtype), name
        np.testing.assert_array_equal(np.isnan(got), np.isnan(expected), err_msg=name)
        same = ~np.isnan(expected)
        zeros = same & (expected == 0)
        np.testing.assert_array_equal(np.signbit(got[zeros]), np.signbit(expected[zeros]), name)
        distance = _ulps(got[same], expected[same])
        assert distance.max(initial=0) <= 8, (name, values[same][distance > 8])


def test_small_ints_compute_in_float32():
    x = T.vector("x", dtype="int8")
    f = tl.function([x], [T.exp(x), T.tanh(x)], mode=tl.Mode("numba", optimizer="none"))
    values = np.array([-128, -3, 0, 5, 88, 127], dtype=np.int8)
    with np.errstate(over="ignore"):
        want = tl.function([x], [T.exp(x), T.tanh(x)], mode=REFERENCE)(values)
    for got, expected in zip(f(values), want, strict=True):
        assert got.dtype == expected.dtype == np.float32
        assert _ulps(got, expected).max() <= 8


def _vector_types(f) -> set[str]:
    """The vector types of the float arithmetic in the LLVM IR of `f`'s generated code.

    Compiled here again, without the disk cache: machine code loaded from the cache
    comes without its IR.
    """
    namespace: dict = {}
    exec(f.source.replace("cache=True, ", ""), namespace)
    function = next(v for k, v in namespace.items() if k.startswith("f_"))
    signature = f.program.signature()
    function.compile(signature)
    ir = function.inspect_llvm(signature)
    return set(re.findall(r"= f(?:mul|add|sub) (?:\w+ )*(<\d+ x (?:double|float)>)", ir))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_elementwise_loop_vectorizes(dtype):
    x, y = T.vector("x", dtype=dtype), T.vector("y", dtype=dtype)
    out = T.tanh(x) * T.nnet.sigmoid(y) + T.exp(-(x**2))
    f = tl.function([x, y], out, mode=tl.Mode("numba", optimizer="fast_run"))
    values = np.linspace(-5, 5, 37).astype(dtype), np.linspace(3, -3, 37).astype(dtype)
    assert_matches(f(*values), tl.function([x, y], out, mode=REFERENCE)(*values), "ulps", [], "")
    assert _vector_types(f), f.source


# -- broadcasting: in place, or by the general program that copies the repeated input ----
def test_broadcasting_loop_reads_in_place_and_the_general_program_copies_the_repeated_input():
    """One loop over the inputs in place; a call in which an input's length-1 axis
    repeats is computed by the general program, which copies that input out at the
    output's shape first, so the element (and its inlined math) compiles once in each."""
    x, y = T.matrix("x"), T.matrix("y")
    out = x * y + 1.0
    f = tl.function([x, y], out, mode=tl.Mode("numba", optimizer="fast_run"))
    guard = "    if x.shape[0] != n0 or x.shape[1] != n1 or y.shape[0] != n0 or y.shape[1] != n1:"
    assert guard in f.source
    assert "repeat" in f.source.split(guard)[1].splitlines()[0]  # says what happens next
    assert "repeat(" not in f.source
    assert f.source.count("(x[i0, i1] * y[i0, i1])") == 1
    general = f.wait_compiled() and f.program.general
    assert "        x_r = repeat(x, (n0, n1))" in general.source
    assert general.source.count("(x_r[i0, i1] * y_r[i0, i1])") == 1
    reference = tl.function([x, y], out, mode=REFERENCE)
    rng = np.random.default_rng(0)
    a = rng.normal(size=(4, 6))
    for b in (rng.normal(size=(4, 6)), rng.normal(size=(1, 6)), rng.normal(size=(4, 1))):
        np.testing.assert_array_equal(f(a, b), reference(a, b))
        np.testing.assert_array_equal(f(b, a), reference(b, a))
    strided = rng.normal(size=(8, 12))[::-2, 1::2]
    np.testing.assert_array_equal(f(strided, a[:, ::-1]), reference(strided, a[:, ::-1]))
    with pytest.raises(BroadcastError):
        f(a, rng.normal(size=(3, 6)))
    f.trust_input = True  # the dispatcher's path hands over to the general program too
    np.testing.assert_array_equal(f(a, b), reference(a, b))


def test_a_program_that_never_repeats_is_its_own_general_program():
    """Inputs of one shape (x and values computed from it) and constants cannot repeat."""
    x = T.matrix("x")
    f = tl.function([x], T.exp(x) * x + 1.0, mode=tl.Mode("numba", optimizer="fast_run"))
    f.wait_compiled()
    assert f.program.general is f.program
    assert "repeats" not in f.source


def test_updates_that_repeat_on_some_calls_match_the_reference():
    """Calls alternate between the program and its general one (a batch of one row
    repeats against a bias of many columns); the shared values follow the reference
    step by step, and each program keeps its own spare buffers."""
    rng = np.random.default_rng(5)
    start = rng.normal(size=(1, 3))
    results = {}
    for mode in ("python", "numba"):
        x = T.matrix("x")
        w = tl.shared(start.copy(), name="w")
        f = tl.function([x], (x * w).sum(), updates=[(w, w - 0.1 * x * w)], mode=mode)
        f.wait_compiled()
        steps = []
        for rows in (1, 4, 4, 1, 1, 4):  # (rows, 3) against w (1, 3) or (rows, 3)
            w.set_value(w.get_value()[:1])  # back to one row, so the next call repeats
            value = f(np.full((rows, 3), 0.5) + np.arange(3))
            steps.append((value, w.get_value().copy()))
        results[mode] = steps
    for (want, w_want), (got, w_got) in zip(results["python"], results["numba"], strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-13)
        np.testing.assert_allclose(w_got, w_want, rtol=1e-13)


def test_repeated_input_of_rank_three_is_copied_out_whatever_its_layout():
    x, y = T.tensor3("x"), T.tensor3("y")
    out = x * y - y
    f = tl.function([x, y], out, mode=tl.Mode("numba", optimizer="fast_run"))
    f.wait_compiled()
    assert "repeat(x, (n0, n1, n2))" in f.program.general.source
    reference = tl.function([x, y], out, mode=REFERENCE)
    rng = np.random.default_rng(2)
    full = rng.normal(size=(2, 4, 3))
    for part in (
        rng.normal(size=(2, 1, 3)),
        rng.normal(size=(3, 1, 2)).transpose(2, 1, 0),  # a transposed view
        rng.normal(size=(1, 1, 1)),
    ):
        np.testing.assert_array_equal(f(part, full), reference(part, full))
        np.testing.assert_array_equal(f(full, part), reference(full, part))


def test_static_row_is_read_in_place():
    """A row of static length 1 along axis 0 needs no view when it has the output's columns."""
    x, row = T.matrix("x"), T.matrix("row", shape=(1, None))
    out = T.exp(x - row)
    f = tl.function([x, row], out, mode=tl.Mode("numba", optimizer="fast_run"))
    # its axis 0 is read at 0 anyway, and x gives n0
    assert "    if x.shape[1] != n1 or row.shape[1] != n1:" in f.source
    assert "mathlib.exp(" in f.source
    reference = tl.function([x, row], out, mode=REFERENCE)
    rng = np.random.default_rng(1)
    for a, b in [((5, 4), (1, 4)), ((5, 1), (1, 4)), ((1, 4), (1, 1))]:
        values = rng.normal(size=a), rng.normal(size=b)
        assert_matches(f(*values), reference(*values), "ulps", list(values), str((a, b)))


def test_the_general_program_compiles_behind_the_reference_backend():
    """The first call that repeats an axis is answered by the reference backend while the
    general program compiles in the background; then the general program answers."""
    x, y = T.matrix("x"), T.matrix("y")
    with tl.config.change(compile="background"):  # the tests compile at once otherwise
        f = tl.function([x, y], T.exp(x) * y, mode=tl.Mode("numba", optimizer="fast_run"))
    f.wait_compiled()
    rng = np.random.default_rng(7)
    a, row = rng.normal(size=(3, 4)), rng.normal(size=(1, 4))
    want = np.exp(a) * row
    np.testing.assert_allclose(f(a, row), want, rtol=1e-14)  # compiled or not
    general = f.program.general
    assert general.wait()
    assert "repeat(" in general.source
    got = f(a, row)
    np.testing.assert_allclose(got, want, rtol=1e-14)
    assert not np.shares_memory(got, row) and not np.shares_memory(got, a)


def test_calls_that_repeat_every_time_go_straight_to_the_general_program():
    """A learner who passes one row where the graph broadcasts against a batch stops at
    the check on the first call only: later calls with those input shapes skip the
    checked program (and the work it does before its check); other shapes try it again."""
    x, y = T.matrix("x"), T.matrix("y")
    out = T.exp(x) * y + 1.0
    reference = tl.function([x, y], out, mode=REFERENCE)
    rng = np.random.default_rng(9)
    a, row, full = (rng.normal(size=s) for s in ((4, 6), (1, 6), (4, 6)))
    for path in ("checked values", "the Function's fast path"):
        f = tl.function([x, y], out, mode=tl.Mode("numba", optimizer="fast_run"))
        f.wait_compiled()
        program, entered = f.program, []
        entry = program._entry

        def counted(*args, entry=entry, entered=entered):
            entered.append(args[1].shape)
            return entry(*args)

        program._entry = counted
        call = program if path == "checked values" else program.fast()
        for b, enters in ((row, True), (row, False), (full, True), (row, False), (full, True)):
            before = len(entered)
            np.testing.assert_array_equal(call([a, b])[0], reference(a, b))
            assert (len(entered) > before) == enters, (path, b.shape, entered)
