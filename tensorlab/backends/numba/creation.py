"""Creating tensors: `ARange`, computed the way `np.arange` computes it, so that every
value and the length agree with NumPy to the bit.

NumPy finds the length as ceil((stop - start) / step), with the subtraction and the
division done in the bounds' own dtypes; it stores `start` and `start + step`, then
fills the rest as `first + i * delta`, where `delta` is the difference of the first two
values *as stored* (for floats, not quite `step`). For `arange(start, stop, step)` of
float64 scalars:

    # [0] ARange{dtype='float64'}(a, b, c) -> t_a_range   float64 (None,)
    a_ = a[()]
    b_ = b[()]
    c_ = c[()]
    if c_ == 0:
        raise ValueError("tensorlab:0:step")
    # the length, ceil((stop - start) / step), in NumPy's dtypes: float64
    t_a_range_span = b_ - a_
    t_a_range_ratio = t_a_range_span / c_
    ...
    t_a_range = empty((t_a_range_n,), np.float64)
    if t_a_range_n > 0:
        t_a_range[0] = a_
    if t_a_range_n > 1:
        t_a_range[1] = a_ + c_
    if t_a_range_n > 2:
        t_a_range_first = t_a_range[0]
        t_a_range_delta = t_a_range[1] - t_a_range_first
        for i0 in range(2, t_a_range_n):
            t_a_range[i0] = t_a_range_first + np.float64(i0) * t_a_range_delta
"""

from __future__ import annotations

import numpy as np

from tensorlab.backends.numba.elemwise import cast
from tensorlab.backends.numba.module import ModuleWriter, emit
from tensorlab.graph.basic import Apply
from tensorlab.tensor.creation import ARange

__all__ = []


def _result_dtype(function, *dtypes: str) -> str:
    """The dtype NumPy gives `function` of scalars of these dtypes (`np.subtract`, ...)."""
    return function(*(np.ones((), dtype=d)[()] for d in dtypes)).dtype.name


def _in_dtype(expr: str, operands: list[str], dtype: str) -> str:
    """`expr`, an operation on numbers of dtypes `operands`, wrapped to NumPy's `dtype`:
    Numba computes small ints in int64 (NumPy's int8 - int8 wraps around in int8)."""
    if dtype in ("int64", "float64", "float32") and all(d == dtype for d in operands):
        return expr
    return cast(expr, "", dtype)


@emit.register(ARange)
def emit_arange(op: ARange, node: Apply, mod: ModuleWriter) -> None:
    (out_var,) = node.outputs
    out, dtype = mod.name(out_var), out_var.type.dtype
    start, stop, step = (mod.value(x) for x in node.inputs)
    bounds = [x.type.dtype for x in node.inputs]
    mod.check(f"{step} == 0", "step")
    span, ratio, n = (mod.fresh(f"{out}_{part}") for part in ("span", "ratio", "n"))
    span_dtype = _result_dtype(np.subtract, bounds[1], bounds[0])
    ratio_dtype = _result_dtype(np.true_divide, span_dtype, bounds[2])
    mod.line(f"# the length, ceil((stop - start) / step), in NumPy's dtypes: {ratio_dtype}")
    mod.line(f"{span} = {_in_dtype(f'{stop} - {start}', bounds[1::-1], span_dtype)}")
    mod.line(
        f"{ratio} = {cast(span, span_dtype, ratio_dtype)} / {cast(step, bounds[2], ratio_dtype)}"
    )
    # NumPy refuses a length it cannot compute (nan) or hold in an int64
    mod.check(f"not -9.223372036854776e18 <= np.ceil({ratio}) < 9.223372036854776e18", "length")
    with mod.block(f"if {ratio} == 0 and {span} != 0:"):
        mod.line("# a step so large the quotient is 0: one value, unless it points away")
        mod.line(f"{n} = 0 if math.copysign(1.0, {ratio}) < 0 else 1")
    with mod.block("else:"):
        mod.line(f"{n} = max(0, int(np.ceil({ratio})))")
    mod.line(f"{out} = {mod.empty(f'({n},)', mod.dtype(out_var))}")
    second = _in_dtype(f"{start} + {step}", bounds[::2], _result_dtype(np.add, *bounds[::2]))
    with mod.block(f"if {n} > 0:"):
        mod.line(f"{out}[0] = {start}")
    with mod.block(f"if {n} > 1:"):
        mod.line(f"{out}[1] = {second}")
    # NumPy's fill: first + i * delta, with delta the difference of the stored values;
    # integers wrap around as in C (unsigned ones in uint64, so i * delta stays an integer)
    kind = np.dtype(dtype).kind
    accumulator = {"f": dtype, "u": "uint64"}.get(kind, "int64")
    first, delta = mod.fresh(f"{out}_first"), mod.fresh(f"{out}_delta")
    with mod.block(f"if {n} > 2:"):
        mod.line(f"{first} = {cast(f'{out}[0]', dtype, accumulator)}")
        mod.line(f"{delta} = {cast(f'{out}[1]', dtype, accumulator)} - {first}")
        with mod.block(f"for i0 in range(2, {n}):"):
            mod.line(f"{out}[i0] = {first} + np.{accumulator}(i0) * {delta}")
