"""Elementwise functions: every scalar op lifted to tensors by `Elemwise`.

>>> import tensorlab.tensor as T
>>> x = T.vector("x")
>>> T.sigmoid(x).eval({x: [0.0]})
array([0.5])
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

import numpy as np

from tensorlab import scalar as sm
from tensorlab.errors import TypeMismatchError, describe, error
from tensorlab.graph.basic import Variable
from tensorlab.graph.source import user_location
from tensorlab.scalar.basic import ScalarOp, check_dtype, is_integer, upcast_to_float
from tensorlab.tensor.elemwise import Elemwise
from tensorlab.tensor.variable import as_tensor_like, as_tensor_variable

__all__ = [
    "elemwise_function",
    "add",
    "sub",
    "mul",
    "true_div",
    "int_div",
    "mod",
    "pow",
    "neg",
    "exp",
    "log",
    "sigmoid",
    "lt",
    "gt",
    "le",
    "ge",
    "eq",
    "neq",
    "switch",
    "where",
    "cast",
    "identity",
    "abs",
    "abs_",
    "sgn",
    "sign",
    "sqr",
    "square",
    "sqrt",
    "exp2",
    "log2",
    "log10",
    "log1p",
    "expm1",
    "sin",
    "cos",
    "tan",
    "arcsin",
    "arccos",
    "arctan",
    "arctan2",
    "sinh",
    "cosh",
    "tanh",
    "erf",
    "softplus",
    "relu",
    "floor",
    "ceil",
    "round_half_to_even",
    "round",
    "rint",
    "maximum",
    "minimum",
    "clip",
    "isnan",
    "isinf",
    "and_",
    "or_",
    "xor",
    "invert",
    "bitwise_and",
    "bitwise_or",
    "bitwise_xor",
    "bitwise_not",
    "logical_and",
    "logical_or",
    "logical_xor",
    "logical_not",
    "true_divide",
    "floor_div",
    "inv",
]


def elemwise_function(
    scalar_op: ScalarOp, example: tuple[str, str] | None = None
) -> Callable[..., Variable]:
    """The tensor function of a scalar op; `help()` on it shows the op's math.

    `example` is `(call, printed value)`: the doctest `>>> call.eval()` added to that math.
    """
    op = Elemwise(scalar_op)

    def apply(*inputs):
        return op(*inputs)

    apply.__name__ = apply.__qualname__ = scalar_op.name
    # help() and Jupyter show the inputs by name: sin(x), arctan2(y, x), switch(c, a, b)
    apply.__signature__ = inspect.signature(scalar_op.impl).replace(return_annotation=Variable)
    apply.__doc__ = type(scalar_op).__doc__
    if example is not None:
        call, printed = example
        apply.__doc__ += f"\n    >>> {call}.eval()\n    {printed}\n"
    apply.op = op
    return apply


def _fold(binary: Callable[..., Variable], name: str, terms: tuple) -> Variable:
    """`binary` applied left to right over `terms`, as Theano's n-ary add and mul."""
    if not terms:
        raise error(
            TypeMismatchError,
            f"{name}() needs at least one input",
            got="no inputs",
            at=user_location(),
        )
    if len(terms) == 1:
        return as_tensor_variable(terms[0])
    return functools.reduce(binary, terms)


_add = elemwise_function(sm.add)
sub = elemwise_function(sm.sub)
_mul = elemwise_function(sm.mul)


def add(*terms: Any) -> Variable:
    """Sum of any number of inputs, folded left: `add(a, b, c)` is `(a + b) + c`.

    forward:   add(x, y) = x + y
    gradient:  dx = gout,  dy = gout

    >>> add([1.0, 2.0], [10.0, 20.0], 100.0).eval()
    array([111., 122.])
    """
    return _fold(_add, "add", terms)


def mul(*factors: Any) -> Variable:
    """Product of any number of inputs, folded left: `mul(a, b, c)` is `(a * b) * c`.

    forward:   mul(x, y) = x * y
    gradient:  dx = gout * y,  dy = gout * x

    >>> mul([1.0, 2.0], [10.0, 20.0], 2.0).eval()
    array([20., 80.])
    """
    return _fold(_mul, "mul", factors)


true_div = elemwise_function(sm.true_div)
int_div = elemwise_function(sm.int_div)
mod = elemwise_function(sm.mod)
pow = elemwise_function(sm.pow)
neg = elemwise_function(sm.neg)
exp = elemwise_function(sm.exp)
log = elemwise_function(sm.log)
sigmoid = elemwise_function(sm.sigmoid)
lt = elemwise_function(sm.lt)
gt = elemwise_function(sm.gt)
le = elemwise_function(sm.le)
ge = elemwise_function(sm.ge)
eq = elemwise_function(sm.eq)
neq = elemwise_function(sm.neq)
switch = elemwise_function(sm.switch)


def where(condition, x, y) -> Variable:
    """NumPy's name for `switch`: `x` where `condition` holds, else `y`."""
    return switch(condition, x, y)


def cast(x, dtype: str) -> Variable:
    """`x` converted to `dtype` (floats to ints truncate toward zero, as NumPy's astype).

    >>> import numpy as np
    >>> cast(np.array([1.7, -1.7]), "int32").eval()
    array([ 1, -1], dtype=int32)
    """
    x = as_tensor_variable(x)
    if dtype == "floatX":
        from tensorlab.config import config

        dtype = config.floatX
    dtype = check_dtype(dtype)
    if x.dtype == dtype:
        return x
    return Elemwise(sm.Cast(dtype))(x)


_identity = Elemwise(sm.identity)


def identity(x, name: str | None = None) -> Variable:
    """A copy of `x` under a new name (a node of its own in the graph).

    >>> identity([1.0, 2.0], name="y").eval()
    array([1., 2.])
    """
    out = _identity(x)
    out.name = name
    return out


# -- elementwise math beyond arithmetic (Theano's names, NumPy's meanings) ------------------
abs = elemwise_function(sm.abs_, ("abs([-1.5, 0.0, 2.0])", "array([1.5, 0. , 2. ])"))
sqr = elemwise_function(sm.sqr, ("sqr([-1.5, 2.0])", "array([2.25, 4.  ])"))
sqrt = elemwise_function(sm.sqrt, ("sqrt([4.0, 2.0])", "array([2.        , 1.41421356])"))
exp2 = elemwise_function(sm.exp2, ("exp2([3.0, -1.0])", "array([8. , 0.5])"))
log2 = elemwise_function(sm.log2, ("log2([8.0, 0.5])", "array([ 3., -1.])"))
log10 = elemwise_function(sm.log10, ("log10([1000.0, 0.1])", "array([ 3., -1.])"))
log1p = elemwise_function(sm.log1p, ("log1p([0.0, 1e-20])", "array([0.e+00, 1.e-20])"))
expm1 = elemwise_function(sm.expm1, ("expm1([0.0, 1e-20])", "array([0.e+00, 1.e-20])"))
sin = elemwise_function(sm.sin, ("sin([0.0, np.pi / 2])", "array([0., 1.])"))
cos = elemwise_function(sm.cos, ("cos([0.0, np.pi])", "array([ 1., -1.])"))
tan = elemwise_function(sm.tan, ("tan([0.0, np.pi / 4])", "array([0., 1.])"))
arcsin = elemwise_function(sm.arcsin, ("arcsin([0.0, 1.0])", "array([0.        , 1.57079633])"))
arccos = elemwise_function(sm.arccos, ("arccos([1.0, 0.0])", "array([0.        , 1.57079633])"))
arctan = elemwise_function(sm.arctan, ("arctan([0.0, 1.0])", "array([0.        , 0.78539816])"))
arctan2 = elemwise_function(
    sm.arctan2, ("arctan2([1.0, -1.0], [-1.0, -1.0])", "array([ 2.35619449, -2.35619449])")
)
sinh = elemwise_function(sm.sinh, ("sinh([0.0, 1.0])", "array([0.        , 1.17520119])"))
cosh = elemwise_function(sm.cosh, ("cosh([0.0, 1.0])", "array([1.        , 1.54308063])"))
tanh = elemwise_function(sm.tanh, ("tanh([0.0, 20.0])", "array([0., 1.])"))
erf = elemwise_function(sm.erf, ("erf([0.0, 1.0])", "array([0.        , 0.84270079])"))
softplus = elemwise_function(sm.softplus, ("softplus(1000.0)", "array(1000.)"))
floor = elemwise_function(sm.floor, ("floor([-1.5, 2.5])", "array([-2.,  2.])"))
ceil = elemwise_function(sm.ceil, ("ceil([-1.5, 2.5])", "array([-1.,  3.])"))
maximum = elemwise_function(sm.maximum, ("maximum([1.0, 5.0], 3.0)", "array([3., 5.])"))
minimum = elemwise_function(sm.minimum, ("minimum([1.0, 5.0], 3.0)", "array([1., 3.])"))
isnan = elemwise_function(sm.isnan, ("isnan([1.0, np.nan])", "array([False,  True])"))
isinf = elemwise_function(sm.isinf, ("isinf([1.0, -np.inf])", "array([False,  True])"))
_sgn = Elemwise(sm.sgn)
_relu = Elemwise(sm.relu)
_round = Elemwise(sm.round_half_to_even)
_clip = Elemwise(sm.clip)
_and, _or, _xor = Elemwise(sm.and_), Elemwise(sm.or_), Elemwise(sm.xor)
_invert, _not = Elemwise(sm.invert), Elemwise(sm.not_)


def sgn(x) -> Variable:
    """Sign of each element: 1, -1, or 0 (nan stays nan); NumPy's `sign`, Theano's `sgn`.

    forward:   sgn(x) = 1 if x > 0, -1 if x < 0, 0 if x == 0
    gradient:  none (piecewise constant): zero

    >>> sgn([-2.0, 0.0, 3.0]).eval()
    array([-1.,  0.,  1.])
    """
    (x,) = _numbers_only("sgn", [x])
    return _sgn(x)


def relu(x, alpha: Any = 0.0) -> Variable:
    """Rectified linear unit, Theano's `T.nnet.relu(x, alpha=0)`: max(x, 0).

    With a slope `alpha` (a number or a tensor) negative inputs give `alpha * x` (leaky
    relu). The gradient at 0 is 0 for the plain relu, `alpha` for the leaky one.

    >>> relu([-2.0, 0.0, 3.0]).eval()
    array([0., 0., 3.])
    >>> relu([-2.0, 0.0, 3.0], alpha=0.1).eval()
    array([-0.2,  0. ,  3. ])
    """
    if not isinstance(alpha, Variable) and np.ndim(alpha) == 0 and alpha == 0:
        return _relu(x)
    x = as_tensor_variable(x)
    return switch(gt(x, 0), x, mul(alpha, x))


def round_half_to_even(x) -> Variable:
    """The nearest integer, halves to the even one (NumPy's `round`); ints stay as they are.

    forward:   round(x): 0.5 -> 0, 1.5 -> 2, 2.5 -> 2, -0.5 -> -0
    gradient:  none (piecewise constant): zero

    >>> round_half_to_even([0.5, 1.5, 2.5, -0.7]).eval()
    array([ 0.,  2.,  2., -1.])
    """
    x = as_tensor_variable(x)
    if is_integer(x.dtype):
        return x  # already whole numbers, as NumPy's round of an int array
    return _round(x)


round = round_half_to_even


def rint(x) -> Variable:
    """NumPy's `rint`: `round` to the nearest integer, halves to even, as floats.

    Integer inputs become floats as NumPy's `rint` makes them (int8 gives float32 here,
    where NumPy gives float16).

    >>> rint([2.5, 3.5]).eval()
    array([2., 4.])
    """
    x = as_tensor_variable(x)
    if is_integer(x.dtype):
        return cast(x, upcast_to_float(x.dtype))
    return _round(x)


def clip(x, lo, hi) -> Variable:
    """`x` limited to [lo, hi], as NumPy's `clip` (where lo > hi, every element is hi).

    `None` for a bound leaves that side open. The gradient goes to whichever input the
    element's value came from: x inside [lo, hi] (bounds included), else lo or hi.

    >>> clip([-2.0, 0.5, 3.0], 0.0, 1.0).eval()
    array([0. , 0.5, 1. ])
    """
    if lo is None and hi is None:
        return identity(x)
    if lo is None:
        return minimum(x, hi)
    if hi is None:
        return maximum(x, lo)
    return _clip(x, lo, hi)


def _numbers_only(name: str, inputs: list) -> list:
    """`inputs` as tensors, refusing bools (NumPy has no sign or negative of a bool)."""
    inputs = as_tensor_like(inputs)
    if any(x.dtype == "bool" for x in inputs):
        raise error(
            TypeMismatchError,
            f"{name} is not defined for bool inputs",
            expected="integer or float dtypes",
            got=", ".join(describe(x) for x in inputs),
            at=user_location(),
            hint="cast first: x.astype('int8')",
        )
    return inputs


def _bits_only(op: Elemwise, inputs: list) -> list:
    """`inputs` as tensors, refusing floats: &, |, ^ and ~ need bools or integers."""
    inputs = as_tensor_like(inputs)
    if not all(is_integer(x.dtype) for x in inputs):
        raise error(
            TypeMismatchError,
            f"{op} needs bool or integer inputs (logical on bools, bitwise on integers)",
            expected="bool or integer dtypes",
            got=", ".join(describe(x) for x in inputs),
            at=user_location(),
            hint="compare first (x > 0) to get bools, or cast to an integer dtype",
        )
    return inputs


def and_(x, y) -> Variable:
    """x & y: logical and of bools, bitwise and of integers (NumPy's `&`).

    >>> and_([True, True, False], [True, False, False]).eval()
    array([ True, False, False])
    """
    return _and(*_bits_only(_and, [x, y]))


def or_(x, y) -> Variable:
    """x | y: logical or of bools, bitwise or of integers (NumPy's `|`).

    >>> or_([True, True, False], [True, False, False]).eval()
    array([ True,  True, False])
    """
    return _or(*_bits_only(_or, [x, y]))


def xor(x, y) -> Variable:
    """x ^ y: logical xor of bools, bitwise xor of integers (NumPy's `^`).

    >>> xor([True, True, False], [True, False, False]).eval()
    array([False,  True, False])
    """
    return _xor(*_bits_only(_xor, [x, y]))


def invert(x) -> Variable:
    """~x: logical not of bools, bitwise not of integers (NumPy's `~`).

    >>> invert([True, False]).eval()
    array([False,  True])
    >>> invert(np.array([0, 5], dtype="int8")).eval()
    array([-1, -6], dtype=int8)
    """
    (x,) = _bits_only(_invert, [x])
    return _not(x) if x.dtype == "bool" else _invert(x)


def logical_and(x, y) -> Variable:
    """NumPy's `logical_and`: both nonzero, for inputs of any dtype.

    >>> logical_and([2.0, 0.0], [3, 3]).eval()
    array([ True, False])
    """
    return and_(cast(x, "bool"), cast(y, "bool"))


def logical_or(x, y) -> Variable:
    """NumPy's `logical_or`: either nonzero, for inputs of any dtype.

    >>> logical_or([2.0, 0.0], [0, 0]).eval()
    array([ True, False])
    """
    return or_(cast(x, "bool"), cast(y, "bool"))


def logical_xor(x, y) -> Variable:
    """NumPy's `logical_xor`: exactly one nonzero, for inputs of any dtype.

    >>> logical_xor([2.0, 0.0], [3, 3]).eval()
    array([False,  True])
    """
    return xor(cast(x, "bool"), cast(y, "bool"))


def logical_not(x) -> Variable:
    """NumPy's `logical_not`: zero, for inputs of any dtype.

    >>> logical_not([2.0, 0.0]).eval()
    array([False,  True])
    """
    return invert(cast(x, "bool"))


def inv(x) -> Variable:
    """Theano's `inv`: 1 / x.

    >>> inv([2.0, -4.0]).eval()
    array([ 0.5 , -0.25])
    """
    return true_div(1.0, x)


# Theano's and NumPy's other spellings of the same functions.
abs_ = abs
sign = sgn
square = sqr
bitwise_and, bitwise_or, bitwise_xor, bitwise_not = and_, or_, xor, invert
true_divide = true_div
floor_div = int_div
