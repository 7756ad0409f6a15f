"""Joining tensors: `Join` copies each input into its slice of the output along an
existing axis, `Stack` into its position along a new one."""

from __future__ import annotations

from collections.abc import Sequence

from tensorlab.backends.numba.module import ModuleWriter, emit, tuple_text
from tensorlab.graph.basic import Apply, Variable
from tensorlab.tensor.join import Join, Stack

__all__ = []


def _check_equal(mod: ModuleWriter, tensors: Sequence[Variable], skip: int | None) -> None:
    """Stop with error `shape` unless every tensor has the first one's lengths (but on `skip`)."""
    first = tensors[0]
    checks = [
        f"{mod.length(x, a)} != {mod.length(first, a)}"
        for x in dict.fromkeys(tensors[1:])
        for a in range(first.ndim)
        if x is not first and a != skip and None in (x.type.shape[a], first.type.shape[a])
    ]
    if checks:
        mod.check(" or ".join(checks), "shape")


@emit.register(Join)
def emit_join(op: Join, node: Apply, mod: ModuleWriter) -> None:
    (out_var,), tensors = node.outputs, node.inputs
    out, axis = mod.name(out_var), op.axis
    _check_equal(mod, tensors, axis)
    first = tensors[0]
    lengths = [mod.length(first, a) for a in range(first.ndim)]
    lengths[axis] = " + ".join(mod.length(x, axis) for x in tensors)
    mod.line(f"{out} = {mod.empty(tuple_text(lengths), mod.dtype(out_var))}")
    at = mod.fresh("at")
    mod.line(f"{at} = 0")
    for k, x in enumerate(tensors):
        length = mod.length(x, axis)
        where = ", ".join(f"{at}:{at} + {length}" if a == axis else ":" for a in range(x.ndim))
        mod.line(f"{out}[{where}] = {mod.name(x)}")
        if k < len(tensors) - 1:
            mod.line(f"{at} += {length}")


@emit.register(Stack)
def emit_stack(op: Stack, node: Apply, mod: ModuleWriter) -> None:
    (out_var,), tensors = node.outputs, node.inputs
    out, first = mod.name(out_var), tensors[0]
    _check_equal(mod, tensors, None)
    lengths = [mod.length(first, a) for a in range(first.ndim)]
    lengths.insert(op.axis, str(len(tensors)))
    mod.line(f"{out} = {mod.empty(tuple_text(lengths), mod.dtype(out_var))}")
    for k, x in enumerate(tensors):
        where = ", ".join([":"] * op.axis + [str(k)])
        value = mod.element(x, []) if x.ndim == 0 else mod.name(x)
        mod.line(f"{out}[{where}] = {value}")
