"""Copying an array out at a broadcast shape, for the rare loop whose input repeats.

An elementwise loop reads its inputs in place, which LLVM vectorizes. When an input's
length-1 axis repeats at run time (a `(1, n)` value where the output is `(m, n)`), a
program stops, and its general program (`NumbaProgram.general`) computes the call: it
first copies such an input out at the output's shape with `repeat`, so that the one
loop still reads in place. This function is compiled once per dtype, rank and layout
(Numba's `np.broadcast_to`, a fraction of a second each) and kept in Numba's disk cache,
for every graph: writing the copy into each graph's code instead cost the W4 training
step about 5 s of compilation.

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
    return np.ascontiguousarray(np.broadcast_to(x, shape))
