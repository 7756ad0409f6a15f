"""Global settings: `tl.config.floatX` and friends, as in Theano.

>>> from tensorlab import config
>>> config.floatX
'float64'
>>> with config.change(floatX="float32"):
...     config.floatX
'float32'
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any

_CHOICES = {
    "floatX": ("float64", "float32", "float16"),
    "mode": ("python", "numba"),  # the backends that exist (see compile/mode.py)
    "optimizer": ("fast_run", "fast_compile", "none"),
    # "background": a compiled backend compiles in a thread while the reference backend
    # answers the first calls; "now": `function()` returns once the program is compiled.
    "compile": ("background", "now"),
}


class Config:
    """Settings read when graphs are built (`floatX`) or compiled (`mode`, `optimizer`,
    `compile`).

    Environment variables `TENSORLAB_FLOATX`, `TENSORLAB_MODE`, `TENSORLAB_OPTIMIZER` and
    `TENSORLAB_COMPILE` set the start values.
    """

    def __init__(self) -> None:
        self.__dict__["_values"] = {
            "floatX": os.environ.get("TENSORLAB_FLOATX", "float64"),
            "mode": os.environ.get("TENSORLAB_MODE", "numba"),
            "optimizer": os.environ.get("TENSORLAB_OPTIMIZER", "fast_run"),
            "compile": os.environ.get("TENSORLAB_COMPILE", "background"),
        }
        for name, value in self._values.items():
            self._check(name, value)

    def _check(self, name: str, value: Any) -> None:
        if name not in _CHOICES:
            raise AttributeError(
                f"tensorlab.config has no setting {name!r}; it has {sorted(_CHOICES)}"
            )
        if value not in _CHOICES[name]:
            raise ValueError(f"config.{name} must be one of {_CHOICES[name]}, not {value!r}")

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(f"tensorlab.config has no setting {name!r}") from None

    def __setattr__(self, name: str, value: Any) -> None:
        self._check(name, value)
        self._values[name] = value

    @contextlib.contextmanager
    def change(self, **settings: Any) -> Iterator[None]:
        """Change settings inside a `with` block only."""
        old = {name: getattr(self, name) for name in settings}
        for name, value in settings.items():
            setattr(self, name, value)
        try:
            yield
        finally:
            self._values.update(old)

    def __repr__(self) -> str:
        return "Config(" + ", ".join(f"{k}={v!r}" for k, v in self._values.items()) + ")"


config = Config()
