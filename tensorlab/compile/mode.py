"""`Mode`: which backend links a compiled graph.

>>> Mode("python")
Mode(backend='python')
"""

from __future__ import annotations

from dataclasses import dataclass

from tensorlab.errors import BackendError, error

# Backend name -> module with `link(fgraph) -> program`; each issue that adds a backend
# adds its line here.
BACKENDS = {"python": "tensorlab.backends.python"}


@dataclass(frozen=True)
class Mode:
    """How to compile: `backend` is `"python"` (the NumPy reference, node by node)."""

    backend: str = "python"

    def __post_init__(self) -> None:
        if self.backend not in BACKENDS:
            raise error(
                BackendError,
                f"there is no backend named {self.backend!r}",
                expected=" or ".join(repr(name) for name in BACKENDS),
                got=repr(self.backend),
            )


def get_mode(mode: str | Mode | None) -> Mode:
    """A `Mode` from a name, a `Mode`, or `None` (then `config.mode`)."""
    if isinstance(mode, Mode):
        return mode
    if mode is None:
        from tensorlab.config import config

        mode = config.mode
    return Mode(backend=mode)
