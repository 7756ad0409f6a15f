"""`pprint`: an expression as one line of math, the way you would type it.

Arithmetic prints as Python operators, other elementwise ops as calls, reductions with
their axes. Parentheses show how the graph nests: a subexpression with another operator
is always bracketed (`(X @ w) + b`), a chain of one left-associative operator is not
(`a + b + c` is `(a + b) + c`). A named variable inside the expression prints as its
name, so naming intermediate results keeps long expressions short.

>>> import tensorlab.tensor as T
>>> X, w, b = T.matrix("X"), T.vector("w"), T.scalar("b")
>>> pprint(T.sigmoid(X @ w + b))
'sigmoid((X @ w) + b)'
>>> pprint(-(X ** 2).sum(axis=0) / 2)
'-sum(X ** 2.0, axis=0) / 2.0'
"""

from __future__ import annotations

import dataclasses
from typing import Any

from tensorlab.graph.basic import Apply, Variable
from tensorlab.graph.traversal import toposort

__all__ = ["pprint"]

# Python's operators by scalar op name (or op class for the products): symbol, precedence.
BINARY = {
    "pow": ("**", 8),
    "mul": ("*", 6),
    "true_div": ("/", 6),
    "int_div": ("//", 6),
    "mod": ("%", 6),
    "MatMul": ("@", 6),
    "Dot": ("@", 6),
    "add": ("+", 5),
    "sub": ("-", 5),
    "and": ("&", 4),
    "xor": ("^", 3),
    "or": ("|", 2),
    "lt": ("<", 1),
    "gt": (">", 1),
    "le": ("<=", 1),
    "ge": (">=", 1),
    "eq": ("==", 1),
    "neq": ("!=", 1),
}
UNARY = {"neg": "-", "invert": "~"}
UNARY_PRECEDENCE = 7
ATOM = 9
COMPARISON = 1
# A subexpression longer than this prints as `…` (shared subgraphs could explode).
MAX_LENGTH = 400


def pprint(var: Variable, max_length: int = MAX_LENGTH) -> str:
    """`var`'s expression as one line of math-style text.

    Subexpressions longer than `max_length` characters print as `…`.

    >>> import tensorlab.tensor as T
    >>> x = T.vector("x")
    >>> pprint(T.exp(x - x.max()).sum())
    'sum(exp(x - max(x)))'
    """
    # Toposort order builds every input's text before its users' (no recursion).
    texts: dict[Variable, tuple[str, int, str | None]] = {}
    for node in toposort([var]):
        for out in node.outputs:
            if out.name is not None and out is not var:
                texts[out] = (out.name, ATOM, None)
            else:
                text, precedence, symbol = _expression(node, out, texts)
                if len(text) > max_length:
                    text, precedence, symbol = "…", ATOM, None
                texts[out] = (text, precedence, symbol)
    return _leaf(var)[0] if var.owner is None else texts[var][0]


def _leaf(var: Variable) -> tuple[str, int, str | None]:
    text = repr(var)
    return text, UNARY_PRECEDENCE if text.startswith("-") else ATOM, None


def _expression(node: Apply, out: Variable, texts: dict) -> tuple[str, int, str | None]:
    args = [texts[x] if x.owner is not None else _leaf(x) for x in node.inputs]
    op = node.op
    scalar_op = getattr(op, "scalar_op", None)
    key = scalar_op.name if scalar_op is not None else type(op).__name__
    if key in BINARY and len(args) == 2:
        symbol, precedence = BINARY[key]
        right_assoc = symbol == "**"
        left = _bracket(args[0], symbol, precedence, chain=not right_assoc)
        right = _bracket(args[1], symbol, precedence, chain=right_assoc)
        return f"{left} {symbol} {right}", precedence, symbol
    if key in UNARY and len(args) == 1:
        (text, precedence, symbol) = args[0]
        inner = text if precedence == ATOM else f"({text})"
        return f"{UNARY[key]}{inner}", UNARY_PRECEDENCE, "unary"
    if type(op).__name__ == "DimShuffle":
        return _dimshuffle(op, args[0])
    if scalar_op is not None:
        params = _params(scalar_op)
        name = scalar_op.name if params is not None else str(scalar_op)
        return _call(name, args, params or []), ATOM, None
    axis = getattr(op, "axis", None)
    params = _params(op, skip=("axis",))
    if isinstance(axis, tuple) and params is not None:
        if len(axis) != node.inputs[0].type.ndim:
            params.insert(0, f"axis={axis[0] if len(axis) == 1 else axis}")
        return _call(type(op).__name__.lower(), args, params), ATOM, None
    return _call(str(op), args, []), ATOM, None


def _bracket(arg: tuple[str, int, str | None], symbol: str, precedence: int, chain: bool) -> str:
    """`arg`'s text, in parentheses unless it is an atom or continues a chain of `symbol`."""
    text, arg_precedence, arg_symbol = arg
    if arg_precedence == ATOM:
        return text
    if arg_symbol in ("unary", None):
        return f"({text})" if precedence > arg_precedence else text  # -x * y, (-x) ** 2
    if chain and arg_symbol == symbol and precedence != COMPARISON:
        return text
    return f"({text})"


def _call(name: str, args: list, params: list[str]) -> str:
    return f"{name}({', '.join([a[0] for a in args] + params)})"


def _params(op: Any, skip: tuple[str, ...] = ()) -> list[str] | None:
    """An op's parameters as keyword arguments (unset ones left out); `None` when one is
    not a plain value (a fused loop's program), so the caller prints the op as it is."""
    fields = dataclasses.fields(op) if dataclasses.is_dataclass(op) else ()
    values = {f.name: getattr(op, f.name) for f in fields if f.name not in skip}
    if not all(_plain(v) for v in values.values()):
        return None
    return [f"{name}={value!r}" for name, value in values.items() if value is not None]


def _plain(value: Any) -> bool:
    if isinstance(value, tuple):
        return all(_plain(v) for v in value)
    return value is None or isinstance(value, str | int | float | bool)


def _dimshuffle(op: Any, arg: tuple[str, int, str | None]) -> tuple[str, int, None]:
    text = arg[0] if arg[1] == ATOM else f"({arg[0]})"
    order = tuple(op.order)
    if order == tuple(reversed(range(op.input_ndim))):
        return f"{text}.T", ATOM, None
    return f"{text}.dimshuffle({', '.join(repr(a) for a in order)})", ATOM, None
