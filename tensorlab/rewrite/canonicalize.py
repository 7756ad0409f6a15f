"""Canonicalize: the algebra a learner expects to see simplified, and one spelling for each form.

Canonical forms come first so that later rules (stabilize) see one spelling:
`-s + 1`, `1 + (-1) * s` and `1 - s` all become `sub(1, s)`; constants move to the
left of products and sums, and chains of constants fold together.
"""

from __future__ import annotations

import numpy as np

from tensorlab import scalar as sm
from tensorlab.graph.basic import Apply, Constant, Variable
from tensorlab.graph.fgraph import FunctionGraph
from tensorlab.rewrite.engine import node_rewriter, rewrites
from tensorlab.tensor.dimshuffle import DimShuffle, dimshuffle
from tensorlab.tensor.elemwise import Elemwise
from tensorlab.tensor.shape import BroadcastTo, Shape, SumToShape, static_lengths
from tensorlab.tensor.variable import TensorConstant


def scalar_op(var: Variable):
    """The scalar op of the elementwise node computing `var`, or None."""
    node = var.owner
    return getattr(node.op, "scalar_op", None) if node is not None else None


def is_size_one_constant(var: Variable, value: float | None = None) -> bool:
    """A constant holding one number (any rank), equal to `value` if given."""
    if not isinstance(var, Constant) or var.data.size != 1:
        return False
    return value is None or bool(var.data.reshape(()) == value)


def same_type(candidate: Variable, old: Variable) -> bool:
    """True when `candidate` can stand for `old`: same dtype and rank, compatible shape."""
    return (
        candidate.type.dtype == old.type.dtype
        and candidate.type.ndim == old.type.ndim
        and all(
            a is None or b is None or a == b for a, b in zip(candidate.type.shape, old.type.shape)
        )
    )


def _keep_if_fits(candidate: Variable, old: Variable):
    return [candidate] if same_type(candidate, old) else None


def _neutral(node: Apply, op_class: type, value: float, positions: tuple[int, ...]):
    """`x op neutral` -> x, for a neutral element at one of `positions`."""
    if not isinstance(node.op.scalar_op, op_class):
        return None
    for position in positions:
        other = node.inputs[1 - position]
        if (
            is_size_one_constant(node.inputs[position], value)
            and node.inputs[position].ndim <= other.ndim
        ):
            return _keep_if_fits(other, node.outputs[0])
    return None


@rewrites.register("canonicalize", "fast_compile")
@node_rewriter(sm.Mul, name="mul_by_one")
def mul_by_one(fgraph: FunctionGraph, node: Apply):
    return _neutral(node, sm.Mul, 1, (0, 1))


@rewrites.register("canonicalize", "fast_compile")
@node_rewriter(sm.Add, name="add_zero")
def add_zero(fgraph: FunctionGraph, node: Apply):
    return _neutral(node, sm.Add, 0, (0, 1))


@rewrites.register("canonicalize", "fast_compile")
@node_rewriter(sm.Sub, name="sub_zero")
def sub_zero(fgraph: FunctionGraph, node: Apply):
    return _neutral(node, sm.Sub, 0, (1,))


@rewrites.register("canonicalize", "fast_compile")
@node_rewriter(sm.TrueDiv, name="div_by_one")
def div_by_one(fgraph: FunctionGraph, node: Apply):
    return _neutral(node, sm.TrueDiv, 1, (1,))


@rewrites.register("canonicalize", "fast_compile")
@node_rewriter(sm.Pow, name="pow_one")
def pow_one(fgraph: FunctionGraph, node: Apply):
    return _neutral(node, sm.Pow, 1, (1,))


_neg = Elemwise(sm.neg)
_sub = Elemwise(sm.sub)


@rewrites.register("canonicalize", "fast_compile")
@node_rewriter(sm.Identity, name="remove_identity")
def remove_identity(fgraph: FunctionGraph, node: Apply):
    """identity(x) -> x: a copy is a name for the reader, not work for the machine."""
    return _keep_if_fits(node.inputs[0], node.outputs[0])


@rewrites.register("canonicalize", "fast_compile")
@node_rewriter(sm.Neg, name="neg_neg")
def neg_neg(fgraph: FunctionGraph, node: Apply):
    (x,) = node.inputs
    if isinstance(scalar_op(x), sm.Neg):
        return _keep_if_fits(x.owner.inputs[0], node.outputs[0])
    return None


@rewrites.register("canonicalize", "fast_compile")
@node_rewriter(sm.Mul, name="mul_minus_one")
def mul_minus_one(fgraph: FunctionGraph, node: Apply):
    """(-1) * x -> neg(x)."""
    for position in (0, 1):
        other = node.inputs[1 - position]
        if (
            is_size_one_constant(node.inputs[position], -1)
            and node.inputs[position].ndim <= other.ndim
        ):
            return _keep_if_fits(_neg(other), node.outputs[0])
    return None


@rewrites.register("canonicalize", "fast_compile")
@node_rewriter(sm.Sub, name="zero_minus")
def zero_minus(fgraph: FunctionGraph, node: Apply):
    """0 - x -> neg(x)."""
    zero, x = node.inputs
    if is_size_one_constant(zero, 0) and zero.ndim <= x.ndim:
        return _keep_if_fits(_neg(x), node.outputs[0])
    return None


@rewrites.register("canonicalize", "fast_compile")
@node_rewriter(sm.Add, name="add_neg_to_sub")
def add_neg_to_sub(fgraph: FunctionGraph, node: Apply):
    """a + neg(b) -> a - b, and neg(b) + a -> a - b."""
    a, b = node.inputs
    if isinstance(scalar_op(b), sm.Neg):
        return _keep_if_fits(_sub(a, b.owner.inputs[0]), node.outputs[0])
    if isinstance(scalar_op(a), sm.Neg):
        return _keep_if_fits(_sub(b, a.owner.inputs[0]), node.outputs[0])
    return None


@rewrites.register("canonicalize", "fast_compile")
@node_rewriter(sm.Sub, name="sub_neg_to_add")
def sub_neg_to_add(fgraph: FunctionGraph, node: Apply):
    """a - neg(b) -> a + b."""
    a, b = node.inputs
    if isinstance(scalar_op(b), sm.Neg):
        return _keep_if_fits(Elemwise(sm.add)(a, b.owner.inputs[0]), node.outputs[0])
    return None


@rewrites.register("canonicalize", "fast_compile")
@node_rewriter(sm.Mul, sm.Add, name="constant_first")
def constant_first(fgraph: FunctionGraph, node: Apply):
    """x * c -> c * x and x + c -> c + x: one spelling for commutative ops with a constant."""
    a, b = node.inputs
    if isinstance(b, Constant) and not isinstance(a, Constant):
        return _keep_if_fits(node.op(b, a), node.outputs[0])
    return None


@rewrites.register("canonicalize", "fast_compile")
@node_rewriter(sm.Mul, sm.Add, name="fold_constant_chain")
def fold_constant_chain(fgraph: FunctionGraph, node: Apply):
    """c1 * (c2 * x) -> (c1 * c2) * x, and the same for +: constants gather and fold.

    This reassociates, so a result may differ from the unfolded one in its last bit.
    """
    c1, inner = node.inputs
    if not (is_size_one_constant(c1) and inner.owner is not None):
        return None
    if type(scalar_op(inner)) is not type(node.op.scalar_op):
        return None
    c2, x = inner.owner.inputs
    if not is_size_one_constant(c2) or len(fgraph.clients.get(inner, ())) != 1:
        return None
    with np.errstate(all="ignore"):
        value = node.op.scalar_op.impl(c1.data.reshape(()), c2.data.reshape(()))
    folded = TensorConstant(c2.type, np.asarray(value, dtype=c2.dtype).reshape(c2.data.shape))
    return _keep_if_fits(node.op(folded, x), node.outputs[0])


@rewrites.register("canonicalize", "fast_compile")
@node_rewriter(DimShuffle, name="dimshuffle_chain")
def dimshuffle_chain(fgraph: FunctionGraph, node: Apply):
    """Two DimShuffles in a row become one (double transposes vanish)."""
    (x,) = node.inputs
    op = node.op
    if op.order == tuple(range(op.input_ndim)):
        return [x]
    if x.owner is None or not isinstance(x.owner.op, DimShuffle):
        return None
    inner = x.owner.op
    # An axis the outer op drops was a length-1 axis of the inner output: it was either
    # inserted ('x', gone now) or an input axis of length 1, dropped by the composed op.
    composed = tuple("x" if a == "x" else inner.order[a] for a in op.order)
    source = x.owner.inputs[0]
    return _keep_if_fits(dimshuffle(source, composed), node.outputs[0])


def same_shape(a: Variable, b: Variable, depth: int = 8) -> bool:
    """True when `a` and `b` are sure to have the same runtime shape.

    Known equal static shapes; `a` a broadcast to `b`'s shape; or `a` computed
    elementwise from inputs of which one has `b`'s shape and the rest cannot widen it.
    """
    if a is b:
        return True
    if a.ndim != b.ndim:
        return False
    if None not in a.type.shape and a.type.shape == b.type.shape:
        return True
    node = a.owner
    if node is None or depth <= 0:
        return False
    if isinstance(node.op, BroadcastTo):
        source = node.inputs[1].owner
        return (
            source is not None
            and isinstance(source.op, Shape)
            and same_shape(source.inputs[0], b, depth - 1)
        )
    if isinstance(node.op, Elemwise):
        sized = [x for x in node.inputs if not _cannot_widen(x, a)]
        return bool(sized) and all(same_shape(x, b, depth - 1) for x in sized)
    return False


def _cannot_widen(x: Variable, out: Variable) -> bool:
    """An elementwise input that cannot make the output bigger: one number of lower rank."""
    return x.ndim == 0 or (is_size_one_constant(x) and x.ndim <= out.ndim)


@rewrites.register("canonicalize", "fast_compile")
@node_rewriter(SumToShape, name="sum_to_same_shape")
def sum_to_same_shape(fgraph: FunctionGraph, node: Apply):
    """Summing to the shape a tensor already has is nothing."""
    g, shape = node.inputs
    target = static_lengths(shape)
    if g.ndim == len(target) and None not in target and g.type.shape == target:
        return _keep_if_fits(g, node.outputs[0])
    source = shape.owner
    if source is not None and isinstance(source.op, Shape) and same_shape(g, source.inputs[0]):
        return _keep_if_fits(g, node.outputs[0])
    return None


@rewrites.register("canonicalize", "fast_compile")
@node_rewriter(Elemwise, name="broadcast_in_elemwise")
def broadcast_in_elemwise(fgraph: FunctionGraph, node: Apply):
    """A number broadcast to the shape another input already has: use the number.

    Gradients start as `broadcast_to(1.0, shape(out))`; inside an elementwise op whose
    other input has that shape, the broadcast is work for nothing.
    """
    for i, x in enumerate(node.inputs):
        owner = x.owner
        if owner is None or not isinstance(owner.op, BroadcastTo):
            continue
        value = owner.inputs[0]
        if not (value.ndim == 0 or is_size_one_constant(value)):
            continue
        source = owner.inputs[1].owner
        if source is None or not isinstance(source.op, Shape):
            continue
        target = source.inputs[0]
        if any(
            j != i and y.ndim == x.ndim and same_shape(y, target) for j, y in enumerate(node.inputs)
        ):
            inputs = list(node.inputs)
            inputs[i] = value
            return _keep_if_fits(node.op(*inputs), node.outputs[0])
    return None
