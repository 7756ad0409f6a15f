"""tensorlab: a Theano-style symbolic tensor library for learning in Jupyter.

>>> import numpy as np
>>> import tensorlab as tl
>>> import tensorlab.tensor as T
>>> x = T.vector("x")
>>> f = tl.function([x], (x ** 2).sum())
>>> f(np.array([1.0, 2.0]))
array(5.)
"""

from tensorlab import gradient, printing, rewrite, tensor
from tensorlab.compile import Function, In, Mode, SharedVariable, function, shared
from tensorlab.config import config
from tensorlab.errors import TensorlabError
from tensorlab.gradient import grad, verify_grad
from tensorlab.magics import load_ipython_extension
from tensorlab.printing import pprint as pp  # Theano's theano.pp

__version__ = "0.1.0"

__all__ = [
    "Function",
    "In",
    "Mode",
    "SharedVariable",
    "TensorlabError",
    "config",
    "function",
    "grad",
    "pp",
    "gradient",
    "verify_grad",
    "shared",
    "tensor",
]
