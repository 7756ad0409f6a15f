"""Theano tutorial code runs after `theano` is renamed `tensorlab` in its imports.

Each test is a snippet from the Theano documentation or the deeplearning.net tutorials,
with only the import changed.
"""

from __future__ import annotations

import numpy
import pytest

import tensorlab as theano
import tensorlab.tensor as T
from tensorlab import In, function, pp, shared
from tensorlab.sandbox.rng_mrg import MRG_RandomStreams
from tensorlab.tensor.shared_randomstreams import RandomStreams


def test_baby_steps_algebra():
    x = T.dscalar("x")
    y = T.dscalar("y")
    z = x + y
    f = function([x, y], z)
    assert f(2, 3) == 5.0
    assert numpy.allclose(z.eval({x: 16.3, y: 12.1}), 28.4)
    a, b = T.dmatrices("a", "b")
    diff = a - b
    abs_diff = abs(diff)
    diff_squared = diff**2
    g = theano.function([a, b], [diff, abs_diff, diff_squared])
    out = g([[1, 1], [1, 1]], [[0, 1], [2, 3]])
    numpy.testing.assert_array_equal(out[2], [[1, 0], [1, 4]])


def test_logistic_function_and_default_values():
    x = T.dmatrix("x")
    s = 1 / (1 + T.exp(-x))
    logistic = theano.function([x], s)
    numpy.testing.assert_allclose(
        logistic([[0, 1], [-1, -2]]), 1 / (1 + numpy.exp(-numpy.array([[0, 1], [-1, -2]])))
    )
    x, y, w = T.dscalars("x", "y", "w")
    z = (x + y) * w
    f = function([x, In(y, value=1), In(w, value=2, name="w_by_name")], z)
    assert f(33) == 68.0
    assert f(33, 2) == 70.0
    assert f(33, 0, 1) == 33.0
    assert f(33, w_by_name=1) == 34.0


def test_shared_state_accumulator_and_givens_on_a_shared_variable():
    state = shared(0)
    inc = T.iscalar("inc")
    accumulator = function([inc], state, updates=[(state, state + inc)])
    assert accumulator(1) == 0
    assert state.get_value() == 1
    accumulator(300)
    assert state.get_value() == 301
    state.set_value(-1)
    decrementor = function([inc], state, updates=[(state, state - inc)])
    decrementor(2)
    assert state.get_value() == -3
    fn_of_state = state * 2 + inc
    foo = T.scalar(dtype=state.dtype)
    skip_shared = function([inc, foo], fn_of_state, givens=[(state, foo)])
    assert skip_shared(1, 3) == 7
    assert state.get_value() == -3


def test_random_streams_tutorial():
    srng = RandomStreams(seed=234)
    rv_u = srng.uniform((2, 2))
    rv_n = srng.normal((2, 2))
    f = function([], rv_u)
    g = function([], rv_n, no_default_updates=True)
    nearly_zeros = function([], rv_u + rv_u - 2 * rv_u)
    assert not numpy.array_equal(f(), f())
    numpy.testing.assert_array_equal(g(), g())
    numpy.testing.assert_allclose(nearly_zeros(), numpy.zeros((2, 2)), atol=1e-15)


def test_computing_gradients_and_pretty_printing():
    x = T.dscalar("x")
    y = x**2
    gy = T.grad(y, x)
    assert "x" in pp(gy)
    f = theano.function([x], gy)
    assert f(4) == 8.0
    x = T.dmatrix("x")
    s = T.sum(1 / (1 + T.exp(-x)))
    gs = T.grad(s, x)
    dlogistic = theano.function([x], gs)
    expected = numpy.array([[0.25, 0.19661193], [0.19661193, 0.10499359]])
    numpy.testing.assert_allclose(dlogistic([[0, 1], [-1, -2]]), expected, rtol=1e-6)


def test_logistic_regression_example_trains():
    rng = numpy.random.RandomState(42)
    N, feats = 40, 7
    D = (rng.randn(N, feats), rng.randint(size=N, low=0, high=2))
    training_steps = 200
    x = T.dmatrix("x")
    y = T.dvector("y")
    w = theano.shared(rng.randn(feats), name="w")
    b = theano.shared(0.0, name="b")
    p_1 = 1 / (1 + T.exp(-T.dot(x, w) - b))
    prediction = p_1 > 0.5
    xent = -y * T.log(p_1) - (1 - y) * T.log(1 - p_1)
    cost = xent.mean() + 0.01 * (w**2).sum()
    gw, gb = T.grad(cost, [w, b])
    train = theano.function(
        inputs=[x, y], outputs=[prediction, xent], updates=((w, w - 0.1 * gw), (b, b - 0.1 * gb))
    )
    predict = theano.function(inputs=[x], outputs=prediction)
    first = train(D[0], D[1])[1].mean()
    for _ in range(training_steps):
        _, err = train(D[0], D[1])
    assert err.mean() < first
    assert (predict(D[0]) == D[1]).mean() > 0.6  # the labels are random: some fit, not all


def _load_data(rng, n=300, n_in=20, n_out=3):
    X = rng.randn(n, n_in)
    labels = X[:, :n_out].argmax(axis=1)
    shared_x = theano.shared(numpy.asarray(X, dtype=theano.config.floatX), borrow=True)
    shared_y = theano.shared(numpy.asarray(labels, dtype=theano.config.floatX), borrow=True)
    return shared_x, T.cast(shared_y, "int32")


class LogisticRegression:
    """deeplearning.net's logistic_sgd.py, unchanged but for the import."""

    def __init__(self, input, n_in, n_out):
        self.W = theano.shared(
            value=numpy.zeros((n_in, n_out), dtype=theano.config.floatX), name="W", borrow=True
        )
        self.b = theano.shared(
            value=numpy.zeros((n_out,), dtype=theano.config.floatX), name="b", borrow=True
        )
        self.p_y_given_x = T.nnet.softmax(T.dot(input, self.W) + self.b)
        self.y_pred = T.argmax(self.p_y_given_x, axis=1)
        self.params = [self.W, self.b]
        self.input = input

    def negative_log_likelihood(self, y):
        return -T.mean(T.log(self.p_y_given_x)[T.arange(y.shape[0]), y])

    def errors(self, y):
        if y.ndim != self.y_pred.ndim:
            raise TypeError("y should have the same shape as self.y_pred")
        if y.dtype.startswith("int"):
            return T.mean(T.neq(self.y_pred, y))
        raise NotImplementedError()


def test_logistic_sgd_with_minibatch_givens():
    rng = numpy.random.RandomState(1234)
    train_set_x, train_set_y = _load_data(rng)
    batch_size, learning_rate = 50, 0.5
    n_train_batches = train_set_x.get_value(borrow=True).shape[0] // batch_size
    index = T.lscalar()
    x = T.matrix("x")
    y = T.ivector("y")
    classifier = LogisticRegression(input=x, n_in=20, n_out=3)
    cost = classifier.negative_log_likelihood(y)
    g_W = T.grad(cost=cost, wrt=classifier.W)
    g_b = T.grad(cost=cost, wrt=classifier.b)
    updates = [
        (classifier.W, classifier.W - learning_rate * g_W),
        (classifier.b, classifier.b - learning_rate * g_b),
    ]
    train_model = theano.function(
        inputs=[index],
        outputs=cost,
        updates=updates,
        givens={
            x: train_set_x[index * batch_size : (index + 1) * batch_size],
            y: train_set_y[index * batch_size : (index + 1) * batch_size],
        },
    )
    validate_model = theano.function(
        inputs=[index],
        outputs=classifier.errors(y),
        givens={
            x: train_set_x[index * batch_size : (index + 1) * batch_size],
            y: train_set_y[index * batch_size : (index + 1) * batch_size],
        },
    )
    first = float(train_model(0))
    for _epoch in range(15):
        for minibatch_index in range(n_train_batches):
            last = float(train_model(minibatch_index))
    assert last < first
    errors = numpy.mean([validate_model(i) for i in range(n_train_batches)])
    assert errors < 0.2


class HiddenLayer:
    """deeplearning.net's mlp.py hidden layer."""

    def __init__(self, rng, input, n_in, n_out, W=None, b=None, activation=T.tanh):
        self.input = input
        if W is None:
            W_values = numpy.asarray(
                rng.uniform(
                    low=-numpy.sqrt(6.0 / (n_in + n_out)),
                    high=numpy.sqrt(6.0 / (n_in + n_out)),
                    size=(n_in, n_out),
                ),
                dtype=theano.config.floatX,
            )
            if activation == theano.tensor.nnet.sigmoid:
                W_values *= 4
            W = theano.shared(value=W_values, name="W", borrow=True)
        if b is None:
            b_values = numpy.zeros((n_out,), dtype=theano.config.floatX)
            b = theano.shared(value=b_values, name="b", borrow=True)
        self.W, self.b = W, b
        lin_output = T.dot(input, self.W) + self.b
        self.output = lin_output if activation is None else activation(lin_output)
        self.params = [self.W, self.b]


@pytest.mark.parametrize("floatX", ["float64", "float32"])
def test_mlp_with_l1_l2_and_dropout(floatX):
    with theano.config.change(floatX=floatX):
        rng = numpy.random.RandomState(1234)
        srng = MRG_RandomStreams(seed=234)
        x = T.matrix("x")
        y = T.ivector("y")
        hidden = HiddenLayer(rng, input=x, n_in=20, n_out=16, activation=T.tanh)
        mask = srng.binomial(n=1, p=0.9, size=hidden.output.shape)
        dropped = hidden.output * T.cast(mask, theano.config.floatX)
        log_reg = LogisticRegression(input=dropped, n_in=16, n_out=3)
        L1 = abs(hidden.W).sum() + abs(log_reg.W).sum()
        L2_sqr = (hidden.W**2).sum() + (log_reg.W**2).sum()
        cost = log_reg.negative_log_likelihood(y) + 0.0001 * L1 + 0.0001 * L2_sqr
        params = hidden.params + log_reg.params
        gparams = [T.grad(cost, param) for param in params]
        updates = [(param, param - 0.1 * gparam) for param, gparam in zip(params, gparams)]
        train_x, train_y = _load_data(rng)
        train = theano.function([], cost, updates=updates, givens={x: train_x, y: train_y})
        costs = [float(train()) for _ in range(60)]
        assert costs[-1] < costs[0]
        assert hidden.W.get_value().dtype == floatX


def test_debugprint_and_function_printing_exist():
    x = T.vector("x")
    text = theano.printing.debugprint(x * 2, file="str")
    assert "Elemwise{mul}" in text
