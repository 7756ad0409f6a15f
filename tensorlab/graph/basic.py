"""The IR: types, variables, constants, ops and the `Apply` nodes that join them.

A `Variable` is an edge of the graph: it has a `type` and, unless it is an input or a
constant, an `owner` (the `Apply` that computes it) and an `index` among the owner's
outputs. An `Apply` joins one `Op` to its input and output variables.

>>> from tensorlab.tensor import vector
>>> x = vector("x")
>>> y = x + 1
>>> str(y.owner.op), y.owner.inputs[0] is x
('Elemwise{add}', True)
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

from tensorlab.graph.source import SourceLocation, user_location

_ids = itertools.count()


class Type:
    """What a variable may hold. Subclasses are frozen dataclasses, so types compare by value."""

    variable_class: type[Variable]
    constant_class: type[Constant]

    def __call__(self, name: str | None = None) -> Variable:
        """A fresh input variable of this type."""
        return self.variable_class(self, name=name)

    def filter(self, value: Any, name: str = "value", allow_downcast: bool = False) -> Any:
        """Return `value` converted to this type, or raise a clear error."""
        raise NotImplementedError

    def is_super(self, other: Type) -> bool:
        """True when every value of `other` is also a value of this type."""
        return self == other


class Variable:
    """A symbolic value: an input, a constant, or an output of an `Apply`."""

    def __init__(
        self,
        type: Type,
        owner: Apply | None = None,
        index: int | None = None,
        name: str | None = None,
    ) -> None:
        self.type = type
        self.owner = owner
        self.index = index
        self.name = name
        self.id = next(_ids)  # creation order: stable names in prints and generated code
        # Where an input was declared; an output's location is its owner's.
        self.source: SourceLocation | None = user_location() if owner is None else None

    def clone(self) -> Variable:
        """A new variable of the same type and name, with no owner."""
        copy = type(self)(self.type, name=self.name)
        copy.source = self.source  # declared where the original was
        return copy

    def __repr__(self) -> str:
        if self.name is not None:
            return self.name
        if self.owner is not None:
            suffix = f".{self.index}" if len(self.owner.outputs) > 1 else ""
            return f"{self.owner.op}{suffix}"
        return f"<{self.type}>"


class Constant(Variable):
    """A variable whose value is fixed when the graph is built."""

    def __init__(self, type: Type, data: Any, name: str | None = None) -> None:
        super().__init__(type, name=name)
        self.data = data

    def signature(self) -> tuple:
        """Equal signatures mean interchangeable constants (the merge pass uses this)."""
        return (self.type, _hashable(self.data))

    def clone(self) -> Constant:
        return type(self)(self.type, self.data, name=self.name)

    def __repr__(self) -> str:
        return self.name if self.name is not None else _short_repr(self.data)


def _hashable(data: Any) -> Any:
    tobytes = getattr(data, "tobytes", None)
    if tobytes is not None:
        return (getattr(data, "dtype", None), getattr(data, "shape", None), tobytes())
    return data


def _short_repr(data: Any) -> str:
    text = repr(data.item() if getattr(data, "ndim", None) == 0 else data)
    text = " ".join(text.split())
    return text if len(text) <= 40 else text[:37] + "..."


class Apply:
    """One application of an op: `outputs = op(*inputs)`, and where the user asked for it."""

    def __init__(self, op: Op, inputs: Sequence[Variable], outputs: Sequence[Variable]) -> None:
        self.op = op
        self.inputs = list(inputs)
        self.outputs = list(outputs)
        for index, output in enumerate(self.outputs):
            output.owner, output.index, output.source = self, index, None
        self.source: SourceLocation | None = None  # set by Op.__call__

    @property
    def out(self) -> Variable:
        """The only output (ops with one output are most of them)."""
        (output,) = self.outputs
        return output

    def clone_with_new_inputs(self, inputs: Sequence[Variable]) -> Apply:
        """The same op on other inputs, with fresh outputs; keeps the user's source line."""
        if all(new.type == old.type for new, old in zip(inputs, self.inputs, strict=True)):
            node = Apply(self.op, inputs, [out.type() for out in self.outputs])
        else:  # a different type can change the output types: let the op decide
            node = self.op.make_node(*inputs)
        for new, old in zip(node.outputs, self.outputs, strict=True):
            new.name = old.name
        node.source = self.source
        return node

    def __repr__(self) -> str:
        return f"{self.op}({', '.join(map(repr, self.inputs))})"


class NotDifferentiable:
    """What `Op.grad` returns for an input that has no gradient (never a silent zero).

    `grad` raises `NotDifferentiableError` with `reason` if a requested gradient needs it.
    Return `None` instead for an input the output does not depend on smoothly (an index,
    a condition): its gradient is zero.
    """

    def __init__(self, op: Op, index: int, reason: str = "") -> None:
        self.op, self.index, self.reason = op, index, reason

    def __repr__(self) -> str:
        return f"NotDifferentiable({self.op}, input {self.index})"


class Op:
    """An operation. Subclasses are `@dataclass(frozen=True)`: equal parameters, equal ops.

    Subclasses define `make_node(*inputs) -> Apply` (checks and output types),
    `perform(node, *values)` (the NumPy meaning, returning one array or a tuple), and
    `grad(inputs, outputs, gouts)` (one symbolic gradient per input).
    """

    def make_node(self, *inputs: Any) -> Apply:
        raise NotImplementedError

    def perform(self, node: Apply, *inputs: Any) -> Any:
        raise NotImplementedError(f"{self} has no reference implementation")

    def grad(
        self, inputs: list[Variable], outputs: list[Variable], gouts: list[Variable | None]
    ) -> list[Variable | None]:
        from tensorlab.errors import NotDifferentiableError, error

        raise error(NotDifferentiableError, f"{self} has no gradient")

    def label(self) -> str:
        """A short name for one-line expressions (`mul` for `Elemwise{mul}`)."""
        return str(self)

    def not_differentiable(self, index: int, reason: str = "") -> NotDifferentiable:
        """Mark input `index` as having no gradient; use in `grad`'s returned list."""
        return NotDifferentiable(self, index, reason)

    def __call__(self, *inputs: Any, **kwargs: Any) -> Any:
        node = self.make_node(*inputs, **kwargs)
        node.source = user_location()
        return node.outputs[0] if len(node.outputs) == 1 else node.outputs

    def __str__(self) -> str:
        """The op as `dprint` names it: `Sum{axis=(0,)}`, or the bare class name."""
        params = getattr(self, "__dataclass_fields__", {})
        if not params:
            return type(self).__name__
        text = ", ".join(f"{name}={getattr(self, name)!r}" for name in params)
        return f"{type(self).__name__}{{{text}}}"
