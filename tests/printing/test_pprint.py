"""`pprint`: one-line math, with parentheses that show how the graph nests."""

from __future__ import annotations

import pytest

import tensorlab.tensor as T
from tensorlab.printing import pprint

a, b, c = T.scalar("a"), T.scalar("b"), T.scalar("c")
X, x = T.matrix("X"), T.vector("x")


@pytest.mark.parametrize(
    ("build", "text"),
    [
        (lambda: T.sigmoid(X @ x + a), "sigmoid((X @ x) + a)"),
        (lambda: a + b + c, "a + b + c"),
        (lambda: a + (b + c), "a + (b + c)"),
        (lambda: a - b - c, "a - b - c"),
        (lambda: a - (b - c), "a - (b - c)"),
        (lambda: a * b + c, "(a * b) + c"),
        (lambda: (a + b) * (b - c), "(a + b) * (b - c)"),
        (lambda: -(a + b), "-(a + b)"),
        (lambda: -a * b, "-a * b"),
        (lambda: (-a) ** 2, "(-a) ** 2.0"),
        (lambda: T.neg(-a), "-(-a)"),
        (lambda: a * -b, "a * -b"),
        (lambda: a**b**c, "a ** b ** c"),
        (lambda: (a**b) ** c, "(a ** b) ** c"),
        (lambda: (a < b) < c, "(a < b) < c"),
        (lambda: T.constant(-2.0) ** a, "(-2.0) ** a"),
        (lambda: X.sum(axis=0), "sum(X, axis=0)"),
        (lambda: X.sum(), "sum(X)"),
        (lambda: X.T, "X.T"),
        (lambda: (X + 1).T, "(X + 1.0).T"),
        (lambda: x.dimshuffle("x", 0), "x.dimshuffle('x', 0)"),
        (lambda: T.cast(x, "int32"), "cast(x, dtype='int32')"),
        (lambda: T.exp(x - x.max()).sum(), "sum(exp(x - max(x)))"),
        (lambda: T.switch(a < b, a, b), "switch(a < b, a, b)"),
        (lambda: T.vector() + 1, "<float64 (None,)> + 1.0"),
        (lambda: x, "x"),
    ],
)
def test_expressions(build, text):
    assert pprint(build()) == text


def test_named_intermediate_prints_as_its_name_except_at_the_root():
    z = X @ x
    z.name = "z"
    p = T.sigmoid(z + a)
    assert pprint(p) == "sigmoid(z + a)"
    assert pprint(z) == "X @ x"


def test_long_subexpressions_are_cut():
    y = x
    for _ in range(40):
        y = T.exp(y)
    text = pprint(y, max_length=20)
    assert "…" in text and len(text) <= 20


def test_deep_chain_without_recursion_error():
    y = x
    for _ in range(3000):
        y = y + 1.0
    assert pprint(y).endswith(" + 1.0")
