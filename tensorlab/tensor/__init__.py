"""`tensorlab.tensor`: symbolic tensors and the op catalogue (Theano's `theano.tensor`).

>>> import tensorlab.tensor as T
>>> X, w = T.matrix("X"), T.vector("w")
>>> p = T.nnet.sigmoid(T.dot(X, w))
>>> p.eval({X: [[1.0, 2.0]], w: [0.0, 0.0]})
array([0.5])
"""

# Each catalogue module exports its public names through `__all__`; keep this list sorted.
from tensorlab.tensor import nnet, random
from tensorlab.tensor.basic import *
from tensorlab.tensor.creation import *
from tensorlab.tensor.dimshuffle import DimShuffle, dimshuffle, transpose
from tensorlab.tensor.elemwise import Elemwise
from tensorlab.tensor.join import *
from tensorlab.tensor.linalg import *
from tensorlab.tensor.math import *
from tensorlab.tensor.nnet import log_softmax, softmax
from tensorlab.tensor.reduction import *
from tensorlab.tensor.reshape import *
from tensorlab.tensor.shape import *
from tensorlab.tensor.subtensor import *
from tensorlab.tensor.type import TensorType
from tensorlab.tensor.variable import (
    TensorConstant,
    TensorVariable,
    as_tensor_variable,
    constant,
)


def __getattr__(name: str):
    # Theano's T.grad & co. live in tensorlab.gradient, a layer below this one.
    if name in ("grad", "jacobian", "hessian", "Lop", "Rop"):
        from tensorlab import gradient

        return getattr(gradient, name)
    raise AttributeError(f"module 'tensorlab.tensor' has no attribute {name!r}")
