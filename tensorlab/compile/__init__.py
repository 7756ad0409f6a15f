"""Compilation: `function`, `shared`, `Mode` and the compiled `Function`."""

from tensorlab.compile.function import Function, In, function
from tensorlab.compile.mode import Mode, get_mode
from tensorlab.compile.shared import SharedVariable, shared

__all__ = ["Function", "In", "Mode", "SharedVariable", "function", "get_mode", "shared"]
