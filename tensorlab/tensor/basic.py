"""Declaring symbolic inputs: `scalar`, `vector`, `matrix`, ... and their typed shorthands.

>>> x = matrix("x")
>>> x.type
TensorType(float64, (None, None))
>>> fvector("v").dtype
'float32'
>>> tensor(dtype="int32", shape=(None, 3)).type
TensorType(int32, (None, 3))
"""

from __future__ import annotations

from collections.abc import Sequence

from tensorlab.config import config
from tensorlab.scalar.basic import check_dtype
from tensorlab.tensor.type import TensorType
from tensorlab.tensor.variable import TensorVariable

__all__ = ["tensor", "scalar", "vector", "matrix", "row", "col", "tensor3", "tensor4", "tensor5"]


def tensor(
    dtype: str | None = None,
    shape: Sequence[int | None] | None = None,
    name: str | None = None,
    ndim: int | None = None,
    broadcastable: Sequence[bool] | None = None,
) -> TensorVariable:
    """A symbolic input of `dtype` (default `config.floatX`) and static `shape`.

    `shape` entries are ints or `None` (unknown). Theano's `broadcastable=(False, True)`
    is accepted too: `True` means length 1.
    """
    if isinstance(dtype, str) and name is None and dtype not in _DTYPE_WORDS:
        name, dtype = dtype, None  # T.tensor("x", ...) reads as a name, as in PyTensor
    if shape is None:
        if broadcastable is not None:
            shape = tuple(1 if b else None for b in broadcastable)
        else:
            shape = (None,) * (ndim or 0)
    elif ndim is not None and ndim != len(shape):
        raise ValueError(f"tensor(): shape {tuple(shape)} has {len(shape)} axes, not ndim={ndim}")
    dtype = check_dtype(dtype or config.floatX)
    return TensorType(dtype, tuple(shape))(name)


_DTYPE_WORDS = {
    "bool",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "float16",
    "float32",
    "float64",
    "floatX",
}


def _rank(ndim: int, doc: str):
    def make(name: str | None = None, dtype: str | None = None, shape=None) -> TensorVariable:
        if dtype == "floatX":
            dtype = None
        return tensor(dtype=dtype, shape=shape if shape is not None else (None,) * ndim, name=name)

    make.__doc__ = doc
    return make


scalar = _rank(0, "A symbolic 0-d input: `scalar('b')`, `scalar('n', dtype='int64')`.")
vector = _rank(1, "A symbolic 1-d input: `vector('w')`, `vector('w', shape=(3,))`.")
matrix = _rank(2, "A symbolic 2-d input: `matrix('X')`, `matrix('X', dtype='float32')`.")
tensor3 = _rank(3, "A symbolic 3-d input.")
tensor4 = _rank(4, "A symbolic 4-d input (batches of images: N, C, H, W).")
tensor5 = _rank(5, "A symbolic 5-d input.")


def row(name: str | None = None, dtype: str | None = None) -> TensorVariable:
    """A matrix with one row: static shape `(1, None)`."""
    return tensor(dtype=dtype, shape=(1, None), name=name)


def col(name: str | None = None, dtype: str | None = None) -> TensorVariable:
    """A matrix with one column: static shape `(None, 1)`."""
    return tensor(dtype=dtype, shape=(None, 1), name=name)


# Theano's typed shorthands: a dtype letter, then the rank.
_LETTERS = {
    "b": "int8",
    "w": "int16",
    "i": "int32",
    "l": "int64",
    "f": "float32",
    "d": "float64",
}
_RANKS = {
    "scalar": scalar,
    "vector": vector,
    "matrix": matrix,
    "row": row,
    "col": col,
    "tensor3": tensor3,
    "tensor4": tensor4,
    "tensor5": tensor5,
}


def _typed(letter_dtype: str, rank_maker):
    def make(name: str | None = None) -> TensorVariable:
        return rank_maker(name, dtype=letter_dtype)

    make.__doc__ = f"{rank_maker.__doc__} dtype {letter_dtype}."
    return make


for _letter, _dtype in _LETTERS.items():
    for _rank_name, _maker in _RANKS.items():
        globals()[_letter + _rank_name] = _typed(_dtype, _maker)
        __all__.append(_letter + _rank_name)


def _plural(maker):
    def make(*names: str) -> list[TensorVariable]:
        if len(names) == 1 and isinstance(names[0], int):
            names = (None,) * names[0]
        elif len(names) == 1 and "," in names[0]:
            names = tuple(n.strip() for n in names[0].split(","))
        return [maker(name) for name in names]

    make.__doc__ = (
        f"Several symbolic inputs at once (Theano's plural constructors): {maker.__doc__}"
    )
    return make


# Theano's plural constructors: `x, y = T.dscalars("x", "y")`, `T.matrices("a, b")`.
for _singular, _plural_name in [
    ("scalar", "scalars"),
    ("vector", "vectors"),
    ("matrix", "matrices"),
    ("tensor3", "tensor3s"),
    ("tensor4", "tensor4s"),
]:
    for _prefix in ("", *_LETTERS):
        _name = _prefix + _singular
        if _name in globals():
            globals()[_prefix + _plural_name] = _plural(globals()[_name])
            __all__.append(_prefix + _plural_name)
