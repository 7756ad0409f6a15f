"""The exceptions a user sees, and the one helper that writes their messages.

Every user error says what was expected, what came, which op or input, and where in the
user's code the node was built:

    BroadcastError: Elemwise{mul} cannot broadcast its inputs
      expected: equal lengths or 1 on axis 1
      got:      X: float64 (None, 3), w: float64 (4,)
      built at: cell [3], line 5: p = sigmoid(X * w + b)

Each class also inherits the builtin exception a NumPy user would catch
(`except ValueError` keeps working).
"""

from __future__ import annotations

from typing import Any


class TensorlabError(Exception):
    """Base class of every error tensorlab raises on purpose."""

    def _render_traceback_(self) -> list[str]:
        # IPython calls this instead of printing the stack: the message already names
        # the user's line, and tensorlab's own frames would only bury it.
        return [f"{type(self).__name__}: {self}"]


class BroadcastError(TensorlabError, ValueError):
    """Inputs of an elementwise op whose shapes cannot broadcast."""


class ShapeError(TensorlabError, ValueError):
    """A shape that disagrees with what an op or a static type requires."""


class AxisError(TensorlabError, ValueError):
    """An axis outside the input's dimensions."""


class IndexingError(TensorlabError, IndexError):
    """An index outside an axis's length, or an index that does not fit the tensor."""


class TypeMismatchError(TensorlabError, TypeError):
    """A value or variable of the wrong dtype or number of dimensions."""


class InputError(TensorlabError, TypeError):
    """A compiled function called with the wrong number or kind of arguments."""


class UpdateError(TensorlabError, ValueError):
    """An update that is not a pair (shared variable, expression of its type)."""


class GivensError(TensorlabError, ValueError):
    """A `givens` substitution that cannot be made."""


class DisconnectedInputError(TensorlabError, ValueError):
    """`grad` asked for the gradient with respect to a variable the cost does not use."""


class NotDifferentiableError(TensorlabError, TypeError):
    """`grad` reached an op input that has no gradient."""


class GradientError(TensorlabError, AssertionError):
    """`verify_grad` found the symbolic gradient far from finite differences."""


class RuntimeOpError(TensorlabError, ValueError):
    """An op failed on the values it was given while a compiled function ran."""


class BackendError(TensorlabError, NotImplementedError):
    """A backend has no implementation for an op."""


def describe(value: Any) -> str:
    """`name: dtype shape` for a variable, `dtype shape` for an array, `repr` otherwise."""
    type_ = getattr(value, "type", None)
    if type_ is not None and hasattr(type_, "dtype"):
        name = getattr(value, "name", None) or _auto_name(value)
        return f"{name}: {type_.dtype} {_shape_text(type_.shape)}"
    if hasattr(value, "dtype") and hasattr(value, "shape"):
        return f"{value.dtype} {_shape_text(value.shape)}"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def values_text(variables: Any, values: Any) -> str:
    """`x: float64 (3,), y: float64 (4,)`: the runtime values an op was given, by input."""
    return ", ".join(
        f"{var}: {describe(value)}" for var, value in zip(variables, values, strict=True)
    )


def _shape_text(shape: tuple) -> str:
    return "(" + ", ".join(str(n) for n in shape) + ("," if len(shape) == 1 else "") + ")"


def _auto_name(variable: Any) -> str:
    owner = getattr(variable, "owner", None)
    if owner is not None:
        return f"{owner.op}.{variable.index}" if len(owner.outputs) > 1 else f"{owner.op}.out"
    return "<unnamed>"


def error(
    cls: type[TensorlabError],
    headline: str,
    *,
    expected: str | None = None,
    got: str | None = None,
    at: Any = None,
    hint: str | None = None,
) -> TensorlabError:
    """Build an error of class `cls` with the project's message layout.

    `at` is an `Apply` node, a variable (its owner's source is used) or a `SourceLocation`.

    >>> str(error(ShapeError, "x is wrong", expected="a matrix", got="x: float64 (3,)"))
    'x is wrong\\n  expected: a matrix\\n  got:      x: float64 (3,)'
    """
    lines = [headline]
    if expected is not None:
        lines.append(f"  expected: {expected}")
    if got is not None:
        lines.append(f"  got:      {got}")
    location = _location_of(at)
    if location:
        lines.append(f"  built at: {location}")
    if hint:
        lines.append(f"  hint:     {hint}")
    return cls("\n".join(lines))


def _location_of(at: Any) -> str | None:
    if at is None:
        return None
    source = getattr(at, "source", None)  # an Apply, or a variable that remembers its line
    if source is None and getattr(at, "owner", None) is not None:
        source = at.owner.source
    if source is None and hasattr(at, "describe"):
        source = at
    return source.describe() if source is not None else None
