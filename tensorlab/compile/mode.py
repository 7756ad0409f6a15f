"""`Mode`: how a graph is rewritten (`optimizer`) and which backend links it.

>>> Mode()
Mode(backend='numba', optimizer='fast_run')
>>> Mode("python", optimizer="none")
Mode(backend='python', optimizer='none')
"""

from __future__ import annotations

from dataclasses import dataclass

from tensorlab.errors import BackendError, error

# Backend name -> module with `link(fgraph) -> program`; each issue that adds a backend
# adds its line here.
BACKENDS = {"python": "tensorlab.backends.python", "numba": "tensorlab.backends.numba"}


@dataclass(frozen=True)
class Mode:
    """How to compile.

    `backend`: `"python"` (the NumPy reference, node by node) or `"numba"` (one generated
    program per graph, compiled for the CPU by Numba).
    `optimizer`: `"fast_run"` (all rewrites), `"fast_compile"` (merge, constant folding,
    canonical forms) or `"none"` (run the graph as written).
    """

    backend: str = "numba"
    optimizer: str = "fast_run"

    def __post_init__(self) -> None:
        from tensorlab.rewrite import OPTIMIZERS

        if self.optimizer not in OPTIMIZERS:
            raise error(
                BackendError,
                f"there is no optimizer named {self.optimizer!r}",
                expected=" or ".join(repr(name) for name in OPTIMIZERS),
                got=repr(self.optimizer),
            )
        if self.backend not in BACKENDS:
            raise error(
                BackendError,
                f"there is no backend named {self.backend!r}",
                expected=" or ".join(repr(name) for name in BACKENDS),
                got=repr(self.backend),
            )


def get_mode(mode: str | Mode | None) -> Mode:
    """A `Mode` from a backend name, a `Mode`, or `None` (then `config.mode`).

    Theano's mode names `"FAST_RUN"` and `"FAST_COMPILE"` pick the optimizer instead.
    """
    if isinstance(mode, Mode):
        return mode
    from tensorlab.config import config
    from tensorlab.rewrite import OPTIMIZERS

    if isinstance(mode, str) and mode.lower() in OPTIMIZERS:
        return Mode(backend=config.mode, optimizer=mode.lower())
    return Mode(backend=mode or config.mode, optimizer=config.optimizer)
