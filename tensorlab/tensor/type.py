"""`TensorType(dtype, shape)`: what a tensor variable may hold.

The static `shape` has an int or `None` per axis. `None` means "any length", and a
length of 1 is not special: broadcasting is decided at run time, as in NumPy.

>>> TensorType("float32", (None, 3))
TensorType(float32, (None, 3))
>>> TensorType("float32", (None, 3)).filter([[1, 2, 3]]).dtype
dtype('float32')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from tensorlab.errors import ShapeError, TypeMismatchError, describe, error
from tensorlab.graph.basic import Type
from tensorlab.scalar.basic import check_dtype

_RANK_NAMES = {0: "scalar", 1: "vector", 2: "matrix", 3: "tensor3", 4: "tensor4"}


def shape_text(shape: tuple) -> str:
    return "(" + ", ".join(str(n) for n in shape) + ("," if len(shape) == 1 else "") + ")"


@dataclass(frozen=True)
class TensorType(Type):
    """An n-dimensional array of `dtype` whose axis lengths are `shape` (`None`: unknown)."""

    dtype: str
    shape: tuple[int | None, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "dtype", check_dtype(self.dtype))
        shape = tuple(None if n is None else int(n) for n in self.shape)
        if any(n is not None and n < 0 for n in shape):
            raise error(ShapeError, "a static shape cannot have negative lengths", got=str(shape))
        object.__setattr__(self, "shape", shape)
        # Not fields: what every call of a compiled function checks, computed once.
        object.__setattr__(self, "numpy_dtype", np.dtype(self.dtype))
        object.__setattr__(
            self, "static_axes", tuple((a, n) for a, n in enumerate(shape) if n is not None)
        )

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def broadcastable(self) -> tuple[bool, ...]:
        """Theano's view of the static shape: which axes are known to have length 1."""
        return tuple(n == 1 for n in self.shape)

    @property
    def kind(self) -> str:
        """`scalar`, `vector`, `matrix`, `tensor3`, ...: the name a learner knows."""
        return _RANK_NAMES.get(self.ndim, f"tensor{self.ndim}")

    def is_super(self, other: Type) -> bool:
        return (
            isinstance(other, TensorType)
            and other.dtype == self.dtype
            and other.ndim == self.ndim
            and all(a is None or a == b for a, b in zip(self.shape, other.shape, strict=True))
        )

    def checker(self, name: str = "value", allow_downcast: bool = False) -> Any:
        """`filter` for one argument, with a fast path for an array that already fits
        (the common case on a training loop's call path).

        >>> from tensorlab.tensor.type import TensorType
        >>> check = TensorType("float64", (None,)).checker("x")
        >>> check([1, 2])
        array([1., 2.])
        """
        dtype, ndim = self.numpy_dtype, self.ndim
        if self.static_axes:  # lengths to check: no shortcut
            return lambda value: self.filter(value, name, allow_downcast)

        def check(value: Any) -> np.ndarray:
            # `is` first: NumPy's builtin dtypes are singletons, and `==` costs more
            if (
                type(value) is np.ndarray
                and (value.dtype is dtype or value.dtype == dtype)
                and value.ndim == ndim
            ):
                return value
            return self.filter(value, name, allow_downcast)

        return check

    def filter(self, value: Any, name: str = "value", allow_downcast: bool = False) -> np.ndarray:
        """`value` as an array of this type, or an error naming `name`.

        Arrays must cast safely (int64 data into a float64 input works; float data into
        an int input does not, unless `allow_downcast`). Python numbers and lists may
        also narrow within their kind (a Python float into a float32 input).
        """
        is_array = isinstance(value, np.ndarray | np.generic)
        try:
            array = value if is_array else np.asarray(value)
        except (ValueError, TypeError) as err:
            raise error(
                TypeMismatchError,
                f"{name} cannot be read as an array",
                expected=self.describe(),
                got=describe(value),
            ) from err
        if array.dtype != self.numpy_dtype:
            rule = "safe" if is_array else "same_kind"
            if not (allow_downcast or np.can_cast(array.dtype, self.dtype, rule)):
                raise error(
                    TypeMismatchError,
                    f"{name} has dtype {array.dtype.name}, which does not cast safely to {self.dtype}",
                    expected=self.describe(),
                    got=f"{name}: {array.dtype.name} {shape_text(array.shape)}",
                    hint=f"convert it with .astype('{self.dtype}'), or pass allow_input_downcast=True",
                )
            array = array.astype(self.dtype)
        if array.ndim != self.ndim:
            raise error(
                TypeMismatchError,
                f"{name} has {array.ndim} dimension{'s' if array.ndim != 1 else ''}, "
                f"but it is a {self.kind}",
                expected=self.describe(),
                got=f"{name}: {array.dtype.name} {shape_text(array.shape)}",
            )
        if self.static_axes and any(array.shape[a] != n for a, n in self.static_axes):
            self.check_shape(array.shape, name)
        return array if is_array and array.ndim else np.asarray(array)

    def check_shape(self, shape: tuple[int, ...], name: str = "value", at: Any = None) -> None:
        """Raise `ShapeError` if a runtime `shape` contradicts the static one."""
        for axis, (static, actual) in enumerate(zip(self.shape, shape, strict=True)):
            if static is not None and static != actual:
                raise error(
                    ShapeError,
                    f"{name} has length {actual} on axis {axis}, but its type fixes it to {static}",
                    expected=self.describe(),
                    got=f"{name}: {self.dtype} {shape_text(tuple(shape))}",
                    at=at,
                )

    def describe(self) -> str:
        """`a float64 matrix of shape (None, 3)`: for error messages."""
        if self.ndim == 0:
            return f"a {self.dtype} scalar"
        return f"a {self.dtype} {self.kind} of shape {shape_text(self.shape)}"

    def __str__(self) -> str:
        return f"{self.dtype} {shape_text(self.shape)}"

    def __repr__(self) -> str:
        return f"TensorType({self.dtype}, {self.shape})"
