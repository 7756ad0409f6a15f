"""Reductions: loops over the input in memory (C) order, accumulating into the output.

When the reduced axes are the innermost ones, each output element is accumulated in a
local (`acc`) and stored once; otherwise the output array itself accumulates, so the
input is still read in order:

    # [1] Sum{axis=(0,)}(x) -> t_sum   float64 (None,)
    n0, n1 = x.shape
    t_sum = np.full((n1,), 0.0, dtype=np.float64)
    for i0 in range(n0):
        for i1 in range(n1):
            t_sum[i1] += x[i0, i1]

Sums add in order, where NumPy adds pairwise: the last bits of a float sum may differ.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from tensorlab.backends.numba.elemwise import cast
from tensorlab.backends.numba.module import ModuleWriter, emit, literal, tuple_text
from tensorlab.graph.basic import Apply, Variable
from tensorlab.tensor.reduction import All, Any, ArgExtremum, Argmax, Extremum, Max, Prod, Sum

__all__ = [
    "check_not_empty",
    "emit_fold",
    "extremum_identity",
    "extremum_update",
    "lengths_of",
]

Update = Callable[[str, str], list[str]]  # (accumulator, element) -> statements


def lengths_of(mod: ModuleWriter, x: Variable) -> list[str]:
    """Write `n0, n1, ... = x.shape`; returns the length names."""
    lengths = [f"n{a}" for a in range(x.ndim)]
    if x.ndim == 1:
        mod.line(f"n0 = {mod.length(x, 0)}")
    elif x.ndim > 1:
        mod.line(f"{', '.join(lengths)} = {mod.name(x)}.shape")
    return lengths


def check_not_empty(mod: ModuleWriter, x: Variable, axes: Sequence[int]) -> None:
    """Stop with error `empty` when a reduced axis has length 0 (no maximum, no argmax)."""
    maybe_empty = [a for a in axes if x.type.shape[a] is None]
    if maybe_empty:
        mod.check(" or ".join(f"n{a} == 0" for a in maybe_empty), "empty")


def emit_fold(
    mod: ModuleWriter,
    x: Variable,
    axes: Sequence[int],
    out: str,
    dtype: str,
    identity: str,
    update: Update,
    element: Callable[[list[str]], str] | None = None,
) -> None:
    """Write `out`: `x` folded over `axes` from `identity` by `update`, in C order.

    `element(indices)` gives the value folded at an input position (default: `x`'s
    element). The lengths `n0, n1, ...` of `x` must be written already.
    """
    kept = [a for a in range(x.ndim) if a not in axes]
    shape = tuple_text([f"n{a}" for a in kept])
    numpy_dtype = f"np.{'bool_' if dtype == 'bool' else dtype}"
    read = element or (lambda index: cast(mod.element(x, index), x.type.dtype, dtype))
    innermost = list(axes) == list(range(x.ndim - len(axes), x.ndim))
    if innermost:
        mod.line(f"{out} = np.empty({shape}, dtype={numpy_dtype})")
        with mod.loops([f"n{a}" for a in kept]) as outer:
            acc = mod.fresh("acc")
            mod.line(f"{acc} = {identity}")
            with mod.loops([f"n{a}" for a in axes], first=len(kept)) as inner:
                for text in update(acc, read(outer + inner)):
                    mod.line(text)
            mod.line(f"{out}[{', '.join(outer) if outer else '()'}] = {acc}")
        return
    mod.line(f"{out} = np.full({shape}, {identity}, dtype={numpy_dtype})")
    with mod.loops([f"n{a}" for a in range(x.ndim)]) as index:
        target = f"{out}[{', '.join(index[a] for a in kept) if kept else '()'}]"
        for text in update(target, read(index)):
            mod.line(text)


def _add(acc: str, value: str) -> list[str]:
    return [f"{acc} += {value}"]


def _multiply(acc: str, value: str) -> list[str]:
    return [f"{acc} *= {value}"]


@emit.register(Sum)
@emit.register(Prod)
def emit_sum(op: Sum | Prod, node: Apply, mod: ModuleWriter) -> None:
    (x,), (out,) = node.inputs, node.outputs
    dtype = out.type.dtype
    lengths_of(mod, x)
    identity = literal(0 if isinstance(op, Sum) else 1, dtype)
    update = _add if isinstance(op, Sum) else _multiply
    emit_fold(mod, x, op.axis, mod.name(out), dtype, identity, update)


def extremum_identity(dtype: str, largest: bool) -> str:
    """The value every element beats: -inf for a maximum of floats, the int minimum, ..."""
    if dtype == "bool":
        return literal(not largest, dtype)
    if np.dtype(dtype).kind == "f":
        return literal(-np.inf if largest else np.inf, dtype)
    info = np.iinfo(dtype)
    return literal(info.min if largest else info.max, dtype)


def extremum_update(mod: ModuleWriter, largest: bool) -> Update:
    """Keep the larger (smaller) value; a nan wins and stays, as in NumPy."""
    beats = ">" if largest else "<"

    def update(acc: str, value: str) -> list[str]:
        v = mod.fresh("v")
        return [f"{v} = {value}", f"{acc} = {v} if {v} {beats} {acc} or {v} != {v} else {acc}"]

    return update


@emit.register(Extremum)
def emit_extremum(op: Extremum, node: Apply, mod: ModuleWriter) -> None:
    (x,), (out,) = node.inputs, node.outputs
    largest = isinstance(op, Max)
    dtype = out.type.dtype
    lengths_of(mod, x)
    initial = getattr(op, "initial", None)  # NumPy's `initial`: also an empty slice's value
    if initial is None:
        check_not_empty(mod, x, op.axis)
        identity = extremum_identity(dtype, largest)
    else:
        with np.errstate(all="ignore"):
            identity = literal(np.asarray(initial).astype(dtype)[()], dtype)
    emit_fold(mod, x, op.axis, mod.name(out), dtype, identity, extremum_update(mod, largest))


@emit.register(ArgExtremum)
def emit_arg_extremum(op: ArgExtremum, node: Apply, mod: ModuleWriter) -> None:
    (x,), (out_var,) = node.inputs, node.outputs
    out = mod.name(out_var)
    beats = ">" if isinstance(op, Argmax) else "<"
    lengths = lengths_of(mod, x)
    check_not_empty(mod, x, op.axis)
    flat = len(op.axis) != 1  # every axis: an index into the flattened input
    kept = [a for a in range(x.ndim) if a not in op.axis]
    shape = tuple_text([f"n{a}" for a in kept])
    best = mod.fresh("best")
    mod.line(f"{out} = np.zeros({shape}, dtype=np.int64)")
    mod.line(f"{best} = np.empty({shape}, dtype={mod.dtype(x)})")
    position = mod.fresh("k") if flat else None
    if position:
        mod.line(f"{position} = 0")
    with mod.loops(lengths) as index:
        at = f"[{', '.join(index[a] for a in kept) if kept else '()'}]"
        where = position or index[op.axis[0]]
        v = mod.fresh("v")
        mod.line(f"{v} = {mod.element(x, index)}")
        # the first element starts; later ones replace it only when strictly better,
        # or when they are the first nan (NumPy's argmax returns the first nan)
        condition = (
            f"{where} == 0 or {v} {beats} {best}{at} or ({v} != {v} and {best}{at} == {best}{at})"
        )
        with mod.block(f"if {condition}:"):
            mod.line(f"{best}{at} = {v}")
            mod.line(f"{out}{at} = {where}")
        if position:
            mod.line(f"{position} += 1")


def _all(acc: str, value: str) -> list[str]:
    return [f"{acc} = {acc} and {value} != 0"]


def _any(acc: str, value: str) -> list[str]:
    return [f"{acc} = {acc} or {value} != 0"]


@emit.register(All)
@emit.register(Any)
def emit_all(op: All | Any, node: Apply, mod: ModuleWriter) -> None:
    (x,), (out,) = node.inputs, node.outputs
    lengths_of(mod, x)
    every = isinstance(op, All)
    emit_fold(
        mod,
        x,
        op.axis,
        mod.name(out),
        "bool",
        literal(every, "bool"),
        _all if every else _any,
        element=lambda index: mod.element(x, index),
    )
