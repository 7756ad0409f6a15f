"""Updates on the Numba backend: each shared variable alternates between two buffers, so a
training step allocates no new value, and a call that fails still changes nothing."""

from __future__ import annotations

import numpy as np
import pytest

import tensorlab as tl
import tensorlab.tensor as T
from tensorlab.errors import TensorlabError
from tests.backends.test_numba import _logistic_regression_step

NUMBA = tl.Mode("numba")


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    return rng.normal(size=(8, 5)), (rng.random(8) > 0.5).astype(float)


def test_updates_alternate_between_two_buffers(data):
    step, w, b = _logistic_regression_step(NUMBA)
    assert "w_spare" in step.source and "b_spare" in step.source
    want_step, want_w, want_b = _logistic_regression_step("python")
    buffers = []
    for _ in range(6):
        np.testing.assert_allclose(step(*data), want_step(*data), rtol=1e-13)
        buffers.append(id(w.get_value(borrow=True)))
    assert len(set(buffers[1:])) == 2  # after the first step: two buffers, taken in turn
    assert buffers[1] == buffers[3] == buffers[5] != buffers[2]
    np.testing.assert_allclose(w.get_value(), want_w.get_value(), rtol=1e-13)
    np.testing.assert_allclose(b.get_value(), want_b.get_value(), rtol=1e-13)


def test_a_failing_call_changes_no_shared_value(data):
    step, w, b = _logistic_regression_step(NUMBA)
    step(*data)
    step(*data)  # the spare now holds the value before the last step
    before = w.get_value(), b.get_value()
    with pytest.raises(TensorlabError):
        step(data[0], np.ones(5))  # y does not fit X: fails after the spare is written
    np.testing.assert_array_equal(w.get_value(), before[0])
    np.testing.assert_array_equal(b.get_value(), before[1])
    want_step, want_w, _ = _logistic_regression_step("python")
    for _ in range(3):
        want_step(*data)
    step(*data)
    np.testing.assert_allclose(w.get_value(), want_w.get_value(), rtol=1e-13)


def test_an_old_value_passed_back_in_is_not_overwritten():
    x = T.vector("x")
    s = tl.shared(np.zeros(4), name="s")
    f = tl.function([x], s.sum() + x.sum(), updates=[(s, s + x)], mode=NUMBA)
    f(np.ones(4))
    old = s.get_value(borrow=True)
    f(np.ones(4))  # `old` is the spare now
    kept = old.copy()
    f(old)  # read as the input while the update could go into it
    np.testing.assert_array_equal(old, kept)
    np.testing.assert_array_equal(s.get_value(), [2.0, 2.0, 2.0, 2.0] + kept)


def test_an_update_also_returned_keeps_its_own_buffer():
    s = tl.shared(np.ones(3), name="s")
    new = s * 2
    f = tl.function([], new, updates=[(s, new)], mode=NUMBA)
    assert "s_spare" not in f.source
    first = f()
    f()
    np.testing.assert_array_equal(first, [2.0, 2.0, 2.0])  # the caller's array kept its values
    np.testing.assert_array_equal(s.get_value(), [4.0, 4.0, 4.0])


@pytest.mark.parametrize("layout", ["read-only", "strided"])
def test_values_the_program_must_not_write_are_left_alone(layout):
    s = tl.shared(np.zeros(3), name="s")
    f = tl.function([], [], updates=[(s, s + 1)], mode=NUMBA)
    base = np.arange(6.0)
    value = base[::2] if layout == "strided" else np.arange(3.0)
    if layout == "read-only":
        value.setflags(write=False)
    kept = value.copy()
    s.set_value(value, borrow=True)
    for _ in range(3):
        f()
    np.testing.assert_array_equal(value, kept)
    np.testing.assert_array_equal(s.get_value(), kept + 3)


def test_a_new_shape_gets_a_new_buffer():
    x = T.vector("x")
    s = tl.shared(np.zeros(2), name="s")
    f = tl.function([x], [], updates=[(s, s * 0 + x)], mode=NUMBA)
    f(np.ones(2))
    f(np.ones(2))
    s.set_value(np.zeros(5))
    f(np.arange(5.0))  # the spare holds 2 numbers: 5 need a new array
    np.testing.assert_array_equal(s.get_value(), np.arange(5.0))


def test_trust_input_goes_through_the_dispatcher():
    """Trusted values skip the checks, not the types: an int array still computes."""
    x = T.dvector("x")
    f = tl.function([x], x + 1, mode="numba")
    f.trust_input = True
    np.testing.assert_array_equal(f(np.zeros(2)), [1.0, 1.0])
    assert f(np.arange(2)).tolist() == [1, 2]
