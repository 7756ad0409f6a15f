"""`T.nnet`'s ops: softmax and log-softmax (the row maximum subtracted first, as the
reference does), and the integer-label cross-entropies and their gradients. Their `exp`
and `log` are `mathlib`'s, which vectorize (see elemwise.py).

The cross-entropy of a softmax and its gradient work one row at a time, with no array of
probabilities or one-hot mask. `CrossentropySoftmax1HotDx(g, z, y)` of a matrix z keeps
each row's exps in its output, then scales them in place:

    for i0 in range(n0):
        label = y[i0]
        if label < 0 or label >= n1:
            raise ValueError("tensorlab:12:index")
        t_max = (-math.inf)
        for i1 in range(n1):
            v = z[i0, i1]
            t_max = v if v > t_max or v != v else t_max
        for i1 in range(n1):
            t_dx[i0, i1] = mathlib.exp(z[i0, i1] - t_max)
        t_sum = 0.0
        for i1 in range(n1):
            t_sum += t_dx[i0, i1]
        g_row = g[i0 * g_s0]  # g_s0 = 0 where g has length 1: it repeats
        for i1 in range(n1):
            t_p = t_dx[i0, i1] / t_sum
            t_dx[i0, i1] = g_row * ((t_p - 1.0) if i1 == label else t_p)

The forward op keeps the exps in one row's scratch array and ends each row with
`out[i0] = mathlib.log(t_sum) - (z[i0, label] - t_max)`.
"""

from __future__ import annotations

from collections.abc import Callable

from tensorlab.backends.numba.elemwise import cast
from tensorlab.backends.numba.module import ModuleWriter, emit, literal, tuple_text
from tensorlab.backends.numba.reduction import (
    emit_fold,
    extremum_identity,
    extremum_update,
    lengths_of,
)
from tensorlab.graph.basic import Apply, Variable
from tensorlab.tensor.nnet import (
    CrossentropyCategorical1Hot,
    CrossentropyCategorical1HotGrad,
    CrossentropySoftmax1Hot,
    CrossentropySoftmax1HotDx,
    LogSoftmax,
    Softmax,
)

__all__ = []


def _kept(index: list[str], axis: tuple[int, ...]) -> str:
    """The index of a reduced array (one entry per kept axis) at input position `index`."""
    kept = [i for a, i in enumerate(index) if a not in axis]
    return ", ".join(kept) if kept else "()"


def _maximum(mod: ModuleWriter, x: Variable, axis: tuple[int, ...], dtype: str) -> str:
    """Write the maximum of `x` (converted to `dtype`) over `axis`; returns its name."""
    top = mod.fresh("t_max")
    identity = extremum_identity(dtype, largest=True)
    emit_fold(
        mod,
        x,
        axis,
        top,
        dtype,
        identity,
        extremum_update(mod, largest=True),
        element=lambda index: cast(mod.element(x, index), x.type.dtype, dtype),
    )
    return top


def _add(acc: str, value: str) -> list[str]:
    return [f"{acc} += {value}"]


@emit.register(Softmax)
@emit.register(LogSoftmax)
def emit_softmax(op: Softmax | LogSoftmax, node: Apply, mod: ModuleWriter) -> None:
    (x,), (out_var,) = node.inputs, node.outputs
    out, dtype = mod.name(out_var), out_var.type.dtype
    lengths = lengths_of(mod, x)
    top = _maximum(mod, x, op.axis, dtype)  # -inf over an empty slice: an empty softmax

    def shifted(index: list[str]) -> str:
        return (
            f"({cast(mod.element(x, index), x.type.dtype, dtype)} - {top}[{_kept(index, op.axis)}])"
        )

    total = mod.fresh("t_sum")
    zero = literal(0, dtype)
    if isinstance(op, LogSoftmax):
        emit_fold(mod, x, op.axis, total, dtype, zero, _add, lambda i: f"mathlib.exp({shifted(i)})")
        mod.line(f"{out} = {mod.empty(tuple_text(lengths), mod.dtype(out_var))}")
        with mod.loops(lengths) as index:
            at = ", ".join(index) if index else "()"
            mod.line(
                f"{out}[{at}] = {shifted(index)} - mathlib.log({total}[{_kept(index, op.axis)}])"
            )
        return
    mod.line(f"{out} = {mod.empty(tuple_text(lengths), mod.dtype(out_var))}")
    with mod.loops(lengths) as index:
        mod.line(f"{out}[{', '.join(index) if index else '()'}] = mathlib.exp({shifted(index)})")
    emit_fold(
        mod,
        x,
        op.axis,
        total,
        dtype,
        zero,
        _add,
        lambda index: f"{out}[{', '.join(index) if index else '()'}]",
    )
    with mod.loops(lengths) as index:
        at = ", ".join(index) if index else "()"
        mod.line(f"{out}[{at}] = {out}[{at}] / {total}[{_kept(index, op.axis)}]")


def _check_rows(mod: ModuleWriter, parts: list[Variable], p: Variable) -> None:
    """Stop with error `shape` unless each of `parts` has p's leading lengths."""
    checks = [
        f"{mod.length(x, a)} != {mod.length(p, a)}"
        for x in parts
        for a in range(x.ndim)
        if None in (x.type.shape[a], p.type.shape[a])
    ]
    if checks:
        mod.check(" or ".join(checks), "shape")


def _class_index(mod: ModuleWriter, y: Variable, index: list[str], classes: str) -> str:
    """Read y's class index at `index` into a local, stopping with `index` when out of range."""
    label = mod.fresh("label")
    mod.line(f"{label} = {mod.element(y, index)}")
    mod.check(f"{label} < 0 or {label} >= {classes}", "index")
    return label


@emit.register(CrossentropyCategorical1Hot)
def emit_crossentropy(op, node: Apply, mod: ModuleWriter) -> None:
    (p, y), (out_var,) = node.inputs, node.outputs
    out = mod.name(out_var)
    lengths = lengths_of(mod, p)
    _check_rows(mod, [y], p)
    rows = lengths[:-1]
    mod.line(f"{out} = {mod.empty(tuple_text(rows), mod.dtype(out_var))}")
    with mod.loops(rows) as index:
        label = _class_index(mod, y, index, lengths[-1])
        mod.line(
            f"{out}[{', '.join(index) if index else '()'}] = "
            f"-math.log({mod.element(p, [*index, label])})"
        )


@emit.register(CrossentropyCategorical1HotGrad)
def emit_crossentropy_grad(op, node: Apply, mod: ModuleWriter) -> None:
    (g, p, y), (out_var,) = node.inputs, node.outputs
    out = mod.name(out_var)
    lengths = lengths_of(mod, p)
    _check_rows(mod, [y], p)
    read_g = mod.reader(g, lengths[:-1], "shape")  # against the rows, as in -g / p[rows, y]
    mod.filled(out, tuple_text(lengths), "0", mod.dtype(out_var))
    with mod.loops(lengths[:-1]) as index:
        label = _class_index(mod, y, index, lengths[-1])
        at = ", ".join([*index, label])
        mod.line(f"{out}[{at}] = -{read_g(index)} / {mod.element(p, [*index, label])}")


def _logit(mod: ModuleWriter, z: Variable, index: list[str], dtype: str) -> str:
    return cast(mod.element(z, index), z.type.dtype, dtype)


def _row_exps(
    mod: ModuleWriter,
    z: Variable,
    index: list[str],
    classes: str,
    dtype: str,
    row: Callable[[str], str],
) -> tuple[str, str]:
    """Inside the loops over z's rows (`index`): write the row's maximum, exp(z - max) at
    `row(k)` for each class k, and the sum of those, in `dtype`; returns the names of the
    maximum and the sum. The exps are stored, not summed as they come: a loop that only
    stores vectorizes, and one that adds floats may not (see reduction.py)."""
    top, total = mod.fresh("t_max"), mod.fresh("t_sum")
    mod.line(f"{top} = {extremum_identity(dtype, largest=True)}")
    with mod.loops([classes], first=len(index)) as (k,):
        for text in extremum_update(mod, largest=True)(top, _logit(mod, z, [*index, k], dtype)):
            mod.line(text)
    with mod.loops([classes], first=len(index)) as (k,):
        mod.line(f"{row(k)} = mathlib.exp({_logit(mod, z, [*index, k], dtype)} - {top})")
    mod.line(f"{total} = {literal(0, dtype)}")
    with mod.loops([classes], first=len(index)) as (k,):
        mod.line(f"{total} += {row(k)}")
    return top, total


@emit.register(CrossentropySoftmax1Hot)
def emit_crossentropy_softmax(op, node: Apply, mod: ModuleWriter) -> None:
    (z, y), (out_var,) = node.inputs, node.outputs
    out, dtype = mod.name(out_var), out_var.type.dtype
    lengths = lengths_of(mod, z)
    _check_rows(mod, [y], z)
    rows, classes = lengths[:-1], lengths[-1]
    exps = mod.fresh("t_exp")  # one row's exps, reused row after row
    mod.line(f"{exps} = {mod.empty(f'({classes},)', f'np.{dtype}')}")
    mod.line(f"{out} = {mod.empty(tuple_text(rows), mod.dtype(out_var))}")
    with mod.loops(rows) as index:
        label = _class_index(mod, y, index, classes)
        top, total = _row_exps(mod, z, index, classes, dtype, lambda k: f"{exps}[{k}]")
        mod.line(
            f"{out}[{', '.join(index) if index else '()'}] = "
            f"mathlib.log({total}) - ({_logit(mod, z, [*index, label], dtype)} - {top})"
        )


@emit.register(CrossentropySoftmax1HotDx)
def emit_crossentropy_softmax_dx(op, node: Apply, mod: ModuleWriter) -> None:
    (g, z, y), (out_var,) = node.inputs, node.outputs
    out, dtype = mod.name(out_var), out_var.type.dtype
    lengths = lengths_of(mod, z)
    _check_rows(mod, [y], z)
    rows, classes = lengths[:-1], lengths[-1]
    read_g = mod.reader(g, rows, "shape")  # g broadcasts against the rows
    mod.allocate(out_var, lengths)
    with mod.loops(rows) as index:
        label = _class_index(mod, y, index, classes)
        _, total = _row_exps(
            mod, z, index, classes, dtype, lambda k: f"{out}[{', '.join([*index, k])}]"
        )
        g_row = mod.fresh(f"{mod.name(g)}_row")
        mod.line(f"{g_row} = {cast(read_g(index), g.type.dtype, dtype)}")
        p, one = mod.fresh("t_p"), literal(1, dtype)
        with mod.loops([classes], first=len(index)) as (k,):
            at = f"{out}[{', '.join([*index, k])}]"
            mod.line(f"{p} = {at} / {total}")
            mod.line(f"{at} = {g_row} * (({p} - {one}) if {k} == {label} else {p})")
