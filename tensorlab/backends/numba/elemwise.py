"""Elementwise nodes as explicit loop nests, with NumPy broadcasting resolved at run time.

One element is each scalar op's `expr` (a fused `Composite` gives one line per step),
except for the transcendental functions that `mathlib` computes in plain arithmetic:
libm's `math.exp` is a call LLVM cannot vectorize, `mathlib.exp` becomes vector code.
Every step's value is cast to the dtype NumPy computes it in, so fused and unfused
programs round alike. For `tanh(x) * y + b` (a matrix, a vector, a scalar):

    # [0] Elemwise{Composite{add(mul(tanh(i0), i1), i2)}}(x, y, b) -> t_fused   float64 (None, None)
    b_ = b[()]
    n0 = x.shape[0]
    n1 = x.shape[1]
    n1 = y.shape[0] if n1 == 1 else n1
    t_fused = empty((n0, n1), np.float64)
    huge_pages(t_fused)  # from 4 MiB up, as NumPy does (memory.py)
    if x.shape[1] != n1 or y.shape[0] != n1:  # the general program repeats one
        raise ValueError("tensorlab:0:repeats")
    for i0 in range(n0):
        for i1 in range(n1):
            t_tanh = mathlib.tanh(x[i0, i1])
            t_mul = (t_tanh * y[i1])
            t_fused[i0, i1] = (t_mul + b_)

An input whose length may be 1 where the output's is not is `repeated`. Reading it with
a step (`x_s0`) known only at run time, LLVM vectorizes the loop only behind run-time
checks of the steps (measured 20% slower, and several versions of the loop to compile),
and a second copy of the loop for the repeating case compiled the element (inlined math
and all) twice. So the one loop reads every input in place. In the rare call where a
length-1 axis does repeat, the program stops before it has written anything but its own
temporaries, and the linker's general program computes the call: the same module with
each such input first copied out at the output's shape, after a check of its lengths:

    x_r = x
    if x.shape != (n0, n1):  # a length-1 axis repeats
        if (x.shape[0] != n0 and x.shape[0] != 1) or (x.shape[1] != n1 and x.shape[1] != 1):
            raise ValueError("tensorlab:0:broadcast")
        x_r = repeat(x, (n0, n1))

What the static shapes settle (here: b has no axes) needs neither.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence

from tensorlab.backends.numba.module import ModuleWriter, emit, literal, tuple_text
from tensorlab.graph.basic import Apply, Variable
from tensorlab.rewrite.canonicalize import same_shape
from tensorlab.scalar.arithmetic import Add, Mul, Neg, Pow, Sub
from tensorlab.scalar.basic import ScalarOp, is_integer, upcast
from tensorlab.scalar.cast import Cast
from tensorlab.scalar.composite import Composite, Step
from tensorlab.scalar.logic import Comparison, Not, Predicate, Switch
from tensorlab.scalar.math import Erf, Exp, Expm1, Log, Log1p, Sigmoid, Softplus, Tanh
from tensorlab.scalar.piecewise import Abs
from tensorlab.tensor.elemwise import Elemwise

_REPEAT = "tensorlab.backends.numba.repeat"

__all__ = ["VECTOR_MATH", "Broadcast", "Element", "cast", "emit_elemwise", "scalar_code"]

# Scalar ops computed by `tensorlab.backends.numba.mathlib` (the function of that name):
# vectorizable, within 2 ulp, exact on inf, nan, signed zeros and subnormals.
VECTOR_MATH: dict[type[ScalarOp], str] = {
    Exp: "exp",
    Expm1: "expm1",
    Log: "log",
    Log1p: "log1p",
    Tanh: "tanh",
    Sigmoid: "sigmoid",
    Softplus: "softplus",
    Erf: "erf",
}


class Broadcast:
    """The output lengths of tensors broadcast together, and how each one is read.

    Writes `n{first}`, ...: the output lengths, read from the inputs at run time (on each
    axis, the first length that is not 1). An input whose length may be 1 where the
    output's is not is `repeated`: with `steps`, its lengths are checked (a mismatch stops
    the program, and the wrapper explains it) and it is read with a step of 0 along an
    axis of length 1 (`x_s0`); else `loops` checks it has the output's lengths, or copies
    it out where one repeats in the general program. The others are read directly: a
    static length of 1 at index 0, missing leading axes skipped.
    """

    def __init__(
        self,
        mod: ModuleWriter,
        inputs: Sequence[Variable],
        ndim: int,
        first: int = 0,
        leading: dict[Variable, int] | None = None,
        arrays: dict[Variable, str] | None = None,
        steps: bool = True,
    ) -> None:
        self.mod = mod
        self.ndim = ndim
        self._arrays = arrays or {}  # where an input is read from, if not its own name
        self.lengths = [f"n{first + k}" for k in range(ndim)]
        # How many leading axes of each input broadcast (all of them, but for matmul)
        self._ndim = {x: (leading or {}).get(x, x.ndim) for x in inputs}
        self._steps: dict[tuple[Variable, int], str] = {}  # (input, axis) -> its step
        self._stepping = False  # whether reads use the steps (after `write_steps`)
        tensors = [x for x in self._ndim if self._ndim[x] > 0 and x not in mod.inlined]
        sources, repeated = [], []
        for k in range(ndim):
            axes = [(x, k - (ndim - self._ndim[x])) for x in tensors]
            axes = [(x, a) for x, a in axes if a >= 0]
            known = [(x, a) for x, a in axes if x.type.shape[a] not in (None, 1)]
            unknown = [(x, a) for x, a in axes if x.type.shape[a] is None]
            if known:
                sources.append([mod.length(*known[0])])
            elif unknown:
                sources.append([mod.length(*pair) for pair in unknown])
            else:
                sources.append(["1"])
            if known or len(unknown) > 1:  # an unknown length may be 1 where others are not
                repeated += [x for x, _ in unknown]
        full = [x for x in tensors if self._ndim[x] == ndim == x.ndim]
        if len(full) == len(tensors) > 1 and all(same_shape(x, full[0]) for x in full[1:]):
            # the rewriter proved one shape for all: nothing can repeat
            repeated, sources = [], [[mod.length(full[0], k)] for k in range(ndim)]
        self.repeated = list(dict.fromkeys(repeated))
        self._sources = sources
        self._write_lengths(sources)
        if steps:
            self.write_steps()

    def _write_lengths(self, sources: list[list[str]]) -> None:
        mod = self.mod
        for x in self._ndim:  # one input of the output's rank gives every length: unpack it
            if (
                self.ndim > 1
                and x.ndim == self.ndim
                and x not in mod.inlined
                and all(s == [mod.length(x, k)] for k, s in enumerate(sources))
            ):
                mod.line(f"{', '.join(self.lengths)} = {mod.name(x)}.shape")
                return
        for n, candidates in zip(self.lengths, sources, strict=True):
            mod.line(f"{n} = {candidates[0]}")
            for other in candidates[1:]:  # the first length that is not 1
                mod.line(f"{n} = {other} if {n} == 1 else {n}")

    def _shape(self, x: Variable, in_place: bool = False) -> list[str]:
        """The lengths `x` has once broadcast: the output's (broadcast) axes, then its own.

        `in_place`: the shape in which `x` needs no view, 1 where its static length is 1
        (that axis is read at index 0 either way).
        """
        lead = self._ndim[x]
        broadcast = self.lengths[self.ndim - lead :]
        if in_place:
            broadcast = ["1" if x.type.shape[a] == 1 else n for a, n in enumerate(broadcast)]
        own = [self.mod.length(x, a) for a in range(lead, x.ndim)]
        return broadcast + own

    def write_steps(self) -> None:
        """Check the lengths of the repeated inputs and write their steps (0 along an axis
        of length 1, else 1); later reads go through them."""
        for x in self.repeated:
            for a in self._check(x):
                step = self.mod.fresh(f"{self.source(x)}_s{a}")
                self.mod.line(f"{step} = 0 if {self.mod.length(x, a)} == 1 else 1")
                self._steps[x, a] = step
        self._stepping = bool(self._steps)

    def _check(self, x: Variable) -> list[int]:
        """Stop the program unless each axis of `x` whose length is not static has the
        output's length or 1; returns those axes."""
        mod = self.mod
        outer = self.lengths[self.ndim - self._ndim[x] :]
        axes = [a for a in range(self._ndim[x]) if x.type.shape[a] is None]
        fits = [f"{mod.length(x, a)} != {outer[a]} and {mod.length(x, a)} != 1" for a in axes]
        if fits:
            mod.check(
                " or ".join(f"({c})" for c in fits) if len(fits) > 1 else fits[0], "broadcast"
            )
        return axes

    def loops(self, write: Callable[[], None]) -> None:
        """Call `write()`, which writes loops reading the inputs with `element`, once.

        The loops read every input in place: unit strides, which LLVM vectorizes. A
        repeated input that does not have its broadcast shape already (a length-1 axis
        repeats, which is rare) stops the program with error `repeats`, and the linker's
        general program (`mod.repeats`) computes that call: there, the input is first
        copied out at its broadcast shape (`repeat.py`). Writing the copies into every
        program cost most of its compilation (W4: 3 s of 7), for a case few calls meet.
        """
        mod = self.mod
        if not mod.repeats:
            # one check for all inputs, length by length: each `raise` and each tuple `!=`
            # is code for Numba to compile
            differs = [
                f"{mod.length(x, a)} != {n}"
                for x in self.repeated
                for a, n in enumerate(self._shape(x, in_place=True))
                if x.type.shape[a] != 1  # read at index 0 whatever the output's length
                and self._sources[self.ndim - self._ndim[x] + a] != [mod.length(x, a)]
            ]
            mod.check_repeats(differs, "the general program repeats one")
            write()
            return
        own = dict(self._arrays)
        for x in self.repeated:
            lengths = self._shape(x, in_place=True)
            shape, source = tuple_text(lengths), self.source(x)
            copy = mod.fresh(f"{source}_r")
            mod.line(f"{copy} = {source}")
            with mod.block(f"if {source}.shape != {shape}:  # a length-1 axis repeats"):
                self._check(x)
                mod.line(f"{copy} = {mod.require(_REPEAT, 'repeat')}({source}, {shape})")
            self._arrays[x] = copy
        write()
        self._arrays = own

    def source(self, x: Variable) -> str:
        """The array read for `x`."""
        return self._arrays.get(x) or self.mod.name(x)

    def index(self, x: Variable, loop: Sequence[str]) -> list[str]:
        """The indices of `x` (of its broadcast axes) at the loop indices `loop`."""
        lead = self._ndim[x]
        indices = loop[self.ndim - lead :]
        found = []
        for a, i in enumerate(indices):
            step = self._steps.get((x, a)) if self._stepping else None
            if step and not i.isidentifier():  # `i1 + 1` from a partial sum's step
                i = f"({i})"
            found.append("0" if x.type.shape[a] == 1 else f"{i} * {step}" if step else i)
        return found

    def element(self, x: Variable, loop: Sequence[str]) -> str:
        if x.ndim == 0 or x in self.mod.inlined:
            return self.mod.element(x, [])
        return f"{self.source(x)}[{', '.join(self.index(x, loop))}]"


def cast(expr: str, source: str, target: str) -> str:
    """`expr` (of dtype `source`) converted to `target` as NumPy's astype does."""
    if source == target:
        return expr
    if target == "bool":
        return f"({expr} != 0)"
    return f"np.{target}({expr})"


def _keeps_dtype(op: ScalarOp, dtypes: list[str], dtype: str) -> bool:
    """True when Numba computes `op.expr` on these dtypes in `dtype` already (no cast)."""
    if isinstance(op, Cast):
        return True  # its expr is the conversion
    if dtype == "bool":
        return isinstance(op, Comparison | Predicate | Not)
    if type(op) in VECTOR_MATH:  # mathlib computes float32 in float32
        return all(d == dtype for d in dtypes)
    # A float literal in an expr makes Numba compute a float32 step in float64, and any
    # arithmetic on small ints happens in int64: only these two keep their type.
    return dtype in ("float64", "int64") and all(d == dtype for d in dtypes)


# Numba marks signed integer +, - and * `nsw` (no signed wrap): an int64 result that wraps
# around, which NumPy defines, is undefined to LLVM, which then proves wrong things (that
# abs(x) + 1 is positive for the smallest int64, say, and drops the sign fix of a `%`).
# Those ops compute in uint64, whose arithmetic wraps by definition, and convert back;
# smaller integers are computed in int64 by Numba and cannot overflow there.
_WRAPPING = (Add, Sub, Mul, Neg, Abs)


def _expr(op: ScalarOp, operands: list[str], dtype: str) -> str:
    name = VECTOR_MATH.get(type(op))
    if name is not None:
        return f"mathlib.{name}({', '.join(operands)})"
    if dtype == "int64" and isinstance(op, _WRAPPING):
        unsigned = [f"np.uint64({x})" for x in operands]
        if isinstance(op, Abs):
            return f"np.int64({unsigned[0]} if {operands[0]} > 0 else np.uint64(0) - {unsigned[0]})"
        if isinstance(op, Neg):
            return f"np.int64(np.uint64(0) - {unsigned[0]})"
        return f"np.int64({op.expr(*unsigned)})"
    return op.expr(*operands)


def scalar_code(
    mod: ModuleWriter,
    scalar_op: ScalarOp,
    args: list[tuple[str, str]],
    dtype: str,
    stored: bool = True,
) -> tuple[list[str], str]:
    """Statements computing one element of `scalar_op` on `args` (source, dtype) pairs.

    Returns the statements (steps of a composite, checks) and the expression of the result.
    Its dtype is `dtype` once stored into an array of that dtype; with `stored=False` the
    expression is converted to `dtype` itself (a value that is folded, never stored).
    """
    if isinstance(scalar_op, Composite):
        steps = scalar_op.steps
    else:
        steps = (Step(scalar_op, tuple(range(len(args))), dtype),)
    values = list(args)
    lines: list[str] = []
    for k, step in enumerate(steps):
        if step.op is None:
            values.append((literal(step.value, step.dtype), step.dtype))
            continue
        operands = [values[i] for i in step.args]
        wanted = loop_dtypes(step.op, [d for _, d in operands], step.dtype)
        operands = [(cast(e, d, w), w) for (e, d), w in zip(operands, wanted, strict=True)]
        if isinstance(step.op, Pow) and is_integer(step.dtype) and is_signed(step.dtype):
            # NumPy refuses negative integer powers of integers; Numba would give 0
            lines.append(f"if {operands[1][0]} < 0:")
            lines.append(f"    {mod.fail('pow')}")
        expr = _expr(step.op, [e for e, _ in operands], step.dtype)
        last = k == len(steps) - 1
        if last and stored:
            return lines, expr
        if not _keeps_dtype(step.op, [d for _, d in operands], step.dtype):
            expr = f"np.{'bool_' if step.dtype == 'bool' else step.dtype}({expr})"
        if last:
            return lines, expr
        name = mod.fresh(f"t_{_label(step.op)}")
        lines.append(f"{name} = {expr}")
        values.append((name, step.dtype))
    raise AssertionError("a scalar program ends with an op")


def is_signed(dtype: str) -> bool:
    return dtype.startswith("int")


def loop_dtypes(op: ScalarOp, dtypes: list[str], dtype: str) -> list[str]:
    """The dtypes NumPy converts the operands of `op` to before computing it (its ufunc
    loop). Numba's own rules differ (uint64 + int64 wraps around in Numba; NumPy adds
    in float64), so operands of other dtypes are converted in the generated code."""
    if isinstance(op, Cast | Predicate | Not):
        return dtypes
    if isinstance(op, Comparison):
        return [upcast(*dtypes)] * len(dtypes)
    if isinstance(op, Switch):
        return [dtypes[0], dtype, dtype]  # the condition is read as it is
    return [dtype] * len(dtypes)


def _label(op: ScalarOp) -> str:
    return re.sub(r"\W", "_", op.name)


class Element:
    """One element of an elementwise node, for loops to write: `write(broadcast, loop)`.

    The text is made once, with the inputs' reads left open (`$0$`, ...): every loop
    that writes it (reading in place, with steps of 0 along repeated axes, once per partial sum of a
    reduction) then uses the same names. 0-d inputs are read before the loops (write the
    `Element` outside them), and an element read more than once is bound to a local.
    `stored=False` converts the result to the node's dtype in the expression itself.
    """

    def __init__(self, mod: ModuleWriter, node: Apply, stored: bool = True) -> None:
        (out,) = node.outputs
        self.mod = mod
        self.inputs = list(node.inputs)
        self.hoisted = {x: mod.value(x) for x in self.inputs if x.ndim == 0 and out.ndim > 0}
        marks = [f"${k}$" for k in range(len(self.inputs))]  # no Python code has a `$`
        args = [(m, x.type.dtype) for m, x in zip(marks, self.inputs, strict=True)]
        lines, result = scalar_code(mod, node.op.scalar_op, args, out.type.dtype, stored)
        self._open: dict[str, Variable] = {}  # mark -> the input read there
        uses = Counter(_MARK.findall("\n".join([*lines, result])))
        binds, locals_ = [], {}
        for x in dict.fromkeys(self.inputs):
            mine = [m for m, y in zip(marks, self.inputs, strict=True) if y is x]
            if sum(uses[m] for m in mine) > 1 and x not in self.hoisted and x not in mod.inlined:
                local = mod.fresh(f"{mod.name(x)}_i")
                binds.append(f"{local} = {mine[0]}")
                self._open[mine[0]] = x
                locals_.update((m, local) for m in mine)
            else:
                self._open.update((m, x) for m in mine)
        lines, result = _replace(lines, result, locals_)
        self.lines = binds + lines
        self.result = result

    def write(self, broadcast: Broadcast, loop: Sequence[str]) -> str:
        """Write the element's statements at loop indices `loop`; returns its expression."""
        reads = {
            mark: self.hoisted.get(x) or broadcast.element(x, loop)
            for mark, x in self._open.items()
        }
        lines, result = _replace(self.lines, self.result, reads)
        for text in lines:
            self.mod.line(text)
        return result


_MARK = re.compile(r"\$\d+\$")


def _replace(lines: list[str], result: str, texts: dict[str, str]) -> tuple[list[str], str]:
    """`lines` and `result` with each mark of `texts` replaced, in one pass per line (a
    long fused chain has hundreds of marks)."""

    def fill(text: str) -> str:
        return _MARK.sub(lambda m: texts.get(m.group(0), m.group(0)), text)

    return [fill(text) for text in lines], fill(result)


@emit.register(Elemwise)
def emit_elemwise(op: Elemwise, node: Apply, mod: ModuleWriter) -> None:
    (out_var,) = node.outputs
    element = Element(mod, node)
    broadcast = Broadcast(mod, node.inputs, out_var.ndim, steps=False)
    out = mod.allocate(out_var, broadcast.lengths)

    def write() -> None:
        with mod.loops(broadcast.lengths) as loop:
            result = element.write(broadcast, loop)
            mod.line(f"{out}[{', '.join(loop) if loop else '()'}] = {result}")

    broadcast.loops(write)
