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
"""

from __future__ import annotations

import numpy as np

from tensorlab import scalar as sm
from tensorlab.graph.basic import Apply
from tensorlab.graph.fgraph import FunctionGraph
from tensorlab.rewrite.canonicalize import _keep_if_fits, is_size_one_constant, scalar_op
from tensorlab.rewrite.engine import node_rewriter, rewrites
from tensorlab.tensor import math as tm
from tensorlab.tensor.dimshuffle import DimShuffle
from tensorlab.tensor.nnet import (
    CrossentropyCategorical1Hot,
    CrossentropySoftmax1Hot,
    LogSoftmax,
    Softmax,
    softmax_logits,
)
from tensorlab.tensor.reduction import Max, Sum, keep_dims


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
