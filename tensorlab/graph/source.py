"""Where in the user's code a node was built: the first stack frame outside tensorlab."""

from __future__ import annotations

import contextvars
import functools
import linecache
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@dataclass(frozen=True)
class SourceLocation:
    """A file, a line and the code on it; a notebook cell reads as `cell [3], line 5`."""

    filename: str
    lineno: int
    code: str = ""
    cell: int | None = None  # IPython's execution count when the frame is a cell

    def describe(self) -> str:
        where = (
            f"cell [{self.cell}], line {self.lineno}"
            if self.cell is not None
            else f"{_short(self.filename)}:{self.lineno}"
        )
        return f"{where}: {self.code}" if self.code else where


def _short(filename: str) -> str:
    try:
        relative = os.path.relpath(filename)
    except ValueError:  # another drive on Windows
        return filename
    return relative if not relative.startswith("..") else filename


def _cell_number(filename: str) -> int | None:
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return None
    shell = ipython.get_ipython()
    # IPython's compiler remembers which execution count each cell file came from.
    mapping = getattr(getattr(shell, "compile", None), "_filename_map", None)
    return mapping.get(filename) if isinstance(mapping, dict) else None


_LESSONS_DIR = os.path.join(_PACKAGE_DIR, "lessons")
_internal: dict[str, bool] = {}  # by filename: every node creation asks, so remember


def _is_internal(filename: str) -> bool:
    known = _internal.get(filename)
    if known is None:
        known = _internal[filename] = filename.startswith(_PACKAGE_DIR) and not filename.startswith(
            _LESSONS_DIR
        )
    return known


# Inside an entry point such as `grad` or `function`, every node is built on the line that
# called it: found once, not by walking the stack for each of a big graph's nodes.
_pinned: contextvars.ContextVar[SourceLocation | None] = contextvars.ContextVar(
    "tensorlab_location", default=None
)
_F = TypeVar("_F", bound=Callable)


def at_callers_line(entry: _F) -> _F:
    """Decorate a public function that builds many nodes: while it runs, `user_location()`
    is the line that called it (the outermost such call's)."""

    @functools.wraps(entry)
    def run(*args, **kwargs):
        if _pinned.get() is not None:
            return entry(*args, **kwargs)
        token = _pinned.set(user_location())
        try:
            return entry(*args, **kwargs)
        finally:
            _pinned.reset(token)

    return run  # type: ignore[return-value]


def user_location(skip_internal: bool = True) -> SourceLocation | None:
    """The innermost frame of the caller's code, skipping tensorlab's own frames."""
    if skip_internal:
        pinned = _pinned.get()
        if pinned is not None:
            return pinned
    frame = sys._getframe(1)
    while frame is not None:
        filename = frame.f_code.co_filename
        if not (skip_internal and _is_internal(filename)) and not filename.startswith("<frozen"):
            lineno = frame.f_lineno
            code = linecache.getline(filename, lineno, frame.f_globals).strip()
            return SourceLocation(filename, lineno, code, _cell_number(filename))
        frame = frame.f_back
    return None
