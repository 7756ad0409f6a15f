"""Elementwise nodes as explicit loop nests, with NumPy broadcasting resolved at run time.

One element is each scalar op's `expr` (a fused `Composite` gives one line per step).
Every step's value is cast to the dtype NumPy computes it in, so fused and unfused
programs round alike. For `x * y + b` (a matrix, a vector, a scalar):

    # [0] Elemwise{Composite{add(mul(i0, i1), i2)}}(x, y, b) -> p   float64 (None, None)
    b_ = b[()]
    n0 = x.shape[0]
    n1 = x.shape[1]
    n1 = y.shape[0] if n1 == 1 else n1
    x_b = np.broadcast_to(x, (n0, n1))
    y_b = np.broadcast_to(y, (n1,))
    p = np.empty((n0, n1), dtype=np.float64)
    for i0 in range(n0):
        for i1 in range(n1):
            t_mul = (x_b[i0, i1] * y_b[i1])
            p[i0, i1] = (t_mul + b_)

An axis whose length may be 1 where the output's is not is read through a broadcast
view (`x_b`), which repeats it and checks the lengths; what the static shapes settle
(here: b has no axes, y no first axis) needs no view.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from tensorlab.backends.numba.module import ModuleWriter, emit, literal, tuple_text
from tensorlab.graph.basic import Apply, Variable
from tensorlab.scalar.arithmetic import Pow
from tensorlab.scalar.basic import ScalarOp, is_integer, upcast
from tensorlab.scalar.cast import Cast
from tensorlab.scalar.composite import Composite, Step
from tensorlab.scalar.logic import Comparison, Not, Predicate, Switch
from tensorlab.tensor.elemwise import Elemwise

__all__ = ["Broadcast", "cast", "emit_elemwise", "scalar_code"]


class Broadcast:
    """The output lengths of tensors broadcast together, and how each one is read.

    Writes `n{first}`, ...: the output lengths, read from the inputs at run time (on each
    axis, the first length that is not 1). An input whose length may be 1 where the
    output's is not is read through `np.broadcast_to`, a view that repeats it and checks
    its lengths (a mismatch stops the program, and the wrapper explains it). The others
    are read directly: a static length of 1 at index 0, missing leading axes skipped.
    """

    def __init__(
        self,
        mod: ModuleWriter,
        inputs: Sequence[Variable],
        ndim: int,
        first: int = 0,
        leading: dict[Variable, int] | None = None,
        arrays: dict[Variable, str] | None = None,
    ) -> None:
        self.mod = mod
        self.ndim = ndim
        self._arrays = arrays or {}  # where an input is read from, if not its own name
        self.lengths = [f"n{first + k}" for k in range(ndim)]
        # How many leading axes of each input broadcast (all of them, but for matmul)
        self._ndim = {x: (leading or {}).get(x, x.ndim) for x in inputs}
        self._views: dict[Variable, str] = {}
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
        self._write_lengths(sources)
        for x in dict.fromkeys(repeated):
            view = mod.fresh(f"{mod.name(x)}_b")
            lead = self._ndim[x]
            shape = self.lengths[ndim - lead :] + [mod.length(x, a) for a in range(lead, x.ndim)]
            mod.line(f"{view} = np.broadcast_to({self.source(x)}, {tuple_text(shape)})")
            self._views[x] = view

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

    def source(self, x: Variable) -> str:
        """The array read for `x`: `x` itself, or its broadcast view."""
        return self._views.get(x) or self._arrays.get(x) or self.mod.name(x)

    def index(self, x: Variable, loop: Sequence[str]) -> list[str]:
        """The indices of `x` (of its broadcast axes) at the loop indices `loop`."""
        lead = self._ndim[x]
        indices = loop[self.ndim - lead :]
        if x in self._views:
            return list(indices)
        return ["0" if x.type.shape[a] == 1 else i for a, i in enumerate(indices)]

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
    # A float literal in an expr makes Numba compute a float32 step in float64, and any
    # arithmetic on small ints happens in int64: only these two keep their type.
    return dtype in ("float64", "int64") and all(d == dtype for d in dtypes)


def scalar_code(
    mod: ModuleWriter, scalar_op: ScalarOp, args: list[tuple[str, str]], dtype: str
) -> tuple[list[str], str]:
    """Statements computing one element of `scalar_op` on `args` (source, dtype) pairs.

    Returns the statements (steps of a composite, checks) and the expression of the result,
    whose dtype is `dtype` once stored into an array of that dtype.
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
        expr = step.op.expr(*(e for e, _ in operands))
        if k == len(steps) - 1:
            return lines, expr
        if not _keeps_dtype(step.op, [d for _, d in operands], step.dtype):
            expr = f"np.{'bool_' if step.dtype == 'bool' else step.dtype}({expr})"
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


def _bind_repeated(
    mod: ModuleWriter, scalar_op: ScalarOp, elements: list[tuple[str, str]], dtype: str
) -> tuple[list[str], list[str], str]:
    """The element reads used more than once, bound to locals first (one load each)."""
    marks = [(f"__arg{k}__", d) for k, (_, d) in enumerate(elements)]
    lines, result = scalar_code(ModuleWriter(mod.inlined), scalar_op, marks, dtype)
    text = "\n".join([*lines, result])
    uses: dict[str, int] = {}
    for (mark, _), (source, _) in zip(marks, elements, strict=True):
        uses[source] = uses.get(source, 0) + text.count(mark)
    binds: list[str] = []
    locals_: dict[str, str] = {}
    for source, count in uses.items():
        if count > 1 and "[" in source:  # an array read, not a name or a literal
            locals_[source] = mod.fresh(source.split("[")[0] + "_i")
            binds.append(f"{locals_[source]} = {source}")
    return binds, [locals_.get(source, source) for source, _ in elements], result


@emit.register(Elemwise)
def emit_elemwise(op: Elemwise, node: Apply, mod: ModuleWriter) -> None:
    (out_var,) = node.outputs
    out = mod.name(out_var)
    dtype = out_var.type.dtype
    # 0-d inputs are read before the loops, not once per element
    hoisted = {x: mod.value(x) for x in node.inputs if x.ndim == 0 and out_var.ndim > 0}
    broadcast = Broadcast(mod, node.inputs, out_var.ndim)
    mod.line(f"{out} = np.empty({tuple_text(broadcast.lengths)}, dtype={mod.dtype(out_var)})")
    with mod.loops(broadcast.lengths) as loop:
        elements = [
            (hoisted.get(x) or broadcast.element(x, loop), x.type.dtype) for x in node.inputs
        ]
        binds, sources, _ = _bind_repeated(mod, op.scalar_op, elements, dtype)
        for bind in binds:
            mod.line(bind)
        lines, result = scalar_code(
            mod, op.scalar_op, list(zip(sources, (d for _, d in elements), strict=True)), dtype
        )
        for text in lines:
            mod.line(text)
        mod.line(f"{out}[{', '.join(loop) if loop else '()'}] = {result}")
