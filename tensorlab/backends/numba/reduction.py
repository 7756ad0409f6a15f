"""Reductions: loops over the input in memory (C) order, accumulating into the output.

When the reduced axes are the innermost ones, each output element is accumulated in
locals and stored once; otherwise the output array itself accumulates, so the input is
still read in order:

    # [1] Sum{axis=(0,)}(x) -> t_sum   float64 (None,)
    n0, n1 = x.shape
    t_sum = empty((n1,), np.float64)
    t_sum[...] = 0.0
    for i0 in range(n0):
        for i1 in range(n1):
            t_sum[i1] += x[i0, i1]

An elementwise node read only by the reduction is computed inside its loop, one element
at a time, and never stored. A float sum over the innermost axes adds into four partial
sums, combined at the end: LLVM may not regroup float additions (that needs `reassoc`,
see linker.py), and four independent chains keep the CPU's adders busy. For
`sum(x ** 2, axis=1)`:

    # [0] Elemwise{pow}(x, 2.0) -> t_pow   float64 (None, None)
    #     computed inside the loop of [1]: never stored
    # [1] Sum{axis=(1,)}(t_pow) -> t_sum   float64 (None,)
    n0, n1 = x.shape
    t_sum = empty((n0,), np.float64)
    for i0 in range(n0):
        acc0 = acc1 = acc2 = acc3 = 0.0
        for i1 in range(0, n1 - n1 % 4, 4):  # 4 elements a step, one per partial sum
            acc0 += (x[i0, i1] ** 2.0)
            acc1 += (x[i0, i1 + 1] ** 2.0)
            acc2 += (x[i0, i1 + 2] ** 2.0)
            acc3 += (x[i0, i1 + 3] ** 2.0)
        for i1 in range(n1 - n1 % 4, n1):  # the last n1 % 4 elements
            acc0 += (x[i0, i1] ** 2.0)
        t_sum[i0] = (acc0 + acc1) + (acc2 + acc3)

Sums add in that order, where NumPy adds pairwise: the last bits of a float sum may differ.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from tensorlab.backends.numba.elemwise import Broadcast, Element, cast
from tensorlab.backends.numba.module import ModuleWriter, emit, literal, tuple_text
from tensorlab.graph.basic import Apply, Variable
from tensorlab.graph.fgraph import FunctionGraph
from tensorlab.tensor.elemwise import Elemwise
from tensorlab.tensor.reduction import All, Any, ArgExtremum, Argmax, Extremum, Max, Prod, Sum

__all__ = [
    "absorbed",
    "check_not_empty",
    "emit_fold",
    "emit_folded",
    "extremum_identity",
    "extremum_update",
    "lengths_of",
]

Update = Callable[[str, str], list[str]]  # (accumulator, element) -> statements
Read = Callable[[list[str]], str]  # input position -> the value folded there

PARTIAL_SUMS = 4  # independent accumulators of a float sum over the last axis

# Reductions that can compute their input's elements themselves (`absorbed`)
FOLDS = (Sum, Prod, Extremum, All, Any)


def absorbed(fgraph: FunctionGraph, nodes: Sequence[Apply]) -> dict[Apply, Apply]:
    """The elementwise nodes that a reduction computes in its own loop: {node: reduction}.

    A node qualifies when one fold (`FOLDS`) reads its value and nothing else does (it
    is no output of the graph either): the fold computes each element where it reads
    it, and no array of the node's values is stored.
    """
    found = {}
    for node in nodes:
        if not isinstance(node.op, FOLDS):
            continue
        (x,) = node.inputs
        readers = fgraph.clients[x]
        if (
            x.owner is not None
            and isinstance(x.owner.op, Elemwise)
            and len(readers) == 1
            and readers[0][0] is node
        ):
            found[x.owner] = node
    return found


def emit_folded(node: Apply, producer: Apply, mod: ModuleWriter) -> None:
    """Write reduction `node`, computing the elements of `producer` (from `absorbed`)."""
    emit.dispatch(type(node.op))(node.op, node, mod, producer)


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


class _Input:
    """What a fold reads: the array `x`, or the elements of the elementwise node that
    computes `x`, when the fold absorbed it (`producer`). Writes the lengths `n0, ...`."""

    def __init__(self, mod: ModuleWriter, x: Variable, producer: Apply | None) -> None:
        self.mod, self.x = mod, x
        self._element = self._broadcast = None
        if producer is None:
            lengths_of(mod, x)
        else:
            self._element = Element(mod, producer, stored=False)
            self._broadcast = Broadcast(mod, producer.inputs, x.ndim, steps=False)

    def read(self, index: list[str]) -> str:
        """The element at input position `index` (in the dtype of `x`)."""
        if self._element is None:
            return self.mod.element(self.x, index)
        return self._element.write(self._broadcast, index)

    def loops(self, write: Callable[[], None]) -> None:
        """Call `write()`, after copying out a repeated input of the producer (`Broadcast.loops`)."""
        if self._broadcast is None:
            write()
        else:
            self._broadcast.loops(write)


def emit_fold(
    mod: ModuleWriter,
    x: Variable,
    axes: Sequence[int],
    out: str,
    dtype: str,
    identity: str,
    update: Update,
    element: Read | None = None,
    partial: str | None = None,
) -> None:
    """Write `out`: `x` folded over `axes` from `identity` by `update`, in C order.

    `element(indices)` gives the value folded at an input position (default: `x`'s
    element). The lengths `n0, n1, ...` of `x` must be written already. `partial`, the
    operator of `update` when it may regroup ("+"), folds the innermost axes into
    `PARTIAL_SUMS` accumulators, combined by it at the end.
    """
    kept = [a for a in range(x.ndim) if a not in axes]
    shape = tuple_text([f"n{a}" for a in kept])
    numpy_dtype = f"np.{'bool_' if dtype == 'bool' else dtype}"
    read = element or (lambda index: cast(mod.element(x, index), x.type.dtype, dtype))
    innermost = list(axes) == list(range(x.ndim - len(axes), x.ndim))
    if not innermost:
        mod.filled(out, shape, identity, numpy_dtype)
        with mod.loops([f"n{a}" for a in range(x.ndim)]) as index:
            target = f"{out}[{', '.join(index[a] for a in kept) if kept else '()'}]"
            for text in update(target, read(index)):
                mod.line(text)
        return
    last = x.type.shape[axes[-1]] if axes else 0  # a static length too short to split
    if last is not None and last < PARTIAL_SUMS:
        partial = None
    mod.line(f"{out} = {mod.empty(shape, numpy_dtype)}")
    with mod.loops([f"n{a}" for a in kept]) as outer:
        if partial is None:
            acc = mod.fresh("acc")
            mod.line(f"{acc} = {identity}")
            with mod.loops([f"n{a}" for a in axes], first=len(kept)) as inner:
                for text in update(acc, read(outer + inner)):
                    mod.line(text)
        else:
            acc = _partial_folds(mod, axes, identity, update, partial, read, outer)
        mod.line(f"{out}[{', '.join(outer) if outer else '()'}] = {acc}")


def _partial_folds(
    mod: ModuleWriter,
    axes: Sequence[int],
    identity: str,
    update: Update,
    partial: str,
    read: Read,
    outer: list[str],
) -> str:
    """Write the loops over `axes` folding into partial accumulators, one per element of
    a step along the last axis; returns the expression combining them."""
    accs = [mod.fresh(f"acc{k}") for k in range(PARTIAL_SUMS)]
    mod.line(f"{' = '.join(accs)} = {identity}")
    middle_lengths = [f"n{a}" for a in axes[:-1]]
    i, n, lanes = f"i{axes[-1]}", f"n{axes[-1]}", PARTIAL_SUMS
    with mod.loops(middle_lengths, first=len(outer)) as middle:
        step = f"for {i} in range(0, {n} - {n} % {lanes}, {lanes}):"
        with mod.block(f"{step}  # {lanes} elements a step, one per partial sum"):
            for k, acc in enumerate(accs):
                for text in update(acc, read([*outer, *middle, f"{i} + {k}" if k else i])):
                    mod.line(text)
        tail = f"for {i} in range({n} - {n} % {lanes}, {n}):"
        with mod.block(f"{tail}  # the last {n} % {lanes} elements"):
            for text in update(accs[0], read([*outer, *middle, i])):
                mod.line(text)
    terms = accs
    while len(terms) > 2:  # pairwise: (acc0 + acc1) + (acc2 + acc3)
        terms = [f"({a} {partial} {b})" for a, b in zip(terms[::2], terms[1::2], strict=True)]
    return f" {partial} ".join(terms)


def _fold_node(
    mod: ModuleWriter,
    node: Apply,
    source: _Input,
    identity: str,
    update: Update,
    partial: str | None = None,
) -> None:
    """Write reduction `node`'s output: its input (`source`) folded by `update`."""
    (x,), (out,) = node.inputs, node.outputs
    dtype = out.type.dtype
    source.loops(
        lambda: emit_fold(
            mod,
            x,
            node.op.axis,
            mod.name(out),
            dtype,
            identity,
            update,
            lambda index: cast(source.read(index), x.type.dtype, dtype),
            partial,
        )
    )


def _add(acc: str, value: str) -> list[str]:
    return [f"{acc} += {value}"]


def _multiply(acc: str, value: str) -> list[str]:
    return [f"{acc} *= {value}"]


@emit.register(Sum)
@emit.register(Prod)
def emit_sum(op: Sum | Prod, node: Apply, mod: ModuleWriter, producer: Apply | None = None) -> None:
    (x,), (out,) = node.inputs, node.outputs
    dtype = out.type.dtype
    total = isinstance(op, Sum)
    identity = literal(0 if total else 1, dtype)
    # Integer sums regroup freely (LLVM vectorizes them itself), float sums may not. A
    # product keeps NumPy's order: in another, it may overflow where NumPy's does not.
    partial = "+" if total and np.dtype(dtype).kind == "f" else None
    source = _Input(mod, x, producer)
    _fold_node(mod, node, source, identity, _add if total else _multiply, partial)


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
def emit_extremum(
    op: Extremum, node: Apply, mod: ModuleWriter, producer: Apply | None = None
) -> None:
    (x,), (out,) = node.inputs, node.outputs
    largest = isinstance(op, Max)
    dtype = out.type.dtype
    source = _Input(mod, x, producer)
    initial = getattr(op, "initial", None)  # NumPy's `initial`: also an empty slice's value
    if initial is None:
        check_not_empty(mod, x, op.axis)
        identity = extremum_identity(dtype, largest)
    else:
        with np.errstate(all="ignore"):
            identity = literal(np.asarray(initial).astype(dtype)[()], dtype)
    update = extremum_update(mod, largest)
    _fold_node(mod, node, source, identity, update)


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
    mod.filled(out, shape, "0", "np.int64")
    mod.line(f"{best} = {mod.empty(shape, mod.dtype(x))}")
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
def emit_all(op: All | Any, node: Apply, mod: ModuleWriter, producer: Apply | None = None) -> None:
    (x,), (out,) = node.inputs, node.outputs
    every = isinstance(op, All)
    source = _Input(mod, x, producer)
    source.loops(
        lambda: emit_fold(
            mod,
            x,
            op.axis,
            mod.name(out),
            "bool",
            literal(every, "bool"),
            _all if every else _any,
            source.read,
        )
    )
