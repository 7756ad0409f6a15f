"""Declarations in a `%%tensor` cell: a bare annotation declares a symbolic input.

The grammar (the annotation is read, never run)::

    name: KIND                        x: scalar     W: matrix     k: ivector
    name: KIND[DTYPE]                 X: matrix[float32]
    name: KIND[LENGTHS]               v: vector[3]  M: matrix[None, 3]
    name: KIND[DTYPE, LENGTHS]        M: matrix[float32, (None, 3)]   (or float32, None, 3)

- KIND: `scalar`, `vector`, `matrix`, `row` (shape `(1, None)`), `col` (`(None, 1)`),
  `tensor3`, `tensor4`, `tensor5`, or `tensor` (any rank: its LENGTHS say how many
  axes). Theano's dtype letter in front fixes the dtype: `b` int8, `w` int16, `i` int32,
  `l` int64, `f` float32, `d` float64 (`ivector`, `fmatrix`, `dscalar`, ...).
- DTYPE: a NumPy dtype name (`float32`, `int64`, `bool`, ...), quoted or not, or
  `floatX` (the default: `tensorlab.config.floatX`).
- LENGTHS: one int or `None` (unknown) per axis: the static shape.

>>> import ast
>>> statement = ast.parse("M: matrix[float32, (None, 3)]").body[0]
>>> read_declaration(statement)
Declaration(name='M', dtype='float32', shape=(None, 3))
>>> read_declaration(ast.parse("k: ivector").body[0])
Declaration(name='k', dtype='int32', shape=(None,))
"""

from __future__ import annotations

import ast
import difflib
from dataclasses import dataclass

from tensorlab.scalar.basic import ALL_DTYPES

__all__ = ["Declaration", "DeclarationError", "read_declaration", "EXAMPLES"]

RANKS = {"scalar": 0, "vector": 1, "matrix": 2, "row": 2, "col": 2}
RANKS.update({f"tensor{n}": n for n in (3, 4, 5)})
FIXED = {"row": (1, None), "col": (None, 1)}  # the axes these kinds fix to length 1
LETTERS = {"b": "int8", "w": "int16", "i": "int32", "l": "int64", "f": "float32", "d": "float64"}
DTYPE_WORDS = (*ALL_DTYPES, "floatX")
KINDS = (*RANKS, "tensor", *(letter + kind for letter in LETTERS for kind in RANKS))
EXAMPLES = "x: scalar, W: matrix, X: matrix[float32], v: vector[3], k: ivector"


@dataclass(frozen=True)
class Declaration:
    """One declared input: its name, dtype (`None`: `config.floatX`) and static shape."""

    name: str
    dtype: str | None
    shape: tuple[int | None, ...]


class DeclarationError(ValueError):
    """A declaration the grammar cannot read; `hint` suggests the likely fix."""

    def __init__(self, problem: str, hint: str | None = None) -> None:
        super().__init__(problem)
        self.problem, self.hint = problem, hint


def is_declaration(statement: ast.stmt) -> bool:
    """A bare annotation (`x: matrix`, no `= value`) at the top level of the cell."""
    return isinstance(statement, ast.AnnAssign) and statement.value is None


def read_declaration(statement: ast.AnnAssign) -> Declaration:
    """The `Declaration` a bare annotation states, or `DeclarationError` saying why not."""
    if not isinstance(statement.target, ast.Name):
        raise DeclarationError(
            f"only a plain name can be declared, not `{ast.unparse(statement.target)}`"
        )
    name = statement.target.id
    annotation = statement.annotation
    if isinstance(annotation, ast.Subscript):
        kind_node, params = annotation.value, _elements(annotation.slice)
    else:
        kind_node, params = annotation, []
    kind = _kind_name(kind_node)
    dtype, fixed_dtype = None, None
    if kind[0] in LETTERS and kind[1:] in RANKS:
        fixed_dtype, kind = LETTERS[kind[0]], kind[1:]
    if params and _dtype_word(params[0]) is not None:
        dtype, params = _dtype(params[0]), params[1:]
        if fixed_dtype is not None:
            raise DeclarationError(
                f"`{ast.unparse(kind_node)}` already fixes the dtype to {fixed_dtype}",
                hint=f"write `{name}: {kind}[{dtype}, ...]` for another dtype",
            )
    if len(params) == 1 and isinstance(params[0], ast.Tuple):
        params = list(params[0].elts)
    lengths = tuple(_length(p) for p in params)
    return Declaration(name, dtype or fixed_dtype, _shape(kind, lengths))


def _elements(node: ast.expr) -> list[ast.expr]:
    return list(node.elts) if isinstance(node, ast.Tuple) else [node]


def _kind_name(node: ast.expr) -> str:
    text = ast.unparse(node)
    if isinstance(node, ast.Name) and node.id in KINDS:
        return node.id
    close = difflib.get_close_matches(text, KINDS, n=1)
    raise DeclarationError(
        f"unknown type `{text}`",
        hint=f"did you mean `{close[0]}`?" if close else "kinds: " + ", ".join((*RANKS, "tensor")),
    )


def _dtype_word(node: ast.expr) -> str | None:
    """The dtype a parameter names, if it looks like a dtype rather than a length."""
    if isinstance(node, ast.Name) and node.id != "None":
        return node.id
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _dtype(node: ast.expr) -> str | None:
    word = _dtype_word(node)
    if word == "floatX":
        return None
    if word not in DTYPE_WORDS:
        close = difflib.get_close_matches(str(word), DTYPE_WORDS, n=1)
        raise DeclarationError(
            f"unknown dtype `{word}`",
            hint=f"did you mean `{close[0]}`?" if close else "dtypes: " + ", ".join(DTYPE_WORDS),
        )
    return word


def _length(node: ast.expr) -> int | None:
    if isinstance(node, ast.Constant) and node.value is None:
        return None
    if isinstance(node, ast.Constant) and type(node.value) is int and node.value >= 0:
        return node.value
    raise DeclarationError(
        f"`{ast.unparse(node)}` is not an axis length",
        hint="give each axis a length: a non-negative int, or None when it is unknown",
    )


def _shape(kind: str, lengths: tuple[int | None, ...]) -> tuple[int | None, ...]:
    if kind == "tensor":
        if not lengths:
            raise DeclarationError(
                "`tensor` needs its shape to know its rank",
                hint="write e.g. `T: tensor[float32, (None, 3, 3)]`, or use matrix, tensor3, ...",
            )
        return lengths
    rank = RANKS[kind]
    fixed = FIXED.get(kind, (None,) * rank)
    if not lengths:
        return fixed
    if len(lengths) != rank:
        raise DeclarationError(
            f"a {kind} has {rank} ax{'is' if rank == 1 else 'es'}, "
            f"but {len(lengths)} length{'s were' if len(lengths) != 1 else ' was'} given",
            hint=f"give one length per axis, e.g. {kind}[{', '.join(['None'] * rank) or '()'}]",
        )
    for axis, (length, must) in enumerate(zip(lengths, fixed)):
        if must == 1 and length not in (None, 1):
            raise DeclarationError(f"a {kind} has length 1 on axis {axis}, not {length}")
    return tuple(1 if must == 1 else n for n, must in zip(lengths, fixed))
