"""Stabilize: expressions that overflow or lose precision become their stable forms.

They run after canonicalize, so each pattern meets one spelling: `1 - s`, `-s + 1` and
`1 + (-1) * s` all arrive as `sub(1, s)`, and `1 + exp(x)` as `add(1, exp(x))`.

    log(sigmoid(x))            -> -softplus(-x)
    log(1 - sigmoid(x))        -> -softplus(x)
    log(1 + exp(x))            -> softplus(x)
    log(1 + x)                 -> log1p(x)
    exp(x) - 1                 -> expm1(x)
    log(softmax(z))            -> log_softmax(z)
    log(sum(exp(x)))           -> m + log(sum(exp(x - m))),  m = max(x)   (logsumexp)
    crossentropy_1hot(softmax(z), y) -> crossentropy_softmax_1hot(z, y)
    log_softmax(z)[arange(y.shape[0]), y] -> -crossentropy_softmax_1hot(z, y)

and the gradients built before these rewrites, which still divide by probabilities:

    (g / s - sum(g / s * s)) * s      -> g - s * sum(g)     s = softmax(z)  (log_softmax's)
    (h - sum(h * s)) * s, h = crossentropy_1hot's gradient   -> crossentropy_softmax_1hot's
    g - s * sum(g), g = zeros with c added at [arange(y.shape[0]), y] -> the same, from c
"""

from __future__ import annotations

import numpy as np

from tensorlab import scalar as sm
from tensorlab.graph.basic import Apply
from tensorlab.graph.fgraph import FunctionGraph
from tensorlab.rewrite.canonicalize import (
    _keep_if_fits,
    is_size_one_constant,
    same_shape,
    scalar_op,
)
from tensorlab.rewrite.engine import node_rewriter, rewrites
from tensorlab.scalar.basic import is_integer
from tensorlab.tensor import math as tm
from tensorlab.tensor.creation import ARange
from tensorlab.tensor.dimshuffle import DimShuffle
from tensorlab.tensor.nnet import (
    CrossentropyCategorical1Hot,
    CrossentropyCategorical1HotGrad,
    CrossentropySoftmax1Hot,
    CrossentropySoftmax1HotDx,
    LogSoftmax,
    Softmax,
    softmax_logits,
)
from tensorlab.tensor.reduction import Max, Sum, keep_dims
from tensorlab.tensor.shape import BroadcastTo, Shape, broadcast_to, shape
from tensorlab.tensor.subtensor import ARRAY, AdvancedIncSubtensor, AdvancedSubtensor, Subtensor


def _inner(var, op_class):
    """The input of the elementwise `op_class` node computing `var`, or None."""
    return var.owner.inputs if isinstance(scalar_op(var), op_class) else None


def _one_plus(var):
    """`x` when `var` is `1 + x` (canonical order: the constant first)."""
    args = _inner(var, sm.Add)
    if args and is_size_one_constant(args[0], 1) and args[0].ndim <= args[1].ndim:
        return args[1]
    return None


@rewrites.register("stabilize")
@node_rewriter(sm.Log, name="log_sigmoid")
def log_sigmoid(fgraph: FunctionGraph, node: Apply):
    """log(sigmoid(x)) -> -softplus(-x): finite where sigmoid(x) underflows to 0."""
    (arg,) = node.inputs
    inner = _inner(arg, sm.Sigmoid)
    if inner:
        return _keep_if_fits(-tm.softplus(-inner[0]), node.outputs[0])
    return None


@rewrites.register("stabilize")
@node_rewriter(sm.Log, name="log_one_minus_sigmoid")
def log_one_minus_sigmoid(fgraph: FunctionGraph, node: Apply):
    """log(1 - sigmoid(x)) -> -softplus(x): finite where sigmoid(x) rounds to 1."""
    (arg,) = node.inputs
    args = _inner(arg, sm.Sub)
    if args and is_size_one_constant(args[0], 1) and args[0].ndim <= args[1].ndim:
        inner = _inner(args[1], sm.Sigmoid)
        if inner:
            return _keep_if_fits(-tm.softplus(inner[0]), node.outputs[0])
    return None


@rewrites.register("stabilize")
@node_rewriter(sm.Log, name="log1p_exp_to_softplus")
def log1p_exp_to_softplus(fgraph: FunctionGraph, node: Apply):
    """log(1 + exp(x)) -> softplus(x): no overflow of exp for large x."""
    x = _one_plus(node.inputs[0])
    inner = _inner(x, sm.Exp) if x is not None else None
    if inner:
        return _keep_if_fits(tm.softplus(inner[0]), node.outputs[0])
    return None


@rewrites.register("stabilize")
@node_rewriter(sm.Log1p, name="log1p_exp")
def log1p_of_exp(fgraph: FunctionGraph, node: Apply):
    """log1p(exp(x)) -> softplus(x) (what `log(1 + exp(x))` becomes after log_one_plus)."""
    inner = _inner(node.inputs[0], sm.Exp)
    if inner:
        return _keep_if_fits(tm.softplus(inner[0]), node.outputs[0])
    return None


@rewrites.register("stabilize")
@node_rewriter(sm.Log, name="log_one_plus")
def log_one_plus(fgraph: FunctionGraph, node: Apply):
    """log(1 + x) -> log1p(x): keeps the digits of a small x."""
    x = _one_plus(node.inputs[0])
    if x is not None and _inner(x, sm.Exp) is None:  # log(1 + exp(x)) has a better rule
        return _keep_if_fits(tm.log1p(x), node.outputs[0])
    return None


@rewrites.register("stabilize")
@node_rewriter(sm.Sub, name="exp_minus_one")
def exp_minus_one(fgraph: FunctionGraph, node: Apply):
    """exp(x) - 1 -> expm1(x): keeps the digits of a small x."""
    left, right = node.inputs
    inner = _inner(left, sm.Exp)
    if inner and is_size_one_constant(right, 1) and right.ndim <= left.ndim:
        return _keep_if_fits(tm.expm1(inner[0]), node.outputs[0])
    return None


@rewrites.register("stabilize")
@node_rewriter(sm.Log, name="log_softmax")
def log_of_softmax(fgraph: FunctionGraph, node: Apply):
    """log(softmax(z)) -> log_softmax(z): finite where a probability underflows to 0."""
    owner = node.inputs[0].owner
    if owner is not None and isinstance(owner.op, Softmax):
        return _keep_if_fits(LogSoftmax(owner.op.axis)(owner.inputs[0]), node.outputs[0])
    return None


def _already_shifted(arg) -> bool:
    """True for `x - m` with m the (guarded) max this rule writes: the stable form itself."""
    args = _inner(arg, sm.Sub)
    if not args:
        return False
    m = args[1]
    while m.owner is not None and isinstance(m.owner.op, DimShuffle):
        m = m.owner.inputs[0]
    guarded = _inner(m, sm.Switch)
    return bool(guarded) and guarded[2].owner is not None and isinstance(guarded[2].owner.op, Max)


@rewrites.register("stabilize")
@node_rewriter(sm.Log, name="logsumexp")
def logsumexp(fgraph: FunctionGraph, node: Apply):
    """log(sum(exp(x))) -> m + log(sum(exp(x - m))) with m = max(x) over the same axes."""
    summed = node.inputs[0].owner
    if summed is None or not isinstance(summed.op, Sum) or summed.op.dtype is not None:
        return None
    inner = _inner(summed.inputs[0], sm.Exp)
    if not inner or _already_shifted(inner[0]):
        return None
    (x,) = inner
    axis = summed.op.axis
    m = Max(axis, initial=-np.inf)(x)  # -inf for an empty slice, whose logsumexp is -inf
    # An all -inf slice has m = -inf, and x - m would be nan: shift by 0 there instead.
    m = tm.switch(tm.isinf(m), 0.0, m)
    shifted = tm.exp(x - keep_dims(m, x.ndim, axis))
    return _keep_if_fits(m + tm.log(Sum(axis)(shifted)), node.outputs[0])


@rewrites.register("stabilize")
@node_rewriter(CrossentropyCategorical1Hot, name="crossentropy_softmax")
def crossentropy_softmax(fgraph: FunctionGraph, node: Apply):
    """-log(softmax(z)[i, y_i]) -> CrossentropySoftmax1Hot(z, y): finite for big logits.
    A gradient built before rewriting keeps the nodes it was built from."""
    p, y = node.inputs
    z = softmax_logits(p)
    if z is None:
        return None
    return _keep_if_fits(CrossentropySoftmax1Hot()(z, y), node.outputs[0])


def _is_op(var, op_class) -> bool:
    return var.owner is not None and isinstance(var.owner.op, op_class)


def _each_row(rows, labels) -> bool:
    """True when `rows` is `arange(labels.shape[0])`: label i picks from row i."""
    if not _is_op(rows, ARange):
        return False
    start, stop, step = rows.owner.inputs
    if not (is_size_one_constant(start, 0) and is_size_one_constant(step, 1)):
        return False
    if not (_is_op(stop, Subtensor) and stop.owner.op.index == (0,)):
        return False
    length_of = stop.owner.inputs[0]
    return _is_op(length_of, Shape) and length_of.owner.inputs[0] is labels


def _by_label(node: Apply) -> bool:
    """True when the advanced-indexing `node` reads or writes a matrix (its first input)
    at `[arange(y.shape[0]), y]` for an integer vector y (its last input)."""
    if node.op.index != (ARRAY, ARRAY) or node.inputs[0].ndim != 2:
        return False
    rows, labels = node.inputs[-2:]
    return labels.ndim == 1 and is_integer(labels.type.dtype) and _each_row(rows, labels)


def _row_sum_of(kept, s):
    """`g` when `kept` is `sum(g, axis, keepdims=True)` over the axis of the softmax `s`."""
    if not _is_op(kept, DimShuffle) or not _is_op(kept.owner.inputs[0], Sum):
        return None
    summed = kept.owner.inputs[0]
    axis = s.owner.op.axis
    if summed.owner.op.axis != axis or summed.owner.op.dtype is not None:
        return None
    if keep_dims(summed, s.ndim, axis).owner.op != kept.owner.op:
        return None
    return summed.owner.inputs[0]


def _pair(var, op_class, test):
    """(a, b) when `var` is `op_class(a, b)` or `op_class(b, a)` with `test(b)`, else None."""
    args = _inner(var, op_class)
    if not args or len(args) != 2:
        return None
    for a, b in (args, args[::-1]):
        if test(b):
            return a, b
    return None


@rewrites.register("stabilize")
@node_rewriter(sm.Mul, name="log_softmax_grad")
def log_softmax_grad(fgraph: FunctionGraph, node: Apply):
    """softmax's gradient of `r`, (r - sum(r * s)) * s with s = softmax(z), where `r`
    divides by s: for log(softmax(z)) (r = g / s) it becomes log_softmax's gradient,
    g - s * sum(g), finite where a probability underflows to 0; for
    crossentropy_1hot(softmax(z), y) (r = its gradient) it becomes
    crossentropy_softmax_1hot's. The gradient was built before `log_softmax` and
    `crossentropy_softmax` rewrote the forward pass."""
    found = _pair(node.outputs[0], sm.Mul, lambda v: _is_op(v, Softmax))
    if found is None:
        return None
    difference, s = found
    parts = _inner(difference, sm.Sub)
    if not parts:
        return None
    r, kept = parts
    product = _row_sum_of(kept, s)
    if product is None or _pair(product, sm.Mul, lambda v: v is s) != (r, s):
        return None
    ratio = _inner(r, sm.TrueDiv)
    if ratio and ratio[1] is s and ratio[0].ndim <= s.ndim:
        g = ratio[0]
        if not same_shape(g, s):  # g / s broadcast g: sum what it broadcast to
            g = broadcast_to(g, shape(s))
        axis = s.owner.op.axis
        return _keep_if_fits(g - s * keep_dims(Sum(axis)(g), s.ndim, axis), node.outputs[0])
    z = softmax_logits(s)
    if z is not None and _is_op(r, CrossentropyCategorical1HotGrad):
        g, p, y = r.owner.inputs
        if p is s:
            return _keep_if_fits(CrossentropySoftmax1HotDx()(g, z, y), node.outputs[0])
    return None


@rewrites.register("stabilize")
@node_rewriter(AdvancedSubtensor, name="crossentropy_softmax_indexed")
def crossentropy_softmax_indexed(fgraph: FunctionGraph, node: Apply):
    """log_softmax(z)[arange(y.shape[0]), y] -> -crossentropy_softmax_1hot(z, y): the loss
    of Theano's logistic-regression tutorial, `-mean(log(p)[arange(y.shape[0]), y])`, in
    one op. Like Theano's rewrite it asks one label per row of z, in [0, classes): fewer
    labels than rows, or a negative label, now stops with the fused op's error instead
    of reading the first rows or counting from the end."""
    if not _by_label(node) or not _is_op(node.inputs[0], LogSoftmax):
        return None
    x, _, labels = node.inputs
    if x.owner.op.axis != (1,):
        return None
    z = x.owner.inputs[0]
    return _keep_if_fits(-CrossentropySoftmax1Hot()(z, labels), node.outputs[0])


@rewrites.register("stabilize")
@node_rewriter(sm.Sub, name="crossentropy_softmax_indexed_grad")
def crossentropy_softmax_indexed_grad(fgraph: FunctionGraph, node: Apply):
    """The gradient of `crossentropy_softmax_indexed`'s loss as built before it, g - s *
    sum(g) with s = softmax(z) and g zeros with c added at [arange(y.shape[0]), y]:
    -c times crossentropy_softmax_1hot's gradient, CrossentropySoftmax1HotDx(-c, z, y)."""
    g, product = node.inputs
    found = _pair(product, sm.Mul, lambda v: _is_op(v, Softmax))
    if found is None or not _is_op(g, AdvancedIncSubtensor):
        return None
    kept, s = found
    z = softmax_logits(s)
    if z is None or _row_sum_of(kept, s) is not g:
        return None
    if not _by_label(g.owner) or not _zeros_like(g.owner.inputs[0], z):
        return None
    _, c, _, labels = g.owner.inputs
    return _keep_if_fits(CrossentropySoftmax1HotDx()(-c, z, labels), node.outputs[0])


def _zeros_like(zeros, z) -> bool:
    """True when `zeros` is 0 broadcast to a shape sure to be z's."""
    if not _is_op(zeros, BroadcastTo) or not is_size_one_constant(zeros.owner.inputs[0], 0):
        return False
    return same_shape(zeros, z)
