"""Tensor variables: Python operators and NumPy-style methods that build graph nodes.

>>> import tensorlab.tensor as T
>>> x = T.matrix("x")
>>> y = (x * 2).sum(axis=1)
>>> y.ndim, y.dtype
(1, 'float64')
>>> y.eval({x: [[1.0, 2.0], [3.0, 4.0]]})
array([ 6., 14.])

`x == y` compares variables by identity (they are dictionary keys), as in Theano; use
`T.eq(x, y)` for the elementwise comparison.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tensorlab.errors import TensorlabError, TypeMismatchError, describe, error
from tensorlab.graph.basic import Constant, Variable
from tensorlab.scalar.basic import check_dtype, is_python_number, weak_dtype
from tensorlab.tensor.type import TensorType


def _T():
    import tensorlab.tensor as T  # the public API; imported late because it imports this

    return T


class _TensorMethods:
    """Operators and methods shared by tensor variables, constants and shared variables."""

    type: TensorType

    # NumPy values on the left of an operator (`np.float32(0.1) * g`) hand over to the
    # variable's reflected operator instead of trying to convert it to an array.
    __array_ufunc__ = None

    # -- what a NumPy user reads off an array ------------------------------------
    @property
    def dtype(self) -> str:
        return self.type.dtype

    @property
    def ndim(self) -> int:
        return self.type.ndim

    @property
    def broadcastable(self) -> tuple[bool, ...]:
        return self.type.broadcastable

    @property
    def shape(self):
        """The runtime shape as a symbolic int64 vector (`x.shape[0]` is symbolic too)."""
        return _T().shape(self)

    @property
    def size(self):
        return _T().prod(self.shape)

    @property
    def T(self):
        return _T().transpose(self)

    # -- arithmetic -----------------------------------------------------------------
    def __add__(self, other):
        return _T().add(self, other)

    def __radd__(self, other):
        return _T().add(other, self)

    def __sub__(self, other):
        return _T().sub(self, other)

    def __rsub__(self, other):
        return _T().sub(other, self)

    def __mul__(self, other):
        return _T().mul(self, other)

    def __rmul__(self, other):
        return _T().mul(other, self)

    def __truediv__(self, other):
        return _T().true_div(self, other)

    def __rtruediv__(self, other):
        return _T().true_div(other, self)

    def __floordiv__(self, other):
        return _T().int_div(self, other)

    def __rfloordiv__(self, other):
        return _T().int_div(other, self)

    def __mod__(self, other):
        return _T().mod(self, other)

    def __rmod__(self, other):
        return _T().mod(other, self)

    def __pow__(self, other):
        return _T().pow(self, other)

    def __rpow__(self, other):
        return _T().pow(other, self)

    def __matmul__(self, other):
        return _T().matmul(self, other)

    def __rmatmul__(self, other):
        return _T().matmul(other, self)

    def __neg__(self):
        return _T().neg(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return _T().abs(self)

    # -- comparisons and logic (== and != stay identity: variables are dict keys) -----
    def __lt__(self, other):
        return _T().lt(self, other)

    def __le__(self, other):
        return _T().le(self, other)

    def __gt__(self, other):
        return _T().gt(self, other)

    def __ge__(self, other):
        return _T().ge(self, other)

    def __and__(self, other):
        return _T().and_(self, other)

    def __rand__(self, other):
        return _T().and_(other, self)

    def __or__(self, other):
        return _T().or_(self, other)

    def __ror__(self, other):
        return _T().or_(other, self)

    def __xor__(self, other):
        return _T().xor(self, other)

    def __rxor__(self, other):
        return _T().xor(other, self)

    def __invert__(self):
        return _T().invert(self)

    __hash__ = object.__hash__

    def __bool__(self) -> bool:
        raise error(
            TypeMismatchError,
            f"the truth value of symbolic {self} is not known until the graph runs",
            hint="use T.switch(cond, a, b) or T.where for a choice inside the graph",
        )

    def __iter__(self):
        raise error(
            TypeMismatchError,
            f"symbolic {self} cannot be iterated: its length is not known until the graph runs",
            hint="index it (x[0], x[1], ...) or use the reductions (sum, max, ...)",
        )

    def __len__(self) -> int:
        raise error(
            TypeMismatchError,
            f"len() of symbolic {self} is not known until the graph runs",
            hint="use x.shape[0], which is symbolic",
        )

    def __array__(self, *args, **kwargs):
        raise error(
            TypeMismatchError,
            f"symbolic {self} has no value to convert to a NumPy array",
            hint="call x.eval({...}) or compile a function with tl.function",
        )

    # -- indexing -------------------------------------------------------------------
    def __getitem__(self, index):
        return _T().getitem(self, index)

    # -- NumPy-style methods ----------------------------------------------------------
    def sum(self, axis=None, dtype=None, keepdims: bool = False):
        return _T().sum(self, axis=axis, dtype=dtype, keepdims=keepdims)

    def prod(self, axis=None, dtype=None, keepdims: bool = False):
        return _T().prod(self, axis=axis, dtype=dtype, keepdims=keepdims)

    def mean(self, axis=None, dtype=None, keepdims: bool = False):
        return _T().mean(self, axis=axis, dtype=dtype, keepdims=keepdims)

    def var(self, axis=None, ddof: int = 0, keepdims: bool = False):
        return _T().var(self, axis=axis, ddof=ddof, keepdims=keepdims)

    def std(self, axis=None, ddof: int = 0, keepdims: bool = False):
        return _T().std(self, axis=axis, ddof=ddof, keepdims=keepdims)

    def max(self, axis=None, keepdims: bool = False):
        return _T().max(self, axis=axis, keepdims=keepdims)

    def min(self, axis=None, keepdims: bool = False):
        return _T().min(self, axis=axis, keepdims=keepdims)

    def argmax(self, axis=None, keepdims: bool = False):
        return _T().argmax(self, axis=axis, keepdims=keepdims)

    def argmin(self, axis=None, keepdims: bool = False):
        return _T().argmin(self, axis=axis, keepdims=keepdims)

    def all(self, axis=None, keepdims: bool = False):
        return _T().all(self, axis=axis, keepdims=keepdims)

    def any(self, axis=None, keepdims: bool = False):
        return _T().any(self, axis=axis, keepdims=keepdims)

    def norm(self, L: int = 2, axis=None):
        """Theano's `x.norm(L)`: the L1 or L2 norm of all elements or along `axis`."""
        if L == 1:
            return _T().abs(self).sum(axis=axis)
        if L == 2:
            return _T().sqrt((self * self).sum(axis=axis))
        return (_T().abs(self) ** L).sum(axis=axis) ** (1.0 / L)

    def reshape(self, *shape, ndim: int | None = None):
        if len(shape) == 1 and not isinstance(shape[0], int | np.integer):
            shape = shape[0]
        return _T().reshape(self, shape, ndim=ndim)

    def flatten(self, ndim: int = 1):
        return _T().flatten(self, ndim=ndim)

    def ravel(self):
        return _T().flatten(self)

    def dimshuffle(self, *pattern):
        if len(pattern) == 1 and isinstance(pattern[0], list | tuple):
            pattern = tuple(pattern[0])
        return _T().dimshuffle(self, pattern)

    def transpose(self, *axes):
        if len(axes) == 1 and isinstance(axes[0], list | tuple):
            axes = tuple(axes[0])
        return _T().transpose(self, axes or None)

    def squeeze(self, axis=None):
        return _T().squeeze(self, axis=axis)

    def astype(self, dtype):
        return _T().cast(self, dtype)

    def clip(self, a_min, a_max):
        return _T().clip(self, a_min, a_max)

    def round(self):
        return _T().round(self)

    def dot(self, other):
        return _T().dot(self, other)

    def copy(self, name: str | None = None):
        return _T().identity(self, name=name)

    def eval(self, inputs: dict | None = None) -> np.ndarray:
        """The value of this variable for the given input values, computed once.

        The compiled function is kept per set of inputs, so a loop of `eval` calls
        compiles once.
        """
        import tensorlab

        inputs = dict(inputs or {})
        key = tuple(inputs)
        cache = self.__dict__.setdefault("_eval_cache", {})
        if key not in cache:
            cache[key] = tensorlab.function(list(inputs), self, on_unused_input="ignore")
        return cache[key](*inputs.values())


class TensorVariable(_TensorMethods, Variable):
    """A symbolic tensor: an input, or the output of an op."""

    def __repr__(self) -> str:
        return Variable.__repr__(self)


class TensorConstant(_TensorMethods, Constant):
    """A tensor whose value is fixed in the graph."""

    def __init__(self, type: TensorType, data: Any, name: str | None = None) -> None:
        data = np.asarray(data, dtype=type.dtype)
        data.setflags(write=False)  # a constant folded into graphs must never change
        super().__init__(type, data, name=name)

    def eval(self, inputs: dict | None = None) -> np.ndarray:
        return self.data.copy()


TensorType.variable_class = TensorVariable
TensorType.constant_class = TensorConstant


def constant(value: Any, name: str | None = None, dtype: str | None = None) -> TensorConstant:
    """A constant tensor; its static shape is the value's shape.

    Python floats become `config.floatX`, Python ints int64 (unless `dtype` is given).

    >>> constant([1, 2]).type
    TensorType(int64, (2,))
    """
    if isinstance(value, TensorConstant) and dtype is None:
        return value
    if dtype is not None:
        data = np.asarray(value, dtype=check_dtype(dtype))
    elif is_python_number(value):
        data = np.asarray(value, dtype=weak_dtype(value, []))
    else:
        data = np.asarray(value)
        if data.dtype == object:
            raise error(TypeMismatchError, "this value is not numeric", got=describe(value))
        if data.dtype.kind == "f" and not isinstance(value, np.ndarray | np.generic):
            from tensorlab.config import config

            data = data.astype(config.floatX)  # nested lists of floats, as Theano did
    return TensorConstant(TensorType(data.dtype.name, data.shape), data, name=name)


def as_tensor_variable(value: Any, name: str | None = None, ndim: int | None = None):
    """`value` as a tensor variable: variables pass through, data becomes a constant.

    >>> as_tensor_variable(2.5).type
    TensorType(float64, ())
    """
    if isinstance(value, _TensorMethods):
        var = value
    elif isinstance(value, Variable):
        raise error(
            TypeMismatchError,
            f"{value} is not a tensor",
            expected="a tensor variable, an array or a number",
            got=f"{value}: {value.type}",
        )
    else:
        try:
            var = constant(value, name=name)
        except TensorlabError:
            raise
        except (TypeError, ValueError) as err:
            raise error(
                TypeMismatchError,
                "this value cannot be a tensor",
                expected="a tensor variable, an array or a number",
                got=describe(value),
            ) from err
    if ndim is not None and var.ndim != ndim:
        raise error(
            TypeMismatchError,
            f"{var} has {var.ndim} dimensions where {ndim} are needed",
            got=describe(var),
            at=var,
        )
    return var


def as_tensor_like(values: list[Any]) -> list:
    """Convert a list of op inputs; Python numbers take their dtype weakly from the tensors.

    `as_tensor_like([x_float32, 2.0])` gives a float32 constant for the 2.0, as NumPy 2
    would.
    """
    dtypes = [v.dtype for v in values if isinstance(v, _TensorMethods)]
    return [
        TensorConstant(TensorType(weak_dtype(v, dtypes), ()), v)
        if is_python_number(v)
        else as_tensor_variable(v)
        for v in values
    ]
