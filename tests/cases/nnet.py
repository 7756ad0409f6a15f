"""Cases for `T.nnet`: softmax, log-softmax and the integer-label cross-entropies."""

from __future__ import annotations

import numpy as np

import tensorlab.tensor as T
from tensorlab.tensor.nnet import (
    CrossentropyCategorical1Hot,
    CrossentropyCategorical1HotGrad,
    CrossentropySoftmax1Hot,
    CrossentropySoftmax1HotDx,
    LogSoftmax,
    Softmax,
)
from tests.cases import Case
from tests.strategies import FLOATS, labelled_rows, one_array


def np_softmax(x: np.ndarray, axis=-1) -> np.ndarray:
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def np_log_softmax(x: np.ndarray, axis=-1) -> np.ndarray:
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def np_picked(p: np.ndarray, y: np.ndarray) -> np.ndarray:
    return np.take_along_axis(p, y[..., None], axis=-1)[..., 0]


def np_crossentropy_1hot_grad(g: np.ndarray, p: np.ndarray, y: np.ndarray) -> np.ndarray:
    out = np.zeros(p.shape, dtype=np.result_type(g, p))
    np.put_along_axis(out, y[..., None], (-g / np_picked(p, y))[..., None], axis=-1)
    return out


def np_crossentropy_softmax_1hot(z: np.ndarray, y: np.ndarray) -> np.ndarray:
    shifted = z - z.max(axis=-1, keepdims=True)
    return np.log(np.exp(shifted).sum(axis=-1)) - np_picked(shifted, y)


def np_crossentropy_softmax_1hot_dx(g: np.ndarray, z: np.ndarray, y: np.ndarray) -> np.ndarray:
    hits = np.arange(z.shape[-1]) == y[..., None]
    return g[..., None] * (np_softmax(z) - hits)


CASES = [
    Case(
        Softmax,
        T.nnet.softmax,
        np_softmax,
        one_array(FLOATS, 1, 3, low=-5.0, high=5.0),
        grad=(0,),
        grad_args=one_array(("float64",), 1, 3, low=-5.0, high=5.0),
    ),
    Case(
        Softmax,
        lambda x: T.nnet.softmax(x, axis=0),
        lambda x: np_softmax(x, axis=0),
        one_array(FLOATS, 2, 3, low=-5.0, high=5.0),
        grad=(0,),
        grad_args=one_array(("float64",), 2, 3, low=-5.0, high=5.0),
        name="Softmax[axis=0]",
    ),
    Case(
        Softmax,
        lambda x: T.nnet.softmax(x, axis=None),
        lambda x: np_softmax(x, axis=None),
        one_array(FLOATS, 0, 3, low=-5.0, high=5.0),
        name="Softmax[axis=None]",
    ),
    Case(
        LogSoftmax,
        T.nnet.log_softmax,
        np_log_softmax,
        one_array(FLOATS, 1, 3, low=-5.0, high=5.0),
        grad=(0,),
        grad_args=one_array(("float64",), 1, 3, low=-5.0, high=5.0),
    ),
    Case(
        LogSoftmax,
        lambda x: T.nnet.log_softmax(x, axis=(0, 1)),
        lambda x: np_log_softmax(x, axis=(0, 1)),
        one_array(FLOATS, 2, 3, low=-5.0, high=5.0),
        grad=(0,),
        grad_args=one_array(("float64",), 2, 3, low=-5.0, high=5.0),
        name="LogSoftmax[axis=(0, 1)]",
    ),
    Case(
        CrossentropyCategorical1Hot,
        T.nnet.categorical_crossentropy,
        lambda p, y: -np.log(np_picked(p, y)),
        labelled_rows(),
        grad=(0,),
        grad_args=labelled_rows(("float64",)),
    ),
    Case(
        CrossentropyCategorical1HotGrad,
        lambda g, p, y: CrossentropyCategorical1HotGrad()(g, p, y),
        np_crossentropy_1hot_grad,
        labelled_rows(with_gradient=True),
        grad=(0, 1),
        grad_args=labelled_rows(("float64",), with_gradient=True),
    ),
    Case(
        CrossentropySoftmax1Hot,
        lambda z, y: T.nnet.categorical_crossentropy(T.nnet.softmax(z), y),
        np_crossentropy_softmax_1hot,
        labelled_rows(low=-5.0, high=5.0),
        grad=(0,),
        grad_args=labelled_rows(("float64",), low=-3.0, high=3.0),
    ),
    Case(
        CrossentropySoftmax1HotDx,
        lambda g, z, y: CrossentropySoftmax1HotDx()(g, z, y),
        np_crossentropy_softmax_1hot_dx,
        labelled_rows(low=-5.0, high=5.0, with_gradient=True),
        grad=(0, 1),
        grad_args=labelled_rows(("float64",), low=-3.0, high=3.0, with_gradient=True),
    ),
]
