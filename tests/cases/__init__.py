"""Catalogue cases, one module per area of the op catalogue (gathered by tests/catalogue.py).

`Case` lives here, not in tests/catalogue.py, so a case module can be imported on its
own without the catalogue importing it back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st


@dataclass(frozen=True)
class Case:
    """How to test one op: build it, compute the same thing in NumPy, draw its inputs.

    - `key`: the op class; for an elementwise op, the scalar op class `Elemwise` lifts.
    - `build(*symbolic_inputs)`: the graph (a variable); `numpy(*arrays)`: the expected value.
    - `args`: a strategy drawing the list of input arrays.
    - `grad`: indices of inputs `verify_grad` checks; `grad_args` draws them away from kinks.
    - `exact`: results must equal NumPy's bit for bit (else to a few ulp).
    - `static`: declare inputs with their drawn shapes as static shapes.
    """

    key: type
    build: Callable[..., Any]
    numpy: Callable[..., Any]
    args: st.SearchStrategy
    grad: tuple[int, ...] = ()
    grad_args: st.SearchStrategy | None = None
    exact: bool = True
    static: bool = False
    name: str = ""
    notes: dict = field(default_factory=dict, hash=False, compare=False)

    @property
    def id(self) -> str:
        return self.name or self.key.__name__
