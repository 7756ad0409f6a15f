"""The op catalogue: one or more `Case`s per op, gathered from `tests/cases/*.py`.

`test_catalogue.py` walks every op class in tensorlab and fails for one without a case,
a reference implementation or a gradient; it runs each case against NumPy over
hypothesis-drawn inputs and checks each differentiable input with `verify_grad`.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

import tensorlab.tensor  # noqa: F401  (imports every op module)
from tensorlab.graph.basic import Op
from tensorlab.scalar.basic import ScalarOp


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


def _load_cases() -> list[Case]:
    import tests.cases as package

    cases: list[Case] = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"tests.cases.{info.name}")
        cases.extend(module.CASES)
    return cases


CASES: list[Case] = _load_cases()


def op_classes() -> list[type]:
    """Every concrete op class: each frozen dataclass subclass of `Op` tensorlab defines."""
    found, stack = [], [Op]
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if "__dataclass_params__" in cls.__dict__ and cls.__module__.startswith("tensorlab."):
            found.append(cls)
    return sorted(set(found), key=lambda c: (c.__module__, c.__name__))


def is_scalar_op(cls: type) -> bool:
    return issubclass(cls, ScalarOp)
