"""Indexing as NumPy reads it, and Theano's `set_subtensor` / `inc_subtensor`.

`x[i, 1:n, None, ...]`, `x[idx]`, `x[rows, cols]` and `x[x > 0]` build indexing ops;
`set_subtensor(x[index], y)` and `inc_subtensor(x[index], y)` build a new tensor equal to
`x` with the indexed part replaced by, or increased by, `y` (`x` itself never changes).

An op keeps its index as a canonical tuple, so equal indexing builds equal ops. Values not
known when the graph is built (int scalars, index arrays, masks) are the op's inputs
after `x` (and `y`), in the order the entries name them:

    entry                 meaning                                     example
    int                   a constant index                            x[2]
    "i"                   an int scalar input                         x[i]
    ("slice", a, b, c)    a slice; each bound None, an int or "i"     x[1:n]
    None                  a new axis of length 1                      x[None]
    "idx"                 an int array input                          x[idx]
    ("mask", k)           a k-d boolean array input                   x[x > 0]
    "..."                 an ellipsis covering no axis, kept only where it separates
                          advanced indices (NumPy then puts their axes first)

Ints, slices and new axes make a `Subtensor` (basic indexing, a view in NumPy); an index
array or a mask makes an `AdvancedSubtensor`, where ints count as advanced indices too.

>>> import tensorlab.tensor as T
>>> x = T.matrix("x")
>>> str(x[1:, ::-1].owner.op)
'Subtensor{1:, ::-1}'
>>> T.set_subtensor(x[0], 0.0).eval({x: [[1.0, 2.0], [3.0, 4.0]]})
array([[0., 0.],
       [3., 4.]])
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from tensorlab.errors import BroadcastError, IndexingError, TypeMismatchError, describe, error
from tensorlab.graph.basic import Apply, Constant, Op, Variable
from tensorlab.graph.source import user_location
from tensorlab.scalar.basic import is_integer
from tensorlab.tensor.creation import zeros_like
from tensorlab.tensor.shape import static_int, static_lengths, sum_to_shape
from tensorlab.tensor.type import TensorType, shape_text
from tensorlab.tensor.variable import as_tensor_like, as_tensor_variable

__all__ = ["getitem", "set_subtensor", "inc_subtensor"]

SCALAR, ARRAY, GAP = "i", "idx", "..."
FULL = ("slice", None, None, None)


def _is_slice(entry: Any) -> bool:
    return isinstance(entry, tuple) and entry[0] == "slice"


def _is_mask(entry: Any) -> bool:
    return isinstance(entry, tuple) and entry[0] == "mask"


def _is_array(entry: Any) -> bool:
    return entry == ARRAY or _is_mask(entry)


def _is_int(entry: Any) -> bool:
    return entry == SCALAR or isinstance(entry, int)


def _n_axes(entry: Any) -> int:
    """How many axes of `x` an entry uses up."""
    if entry is None or entry == GAP:
        return 0
    return entry[1] if _is_mask(entry) else 1


def _n_inputs(entry: Any) -> int:
    if _is_slice(entry):
        return sum(bound == SCALAR for bound in entry[1:])
    return 1 if entry == SCALAR or _is_array(entry) else 0


def _pairs(index: tuple, inputs) -> list[tuple[Any, list]]:
    """Each entry with the inputs (variables or values) it reads."""
    rest = iter(inputs)
    return [(entry, [next(rest) for _ in range(_n_inputs(entry))]) for entry in index]


def index_text(index: tuple) -> str:
    """The index as NumPy code would write it: `1:, i, None, idx`."""
    parts = []
    for entry in index:
        if _is_slice(entry):
            start, stop, step = ("" if b is None else str(b) for b in entry[1:])
            parts.append(f"{start}:{stop}" + (f":{step}" if step else ""))
        else:
            parts.append("mask" if _is_mask(entry) else str(entry))
    return ", ".join(parts) or "..."


# -- reading the user's index --------------------------------------------------------------
def _bad_index(item: Any) -> IndexingError:
    return error(
        IndexingError,
        f"{describe(item)} cannot index a tensor",
        expected="ints, slices, None, ..., int arrays or boolean arrays (masks)",
        got=describe(item),
        at=user_location(),
    )


def _int_scalar(item: Any) -> Variable | None:
    """`item` as a 0-d int tensor, or None if it is not one."""
    var = as_tensor_variable(item) if isinstance(item, Variable) else None
    if var is None or var.ndim != 0 or not is_integer(var.dtype) or var.dtype == "bool":
        return None
    return var


def _slice_entry(item: slice, inputs: list) -> tuple:
    bounds: list = []
    for bound in (item.start, item.stop, item.step):
        if bound is None or not isinstance(bound, Variable):
            try:
                bounds.append(None if bound is None else operator.index(bound))
            except TypeError as err:
                raise _bad_index(bound) from err
            continue
        var = _int_scalar(bound)
        if var is None:
            raise _bad_index(bound)
        if isinstance(var, Constant):
            bounds.append(int(var.data))
        else:
            inputs.append(var)
            bounds.append(SCALAR)
    start, stop, step = bounds
    if step == 0:
        raise error(IndexingError, "a slice step cannot be zero", at=user_location())
    step = None if step == 1 else step
    if start == 0 and (step is None or (isinstance(step, int) and step > 0)):
        start = None  # x[0:] is x[:]: one op for both
    return ("slice", start, stop, step)


def _item_entry(item: Any, inputs: list) -> Any:
    if isinstance(item, int | np.integer) and not isinstance(item, bool):
        return int(item)
    if not isinstance(item, Variable):
        data = np.asarray(item)
        if data.size == 0 and data.dtype.kind == "f":
            data = data.astype(np.int64)  # x[[]]: NumPy reads an empty list as ints
        if data.dtype.kind not in "biu":
            raise _bad_index(item)
        item = data
    var = as_tensor_variable(item)
    if var.ndim == 0 and _int_scalar(var) is not None:
        if isinstance(var, Constant):
            return int(var.data)
        inputs.append(var)
        return SCALAR
    if var.dtype == "bool":  # a 0-d mask (x[True]) adds an axis of length 1 or 0
        inputs.append(var)
        return ("mask", var.ndim)
    if var.ndim > 0 and is_integer(var.dtype):
        inputs.append(var)
        return ARRAY
    raise _bad_index(var)


def _expand_ellipsis(x: Variable, entries: list) -> tuple:
    if sum(entry is Ellipsis for entry in entries) > 1:
        raise error(IndexingError, "an index can have only one ellipsis (...)", at=user_location())
    used = sum(_n_axes(entry) for entry in entries if entry is not Ellipsis)
    if used > x.ndim:
        raise error(
            IndexingError,
            f"too many indices for {x}: it has {x.ndim} dimension{'s' * (x.ndim != 1)} "
            f"but {used} were indexed",
            got=describe(x),
            at=user_location(),
        )
    if Ellipsis in entries:
        at, fill = entries.index(Ellipsis), x.ndim - used
        advanced = any(_is_array(entry) for entry in entries)

        def is_advanced(entry: Any) -> bool:
            return advanced and (_is_array(entry) or _is_int(entry))

        separates = (
            fill == 0
            and any(is_advanced(entry) for entry in entries[:at])
            and any(is_advanced(entry) for entry in entries[at + 1 :])
        )
        entries[at : at + 1] = [GAP] if separates else [FULL] * fill
    while entries and entries[-1] == FULL and GAP not in entries:
        entries.pop()  # x[0, :] is x[0]: one op for both (a kept gap must cover no axis)
    return tuple(entries)


def index_description(x: Variable, index: Any) -> tuple[tuple, list[Variable]]:
    """The canonical index of `x[index]` and the variables it reads."""
    entries: list = []
    inputs: list[Variable] = []
    for item in index if isinstance(index, tuple) else (index,):
        if item is None or item is Ellipsis:
            entries.append(item)
        elif isinstance(item, slice):
            entries.append(_slice_entry(item, inputs))
        else:
            entries.append(_item_entry(item, inputs))
    return _expand_ellipsis(x, entries), inputs


# -- static shapes -----------------------------------------------------------------------------
def _out_of_range(op: Any, what: str, axis: int, length: int, value: int, at: Any) -> Exception:
    return error(
        IndexingError,
        f"{op}: index {value} is out of range for axis {axis} of length {length}",
        expected=f"an index in -{length}..{length - 1}"
        if length
        else "no index: the axis is empty",
        got=f"{what}, index {value}",
        at=at,
    )


def _slice_length(entry: tuple, inputs: list, length: int | None) -> int | None:
    rest, bounds = iter(inputs), []
    for bound in entry[1:]:
        bounds.append(static_int(next(rest)) if bound == SCALAR else bound)
    if length is None or None in [b for b, e in zip(bounds, entry[1:]) if e == SCALAR]:
        return None
    if bounds[2] == 0:
        return None  # a zero step known only now: the run-time check reports it
    return len(range(*slice(*bounds).indices(length)))


def _broadcast_index_shapes(op: Any, shapes: list[tuple]) -> list[int | None]:
    ndim = max(len(s) for s in shapes)
    padded = [(1,) * (ndim - len(s)) + tuple(s) for s in shapes]
    out: list[int | None] = []
    for axis in range(ndim):
        lengths = {p[axis] for p in padded}
        known = lengths - {None, 1}
        if len(known) > 1:
            raise error(
                IndexingError,
                f"{op}: index arrays of shapes {', '.join(map(shape_text, shapes))} "
                "do not broadcast together",
                at=user_location(),
            )
        out.append(known.pop() if known else (None if None in lengths else 1))
    return out


def _check_advanced(op: Any, x: Variable, axis: int, entry: Any, var: Variable) -> tuple:
    """The shape an index array or mask contributes, after checks of what is known."""
    if _is_mask(entry):
        axes = x.type.shape[axis : axis + entry[1]]
        if any(None not in (m, n) and m != n for m, n in zip(var.type.shape, axes, strict=True)):
            raise error(
                IndexingError,
                f"{op}: a boolean index of shape {shape_text(var.type.shape)} does not fit "
                f"axes {axis}..{axis + entry[1] - 1} of {x}",
                expected=f"a mask of shape {shape_text(axes)}",
                got=f"{describe(x)}, mask {describe(var)}",
                at=user_location(),
            )
        return (int(np.count_nonzero(var.data)) if isinstance(var, Constant) else None,)
    length = x.type.shape[axis]
    if isinstance(var, Constant) and length is not None and var.data.size:
        bad = var.data[(var.data < -length) | (var.data >= length)]
        if bad.size:
            raise _out_of_range(op, describe(x), axis, length, int(bad.flat[0]), user_location())
    return var.type.shape


def indexed_shape(op: Any, x: Variable, inputs: list[Variable]) -> tuple[int | None, ...]:
    """The static shape of `x[index]`, checking what is known of the index now."""
    advanced = any(_is_array(entry) for entry in op.index)
    dims: list[int | None] = []
    index_shapes: list[tuple] = []
    positions: list[int] = []
    first = 0
    axis = 0
    for position, (entry, ins) in enumerate(_pairs(op.index, inputs)):
        if entry is None:
            dims.append(1)
        elif _is_slice(entry):
            dims.append(_slice_length(entry, ins, x.type.shape[axis]))
        elif entry != GAP:
            if _is_int(entry):
                value = static_int(ins[0]) if entry == SCALAR else entry
                length = x.type.shape[axis]
                if None not in (value, length) and not -length <= value < length:
                    raise _out_of_range(op, describe(x), axis, length, value, user_location())
                index_shape: tuple = ()
            else:
                index_shape = _check_advanced(op, x, axis, entry, ins[0])
            if advanced:
                first = first if positions else len(dims)
                index_shapes.append(index_shape)
                positions.append(position)
        axis += _n_axes(entry)
    dims.extend(x.type.shape[axis:])
    if not advanced:
        return tuple(dims)
    merged = _broadcast_index_shapes(op, index_shapes)
    if positions == list(range(positions[0], positions[0] + len(positions))):
        return tuple(dims[:first] + merged + dims[first:])
    return tuple(merged + dims)  # advanced indices apart: NumPy puts their axes first


# -- running an index --------------------------------------------------------------------------
def _numpy_index(index: tuple, values) -> tuple:
    rest = iter(values)

    def bound(b: Any) -> Any:
        return operator.index(next(rest)) if b == SCALAR else b

    out: list = []
    for entry in index:
        if _is_slice(entry):
            out.append(slice(*[bound(b) for b in entry[1:]]))
        elif entry == SCALAR:
            out.append(operator.index(next(rest)))
        elif _is_array(entry):
            out.append(next(rest))
        else:
            out.append(Ellipsis if entry == GAP else entry)
    return tuple(out)


def _index_error(op: Any, node: Apply, x: np.ndarray, values, err: Exception) -> Exception:
    """Say which index does not fit, and where, for an index NumPy refused."""
    what = f"{node.inputs[0]}: {x.dtype} {shape_text(x.shape)}"
    index_shapes: list[tuple] = []
    axis = 0
    for entry, ins in _pairs(op.index, values):
        length = x.shape[axis] if axis < x.ndim else 0
        if _is_int(entry):
            value = entry if entry != SCALAR else int(ins[0])
            if not -length <= value < length:
                return _out_of_range(op, what, axis, length, value, node)
            index_shapes.append(())
        elif entry == ARRAY:
            bad = ins[0][(ins[0] < -length) | (ins[0] >= length)]
            if bad.size:
                return _out_of_range(op, what, axis, length, int(bad.flat[0]), node)
            index_shapes.append(ins[0].shape)
        elif _is_mask(entry):
            axes = x.shape[axis : axis + entry[1]]
            if ins[0].shape != axes:
                return error(
                    IndexingError,
                    f"{op}: a boolean index of shape {shape_text(ins[0].shape)} does not fit "
                    f"axes {axis}..{axis + entry[1] - 1} of {node.inputs[0]}",
                    expected=f"a mask of shape {shape_text(axes)}",
                    got=what,
                    at=node,
                )
            index_shapes.append((int(np.count_nonzero(ins[0])),))
        axis += _n_axes(entry)
    try:
        np.broadcast_shapes(*index_shapes)
    except ValueError:
        return error(
            IndexingError,
            f"{op}: index arrays of shapes {', '.join(map(shape_text, index_shapes))} "
            "do not broadcast together",
            got=what,
            at=node,
        )
    return error(IndexingError, f"{op} cannot index {node.inputs[0]}: {err}", got=what, at=node)


class _Indexing:
    """What the indexing ops share: the canonical `index` and the inputs it reads."""

    index: tuple
    advanced: ClassVar[bool]

    def _index_inputs(self, x: Variable, index_inputs: tuple) -> list[Variable]:
        inputs = [as_tensor_variable(v) for v in index_inputs]
        fits = (
            len(inputs) == sum(_n_inputs(entry) for entry in self.index)
            and sum(_n_axes(entry) for entry in self.index) <= x.ndim
            and any(_is_array(entry) for entry in self.index) == self.advanced
        )
        for entry, ins in _pairs(self.index, inputs) if fits else ():
            for var in ins:
                if _is_mask(entry):
                    fits = fits and var.dtype == "bool" and var.ndim == entry[1]
                else:
                    fits = fits and is_integer(var.dtype) and var.dtype != "bool"
                    fits = fits and (entry == ARRAY or var.ndim == 0)
        if not fits:
            raise error(
                TypeMismatchError,
                f"{self} does not fit its inputs",
                got=", ".join(describe(v) for v in (x, *inputs)),
                at=user_location(),
            )
        return inputs

    def __str__(self) -> str:
        return f"{type(self).__name__}{{{index_text(self.index)}}}"


def _take(op: Any, node: Apply, x: np.ndarray, values) -> np.ndarray:
    try:
        return np.asarray(x[_numpy_index(op.index, values)])
    except (IndexError, ValueError) as err:
        raise _index_error(op, node, x, values, err) from err


def _take_grad(op: Any, inc_class: type, inputs: list, gouts: list) -> list:
    (x, *index), (gout,) = inputs, gouts
    return [inc_class(op.index)(zeros_like(x), gout, *index), *[None] * len(index)]


@dataclass(frozen=True)
class Subtensor(_Indexing, Op):
    """Basic indexing: ints, slices and new axes (`x[i, 1:n, None]`).

    forward:   out = x[index]
    gradient:  dx = inc_subtensor(zeros_like(x)[index], gout);  index inputs: none (zero)
    """

    index: tuple
    advanced: ClassVar[bool] = False

    def make_node(self, x, *index_inputs) -> Apply:
        x = as_tensor_variable(x)
        inputs = self._index_inputs(x, index_inputs)
        out = TensorType(x.dtype, indexed_shape(self, x, inputs))()
        return Apply(self, [x, *inputs], [out])

    def perform(self, node: Apply, x: np.ndarray, *values: np.ndarray) -> np.ndarray:
        return _take(self, node, x, values)

    def grad(self, inputs, outputs, gouts):
        return _take_grad(self, IncSubtensor, inputs, gouts)

    def static_value(self, node: Apply) -> int | None:
        """`v[k]` of an int vector whose k-th value is known before run time (`x.shape[0]`)."""
        vector = node.inputs[0]
        if len(self.index) != 1 or not isinstance(self.index[0], int) or vector.ndim != 1:
            return None
        values, k = static_lengths(vector), self.index[0]
        return values[k] if is_integer(vector.dtype) and -len(values) <= k < len(values) else None

    def static_lengths(self, node: Apply) -> tuple[int | None, ...]:
        """A constant slice of an int vector (`x.shape[1:]`): the values known before run time."""
        vector, (length,) = node.inputs[0], node.outputs[0].type.shape
        (entry,) = self.index if len(self.index) == 1 else (None,)
        if length is None or not _is_slice(entry) or SCALAR in entry[1:] or vector.ndim != 1:
            return (None,) * (length or 0)
        return static_lengths(vector)[slice(*entry[1:])]


@dataclass(frozen=True)
class AdvancedSubtensor(_Indexing, Op):
    """Indexing with int arrays or boolean masks, mixed with ints and slices (`x[idx, :]`).

    forward:   out = x[index]   (NumPy's advanced indexing: index arrays broadcast together)
    gradient:  dx = inc_subtensor(zeros_like(x)[index], gout), repeated indices accumulating;
               index inputs: none (zero)
    """

    index: tuple
    advanced: ClassVar[bool] = True

    def make_node(self, x, *index_inputs) -> Apply:
        x = as_tensor_variable(x)
        inputs = self._index_inputs(x, index_inputs)
        out = TensorType(x.dtype, indexed_shape(self, x, inputs))()
        return Apply(self, [x, *inputs], [out])

    def perform(self, node: Apply, x: np.ndarray, *values: np.ndarray) -> np.ndarray:
        return _take(self, node, x, values)

    def grad(self, inputs, outputs, gouts):
        return _take_grad(self, AdvancedIncSubtensor, inputs, gouts)


def _check_value(op: Any, x: Variable, y: Variable, region: tuple) -> None:
    """`y` must broadcast to the indexed region, and (to add) cast to x's dtype as `+=` does."""
    fits = y.ndim <= len(region) and all(
        have in (None, 1) or want is None or have == want
        for have, want in zip(reversed(y.type.shape), reversed(region), strict=False)
    )
    if not fits:
        raise error(
            BroadcastError,
            f"{op} cannot fit {y} into the indexed part of {x}",
            expected=f"a value that broadcasts to shape {shape_text(region)}",
            got=describe(y),
            at=user_location(),
        )
    if not op.set_instead_of_inc and not np.can_cast(y.dtype, x.dtype, "same_kind"):
        raise error(
            TypeMismatchError,
            f"{op} cannot add {y.dtype} values to the {x.dtype} tensor {x}",
            got=f"{describe(x)}, {describe(y)}",
            at=user_location(),
            hint=f"cast the value first: y.astype('{x.dtype}')",
        )


def _write(op: Any, node: Apply, x: np.ndarray, y: np.ndarray, values) -> np.ndarray:
    index, out = _numpy_index(op.index, values), x.copy()
    try:
        if op.set_instead_of_inc:
            out[index] = y
        elif op.advanced:
            np.add.at(out, index, y)  # repeated indices add up
        else:
            out[index] += y
    except IndexError as err:
        raise _index_error(op, node, x, values, err) from err
    except ValueError as err:
        try:
            region = x[index].shape
        except (IndexError, ValueError):
            raise _index_error(op, node, x, values, err) from err
        raise error(
            BroadcastError,
            f"{op} cannot fit {node.inputs[1]} into the indexed part of {node.inputs[0]}",
            expected=f"a value that broadcasts to shape {shape_text(region)}",
            got=f"{node.inputs[1]}: {y.dtype} {shape_text(y.shape)}",
            at=node,
        ) from err
    return out


def _write_grad(op: Any, take_class: type, inputs: list, gouts: list) -> list:
    (_, y, *index), (gout,) = inputs, gouts
    gy = sum_to_shape(take_class(op.index)(gout, *index), y)
    gx = type(op)(op.index, True)(gout, 0, *index) if op.set_instead_of_inc else gout
    return [gx, gy, *[None] * len(index)]


class _Write(_Indexing):
    """What set/inc share, basic or advanced: `x`, the value `y`, then the index inputs."""

    read_op: ClassVar[type]
    names: ClassVar[tuple[str, str]]  # (inc, set)

    def make_node(self, x, y, *index_inputs) -> Apply:
        x = as_tensor_variable(x)
        (y,) = as_tensor_like([x, y])[1:]
        inputs = self._index_inputs(x, index_inputs)
        _check_value(self, x, y, indexed_shape(self, x, inputs))
        return Apply(self, [x, y, *inputs], [x.type()])

    def perform(self, node: Apply, x: np.ndarray, y: np.ndarray, *values) -> np.ndarray:
        return _write(self, node, x, y, values)

    def grad(self, inputs, outputs, gouts):
        return _write_grad(self, self.read_op, inputs, gouts)

    def __str__(self) -> str:
        return f"{self.names[self.set_instead_of_inc]}{{{index_text(self.index)}}}"


@dataclass(frozen=True)
class IncSubtensor(_Write, Op):
    """`x` with `y` added to `x[index]` (written over it if `set_instead_of_inc`), basic index.

    forward:   out = copy of x;  out[index] += y   (or out[index] = y);  y broadcasts
    gradient:  dx = gout (set: gout with gout[index] zeroed);  dy = gout[index] summed to y's
               shape;  index inputs: none (zero)
    """

    index: tuple
    set_instead_of_inc: bool = False
    advanced: ClassVar[bool] = False
    read_op: ClassVar[type] = Subtensor
    names: ClassVar[tuple[str, str]] = ("IncSubtensor", "SetSubtensor")


@dataclass(frozen=True)
class AdvancedIncSubtensor(_Write, Op):
    """`x` with `y` added to (or written over) `x[index]` for an advanced index.

    forward:   out = copy of x;  np.add.at(out, index, y)  (repeated indices add up)
               or out[index] = y  (set: the last write to a repeated index wins)
    gradient:  dx = gout (set: gout with gout[index] zeroed);  dy = gout[index] summed to y's
               shape;  index inputs: none (zero)
    """

    index: tuple
    set_instead_of_inc: bool = False
    advanced: ClassVar[bool] = True
    read_op: ClassVar[type] = AdvancedSubtensor
    names: ClassVar[tuple[str, str]] = ("AdvancedIncSubtensor", "AdvancedSetSubtensor")


def getitem(x, index) -> Variable:
    """`x[index]` with NumPy's meaning; what `x[...]` on a tensor variable calls.

    >>> import tensorlab.tensor as T
    >>> x = T.matrix("x")
    >>> getitem(x, (slice(None), 0)).eval({x: [[1.0, 2.0], [3.0, 4.0]]})
    array([1., 3.])
    >>> x[x > 2].eval({x: [[1.0, 2.0], [3.0, 4.0]]})
    array([3., 4.])
    """
    x = as_tensor_variable(x)
    description, inputs = index_description(x, index)
    if any(_is_array(entry) for entry in description):
        return AdvancedSubtensor(description)(x, *inputs)
    return Subtensor(description)(x, *inputs)


def _indexed_parts(x_indexed: Any, name: str) -> tuple[type, tuple, Variable, list]:
    owner = getattr(x_indexed, "owner", None)
    if owner is None or not isinstance(owner.op, Subtensor | AdvancedSubtensor):
        raise error(
            TypeMismatchError,
            f"{name} needs an indexed tensor such as x[1:3], not {x_indexed}",
            got=describe(x_indexed),
            at=user_location(),
            hint=f"write {name}(x[index], y)",
        )
    x, *index = owner.inputs
    write = IncSubtensor if isinstance(owner.op, Subtensor) else AdvancedIncSubtensor
    return write, owner.op.index, x, index


def set_subtensor(x_indexed, y) -> Variable:
    """Theano's `set_subtensor(x[index], y)`: a copy of `x` with `x[index]` replaced by `y`.

    >>> import tensorlab.tensor as T
    >>> v = T.vector("v")
    >>> set_subtensor(v[[0, 2]], [10.0, 30.0]).eval({v: [1.0, 2.0, 3.0]})
    array([10.,  2., 30.])
    """
    write, index, x, inputs = _indexed_parts(x_indexed, "set_subtensor")
    return write(index, True)(x, y, *inputs)


def inc_subtensor(x_indexed, y) -> Variable:
    """Theano's `inc_subtensor(x[index], y)`: a copy of `x` with `y` added to `x[index]`;
    repeated indices add up (`np.add.at`).

    >>> import tensorlab.tensor as T
    >>> v = T.vector("v")
    >>> inc_subtensor(v[[0, 0, 1]], 1.0).eval({v: [0.0, 0.0, 0.0]})
    array([2., 1., 0.])
    """
    write, index, x, inputs = _indexed_parts(x_indexed, "inc_subtensor")
    return write(index, False)(x, y, *inputs)
