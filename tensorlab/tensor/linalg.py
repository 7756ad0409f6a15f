"""Products of tensors: `dot`, `matmul` (the `@` operator), `outer` and `tensordot`.

`Dot` is NumPy's `np.dot` for vectors and matrices, `MatMul` is `np.matmul` with batch
axes that broadcast, and `TensorDot` is `np.tensordot`. Each sums products over pairs of
axes; lengths of those axes that are known when the graph is built are checked then,
the others when it runs, and either error names both inputs and the axes that disagree.

`tensordot` is an op of its own rather than transposes and reshapes around a `Dot`: the
graph shows one node for one formula, its gradient is two more `tensordot`s, and the
value is NumPy's own `np.tensordot`.

>>> import tensorlab.tensor as T
>>> A, v = T.matrix("A"), T.vector("v")
>>> (A @ v).eval({A: [[1.0, 2.0], [3.0, 4.0]], v: [1.0, 1.0]})
array([3., 7.])
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tensorlab.errors import AxisError, ShapeError, TypeMismatchError, describe, error
from tensorlab.graph.basic import Apply, Op, Variable
from tensorlab.graph.source import user_location
from tensorlab.scalar.basic import upcast
from tensorlab.tensor.dimshuffle import dimshuffle, transpose
from tensorlab.tensor.math import mul
from tensorlab.tensor.reshape import flatten
from tensorlab.tensor.shape import sum_to_shape
from tensorlab.tensor.type import TensorType, shape_text
from tensorlab.tensor.variable import as_tensor_variable

__all__ = ["dot", "matmul", "outer", "tensordot"]


def _labels(inputs) -> tuple[str, str]:
    """How errors name the two inputs: by their names, else by side."""
    a, b = inputs
    return a.name or "the left input", b.name or "the right input"


def _mismatch(op: Op, inputs, shapes, problem: str, expected: str, at) -> ShapeError:
    """The error for inputs whose lengths do not fit: names both, with dtypes and shapes.

    `shapes` are static (at build time, `at` the user's line) or runtime (`at` the node).
    """
    labels = _labels(inputs)
    return error(
        ShapeError,
        f"{op} cannot multiply {labels[0]} by {labels[1]}: {problem}",
        expected=expected,
        got=", ".join(
            f"{label}: {var.dtype} {shape_text(tuple(s))}"
            for label, var, s in zip(labels, inputs, shapes, strict=True)
        ),
        at=at,
    )


def _check_summed(op: Op, inputs, shapes, pairs: list[tuple[int, int]], at) -> None:
    """Raise if a pair (axis of a, axis of b) summed together has known, unequal lengths."""
    labels = _labels(inputs)
    for i, j in pairs:
        n, m = shapes[0][i], shapes[1][j]
        if n is not None and m is not None and n != m:
            problem = f"axis {i} of {labels[0]} has length {n}, axis {j} of {labels[1]} has {m}"
            summed = ", ".join(
                f"axis {i} of {labels[0]} with axis {j} of {labels[1]}" for i, j in pairs
            )
            raise _mismatch(op, inputs, shapes, problem, f"equal lengths when summing {summed}", at)


def _product(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """np.dot of matrices and vectors, computed by np.matmul: np.dot multiplies by a 1x1
    operand with BLAS's axpy, which skips the product when that operand is 0, so
    np.dot([[nan]], [[0.0]]) is [[0.0]]. np.matmul, like the compiled backends' BLAS
    calls, gives nan, as IEEE arithmetic does."""
    return np.asarray(np.matmul(a, b))


@dataclass(frozen=True)
class Dot(Op):
    """NumPy's `dot` of vectors and matrices: sum over the last axis of a and the first of b.

    forward:   out[i, j] = sum_k a[i, k] * b[k, j]   (a vector has no i, or no j)
    gradient:  ga = gout . b^T,  gb = a^T . gout      (outer products where vectors meet)
    """

    def make_node(self, a, b) -> Apply:
        a, b = as_tensor_variable(a), as_tensor_variable(b)
        if a.ndim not in (1, 2) or b.ndim not in (1, 2):
            raise error(
                TypeMismatchError,
                f"{self} takes vectors and matrices",
                got=f"{describe(a)}, {describe(b)}",
                at=user_location(),
                hint="T.dot handles scalars and higher ranks (as np.dot does)",
            )
        shapes = (a.type.shape, b.type.shape)
        _check_summed(self, (a, b), shapes, [(a.ndim - 1, 0)], user_location())
        out = TensorType(upcast(a.dtype, b.dtype), a.type.shape[:-1] + b.type.shape[1:])
        return Apply(self, [a, b], [out()])

    def perform(self, node: Apply, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        _check_summed(self, node.inputs, (a.shape, b.shape), [(a.ndim - 1, 0)], node)
        if a.ndim and b.ndim:
            return _product(a, b)  # vector . vector gives a NumPy scalar
        return np.asarray(np.dot(a, b))

    def grad(self, inputs, outputs, gouts):
        (a, b), (gout,) = inputs, gouts
        if a.ndim == 1 and b.ndim == 1:
            return [gout * b, gout * a]
        if b.ndim == 1:
            return [outer(gout, b), dot(transpose(a), gout)]
        if a.ndim == 1:
            return [dot(b, gout), outer(a, gout)]
        return [dot(gout, transpose(b)), dot(transpose(a), gout)]


_dot = Dot()


def _batch_problem(inputs, shapes) -> str | None:
    """The first pair of batch axes (aligned from the right) that cannot broadcast."""
    batch_a, batch_b = tuple(shapes[0][:-2]), tuple(shapes[1][:-2])
    labels = _labels(inputs)
    for back in range(1, min(len(batch_a), len(batch_b)) + 1):
        n, m = batch_a[-back], batch_b[-back]
        if None not in (n, m) and n != m and 1 not in (n, m):
            return (
                f"batch axis {len(batch_a) - back} of {labels[0]} has length {n}, "
                f"batch axis {len(batch_b) - back} of {labels[1]} has {m}"
            )
    return None


def _check_matmul(op: Op, inputs, shapes, at) -> None:
    (a_shape, b_shape) = shapes
    _check_summed(op, inputs, shapes, [(len(a_shape) - 1, max(len(b_shape) - 2, 0))], at)
    problem = _batch_problem(inputs, shapes)
    if problem is not None:
        expected = "batch lengths that broadcast: equal, or 1 (axes aligned from the right)"
        raise _mismatch(op, inputs, shapes, problem, expected, at)


def _batch_shape(a_batch: tuple, b_batch: tuple) -> tuple:
    """Broadcast static batch lengths: a length-1 axis may repeat, an unknown one may be 1."""
    ndim = max(len(a_batch), len(b_batch))
    padded = [(1,) * (ndim - len(s)) + s for s in (a_batch, b_batch)]
    shape = []
    for n, m in zip(*padded, strict=True):
        known = {k for k in (n, m) if k is not None and k != 1}
        shape.append(known.pop() if known else None if None in (n, m) else 1)
    return tuple(shape)


def _swap_last(x: Variable) -> Variable:
    """`x` with its last two axes exchanged: a batch of matrices, each transposed."""
    return dimshuffle(x, (*range(x.ndim - 2), x.ndim - 1, x.ndim - 2))


@dataclass(frozen=True)
class MatMul(Op):
    """NumPy's `matmul` (the `@` operator): matrix products batched over the leading axes.

    Batch axes broadcast as in NumPy. A vector acts as a row on the left and a column on
    the right, and that axis is left out of the result.

    forward:   out[..., i, j] = sum_k a[..., i, k] * b[..., k, j]
    gradient:  ga = gout @ swap(b),  gb = swap(a) @ gout   (swap: exchange the last two
               axes), each summed back over the batch axes its input was broadcast along
    """

    def make_node(self, a, b) -> Apply:
        a, b = as_tensor_variable(a), as_tensor_variable(b)
        if a.ndim == 0 or b.ndim == 0:
            raise error(
                TypeMismatchError,
                f"{self} takes tensors of at least one dimension",
                got=f"{describe(a)}, {describe(b)}",
                at=user_location(),
                hint="multiply by a scalar with *",
            )
        a_shape, b_shape = a.type.shape, b.type.shape
        _check_matmul(self, (a, b), (a_shape, b_shape), user_location())
        rows = a_shape[-2:-1]  # none for a vector on the left
        columns = b_shape[-1:] if b.ndim > 1 else ()  # none for a vector on the right
        shape = _batch_shape(a_shape[:-2], b_shape[:-2]) + rows + columns
        return Apply(self, [a, b], [TensorType(upcast(a.dtype, b.dtype), shape)()])

    def perform(self, node: Apply, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        _check_matmul(self, node.inputs, (a.shape, b.shape), node)
        return np.asarray(np.matmul(a, b))  # vector @ vector gives a NumPy scalar

    def grad(self, inputs, outputs, gouts):
        (a, b), (gout,) = inputs, gouts
        # Make vectors matrices (a row on the left, a column on the right), and put the
        # axes they lost back into gout; then every case is a batch of matrix products.
        a2 = dimshuffle(a, ("x", 0)) if a.ndim == 1 else a
        b2 = dimshuffle(b, (0, "x")) if b.ndim == 1 else b
        pattern: list = list(range(gout.ndim))
        if a.ndim == 1:  # the rows axis: before the columns, or last if b is a vector too
            pattern.insert(len(pattern) - 1 if b.ndim > 1 else len(pattern), "x")
        if b.ndim == 1:
            pattern.append("x")
        g2 = dimshuffle(gout, tuple(pattern))
        ga, gb = _matmul(g2, _swap_last(b2)), _matmul(_swap_last(a2), g2)
        if g2.ndim > 2:  # batched: sum over the batch axes each input was repeated along
            ga, gb = sum_to_shape(ga, a2), sum_to_shape(gb, b2)
        if a.ndim == 1:
            ga = dimshuffle(ga, (1,))
        if b.ndim == 1:
            gb = dimshuffle(gb, (0,))
        return [ga, gb]


_matmul = MatMul()


@dataclass(frozen=True)
class TensorDot(Op):
    """NumPy's `tensordot`: sum of products over pairs of axes of a and b.

    forward:   out[I, J] = sum_K a[I, K] * b[K, J]   (K: the pairs (axes_a[k], axes_b[k]);
               I: a's other axes in order, then J: b's other axes in order)
    gradient:  ga = tensordot(gout, b) over the J axes, gb = tensordot(a, gout) over the
               I axes, each with its axes put back in its input's order
    """

    axes_a: tuple[int, ...]  # non-negative, paired with axes_b in order
    axes_b: tuple[int, ...]

    def make_node(self, a, b) -> Apply:
        a, b = as_tensor_variable(a), as_tensor_variable(b)
        if (
            len(self.axes_a) != len(self.axes_b)
            or any(i >= a.ndim for i in self.axes_a)
            or any(i >= b.ndim for i in self.axes_b)
        ):
            raise error(
                AxisError,
                f"{self} does not fit its inputs",
                expected="as many axes of a as of b, each within its input's dimensions",
                got=f"{describe(a)}, {describe(b)}",
                at=user_location(),
            )
        a_shape, b_shape = a.type.shape, b.type.shape
        _check_summed(self, (a, b), (a_shape, b_shape), self.pairs, user_location())
        shape = tuple(a_shape[i] for i in self.free(a.ndim, self.axes_a))
        shape += tuple(b_shape[i] for i in self.free(b.ndim, self.axes_b))
        return Apply(self, [a, b], [TensorType(upcast(a.dtype, b.dtype), shape)()])

    @property
    def pairs(self) -> list[tuple[int, int]]:
        return list(zip(self.axes_a, self.axes_b, strict=True))

    @staticmethod
    def free(ndim: int, axes: tuple[int, ...]) -> list[int]:
        return [i for i in range(ndim) if i not in axes]

    def perform(self, node: Apply, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        _check_summed(self, node.inputs, (a.shape, b.shape), self.pairs, node)
        # np.tensordot's own steps, with `_product` where it calls np.dot
        free_a, free_b = self.free(a.ndim, self.axes_a), self.free(b.ndim, self.axes_b)
        rows, columns = (math.prod(x.shape[i] for i in f) for x, f in ((a, free_a), (b, free_b)))
        summed = math.prod(a.shape[i] for i in self.axes_a)
        a_mat = a.transpose(free_a + list(self.axes_a)).reshape(rows, summed)
        b_mat = b.transpose(list(self.axes_b) + free_b).reshape(summed, columns)
        shape = [a.shape[i] for i in free_a] + [b.shape[j] for j in free_b]
        return _product(a_mat, b_mat).reshape(shape)

    def grad(self, inputs, outputs, gouts):
        (a, b), (gout,) = inputs, gouts
        free_a, free_b = self.free(a.ndim, self.axes_a), self.free(b.ndim, self.axes_b)
        n_free_a = len(free_a)
        # gout's axes are I then J. Summing J away against b leaves I, then b's summed
        # axes in b's order, each standing for its partner axis of a.
        ga = TensorDot(tuple(range(n_free_a, gout.ndim)), tuple(free_b))(gout, b)
        partners_a = [a_axis for _, a_axis in sorted(zip(self.axes_b, self.axes_a))]
        ga_axes = free_a + partners_a
        # Summing I away against a leaves a's summed axes in a's order (standing for their
        # partners in b), then J.
        gb = TensorDot(tuple(free_a), tuple(range(n_free_a)))(a, gout)
        partners_b = [b_axis for _, b_axis in sorted(zip(self.axes_a, self.axes_b))]
        gb_axes = partners_b + free_b
        return [
            dimshuffle(ga, tuple(ga_axes.index(i) for i in range(a.ndim))),
            dimshuffle(gb, tuple(gb_axes.index(i) for i in range(b.ndim))),
        ]

    def __str__(self) -> str:
        return f"TensorDot{{axes=({list(self.axes_a)}, {list(self.axes_b)})}}"


def dot(a, b) -> Variable:
    """NumPy's `dot` (Theano's `T.dot`): vector . vector is a scalar, matrix . vector a vector.

    A scalar multiplies elementwise; for higher ranks, the last axis of `a` is summed with
    the second-to-last of `b` (its only axis if a vector), as `tensordot`, equal to
    `np.dot`'s value up to rounding.

    >>> import tensorlab.tensor as T
    >>> x, y = T.vector("x"), T.vector("y")
    >>> dot(x, y).eval({x: [1.0, 2.0], y: [3.0, 4.0]})
    array(11.)
    """
    a, b = as_tensor_variable(a), as_tensor_variable(b)
    if a.ndim == 0 or b.ndim == 0:
        return mul(a, b)
    if a.ndim <= 2 and b.ndim <= 2:
        return _dot(a, b)
    return TensorDot((a.ndim - 1,), (max(b.ndim - 2, 0),))(a, b)


def matmul(a, b) -> Variable:
    """NumPy's `matmul`, the `@` operator: matrix products, batched over leading axes.

    >>> import tensorlab.tensor as T
    >>> A = T.tensor3("A")
    >>> B = T.matrix("B")
    >>> matmul(A, B).eval({A: [[[1.0, 2.0]], [[3.0, 4.0]]], B: [[1.0], [1.0]]})
    array([[[3.]],
    <BLANKLINE>
           [[7.]]])
    """
    return _matmul(a, b)


def outer(a, b) -> Variable:
    """NumPy's `outer`: out[i, j] = a[i] * b[j], inputs flattened first.

    >>> import tensorlab.tensor as T
    >>> x, y = T.vector("x"), T.vector("y")
    >>> outer(x, y).eval({x: [1.0, 2.0], y: [3.0, 4.0, 5.0]})
    array([[ 3.,  4.,  5.],
           [ 6.,  8., 10.]])
    """
    a, b = (as_tensor_variable(v) for v in (a, b))
    a, b = (v if v.ndim == 1 else flatten(v) for v in (a, b))
    return mul(dimshuffle(a, (0, "x")), dimshuffle(b, ("x", 0)))


def tensordot(a, b, axes: int | Sequence = 2) -> Variable:
    """NumPy's `tensordot`: sum of products over `axes` of `a` and `b`.

    `axes` is an int n (the last n axes of `a` with the first n of `b`, in order) or a
    pair `(axes_of_a, axes_of_b)` of ints or sequences, negatives allowed.

    >>> import numpy as np
    >>> import tensorlab.tensor as T
    >>> a, b = T.tensor3("a"), T.matrix("b")
    >>> tensordot(a, b, axes=([1, 2], [0, 1])).eval({a: np.ones((2, 3, 4)), b: np.ones((3, 4))})
    array([12., 12.])
    """
    a, b = as_tensor_variable(a), as_tensor_variable(b)
    if isinstance(axes, int | np.integer):
        if not 0 <= axes <= min(a.ndim, b.ndim):
            raise error(
                AxisError,
                f"tensordot cannot sum over {axes} axes of each input",
                expected=f"0..{min(a.ndim, b.ndim)}",
                got=f"{describe(a)}, {describe(b)}",
                at=user_location(),
            )
        pair = (tuple(range(a.ndim - axes, a.ndim)), tuple(range(int(axes))))
    else:
        try:
            axes_a, axes_b = axes
        except (TypeError, ValueError) as err:
            raise error(
                AxisError,
                "tensordot needs axes as an int or a pair (axes of a, axes of b)",
                got=repr(axes),
                at=user_location(),
            ) from err
        pair = (_axis_list(a, axes_a), _axis_list(b, axes_b))
    return TensorDot(*pair)(a, b)


def _axis_list(x: Variable, axes) -> tuple[int, ...]:
    axes = (axes,) if isinstance(axes, int | np.integer) else tuple(axes)
    bad = [i for i in axes if not isinstance(i, int | np.integer) or not -x.ndim <= i < x.ndim]
    normalized = tuple(int(i) % x.ndim for i in axes if i not in bad)
    if bad or len(set(normalized)) != len(normalized):
        raise error(
            AxisError,
            f"tensordot: axes {axes} do not fit a {x.ndim}-d input",
            expected=f"distinct axes in -{x.ndim}..{x.ndim - 1}",
            got=describe(x),
            at=user_location(),
        )
    return normalized
