"""`T.nnet`'s ops: softmax and log-softmax (the row maximum subtracted first, as the
reference does), and the integer-label cross-entropy and its gradient. Their `exp` and
`log` are `mathlib`'s, which vectorize (see elemwise.py)."""

from __future__ import annotations

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
        mod.line(f"{out} = np.empty({tuple_text(lengths)}, dtype={mod.dtype(out_var)})")
        with mod.loops(lengths) as index:
            at = ", ".join(index) if index else "()"
            mod.line(
                f"{out}[{at}] = {shifted(index)} - mathlib.log({total}[{_kept(index, op.axis)}])"
            )
        return
    mod.line(f"{out} = np.empty({tuple_text(lengths)}, dtype={mod.dtype(out_var)})")
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
    mod.line(f"{out} = np.empty({tuple_text(rows)}, dtype={mod.dtype(out_var)})")
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
    # g broadcasts against the rows, as NumPy's -g / p[rows, y] does
    g_rows = mod.fresh(f"{mod.name(g)}_b")
    mod.line(f"{g_rows} = np.broadcast_to({mod.name(g)}, {tuple_text(lengths[:-1])})")
    mod.line(f"{out} = np.zeros({tuple_text(lengths)}, dtype={mod.dtype(out_var)})")
    with mod.loops(lengths[:-1]) as index:
        label = _class_index(mod, y, index, lengths[-1])
        at = ", ".join([*index, label])
        row = ", ".join(index) if index else "()"
        mod.line(f"{out}[{at}] = -{g_rows}[{row}] / {mod.element(p, [*index, label])}")
