"""nnet ops on edge-case shapes."""

import numpy as np
import pytest

import tensorlab as tl
import tensorlab.tensor as T

AS_WRITTEN = tl.Mode("python", optimizer="none")


@pytest.mark.parametrize("function", [T.nnet.softmax, T.nnet.log_softmax])
def test_softmax_along_an_empty_axis(function):
    """Softmax and LogSoftmax shifted by x.max(axis), which has no value along an axis
    of length 0; an empty slice has an empty softmax."""
    x = T.dmatrix("x")
    f = tl.function([x], function(x, axis=0), mode=AS_WRITTEN)
    with np.errstate(divide="ignore"):  # the log of an empty sum
        assert f(np.zeros((0, 2))).shape == (0, 2)


@pytest.mark.parametrize(
    ("build", "optimizer"),
    [
        (T.nnet.crossentropy_categorical_1hot, "fast_run"),
        (T.nnet.categorical_crossentropy, "none"),
    ],
    ids=["crossentropy_categorical_1hot rewritten", "categorical_crossentropy"],
)
def test_crossentropy_of_softmax_with_a_masked_logit(build, optimizer):
    z, y = T.dmatrix("z"), T.lvector("y")
    f = tl.function([z, y], build(T.nnet.softmax(z), y), mode=tl.Mode("python", optimizer))
    with np.errstate(invalid="ignore"):
        loss = f(np.array([[0.0, 0.0, -np.inf]]), np.array([0]))
    np.testing.assert_allclose(loss, [np.log(2.0)])
