"""`ModuleWriter`: the text of one generated Numba function, and the `emit` table that fills it.

Each op's emitter writes the lines of its node's block; the driver (`linker.py`) writes
the header of each block and the function around them. The writer names things:

- a variable keeps its user name when that is a valid, unused identifier (`X`, `loss`);
- a temporary is named for its op: `t_mul`, then `t_mul_2`, ...;
- loops use `i0`, `i1`, ... over lengths `n0`, `n1`, ... (reused block after block).

A 0-d constant read only by elementwise nodes is written into the code as a literal;
every other constant is an extra argument of the function, so the code (and its cache
entry) does not depend on the values of big arrays.
"""

from __future__ import annotations

import contextlib
import functools
import keyword
import math
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from tensorlab.errors import BackendError, error
from tensorlab.graph.basic import Apply, Constant, Op, Variable

__all__ = ["ModuleWriter", "emit", "has_emitter", "literal", "no_emitter", "tuple_text"]

# Names the generated module uses itself; a user's variable never takes one of these.
RESERVED = frozenset(
    {
        *keyword.kwlist,
        "np",
        "math",
        "njit",
        "range",
        "ValueError",
        "int",
        "float",
        "bool",
        "min",
        "max",
        "abs",
        "len",
    }
)
# Loop indices, lengths and temporaries have their own patterns; user names avoid them.
_INTERNAL = re.compile(r"^(i\d+|n\d+|t_.*|c_\d+|in\d+|f_.*)$")
_MEMORY = "tensorlab.backends.numba.memory"
HUGE = 1 << 22  # bytes: from here an output gets huge pages, NumPy's threshold (memory.py)
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@functools.singledispatch
def emit(op: Op, node: Apply, mod: ModuleWriter) -> None:
    """Write the lines computing `node`'s outputs. Emitters register by op class."""
    raise no_emitter(node)


def no_emitter(node: Apply) -> BackendError:
    """The error for a node whose op the Numba backend cannot compile (never a fallback)."""
    return error(
        BackendError,
        f"the Numba backend has no implementation of {node.op}",
        expected="an op with a Numba emitter (tensorlab/backends/numba/)",
        got=str(node.op),
        at=node,
        hint='compile this graph with mode="python" (the NumPy reference backend)',
    )


def has_emitter(op_class: type) -> bool:
    """Whether the Numba backend can compile nodes of `op_class`.

    >>> import tensorlab.backends.numba  # registers the emitters
    >>> from tensorlab.tensor.reduction import Sum
    >>> from tensorlab.tensor.subtensor import Subtensor
    >>> has_emitter(Sum), has_emitter(Subtensor)
    (True, True)
    """
    return emit.dispatch(op_class) is not emit.dispatch(object)


def tuple_text(items: Sequence[str]) -> str:
    """Python source of a tuple.

    >>> tuple_text([]), tuple_text(["n0"]), tuple_text(["n0", "n1"])
    ('()', '(n0,)', '(n0, n1)')
    """
    if len(items) == 1:
        return f"({items[0]},)"
    return "(" + ", ".join(items) + ")"


def literal(value: Any, dtype: str) -> str:
    """Python source for one number of `dtype` that Numba types as `dtype`.

    >>> literal(2.0, "float64"), literal(2.0, "float32"), literal(-3, "int8")
    ('2.0', 'np.float32(2.0)', 'np.int8(-3)')
    >>> literal(float("-inf"), "float64"), literal(True, "bool")
    ('(-math.inf)', 'True')
    """
    if dtype == "bool":
        return repr(bool(value))
    if np.dtype(dtype).kind == "f":
        number = float(value)
        if math.isnan(number):
            text = "math.nan"
        elif math.isinf(number):
            text = "math.inf" if number > 0 else "(-math.inf)"
        else:
            text = repr(number) if number >= 0 else f"({number!r})"
        return text if dtype == "float64" else f"np.{dtype}({text.strip('()')})"
    number = int(value)
    if dtype == "int64":
        return repr(number) if number >= 0 else f"({number})"
    return f"np.{dtype}({number})"


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


class ModuleWriter:
    """The body of one generated function: its lines and the names it gives variables.

    Emitters call `line`, `block` and `loops` to write code, `name`/`names` for the
    identifiers of variables, `element` to read one element, and `fail(kind)` for the
    statement that stops the program with an error the wrapper explains.
    """

    def __init__(self, inlined: set[Variable], repeats: bool = False) -> None:
        self.body: list[str] = []
        self.inlined = inlined  # 0-d constants written as literals
        # Whether loops copy out an input whose length-1 axis repeats (the general
        # program), or stop with error `repeats` (`Broadcast.loops`); `guarded`: one does
        self.repeats = repeats
        self.guarded = False
        self.outputs: set[Variable] = set()  # the graph's outputs (never aliases of others)
        # Values never stored, whose lengths are another's (loops.py): variable -> that one
        self.shaped_like: dict[Variable, Variable] = {}
        self.node_index = 0  # the block being written, for error codes
        self._depth = 1
        self._names: dict[Variable, str] = {}
        self._used: set[str] = set(RESERVED)
        self._suffix: dict[str, int] = {}  # base name -> the next suffix `fresh` tries
        self._counts = {"c_": 0, "in": 0}
        self._values: dict[Variable, str] = {}  # 0-d arrays read once into a local
        # Outputs that may be written into a buffer the caller passes (double-buffered
        # updates): variable -> the argument holding the buffer
        self.buffers: dict[Variable, str] = {}
        self.imports: list[str] = []  # import lines of the module's header, for helpers
        self._helpers: dict[tuple[str, str], str] = {}  # (module, name) -> identifier

    # -- writing ------------------------------------------------------------------
    def line(self, text: str = "") -> None:
        self.body.append("    " * self._depth + text if text else "")

    @contextlib.contextmanager
    def block(self, header: str) -> Iterator[None]:
        """`header` (ending in `:`) and the lines written inside the `with`, indented."""
        self.line(header)
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1

    @contextlib.contextmanager
    def loops(self, lengths: Sequence[str], first: int = 0) -> Iterator[list[str]]:
        """Nested loops `for i{first} in range(lengths[0])`, ...; yields the index names."""
        indices = [f"i{first + k}" for k in range(len(lengths))]
        with contextlib.ExitStack() as stack:
            for index, length in zip(indices, lengths, strict=True):
                stack.enter_context(self.block(f"for {index} in range({length}):"))
            yield indices

    def empty(self, shape: str, dtype: str) -> str:
        """The expression for a new array, `empty(shape, dtype)`: `memory.empty`, NumPy's
        `np.empty` written at the call (Numba compiles `np.empty` as a function of its own
        per number of axes and dtype). `shape` is a tuple's text."""
        return f"{self.require(_MEMORY, 'empty')}({shape}, {dtype})"

    def filled(self, name: str, shape: str, value: str, dtype: str) -> None:
        """`name = np.full(shape, value, dtype=dtype)`, written as `empty` and a fill:
        Numba compiles `np.full` and `np.zeros` as functions of their own, each of their
        types costing a tenth of a second; the fill is a loop inside the program."""
        self.line(f"{name} = {self.empty(shape, dtype)}")
        self.line(f"{name}[...] = {value}")

    def reader(
        self, x: Variable, lengths: Sequence[str], kind: str
    ) -> Callable[[Sequence[str]], str]:
        """How to read `x` broadcast to `lengths` (x's axes are the last ones), as NumPy
        broadcasts it: write the check that each of x's lengths is the target's or 1 (else
        error `kind`) and the steps, `x_s0 = 0 if x.shape[0] == 1 else 1`; return the
        function from loop indices (names) to x's element there. A static length of 1 is
        read at index 0 with no step; a 0-d `x` is read once, here."""
        if x.ndim == 0:
            value = self.value(x)
            return lambda loop: value
        own = lengths[len(lengths) - x.ndim :]
        fits = [
            f"{self.length(x, a)} != {n} and {self.length(x, a)} != 1"
            for a, n in enumerate(own)
            if x.type.shape[a] != 1
        ]
        if fits:
            self.check(" or ".join(f"({c})" for c in fits) if len(fits) > 1 else fits[0], kind)
        steps = []
        for a in range(x.ndim):
            if x.type.shape[a] == 1:
                steps.append(None)
                continue
            steps.append(self.fresh(f"{self.name(x)}_s{a}"))
            self.line(f"{steps[-1]} = 0 if {self.length(x, a)} == 1 else 1")

        def read(loop: Sequence[str]) -> str:
            mine = loop[len(loop) - x.ndim :]
            index = ["0" if s is None else f"{i} * {s}" for i, s in zip(mine, steps, strict=True)]
            return self.element(x, index)

        return read

    def fail(self, kind: str) -> str:
        """The statement that stops the program at this node; the wrapper explains `kind`."""
        return f'raise ValueError("tensorlab:{self.node_index}:{kind}")'

    def check_repeats(self, differs: list[str], why: str) -> None:
        """Stop with error `repeats` when one of the conditions `differs` holds (a length
        that is not the one the code assumes): `NumbaProgram.general` computes that call.
        Marks the program `guarded`; writes nothing for no condition."""
        if differs:
            self.guarded = True
            with self.block(f"if {' or '.join(differs)}:  # {why}"):
                self.line(self.fail("repeats"))

    def check(self, condition: str, kind: str) -> None:
        """Stop the program with error `kind` when `condition` holds at run time."""
        with self.block(f"if {condition}:"):
            self.line(self.fail(kind))

    def require(self, module: str, name: str) -> str:
        """The identifier by which the code calls `name` of `module` (a helper compiled
        once, such as `philox_words`): an import line in the module's header, written once,
        `from module import name`, or `... import name as name_2` when a variable of the
        graph already has that name."""
        if (module, name) not in self._helpers:
            alias = self._helpers[module, name] = self.fresh(name)
            renamed = f" as {alias}" if alias != name else ""
            self.imports.append(f"from {module} import {name}{renamed}")
        return self._helpers[module, name]

    def allocate(self, var: Variable, shape: Sequence[str]) -> str:
        """Write `var = empty(shape, dtype)`; returns `var`'s name.

        For an output the caller gives a buffer for (a shared variable's spare, see
        linker.py), the buffer is used when its shape fits, so a training step
        allocates nothing. A new array of 4 MiB or more gets huge pages (`memory.py`).
        """
        out, empty = self.name(var), self.empty(tuple_text(shape), self.dtype(var))
        lengths = var.type.shape
        small = None not in lengths and math.prod(lengths) * var.type.numpy_dtype.itemsize < HUGE
        advise = [] if small else [f"{self.require(_MEMORY, 'huge_pages')}({out})"]
        buffer = self.buffers.get(var)
        if buffer is None:
            for text in [f"{out} = {empty}", *advise]:
                self.line(text)
        else:
            self.line(f"if {buffer}.shape == {tuple_text(shape)}:")
            self.line(f"    {out} = {buffer}")
            self.line("else:")
            for text in [f"{out} = {empty}", *advise]:
                self.line(f"    {text}")
        return out

    # -- naming -------------------------------------------------------------------
    def fresh(self, base: str) -> str:
        """An identifier not used yet: `base`, else `base_2`, `base_3`, ..."""
        name, k = base, self._suffix.get(base, 2)
        while name in self._used:
            name, k = f"{base}_{k}", k + 1
        self._suffix[base] = k  # the next to try: a 400-deep chain has 400 t_mul's
        self._used.add(name)
        return name

    def name(self, var: Variable) -> str:
        """The identifier of `var` in the generated code (a literal for an inlined constant)."""
        if var in self.inlined:
            return literal(var.data[()], var.type.dtype)
        if var not in self._names:
            self._names[var] = self.fresh(self._preferred(var))
        return self._names[var]

    def names(self, variables: Sequence[Variable]) -> list[str]:
        return [self.name(var) for var in variables]

    def _preferred(self, var: Variable) -> str:
        user = var.name
        if user and _IDENTIFIER.match(user):
            return f"{user}_" if user in RESERVED or _INTERNAL.match(user) else user
        if var.owner is not None:
            return "t_" + temporary_label(var.owner.op)
        prefix = "c_" if isinstance(var, Constant) else "in"
        self._counts[prefix] += 1
        return f"{prefix}{self._counts[prefix] - 1}"

    # -- reading values ---------------------------------------------------------------
    def element(self, var: Variable, index: Sequence[str]) -> str:
        """Source reading one element of `var` (`x[i0, i1]`, `b[()]`, or a literal)."""
        if var in self.inlined:
            return self.name(var)
        return f"{self.name(var)}[{', '.join(index) if index else '()'}]"

    def value(self, var: Variable) -> str:
        """A local holding the one element of 0-d `var`, read at its first use.

        Call it outside loops: the local lives on for the blocks after this one (the
        graph never changes a value once computed).
        """
        if var in self.inlined:
            return self.name(var)
        if self._depth > 1:  # inside a loop or a branch: a local might not exist later
            return self.element(var, [])
        if var not in self._values:
            self._values[var] = self.fresh(f"{self.name(var)}_")
            self.line(f"{self._values[var]} = {self.element(var, [])}")
        return self._values[var]

    def length(self, var: Variable, axis: int) -> str:
        """Source of `var`'s runtime length on `axis`."""
        return f"{self.name(self.shaped_like.get(var, var))}.shape[{axis}]"

    def dtype(self, var: Variable) -> str:
        """`np.float64`: the NumPy dtype object of `var`, as generated code names it."""
        return f"np.{'bool_' if var.type.dtype == 'bool' else var.type.dtype}"


def temporary_label(op: Op) -> str:
    """What a temporary computed by `op` is called: `mul`, `fused`, `sum`, `dim_shuffle`."""
    scalar_op = getattr(op, "scalar_op", None)
    if scalar_op is not None:
        name = "fused" if type(scalar_op).__name__ == "Composite" else scalar_op.name
        return re.sub(r"\W", "_", name)
    return _snake(type(op).__name__)
