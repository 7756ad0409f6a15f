"""`dot(a, b)`: NumPy's `np.dot` of float32 or float64 matrices and vectors, one BLAS call
(SciPy's, through the BLAS wrappers Numba ships) written as LLVM code at the call.

Numba's own `np.dot` compiles, for each pair of array layouts, a function of its own with
its checks and an `np.zeros` for an empty product: a third of a second for the first pair
and a sixth for each further one, which in a training step (`x @ W`, `g @ W.T`, `x.T @ g`:
three pairs) was nearly a third of the program's compile time. This intrinsic writes the same
steps directly: check the summed lengths, allocate the C-ordered result, and call `?gemm`,
`?gemv` or `?dot` with the transpose flags that the operands' layouts ask for, so an
`F`-ordered `W.T` is read in place, not copied. As in `np.dot`, a product over an empty
axis is zeros, and a matrix with one row or one column goes to the vector routine.

>>> import numpy as np
>>> from numba import njit
>>> @njit
... def product(a, b):
...     return dot(a, b), dot(a.T, a), dot(a, b[:, 0]), dot(b[:, 0], b[:, 0])
>>> a = np.arange(6.0).reshape(2, 3)
>>> b = np.ones((3, 2))
>>> [np.asarray(x).tolist() for x in product(a, b)]
[[[3.0, 3.0], [12.0, 12.0]], [[9.0, 12.0, 15.0], [12.0, 17.0, 22.0], [15.0, 22.0, 29.0]], [3.0, 12.0], 3.0]
"""

from __future__ import annotations

from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.core.imputils import impl_ret_new_ref
from numba.extending import intrinsic

# Numba's own code generation helpers for np.dot and np.empty (pyproject.toml pins Numba).
from numba.np.arrayobj import _empty_nd_impl, make_array
from numba.np.linalg import (
    call_xxdot,
    call_xxgemm,
    call_xxgemv,
    ensure_blas,
    make_contiguous,
)

__all__ = ["dot"]

_INT_MAX = 2**31 - 1  # BLAS counts in C ints


@intrinsic
def dot(typingctx, a, b):
    """np.dot(a, b) for two float arrays of one dtype, each a matrix or a vector: a new
    C-ordered array (a number for two vectors). Stops with ValueError when the summed
    lengths differ, as `np.dot` does."""
    if not (isinstance(a, types.Array) and isinstance(b, types.Array)):
        return None
    if a.dtype != b.dtype or a.dtype not in (types.float32, types.float64):
        return None
    ranks = (a.ndim, b.ndim)
    if ranks == (1, 1):
        result = a.dtype
    elif ranks in ((2, 2), (2, 1), (1, 2)):
        result = types.Array(a.dtype, a.ndim + b.ndim - 2, "C")
    else:
        return None

    def codegen(context, builder, signature, args):
        ensure_blas()
        # Operands that are neither C- nor F-ordered (a strided slice) are copied, as
        # Numba's np.dot does; the copies are released when the block ends.
        with make_contiguous(context, builder, signature, args) as (signature, args):
            x, y = (
                make_array(t)(context, builder, v)
                for t, v in zip(signature.args, args, strict=True)
            )
            x_shape = cgutils.unpack_tuple(builder, x.shape)
            y_shape = cgutils.unpack_tuple(builder, y.shape)
            summed = (x_shape[-1], y_shape[0])
            differs = builder.icmp_signed("!=", *summed)
            with builder.if_then(differs, likely=False):
                context.call_conv.return_user_exc(
                    builder,
                    ValueError,
                    (f"dot: the summed lengths differ ({ranks[0]}-d by {ranks[1]}-d)",),
                )
            for length in (*x_shape, *y_shape):
                too_long = builder.icmp_signed(">", length, ir.Constant(length.type, _INT_MAX))
                with builder.if_then(too_long, likely=False):
                    context.call_conv.return_user_exc(
                        builder, OverflowError, ("dot: a length does not fit BLAS's C int",)
                    )
            if ranks == (1, 1):
                out = cgutils.alloca_once(builder, context.get_value_type(result))
                call_xxdot(context, builder, False, result, summed[0], x.data, y.data, out)
                return builder.load(out)
            out_shape = [*x_shape[:-1], *y_shape[1:]]
            out = make_array(result)(
                context, builder, _empty_nd_impl(context, builder, result, out_shape)._getvalue()
            )
            xs, ys = signature.args
            _product(context, builder, (xs, x, x_shape), (ys, y, y_shape), (result, out, out_shape))
            return impl_ret_new_ref(context, builder, result, out._getvalue())

    return result(a, b), codegen


def _product(context, builder, x, y, out) -> None:
    """out = x @ y for an allocated `out`, each operand given as (Numba type, array,
    lengths): zeros when the product is empty, else the BLAS routine for its shape (the
    same choice as Numba's `np.dot(a, b, out)`)."""
    (xt, xa, x_shape), (yt, ya, y_shape), (_, oa, out_shape) = x, y, out
    zero = ir.Constant(x_shape[0].type, 0)
    empty = builder.icmp_signed("==", x_shape[-1], zero)
    for length in out_shape:
        empty = builder.or_(empty, builder.icmp_signed("==", length, zero))
    with builder.if_else(empty, likely=False) as (when_empty, otherwise):
        with when_empty:
            cgutils.memset(builder, oa.data, builder.mul(oa.itemsize, oa.nitems), 0)
        with otherwise:
            if xt.ndim == 1:  # vector @ matrix = matrix.T @ vector
                call_xxgemv(
                    context, builder, yt.layout == "F", yt, y_shape, ya.data, xa.data, oa.data
                )
            elif yt.ndim == 1:
                call_xxgemv(
                    context, builder, xt.layout == "C", xt, x_shape, xa.data, ya.data, oa.data
                )
            else:
                _matrix_product(context, builder, x, y, out)


def _matrix_product(context, builder, x, y, out) -> None:
    """A matrix product whose lengths are all positive. One row or one column is a
    vector product: ?gemm is slow for those."""
    (xt, xa, x_shape), (yt, ya, y_shape), (ot, oa, out_shape) = x, y, out
    one = ir.Constant(x_shape[0].type, 1)
    one_row = builder.icmp_signed("==", x_shape[0], one)
    one_column = builder.icmp_signed("==", y_shape[1], one)
    with builder.if_else(one_column) as (column, columns):
        with column:
            with builder.if_else(one_row) as (both, rows):
                with both:
                    call_xxdot(
                        context, builder, False, xt.dtype, x_shape[1], xa.data, ya.data, oa.data
                    )
                with rows:
                    call_xxgemv(
                        context, builder, xt.layout == "C", xt, x_shape, xa.data, ya.data, oa.data
                    )
        with columns:
            with builder.if_else(one_row) as (row, neither):
                with row:
                    call_xxgemv(
                        context, builder, yt.layout != "C", yt, y_shape, ya.data, xa.data, oa.data
                    )
                with neither:
                    call_xxgemm(
                        context,
                        builder,
                        xt,
                        x_shape,
                        xa.data,
                        yt,
                        y_shape,
                        ya.data,
                        ot,
                        out_shape,
                        oa.data,
                    )
