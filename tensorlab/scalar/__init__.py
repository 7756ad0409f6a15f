"""Scalar ops: the alphabet of elementwise math (dtype rules, NumPy meaning, one-element
source, derivative). Every op class and instance is importable from here:
`from tensorlab import scalar as ts; ts.add, ts.Sigmoid`.
"""

from tensorlab.scalar import arithmetic, cast, logic, math, piecewise
from tensorlab.scalar.arithmetic import *
from tensorlab.scalar.basic import (
    ALL_DTYPES,
    FLOAT_DTYPES,
    INT_DTYPES,
    BinaryScalarOp,
    FloatUnaryScalarOp,
    ScalarConstant,
    ScalarOp,
    ScalarType,
    ScalarVariable,
    UnaryScalarOp,
    as_scalar,
    check_dtype,
    is_float,
    is_integer,
    upcast,
    upcast_to_float,
    weak_dtype,
)
from tensorlab.scalar.cast import *
from tensorlab.scalar.composite import Composite
from tensorlab.scalar.logic import *
from tensorlab.scalar.math import *
from tensorlab.scalar.piecewise import *

_BASIC = [
    "ALL_DTYPES",
    "FLOAT_DTYPES",
    "INT_DTYPES",
    "BinaryScalarOp",
    "FloatUnaryScalarOp",
    "ScalarConstant",
    "ScalarOp",
    "ScalarType",
    "ScalarVariable",
    "UnaryScalarOp",
    "as_scalar",
    "check_dtype",
    "is_float",
    "is_integer",
    "upcast",
    "upcast_to_float",
    "weak_dtype",
]
__all__ = [
    *_BASIC,
    "Composite",
    *arithmetic.__all__,
    *cast.__all__,
    *logic.__all__,
    *math.__all__,
    *piecewise.__all__,
]
