"""Comparisons, selection (`switch`), predicates (`isnan`, `isinf`) and bitwise logic.

Their outputs are discrete, so their gradients are zero (`None`), except `switch`, whose
chosen branch receives the gradient.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tensorlab.scalar.basic import (
    BinaryScalarOp,
    ScalarOp,
    UnaryScalarOp,
    is_float,
    upcast,
)

__all__ = [
    "Comparison",
    "Lt",
    "Gt",
    "Le",
    "Ge",
    "Eq",
    "Neq",
    "Switch",
    "Predicate",
    "IsNan",
    "IsInf",
    "Bitwise",
    "And",
    "Or",
    "Xor",
    "Invert",
    "Not",
    "lt",
    "gt",
    "le",
    "ge",
    "eq",
    "neq",
    "switch",
    "isnan",
    "isinf",
    "and_",
    "or_",
    "xor",
    "invert",
    "not_",
]


class Comparison(BinaryScalarOp):
    """Base of comparisons: boolean output, zero gradient almost everywhere."""

    symbol = ""

    def output_dtype(self, x: str, y: str) -> str:
        return "bool"

    def expr(self, x: str, y: str) -> str:
        return f"({x} {self.symbol} {y})"

    def grad(self, inputs, outputs, gouts):
        return [None, None]


@dataclass(frozen=True)
class Lt(Comparison):
    """forward: lt(x, y) = x < y;  gradient: zero."""

    symbol = "<"

    def impl(self, x, y):
        return np.less(x, y)


@dataclass(frozen=True)
class Gt(Comparison):
    """forward: gt(x, y) = x > y;  gradient: zero."""

    symbol = ">"

    def impl(self, x, y):
        return np.greater(x, y)


@dataclass(frozen=True)
class Le(Comparison):
    """forward: le(x, y) = x <= y;  gradient: zero."""

    symbol = "<="

    def impl(self, x, y):
        return np.less_equal(x, y)


@dataclass(frozen=True)
class Ge(Comparison):
    """forward: ge(x, y) = x >= y;  gradient: zero."""

    symbol = ">="

    def impl(self, x, y):
        return np.greater_equal(x, y)


@dataclass(frozen=True)
class Eq(Comparison):
    """forward: eq(x, y) = x == y;  gradient: zero."""

    symbol = "=="

    def impl(self, x, y):
        return np.equal(x, y)


@dataclass(frozen=True)
class Neq(Comparison):
    """forward: neq(x, y) = x != y;  gradient: zero."""

    symbol = "!="

    def impl(self, x, y):
        return np.not_equal(x, y)


@dataclass(frozen=True)
class Switch(ScalarOp):
    """Select by a condition, as NumPy's `where`.

    forward:   switch(c, a, b) = a if c else b
    gradient:  dc = none (zero),  da = gout where c else 0,  db = gout where not c else 0
    """

    nin = 3

    def output_dtype(self, c: str, a: str, b: str) -> str:
        return upcast(a, b)

    def impl(self, c, a, b):
        return np.where(c, a, b)

    def expr(self, c: str, a: str, b: str) -> str:
        return f"({a} if {c} else {b})"

    def grad(self, inputs, outputs, gouts):
        (c, _, _), (gout,) = inputs, gouts
        zero = 0.0 if is_float(gout.dtype) else 0
        return [None, switch(c, gout, zero), switch(c, zero, gout)]


class Predicate(UnaryScalarOp):
    """Base of tests on one value: boolean output, zero gradient."""

    def output_dtype(self, x: str) -> str:
        return "bool"

    def grad(self, inputs, outputs, gouts):
        return [None]


@dataclass(frozen=True)
class IsNan(Predicate):
    """Not-a-number test.

    forward:   isnan(x) = True where x is nan (never for integers)
    gradient:  none: zero
    """

    name = "isnan"

    def impl(self, x):
        return np.isnan(x)

    def expr(self, x: str) -> str:
        return f"math.isnan({x})"


@dataclass(frozen=True)
class IsInf(Predicate):
    """Infinity test.

    forward:   isinf(x) = True where x is +inf or -inf
    gradient:  none: zero
    """

    name = "isinf"

    def impl(self, x):
        return np.isinf(x)

    def expr(self, x: str) -> str:
        return f"math.isinf({x})"


class Bitwise(BinaryScalarOp):
    """Base of &, | and ^: logical on bools, bitwise on integers (NumPy's dtype); zero gradient."""

    symbol = ""

    def expr(self, x: str, y: str) -> str:
        return f"({x} {self.symbol} {y})"

    def grad(self, inputs, outputs, gouts):
        return [None, None]


@dataclass(frozen=True)
class And(Bitwise):
    """Logical and of bools, bitwise and of integers (Python's and NumPy's &).

    forward:   and(x, y) = x & y
    gradient:  none: zero
    """

    symbol = "&"

    def impl(self, x, y):
        return np.bitwise_and(x, y)


@dataclass(frozen=True)
class Or(Bitwise):
    """Logical or of bools, bitwise or of integers (Python's and NumPy's |).

    forward:   or(x, y) = x | y
    gradient:  none: zero
    """

    symbol = "|"

    def impl(self, x, y):
        return np.bitwise_or(x, y)


@dataclass(frozen=True)
class Xor(Bitwise):
    """Logical xor of bools, bitwise xor of integers (Python's and NumPy's ^).

    forward:   xor(x, y) = x ^ y
    gradient:  none: zero
    """

    symbol = "^"

    def impl(self, x, y):
        return np.bitwise_xor(x, y)


@dataclass(frozen=True)
class Invert(UnaryScalarOp):
    """Bitwise not of integers (`Not` is its bool counterpart: Python's ~True is -2).

    forward:   invert(x) = ~x = -x - 1
    gradient:  none: zero
    """

    def impl(self, x):
        return np.invert(x)

    def expr(self, x: str) -> str:
        return f"(~{x})"

    def grad(self, inputs, outputs, gouts):
        return [None]


@dataclass(frozen=True)
class Not(UnaryScalarOp):
    """Logical not of bools.

    forward:   not(x) = True if x is False, else False
    gradient:  none: zero
    """

    def output_dtype(self, x: str) -> str:
        return "bool"

    def impl(self, x):
        return np.logical_not(x)

    def expr(self, x: str) -> str:
        return f"(not {x})"

    def grad(self, inputs, outputs, gouts):
        return [None]


lt = Lt()
gt = Gt()
le = Le()
ge = Ge()
eq = Eq()
neq = Neq()
switch = Switch()
isnan = IsNan()
isinf = IsInf()
and_ = And()
or_ = Or()
xor = Xor()
invert = Invert()
not_ = Not()
