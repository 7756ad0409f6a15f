"""Running a `%%tensor` cell body: declarations, then ordinary Python in the user's namespace.

The body runs statement by statement in the notebook's namespace, so what a statement
defines stays defined even if a later one fails. The names of `tensorlab.tensor`
(`exp`, `sigmoid`, `sum`, `matrix`, ...) and `grad` are visible as if the cell began
with `from tensorlab.tensor import *`, but behind the user's own names: a name the user
defined always wins, and nothing is added to the namespace (the builtins they shadow
inside the cell, like `sum` and `max`, are still `builtins.sum`, ...). Functions and
comprehensions defined in the cell see the same names.

A variable assigned to a plain name and still unnamed takes that name (`p = ...` names
`p`), so drawings, `dprint` and error messages say `p`.

The body is compiled under a file name that IPython maps to the cell's execution
count, with the `%%tensor` line as line 1: nodes record `cell [N], line L: code`.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import linecache
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from IPython.core.error import UsageError

from tensorlab.errors import TensorlabError
from tensorlab.graph.basic import Variable
from tensorlab.magics.declarations import (
    EXAMPLES,
    DeclarationError,
    is_declaration,
    read_declaration,
)
from tensorlab.tensor.basic import tensor

__all__ = ["CellRun", "api_visible", "cell_number", "run_at_line", "run_body", "tensor_names"]

_DECLARE = "__tensorlab_declare__"  # reachable only through the cell's builtins


@dataclass
class CellRun:
    """What a cell did: the inputs it declared, the names it bound, its last value."""

    filename: str
    declared: list[Variable] = field(default_factory=list)
    bound: list[str] = field(default_factory=list)  # in order of first binding
    value: Any = None
    ends_with_expression: bool = False


def tensor_names() -> dict[str, Any]:
    """The public functions and classes of `tensorlab.tensor`, and `grad` & co."""
    import tensorlab.tensor as T

    names = {
        name: getattr(T, name)
        for name in dir(T)
        if not name.startswith("_") and not isinstance(getattr(T, name), types.ModuleType)
    }
    for name in ("grad", "jacobian", "hessian"):
        names[name] = getattr(T, name)
    return names


@contextlib.contextmanager
def api_visible(namespace: dict, extra: dict[str, Any] | None = None) -> Iterator[dict]:
    """A block in which code run in `namespace` also sees `tensor_names()` (and `extra`).

    The names go into a copy of the builtins that `namespace` uses during the block:
    lookups find the user's names first, and the namespace is left as it was.
    """
    had = "__builtins__" in namespace
    saved = namespace.get("__builtins__")
    namespace["__builtins__"] = {**vars(builtins), **tensor_names(), **(extra or {})}
    try:
        yield namespace
    finally:
        if had:
            namespace["__builtins__"] = saved
        else:
            del namespace["__builtins__"]


def run_body(shell: Any, line: str, body: str) -> CellRun:
    """Run a `%%tensor` cell body (after its `%%tensor line`) in `shell.user_ns`."""
    number = cell_number(shell)
    header = f"%%tensor {line}".rstrip()
    filename = shell.compile.cache(f"{header}\n{body}", number)
    try:
        tree = ast.parse("\n" + body, filename=filename)  # line 1 is the %%tensor line
    except SyntaxError as err:
        raise UsageError(_syntax_message(err, number)) from None
    run = CellRun(filename)
    statements = [_declaring(stmt, number) if is_declaration(stmt) else stmt for stmt in tree.body]
    namespace = shell.user_ns
    with api_visible(namespace, {_DECLARE: _declare}):
        for index, statement in enumerate(statements):
            last = index == len(statements) - 1 and isinstance(statement, ast.Expr)
            try:
                if last:
                    code = compile(ast.Expression(statement.value), filename, "eval")
                    run.value, run.ends_with_expression = eval(code, namespace), True
                else:
                    exec(compile(ast.Module([statement], []), filename, "exec"), namespace)
            except Exception as err:
                _point_at_cell(err, filename, statement.lineno, number)
                raise
            _name_results(statement, namespace, run)
    return run


def cell_number(shell: Any) -> int:
    """The execution count of the cell running now, as IPython numbers it (`In [N]`)."""
    # IPython counts the next cell before running this one; the result knows this one.
    result = getattr(shell.displayhook, "exec_result", None)
    return result.execution_count if result is not None else shell.execution_count


def run_at_line(filename: str, function: Callable, *args: Any) -> Any:
    """`function(*args)`, called from line 1 of `filename` (the `%%tensor` line), so the
    nodes it builds say they were built by the magic's options."""
    code = compile("__function__(*__args__)", filename, "eval")
    return eval(code, {"__builtins__": builtins}, {"__function__": function, "__args__": args})


def _syntax_message(err: SyntaxError, number: int) -> str:
    """A syntax error as the cell line with a caret under the problem."""
    code = (err.text or "").rstrip("\n")
    where = f"  at:       cell [{number}], line {err.lineno}: "
    lines = [f"invalid Python in the %%tensor cell: {err.msg}", where + code.strip()]
    if err.offset:
        column = len(where) + err.offset - 1 - (len(code) - len(code.lstrip()))
        lines.append(" " * column + "^")
    return "\n".join(lines)


def _declaring(statement: ast.AnnAssign, number: int) -> ast.stmt:
    """The declaration as an assignment, `x = __tensorlab_declare__('x', dtype, shape)`."""
    try:
        declaration = read_declaration(statement)
    except DeclarationError as err:
        code = ast.unparse(statement)
        lines = [
            f"%%tensor cannot read the declaration `{code}`: {err.problem}",
            f"  expected: name: kind or name: kind[dtype, shape], e.g. {EXAMPLES}",
            f"  at:       cell [{number}], line {statement.lineno}: {code}",
        ]
        if err.hint:
            lines.append(f"  hint:     {err.hint}")
        raise UsageError("\n".join(lines)) from None
    fields = (declaration.name, declaration.dtype, declaration.shape)
    call = ast.Call(
        func=ast.Name(_DECLARE, ast.Load()), args=[ast.Constant(x) for x in fields], keywords=[]
    )
    assign = ast.Assign(targets=[ast.Name(declaration.name, ast.Store())], value=call)
    return ast.fix_missing_locations(ast.copy_location(assign, statement))


def _declare(name: str, dtype: str | None, shape: tuple[int | None, ...]) -> Variable:
    return tensor(dtype=dtype, shape=shape, name=name)


def _name_results(statement: ast.stmt, namespace: dict, run: CellRun) -> None:
    for name in _bound_names(statement):
        if name not in run.bound:
            run.bound.append(name)
        value = namespace.get(name)
        if isinstance(value, Variable):
            if value.name is None:
                value.name = name
            if _is_declared(statement) and value not in run.declared:
                run.declared.append(value)


def _is_declared(statement: ast.stmt) -> bool:
    value = getattr(statement, "value", None)
    return isinstance(value, ast.Call) and getattr(value.func, "id", None) == _DECLARE


def _bound_names(statement: ast.stmt) -> list[str]:
    """Plain names a top-level assignment binds (`a = ...`, `a, b = ...`, `a += ...`)."""
    if isinstance(statement, ast.Assign):
        targets = statement.targets
    elif isinstance(statement, ast.AugAssign | ast.AnnAssign):
        targets = [statement.target]
    else:
        return []
    names = []
    for target in targets:
        for node in ast.walk(target):
            if isinstance(node, ast.Name):
                names.append(node.id)
    return names


def _point_at_cell(err: Exception, filename: str, lineno: int, number: int) -> None:
    """Make IPython show `err` as its message and the cell line it came from.

    The exception keeps its type (an `except` or a test still sees a `NameError` or a
    `BroadcastError`); only its rendering in the notebook is shortened, to the message
    and the innermost line of this cell on the way to it.
    """
    tb = err.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            lineno = tb.tb_lineno
        tb = tb.tb_next
    code = linecache.getline(filename, lineno).strip()
    where = f"cell [{number}], line {lineno}: {code}"
    head = f"{type(err).__name__}: {err}"
    known = isinstance(err, TensorlabError) and where in head
    rendered = [head] if known else [head, f"  running:  {where}"]
    try:
        err._render_traceback_ = lambda: rendered  # type: ignore[attr-defined]
    except AttributeError:  # an exception class with __slots__: IPython's usual traceback
        pass
