"""Scalar types, variables and the base classes of scalar ops.

A scalar op is the alphabet of elementwise math. It carries
- `output_dtype(*dtypes)`: its dtype rule,
- `impl(*arrays)`: its NumPy meaning (applied to whole arrays by `Elemwise.perform`),
- `expr(*names)`: Python source for one element, using `math` and operators only, which
  the CPU and CUDA loop generators paste into their loops,
- `grad(inputs, outputs, gouts)`: its derivative, written as a scalar graph with the
  ordinary operators; `Elemwise` lifts that graph to tensors.

>>> x, y = ScalarType("float64")("x"), ScalarType("float64")("y")
>>> z = x * y + 1.0
>>> str(z.owner.op), z.dtype
('add', 'float64')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from tensorlab.errors import TypeMismatchError, error
from tensorlab.graph.basic import Apply, Constant, Op, Type, Variable

# Dtypes tensorlab knows, in the order NumPy promotes them.
INT_DTYPES = ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")
FLOAT_DTYPES = ("float16", "float32", "float64")
ALL_DTYPES = ("bool", *INT_DTYPES, *FLOAT_DTYPES)


def check_dtype(dtype: Any) -> str:
    """Normalise `dtype` (a string, NumPy dtype or Python type) to its NumPy name."""
    try:
        name = np.dtype(dtype).name
    except TypeError as err:
        raise error(
            TypeMismatchError, f"{dtype!r} is not a dtype", expected=", ".join(ALL_DTYPES)
        ) from err
    if name not in ALL_DTYPES:
        raise error(
            TypeMismatchError, f"dtype {name} is not supported", expected=", ".join(ALL_DTYPES)
        )
    return name


def upcast(*dtypes: str) -> str:
    """NumPy's promotion of array dtypes: `upcast('int32', 'float32') == 'float64'`."""
    return np.result_type(*dtypes).name


def upcast_to_float(*dtypes: str) -> str:
    """The float dtype a float-valued function of these inputs returns.

    Small integers go to float32, where NumPy would give float16; the rest follow NumPy.
    """
    dtype = upcast(*dtypes)
    if dtype in FLOAT_DTYPES:
        return dtype
    if dtype in ("bool", "int8", "uint8", "int16", "uint16"):
        return "float32"
    return "float64"


def is_float(dtype: str) -> bool:
    return dtype in FLOAT_DTYPES


def is_integer(dtype: str) -> bool:
    return dtype in INT_DTYPES or dtype == "bool"


def weak_dtype(value: Any, others: list[str]) -> str:
    """The dtype a Python number takes next to arrays of dtypes `others` (NumPy 2's NEP 50).

    `float32 array * 2.0` stays float32; `int8 array / 2.5` becomes float64.
    """
    if not others:
        if isinstance(value, bool):
            return "bool"
        if isinstance(value, int):
            return "int64"
        from tensorlab.config import config

        return config.floatX
    dtype = np.result_type(*others, value).name
    if isinstance(value, int) and not isinstance(value, bool) and np.dtype(dtype).kind in "iu":
        info = np.iinfo(dtype)
        if not info.min <= value <= info.max:
            raise error(
                TypeMismatchError,
                f"the Python integer {value} does not fit in {dtype}, the dtype of the tensor beside it",
                expected=f"{info.min} <= value <= {info.max}",
                got=str(value),
                hint=f"cast the tensor first, e.g. x.astype('int64'), or use T.constant({value})",
            )
    return dtype


def is_python_number(value: Any) -> bool:
    return isinstance(value, (bool, int, float)) and not isinstance(value, np.generic)


@dataclass(frozen=True)
class ScalarType(Type):
    """A single number of `dtype`; the element type of the loops `Elemwise` runs."""

    dtype: str

    ndim = 0
    shape = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "dtype", check_dtype(self.dtype))

    def filter(self, value: Any, name: str = "value", allow_downcast: bool = False) -> Any:
        return np.asarray(value, dtype=self.dtype)[()]

    def __str__(self) -> str:
        return f"scalar[{self.dtype}]"


class _ScalarOperators:
    """Python operators on scalar variables, so gradients read like the math."""

    def __add__(self, other):
        return _math().add(self, other)

    def __radd__(self, other):
        return _math().add(other, self)

    def __sub__(self, other):
        return _math().sub(self, other)

    def __rsub__(self, other):
        return _math().sub(other, self)

    def __mul__(self, other):
        return _math().mul(self, other)

    def __rmul__(self, other):
        return _math().mul(other, self)

    def __truediv__(self, other):
        return _math().true_div(self, other)

    def __rtruediv__(self, other):
        return _math().true_div(other, self)

    def __pow__(self, other):
        return _math().pow(self, other)

    def __rpow__(self, other):
        return _math().pow(other, self)

    def __neg__(self):
        return _math().neg(self)

    def __lt__(self, other):
        return _math().lt(self, other)

    def __le__(self, other):
        return _math().le(self, other)

    def __gt__(self, other):
        return _math().gt(self, other)

    def __ge__(self, other):
        return _math().ge(self, other)

    __hash__ = object.__hash__


def _math():
    import tensorlab.scalar  # every scalar op; imported late because they import this module

    return tensorlab.scalar


class ScalarVariable(_ScalarOperators, Variable):
    """A symbolic scalar: an element inside an elementwise loop."""

    @property
    def dtype(self) -> str:
        return self.type.dtype


class ScalarConstant(_ScalarOperators, Constant):
    """A fixed scalar in a scalar graph (for example the `1.0` in `1.0 - s`)."""

    @property
    def dtype(self) -> str:
        return self.type.dtype


ScalarType.variable_class = ScalarVariable
ScalarType.constant_class = ScalarConstant


def as_scalar(value: Any, others: list[str] = ()) -> ScalarVariable:
    """`value` as a scalar variable; a Python number takes a dtype weakly from `others`."""
    if isinstance(value, ScalarVariable | ScalarConstant):
        return value
    if isinstance(value, Variable):
        raise error(
            TypeMismatchError,
            "a scalar op was given a non-scalar variable",
            expected="a scalar variable or a number",
            got=f"{value}: {value.type}",
        )
    dtype = (
        weak_dtype(value, list(others)) if is_python_number(value) else np.asarray(value).dtype.name
    )
    return ScalarConstant(ScalarType(dtype), np.asarray(value, dtype=dtype)[()])


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


class ScalarOp(Op):
    """Base of scalar ops. Subclasses are frozen dataclasses (usually with no fields)."""

    nin: int = 1
    # True when the op computes in its output dtype: `exp(int8)` casts to float32 first
    # and so matches what the compiled loops do, where NumPy would compute in float16.
    cast_inputs: bool = False

    @property
    def name(self) -> str:
        return _snake(type(self).__name__)

    def output_dtype(self, *dtypes: str) -> str:
        return upcast(*dtypes)

    def make_node(self, *inputs: Any) -> Apply:
        if len(inputs) != self.nin:
            raise error(
                TypeMismatchError,
                f"{self} takes {self.nin} input{'s' if self.nin != 1 else ''}",
                got=f"{len(inputs)}",
            )
        typed = [x.dtype for x in inputs if isinstance(x, Variable)]
        scalars = [as_scalar(x, typed) for x in inputs]
        dtype = self.output_dtype(*(x.dtype for x in scalars))
        return Apply(self, scalars, [ScalarType(dtype)()])

    def impl(self, *inputs: Any) -> Any:
        raise NotImplementedError(f"{self} has no NumPy implementation")

    def perform(self, node: Apply, *inputs: Any) -> Any:
        dtype = node.outputs[0].type.dtype
        if self.cast_inputs:
            inputs = tuple(np.asarray(x, dtype=dtype) for x in inputs)
        return np.asarray(self.impl(*inputs), dtype=dtype)[()]

    def expr(self, *names: str) -> str:
        raise NotImplementedError(f"{self} has no one-element source")

    def __str__(self) -> str:
        return self.name


class UnaryScalarOp(ScalarOp):
    nin = 1


class BinaryScalarOp(ScalarOp):
    nin = 2


class FloatUnaryScalarOp(UnaryScalarOp):
    """A unary op whose value is a float whatever the input: `exp`, `log`, `sigmoid`, ..."""

    cast_inputs = True

    def output_dtype(self, x: str) -> str:
        return upcast_to_float(x)
