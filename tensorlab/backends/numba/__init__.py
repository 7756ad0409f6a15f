"""The Numba CPU backend: each graph becomes one generated Python module, compiled by one
`numba.njit` and cached on disk; `f.source` shows the module.

Each op's code comes from an emitter registered by op class in the `emit` table; a graph
with an op that has none raises `BackendError` when compiled, naming the node.
"""

from tensorlab.backends.numba import (
    creation,
    elemwise,
    join,
    linalg,
    nnet,
    random,
    reduction,
    shape,
    subtensor,
)
from tensorlab.backends.numba.linker import NumbaProgram, cache_dir, link
from tensorlab.backends.numba.module import ModuleWriter, emit, has_emitter

__all__ = ["ModuleWriter", "NumbaProgram", "cache_dir", "emit", "has_emitter", "link"]
