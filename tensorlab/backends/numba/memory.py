"""Big output arrays in transparent huge pages, as NumPy's own allocator asks for them.

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
...     out = np.empty(n)
...     huge_pages(out)
...     out[:] = 1.0
...     return out
>>> float(make(1 << 20).sum())
1048576.0
"""

from __future__ import annotations

import sys

from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic, register_jitable

from tensorlab.backends.numba.module import HUGE  # NumPy's (numpy/_core/src/multiarray/alloc.c)

__all__ = ["huge_pages"]

_PAGE = 4096
_MADV_HUGEPAGE = 14  # Linux's value; other systems have no such advice
_ADVISE = sys.platform.startswith("linux")


@intrinsic
def _madvise(typingctx, address, length):
    """`madvise(address, length, MADV_HUGEPAGE)` for two integers of the pointer's width;
    its result (0, or -1 where the kernel refuses) is ignored: advice is only advice."""
    if not all(
        isinstance(x, types.Integer) and x.bitwidth == types.intp.bitwidth
        for x in (address, length)
    ):
        return None

    def codegen(context, builder, signature, args):
        byte_pointer = ir.IntType(8).as_pointer()
        fnty = ir.FunctionType(ir.IntType(32), [byte_pointer, args[1].type, ir.IntType(32)])
        madvise = cgutils.get_or_insert_function(builder.module, fnty, "madvise")
        pointer = builder.inttoptr(args[0], byte_pointer)
        builder.call(madvise, [pointer, args[1], ir.Constant(ir.IntType(32), _MADV_HUGEPAGE)])
        return context.get_dummy_value()

    return types.none(address, length), codegen


@register_jitable
def huge_pages(array):
    """Advise huge pages for `array`'s memory if it holds 4 MiB or more (Linux only)."""
    if _ADVISE and array.nbytes >= HUGE:
        start = array.ctypes.data
        first = (start + _PAGE - 1) & ~(_PAGE - 1)  # madvise takes a page-aligned start
        _madvise(first, start + array.nbytes - first)
