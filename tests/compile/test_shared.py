"""Shared variables: storage, copies, casts and config.floatX."""

from __future__ import annotations

import numpy as np
import pytest

import tensorlab as tl
import tensorlab.tensor as T
from tensorlab.errors import TypeMismatchError


def test_get_value_copies_unless_borrowed():
    w = tl.shared(np.zeros(2), name="w")
    w.get_value()[0] = 1.0
    assert w.get_value()[0] == 0.0
    w.get_value(borrow=True)[0] = 1.0
    assert w.get_value()[0] == 1.0


def test_shared_copies_its_value_unless_borrowed():
    data = np.zeros(2)
    copied, borrowed = tl.shared(data), tl.shared(data, borrow=True)
    data[0] = 7.0
    assert copied.get_value()[0] == 0.0 and borrowed.get_value()[0] == 7.0


def test_set_value_checks_dtype_and_ndim_but_allows_a_new_shape():
    w = tl.shared(np.zeros((2, 2)), name="w")
    w.set_value(np.ones((3, 3)))
    assert w.get_value().shape == (3, 3)
    with pytest.raises(TypeMismatchError, match="w has 1 dimension, but it is a matrix"):
        w.set_value(np.ones(3))
    k = tl.shared(np.zeros(2, dtype=np.int32), name="k")
    with pytest.raises(TypeMismatchError, match="does not cast safely to int32"):
        k.set_value(np.array([0.5, 1.0]))


def test_python_floats_become_floatX():
    with tl.config.change(floatX="float32"):
        assert tl.shared(0.5).dtype == "float32"
        assert tl.shared([0.5, 1.0]).dtype == "float32"
        assert T.matrix().dtype == "float32"
    assert tl.shared(np.float32(0.5)).dtype == "float32"  # a NumPy value keeps its dtype
    assert tl.shared(3).dtype == "int64"


def test_shared_of_a_symbolic_variable_is_an_error():
    with pytest.raises(TypeMismatchError, match="needs a value, not a symbolic variable"):
        tl.shared(T.vector("x"))


def test_eval_of_shared_and_expressions_of_it():
    w = tl.shared(np.arange(3.0), name="w")
    np.testing.assert_array_equal((w * 2).eval(), [0.0, 2.0, 4.0])
    np.testing.assert_array_equal(w.eval(), [0.0, 1.0, 2.0])


def test_config_rejects_unknown_values():
    with pytest.raises(ValueError, match="floatX must be one of"):
        tl.config.floatX = "float128"
    with pytest.raises(AttributeError, match="no setting 'floatx'"):
        tl.config.floatx = "float32"
