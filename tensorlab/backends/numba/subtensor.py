"""Indexing: `Subtensor` (basic indexing, a view), `AdvancedSubtensor` (index arrays and
masks, a new array), and the writes `IncSubtensor` / `AdvancedIncSubtensor`, which copy
`x` and then set or add `y` in the indexed part of the copy.

An index is read in two steps. First a *view* takes the ints, slices and new axes, which
Numba indexes as NumPy does (negative ints and steps included); the axes an index array
picks from stay whole (`:`). Ints are checked first: Numba does not check bounds.

    # [0] Subtensor{i, j:k}(x, i, j, k) -> t_subtensor   float64 (None,)
    i_ = i[()]
    j_ = j[()]
    k_ = k[()]
    if i_ < -x.shape[0] or i_ >= x.shape[0]:
        raise ValueError("tensorlab:0:index")
    t_subtensor = x[i_, j_:k_]

Then loops read (or write) the view one element at a time, taking the positions along
the picked axes from the index arrays, broadcast together as NumPy does. Numba indexes
with one array at a time, so these loops are what `x[rows, :, cols]` means:

    m0 = rows.shape[0]
    m0 = cols.shape[0] if m0 == 1 else m0
    if (rows.shape[0] != m0 and rows.shape[0] != 1) or (cols.shape[0] != m0 and ...):
        raise ValueError("tensorlab:0:index")
    if m0 > 0:
        for i0 in range(rows.shape[0]):
            if rows[i0] < -x.shape[0] or rows[i0] >= x.shape[0]:
                raise ValueError("tensorlab:0:index")
        ...
    rows_s0 = 0 if rows.shape[0] == 1 else 1
    cols_s0 = 0 if cols.shape[0] == 1 else 1
    t_advanced_subtensor = empty((m0, x.shape[1]), np.float64)
    for i0 in range(m0):
        for i1 in range(x.shape[1]):
            t_advanced_subtensor[i0, i1] = x[rows[i0 * rows_s0], i1, cols[i0 * cols_s0]]

The lengths, checks and steps are written out, not left to `np.broadcast_shapes`,
`np.any` and `np.broadcast_to`: Numba compiles each of those as functions of their own,
a few tenths of a second per graph.

A boolean mask picks with the index arrays of its True positions (`np.nonzero`), as in
NumPy. Adding at repeated positions adds every time, in order, as `np.add.at` does;
setting them keeps the value written last, as NumPy's assignment does.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tensorlab.backends.numba.module import ModuleWriter, emit, tuple_text
from tensorlab.graph.basic import Apply, Variable
from tensorlab.tensor.subtensor import (
    ARRAY,
    GAP,
    SCALAR,
    AdvancedIncSubtensor,
    AdvancedSubtensor,
    IncSubtensor,
    Subtensor,
    _is_int,
    _is_mask,
    _is_slice,
    _n_axes,
    _pairs,
)

__all__ = []


@dataclass
class _Picker:
    """Index arrays that pick along axes of the view: one int array, or the arrays of a
    mask's True positions (one per axis of the mask, all of one length)."""

    lengths: list[str]  # the same, one length at a time
    arrays: list[str]  # one per axis it picks along (none for a 0-d mask)


@dataclass
class _Index:
    """An index as the generated code reads it.

    `items` index the view; `axes` has one entry per axis of the view: None for an axis
    it keeps (a slice, a new axis), else the index array that picks along it. The index
    arrays' axes (`lengths`, broadcast) go at `first` among the kept axes.
    """

    items: list[str] = field(default_factory=list)
    axes: list[str | None] = field(default_factory=list)
    pickers: list[_Picker] = field(default_factory=list)
    positions: list[int] = field(default_factory=list)  # of the advanced entries
    # (int array, the length of the axis it picks along, its rank)
    bounds: list[tuple[str, str, int]] = field(default_factory=list)
    first: int = 0
    lengths: list[str] = field(default_factory=list)
    steps: dict[str, list[str]] = field(default_factory=dict)  # an index array's, per axis
    view: str = ""

    def take_view(self, mod: ModuleWriter, source: str) -> None:
        """Write the view of `source` that the ints, slices and new axes make."""
        if all(item == ":" for item in self.items):
            self.view = source
            return
        self.view = mod.fresh(f"{source}_part")
        mod.line(f"{self.view} = {source}[{', '.join(self.items)}]")

    def shape(self) -> list[str]:
        """The lengths of the indexed part: kept axes, with the pickers' axes at `first`."""
        kept = [f"{self.view}.shape[{a}]" for a, picker in enumerate(self.axes) if picker is None]
        return kept[: self.first] + self.lengths + kept[self.first :]

    def element(self, loop: list[str]) -> str:
        """The view's element at the indexed part's loop indices `loop`."""
        picked = loop[self.first : self.first + len(self.lengths)]
        kept = iter(loop[: self.first] + loop[self.first + len(self.lengths) :])
        index = [
            next(kept) if picker is None else self._pick(picker, picked) for picker in self.axes
        ]
        return f"{self.view}[{', '.join(index) or '()'}]"

    def _pick(self, array: str, picked: list[str]) -> str:
        """`array`'s element at the broadcast index `picked`: its own axes are the last
        ones, each read with its step (0 where it has length 1 and is broadcast)."""
        steps = self.steps.get(array)
        return (
            f"{array}[{', '.join(picked) or '()'}]"
            if steps is None
            else _stepped(array, picked, steps)
        )


def _read_index(op, mod: ModuleWriter, x: Variable, index_inputs: list[Variable]) -> _Index:
    """Write what reads `op.index`: its scalars, their checks, the index arrays' lengths
    broadcast together (and checked), ready for `take_view`."""
    found = _Index()
    axis = 0
    for position, (entry, ins) in enumerate(_pairs(op.index, index_inputs)):
        if entry is None:
            found.items.append("None")
            found.axes.append(None)
        elif _is_slice(entry):
            found.items.append(_slice_text(mod, entry, ins))
            found.axes.append(None)
        elif _is_int(entry):
            value = mod.value(ins[0]) if entry == SCALAR else str(entry)
            if entry == SCALAR or x.type.shape[axis] is None:  # else checked when built
                n = mod.length(x, axis)
                mod.check(f"{value} < -{n} or {value} >= {n}", "index")
            found.items.append(value)
        elif entry == ARRAY:
            array = mod.name(ins[0])
            lengths = [f"{array}.shape[{k}]" for k in range(ins[0].ndim)]
            found.pickers.append(_Picker(lengths, [array]))
            found.bounds.append((array, mod.length(x, axis), ins[0].ndim))
        elif _is_mask(entry):
            found.pickers.append(_mask_picker(mod, x, axis, entry[1], ins[0]))
        if entry != GAP and entry is not None and not _is_slice(entry):
            if not found.positions:  # NumPy's place for the index arrays' axes
                found.first = found.axes.count(None)
            found.positions.append(position)
        if entry == ARRAY or _is_mask(entry):
            found.axes.extend(found.pickers[-1].arrays)
            found.items.extend([":"] * _n_axes(entry))
        axis += _n_axes(entry)
    found.axes.extend([None] * (x.ndim - axis))  # axes after the index are kept whole
    positions = found.positions
    if found.pickers and positions != list(range(positions[0], positions[0] + len(positions))):
        found.first = 0  # advanced entries apart: NumPy puts the index arrays' axes first
    if found.pickers:
        _broadcast_pickers(mod, found)
    return found


def _slice_text(mod: ModuleWriter, entry: tuple, ins: list[Variable]) -> str:
    """`start:stop:step` with the bounds read at run time; a zero step stops the program."""
    bounds = iter(ins)
    parts = [
        "" if b is None else mod.value(next(bounds)) if b == SCALAR else str(b) for b in entry[1:]
    ]
    if entry[3] == SCALAR:
        mod.check(f"{parts[2]} == 0", "step")
    return ":".join(parts) if parts[2] else f"{parts[0]}:{parts[1]}"


def _mask_picker(mod: ModuleWriter, x: Variable, axis: int, ndim: int, mask: Variable) -> _Picker:
    """A mask picks with the positions of its True values. A 0-d mask picks along no axis
    but adds one of length 1 or 0, as NumPy's x[True] and x[False] do."""
    name = mod.name(mask)
    if ndim == 0:
        count = mod.fresh(f"{name}_count")
        mod.line(f"{count} = 1 if {name}[()] else 0")
        return _Picker([count], [])
    mismatch = [f"{mod.length(mask, k)} != {mod.length(x, axis + k)}" for k in range(ndim)]
    mod.check(" or ".join(mismatch), "index")
    arrays = [mod.fresh(f"{name}_at{k}") for k in range(ndim)]
    mod.line(f"{', '.join(arrays)}{',' if ndim == 1 else ''} = np.nonzero({name})")
    return _Picker([f"{arrays[0]}.shape[0]"], arrays)


def _broadcast_pickers(mod: ModuleWriter, found: _Index) -> None:
    """Write the index arrays' broadcast lengths `m0, ...`, their checks (they broadcast
    together; every position is inside its axis), and, where there are several pickers,
    each index array's steps."""
    pickers = found.pickers
    ndim = max(len(p.lengths) for p in pickers)
    found.lengths = [mod.fresh(f"m{k}") for k in range(ndim)]
    for k, length in enumerate(found.lengths):
        sources = [
            p.lengths[k - ndim + len(p.lengths)] for p in pickers if len(p.lengths) > ndim - 1 - k
        ]
        mod.line(f"{length} = {sources[0]}")
        for source in sources[1:]:
            mod.line(f"{length} = {source} if {length} == 1 else {length}")
        if len(sources) > 1:
            mod.check(" or ".join(f"({s} != {length} and {s} != 1)" for s in sources), "index")
    if found.bounds:  # NumPy checks the positions only when the index picks something
        with mod.block(f"if {' * '.join(found.lengths) or '1'} > 0:"):
            for array, n, rank in found.bounds:
                with mod.loops([f"{array}.shape[{a}]" for a in range(rank)]) as loop:
                    at = f"{array}[{', '.join(loop) or '()'}]"
                    mod.check(f"{at} < -{n} or {at} >= {n}", "index")
    if len(pickers) == 1:
        return
    for picker in pickers:
        for array in picker.arrays:
            found.steps[array] = _write_steps(mod, array, len(picker.lengths))


def _write_steps(mod: ModuleWriter, array: str, ndim: int) -> list[str]:
    """One step per axis of an index array, `rows_s0 = 0 if rows.shape[0] == 1 else 1`:
    0 where it has length 1 and repeats against the other index arrays."""
    steps = [mod.fresh(f"{array}_s{a}") for a in range(ndim)]
    for a, step in enumerate(steps):
        mod.line(f"{step} = 0 if {array}.shape[{a}] == 1 else 1")
    return steps


def _stepped(array: str, loop: list[str], steps: list[str]) -> str:
    """`array`'s element at the last `len(steps)` loop indices, read with its steps."""
    mine = loop[len(loop) - len(steps) :]
    return f"{array}[{', '.join(f'{i} * {s}' for i, s in zip(mine, steps, strict=True)) or '()'}]"


@emit.register(Subtensor)
def emit_subtensor(op: Subtensor, node: Apply, mod: ModuleWriter) -> None:
    """A view, as NumPy's basic indexing gives (a number becomes a new 0-d array)."""
    (x, *index_inputs), (out_var,) = node.inputs, node.outputs
    found = _read_index(op, mod, x, index_inputs)
    out = mod.name(out_var)
    if out_var.ndim == 0:  # Numba reads one element as a number, not a 0-d view
        element = f"{mod.name(x)}[{', '.join(found.items) or '()'}]"
        mod.filled(out, "()", element, mod.dtype(out_var))
        return
    view = f"{mod.name(x)}[{', '.join(found.items)}]" if found.items else mod.name(x)
    mod.line(f"{out} = {view}")


@emit.register(AdvancedSubtensor)
def emit_advanced_subtensor(op: AdvancedSubtensor, node: Apply, mod: ModuleWriter) -> None:
    """A new array, filled by loops over it that read the view where the index arrays say."""
    (x, *index_inputs), (out_var,) = node.inputs, node.outputs
    found = _read_index(op, mod, x, index_inputs)
    found.take_view(mod, mod.name(x))
    out, shape = mod.name(out_var), found.shape()
    mod.line(f"{out} = {mod.empty(tuple_text(shape), mod.dtype(out_var))}")
    with mod.loops(shape) as loop:
        mod.line(f"{out}[{', '.join(loop)}] = {found.element(loop)}")


@emit.register(IncSubtensor)
@emit.register(AdvancedIncSubtensor)
def emit_inc_subtensor(
    op: IncSubtensor | AdvancedIncSubtensor, node: Apply, mod: ModuleWriter
) -> None:
    """A copy of x, then loops over the indexed part that set or add y's elements. For
    `inc_subtensor(x[:, i], y)`:

        t_inc_subtensor = x.copy()
        t_inc_subtensor_part = t_inc_subtensor[:, i_]
        if (y.shape[0] != t_inc_subtensor_part.shape[0] and y.shape[0] != 1):
            raise ValueError("tensorlab:0:shape")
        y_s0 = 0 if y.shape[0] == 1 else 1
        for i0 in range(t_inc_subtensor_part.shape[0]):
            t_inc_subtensor_part[i0] += y[i0 * y_s0]
    """
    (x, y, *index_inputs), (out_var,) = node.inputs, node.outputs
    found = _read_index(op, mod, x, index_inputs)
    out = mod.name(out_var)
    mod.line(f"{out} = {mod.name(x)}.copy()")
    update = "=" if op.set_instead_of_inc else "+="
    if not found.axes and not found.lengths:  # one element: Numba reads it as a number
        mod.line(f"{out}[{', '.join(found.items) or '()'}] {update} {mod.value(y)}")
        return
    found.take_view(mod, out)
    shape = found.shape()
    read = mod.reader(y, shape, "shape")  # the op has y.ndim <= len(shape)
    with mod.loops(shape) as loop:
        mod.line(f"{found.element(loop)} {update} {read(loop)}")
