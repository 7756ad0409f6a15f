"""Reverse-mode differentiation: `grad`, `Lop`, `jacobian`, `hessian`, `verify_grad`.

Gradients are graphs built from the same ops as the forward pass, so they can be drawn,
rewritten, compiled and differentiated again.

>>> import tensorlab as tl
>>> import tensorlab.tensor as T
>>> x = T.vector("x")
>>> gx = grad((x ** 2).sum(), x)
>>> gx.eval({x: [1.0, 2.0, 3.0]})
array([2., 4., 6.])
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from tensorlab.errors import (
    DisconnectedInputError,
    GradientError,
    NotDifferentiableError,
    TypeMismatchError,
    describe,
    error,
)
from tensorlab.graph.basic import NotDifferentiable, Variable
from tensorlab.graph.source import at_callers_line, user_location
from tensorlab.graph.traversal import toposort
from tensorlab.scalar.basic import is_float
from tensorlab.tensor.shape import broadcast_to, shape
from tensorlab.tensor.variable import TensorVariable, as_tensor_variable


def _zeros_like(x: Variable, dtype: str | None = None) -> TensorVariable:
    from tensorlab.config import config

    dtype = dtype or (x.dtype if is_float(x.dtype) else config.floatX)
    return broadcast_to(np.zeros((), dtype=dtype), shape(x))


def _total(parts: list[Variable], like: Variable) -> Variable:
    """The sum of gradient contributions, in `like`'s float dtype."""
    total = parts[0]
    for part in parts[1:]:
        total = total + part
    if is_float(like.dtype) and total.dtype != like.dtype:
        from tensorlab.tensor.math import cast

        total = cast(total, like.dtype)
    return total


@at_callers_line
def grad(
    cost: Variable | None,
    wrt: Variable | Sequence[Variable],
    consider_constant: Sequence[Variable] = (),
    disconnected_inputs: str = "raise",
    known_grads: dict[Variable, Any] | None = None,
    return_disconnected: str = "zero",
) -> Variable | list[Variable | None]:
    """The gradient of the scalar `cost` with respect to `wrt` (a variable or a list).

    - `consider_constant`: variables treated as constants (no gradient flows through them).
    - `disconnected_inputs`: `"raise"`, `"warn"` or `"ignore"` when `cost` does not depend
      on a variable in `wrt`; then `return_disconnected` gives `"zero"` (zeros of its shape)
      or `"none"` (`None`).
    - `known_grads`: `{variable: its gradient}` to start from instead of (or besides)
      `cost`, for chaining gradients through code written elsewhere.

    Integer and boolean variables get a zero gradient, as in Theano. Subgradients are
    used at kinks: `abs` and `relu` have gradient 0 at 0, ties of `max` share theirs.
    """
    location = user_location()
    single = not isinstance(wrt, list | tuple)
    wrt_list = [wrt] if single else list(wrt)
    for var in wrt_list:
        if not isinstance(var, Variable):
            raise error(
                TypeMismatchError,
                "grad() takes variables to differentiate by",
                got=describe(var),
                at=location,
            )

    seeds: dict[Variable, list[Variable]] = {}
    if cost is not None:
        cost = as_tensor_variable(cost)
        if cost.ndim != 0:
            raise error(
                TypeMismatchError,
                f"grad() needs a scalar cost, but {cost} is a {cost.type.kind}",
                expected="a 0-d cost",
                got=describe(cost),
                at=location,
                hint="reduce it first, for example cost.sum() or cost.mean()",
            )
        if is_float(cost.dtype):
            seeds[cost] = [as_tensor_variable(np.ones((), dtype=cost.dtype))]
    for var, value in (known_grads or {}).items():
        value = as_tensor_variable(value)
        if value.ndim != var.ndim:
            raise error(
                TypeMismatchError,
                f"the known gradient of {var} has {value.ndim} dimensions, not {var.ndim}",
                got=describe(value),
                at=location,
            )
        seeds.setdefault(var, []).append(value)
    if cost is None and not seeds:
        raise error(TypeMismatchError, "grad() needs a cost or known_grads", at=location)

    roots = list(seeds)
    constant = set(consider_constant)
    nodes = toposort(roots, constant)
    # Which variables depend on a wrt variable: only their gradients are worth building.
    reaches = set(wrt_list)
    in_graph = set(roots)  # every variable the cost is computed from
    for node in nodes:
        in_graph.update(node.inputs)
        if any(x in reaches and x not in constant for x in node.inputs):
            # No gradient flows through an integer or boolean value (isnan(x), x > 0).
            reaches.update(out for out in node.outputs if is_float(out.dtype))

    contributions = {var: list(parts) for var, parts in seeds.items()}
    for node in reversed(nodes):
        if not any(out in reaches for out in node.outputs):
            continue
        gouts = [
            _total(contributions[out], out) if contributions.get(out) else None
            for out in node.outputs
        ]
        if all(g is None for g in gouts) or not any(is_float(o.dtype) for o in node.outputs):
            continue  # no gradient arrives, or it stops at integer outputs
        gouts = [
            g if g is not None else _zeros_like(out)
            for g, out in zip(gouts, node.outputs, strict=True)
        ]
        input_grads = node.op.grad(list(node.inputs), list(node.outputs), gouts)
        if len(input_grads) != len(node.inputs):
            raise error(
                TypeMismatchError,
                f"{node.op}.grad returned {len(input_grads)} gradients for "
                f"{len(node.inputs)} inputs (a bug in the op)",
                at=node,
            )
        for index, (x, g) in enumerate(zip(node.inputs, input_grads, strict=True)):
            if x not in reaches or x in constant or not is_float(x.dtype) or g is None:
                continue
            if isinstance(g, NotDifferentiable):
                raise error(
                    NotDifferentiableError,
                    f"{node.op} has no gradient with respect to its input {index} ({x})",
                    got=g.reason or None,
                    at=node,
                    hint="wrap that input in consider_constant=[...] if it should not be trained",
                )
            g = as_tensor_variable(g)
            if g.ndim != x.ndim:
                raise error(
                    TypeMismatchError,
                    f"{node.op}.grad gave input {index} a gradient of {g.ndim} dimensions "
                    f"for a {x.ndim}-d input (a bug in the op)",
                    at=node,
                )
            contributions.setdefault(x, []).append(g)

    results: list[Variable | None] = []
    for var in wrt_list:
        parts = contributions.get(var)
        if parts and is_float(var.dtype):
            results.append(_total(parts, var))
            continue
        if not is_float(getattr(var, "dtype", "float64")):
            results.append(_zeros_like(var))  # integers: zero gradient, as Theano did
            continue
        if var in in_graph and var not in constant:
            # Connected, but only through ops with a zero gradient (floor, round, a
            # comparison): the gradient is zero, as in Theano, not an error.
            results.append(_zeros_like(var))
            continue
        # Not in the cost's graph at all, or held constant.
        message = error(
            DisconnectedInputError,
            f"the cost does not depend on {var}",
            got=f"grad(cost, {var}) where {var} is not in the cost's graph"
            + (" (it is listed in consider_constant)" if var in constant else ""),
            at=location,
            hint="pass disconnected_inputs='ignore' to get zeros instead",
        )
        if disconnected_inputs == "raise":
            raise message
        if disconnected_inputs == "warn":
            warnings.warn(str(message), stacklevel=2)
        results.append(_zeros_like(var) if return_disconnected == "zero" else None)
    return results[0] if single else results


def Lop(f: Variable, wrt: Variable | Sequence[Variable], eval_points: Variable) -> Any:
    """Vector-Jacobian product: `eval_points` (shaped like `f`) times d f / d wrt."""
    return grad(None, wrt, known_grads={f: eval_points}, disconnected_inputs="ignore")


def Rop(f: Variable, wrt: Variable, eval_point: Variable) -> Variable:
    """Jacobian-vector product: d f / d wrt times `eval_point` (shaped like `wrt`).

    Built from two reverse passes: the vector-Jacobian product with a stand-in `u` is
    linear in `u`, so its gradient with respect to `u` is J @ eval_point.

    >>> import tensorlab.tensor as T
    >>> x, v = T.vector("x"), T.vector("v")
    >>> Rop(x ** 2, x, v).eval({x: [1.0, 2.0], v: [1.0, 1.0]})
    array([2., 4.])
    """
    from tensorlab.graph.traversal import clone_graph, graph_inputs

    f = as_tensor_variable(f)
    u = f.type("u")
    vjp = Lop(f, wrt, u)
    jvp = grad((vjp * eval_point).sum(), u)
    # The result does not depend on u's values, only on its shape, which is f's.
    return clone_graph([jvp], replace={u: f}, keep=graph_inputs([jvp]))[jvp]


def jacobian(expression: Variable, wrt: Variable | Sequence[Variable]) -> Any:
    """d expression[i] / d wrt: one row of gradients per element of a vector expression.

    The expression's length must be known when the graph is built (declare the input
    with a static shape, `T.vector("x", shape=(3,))`): the rows are built one by one.

    >>> import tensorlab.tensor as T
    >>> x = T.vector("x", shape=(2,))
    >>> jacobian(x ** 2, x).eval({x: [1.0, 3.0]})
    array([[2., 0.],
           [0., 6.]])
    """
    from tensorlab.tensor import stack

    expression = as_tensor_variable(expression)
    single = not isinstance(wrt, list | tuple)
    wrt_list = [wrt] if single else list(wrt)
    if expression.ndim == 0:
        rows = grad(expression, wrt_list, disconnected_inputs="ignore")
        return rows[0] if single else rows
    if expression.ndim != 1 or expression.type.shape[0] is None:
        raise error(
            TypeMismatchError,
            "jacobian() needs a scalar or a vector expression of known length",
            got=describe(expression),
            at=user_location(),
            hint="give the input a static shape, e.g. T.vector('x', shape=(3,))",
        )
    n = expression.type.shape[0]
    per_row = [grad(expression[i], wrt_list, disconnected_inputs="ignore") for i in range(n)]
    results = [stack([row[k] for row in per_row]) for k in range(len(wrt_list))]
    return results[0] if single else results


def hessian(cost: Variable, wrt: Variable | Sequence[Variable]) -> Any:
    """Second derivatives of a scalar `cost`: the jacobian of its gradient.

    `wrt` must have a length known when the graph is built (see `jacobian`); for large
    models use `hessian_vector_product`, which never forms the matrix.
    """
    single = not isinstance(wrt, list | tuple)
    wrt_list = [wrt] if single else list(wrt)
    results = [jacobian(grad(cost, var), var) for var in wrt_list]
    return results[0] if single else results


def hessian_vector_product(cost: Variable, wrt: Variable, vector: Variable) -> Variable:
    """H @ vector for the Hessian H of `cost` with respect to `wrt`, without forming H.

    >>> import tensorlab.tensor as T
    >>> x, v = T.vector("x"), T.vector("v")
    >>> hessian_vector_product((x ** 3).sum(), x, v).eval({x: [1.0, 2.0], v: [1.0, 1.0]})
    array([ 6., 12.])
    """
    g = grad(cost, wrt)
    return grad((g * vector).sum(), wrt)


_TOLERANCE = {"float64": (1e-6, 1e-4, 1e-4), "float32": (1e-3, 1e-2, 1e-2)}  # eps, abs, rel


def verify_grad(
    fn: Callable[..., Variable],
    points: Sequence[Any],
    rng: np.random.Generator | int | None = None,
    eps: float | None = None,
    abs_tol: float | None = None,
    rel_tol: float | None = None,
    n_tests: int = 2,
    mode: Any = None,
) -> None:
    """Check the symbolic gradient of `fn` at `points` against central finite differences.

    `fn` takes symbolic inputs shaped like `points` and returns a tensor; its output is
    projected on a random direction to get a scalar cost, so every output element is
    tested. Raises `GradientError` with the largest absolute and relative differences and
    where they occur. Tolerances default by dtype (float64: 1e-4, float32: 1e-2).

    >>> import numpy as np
    >>> import tensorlab.tensor as T
    >>> verify_grad(lambda x: T.exp(x) * x, [np.array([0.5, -1.0])], rng=0)
    """
    import tensorlab
    from tensorlab.tensor.type import TensorType

    rng = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    points = [np.array(p, dtype=p.dtype if hasattr(p, "dtype") else "float64") for p in points]
    for i, p in enumerate(points):
        if not is_float(p.dtype.name):
            raise error(
                TypeMismatchError, f"verify_grad point {i} must be a float array", got=describe(p)
            )
    inputs = [TensorType(p.dtype.name, (None,) * p.ndim)(f"input{i}") for i, p in enumerate(points)]
    output = as_tensor_variable(fn(*inputs))
    # float32 anywhere limits the precision of the whole check
    low_precision = output.dtype == "float32" or any(p.dtype == np.float32 for p in points)
    dtype = "float32" if low_precision else "float64"
    default_eps, default_abs, default_rel = _TOLERANCE[dtype]
    eps = eps or default_eps
    abs_tol = abs_tol if abs_tol is not None else default_abs
    rel_tol = rel_tol if rel_tol is not None else default_rel

    for _ in range(n_tests):
        with np.errstate(all="ignore"):
            output_shape = tensorlab.function(inputs, output, mode=mode, on_unused_input="ignore")(
                *points
            ).shape
        direction = rng.uniform(0.5, 1.5, size=output_shape) * rng.choice(
            [-1.0, 1.0], size=output_shape
        )
        cost = (output * direction.astype(output.dtype)).sum()
        cost_fn = tensorlab.function(inputs, cost, mode=mode, on_unused_input="ignore")
        grads = grad(cost, inputs, disconnected_inputs="ignore")
        grad_fn = tensorlab.function(inputs, grads, mode=mode, on_unused_input="ignore")
        symbolic = grad_fn(*points)
        for index, (point, analytic) in enumerate(zip(points, symbolic, strict=True)):
            numeric = _finite_differences(cost_fn, points, index, eps)
            _compare(analytic, numeric, index, point, abs_tol, rel_tol)


def _finite_differences(cost_fn, points: list[np.ndarray], index: int, eps: float) -> np.ndarray:
    point = points[index]
    numeric = np.zeros(point.shape, dtype=np.float64)
    for flat in range(point.size):
        shifted = []
        for sign in (1.0, -1.0):
            moved = point.copy()
            moved.flat[flat] += sign * eps
            args = list(points)
            args[index] = moved
            shifted.append(float(cost_fn(*args)))
        numeric.flat[flat] = (shifted[0] - shifted[1]) / (2 * eps)
    return numeric


def _compare(analytic, numeric, index: int, point, abs_tol: float, rel_tol: float) -> None:
    analytic = np.asarray(analytic, dtype=np.float64)
    abs_err = np.abs(analytic - numeric)
    rel_err = abs_err / np.maximum(np.abs(analytic) + np.abs(numeric), 1e-8)
    bad = (abs_err > abs_tol) & (rel_err > rel_tol)
    if bad.any() or not np.isfinite(analytic).all():
        worst = np.unravel_index(
            int(np.argmax(np.where(np.isfinite(abs_err), abs_err, np.inf))), abs_err.shape
        )
        raise error(
            GradientError,
            f"the gradient of input {index} disagrees with finite differences",
            expected=f"|analytic - numeric| <= {abs_tol} or relative error <= {rel_tol}",
            got=(
                f"max abs error {abs_err.max():.3g}, max rel error {rel_err.max():.3g}, "
                f"worst at index {tuple(int(i) for i in worst)}: analytic "
                f"{analytic[worst]:.6g}, numeric {numeric[worst]:.6g} (x = {point[worst]!r})"
            ),
        )
