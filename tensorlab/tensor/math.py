"""Elementwise functions: every scalar op lifted to tensors by `Elemwise`.

>>> import tensorlab.tensor as T
>>> x = T.vector("x")
>>> T.sigmoid(x).eval({x: [0.0]})
array([0.5])
"""

from __future__ import annotations

from collections.abc import Callable

from tensorlab.graph.basic import Variable
from tensorlab.scalar import math as sm
from tensorlab.scalar.basic import ScalarOp, check_dtype
from tensorlab.tensor.elemwise import Elemwise
from tensorlab.tensor.variable import as_tensor_variable

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
]


def elemwise_function(scalar_op: ScalarOp) -> Callable[..., Variable]:
    """The tensor function of a scalar op; `help()` on it shows the op's math."""
    op = Elemwise(scalar_op)

    def apply(*inputs):
        return op(*inputs)

    apply.__name__ = apply.__qualname__ = scalar_op.name
    apply.__doc__ = type(scalar_op).__doc__
    apply.op = op
    return apply


add = elemwise_function(sm.add)
sub = elemwise_function(sm.sub)
mul = elemwise_function(sm.mul)
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


def identity(x, name: str | None = None) -> Variable:
    """A copy of `x` under a new name (a node of its own in the graph)."""
    out = Elemwise(sm.Cast(as_tensor_variable(x).dtype))(x)
    out.name = name
    return out
