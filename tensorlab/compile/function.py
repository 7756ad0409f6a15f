"""`function`: compile a graph into a Python callable, with shared variables and updates.

>>> import numpy as np
>>> import tensorlab as tl
>>> import tensorlab.tensor as T
>>> x = T.vector("x")
>>> total = tl.shared(0.0, name="total")
>>> f = tl.function([x], x.sum(), updates=[(total, total + x.sum())])
>>> f([1.0, 2.0])
array(3.)
>>> f([4.0])
array(4.)
>>> total.get_value()
array(7.)
"""

from __future__ import annotations

import importlib
import operator
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from tensorlab.compile.background import BackgroundProgram
from tensorlab.compile.mode import BACKENDS, Mode, get_mode
from tensorlab.compile.shared import SharedVariable
from tensorlab.errors import (
    GivensError,
    InputError,
    UpdateError,
    describe,
    error,
)
from tensorlab.graph.basic import Constant, Variable
from tensorlab.graph.fgraph import FunctionGraph
from tensorlab.graph.source import at_callers_line, user_location
from tensorlab.graph.traversal import clone_graph, graph_inputs
from tensorlab.rewrite import rewrite_graph
from tensorlab.tensor.variable import TensorVariable, as_tensor_variable


@at_callers_line
def function(
    inputs: Sequence[Variable],
    outputs: Variable | Sequence[Variable] | None = None,
    updates: Iterable[tuple[SharedVariable, Any]] | dict | None = None,
    givens: Iterable[tuple[Variable, Any]] | dict | None = None,
    mode: str | Mode | None = None,
    allow_input_downcast: bool = False,
    on_unused_input: str = "raise",
    name: str | None = None,
    no_default_updates: bool = False,
) -> Function:
    """Compile `outputs` as a function of `inputs`.

    - `inputs`: symbolic variables, or `In(variable, value=...)` for one with a default.
    - `updates`: pairs `(shared, expression)`; every expression is computed from the
      values before the call, and all are written after every output is computed.
    - `givens`: pairs `(variable, replacement)` substituted in the graph.
    - `allow_input_downcast`: accept data that narrows to an input's dtype.
    - `on_unused_input`: `"raise"`, `"warn"` or `"ignore"` for inputs the outputs do not use.
    - `no_default_updates`: do not apply the updates shared variables ask for themselves
      (a random stream then draws the same numbers at every call).
    """
    location = user_location()
    inputs, defaults = _check_inputs(inputs)
    single = outputs is not None and not isinstance(outputs, list | tuple)
    outputs = [] if outputs is None else [outputs] if single else list(outputs)
    outputs = [as_tensor_variable(out) for out in outputs]
    update_pairs = _check_updates(updates)
    replacements = _check_givens(givens, inputs)
    if not no_default_updates:
        update_pairs += _default_updates(outputs, update_pairs, replacements)

    fgraph, shared_vars = _build_graph(inputs, outputs, update_pairs, replacements)
    used = set(graph_inputs(fgraph.outputs))
    unused = [x for x, y in zip(inputs, fgraph.inputs, strict=False) if y not in used]
    if unused and on_unused_input != "ignore":
        message = error(
            InputError,
            f"input{'s' if len(unused) > 1 else ''} {', '.join(map(str, unused))} "
            f"{'are' if len(unused) > 1 else 'is'} not used by the outputs",
            at=location,
            hint="remove it from the inputs, or pass on_unused_input='ignore'",
        )
        if on_unused_input == "raise":
            raise message
        warnings.warn(str(message), stacklevel=2)
    if fgraph.free_inputs:
        missing = fgraph.free_inputs[0]
        original = next((k for k, v in fgraph.memo.items() if v is missing), missing)
        raise error(
            InputError,
            f"the outputs need {original}, which is not among the function's inputs",
            expected="every symbolic input the outputs use listed in inputs",
            got="inputs " + str([str(x) for x in inputs]),
            at=original,
            hint=f"add {original} to the inputs, or give it a value with givens",
        )

    mode = get_mode(mode)
    history = rewrite_graph(fgraph, mode.optimizer)
    program = _link(fgraph, mode)
    return Function(
        inputs=inputs,
        fgraph=fgraph,
        program=program,
        n_outputs=len(outputs),
        single=single,
        updated=[shared for shared, _ in update_pairs],
        shared_vars=shared_vars,
        mode=mode,
        allow_input_downcast=allow_input_downcast,
        name=name,
        location=location,
        history=history,
        original_outputs=[*outputs, *(e for _, e in update_pairs)],
        defaults=defaults,
    )


def _link(fgraph: FunctionGraph, mode: Mode) -> Any:
    """The backend's program for `fgraph`; one that compiles (a `compile()` method) does so
    now, or in the background behind the reference program (`config.compile`)."""
    from tensorlab.config import config

    program = importlib.import_module(BACKENDS[mode.backend]).link(fgraph)
    if not hasattr(program, "compile"):
        return program

    def behind(compiled: Any) -> BackgroundProgram:
        return BackgroundProgram(compiled, importlib.import_module(BACKENDS["python"]).link(fgraph))

    if config.compile == "background" and hasattr(program, "behind"):
        program.behind = behind  # the program that takes the calls it cannot compute
    if program.compiled:
        return program
    if config.compile == "now":
        program.compile()
        return program
    return behind(program)


@dataclass(frozen=True)
class In:
    """An input with a default value, as Theano's `theano.In`.

    >>> import tensorlab as tl
    >>> import tensorlab.tensor as T
    >>> x, y = T.scalars("x", "y")
    >>> f = tl.function([x, tl.In(y, value=1.0)], x + y)
    >>> f(2.0), f(2.0, 3.0)
    (array(3.), array(5.))
    """

    variable: Variable
    value: Any = None  # None: no default, the argument must be given
    name: str | None = None


def _check_inputs(inputs: Any) -> tuple[list[TensorVariable], list[Any]]:
    if isinstance(inputs, Variable) or not isinstance(inputs, list | tuple):
        raise error(
            InputError,
            "function() takes its inputs as a list",
            got=describe(inputs),
            hint="write tl.function([x], ...), even for one input",
        )
    defaults = [x.value if isinstance(x, In) and x.value is not None else _MISSING for x in inputs]
    for x in inputs:
        if isinstance(x, In) and x.name is not None:
            x.variable.name = x.name
    inputs = [x.variable if isinstance(x, In) else x for x in inputs]
    seen: set = set()
    for var in inputs:
        if not isinstance(var, TensorVariable) or isinstance(var, Constant):
            raise error(InputError, "a function input must be a symbolic tensor", got=describe(var))
        if isinstance(var, SharedVariable):
            raise error(
                InputError,
                f"shared variable {var} cannot be an input: its value is stored with it",
                hint="leave it out of the inputs; the function reads its value",
            )
        if var.owner is not None:
            raise error(
                InputError,
                f"input {var} is computed by {var.owner.op}; inputs must be declared variables",
                at=var,
                hint="pass the computed value through givens, or declare a new variable",
            )
        if var in seen:
            raise error(InputError, f"input {var} is listed twice")
        seen.add(var)
    return list(inputs), defaults


def _pairs(value: Any, what: str) -> list[tuple]:
    if value is None:
        return []
    items = list(value.items()) if isinstance(value, dict) else list(value)
    for item in items:
        if not (isinstance(item, tuple | list) and len(item) == 2):
            raise error(
                UpdateError if what == "updates" else GivensError,
                f"{what} must be (variable, expression) pairs",
                got=describe(item),
            )
    return [tuple(item) for item in items]


def _check_updates(updates: Any) -> list[tuple[SharedVariable, TensorVariable]]:
    checked = []
    for target, expr in _pairs(updates, "updates"):
        if not isinstance(target, SharedVariable):
            raise error(
                UpdateError,
                f"updates can only change shared variables; {target} is not one",
                got=describe(target),
                at=target,
                hint="create it with tl.shared(value), or compute it as an output instead",
            )
        expr = as_tensor_variable(expr)
        if expr.dtype != target.dtype or expr.ndim != target.ndim:
            hint = (
                f"cast it: ({target}, update.astype('{target.dtype}'))"
                if expr.ndim == target.ndim
                else None
            )
            raise error(
                UpdateError,
                f"the update of {target} has a different type than {target}",
                expected=target.type.describe(),
                got=describe(expr),
                at=expr,
                hint=hint,
            )
        if any(
            t is not None and e is not None and t != e
            for t, e in zip(target.type.shape, expr.type.shape, strict=True)
        ):
            raise error(
                UpdateError,
                f"the update of {target} has a different static shape",
                expected=target.type.describe(),
                got=describe(expr),
                at=expr,
            )
        if any(target is seen for seen, _ in checked):
            raise error(UpdateError, f"{target} is updated twice")
        checked.append((target, expr))
    return checked


def _check_givens(givens: Any, inputs: list) -> dict[Variable, TensorVariable]:
    replacements = {}
    for key, value in _pairs(givens, "givens"):
        if not isinstance(key, Variable):
            raise error(GivensError, "a givens key must be a symbolic variable", got=describe(key))
        if key in inputs:
            raise error(
                GivensError,
                f"{key} is both an input and a givens key",
                hint="a variable is either passed in or replaced, not both",
            )
        value = as_tensor_variable(value)
        if getattr(key, "dtype", None) != value.dtype or key.ndim != value.ndim:
            raise error(
                GivensError,
                f"the replacement for {key} has a different type",
                expected=key.type.describe(),
                got=describe(value),
                at=value,
            )
        replacements[key] = value
    return replacements


def _default_updates(outputs, update_pairs, replacements) -> list[tuple]:
    """Updates that shared variables ask for themselves (random streams advance their state)."""
    done = {shared for shared, _ in update_pairs}
    extra: list[tuple] = []
    frontier = [*outputs, *(e for _, e in update_pairs), *replacements.values()]
    while frontier:
        found = []
        for var in graph_inputs(frontier):
            if (
                isinstance(var, SharedVariable)
                and var.default_update is not None
                and var not in done
            ):
                done.add(var)
                found.append((var, var.default_update))
        extra += found
        frontier = [e for _, e in found]
    return extra


def _build_graph(inputs, outputs, update_pairs, replacements):
    """Clone everything into one `FunctionGraph`; shared variables become trailing inputs."""
    # Replacements are cloned first, so an input they use maps to the same copy as elsewhere.
    memo = clone_graph(list(replacements.values()))
    replace = {k: memo[v] for k, v in replacements.items()}
    replace.update({v: c for v, c in memo.items() if v.owner is None})
    memo.update(clone_graph([*outputs, *(e for _, e in update_pairs)], replace=replace))
    for var in inputs:
        memo.setdefault(var, var.clone())
    graph_outputs = [memo[x] for x in outputs] + [memo[e] for _, e in update_pairs]
    shared_vars = [v for v in graph_inputs(graph_outputs) if isinstance(v, SharedVariable)]
    originals = {memo[v]: v for v in memo if isinstance(v, SharedVariable)}
    shared_vars = [originals.get(v, v) for v in shared_vars]
    for shared, _ in update_pairs:  # updated but unread: still an input, for its storage
        if shared not in shared_vars:
            shared_vars.append(shared)
            memo.setdefault(shared, shared.clone())
    graph_inputs_ = [memo[x] for x in inputs] + [memo[s] for s in shared_vars]
    fgraph = FunctionGraph(graph_inputs_, graph_outputs, clone=False)
    fgraph.memo = memo
    # Output position -> input position of the shared variable its value replaces: a
    # backend may write the new value into the buffer the old one vacates
    position = {id(s): len(inputs) + k for k, s in enumerate(shared_vars)}
    fgraph.replaces = {len(outputs) + k: position[id(s)] for k, (s, _) in enumerate(update_pairs)}
    return fgraph, shared_vars


class Function:
    """A compiled graph. Call it with one value per input, positionally or by name.

    `f.fgraph` is the (rewritten) graph it runs, `f.history` the rewrites that fired,
    `f.original_outputs` the graph as the user wrote it, `f.inputs` the user's input
    variables. Set
    `f.trust_input = True` to skip argument checks on a hot loop.
    """

    def __init__(
        self,
        inputs,
        fgraph,
        program,
        n_outputs,
        single,
        updated,
        shared_vars,
        mode,
        allow_input_downcast,
        name,
        location,
        history,
        original_outputs,
        defaults,
    ) -> None:
        self.inputs = inputs
        self.fgraph = fgraph
        self.program = program
        self.mode = mode
        self.name = name
        self.location = location
        self.history = history  # the rewrites that made fgraph from the user's graph
        self.original_outputs = original_outputs  # outputs, then update expressions, as written
        self.trust_input = False
        self.n_outputs = n_outputs
        self._single = single
        self._names = {x.name: i for i, x in enumerate(inputs) if x.name}
        self._checks = [(x.type, str(x), allow_input_downcast) for x in inputs]
        self._filters = [x.type.checker(str(x), allow_input_downcast) for x in inputs]
        self._arity = len(inputs)
        self._defaults = defaults
        self._shared_storage = [s.storage for s in shared_vars]
        index = {s: i for i, s in enumerate(shared_vars)}
        self._update_storage = [shared_vars[index[s]].storage for s in updated]
        self.updates = list(updated)  # the shared variables it updates, in output order
        self.shared_variables = shared_vars
        # The program and which of its outputs are new memory, read together by a call
        self._current = (_caller(program), self._fresh_outputs(program))
        if isinstance(program, BackgroundProgram):
            program.when_ready(self._take_compiled)

    def _fresh_outputs(self, program: Any) -> list[bool]:
        """Which outputs the program returns in new memory (no copy needed)."""
        fresh = getattr(program, "fresh", None)
        return list(fresh[: self.n_outputs]) if fresh is not None else [False] * self.n_outputs

    def _take_compiled(self, compiled: Any) -> None:
        # From the compiling thread: one assignment, so a call sees the old pair or the new
        self._current = (_caller(compiled), self._fresh_outputs(compiled))
        self.program = compiled

    @property
    def source(self) -> str | None:
        """The generated program's source, for backends that generate one."""
        return getattr(self.program, "source", None)

    def wait_compiled(self, timeout: float | None = None) -> bool:
        """Block until the compiled program runs the calls (at most `timeout` seconds);
        whether it does. True at once for a program that needed no compiling.

        With `config.compile == "background"` a compiled backend compiles in a thread
        while the reference backend answers the first calls (same results); this waits
        for the switch, and raises the compilation's error if it failed.
        """
        wait = getattr(self.program, "wait", None)
        return True if wait is None else wait(timeout)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if kwargs or len(args) != self._arity:
            args = self._checked_arity(self._merge_keywords(args, kwargs))
        program, fresh = self._current
        if self.trust_input:
            values = [*args, *[cell[0] for cell in self._shared_storage]]
            results = getattr(self.program, "trusted", self.program)(values)
        else:
            values = list(map(operator.call, self._filters, args))
            for cell in self._shared_storage:
                values.append(cell[0])
            results = program(values)
        n = self.n_outputs
        # Writes happen only now: a call that raised above changed no shared value.
        if self._update_storage:
            for cell, value in zip(self._update_storage, results[n:], strict=True):
                cell[0] = value
        if self._single:
            return results[0] if fresh[0] else _owned(results[0], values, results)
        return [
            out if new else _owned(out, values, results)
            for out, new in zip(results[:n], fresh, strict=True)
        ]

    def _checked_arity(self, args: tuple) -> tuple:
        if len(args) != self._arity:
            raise error(
                InputError,
                f"{self._label()} takes {len(self._checks)} argument"
                f"{'s' if len(self._checks) != 1 else ''} "
                f"({', '.join(name for _, name, _ in self._checks)}), but {len(args)} were given",
                at=self.location,
            )
        return args

    def _merge_keywords(self, args: tuple, kwargs: dict) -> tuple:
        merged = list(args) + self._defaults[len(args) :]
        for key, value in kwargs.items():
            if key not in self._names:
                raise error(
                    InputError,
                    f"{self._label()} has no input named {key!r}",
                    expected=", ".join(repr(n) for n in self._names),
                    at=self.location,
                )
            merged[self._names[key]] = value
        missing = [self._checks[i][1] for i, v in enumerate(merged) if v is _MISSING]
        if missing:
            raise error(
                InputError,
                f"{self._label()} takes {len(self._checks)} argument"
                f"{'s' if len(self._checks) != 1 else ''} "
                f"({', '.join(name for _, name, _ in self._checks)}), but "
                f"{', '.join(missing)} {'was' if len(missing) == 1 else 'were'} not given",
                at=self.location,
            )
        return tuple(merged)

    def _label(self) -> str:
        return f"function {self.name}" if self.name else "this function"

    def __repr__(self) -> str:
        ins = ", ".join(map(str, self.inputs))
        return f"<tensorlab.Function {self.name or ''}({ins}) -> {self.n_outputs} output(s), {self.mode.backend}>"


_MISSING = object()


def _caller(program: Any) -> Any:
    """What a call runs: the program's own fast path for checked values where it has
    one (a compiled program's `fast()`), else the program."""
    fast = getattr(program, "fast", None)
    return program if fast is None else fast()


def _owned(out: np.ndarray, inputs: list, results: list) -> np.ndarray:
    """`out`, copied if the caller could reach its memory another way: through an input, a
    shared value (read or updated), or another output."""
    for x in inputs:
        if out is x or (type(x) is np.ndarray and np.may_share_memory(out, x)):
            return out.copy()
    seen = 0
    for r in results:
        if r is out:
            seen += 1
        elif np.may_share_memory(out, r):
            return out.copy()
    return out.copy() if seen > 1 else out
