"""The op catalogue: one or more `Case`s per op, gathered from `tests/cases/*.py`.

`test_catalogue.py` walks every op class in tensorlab and fails for one without a case,
a reference implementation or a gradient; it runs each case against NumPy over
hypothesis-drawn inputs and checks each differentiable input with `verify_grad`.
"""

from __future__ import annotations

import importlib
import pkgutil

import tensorlab.tensor  # noqa: F401  (imports every op module)
from tensorlab.graph.basic import Op
from tensorlab.scalar.basic import ScalarOp
from tests.cases import Case


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
