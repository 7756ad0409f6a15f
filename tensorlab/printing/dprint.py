"""`dprint`: a graph as a text tree, one line per variable, with ids, types and shapes.

A computed variable prints as its op (`Elemwise{mul}`, `Sum{axis=(0,)}`), after its name
when it has one (`p = Elemwise{sigmoid}`); an input prints as its name and a constant as
its value. Each node gets an id (`[id A]`) that is stable within one print: a node reached
a second time is printed as its id followed by `···`, not expanded again.

>>> import tensorlab.tensor as T
>>> x = T.vector("x")
>>> y = x * 2
>>> dprint((y + 1) * y)
Elemwise{mul} [id A] float64 (None,)
├─ Elemwise{add} [id B] float64 (None,)
│  ├─ Elemwise{mul} [id C] float64 (None,)
│  │  ├─ x [id D] float64 (None,)
│  │  └─ 2.0 [id E] float64 ()
│  └─ 1.0 [id F] float64 ()
└─ Elemwise{mul} [id C] ···
"""

from __future__ import annotations

from typing import IO, Any

from tensorlab.graph.basic import Constant, Variable
from tensorlab.printing.outputs import Shown, outputs_of

__all__ = ["dprint"]

_ID_STYLES = ("letters", "numbers", "none")


def dprint(
    obj: Any,
    file: IO[str] | str | None = None,
    depth: int | None = None,
    print_type: bool = True,
    ids: str = "letters",
    optimized: bool = True,
) -> str | None:
    """Print the graph of `obj` as a tree: Theano's `debugprint`.

    `obj` is a variable, a list of variables, or a compiled function (its graph as it
    runs, after rewrites; outputs that update shared variables say so).

    - `file`: where to print; `None` is standard output. `file="str"` prints nothing
      and returns the text instead (every other call returns `None`, so a notebook
      does not show the tree twice).
    - `depth`: print this many levels below each output (`None`: all of them).
    - `print_type`: end each line with the variable's dtype and static shape.
    - `ids`: `"letters"` (`[id A]`), `"numbers"` (`[id 0]`) or `"none"`.
    - `optimized`: for a compiled function, `False` prints the graph as written instead
      of the rewritten one it runs.

    >>> import tensorlab.tensor as T
    >>> b = T.scalar("b")
    >>> print(dprint(T.exp(b) + b, file="str", print_type=False, ids="numbers"))
    Elemwise{add} [id 0]
    ├─ Elemwise{exp} [id 1]
    │  └─ b [id 2]
    └─ b [id 2]
    """
    if ids not in _ID_STYLES:
        raise ValueError(f"dprint: ids must be one of {_ID_STYLES}, not {ids!r}")
    text = tree_text(outputs_of(obj, optimized), depth=depth, print_type=print_type, ids=ids)
    if isinstance(file, str):
        if file != "str":
            raise ValueError(f'dprint: file must be a writable file or "str", not {file!r}')
        return text
    if file is None:
        print(text)
    else:
        file.write(text + "\n")
    return None


def tree_text(
    shown: Shown,
    depth: int | None = None,
    print_type: bool = True,
    ids: str = "letters",
    max_lines: int | None = None,
) -> str:
    """The tree of `shown`'s outputs; after `max_lines` lines, a note that it goes on."""
    namer = _Ids(ids)
    lines: list[str] = []
    expanded: set = set()  # apply nodes whose inputs are printed already
    # Walk with an explicit stack: graphs can be thousands of nodes deep.
    stack: list[tuple[Variable, str, str, int, str]] = [
        (var, "", "", 0, _root_note(shown, i))
        for i, var in reversed(list(enumerate(shown.outputs)))
    ]
    while stack:
        if max_lines is not None and len(lines) >= max_lines:
            lines.append("... (the tree goes on: dprint prints all of it)")
            break
        var, head, tail, level, note = stack.pop()
        node = var.owner
        ident = namer.id_of(node if node is not None else var)
        if node is not None and node in expanded:
            lines.append(f"{head}{_label(var)}{ident} ···{note}")
            continue
        type_text = f" {var.type}{_role(var)}" if print_type else ""
        lines.append(f"{head}{_label(var)}{ident}{type_text}{note}")
        if node is None or (depth is not None and level + 1 >= depth):
            continue
        expanded.add(node)
        last = len(node.inputs) - 1
        for i in range(last, -1, -1):
            branch, indent = ("└─ ", "   ") if i == last else ("├─ ", "│  ")
            stack.append((node.inputs[i], tail + branch, tail + indent, level + 1, ""))
    return "\n".join(lines)


def _label(var: Variable) -> str:
    node = var.owner
    if node is None:
        return repr(var)  # the name, or a constant's value
    op = str(node.op) + (f".{var.index}" if len(node.outputs) > 1 else "")
    return f"{var.name} = {op}" if var.name else op


def _role(var: Variable) -> str:
    if var.owner is None and not isinstance(var, Constant) and hasattr(var, "get_value"):
        return " shared"
    return ""


def _root_note(shown: Shown, index: int) -> str:
    target = shown.update_of.get(index)
    return f"  (update of {target})" if target else ""


class _Ids:
    """Ids handed out in order of first appearance: A..Z, AA, AB, ... or 0, 1, 2, ..."""

    def __init__(self, style: str) -> None:
        self.style = style
        self.known: dict[Any, str] = {}

    def id_of(self, key: Any) -> str:
        if self.style == "none":
            return ""
        if key not in self.known:
            n = len(self.known)
            self.known[key] = str(n) if self.style == "numbers" else _letters(n)
        return f" [id {self.known[key]}]"


def _letters(n: int) -> str:
    text = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        text = chr(ord("A") + rest) + text
    return text
