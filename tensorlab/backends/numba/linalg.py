"""Products: `Dot` and `MatMul`. Float matrices and vectors go to BLAS through Numba's
`np.dot` (SciPy's BLAS); integers and booleans, which BLAS does not multiply, use loops
that wrap around as NumPy's integer products do. Batched `MatMul` loops over the batch
axes (broadcast as elementwise inputs are) around one product per batch element."""

from __future__ import annotations

from tensorlab.backends.numba.elemwise import Broadcast
from tensorlab.backends.numba.module import ModuleWriter, emit, tuple_text
from tensorlab.graph.basic import Apply, Variable
from tensorlab.scalar.basic import is_float
from tensorlab.tensor.linalg import Dot, MatMul

__all__ = []


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
        product = f"np.dot({_converted(mod, a, dtype)}, {_converted(mod, b, dtype)})"
        if out_var.ndim == 0:  # a vector times a vector is a number
            mod.line(f"{out} = np.full((), {product}, dtype={mod.dtype(out_var)})")
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
    mod.line(f"{out} = np.zeros({tuple_text(shape)}, dtype={mod.dtype(out_var)})")
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
    allocate = "np.empty" if is_float(dtype) else "np.zeros"
    mod.line(f"{out} = {allocate}({tuple_text(shape)}, dtype={mod.dtype(out_var)})")
    with mod.loops(batch.lengths) as loop:
        a_item, b_item = (_batch_item(batch, x, loop) for x in (a, b))
        if is_float(dtype):
            mod.line(f"{out}[{', '.join(loop)}] = np.dot({a_item}, {b_item})")
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
