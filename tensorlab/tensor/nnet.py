"""`T.nnet`: softmax, cross-entropies and the activation functions of neural networks.

The ops compute their values the stable way (the row maximum is subtracted before
`exp`), so logits of 1e4 give finite probabilities.

>>> import numpy as np
>>> import tensorlab.tensor as T
>>> x = T.matrix("x")
>>> p = T.nnet.softmax(x)
>>> p.eval({x: [[0.0, np.log(3.0)]]})
array([[0.25, 0.75]])
>>> y = T.lvector("y")
>>> T.nnet.categorical_crossentropy(p, y).eval({x: [[0.0, 0.0]], y: [1]})
array([0.69314718])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tensorlab.config import config
from tensorlab.errors import RuntimeOpError, ShapeError, TypeMismatchError, describe, error
from tensorlab.graph.basic import Apply, Op, Variable
from tensorlab.scalar.basic import is_float, is_integer, upcast, upcast_to_float
from tensorlab.scalar.math import Sigmoid
from tensorlab.tensor.creation import arange
from tensorlab.tensor.math import cast, eq, exp, log, sigmoid, switch
from tensorlab.tensor.reduction import check_axes, normalize_axis, sum
from tensorlab.tensor.shape import broadcast_to, expand_dims, shape, sum_to_shape
from tensorlab.tensor.type import TensorType, shape_text
from tensorlab.tensor.variable import as_tensor_like, as_tensor_variable

__all__ = [
    "one_hot",
    "Softmax",
    "LogSoftmax",
    "CrossentropyCategorical1Hot",
    "CrossentropyCategorical1HotGrad",
    "CrossentropySoftmax1Hot",
    "CrossentropySoftmax1HotDx",
    "softmax",
    "log_softmax",
    "logsoftmax",
    "categorical_crossentropy",
    "crossentropy_categorical_1hot",
    "crossentropy_softmax_1hot",
    "binary_crossentropy",
    "sigmoid_binary_crossentropy",
    "sigmoid",
    "hard_sigmoid",
    "ultra_fast_sigmoid",
]


def _shift(x: np.ndarray, axis: tuple[int, ...]) -> np.ndarray:
    """The max along `axis` (kept), -inf for an empty slice: an empty softmax is empty."""
    return (
        x.max(axis=axis, keepdims=True, initial=-np.inf)
        if x.size == 0
        else x.max(axis=axis, keepdims=True)
    )


@dataclass(frozen=True)
class Softmax(Op):
    """Normalised exponentials along `axis`: each slice becomes a probability distribution.

    forward:   out = exp(x - m) / sum(exp(x - m), axis)    m = max(x, axis)  (for stability)
    gradient:  gx = (gout - sum(gout * out, axis)) * out    (sums kept with length 1)
    """

    axis: tuple[int, ...]  # sorted, non-negative

    def make_node(self, x) -> Apply:
        x = as_tensor_variable(x)
        check_axes(self, x, self.axis)
        return Apply(self, [x], [TensorType(upcast_to_float(x.dtype), x.type.shape)()])

    def perform(self, node: Apply, x: np.ndarray) -> np.ndarray:
        x = x.astype(node.outputs[0].type.dtype, copy=False)
        e = np.exp(x - _shift(x, self.axis))
        return np.asarray(e / e.sum(axis=self.axis, keepdims=True))

    def grad(self, inputs, outputs, gouts):
        (out,), (gout,) = outputs, gouts
        return [(gout - sum(gout * out, axis=self.axis, keepdims=True)) * out]


@dataclass(frozen=True)
class LogSoftmax(Op):
    """The log of `softmax`, computed without taking the log of a rounded probability.

    forward:   out = (x - m) - log(sum(exp(x - m), axis))    m = max(x, axis)
    gradient:  gx = gout - exp(out) * sum(gout, axis)          (sums kept with length 1)
    """

    axis: tuple[int, ...]  # sorted, non-negative

    def make_node(self, x) -> Apply:
        x = as_tensor_variable(x)
        check_axes(self, x, self.axis)
        return Apply(self, [x], [TensorType(upcast_to_float(x.dtype), x.type.shape)()])

    def perform(self, node: Apply, x: np.ndarray) -> np.ndarray:
        x = x.astype(node.outputs[0].type.dtype, copy=False)
        shifted = x - _shift(x, self.axis)
        return np.asarray(shifted - np.log(np.exp(shifted).sum(axis=self.axis, keepdims=True)))

    def grad(self, inputs, outputs, gouts):
        (out,), (gout,) = outputs, gouts
        return [gout - exp(out) * sum(gout, axis=self.axis, keepdims=True)]


def softmax(x, axis=-1) -> Variable:
    """Softmax along `axis` (an int, a tuple, or None for all axes; the last by default).

    >>> import tensorlab.tensor as T
    >>> x = T.vector("x")
    >>> softmax(x).eval({x: [1e4, 1e4]})
    array([0.5, 0.5])
    """
    x = as_tensor_variable(x)
    return Softmax(normalize_axis(x, axis, "softmax"))(x)


def log_softmax(x, axis=-1) -> Variable:
    """log(softmax(x)) along `axis`, finite where softmax rounds to 0.

    >>> import tensorlab.tensor as T
    >>> x = T.vector("x")
    >>> log_softmax(x).eval({x: [0.0, 1000.0]})
    array([-1000.,     0.])
    """
    x = as_tensor_variable(x)
    return LogSoftmax(normalize_axis(x, axis, "log_softmax"))(x)


logsoftmax = log_softmax  # Theano's spelling


def _batch_shape(op: Op, parts: list[Variable], batch_ndim: int) -> tuple[int | None, ...]:
    """The leading `batch_ndim` static lengths that every one of `parts` shares."""
    lengths: list[int | None] = []
    for axis in range(batch_ndim):
        known = {x.type.shape[axis] for x in parts} - {None}
        if len(known) > 1:
            raise error(
                ShapeError,
                f"{op} needs one entry per row: lengths differ on axis {axis}",
                got=", ".join(describe(x) for x in parts),
                at=parts[0],
            )
        lengths.append(known.pop() if known else None)
    return tuple(lengths)


def _check_rows(op: Op, p: Variable, y: Variable, logits: bool = False) -> None:
    """`p` has classes on its last axis (probabilities: floats; `logits`: any real numbers,
    as softmax takes them) and `y` one integer class index per row of `p`."""
    real = is_float(p.dtype) or (logits and is_integer(p.dtype))
    if not real or p.ndim < 1:
        what = "logits: a real tensor" if logits else "probabilities: a float tensor"
        raise error(
            TypeMismatchError,
            f"{op} needs {what} with classes on its last axis",
            got=describe(p),
            at=p,
        )
    if not is_integer(y.dtype) or y.dtype == "bool" or y.ndim != p.ndim - 1:
        raise error(
            TypeMismatchError,
            f"{op} needs one integer class index per row of {p}",
            expected=f"an integer tensor of {p.ndim - 1} dimensions",
            got=describe(y),
            at=y,
        )


def _check_gradient_rows(op: Op, g: Variable, y: Variable) -> None:
    if not is_float(g.dtype) or g.ndim != y.ndim:
        raise error(
            TypeMismatchError,
            f"{op} needs one float gradient per row",
            got=describe(g),
            at=g,
        )


def _picked(op: Op, node: Apply, p: np.ndarray, y: np.ndarray) -> np.ndarray:
    """p[..., y[...]]: each row's entry at its class index, checked against the row length."""
    if y.shape != p.shape[:-1]:
        raise error(
            ShapeError,
            f"{op} needs one class index per row",
            expected=f"indices of shape {shape_text(p.shape[:-1])}",
            got=f"{node.inputs[-1]}: {y.dtype} {shape_text(y.shape)}, "
            f"{node.inputs[-2]}: {p.dtype} {shape_text(p.shape)}",
            at=node,
        )
    classes = p.shape[-1]
    bad = (y < 0) | (y >= classes)
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        position = f"[{', '.join(map(str, where))}]" if where else ""
        raise error(
            RuntimeOpError,
            f"{op}: class index {y[where]} is out of range for {classes} classes",
            expected=f"class indices in 0..{classes - 1}",
            got=f"{node.inputs[-1]}{position} = {y[where]}",
            at=node,
        )
    return np.take_along_axis(p, y[..., None].astype(np.intp), axis=-1)[..., 0]


@dataclass(frozen=True)
class CrossentropyCategorical1Hot(Op):
    """Cross-entropy of predicted class probabilities `p` against integer labels `y`.

    forward:   out[i] = -log(p[i, y[i]])         (classes on the last axis of p)
    gradient:  gp[i, k] = -gout[i] / p[i, k] where k == y[i], else 0;  gy: none (zero)
    """

    def make_node(self, p, y) -> Apply:
        p, y = as_tensor_variable(p), as_tensor_variable(y)
        _check_rows(self, p, y)
        batch = _batch_shape(self, [p, y], y.ndim)
        return Apply(self, [p, y], [TensorType(p.dtype, batch)()])

    def perform(self, node: Apply, p: np.ndarray, y: np.ndarray) -> np.ndarray:
        return np.asarray(-np.log(_picked(self, node, p, y)))

    def grad(self, inputs, outputs, gouts):
        (p, y), (gout,) = inputs, gouts
        return [CrossentropyCategorical1HotGrad()(gout, p, y), None]


@dataclass(frozen=True)
class CrossentropyCategorical1HotGrad(Op):
    """The gradient of `CrossentropyCategorical1Hot` with respect to `p`.

    forward:   out[i, k] = -g[i] / p[i, k] where k == y[i], else 0
    gradient:  gg[i] = sum_k H[i, k] * out1[i, k]   (out1: this op with g = 1)
               gp = -H * out / p;  gy: none (zero)
    """

    def make_node(self, g, p, y) -> Apply:
        g, p, y = (as_tensor_variable(v) for v in (g, p, y))
        _check_rows(self, p, y)
        _check_gradient_rows(self, g, y)
        batch = _batch_shape(self, [p, y, g], y.ndim)
        dtype = upcast(g.dtype, p.dtype)
        return Apply(self, [g, p, y], [TensorType(dtype, (*batch, p.type.shape[-1]))()])

    def perform(self, node: Apply, g: np.ndarray, p: np.ndarray, y: np.ndarray) -> np.ndarray:
        picked = _picked(self, node, p, y)
        g = _per_row(self, node, g, y.shape)
        out = np.zeros(p.shape, dtype=node.outputs[0].type.dtype)
        np.put_along_axis(out, y[..., None].astype(np.intp), (-g / picked)[..., None], axis=-1)
        return out

    def grad(self, inputs, outputs, gouts):
        (g, p, y), (out,), (gout,) = inputs, outputs, gouts
        ones = broadcast_to(np.ones((), dtype=g.dtype), shape(g))
        gg = sum(gout * CrossentropyCategorical1HotGrad()(ones, p, y), axis=-1)
        return [gg, -gout * out / p, None]


def _softmax_rows(z: np.ndarray) -> np.ndarray:
    """softmax(z) over the last axis (`z` already in the result's dtype)."""
    e = np.exp(z - _shift(z, (z.ndim - 1,)))
    return e / e.sum(axis=-1, keepdims=True)


def _per_row(op: Op, node: Apply, g: np.ndarray, rows: tuple[int, ...]) -> np.ndarray:
    """`g` repeated along the rows where its length is 1 (it broadcasts against them)."""
    try:
        return np.broadcast_to(g, rows)
    except ValueError as err:
        raise error(
            ShapeError,
            f"{op} needs one gradient per row",
            expected=f"a gradient of shape {shape_text(rows)} (or length 1 on an axis)",
            got=f"{node.inputs[0]}: {g.dtype} {shape_text(g.shape)}",
            at=node,
        ) from err


@dataclass(frozen=True)
class CrossentropySoftmax1Hot(Op):
    """Cross-entropy of softmax(z) against integer labels `y`, from the logits `z` in one step.

    forward:   out[i] = log(sum_k exp(z[i, k] - m[i])) - (z[i, y[i]] - m[i])    m[i] = max_k z[i, k]
               (that is -log(softmax(z)[i, y[i]]), finite for huge logits; classes on the last axis)
    gradient:  gz[i, k] = gout[i] * (softmax(z)[i, k] - (k == y[i]))   (CrossentropySoftmax1HotDx)
               gy: none (zero)
    """

    def make_node(self, z, y) -> Apply:
        z, y = as_tensor_variable(z), as_tensor_variable(y)
        _check_rows(self, z, y, logits=True)
        batch = _batch_shape(self, [z, y], y.ndim)
        return Apply(self, [z, y], [TensorType(upcast_to_float(z.dtype), batch)()])

    def perform(self, node: Apply, z: np.ndarray, y: np.ndarray) -> np.ndarray:
        z = z.astype(node.outputs[0].type.dtype, copy=False)
        shifted = z - _shift(z, (z.ndim - 1,))
        picked = _picked(self, node, shifted, y)
        return np.asarray(np.log(np.exp(shifted).sum(axis=-1)) - picked)

    def grad(self, inputs, outputs, gouts):
        (z, y), (gout,) = inputs, gouts
        return [CrossentropySoftmax1HotDx()(gout, z, y), None]


@dataclass(frozen=True)
class CrossentropySoftmax1HotDx(Op):
    """The gradient of `CrossentropySoftmax1Hot` with respect to the logits `z`.

    forward:   out[i, k] = g[i] * (s[i, k] - (k == y[i]))     s = softmax(z) on the last axis
               (g broadcasts against the rows: a length-1 axis repeats)
    gradient:  gg[i] = sum_k gout[i, k] * (s[i, k] - (k == y[i]))   (summed back to g's shape)
               gz[i, k] = (u[i, k] - sum_j u[i, j] * s[i, j]) * s[i, k]
                          u[i, k] = gout[i, k] * g[i]   (softmax's gradient of u)
               gy: none (zero)
    """

    def make_node(self, g, z, y) -> Apply:
        g, z, y = (as_tensor_variable(v) for v in (g, z, y))
        _check_rows(self, z, y, logits=True)
        _check_gradient_rows(self, g, y)
        batch = _batch_shape(self, [z, y, g], y.ndim)
        dtype = upcast(g.dtype, upcast_to_float(z.dtype))
        return Apply(self, [g, z, y], [TensorType(dtype, (*batch, z.type.shape[-1]))()])

    def perform(self, node: Apply, g: np.ndarray, z: np.ndarray, y: np.ndarray) -> np.ndarray:
        dtype = node.outputs[0].type.dtype
        s = _softmax_rows(z.astype(dtype, copy=False))
        _picked(self, node, s, y)  # the labels fit the rows and the classes
        hits = np.arange(s.shape[-1]) == y[..., None]
        out = _per_row(self, node, g, y.shape)[..., None] * (s - hits)
        return out.astype(dtype, copy=False)

    def grad(self, inputs, outputs, gouts):
        (g, z, y), (gout,) = inputs, gouts
        s = softmax(z)
        gg = sum(gout * s, axis=-1) - sum(pick_last(gout, y), axis=-1)
        u = gout * expand_dims(g, -1)
        gz = (u - sum(u * s, axis=-1, keepdims=True)) * s
        return [sum_to_shape(gg, g), gz, None]


def crossentropy_categorical_1hot(coding_dist, true_one_of_n) -> Variable:
    """-log(coding_dist[i, true_one_of_n[i]]) per row, for integer class labels.

    >>> import tensorlab.tensor as T
    >>> p, y = T.matrix("p"), T.lvector("y")
    >>> crossentropy_categorical_1hot(p, y).eval({p: [[0.5, 0.5], [0.25, 0.75]], y: [0, 1]})
    array([0.69314718, 0.28768207])
    """
    return CrossentropyCategorical1Hot()(coding_dist, true_one_of_n)


def one_hot(labels, n_classes, dtype: str | None = None) -> Variable:
    """Rows of zeros with a one at each integer label (Theano's `to_one_hot`).

    >>> import tensorlab.tensor as T
    >>> y = T.lvector("y")
    >>> one_hot(y, 3).eval({y: [2, 0]})
    array([[0., 0., 1.],
           [1., 0., 0.]])
    """
    labels = as_tensor_variable(labels)
    hits = eq(expand_dims(labels, -1), arange(n_classes))
    return cast(hits, dtype or config.floatX)


def pick_last(values: Variable, labels: Variable) -> Variable:
    """`values` where the last axis equals each row's label, 0 elsewhere: summed over that
    axis, each row's labelled entry. A switch, not a product with a one-hot, so an entry of
    -inf elsewhere in the row does not make 0 * -inf = nan."""
    hits = eq(expand_dims(as_tensor_variable(labels), -1), arange(shape(values)[-1]))
    return switch(hits, values, 0.0)


def softmax_logits(p: Variable) -> Variable | None:
    """`z` when `p` is `softmax(z)` over its last axis, else None."""
    owner = p.owner
    if owner is not None and isinstance(owner.op, Softmax) and owner.op.axis == (p.ndim - 1,):
        return owner.inputs[0]
    return None


def categorical_crossentropy(coding_dist, true_dist) -> Variable:
    """Cross-entropy between predicted distributions and targets, one value per row.

    `true_dist` is either distributions shaped like `coding_dist` (one-hot rows or
    probabilities: -sum(t * log(p), axis=-1)) or one integer class index per row
    (-log(p[i, t[i]])). When `coding_dist` is `softmax(z)`, the graph is built from the
    logits `z` instead (`log_softmax(z)`, or one `CrossentropySoftmax1Hot` node for class
    indices), so the value and its gradient stay finite for huge logits.

    >>> import tensorlab.tensor as T
    >>> p, t = T.matrix("p"), T.matrix("t")
    >>> categorical_crossentropy(p, t).eval({p: [[0.5, 0.5]], t: [[1.0, 0.0]]})
    array([0.69314718])
    """
    p, t = as_tensor_variable(coding_dist), as_tensor_variable(true_dist)
    logits = softmax_logits(p)
    if t.ndim == p.ndim:
        log_p = log(p) if logits is None else log_softmax(logits)
        return -sum(t * log_p, axis=-1)
    if t.ndim == p.ndim - 1 and is_integer(t.dtype):
        if logits is None:
            return crossentropy_categorical_1hot(p, t)
        return CrossentropySoftmax1Hot()(logits, t)
    raise error(
        TypeMismatchError,
        "categorical_crossentropy needs targets shaped like the predictions, "
        "or one integer class index per row",
        expected=f"a {p.ndim}-d distribution or a {p.ndim - 1}-d integer tensor",
        got=f"{describe(p)}, {describe(t)}",
        at=t,
    )


def crossentropy_softmax_1hot(x, y_idx) -> tuple[Variable, Variable]:
    """Theano's pair (-log(softmax(x)[i, y_idx[i]]) per row, softmax(x)), from logits `x`.

    The loss is one `CrossentropySoftmax1Hot` node: finite for huge logits, and its
    gradient is one `CrossentropySoftmax1HotDx` node.

    >>> import tensorlab.tensor as T
    >>> x, y = T.matrix("x"), T.lvector("y")
    >>> nll, p = crossentropy_softmax_1hot(x, y)
    >>> nll.eval({x: [[0.0, 0.0], [1e4, 0.0]], y: [1, 0]})
    array([0.69314718, 0.        ])
    """
    x = as_tensor_variable(x)
    return CrossentropySoftmax1Hot()(x, y_idx), softmax(x)


def binary_crossentropy(output, target) -> Variable:
    """-(target * log(output) + (1 - target) * log(1 - output)), elementwise.

    `output` holds probabilities. When it is `sigmoid(z)`, the graph is built as
    `sigmoid_binary_crossentropy(z, target)`, which stays finite (value and gradient)
    where the sigmoid rounds to 0 or 1.

    >>> import tensorlab.tensor as T
    >>> p, t = T.vector("p"), T.vector("t")
    >>> binary_crossentropy(p, t).eval({p: [0.5, 0.9], t: [1.0, 1.0]})
    array([0.69314718, 0.10536052])
    """
    output, target = as_tensor_like([output, target])
    owner = output.owner
    if owner is not None and isinstance(getattr(owner.op, "scalar_op", None), Sigmoid):
        return sigmoid_binary_crossentropy(owner.inputs[0], target)
    return -(target * log(output) + (1.0 - target) * log(1.0 - output))


def sigmoid_binary_crossentropy(output, target) -> Variable:
    """binary_crossentropy(sigmoid(output), target) computed from the logits `output`.

    forward: max(x, 0) - x * t + log(1 + exp(-|x|)), which never takes log(0).

    >>> import tensorlab.tensor as T
    >>> x, t = T.vector("x"), T.vector("t")
    >>> sigmoid_binary_crossentropy(x, t).eval({x: [0.0, 3.0], t: [1.0, 0.0]})
    array([0.69314718, 3.04858735])
    """
    x, target = as_tensor_like([output, target])
    positive = x > 0
    return switch(positive, x, 0.0) - x * target + log(1.0 + exp(switch(positive, -x, x)))


def hard_sigmoid(x) -> Variable:
    """Theano's piecewise linear sigmoid: clip(0.2 * x + 0.5, 0, 1).

    >>> import tensorlab.tensor as T
    >>> x = T.vector("x")
    >>> hard_sigmoid(x).eval({x: [-5.0, 0.0, 1.0, 5.0]})
    array([0. , 0.5, 0.7, 1. ])
    """
    y = as_tensor_variable(x) * 0.2 + 0.5
    return switch(y < 0.0, 0.0, switch(y > 1.0, 1.0, y))


def ultra_fast_sigmoid(x) -> Variable:
    """Theano's fast approximation of the sigmoid (within 0.028 of it everywhere).

    forward:   a = |x| / 2;  z = 1.5 a / (1 + a)                        if a < 1.7
                             z = 0.935409070603099 + 0.0458812946797165 (a - 1.7)  if a < 3
                             z = 0.99505475368673                       otherwise
               out = (1 + sign(x) z) / 2

    >>> import tensorlab.tensor as T
    >>> x = T.vector("x")
    >>> ultra_fast_sigmoid(x).eval({x: [0.0, 10.0]})
    array([0.5       , 0.99752738])
    """
    x = as_tensor_variable(x)
    half = x * 0.5
    a = switch(half < 0.0, -half, half)
    z = switch(
        a < 1.7,
        1.5 * a / (1.0 + a),
        switch(a < 3.0, 0.935409070603099 + 0.0458812946797165 * (a - 1.7), 0.99505475368673),
    )
    return 0.5 * (switch(half < 0.0, -z, z) + 1.0)


# Activations that live in tensorlab.tensor (they may arrive after this module is imported).
_FORWARDED = ("relu", "softplus", "softsign", "tanh", "elu", "selu")


def __getattr__(name: str):
    if name in _FORWARDED:
        import tensorlab.tensor as T

        found = vars(T).get(name)
        if found is not None:
            return found
    raise AttributeError(f"module 'tensorlab.tensor.nnet' has no attribute {name!r}")
