"""New arrays: `empty`, NumPy's `np.empty` written at the call, and `huge_pages`, which puts
big ones in transparent huge pages, as NumPy's own allocator asks for them.

Numba compiles `np.empty` as a function of its own for each number of axes and dtype, a
few hundredths of a second each, and a training step allocates five or six kinds of
array. `empty` writes the same allocation (Numba's runtime allocator, C order, aligned
as Numba aligns arrays) as LLVM code at the call.

NumPy advises the kernel (`madvise(MADV_HUGEPAGE)`) to back every array of 4 MiB or
more with 2 MiB pages; Numba's allocator does not, so a program writing a fresh 80 MB
array takes some 20,000 page faults of 4 KiB where NumPy takes 40: on the 1e7-element
benchmark loop that was a third of the time. The generated code calls `huge_pages` on
each elementwise output it allocates; below 4 MiB, or where the kernel has no such
advice, it does nothing.

`madvise` is reached as a C symbol that LLVM resolves when it loads the machine code,
not through `ctypes` (whose function addresses Numba cannot write to its disk cache).

>>> import numpy as np
>>> from numba import njit
>>> @njit
... def make(n):
...     out = empty((n,), np.float64)
...     huge_pages(out)
...     out[:] = 1.0
...     return out
>>> float(make(1 << 20).sum())
1048576.0
>>> @njit
... def grid(rows, columns):
...     return empty((rows, columns), np.bool_)
>>> grid(2, 3).shape, grid(2, 3).dtype
((2, 3), dtype('bool'))
"""

from __future__ import annotations

import sys

from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.core.imputils import impl_ret_new_ref
from numba.extending import intrinsic

# Numba's own code generation helper for np.empty (pyproject.toml pins Numba).
from numba.np.arrayobj import _empty_nd_impl

from tensorlab.backends.numba.module import HUGE  # NumPy's (numpy/_core/src/multiarray/alloc.c)

__all__ = ["empty", "huge_pages"]

_PAGE = 4096
_MADV_HUGEPAGE = 14  # Linux's value; other systems have no such advice
_ADVISE = sys.platform.startswith("linux")


@intrinsic
def empty(typingctx, shape, dtype):
    """np.empty(shape, dtype): a new C-ordered array of `dtype` (a NumPy scalar type such
    as `np.float32`, or a dtype) with the lengths in the tuple `shape`. Stops with
    NumPy's ValueError for a negative length."""
    lengths = shape.types if isinstance(shape, types.BaseTuple) else ()
    if not (
        isinstance(shape, types.BaseTuple) and all(isinstance(t, types.Integer) for t in lengths)
    ):
        return None
    if isinstance(dtype, types.NumberClass):
        item = dtype.instance_type
    elif isinstance(dtype, types.DType):
        item = dtype.dtype
    else:
        return None
    array = types.Array(item, len(lengths), "C")

    def codegen(context, builder, signature, args):
        values = cgutils.unpack_tuple(builder, args[0], len(lengths))
        sizes = [
            context.cast(builder, v, t, types.intp) for v, t in zip(values, lengths, strict=True)
        ]
        for size in sizes:
            negative = builder.icmp_signed("<", size, ir.Constant(size.type, 0))
            with builder.if_then(negative, likely=False):
                context.call_conv.return_user_exc(
                    builder, ValueError, ("negative dimensions are not allowed",)
                )
        made = _empty_nd_impl(context, builder, array, sizes)
        return impl_ret_new_ref(context, builder, array, made._getvalue())

    return array(shape, dtype), codegen


@intrinsic
def huge_pages(typingctx, array):
    """Advise huge pages for `array`'s memory if it holds 4 MiB or more (Linux only):
    `madvise(MADV_HUGEPAGE)` from the first page boundary in it to its end. Its result
    (0, or -1 where the kernel refuses) is ignored: advice is only advice. Written as LLVM
    code at the call, not as a function that Numba compiles for each array type (a few
    hundredths of a second each)."""
    if not isinstance(array, types.Array):
        return None

    def codegen(context, builder, signature, args):
        if not _ADVISE:
            return context.get_dummy_value()
        data = context.make_array(signature.args[0])(context, builder, args[0])
        word = data.nitems.type
        nbytes = builder.mul(data.nitems, data.itemsize)
        big = builder.icmp_signed(">=", nbytes, ir.Constant(word, HUGE))
        with builder.if_then(big, likely=False):
            start = builder.ptrtoint(data.data, word)
            page = ir.Constant(word, _PAGE - 1)
            first = builder.and_(builder.add(start, page), builder.not_(page))  # page-aligned
            length = builder.sub(builder.add(start, nbytes), first)
            byte_pointer = ir.IntType(8).as_pointer()
            fnty = ir.FunctionType(ir.IntType(32), [byte_pointer, word, ir.IntType(32)])
            madvise = cgutils.get_or_insert_function(builder.module, fnty, "madvise")
            advice = ir.Constant(ir.IntType(32), _MADV_HUGEPAGE)
            builder.call(madvise, [builder.inttoptr(first, byte_pointer), length, advice])
        return context.get_dummy_value()

    return types.none(array), codegen
