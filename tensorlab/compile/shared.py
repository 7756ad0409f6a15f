"""Shared variables: symbolic tensors whose value lives between calls (weights, RNG state).

>>> import numpy as np
>>> import tensorlab as tl
>>> w = tl.shared(np.zeros(3), name="w")
>>> w.get_value()
array([0., 0., 0.])
>>> w.set_value([1.0, 2.0, 3.0])
>>> (w * 2).eval()
array([2., 4., 6.])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tensorlab.errors import TypeMismatchError, describe, error
from tensorlab.tensor.type import TensorType
from tensorlab.tensor.variable import TensorVariable


class SharedVariable(TensorVariable):
    """A tensor input whose value is stored with it; compiled functions read and update it.

    `default_update`, when set, is the update a compiled function applies if the user
    gives none (random streams advance their state this way).
    """

    def __init__(
        self,
        type: TensorType,
        value: np.ndarray,
        name: str | None = None,
        allow_downcast: bool = False,
    ) -> None:
        super().__init__(type, name=name)
        self.allow_downcast = allow_downcast
        self.storage: list[np.ndarray] = [value]  # one cell: compiled functions hold it
        self.default_update: TensorVariable | None = None

    def get_value(self, borrow: bool = False) -> np.ndarray:
        """The current value; a copy unless `borrow=True`.

        A borrowed value belongs to the library again after the next call of a function
        that updates this variable: the compiled backend may write a later update into it.
        """
        value = self.storage[0]
        return value if borrow else value.copy()

    def set_value(self, value: Any, borrow: bool = False) -> None:
        """Replace the value (same dtype and number of dimensions; shape may change)."""
        array = self.type.filter(value, name=str(self), allow_downcast=self.allow_downcast)
        if not borrow and array is value:
            array = array.copy()
        self.storage[0] = array

    @property
    def value(self) -> np.ndarray:
        return self.get_value()

    def clone(self) -> SharedVariable:
        clone = SharedVariable(self.type, self.storage[0], name=self.name)
        clone.storage = self.storage  # a clone reads and writes the same value
        clone.default_update = self.default_update
        return clone

    def eval(self, inputs: dict | None = None) -> np.ndarray:
        return self.get_value() if not inputs else super().eval(inputs)


def shared(
    value: Any,
    name: str | None = None,
    borrow: bool = False,
    strict: bool = False,
    allow_downcast: bool | None = None,
    shape: tuple[int | None, ...] | None = None,
) -> SharedVariable:
    """A shared variable holding `value` (copied unless `borrow=True`).

    Its static shape is unknown on every axis (the value may be replaced by one of
    another shape) unless `shape` fixes it. Python floats are stored as `config.floatX`.
    """
    if isinstance(value, TensorVariable):
        raise error(
            TypeMismatchError,
            "shared() needs a value, not a symbolic variable",
            got=describe(value),
            hint="pass a NumPy array; symbolic expressions are computed by tl.function",
        )
    is_array = isinstance(value, np.ndarray | np.generic)
    array = np.asarray(value)
    if array.dtype == object or array.dtype.kind not in "biuf":
        raise error(
            TypeMismatchError,
            f"shared variable {name or ''} needs numeric data",
            got=describe(value),
        )
    if not is_array and array.dtype.kind == "f" and not strict:
        from tensorlab.config import config

        array = array.astype(config.floatX)
    if not borrow or not is_array or array is not value:
        array = np.array(array, copy=True)
    type_ = TensorType(array.dtype.name, shape if shape is not None else (None,) * array.ndim)
    if shape is not None:
        type_.check_shape(array.shape, name or "shared value")
    return SharedVariable(type_, array, name=name, allow_downcast=bool(allow_downcast))
