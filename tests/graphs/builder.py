"""The program a `graphs()` draw is building: its lines, its variables and their values.

Every step runs as soon as it is drawn, node by node through the reference backend's
`perform`, so the next steps can look at the values: keep log away from 0, keep a
comparison away from ties, notice a kink near the values.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tensorlab as tl
import tensorlab.tensor as T
from tensorlab.backends.python.linker import run_node
from tensorlab.compile.shared import SharedVariable
from tensorlab.graph.traversal import toposort
from tensorlab.tensor.random import RandomStreams
from tests.strategies import arrays, edge_arrays

# Float values stay within +-BOUND: where a naive formula would overflow, a stabilizing
# rewrite rightly changes the result, and that is not a mismatch.
BOUND = 1e4
# Values keep a relative distance MARGIN from jumps (x > y flipping, floor stepping),
# always, and from kinks (abs at 0, max at ties) in graphs marked smooth.
MARGIN = 0.01
MAX_NODES = 15
LAYOUTS = ("C", "F", "reversed", "strided")
INPUT_DTYPES = ("float32", "float64", "int8", "int32", "int64")
NAMESPACE = {"np": np, "tl": tl, "T": T, "RandomStreams": RandomStreams}


def laid_out(value: np.ndarray, layout: str) -> np.ndarray:
    """`value` in memory order `layout`: C, F (Fortran), reversed (negative strides) or
    strided (every other element of a larger buffer). Compiled loops must read them all."""
    if layout == "F" and value.ndim:  # asfortranarray makes a 0-d array 1-d
        return np.asfortranarray(value)
    if layout == "reversed":
        return np.flip(np.flip(value).copy())
    if layout == "strided":
        return np.stack([value, value], axis=-1)[..., 0]
    return value


def literal(value: np.ndarray) -> str:
    """Python source that rebuilds the array `value` exactly (dtype and shape included)."""
    value = np.asarray(value)
    elements = repr(value.tolist()).replace("nan", "np.nan").replace("inf", "np.inf")
    text = f"np.array({elements}, dtype={value.dtype.name!r})"
    return text if value.size else f"{text}.reshape({value.shape!r})"


class Skip(Exception):
    """A step that does not fit the graph drawn so far (no operand of the kind it needs)."""


class Builder:
    """The program being drawn: its lines, the variables steps may use, their values."""

    def __init__(self, draw: Callable, special: bool) -> None:
        self.draw = draw
        self.special = special  # inputs hold edge values: nan, inf, an int type's extremes
        self.scope = dict(NAMESPACE)
        self.declarations: dict[str, str] = {}
        self.steps: list[str] = []
        self.pool: list[str] = []  # names a step may use, oldest first
        self.known: dict = {}  # variable -> value
        self.smooth = True

    # -- what a step reads ----------------------------------------------------------------
    def value(self, text: str) -> np.ndarray:
        """The value of a variable, or of a number as a step spells it."""
        if text in self.scope:
            return self.known[self.scope[text]]
        return np.asarray(eval(text, self.scope))

    def shape(self, name: str) -> tuple:
        return np.shape(self.value(name))

    def kind(self, name: str) -> str:
        return self.value(name).dtype.kind

    # -- choices --------------------------------------------------------------------------
    def pick(self, accept: Callable[[str], bool] = lambda name: True) -> str:
        """A variable that `accept`s, the most recent ones first (graphs grow deep)."""
        candidates = [name for name in reversed(self.pool) if accept(name)]
        if not candidates:
            raise Skip
        return candidates[self.draw(st.integers(0, len(candidates) - 1))]

    def choose(self, options):
        return self.draw(st.sampled_from(options))

    def flip(self) -> bool:
        return self.draw(st.booleans())

    def integer(self, low: int, high: int) -> int:
        return self.draw(st.integers(low, high))

    def number(self, kind: str) -> str:
        """A Python number (dtype taken weakly from the tensor beside it), or a NumPy one."""
        if kind in "iub":
            return repr(self.integer(-3, 3))
        value = self.choose([0.5, 2.0, -1.5, 3.0, -0.25])
        return f"np.float32({value})" if self.integer(0, 4) == 0 else repr(value)

    def rough(self, kinked: bool) -> None:
        """`kinked`: a kink lies within MARGIN of the values, finite differences would
        cross it."""
        self.smooth = self.smooth and not kinked

    # -- new leaves: inputs, constants, shared variables ----------------------------------
    def input(self, dtype: str, shape: tuple, low: float = -3.0, high: float = 3.0) -> str:
        """A new input, a constant or a shared variable holding a drawn value of `shape`."""
        value = self.draw((edge_arrays if self.special else arrays)(dtype, shape, low, high))
        how = self.draw(st.sampled_from(["input", "input", "constant", "shared"]))
        if how == "constant":
            return literal(value)
        return self.shared_of(value) if how == "shared" else self.input_of(value)

    def input_of(self, value: np.ndarray, pooled: bool = True) -> str:
        """Declare an input whose value is `value`; `pooled`: later steps may use it."""
        name = f"x{sum(n[0] == 'x' for n in self.declarations)}"
        static = tuple(n if self.integer(0, 2) == 0 else None for n in value.shape)
        self._declare(name, f"T.tensor({value.dtype.name!r}, shape={static!r}, name={name!r})")
        self.known[self.scope[name]] = value
        if pooled:
            self.pool.append(name)
        return name

    def shared_of(self, value: np.ndarray) -> str:
        name = f"s{sum(n[0] == 's' for n in self.declarations)}"
        self.scope[f"{name}_initial"] = value
        self._declare(name, f"tl.shared({literal(value)}, name={name!r})")
        self.known[self.scope[name]] = value
        self.pool.append(name)
        return name

    def _declare(self, name: str, expression: str) -> None:
        self.declarations[name] = f"{name} = {expression}"
        exec(self.declarations[name], self.scope)

    def operand(self, shape: tuple, kinds: str = "fi") -> str:
        """Something that broadcasts with `shape`: a variable, a new leaf or a number."""
        how = self.choose(["variable", "leaf", "number"])
        if how == "variable":
            accept = lambda n: self.kind(n) in kinds and broadcasts(shape, self.shape(n))  # noqa: E731
            if any(accept(n) for n in self.pool):
                return self.pick(accept)
        if how == "number":
            return self.number(kinds[0])
        dims = self.draw(hnp.broadcastable_shapes(shape, min_dims=0, max_dims=3, max_side=4))
        return self.input(self.choose([d for d in INPUT_DTYPES if d[0] in kinds]), dims)

    # -- taking a step --------------------------------------------------------------------
    def step(self, expression: str) -> str | None:
        """Run `name = expression`; keep it if every value it makes is finite and tame."""
        name = f"v{len(self.steps)}"
        line = f"{name} = {expression}"
        try:
            exec(line, self.scope)
        except Exception as err:
            err.add_note("\n".join(["while building:", *self.declarations.values(), *self.steps]))
            err.add_note(line)
            raise
        var = self.scope[name]
        if var in self.known or var.owner is None:
            return None  # nothing new (a cast to the same dtype, a transpose of a scalar)
        with np.errstate(all="ignore"):
            for node in toposort([var], stop=self.known):
                values = [self._leaf(x) for x in node.inputs]
                results = run_node(node, values)
                self.known.update(zip(node.outputs, results, strict=True))
                # nan and inf pass through; a node must not make them out of finite numbers
                if not all(_tame(v, all(map(finite, values))) for v in results):
                    return None
        self.steps.append(line)
        self.pool.append(name)
        return name

    def _leaf(self, var) -> np.ndarray:
        if var in self.known:
            return self.known[var]
        return var.storage[0] if isinstance(var, SharedVariable) else var.data


def finite(value: np.ndarray) -> bool:
    return value.dtype.kind != "f" or bool(np.isfinite(value).all())


def _tame(value: np.ndarray, from_finite: bool) -> bool:
    if value.dtype.kind != "f":
        return True
    ok = np.isfinite(value)
    return (ok.all() or not from_finite) and bool((np.abs(value[ok]) <= BOUND).all())


def finite_part(value: np.ndarray) -> np.ndarray:
    """The finite elements of `value` (all of an int array): what domain checks look at."""
    return value[np.isfinite(value)] if value.dtype.kind == "f" else value


def broadcasts(a: tuple, b: tuple) -> bool:
    try:
        np.broadcast_shapes(a, b)
    except ValueError:
        return False
    return True


def near(x: np.ndarray, points=np.zeros_like) -> bool:
    """True when a float `x` lies within MARGIN (relative) of a point (`points(x)`: 0)."""
    x = np.asarray(x)
    if x.dtype.kind != "f" or x.size == 0:
        return False
    return bool((np.abs(x - points(x)) <= MARGIN * (1 + np.abs(x))).any())


def close(a: np.ndarray, b: np.ndarray) -> bool:
    """True when float values of `a` and `b` come within MARGIN of each other somewhere."""
    a, b = np.asarray(a), np.asarray(b)
    if "f" not in a.dtype.kind + b.dtype.kind or a.size * b.size == 0:
        return False
    a, b = a.astype(np.float64), b.astype(np.float64)
    return bool((np.abs(a - b) <= MARGIN * (1 + np.abs(a) + np.abs(b))).any())


def ties(x: np.ndarray, axis: int | None) -> bool:
    """True when two float values along `axis` (all, for None) come within MARGIN."""
    if x.dtype.kind != "f" or x.size == 0:
        return False
    ordered = np.sort((x.reshape(-1) if axis is None else np.moveaxis(x, axis, -1)), axis=-1)
    gaps = np.diff(ordered.astype(np.float64), axis=-1)
    return bool((gaps <= MARGIN * (1 + np.abs(ordered[..., 1:]))).any())
