"""`T.nnet`: softmax and cross-entropies against NumPy, their stability, gradients and errors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tensorlab as tl
import tensorlab.tensor as T
from tensorlab.errors import RuntimeOpError, ShapeError, TypeMismatchError
from tensorlab.gradient import verify_grad
from tensorlab.tensor.nnet import (
    CrossentropyCategorical1HotGrad,
    CrossentropySoftmax1Hot,
    CrossentropySoftmax1HotDx,
    LogSoftmax,
    Softmax,
)
from tests.strategies import arrays, axes, labelled_rows, shapes


def np_softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def np_sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def np_ultra_fast_sigmoid(x):
    """Theano's scalar implementation, element by element."""

    def one(v):
        v = 0.5 * v
        a = abs(v)
        if a < 1.7:
            z = 1.5 * a / (1 + a)
        elif a < 3:
            z = 0.935409070603099 + 0.0458812946797165 * (a - 1.7)
        else:
            z = 0.99505475368673
        return 0.5 * ((z if v >= 0 else -z) + 1.0)

    return np.array([one(v) for v in x])


@given(
    shapes(1, 3).flatmap(
        lambda s: st.tuples(arrays("float64", s, -30.0, 30.0), axes(len(s)).filter(bool))
    )
)
def test_softmax_and_log_softmax_match_numpy_on_any_axes(x_axis):
    x_value, axis = x_axis
    x = T.tensor(dtype="float64", shape=(None,) * x_value.ndim, name="x")
    f = tl.function([x], [T.nnet.softmax(x, axis=axis), T.nnet.log_softmax(x, axis=axis)])
    p, logp = f(x_value)
    np.testing.assert_array_equal(p, np_softmax(x_value, axis))
    np.testing.assert_allclose(logp, np.log(np_softmax(x_value, axis)), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(p.sum(axis=axis), 1.0, rtol=1e-12)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_softmax_and_log_softmax_are_stable_for_huge_logits(dtype):
    x = T.matrix("x", dtype=dtype)
    f = tl.function([x], [T.nnet.softmax(x), T.nnet.log_softmax(x)])
    logits = np.array([[1e4, 0.0, -1e4], [1e4, 1e4, 1e4]], dtype=dtype)
    p, logp = f(logits)
    assert p.dtype == logp.dtype == dtype
    assert np.isfinite(p).all() and np.isfinite(logp).all()
    np.testing.assert_allclose(p, [[1.0, 0.0, 0.0], [1 / 3, 1 / 3, 1 / 3]], rtol=1e-6)
    np.testing.assert_allclose(logp[0], [0.0, -1e4, -2e4], rtol=1e-6)


def test_softmax_public_names_and_equal_ops():
    x = T.matrix("x")
    assert T.softmax is T.nnet.softmax and T.log_softmax is T.nnet.log_softmax
    assert T.nnet.logsoftmax is T.nnet.log_softmax
    assert T.nnet.softmax(x).owner.op == T.nnet.softmax(x, axis=1).owner.op == Softmax((1,))
    assert T.nnet.log_softmax(x, axis=-2).owner.op == LogSoftmax((0,))
    assert T.nnet.sigmoid is T.sigmoid


def test_softmax_rejects_a_bad_axis():
    with pytest.raises(tl.errors.AxisError, match="axis 2 is out of range for a 2-d input"):
        T.nnet.softmax(T.matrix("x"), axis=2)


@settings(max_examples=5)
@given(arrays("float64", (3, 4), -3.0, 3.0))
def test_softmax_gradients_and_second_derivatives(x_value):
    verify_grad(lambda x: T.nnet.softmax(x, axis=0), [x_value], rng=0)
    verify_grad(lambda x: T.nnet.log_softmax(x), [x_value], rng=0)
    # The gradient graphs are themselves differentiable (they reuse the forward op).
    verify_grad(lambda x: T.grad((T.nnet.softmax(x) ** 2).sum(), x), [x_value], rng=0)


@given(labelled_rows(("float64",)))
def test_categorical_crossentropy_index_and_one_hot_forms_agree(p_y):
    p_value, y_value = p_y
    p_value = p_value / p_value.sum(axis=-1, keepdims=True)
    p = T.tensor(dtype="float64", shape=(None,) * p_value.ndim, name="p")
    y = T.tensor(dtype="int64", shape=(None,) * y_value.ndim, name="y")
    t = T.tensor(dtype="float64", shape=(None,) * p_value.ndim, name="t")
    f = tl.function(
        [p, y, t], [T.nnet.categorical_crossentropy(p, y), T.nnet.categorical_crossentropy(p, t)]
    )
    one_hot = np.eye(p_value.shape[-1])[y_value]
    by_index, by_distribution = f(p_value, y_value, one_hot)
    expected = -np.log(np.take_along_axis(p_value, y_value[..., None], axis=-1)[..., 0])
    np.testing.assert_array_equal(by_index, expected)
    np.testing.assert_allclose(by_distribution, expected, rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(by_distribution, -(one_hot * np.log(p_value)).sum(axis=-1))


def test_categorical_crossentropy_gradient_flows_to_p_only():
    p_value = np.array([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]])
    y_value = np.array([2, 0])
    verify_grad(lambda p: T.nnet.categorical_crossentropy(p, y_value), [p_value], rng=0)
    p, y = T.matrix("p"), T.lvector("y")
    gp = T.grad(T.nnet.categorical_crossentropy(p, y).sum(), p)
    np.testing.assert_array_equal(
        gp.eval({p: p_value, y: y_value}), [[0.0, 0.0, -2.0], [-1 / 0.6, 0.0, 0.0]]
    )


def test_categorical_crossentropy_rejects_class_indices_out_of_range():
    p, y = T.matrix("p"), T.lvector("y")
    loss = T.nnet.categorical_crossentropy(p, y)
    f = tl.function([p, y], loss)
    with pytest.raises(
        RuntimeOpError,
        match=r"CrossentropyCategorical1Hot: class index 3 is out of range for 3 classes"
        r"(.|\n)*expected: class indices in 0..2(.|\n)*y\[1\] = 3(.|\n)*built at: .*test_nnet.py",
    ):
        f(np.full((2, 3), 1 / 3), [0, 3])
    with pytest.raises(RuntimeOpError, match="class index -1 is out of range"):
        f(np.full((2, 3), 1 / 3), [-1, 0])
    with pytest.raises(ShapeError, match="needs one class index per row"):
        f(np.full((2, 3), 1 / 3), [0, 1, 2])


def test_categorical_crossentropy_rejects_mismatched_targets():
    p = T.matrix("p")
    with pytest.raises(TypeMismatchError, match="targets shaped like the predictions"):
        T.nnet.categorical_crossentropy(p, T.vector("t"))
    with pytest.raises(ShapeError, match="lengths differ on axis 0"):
        T.nnet.categorical_crossentropy(
            T.matrix("q", shape=(2, 3)), T.tensor(dtype="int64", shape=(4,))
        )
    with pytest.raises(TypeMismatchError, match="needs probabilities"):
        T.nnet.crossentropy_categorical_1hot(T.lmatrix("p"), T.lvector("y"))


def np_crossentropy_of_softmax(z, y):
    shifted = z - z.max(axis=-1, keepdims=True)
    picked = np.take_along_axis(shifted, y[..., None], axis=-1)[..., 0]
    return np.log(np.exp(shifted).sum(axis=-1)) - picked


@pytest.mark.parametrize("mode", ["python", "numba"])
@settings(max_examples=20)
@given(z_y=labelled_rows(("float32", "float64"), low=-30.0, high=30.0))
def test_crossentropy_of_softmax_is_one_node_matching_numpy(mode, z_y):
    z_value, y_value = z_y
    z = T.tensor(dtype=z_value.dtype.name, shape=(None,) * z_value.ndim, name="z")
    y = T.tensor(dtype="int64", shape=(None,) * y_value.ndim, name="y")
    loss = T.nnet.categorical_crossentropy(T.nnet.softmax(z), y)
    assert isinstance(loss.owner.op, CrossentropySoftmax1Hot) and loss.owner.inputs == [z, y]
    nll, p = T.nnet.crossentropy_softmax_1hot(z, y)
    assert nll.owner.op == loss.owner.op and isinstance(p.owner.op, Softmax)
    f = tl.function([z, y], [loss, p], mode=mode)
    got, probabilities = f(z_value, y_value)
    assert got.dtype == z_value.dtype and got.shape == y_value.shape
    eps = np.finfo(z_value.dtype).eps
    expected = np_crossentropy_of_softmax(z_value, y_value)
    np.testing.assert_allclose(got, expected, rtol=16 * eps, atol=64 * eps)
    picked = np.take_along_axis(probabilities, y_value[..., None], axis=-1)[..., 0]
    np.testing.assert_allclose(np.exp(-got), picked, rtol=64 * eps, atol=64 * eps)


@pytest.mark.parametrize("mode", ["python", "numba"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_crossentropy_of_softmax_and_its_gradient_are_finite_for_huge_logits(mode, dtype):
    z, y = T.matrix("z", dtype=dtype), T.lvector("y")
    loss = T.nnet.categorical_crossentropy(T.nnet.softmax(z), y)
    f = tl.function([z, y], [loss, T.grad(loss.sum(), z)], mode=mode)
    logits = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 3.0], [1e4, 1e4, 1e4]], dtype=dtype)
    value, gradient = f(logits, np.array([1, 1, 2]))
    assert value.dtype == gradient.dtype == dtype
    np.testing.assert_allclose(value, [2e4, 0.0, np.log(3.0)], rtol=1e-6)
    np.testing.assert_allclose(
        gradient, [[1.0, -1.0, 0.0], [0.0, 0.0, 0.0], [1 / 3, 1 / 3, -2 / 3]], atol=1e-6
    )


@pytest.mark.parametrize("mode", ["python", "numba"])
def test_crossentropy_of_softmax_rejects_bad_labels(mode):
    z, y = T.matrix("z"), T.lvector("y")
    loss = T.nnet.categorical_crossentropy(T.nnet.softmax(z), y)
    f = tl.function([z, y], [loss, T.grad(loss.sum(), z)], mode=mode)
    with pytest.raises(
        RuntimeOpError,
        match=r"CrossentropySoftmax1Hot: class index 3 is out of range for 3 classes"
        r"(.|\n)*expected: class indices in 0..2(.|\n)*y\[1\] = 3(.|\n)*built at: .*test_nnet.py",
    ):
        f(np.zeros((2, 3)), [0, 3])
    with pytest.raises(RuntimeOpError, match="class index -1 is out of range"):
        f(np.zeros((2, 3)), [-1, 0])
    with pytest.raises(
        ShapeError,
        match=r"CrossentropySoftmax1Hot needs one class index per row(.|\n)*"
        r"expected: indices of shape \(2,\)(.|\n)*got: +y: int64 \(3,\), z: float64 \(2, 3\)",
    ):
        f(np.zeros((2, 3)), [0, 1, 2])


@pytest.mark.parametrize("mode", ["python", "numba"])
def test_crossentropy_softmax_dx_repeats_a_gradient_of_length_1_and_rejects_others(mode):
    g, z, y = T.vector("g"), T.matrix("z"), T.lvector("y")
    f = tl.function([g, z, y], CrossentropySoftmax1HotDx()(g, z, y), mode=mode)
    z_value, y_value = np.log([[1.0, 3.0], [2.0, 2.0], [1.0, 1.0]]), np.array([1, 0, 0])
    want = 2.0 * (np.array([[0.25, 0.75], [0.5, 0.5], [0.5, 0.5]]) - np.eye(2)[y_value])
    np.testing.assert_allclose(f([2.0], z_value, y_value), want, rtol=1e-15, atol=1e-15)
    np.testing.assert_allclose(f([2.0, 2.0, 2.0], z_value, y_value), want, rtol=1e-15, atol=1e-15)
    with pytest.raises(ShapeError, match=r"needs one gradient per row(.|\n)*g: float64 \(2,\)"):
        f([2.0, 2.0], z_value, y_value)
    with pytest.raises(RuntimeOpError, match="CrossentropySoftmax1HotDx: class index 2"):
        f([2.0], z_value, np.array([1, 2, 0]))


@pytest.mark.parametrize("mode", ["python", "numba"])
def test_crossentropy_1hot_grad_repeats_a_gradient_of_length_1_and_rejects_others(mode):
    g, p, y = T.vector("g"), T.matrix("p"), T.lvector("y")
    f = tl.function([g, p, y], CrossentropyCategorical1HotGrad()(g, p, y), mode=mode)
    p_value, y_value = np.array([[0.25, 0.75], [0.5, 0.5], [0.5, 0.5]]), np.array([1, 0, 0])
    want = [[0.0, -2.0 / 0.75], [-4.0, 0.0], [-4.0, 0.0]]
    np.testing.assert_allclose(f([2.0], p_value, y_value), want, rtol=1e-15)
    np.testing.assert_allclose(f([2.0, 2.0, 2.0], p_value, y_value), want, rtol=1e-15)
    with pytest.raises(ShapeError, match=r"needs one gradient per row(.|\n)*g: float64 \(2,\)"):
        f([2.0, 2.0], p_value, y_value)


def test_crossentropy_softmax_ops_reject_bad_types():
    z, y = T.matrix("z"), T.lvector("y")
    with pytest.raises(TypeMismatchError, match="CrossentropySoftmax1Hot needs logits"):
        T.nnet.crossentropy_softmax_1hot(T.scalar("q"), T.lscalar("y"))
    with pytest.raises(TypeMismatchError, match="one integer class index per row of z"):
        T.nnet.crossentropy_softmax_1hot(z, T.vector("t"))
    with pytest.raises(TypeMismatchError, match="CrossentropySoftmax1HotDx needs one float"):
        CrossentropySoftmax1HotDx()(T.lmatrix("g"), z, y)
    with pytest.raises(ShapeError, match="lengths differ on axis 0"):
        CrossentropySoftmax1Hot()(
            T.matrix("q", shape=(2, 3)), T.tensor(dtype="int64", shape=(4,), name="t")
        )
    # Integer logits are real numbers too, as softmax takes them: the loss is a float
    assert T.nnet.crossentropy_softmax_1hot(T.lmatrix("k"), y)[0].dtype == "float64"


@settings(max_examples=5)
@given(arrays("float64", (3, 4), -3.0, 3.0), arrays("float64", (3,), 0.5, 2.0))
def test_crossentropy_softmax_gradients_and_second_derivatives(z_value, g_value):
    y_value = np.array([3, 0, 1])
    verify_grad(lambda z: CrossentropySoftmax1Hot()(z, y_value), [z_value], rng=0)
    verify_grad(lambda g, z: CrossentropySoftmax1HotDx()(g, z, y_value), [g_value, z_value], rng=0)

    def gradient(z):  # its graph is a CrossentropySoftmax1HotDx node, differentiated again
        loss = CrossentropySoftmax1Hot()(z, y_value)
        return T.grad((loss * g_value).sum(), z)

    verify_grad(gradient, [z_value], rng=0)


def test_crossentropy_softmax_hessian_is_the_softmax_jacobian():
    z, y = T.vector("z", shape=(3,)), T.lscalar("y")
    hessian = T.hessian(T.nnet.categorical_crossentropy(T.nnet.softmax(z), y), z)
    z_value = np.array([0.5, -1.0, 2.0])
    s = np.exp(z_value) / np.exp(z_value).sum()
    got = hessian.eval({z: z_value, y: 1})
    np.testing.assert_allclose(got, np.diag(s) - np.outer(s, s), rtol=1e-12, atol=1e-15)


def test_mlp_loss_and_gradient_are_the_fused_nodes():
    """No one-hot mask (ARange, eq, switch) and no softmax or log-softmax left in the
    training step: the loss is one node and its gradient another."""
    X, y = T.matrix("X"), T.lvector("y")
    W1, b1 = tl.shared(np.ones((4, 5)), name="W1"), tl.shared(np.zeros(5), name="b1")
    W2, b2 = tl.shared(np.ones((5, 3)), name="W2"), tl.shared(np.zeros(3), name="b2")
    p = T.nnet.softmax(T.dot(T.tanh(T.dot(X, W1) + b1), W2) + b2)
    params = [W1, b1, W2, b2]
    loss = T.nnet.categorical_crossentropy(p, y).mean()
    grads = T.grad(loss, params)
    updates = [(v, v - 0.1 * g) for v, g in zip(params, grads)]
    f = tl.function([X, y], loss, updates=updates, mode=tl.Mode("python", "fast_run"))
    ops = [node.op for node in f.fgraph.toposort()]
    kinds = {type(op).__name__ for op in ops}
    assert {"CrossentropySoftmax1Hot", "CrossentropySoftmax1HotDx"} <= kinds, ops
    assert not kinds & {"ARange", "Softmax", "LogSoftmax"}, ops
    assert not [op for op in ops if "switch" in str(op)], ops  # fused loops included
    # Theano's spelling: the stabilize rewrite fuses the loss (its gradient was built
    # before, from the softmax's)
    direct = tl.function(
        [X, y], T.nnet.crossentropy_categorical_1hot(p, y).mean(), mode=tl.Mode("python")
    )
    kinds = {type(node.op).__name__ for node in direct.fgraph.toposort()}
    assert "CrossentropySoftmax1Hot" in kinds and not kinds & {"Softmax", "ARange"}, kinds


@given(
    shapes(0, 2).flatmap(
        lambda s: st.tuples(arrays("float64", s, 0.01, 0.99), arrays("float64", s, 0.0, 1.0))
    )
)
def test_binary_crossentropy_matches_numpy(p_t):
    p_value, t_value = p_t
    p = T.tensor(dtype="float64", shape=(None,) * p_value.ndim, name="p")
    t = T.tensor(dtype="float64", shape=(None,) * p_value.ndim, name="t")
    got = tl.function([p, t], T.nnet.binary_crossentropy(p, t))(p_value, t_value)
    expected = -(t_value * np.log(p_value) + (1.0 - t_value) * np.log(1.0 - p_value))
    np.testing.assert_array_equal(got, expected)


def test_binary_crossentropy_gradient_and_float32():
    p_value, t_value = np.array([0.1, 0.5, 0.8]), np.array([0.0, 1.0, 0.3])
    verify_grad(lambda p: T.nnet.binary_crossentropy(p, t_value), [p_value], rng=0)
    p = T.vector("p", dtype="float32")
    assert T.nnet.binary_crossentropy(p, np.float32(1.0)).dtype == "float32"


def test_sigmoid_binary_crossentropy_is_the_crossentropy_of_the_sigmoid_and_stays_finite():
    x_value = np.array([-30.0, -2.0, -0.5, 0.0, 0.5, 2.0, 30.0])
    t_value = np.array([0.0, 1.0, 0.2, 1.0, 0.7, 0.0, 1.0])
    x, t = T.vector("x"), T.vector("t")
    f = tl.function([x, t], T.nnet.sigmoid_binary_crossentropy(x, t))
    s = np_sigmoid(x_value)
    expected = -(t_value * np.log(s) + (1 - t_value) * np.log(1 - s))
    np.testing.assert_allclose(f(x_value, t_value), expected, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(f([1000.0, -1000.0], [0.0, 1.0]), [1000.0, 1000.0])
    verify_grad(lambda x: T.nnet.sigmoid_binary_crossentropy(x, t_value), [x_value], rng=0)


def test_hard_and_ultra_fast_sigmoid_follow_theano():
    x_value = np.linspace(-12.0, 12.0, 241)
    x = T.vector("x")
    f = tl.function([x], [T.nnet.hard_sigmoid(x), T.nnet.ultra_fast_sigmoid(x)])
    hard, fast = f(x_value)
    np.testing.assert_allclose(hard, np.clip(0.2 * x_value + 0.5, 0.0, 1.0), rtol=1e-15)
    np.testing.assert_allclose(fast, np_ultra_fast_sigmoid(x_value), rtol=1e-15, atol=1e-15)
    assert np.abs(fast - np_sigmoid(x_value)).max() < 0.028
    away_from_kinks = np.array([-7.0, -4.0, -1.0, 0.3, 2.0, 5.0, 8.0])
    verify_grad(T.nnet.ultra_fast_sigmoid, [away_from_kinks], rng=0)
    verify_grad(T.nnet.hard_sigmoid, [np.array([-1.0, 0.5, 2.0])], rng=0)


def test_activations_are_forwarded_from_tensorlab_tensor(monkeypatch):
    def relu(x):
        return x

    monkeypatch.setattr(T, "relu", relu, raising=False)
    assert T.nnet.relu is relu
    with pytest.raises(AttributeError, match="has no attribute 'conv9d'"):
        T.nnet.conv9d  # noqa: B018
