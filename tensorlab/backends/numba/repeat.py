"""Copying an array out at a broadcast shape, for the rare loop whose input repeats.

An elementwise loop reads its inputs in place, which LLVM vectorizes. When an input's
length-1 axis repeats at run time (a `(1, n)` value where the output is `(m, n)`), the
generated code first copies it out at the output's shape with `repeat`, so that the one
loop still reads in place. This function is compiled once per dtype, rank and layout
and kept in Numba's disk cache, for every graph: writing the copy into each graph's code
instead cost the W4 training step about 5 s of compilation.

>>> import numpy as np
>>> repeat(np.array([[1.0, 2.0, 3.0]]), (2, 3))
array([[1., 2., 3.],
       [1., 2., 3.]])
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["repeat"]


@njit(cache=True, error_model="numpy")
def repeat(x, shape):
    """A new C-contiguous array of `shape` (as long as `x.shape`, equal to it where
    `x`'s length is not 1) holding `x` repeated along its length-1 axes."""
    out = np.empty(shape, dtype=x.dtype)
    source = np.ascontiguousarray(x).reshape(-1)
    target = out.reshape(-1)
    ndim = len(shape)
    lengths = np.empty(ndim, dtype=np.intp)
    steps = np.empty(ndim, dtype=np.intp)  # through `source`: 0 along a repeated axis
    step = 1
    for a in range(ndim - 1, -1, -1):
        lengths[a] = shape[a]
        steps[a] = 0 if x.shape[a] == 1 else step
        step *= x.shape[a]
    index = np.zeros(ndim, dtype=np.intp)
    offset = 0
    for k in range(target.size):
        target[k] = source[offset]
        a = ndim - 1  # the next index, odometer-wise: the last axis turns fastest
        while a >= 0:
            index[a] += 1
            offset += steps[a]
            if index[a] < lengths[a]:
                break
            offset -= steps[a] * lengths[a]
            index[a] = 0
            a -= 1
    return out
