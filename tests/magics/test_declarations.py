"""The declaration grammar of `%%tensor` cells, read from annotations without running them."""

from __future__ import annotations

import ast

import pytest

from tensorlab.magics.declarations import (
    Declaration,
    DeclarationError,
    is_declaration,
    read_declaration,
)


def declared(source: str) -> Declaration:
    return read_declaration(ast.parse(source).body[0])


@pytest.mark.parametrize(
    ("source", "dtype", "shape"),
    [
        ("x: scalar", None, ()),
        ("x: vector", None, (None,)),
        ("x: matrix", None, (None, None)),
        ("x: row", None, (1, None)),
        ("x: col", None, (None, 1)),
        ("x: tensor4", None, (None,) * 4),
        ("x: matrix[float32]", "float32", (None, None)),
        ("x: matrix['float32']", "float32", (None, None)),
        ("x: matrix[floatX]", None, (None, None)),
        ("x: vector[3]", None, (3,)),
        ("x: matrix[None, 3]", None, (None, 3)),
        ("x: matrix[(None, 3)]", None, (None, 3)),
        ("x: matrix[float32, (None, 3)]", "float32", (None, 3)),
        ("x: matrix[float32, None, 3]", "float32", (None, 3)),
        ("x: row[None, 5]", None, (1, 5)),
        ("x: ivector", "int32", (None,)),
        ("x: fmatrix[None, 2]", "float32", (None, 2)),
        ("x: bscalar", "int8", ()),
        ("x: tensor[int64, (2, 3, None)]", "int64", (2, 3, None)),
        ("x: tensor[(0,)]", None, (0,)),
        ("x: scalar[bool]", "bool", ()),
    ],
)
def test_grammar(source, dtype, shape):
    assert declared(source) == Declaration("x", dtype, shape)


@pytest.mark.parametrize(
    ("source", "problem", "hint"),
    [
        ("x: matrx", "unknown type `matrx`", "did you mean `matrix`?"),
        ("x: int", "unknown type `int`", None),
        ("x: T.matrix", "unknown type `T.matrix`", "did you mean `matrix`?"),
        ("x: vector[flaot32]", "unknown dtype `flaot32`", "did you mean `float32`?"),
        ("x: vector[3, 4]", "a vector has 1 axis, but 2 lengths were given", None),
        ("x: scalar[3]", "a scalar has 0 axes, but 1 length was given", None),
        ("x: vector[2.5]", "`2.5` is not an axis length", None),
        ("x: vector[True]", "`True` is not an axis length", None),
        ("x: dvector[float32]", "`dvector` already fixes the dtype to float64", None),
        ("x: col[3, 3]", "a col has length 1 on axis 1, not 3", None),
        ("x: tensor[float32]", "`tensor` needs its shape to know its rank", None),
        ("x[0]: matrix", "only a plain name can be declared, not `x[0]`", None),
    ],
)
def test_errors(source, problem, hint):
    with pytest.raises(DeclarationError) as info:
        declared(source)
    assert info.value.problem == problem
    if hint:
        assert info.value.hint == hint


def test_only_bare_annotations_declare():
    first = [ast.parse(s).body[0] for s in ("x: matrix", "x: matrix = 3", "x = 3")]
    assert [is_declaration(s) for s in first] == [True, False, False]
