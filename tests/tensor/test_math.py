"""Elementwise functions: NumPy 2's dtypes, weak Python scalars, broadcasting errors,
subgradients at kinks, and the operators that spell them."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import tensorlab as tl
import tensorlab.tensor as T
from tensorlab import scalar as sm
from tensorlab.errors import BroadcastError, TensorlabError, TypeMismatchError
from tests.strategies import NUMERIC, dtypes

ELEMENT_DTYPES = (*NUMERIC, "bool")

# name: tensorlab function, NumPy function, whether it is float-valued (small ints -> float32)
BINARY = {
    "add": (T.add, np.add, False),
    "sub": (T.sub, np.subtract, False),
    "mul": (T.mul, np.multiply, False),
    "true_div": (T.true_div, np.true_divide, True),
    "int_div": (T.int_div, np.floor_divide, False),
    "mod": (T.mod, np.mod, False),
    "pow": (T.pow, np.power, False),
    "maximum": (T.maximum, np.maximum, False),
    "minimum": (T.minimum, np.minimum, False),
    "arctan2": (T.arctan2, np.arctan2, True),
    "and_": (T.and_, np.bitwise_and, False),
    "or_": (T.or_, np.bitwise_or, False),
    "xor": (T.xor, np.bitwise_xor, False),
    "lt": (T.lt, np.less, False),
    "le": (T.le, np.less_equal, False),
    "gt": (T.gt, np.greater, False),
    "ge": (T.ge, np.greater_equal, False),
    "eq": (T.eq, np.equal, False),
    "neq": (T.neq, np.not_equal, False),
}


def numpy_dtype(f, *values) -> str | None:
    """The dtype NumPy's `f` gives these values, or None where NumPy refuses them."""
    try:
        with np.errstate(all="ignore"):
            return np.asarray(f(*values)).dtype.name
    except TypeError:
        return None


def tensorlab_rule(dtype: str, float_valued: bool, input_dtypes: tuple) -> str:
    # The documented exception: a float function of small ints gives float32, not float16.
    if float_valued and dtype == "float16" and "float16" not in input_dtypes:
        return "float32"
    return dtype


@pytest.mark.parametrize("name", BINARY)
@settings(max_examples=100)  # enough to try every combination
@given(dtypes(ELEMENT_DTYPES), dtypes(ELEMENT_DTYPES))
def test_binary_dtype_is_numpys(name, dtype_x, dtype_y):
    f, numpy_f, float_valued = BINARY[name]
    values = [np.ones(2, dtype=dtype_x), np.ones(2, dtype=dtype_y)]
    expected = numpy_dtype(numpy_f, *values)
    assume(expected is not None)  # NumPy refuses it too (bool - bool, floats & floats)
    expected = tensorlab_rule(expected, float_valued, (dtype_x, dtype_y))
    x = T.tensor(dtype=dtype_x, shape=(None,), name="x")
    y = T.tensor(dtype=dtype_y, shape=(None,), name="y")
    out = f(x, y)
    assert out.dtype == expected
    assert out.eval({x: values[0], y: values[1]}).dtype == expected


@pytest.mark.parametrize("name", ["add", "sub", "mul", "true_div", "maximum", "pow", "and_", "lt"])
@settings(max_examples=100)  # enough to try every combination
@given(dtypes(ELEMENT_DTYPES), st.sampled_from([2, 2.0, True]))
def test_python_scalars_are_weak(name, dtype, number):
    f, numpy_f, float_valued = BINARY[name]
    value = np.ones(3, dtype=dtype)
    expected = numpy_dtype(numpy_f, value, number)
    assume(expected is not None)
    expected = tensorlab_rule(expected, float_valued, (dtype,))
    x = T.tensor(dtype=dtype, shape=(None,), name="x")
    for out in (f(x, number), f(number, x)):
        assert out.dtype == expected
        assert out.eval({x: value}).dtype == expected


def test_weak_scalars_examples():
    assert (T.fvector("v") * 2.0).dtype == "float32"
    assert (T.bvector("v") + 1).dtype == "int8"
    assert (2.5 * T.bvector("v")).dtype == "float64"  # a float next to ints: NumPy's float64
    assert (T.fvector("v") + np.float64(2.0)).dtype == "float64"  # a NumPy scalar is strong
    assert T.maximum(T.bvector("v"), 0).dtype == "int8"
    assert T.clip(T.fvector("v"), 0.0, 1.0).dtype == "float32"
    assert T.relu(T.bvector("v")).dtype == "int8"


def test_float_functions_of_small_ints_give_float32():
    b = T.bvector("b")
    for f in (T.sqrt, T.sin, T.exp2, T.log1p, T.tanh, T.erf, T.softplus, T.rint):
        assert f(b).dtype == "float32", f
        assert f(b).eval({b: np.array([1, 2], dtype="int8")}).dtype == "float32"
    assert T.sqrt(T.lvector("l")).dtype == "float64"


def test_rounding_keeps_integers():
    n = T.bvector("n")
    assert T.floor(n).dtype == T.ceil(n).dtype == "int8"
    assert T.round(n) is n  # NumPy's round of ints: the same numbers
    assert T.round(T.fvector("v")).dtype == "float32"
    x = T.vector("x")
    halves = np.array([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5])
    np.testing.assert_array_equal(T.round(x).eval({x: halves}), np.round(halves))
    np.testing.assert_array_equal(T.round_half_to_even(x).eval({x: halves}), np.rint(halves))


SPECIAL_VALUES = [np.nan, -np.inf, -2.5, -1.0, -0.5, -0.0, 0.0, 0.5, 1.5, np.inf]


@pytest.mark.parametrize(
    "op",
    [
        sm.maximum,
        sm.minimum,
        sm.clip,
        sm.relu,
        sm.abs_,
        sm.sgn,
        sm.floor,
        sm.ceil,
        sm.round_half_to_even,
        sm.isnan,
        sm.isinf,
        sm.softplus,
    ],
    ids=str,
)
def test_one_element_source_handles_nan_inf_and_ties(op):
    """The source compiled loops paste in agrees with NumPy where the catalogue never draws."""
    names = [f"a{i}" for i in range(op.nin)]
    source = op.expr(*names)
    dtype = op.output_dtype(*["float64"] * op.nin)
    for values in itertools.product(SPECIAL_VALUES, repeat=op.nin):
        expected = np.asarray(op.impl(*map(np.float64, values))).astype(dtype)
        got = np.asarray(eval(source, {"math": math}, dict(zip(names, values)))).astype(dtype)
        np.testing.assert_array_equal(got, expected, err_msg=f"{source} at {values}")


# -- broadcasting errors ---------------------------------------------------------------------
def test_broadcast_error_when_building():
    X = T.matrix("X", shape=(None, 3))
    w = T.vector("w", shape=(4,))
    with pytest.raises(
        BroadcastError,
        match=r"Elemwise\{mul\} cannot broadcast its inputs\n"
        r"  expected: equal lengths or 1 on axis 1\n"
        r"  got:      X: float64 \(None, 3\), w: float64 \(4,\)",
    ):
        X * w


def test_broadcast_error_when_running_quotes_the_users_line():
    X, w = T.matrix("X"), T.vector("w")
    p = X * w
    f = tl.function([X, w], p)
    with pytest.raises(
        BroadcastError,
        match=r"(?s)Elemwise\{mul\} cannot broadcast its inputs.*"
        r"X: float64 \(2, 3\), w: float64 \(4,\).*"
        r"built at: .*test_math\.py:\d+: p = X \* w",
    ):
        f(np.ones((2, 3)), np.ones(4))


# -- gradients at kinks ----------------------------------------------------------------------
def gradient_at(expression, wrt, values: dict):
    return T.grad(expression, wrt).eval(values)


def test_abs_subgradient_is_zero_at_zero():
    x = T.vector("x")
    g = gradient_at(abs(x).sum(), x, {x: [-2.0, 0.0, 3.0]})
    np.testing.assert_array_equal(g, [-1.0, 0.0, 1.0])


def test_relu_subgradient_is_zero_at_zero():
    x = T.vector("x")
    np.testing.assert_array_equal(gradient_at(T.relu(x).sum(), x, {x: [-2.0, 0.0, 3.0]}), [0, 0, 1])
    leaky = gradient_at(T.relu(x, alpha=0.1).sum(), x, {x: [-2.0, 0.0, 3.0]})
    np.testing.assert_array_equal(leaky, [0.1, 0.1, 1.0])


def test_sqrt_gradient_is_infinite_at_zero():
    x = T.vector("x")
    np.testing.assert_array_equal(gradient_at(T.sqrt(x).sum(), x, {x: [0.0, 4.0]}), [np.inf, 0.25])


@pytest.mark.parametrize(
    "f, gx, gy",
    [(T.maximum, [0.0, 0.5, 1.0], [1.0, 0.5, 0.0]), (T.minimum, [1.0, 0.5, 0.0], [0.0, 0.5, 1.0])],
)
def test_maximum_and_minimum_split_ties(f, gx, gy):
    x, y = T.vector("x"), T.vector("y")
    values = {x: [1.0, 2.0, 3.0], y: [2.0, 2.0, 2.0]}
    got = T.grad(f(x, y).sum(), [x, y])
    np.testing.assert_array_equal(got[0].eval(values), gx)
    np.testing.assert_array_equal(got[1].eval(values), gy)


def test_maximum_gradient_sums_over_a_broadcast_scalar():
    x, floor = T.vector("x"), T.scalar("floor")
    g = gradient_at(T.maximum(x, floor).sum(), floor, {x: [-1.0, 0.0, 2.0], floor: 0.0})
    assert g == 1.5  # 1 from x = -1, a half from the tie at 0


def test_clip_gradient_goes_where_the_value_came_from():
    x, lo, hi = T.vector("x"), T.scalar("lo"), T.scalar("hi")
    values = {x: [-2.0, -1.0, 0.0, 1.0, 2.0, 3.0], lo: -1.0, hi: 1.0}
    gx, glo, ghi = (g.eval(values) for g in T.grad(T.clip(x, lo, hi).sum(), [x, lo, hi]))
    np.testing.assert_array_equal(gx, [0, 1, 1, 1, 0, 0])  # bounds included
    assert (glo, ghi) == (1.0, 2.0)


def test_clip_with_crossed_bounds_is_hi_everywhere():
    x, lo, hi = T.vector("x"), T.scalar("lo"), T.scalar("hi")
    values = {x: [-5.0, 0.0, 5.0], lo: 1.0, hi: -1.0}
    out = T.clip(x, lo, hi)
    np.testing.assert_array_equal(out.eval(values), np.clip([-5.0, 0.0, 5.0], 1.0, -1.0))
    gx, glo, ghi = (g.eval(values) for g in T.grad(out.sum(), [x, lo, hi]))
    np.testing.assert_array_equal(gx, [0, 0, 0])
    assert (glo, ghi) == (0.0, 3.0)


@pytest.mark.parametrize("f", [T.floor, T.ceil, T.round, T.sgn])
def test_piecewise_constant_functions_have_zero_gradient(f):
    x = T.vector("x")
    values = np.array([-1.5, -0.2, 0.0, 0.7, 2.5])
    # d/dx (f(x) * x) = f(x) + f'(x) * x: exactly f(x) when f' is zero
    g = gradient_at((f(x) * x).sum(), x, {x: values})
    np.testing.assert_array_equal(g, f(x).eval({x: values}))


def test_smooth_gradients_at_known_points():
    x, y = T.vector("x"), T.vector("y")
    at_zero = {x: [0.0]}
    assert gradient_at(T.softplus(x).sum(), x, at_zero) == 0.5  # sigmoid(0)
    assert gradient_at(T.tanh(x).sum(), x, at_zero) == 1.0
    np.testing.assert_allclose(gradient_at(T.erf(x).sum(), x, at_zero), 2 / np.sqrt(np.pi))
    gy, gx = T.grad(T.arctan2(y, x).sum(), [y, x])
    np.testing.assert_allclose(gy.eval({x: [1.0], y: [1.0]}), [0.5])
    np.testing.assert_allclose(gx.eval({x: [1.0], y: [1.0]}), [-0.5])


def test_float32_gradients_stay_float32():
    v = T.fvector("v")
    for f in (T.sqrt, T.erf, T.softplus, T.log2, T.arcsin, abs, T.relu):
        assert T.grad(f(v).sum(), v).dtype == "float32", f


# -- operator spellings ----------------------------------------------------------------------
X_VALUES = np.array([-2.5, 0.0, 1.5])
N_VALUES = np.array([-7, 0, 5, 12], dtype="int32")
B_VALUES = np.array([True, False, True, False])
C_VALUES = np.array([True, True, False, False])


@pytest.mark.parametrize(
    "spelling, build, numpy, scalar_op",
    [
        ("abs(x)", lambda x, n, b, c: abs(x), lambda x, n, b, c: abs(x), sm.Abs),
        ("-x", lambda x, n, b, c: -x, lambda x, n, b, c: -x, sm.Neg),
        ("x ** 2", lambda x, n, b, c: x**2, lambda x, n, b, c: x**2, sm.Pow),
        ("2 ** x", lambda x, n, b, c: 2**x, lambda x, n, b, c: 2**x, sm.Pow),
        ("n // 2", lambda x, n, b, c: n // 2, lambda x, n, b, c: n // 2, sm.IntDiv),
        ("n % 3", lambda x, n, b, c: n % 3, lambda x, n, b, c: n % 3, sm.Mod),
        ("x % 3", lambda x, n, b, c: x % 3, lambda x, n, b, c: x % 3, sm.Mod),
        ("b & c", lambda x, n, b, c: b & c, lambda x, n, b, c: b & c, sm.And),
        ("b | c", lambda x, n, b, c: b | c, lambda x, n, b, c: b | c, sm.Or),
        ("b ^ c", lambda x, n, b, c: b ^ c, lambda x, n, b, c: b ^ c, sm.Xor),
        ("n & 6", lambda x, n, b, c: n & 6, lambda x, n, b, c: n & 6, sm.And),
        ("3 | n", lambda x, n, b, c: 3 | n, lambda x, n, b, c: 3 | n, sm.Or),
        ("n ^ n", lambda x, n, b, c: n ^ n, lambda x, n, b, c: n ^ n, sm.Xor),
        ("~b", lambda x, n, b, c: ~b, lambda x, n, b, c: ~b, sm.Not),
        ("~n", lambda x, n, b, c: ~n, lambda x, n, b, c: ~n, sm.Invert),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_operator_spellings(spelling, build, numpy, scalar_op):
    x, n = T.vector("x"), T.ivector("n")
    b = T.tensor(dtype="bool", shape=(None,), name="b")
    c = T.tensor(dtype="bool", shape=(None,), name="c")
    out = build(x, n, b, c)
    assert isinstance(out.owner.op.scalar_op, scalar_op)
    values = {x: X_VALUES, n: N_VALUES, b: B_VALUES, c: C_VALUES}
    used = {var: value for var, value in values.items() if var in out.owner.inputs}
    expected = numpy(X_VALUES, N_VALUES, B_VALUES, C_VALUES)
    got = out.eval(used)
    assert got.dtype == expected.dtype
    np.testing.assert_array_equal(got, expected)


def test_bitwise_operators_refuse_floats():
    x = T.vector("x")
    with pytest.raises(
        TypeMismatchError,
        match=r"Elemwise\{invert\} needs bool or integer inputs.*\n.*\n  got:      x: float64 \(None,\)"
        r"\n  built at: .*test_math\.py:\d+: _ = ~x",
    ):
        _ = ~x
    with pytest.raises(TypeMismatchError, match=r"Elemwise\{and\} needs bool or integer inputs"):
        x & 1
    with pytest.raises(TypeMismatchError, match=r"sgn is not defined for bool inputs"):
        T.sgn(T.tensor(dtype="bool", shape=(None,)))


# -- Theano's spellings ----------------------------------------------------------------------
def test_add_and_mul_take_any_number_of_inputs():
    a, b, c = T.vector("a"), T.vector("b"), T.vector("c")
    values = {a: [1.0, 2.0], b: [10.0, 20.0], c: [100.0, 200.0]}
    np.testing.assert_array_equal(T.add(a, b, c).eval(values), [111.0, 222.0])
    np.testing.assert_array_equal(T.mul(a, b, c).eval(values), [1000.0, 8000.0])
    assert T.add(a) is a
    with pytest.raises(TypeMismatchError, match=r"add\(\) needs at least one input"):
        T.add()


def test_theano_names():
    assert T.abs_ is T.abs and T.sqr is T.square and T.sgn is T.sign
    assert T.true_divide is T.true_div and T.floor_div is T.int_div
    assert T.bitwise_not is T.invert
    for name in ("sigmoid", "softplus", "relu", "tanh"):
        assert callable(getattr(T, name))
    x = T.vector("x")
    np.testing.assert_array_equal(T.inv(x).eval({x: [2.0, -4.0]}), [0.5, -0.25])
    np.testing.assert_array_equal(T.neq(x, 0.0).eval({x: [2.0, 0.0]}), [True, False])
    np.testing.assert_array_equal(T.eq(x, 0.0).eval({x: [2.0, 0.0]}), [False, True])


def test_logical_functions_take_any_dtype():
    x, n = T.vector("x"), T.ivector("n")
    values = {x: [2.0, 0.0, 0.0], n: [1, 1, 0]}
    xv, nv = np.array([2.0, 0.0, 0.0]), np.array([1, 1, 0])
    for f, numpy_f in [
        (T.logical_and, np.logical_and),
        (T.logical_or, np.logical_or),
        (T.logical_xor, np.logical_xor),
    ]:
        np.testing.assert_array_equal(f(x, n).eval(values), numpy_f(xv, nv))
    np.testing.assert_array_equal(T.logical_not(x).eval({x: xv}), np.logical_not(xv))


def test_clip_with_an_open_side():
    x = T.vector("x")
    values = np.array([-2.0, 0.5, 3.0])
    np.testing.assert_array_equal(
        T.clip(x, None, 1.0).eval({x: values}), np.clip(values, None, 1.0)
    )
    np.testing.assert_array_equal(
        T.clip(x, 0.0, None).eval({x: values}), np.clip(values, 0.0, None)
    )


def test_identity_is_its_own_op():
    x = T.vector("x")
    y = T.identity(x, name="y")
    assert isinstance(y.owner.op.scalar_op, sm.Identity) and y.name == "y"
    assert x.copy().owner.op == y.owner.op
    np.testing.assert_array_equal(y.eval({x: [1.0, 2.0]}), [1.0, 2.0])


def test_python_ints_that_do_not_fit_are_a_clear_error():
    with pytest.raises(TensorlabError, match="the Python integer 300 does not fit in int8"):
        T.bvector("b") + 300


def test_negating_booleans_is_refused_when_the_graph_is_built():
    m = T.tensor(dtype="bool", shape=(None,), name="m")
    with pytest.raises(TensorlabError, match="neg is not defined for booleans"):
        _ = -m
    with pytest.raises(TensorlabError, match="sub is not defined for booleans"):
        _ = m - m
