"""Shape ops: reading a shape, repeating to a shape, summing back to one, checking one,
and the views (`DimShuffle`, `Reshape`) that move no data when Numba can avoid it."""

from __future__ import annotations

from tensorlab.backends.numba.module import ModuleWriter, emit, tuple_text
from tensorlab.backends.numba.reduction import lengths_of
from tensorlab.graph.basic import Apply, Variable
from tensorlab.tensor.dimshuffle import DimShuffle
from tensorlab.tensor.reshape import Reshape
from tensorlab.tensor.shape import BroadcastTo, Shape, SpecifyShape, SumToShape, static_lengths

__all__ = []


@emit.register(Shape)
def emit_shape(op: Shape, node: Apply, mod: ModuleWriter) -> None:
    (x,), (out,) = node.inputs, mod.names(node.outputs)
    mod.line(f"{out} = {mod.empty(f'({x.ndim},)', 'np.int64')}")
    for axis in range(x.ndim):
        mod.line(f"{out}[{axis}] = {mod.length(x, axis)}")


def _targets(mod: ModuleWriter, shape_vector, ndim: int, first: int = 0) -> list[str]:
    """Write `n{first}`, ... = the entries of an int64 shape vector read at run time."""
    lengths = [f"n{first + k}" for k in range(ndim)]
    vector = mod.name(shape_vector)
    for k, n in enumerate(lengths):
        mod.line(f"{n} = {vector}[{k}]")
    return lengths


@emit.register(BroadcastTo)
def emit_broadcast_to(op: BroadcastTo, node: Apply, mod: ModuleWriter) -> None:
    """A copy of `x` repeated to the target lengths: each axis of `x` has the target's
    length, or length 1 and a step of 0 (`x_s0`)."""
    (x, shape), (out_var,) = node.inputs, node.outputs
    lengths = _targets(mod, shape, out_var.ndim)
    read = mod.reader(x, lengths, "broadcast")  # axes x does not have are repeated whole
    out = mod.allocate(out_var, lengths)
    with mod.loops(lengths) as loop:
        where = ", ".join(loop) if loop else "()"
        mod.line(f"{out}[{where}] = {read(loop)}")


def _unsummed(g: Variable, shape: Variable, out: Variable, mod: ModuleWriter) -> bool:
    """Whether a program that stops where a length-1 axis repeats (`mod.repeats` off)
    passes `g` on as the sum to `shape`, after checking that it has that shape: a gradient
    sums back to an input's shape only where broadcasting repeated the input, which few
    calls do. Not where the target declares a length of 1 that `g` may not have (a sum
    the graph asks for), nor for a graph output (never an alias of another value)."""
    if mod.repeats or g.ndim != out.ndim or out in mod.outputs or g.ndim == 0:
        return False
    targets = static_lengths(shape)
    targets = targets if len(targets) == g.ndim else (None,) * g.ndim
    return all(t != 1 or n == 1 for t, n in zip(targets, g.type.shape, strict=True))


@emit.register(SumToShape)
def emit_sum_to_shape(op: SumToShape, node: Apply, mod: ModuleWriter) -> None:
    (g, shape), (out_var,) = node.inputs, node.outputs
    out = mod.name(out_var)
    lengths = lengths_of(mod, g)
    extra = g.ndim - out_var.ndim  # leading axes summed away
    vector = mod.name(shape)
    if _unsummed(g, shape, out_var, mod):
        differs = [f"{vector}[{k}] != {n}" for k, n in enumerate(lengths)]
        mod.check_repeats(differs, "the general program sums")
        mod.line(f"{out} = {mod.name(g)}  # already of the target shape: nothing to sum")
        return
    targets = [mod.fresh(f"m{k}") for k in range(out_var.ndim)]
    flags = [mod.fresh(f"{mod.name(g)}_s{k}") for k in range(out_var.ndim)]
    for k, target in enumerate(targets):
        mod.line(f"{target} = {vector}[{k}]")
    if targets:
        mod.check(
            " or ".join(
                f"({target} != {lengths[extra + k]} and {target} != 1)"
                for k, target in enumerate(targets)
            ),
            "shape",
        )
    for target, flag in zip(targets, flags, strict=True):
        mod.line(f"{flag} = 0 if {target} == 1 else 1")  # a target length of 1 sums the axis
    mod.filled(out, tuple_text(targets), "0", mod.dtype(out_var))
    with mod.loops(lengths) as loop:
        index = [f"{loop[extra + k]} * {flag}" for k, flag in enumerate(flags)]
        mod.line(f"{out}[{', '.join(index) if index else '()'}] += {mod.element(g, loop)}")


@emit.register(SpecifyShape)
def emit_specify_shape(op: SpecifyShape, node: Apply, mod: ModuleWriter) -> None:
    (x,), (out,) = node.inputs, mod.names(node.outputs)
    checks = [
        f"{mod.length(x, a)} != {want}"
        for a, want in enumerate(op.shape)
        if want is not None and x.type.shape[a] != want
    ]
    if checks:
        mod.check(" or ".join(checks), "shape")
    mod.line(f"{out} = {mod.name(x)}")


@emit.register(DimShuffle)
def emit_dimshuffle(op: DimShuffle, node: Apply, mod: ModuleWriter) -> None:
    (x_var,), (out_var,) = node.inputs, node.outputs
    x, out = mod.name(x_var), mod.name(out_var)
    unknown = [a for a in op.dropped if x_var.type.shape[a] != 1]
    if unknown:
        mod.check(" or ".join(f"{mod.length(x_var, a)} != 1" for a in unknown), "shape")
    # No view of a scalar: a new array (indexing away every axis gives a number)
    if out_var.ndim == 0 or x_var.ndim == len(op.dropped):
        ones = tuple_text(["1"] * out_var.ndim)
        value = mod.element(x_var, ["0"] * x_var.ndim)
        mod.filled(out, ones, value, mod.dtype(out_var))
        return
    view = x
    if op.dropped:
        view = f"{view}[{', '.join('0' if a in op.dropped else ':' for a in range(x_var.ndim))}]"
    kept = [a for a in op.order if a != "x"]
    permutation = [sorted(kept).index(a) for a in kept]
    if permutation == sorted(permutation, reverse=True) and len(permutation) > 1:
        view = f"{view}.T"  # Numba knows x.T of a C-ordered array is F-ordered: BLAS reads it
    elif permutation != sorted(permutation):
        view = f"np.transpose({view}, {tuple_text([str(p) for p in permutation])})"
    if "x" in op.order:
        view = f"{view}[{', '.join('None' if a == 'x' else ':' for a in op.order)}]"
    mod.line(f"{out} = {view}")


@emit.register(Reshape)
def emit_reshape(op: Reshape, node: Apply, mod: ModuleWriter) -> None:
    (x, shape), (out_var,) = node.inputs, node.outputs
    out, vector = mod.name(out_var), mod.name(shape)
    # Numba reshapes only contiguous arrays: a view is copied first, as NumPy would
    contiguous = f"np.ascontiguousarray({mod.name(x)})"
    if op.ndim == 0:  # Numba's reshape to () gives a number, not a 0-d array
        mod.check(f"{mod.name(x)}.size != 1", "shape")
        value = f"{contiguous}.reshape((1,))[0]"
        mod.filled(out, "()", value, mod.dtype(out_var))
        return
    lengths = tuple_text([f"{vector}[{k}]" for k in range(op.ndim)])
    mod.line(f"{out} = {contiguous}.reshape({lengths})")
