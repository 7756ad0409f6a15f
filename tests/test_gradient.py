"""`grad` and friends: options, disconnected and undefined cases, higher order, deep graphs."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pytest

import tensorlab as tl
import tensorlab.tensor as T
from tensorlab.errors import (
    DisconnectedInputError,
    GradientError,
    NotDifferentiableError,
    TypeMismatchError,
)
from tensorlab.gradient import (
    Lop,
    grad,
    hessian,
    hessian_vector_product,
    jacobian,
    verify_grad,
)
from tensorlab.graph.basic import Apply, Op
from tensorlab.tensor.type import TensorType
from tensorlab.tensor.variable import as_tensor_variable


def test_gradient_of_a_simple_cost():
    x = T.vector("x")
    np.testing.assert_allclose(grad((x**2).sum(), x).eval({x: [1.0, -2.0]}), [2.0, -4.0])


def test_non_scalar_cost_is_a_clear_error():
    x = T.vector("x")
    with pytest.raises(
        TypeMismatchError, match=r"grad\(\) needs a scalar cost, but .* is a vector"
    ) as info:
        grad(x * 2, x)
    assert "cost.sum() or cost.mean()" in str(info.value)


def test_disconnected_input_raises_warns_or_is_ignored():
    x, y = T.vector("x"), T.vector("y")
    cost = (x**2).sum()
    with pytest.raises(DisconnectedInputError, match="the cost does not depend on y") as info:
        grad(cost, [x, y])
    assert "test_gradient.py" in str(info.value)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _, gy = grad(cost, [x, y], disconnected_inputs="warn")
    assert any("does not depend on y" in str(w.message) for w in caught)
    np.testing.assert_array_equal(gy.eval({y: [1.0, 2.0]}), [0.0, 0.0])
    assert grad(cost, y, disconnected_inputs="ignore", return_disconnected="none") is None


def test_consider_constant_stops_the_gradient():
    x = T.scalar("x")
    y = x * x
    g = grad(y * x, x, consider_constant=[y])  # d(c * x)/dx with c = x*x held fixed
    assert g.eval({x: 3.0}) == 9.0


def test_known_grads_start_the_backward_pass():
    x = T.vector("x")
    y = T.exp(x)
    g = grad(None, x, known_grads={y: T.constant(np.array([1.0, 2.0]))})
    np.testing.assert_allclose(g.eval({x: [0.0, 0.0]}), [1.0, 2.0])
    np.testing.assert_allclose(
        Lop(y, x, T.constant(np.array([1.0, 2.0]))).eval({x: [0.0, 0.0]}), [1.0, 2.0]
    )


def test_integer_inputs_get_a_zero_gradient():
    k = T.ivector("k")
    x = T.vector("x")
    g = grad((x * k).sum(), k)
    np.testing.assert_array_equal(g.eval({k: [1, 2]}), [0.0, 0.0])


@dataclass(frozen=True)
class _Floor2(Op):
    """Test-only op with no gradient.

    forward:   out = floor(x / 2)
    gradient:  none
    """

    def make_node(self, x) -> Apply:
        x = as_tensor_variable(x)
        return Apply(self, [x], [TensorType(x.dtype, x.type.shape)()])

    def perform(self, node, x):
        return np.floor(x / 2)

    def grad(self, inputs, outputs, gouts):
        return [self.not_differentiable(0, "floor has no useful derivative")]


def test_an_input_without_gradient_is_an_error_naming_the_op_and_line():
    x = T.vector("x")
    cost = _Floor2()(x).sum()
    with pytest.raises(
        NotDifferentiableError, match=r"_Floor2 has no gradient with respect to its input 0 \(x\)"
    ) as info:
        grad(cost, x)
    message = str(info.value)
    assert "floor has no useful derivative" in message and "cost = _Floor2()(x).sum()" in message
    # ... but only when that gradient is needed
    y = T.vector("y")
    assert grad((_Floor2()(x) * y).sum(), y) is not None


def test_second_derivative_is_a_graph_too():
    x = T.scalar("x")
    g = grad(x**3, x)
    assert grad(g, x).eval({x: 2.0}) == pytest.approx(12.0)


def test_broadcast_gradients_sum_back_to_runtime_shapes():
    a, b = T.matrix("a"), T.matrix("b")
    ga = grad((a * b).sum(), a)
    f = tl.function([a, b], ga)
    out = f(np.ones((1, 3)), np.arange(6.0).reshape(2, 3))
    np.testing.assert_array_equal(out, [[3.0, 5.0, 7.0]])
    verify_grad(lambda a, b: a * b + a, [np.ones((1, 3)), np.ones((2, 3))], rng=0)
    verify_grad(lambda a, b: a / b, [np.full((2, 1, 3), 0.5), np.full((4, 1), 2.0)], rng=0)


def test_float32_gradients_stay_float32():
    x = T.fvector("x")
    assert grad((x * 2.0).sum(), x).dtype == "float32"
    assert grad((T.sigmoid(x) * x).sum(), x).dtype == "float32"


def test_jacobian_of_an_elementwise_function_is_diagonal():
    x = T.vector("x", shape=(3,))
    J = jacobian(T.exp(x), x).eval({x: [0.0, 1.0, 2.0]})
    np.testing.assert_allclose(J, np.diag(np.exp([0.0, 1.0, 2.0])))


def test_jacobian_needs_a_known_length():
    x = T.vector("x")
    with pytest.raises(TypeMismatchError, match="vector expression of known length") as info:
        jacobian(x * 2, x)
    assert "shape=(3,)" in str(info.value)


def test_hessian_of_a_quadratic_form_is_a_plus_a_transpose(rng):
    A = rng.normal(size=(3, 3))
    x = T.vector("x", shape=(3,))
    cost = T.dot(x, T.dot(T.constant(A), x))
    H = hessian(cost, x).eval({x: rng.normal(size=3)})
    np.testing.assert_allclose(H, A + A.T, atol=1e-12)


def test_hessian_vector_product_without_the_hessian(rng):
    A = rng.normal(size=(4, 4))
    x, v = T.vector("x"), T.vector("v")
    cost = T.dot(x, T.dot(T.constant(A), x))
    hv = hessian_vector_product(cost, x, v)
    vec = rng.normal(size=4)
    np.testing.assert_allclose(
        hv.eval({x: rng.normal(size=4), v: vec}), (A + A.T) @ vec, atol=1e-12
    )


def test_a_2000_deep_chain_differentiates_and_compiles():
    x = T.vector("x")
    y = x
    for _ in range(2000):
        y = T.sigmoid(y) * 1.5
    g = grad(y.sum(), x)
    out = tl.function([x], g)([0.1])
    assert np.isfinite(out).all()


def test_verify_grad_reports_the_worst_difference():
    @dataclass(frozen=True)
    class _WrongGrad(Op):
        """Test-only op with a wrong gradient.

        forward:   out = x ** 2
        gradient:  claims 3 x (wrong)
        """

        def make_node(self, x) -> Apply:
            x = as_tensor_variable(x)
            return Apply(self, [x], [TensorType(x.dtype, x.type.shape)()])

        def perform(self, node, x):
            return x**2

        def grad(self, inputs, outputs, gouts):
            return [gouts[0] * 3 * inputs[0]]

    with pytest.raises(
        GradientError, match="gradient of input 0 disagrees with finite differences"
    ) as info:
        verify_grad(lambda x: _WrongGrad()(x), [np.array([1.0, 2.0])], rng=0)
    assert "max abs error" in str(info.value) and "worst at index" in str(info.value)


def test_a_path_through_zero_gradient_ops_gives_zeros_not_an_error():
    x = T.vector("x")
    g = grad(T.floor(x).sum() + (x > 0).sum(), x)
    np.testing.assert_array_equal(g.eval({x: [0.5, 1.5]}), [0.0, 0.0])


def test_rop_is_a_jacobian_vector_product():
    from tensorlab.gradient import Rop

    x, v = T.vector("x"), T.vector("v")
    got = Rop(T.exp(x) * x, x, v).eval({x: [1.0, 2.0], v: [1.0, 0.5]})
    np.testing.assert_allclose(got, np.exp([1.0, 2.0]) * (1 + np.array([1.0, 2.0])) * [1.0, 0.5])
