"""`tl.function`: arguments, outputs, updates, givens, and the errors a learner meets."""

from __future__ import annotations

import numpy as np
import pytest

import tensorlab as tl
import tensorlab.tensor as T
from tensorlab.errors import (
    BroadcastError,
    GivensError,
    InputError,
    ShapeError,
    TensorlabError,
    TypeMismatchError,
    UpdateError,
)


def test_single_output_and_list_outputs():
    x = T.vector("x")
    f = tl.function([x], x * 2)
    g = tl.function([x], [x * 2, x + 1])
    np.testing.assert_array_equal(f([1.0, 2.0]), [2.0, 4.0])
    _, plus = g([1.0, 2.0])
    np.testing.assert_array_equal(plus, [2.0, 3.0])
    assert isinstance(g([1.0]), list)


def test_python_scalars_lists_and_safe_casts_are_accepted():
    X = T.matrix("X")
    f = tl.function([X], X.sum())
    assert f([[1, 2], [3, 4]]) == 10.0  # int64 data into a float64 matrix
    assert f(np.ones((2, 2), dtype=np.int32)) == 4.0
    assert f(np.ones((2, 2), dtype=np.float32)).dtype == np.float64


def test_float_data_into_int_input_is_a_clear_error_unless_downcast_allowed():
    k = T.ivector("k")
    f = tl.function([k], k * 2)
    with pytest.raises(
        TypeMismatchError, match=r"k has dtype float64, which does not cast safely to int32"
    ):
        f(np.array([1.5, 2.0]))
    g = tl.function([k], k * 2, allow_input_downcast=True)
    np.testing.assert_array_equal(g(np.array([1.0, 2.0])), [2, 4])


def test_float64_array_into_float32_input_needs_downcast_but_python_floats_do_not():
    v = T.fvector("v")
    f = tl.function([v], v + 1)
    assert f([0.5, 1.5]).dtype == np.float32  # Python floats narrow within their kind
    with pytest.raises(TypeMismatchError, match="allow_input_downcast=True"):
        f(np.array([0.5, 1.5]))


def test_wrong_argument_count_names_the_inputs():
    x, y = T.scalar("x"), T.scalar("y")
    f = tl.function([x, y], x + y)
    with pytest.raises(InputError, match=r"takes 2 arguments \(x, y\), but y was not given"):
        f(1.0)
    with pytest.raises(InputError, match=r"takes 2 arguments \(x, y\), but 3 were given"):
        f(1.0, 2.0, 3.0)


def test_wrong_ndim_names_the_input_and_its_kind():
    X = T.matrix("X")
    f = tl.function([X], X * 2)
    with pytest.raises(TypeMismatchError, match=r"X has 1 dimension, but it is a matrix") as info:
        f([1.0, 2.0])
    assert "got:      X: float64 (2,)" in str(info.value)


def test_static_shape_is_checked_at_call_time():
    x = T.tensor(dtype="float64", shape=(None, 3), name="x")
    f = tl.function([x], x + 1)
    with pytest.raises(ShapeError, match=r"x has length 4 on axis 1, but its type fixes it to 3"):
        f(np.zeros((2, 4)))


def test_keyword_arguments_by_input_name():
    x, y = T.scalar("x"), T.scalar("y")
    f = tl.function([x, y], x - y)
    assert f(y=1.0, x=3.0) == 2.0
    with pytest.raises(InputError, match="has no input named 'z'"):
        f(1.0, z=2.0)


def test_runtime_broadcast_error_names_node_shapes_and_line():
    x, y = T.vector("x"), T.vector("y")
    f = tl.function([x, y], x * y)
    with pytest.raises(BroadcastError) as info:
        f(np.ones(3), np.ones(4))
    message = str(info.value)
    assert "Elemwise{mul} cannot broadcast its inputs" in message
    assert "x: float64 (3,), y: float64 (4,)" in message
    assert "built at: tests/compile/test_function.py" in message
    assert "f = tl.function([x, y], x * y)" in message or "x * y" in message


def test_length_one_broadcasts_at_run_time_even_when_unknown_at_build_time():
    m, v = T.matrix("m"), T.vector("v")
    f = tl.function([m, v], m * v)
    np.testing.assert_array_equal(
        f(np.ones((2, 1)), np.arange(3.0)), np.ones((2, 1)) * np.arange(3.0)
    )


def test_updates_apply_after_outputs_from_values_before_the_call():
    a = tl.shared(np.float64(1.0), name="a")
    b = tl.shared(np.float64(10.0), name="b")
    f = tl.function([], [a + b], updates=[(a, b), (b, a)])  # a swap reads the old values
    assert f()[0] == 11.0
    assert (a.get_value(), b.get_value()) == (10.0, 1.0)


def test_updates_as_a_dict_and_shared_read_without_update():
    w = tl.shared(np.zeros(2), name="w")
    x = T.vector("x")
    step = tl.function([x], w.sum(), updates={w: w + x})
    step([1.0, 2.0])
    step([1.0, 2.0])
    np.testing.assert_array_equal(w.get_value(), [2.0, 4.0])


def test_a_call_that_raises_changes_no_shared_value():
    w = tl.shared(np.zeros(3), name="w")
    x = T.vector("x")
    f = tl.function([x], (w * x).sum(), updates=[(w, w + 1)])
    with pytest.raises(BroadcastError):
        f(np.ones(4))
    np.testing.assert_array_equal(w.get_value(), np.zeros(3))


def test_update_of_a_non_shared_variable_is_an_error():
    x = T.vector("x")
    with pytest.raises(
        UpdateError, match=r"updates can only change shared variables; x is not one"
    ):
        tl.function([x], x, updates=[(x, x + 1)])


def test_update_with_a_different_type_is_an_error_with_a_cast_hint():
    w = tl.shared(np.zeros(3, dtype=np.float32), name="w")
    with pytest.raises(UpdateError, match=r"the update of w has a different type than w") as info:
        tl.function([], [], updates=[(w, w * np.float64(2.0) + T.constant(np.zeros(3)))])
    assert "expected: a float32 vector" in str(info.value)
    assert "astype('float32')" in str(info.value)
    with pytest.raises(UpdateError, match="different type"):
        tl.function([], [], updates=[(w, w.sum())])


def test_givens_substitute_and_may_use_inputs_and_shared_values():
    data = tl.shared(np.arange(10.0), name="data")
    x, k = T.vector("x"), T.lscalar("k")
    f = tl.function([k], (x * 2).sum(), givens={x: data * k})
    assert f(2) == 4 * 45


def test_givens_key_that_is_also_an_input_is_an_error():
    x = T.vector("x")
    with pytest.raises(GivensError, match="x is both an input and a givens key"):
        tl.function([x], x * 2, givens={x: T.vector("y")})


def test_givens_replacement_of_another_type_is_an_error():
    x, y = T.vector("x"), T.matrix("y")
    with pytest.raises(GivensError, match="the replacement for x has a different type"):
        tl.function([y], x * 2, givens={x: y})


def test_unused_input_raises_warns_or_is_ignored():
    x, y = T.vector("x"), T.vector("y")
    with pytest.raises(InputError, match="input y is not used by the outputs"):
        tl.function([x, y], x * 2)
    with pytest.warns(UserWarning, match="not used"):
        tl.function([x, y], x * 2, on_unused_input="warn")
    tl.function([x, y], x * 2, on_unused_input="ignore")


def test_missing_input_names_the_variable_and_where_it_was_declared():
    x, y = T.vector("x"), T.vector("y")
    with pytest.raises(InputError, match=r"the outputs need y, which is not among") as info:
        tl.function([x], x + y)
    assert "x, y = T.vector" in str(info.value)


def test_inputs_must_be_a_list_of_declared_variables():
    x = T.vector("x")
    with pytest.raises(InputError, match="takes its inputs as a list"):
        tl.function(x, x)
    with pytest.raises(InputError, match="inputs must be declared variables"):
        tl.function([x * 2], x)
    w = tl.shared(np.zeros(2), name="w")
    with pytest.raises(InputError, match="shared variable w cannot be an input"):
        tl.function([w], w)


def test_outputs_are_owned_by_the_caller():
    w = tl.shared(np.arange(3.0), name="w")
    x = T.vector("x")
    f = tl.function([x], [x, w])
    data = np.ones(3)
    out_x, out_w = f(data)
    out_x[0] = 5.0
    out_w[0] = 5.0
    assert data[0] == 1.0 and w.get_value()[0] == 0.0


def test_errors_are_tensorlab_errors_and_builtin_errors():
    assert issubclass(BroadcastError, TensorlabError) and issubclass(BroadcastError, ValueError)
    assert issubclass(TypeMismatchError, TypeError)


def test_trust_input_skips_checks():
    x = T.vector("x")
    f = tl.function([x], x + 1)
    f.trust_input = True
    np.testing.assert_array_equal(f(np.zeros(2)), [1.0, 1.0])


def test_mode_names_a_backend():
    x = T.vector("x")
    assert tl.function([x], x, mode="python").mode.backend == "python"
    with pytest.raises(TensorlabError, match="there is no backend named 'fortran'"):
        tl.function([x], x, mode="fortran")
