"""Canonicalize: the algebra a learner expects to see simplified, and one spelling for each form.

`x / x` is deliberately not simplified: it is 1 only where x is finite and non-zero,
which a graph cannot promise about its inputs (constants are folded exactly instead).

Canonical forms come first so that later rules (stabilize) see one spelling:
`-s + 1`, `1 + (-1) * s` and `1 - s` all become `sub(1, s)`; constants move to the
left of products and sums, and chains of constants fold together.
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

import numpy as np

from tensorlab import scalar as sm
from tensorlab.graph.basic import Apply, Constant, Variable
from tensorlab.graph.fgraph import FunctionGraph
from tensorlab.rewrite.engine import node_rewriter, rewrites
from tensorlab.tensor.dimshuffle import DimShuffle, dimshuffle
from tensorlab.tensor.elemwise import Elemwise
from tensorlab.tensor.math import cast
from tensorlab.tensor.nnet import LogSoftmax, Softmax
from tensorlab.tensor.reduction import Sum, prod
from tensorlab.tensor.reshape import Reshape
from tensorlab.tensor.shape import BroadcastTo, Shape, SumToShape, static_lengths
from tensorlab.tensor.subtensor import AdvancedIncSubtensor, IncSubtensor
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
    """(-1) * x -> neg(x), for x of a dtype that has a negation (not bool)."""
    for position in (0, 1):
        other = node.inputs[1 - position]
        if (
            other.dtype != "bool"  # (-1) * True is -1; neg refuses booleans, as NumPy does
            and is_size_one_constant(node.inputs[position], -1)
            and node.inputs[position].ndim <= other.ndim
        ):
            return _keep_if_fits(_neg(other), node.outputs[0])
    return None


@rewrites.register("canonicalize", "fast_compile")
@node_rewriter(sm.Sub, name="zero_minus")
def zero_minus(fgraph: FunctionGraph, node: Apply):
    """0 - x -> neg(x), for x of a dtype that has a negation (not bool)."""
    zero, x = node.inputs
    if x.dtype != "bool" and is_size_one_constant(zero, 0) and zero.ndim <= x.ndim:
        return _keep_if_fits(_neg(x), node.outputs[0])
    return None


@rewrites.register("canonicalize", "fast_compile")
@node_rewriter(sm.Add, name="add_neg_to_sub")
def add_neg_to_sub(fgraph: FunctionGraph, node: Apply):
    """a + neg(b) -> a - b, and neg(b) + a -> a - b."""
    a, b = node.inputs
    if _exact_negation(b, node):
        return _keep_if_fits(_sub(a, b.owner.inputs[0]), node.outputs[0])
    if _exact_negation(a, node):
        return _keep_if_fits(_sub(b, a.owner.inputs[0]), node.outputs[0])
    return None


def _exact_negation(var: Variable, node: Apply) -> bool:
    """`var` is neg(b) computed in the result's dtype (or in floats), so moving the minus
    sign into the sum changes nothing: in a narrower int, neg(-128) wraps to -128."""
    if not isinstance(scalar_op(var), sm.Neg):
        return False
    return var.dtype == node.outputs[0].dtype or sm.is_float(var.dtype)


@rewrites.register("canonicalize", "fast_compile")
@node_rewriter(sm.Sub, name="sub_neg_to_add")
def sub_neg_to_add(fgraph: FunctionGraph, node: Apply):
    """a - neg(b) -> a + b."""
    a, b = node.inputs
    if _exact_negation(b, node):
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


# Rewrites keep values, hence shapes, so a root found once stays true for the variable.
_roots: WeakKeyDictionary = WeakKeyDictionary()


# Ops whose output has their first input's shape (softmax along axes; x with a part written)
_SHAPED_LIKE_FIRST_INPUT = (Softmax, LogSoftmax, IncSubtensor, AdvancedIncSubtensor)


def _shape_sources(var: Variable) -> list[Variable]:
    """The variables whose shape decides `var`'s, as far as one node tells."""
    node = var.owner
    if node is None:
        return []
    if isinstance(node.op, BroadcastTo | SumToShape):
        source = node.inputs[1].owner
        if source is not None and isinstance(source.op, Shape):
            return [source.inputs[0]]
        return []
    if isinstance(node.op, Elemwise):
        return [x for x in node.inputs if not _cannot_widen(x, var)]
    if isinstance(node.op, _SHAPED_LIKE_FIRST_INPUT):
        return [node.inputs[0]]
    return []


def shape_root(var: Variable) -> Variable:
    """A variable sure to have `var`'s runtime shape, as far back as that can be traced.

    An elementwise output has the shape of its inputs when they all trace back to the
    same root (numbers of lower rank cannot widen it); a broadcast or a sum to
    `shape(u)` has `u`'s shape; a softmax, or x with a part written, has x's. Two variables with the same root have the same shape.
    Iterative, so deep graphs do not exhaust Python's stack.
    """
    stack = [var]
    while stack:
        current = stack[-1]
        if current in _roots:
            stack.pop()
            continue
        sources = _shape_sources(current)
        missing = [x for x in sources if x not in _roots]
        if missing:
            stack.extend(missing)
            continue
        stack.pop()
        roots = {id(_roots[x]): _roots[x] for x in sources}
        (root,) = roots.values() if len(roots) == 1 else (current,)
        _roots[current] = root if root.ndim == current.ndim else current
    return _roots[var]


def same_shape(a: Variable, b: Variable) -> bool:
    """True when `a` and `b` are sure to have the same runtime shape."""
    if a.ndim != b.ndim:
        return False
    if None not in a.type.shape and a.type.shape == b.type.shape:
        return True
    return shape_root(a) is shape_root(b)


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
@node_rewriter(SumToShape, name="sum_to_scalar")
def sum_to_scalar(fgraph: FunctionGraph, node: Apply):
    """Summing down to a 0-d shape is a plain total over every axis."""
    g, shape = node.inputs
    if shape.type.shape == (0,):
        return _keep_if_fits(Sum(tuple(range(g.ndim)))(g), node.outputs[0])
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


@rewrites.register("canonicalize", "fast_compile")
@node_rewriter(sm.Switch, name="switch_on_constant")
def switch_on_constant(fgraph: FunctionGraph, node: Apply):
    """switch(c, a, b) with c a constant all true (all false) -> a (b), where shapes allow."""
    condition, a, b = node.inputs
    if not isinstance(condition, Constant) or condition.ndim > node.outputs[0].ndim:
        return None
    if condition.data.all():
        chosen = a
    elif not condition.data.any():
        chosen = b
    else:
        return None
    out = node.outputs[0]
    if chosen.dtype != out.dtype or not same_shape(chosen, out):
        return None
    return _keep_if_fits(chosen, out)


@rewrites.register("canonicalize", "fast_compile")
@node_rewriter(Sum, name="sum_of_broadcast")
def sum_of_broadcast(fgraph: FunctionGraph, node: Apply):
    """sum(broadcast_to(c, shape)) over every axis -> c * size, for a number c.

    This is what the gradient of a total leaves behind (`broadcast_to(1.0, shape(x))`);
    one multiplication replaces a tensor of copies and its sum.
    """
    (x,) = node.inputs
    owner = x.owner
    if owner is None or not isinstance(owner.op, BroadcastTo) or len(node.op.axis) != x.ndim:
        return None
    value, lengths = owner.inputs
    if value.ndim != 0:
        return None
    dtype = node.outputs[0].type.dtype
    return _keep_if_fits(cast(value, dtype) * cast(prod(lengths), dtype), node.outputs[0])


@rewrites.register("canonicalize", "fast_compile")
@node_rewriter(Reshape, name="reshape_chain")
def reshape_chain(fgraph: FunctionGraph, node: Apply):
    """reshape(reshape(x, a), b) -> reshape(x, b), and reshape(x, shape(x)) -> x."""
    x, lengths = node.inputs
    source = lengths.owner
    if source is not None and isinstance(source.op, Shape) and source.inputs[0] is x:
        return [x]
    if x.owner is not None and isinstance(x.owner.op, Reshape):
        return _keep_if_fits(node.op(x.owner.inputs[0], lengths), node.outputs[0])
    return None
