"""Which graph a printer shows: variables, a `FunctionGraph`, or a compiled function.

Printers accept all three. A compiled function is read through its attributes (`fgraph`,
`n_outputs`, ...), not imported: `tensorlab.compile` sits below this layer.

>>> import tensorlab.tensor as T
>>> x = T.vector("x")
>>> shown = outputs_of([x + 1, x * 2])
>>> len(shown.outputs), shown.title
(2, None)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tensorlab.errors import TypeMismatchError, describe, error
from tensorlab.graph.basic import Variable


@dataclass
class Shown:
    """The outputs to print, and what a compiled function adds to them.

    - `outputs`: the variables at the roots of the print;
    - `update_of`: output index -> name of the shared variable that output updates;
    - `memo`: the user's variables -> the ones printed (a function prints its own copy);
    - `title`: `function f(x, y)` for a compiled function.
    """

    outputs: list[Variable]
    update_of: dict[int, str] = field(default_factory=dict)
    memo: dict[Variable, Variable] = field(default_factory=dict)
    title: str | None = None

    def translate(self, var: Any) -> Any:
        """The printed copy of a user's variable (itself when nothing was copied)."""
        return self.memo.get(var, var) if isinstance(var, Variable) else var


def outputs_of(obj: Any, optimized: bool = True) -> Shown:
    """What to print for `obj`: a variable, a list of variables, a `FunctionGraph`, or a
    compiled function: the graph it runs, after rewrites (`f.fgraph`), or with
    `optimized=False` the graph as the user wrote it (`f.original_outputs`)."""
    if isinstance(obj, Variable):
        return Shown([obj])
    if isinstance(obj, list | tuple) and obj and all(isinstance(v, Variable) for v in obj):
        return Shown(list(obj))
    fgraph = getattr(obj, "fgraph", None)
    if fgraph is not None:
        shown = _function_outputs(obj, fgraph)
        if not optimized:
            shown.outputs, shown.memo = list(obj.original_outputs), {}
        return shown
    if hasattr(obj, "clients") and hasattr(obj, "outputs"):
        return Shown(list(obj.outputs), memo=dict(getattr(obj, "memo", {})))
    raise error(
        TypeMismatchError,
        "there is no graph to print here",
        expected="a symbolic variable, a list of them, or a compiled function",
        got=describe(obj),
    )


def _function_outputs(function: Any, fgraph: Any) -> Shown:
    n_outputs = getattr(function, "n_outputs", len(fgraph.outputs))
    outputs, memo = list(fgraph.outputs), dict(getattr(fgraph, "memo", {}))
    # Outputs past the function's own are the updates of its shared variables, in order.
    targets = _update_targets(function)
    update_of = {n_outputs + i: name for i, name in enumerate(targets)}
    inputs = ", ".join(str(x) for x in getattr(function, "inputs", []))
    name = getattr(function, "name", None) or ""
    title = f"function {name}({inputs})" if name else f"function({inputs})"
    return Shown(outputs, update_of, memo, title=title)


def _update_targets(function: Any) -> list[str]:
    return [str(shared) for shared in getattr(function, "updates", [])]
