"""Products: `Dot`, `MatMul` and `TensorDot`. Float matrices and vectors go to SciPy's BLAS
through `blas.dot` (`np.dot`'s result, written at the call); integers and booleans, which
BLAS does not multiply, use loops that wrap around as NumPy's integer products do. Batched `MatMul` loops over the
batch axes (broadcast as elementwise inputs are) around one product per batch element.
`TensorDot` of floats is one matrix product, as in `np.tensordot`: each input's axes are
put in order (free then summed for a, summed then free for b) and flattened to a matrix."""

from __future__ import annotations

from tensorlab.backends.numba.elemwise import Broadcast
from tensorlab.backends.numba.module import ModuleWriter, emit, tuple_text
from tensorlab.graph.basic import Apply, Variable
from tensorlab.scalar.basic import is_float
from tensorlab.tensor.linalg import Dot, MatMul, TensorDot

__all__ = []

_BLAS = "tensorlab.backends.numba.blas"


def _check_summed(mod: ModuleWriter, a: Variable, b: Variable) -> None:
    """Stop with error `shape` unless a's last length equals b's summed one."""
    b_axis = b.ndim - 2 if b.ndim >= 2 else 0
    if None in (a.type.shape[-1], b.type.shape[b_axis]):
        mod.check(f"{mod.length(a, a.ndim - 1)} != {mod.length(b, b_axis)}", "shape")


def _product_loops(
    mod: ModuleWriter, out: str, a: str, b: str, ranks: tuple[int, int], lengths: dict, batch: list
) -> None:
    """out[batch..., i, j] += a[i, k] * b[k, j] (no i for a vector a, no j for a vector b)."""
    axes = [("i", lengths["rows"])] if ranks[0] == 2 else []
    axes.append(("k", lengths["inner"]))
    if ranks[1] == 2:
        axes.append(("j", lengths["columns"]))
    with mod.loops([n for _, n in axes], first=len(batch)) as index:
        at = dict(zip((role for role, _ in axes), index, strict=True))
        a_index = ", ".join(at[r] for r in "ik" if r in at)
        b_index = ", ".join(at[r] for r in "kj" if r in at)
        target = ", ".join(batch + [at[r] for r in "ij" if r in at]) or "()"
        mod.line(f"{out}[{target}] += {a}[{a_index}] * {b}[{b_index}]")


@emit.register(Dot)
def emit_dot(op: Dot | MatMul, node: Apply, mod: ModuleWriter) -> None:
    (a, b), (out_var,) = node.inputs, node.outputs
    out, dtype = mod.name(out_var), out_var.type.dtype
    _check_summed(mod, a, b)
    if is_float(dtype):
        dot = mod.require(_BLAS, "dot")
        product = f"{dot}({_converted(mod, a, dtype)}, {_converted(mod, b, dtype)})"
        if out_var.ndim == 0:  # a vector times a vector is a number
            mod.filled(out, "()", product, mod.dtype(out_var))
        else:
            mod.line(f"{out} = {product}")
        return
    lengths = {
        "rows": mod.length(a, 0),
        "inner": mod.length(a, a.ndim - 1),
        "columns": mod.length(b, b.ndim - 1),
    }
    shape = ([lengths["rows"]] if a.ndim == 2 else []) + (
        [lengths["columns"]] if b.ndim == 2 else []
    )
    mod.filled(out, tuple_text(shape), "0", mod.dtype(out_var))
    _product_loops(mod, out, mod.name(a), mod.name(b), (a.ndim, b.ndim), lengths, [])


@emit.register(MatMul)
def emit_matmul(op: MatMul, node: Apply, mod: ModuleWriter) -> None:
    (a, b), (out_var,) = node.inputs, node.outputs
    if a.ndim <= 2 and b.ndim <= 2:  # matmul of matrices and vectors is dot
        emit_dot(op, node, mod)
        return
    out, dtype = mod.name(out_var), out_var.type.dtype
    _check_summed(mod, a, b)
    converted = {x: _converted(mod, x, dtype) for x in (a, b)}  # once, not per batch element
    a_batch, b_batch = max(a.ndim - 2, 0), max(b.ndim - 2, 0)
    batch = Broadcast(
        mod, [a, b], max(a_batch, b_batch), leading={a: a_batch, b: b_batch}, arrays=converted
    )
    lengths = {
        "rows": mod.length(a, a.ndim - 2) if a.ndim >= 2 else None,
        "inner": mod.length(a, a.ndim - 1),
        "columns": mod.length(b, b.ndim - 1) if b.ndim >= 2 else None,
    }
    shape = batch.lengths + [n for n in (lengths["rows"], lengths["columns"]) if n is not None]
    if is_float(dtype):
        mod.line(f"{out} = {mod.empty(tuple_text(shape), mod.dtype(out_var))}")
    else:
        mod.filled(out, tuple_text(shape), "0", mod.dtype(out_var))
    with mod.loops(batch.lengths) as loop:
        a_item, b_item = (_batch_item(batch, x, loop) for x in (a, b))
        if is_float(dtype):
            dot = mod.require(_BLAS, "dot")
            mod.line(f"{out}[{', '.join(loop)}] = {dot}({a_item}, {b_item})")
        else:
            ranks = (min(a.ndim, 2), min(b.ndim, 2))
            _product_loops(mod, out, a_item, b_item, ranks, lengths, list(loop))


def _converted(mod: ModuleWriter, x: Variable, dtype: str) -> str:
    """`x` in `dtype`, bound to a local when it needs converting (BLAS multiplies two
    arrays of one float dtype)."""
    if x.type.dtype == dtype or not is_float(dtype):
        return mod.name(x)
    local = mod.fresh(f"{mod.name(x)}_{dtype}")
    mod.line(f"{local} = {mod.name(x)}.astype(np.{dtype})")
    return local


def _batch_item(batch: Broadcast, x: Variable, loop: list[str]) -> str:
    """One batch element of an input: the input itself when it has no batch axes."""
    index = batch.index(x, loop)
    return f"{batch.source(x)}[{', '.join(index)}]" if index else batch.source(x)


@emit.register(TensorDot)
def emit_tensordot(op: TensorDot, node: Apply, mod: ModuleWriter) -> None:
    """Floats: one BLAS product of the inputs flattened to matrices. For
    `tensordot(a, b, axes=([1], [0]))` of a 3-d tensor and a matrix:

        a_mat = np.ascontiguousarray(np.transpose(a, (0, 2, 1))).reshape((a.shape[0] *
                a.shape[2], a.shape[1]))
        b_mat = np.ascontiguousarray(b).reshape((b.shape[0], b.shape[1]))
        t_tensor_dot = dot(a_mat, b_mat).reshape((a.shape[0], a.shape[2], b.shape[1]))

    Integers and booleans: loops over the output's axes and the summed ones,
    `out[i0, i1, i2] += a[i0, i3, i1] * b[i3, i2]`.
    """
    (a, b), (out_var,) = node.inputs, node.outputs
    out, dtype = mod.name(out_var), out_var.type.dtype
    checks = [
        f"{mod.length(a, i)} != {mod.length(b, j)}"
        for i, j in op.pairs
        if None in (a.type.shape[i], b.type.shape[j])
    ]
    if checks:
        mod.check(" or ".join(checks), "shape")
    free_a, free_b = op.free(a.ndim, op.axes_a), op.free(b.ndim, op.axes_b)
    lengths = [mod.length(a, i) for i in free_a] + [mod.length(b, j) for j in free_b]
    if not is_float(dtype):
        _tensordot_loops(op, node, mod, lengths)
        return
    a_mat = _as_matrix(mod, a, _converted(mod, a, dtype), free_a, list(op.axes_a), dtype)
    b_mat = _as_matrix(mod, b, _converted(mod, b, dtype), list(op.axes_b), free_b, dtype)
    product = f"{mod.require(_BLAS, 'dot')}({a_mat}, {b_mat})"
    if out_var.ndim == 0:  # Numba's reshape to () gives a number, not a 0-d array
        mod.filled(out, "()", f"{product}[0, 0]", mod.dtype(out_var))
    else:
        mod.line(f"{out} = {product}.reshape({tuple_text(lengths)})")


def _as_matrix(
    mod: ModuleWriter, x: Variable, source: str, rows: list[int], columns: list[int], dtype: str
) -> str:
    """Write `x` with axes `rows` flattened into its rows and `columns` into its columns: a
    contiguous copy, which BLAS reads fastest and Numba can reshape."""
    matrix = mod.fresh(f"{mod.name(x)}_mat")
    shape = tuple_text(
        [" * ".join(mod.length(x, a) for a in axes) or "1" for axes in (rows, columns)]
    )
    if x.ndim == 0:
        mod.filled(matrix, "(1, 1)", f"{source}[()]", f"np.{dtype}")
        return matrix
    order = rows + columns
    if order != sorted(order):
        source = f"np.transpose({source}, {tuple_text([str(a) for a in order])})"
    mod.line(f"{matrix} = np.ascontiguousarray({source}).reshape({shape})")
    return matrix


def _tensordot_loops(op: TensorDot, node: Apply, mod: ModuleWriter, lengths: list[str]) -> None:
    """out[I, J] += a[I, K] * b[K, J], summed axes K innermost but for b's free axes J."""
    (a, b), (out_var,) = node.inputs, node.outputs
    out = mod.name(out_var)
    free_a, free_b = op.free(a.ndim, op.axes_a), op.free(b.ndim, op.axes_b)
    mod.filled(out, tuple_text(lengths), "0", mod.dtype(out_var))
    summed = [mod.length(a, i) for i in op.axes_a]
    # loop order: a's free axes, the summed ones, then b's free axes (rows of b read in order)
    order = lengths[: len(free_a)] + summed + lengths[len(free_a) :]
    with mod.loops(order) as loop:
        at_i = dict(zip(free_a, loop[: len(free_a)], strict=True))
        at_k = loop[len(free_a) : len(free_a) + len(summed)]
        at_j = dict(zip(free_b, loop[len(free_a) + len(summed) :], strict=True))
        at_i.update(zip(op.axes_a, at_k, strict=True))
        at_j.update(zip(op.axes_b, at_k, strict=True))
        a_index = ", ".join(at_i[axis] for axis in range(a.ndim)) or "()"
        b_index = ", ".join(at_j[axis] for axis in range(b.ndim)) or "()"
        target = loop[: len(free_a)] + loop[len(free_a) + len(summed) :]
        mod.line(
            f"{out}[{', '.join(target) or '()'}] += "
            f"{mod.name(a)}[{a_index}] * {mod.name(b)}[{b_index}]"
        )
