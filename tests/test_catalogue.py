"""Walk the op catalogue: every op has a case, a reference, a gradient, and matches NumPy."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings

import tensorlab as tl
from tensorlab.gradient import verify_grad
from tensorlab.graph.basic import Op
from tensorlab.scalar.basic import ScalarOp
from tensorlab.tensor.type import TensorType
from tests.catalogue import CASES, Case, is_scalar_op, op_classes

CASE_KEYS = {case.key for case in CASES}
AS_WRITTEN = tl.Mode("python", optimizer="none")


@pytest.mark.parametrize("cls", op_classes(), ids=lambda c: c.__name__)
def test_every_op_has_a_case(cls):
    assert cls in CASE_KEYS, f"{cls.__module__}.{cls.__name__} has no Case in tests/cases/"


@pytest.mark.parametrize("cls", op_classes(), ids=lambda c: c.__name__)
def test_every_op_has_reference_and_gradient(cls):
    if is_scalar_op(cls):
        assert cls.impl is not ScalarOp.impl, f"{cls.__name__} has no NumPy impl"
        assert cls.expr is not ScalarOp.expr, f"{cls.__name__} has no one-element expr"
    else:
        assert cls.perform is not Op.perform, f"{cls.__name__} has no perform"
    assert cls.grad is not Op.grad, (
        f"{cls.__name__} has no grad: return one entry per input "
        "(None for a zero gradient, self.not_differentiable(i) for none)"
    )
    assert cls.__doc__ and "forward" in cls.__doc__, f"{cls.__name__}'s docstring lacks its math"


def symbolic_inputs(case: Case, arrays: list[np.ndarray]) -> list:
    return [
        TensorType(a.dtype.name, a.shape if case.static else (None,) * a.ndim)(f"in{i}")
        for i, a in enumerate(arrays)
    ]


def assert_matches_numpy(case: Case, got: np.ndarray, arrays: list[np.ndarray]) -> None:
    with np.errstate(all="ignore"):
        expected = np.asarray(case.numpy(*arrays))
    assert got.shape == expected.shape, f"{case.id}: shape {got.shape} != NumPy's {expected.shape}"
    assert got.dtype == expected.dtype, f"{case.id}: dtype {got.dtype} != NumPy's {expected.dtype}"
    if case.exact:
        np.testing.assert_array_equal(got, expected, err_msg=case.id)
    else:
        ulps = 4 * np.finfo(got.dtype).eps if got.dtype.kind == "f" else 0
        np.testing.assert_allclose(got, expected, rtol=ulps, atol=ulps, err_msg=case.id)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_case_matches_numpy(case: Case):
    @given(case.args)
    def check(arrays):
        inputs = symbolic_inputs(case, arrays)
        # The op as written, not what the rewrites make of it.
        f = tl.function(inputs, case.build(*inputs), on_unused_input="ignore", mode=AS_WRITTEN)
        assert_matches_numpy(case, f(*arrays), arrays)

    check()


GRAD_CASES = [case for case in CASES if case.grad]


@pytest.mark.parametrize("case", GRAD_CASES, ids=lambda c: c.id)
def test_case_gradient(case: Case):
    @settings(max_examples=8)
    @given(case.grad_args if case.grad_args is not None else case.args)
    def check(arrays):
        fixed = list(arrays)

        def fn(*free):
            inputs = list(fixed)
            for index, var in zip(case.grad, free, strict=True):
                inputs[index] = var
            return case.build(*[tl.tensor.as_tensor_variable(x) for x in inputs])

        verify_grad(fn, [arrays[i] for i in case.grad], rng=0, n_tests=1)

    check()


SCALAR_CASES = [case for case in CASES if is_scalar_op(case.key)]


@pytest.mark.parametrize("case", SCALAR_CASES, ids=lambda c: c.id)
def test_scalar_expr_matches_impl(case: Case):
    """The one-element source the compiled loops paste in computes what `impl` does."""

    @settings(max_examples=10)
    @given(case.args)
    def check(arrays):
        inputs = symbolic_inputs(case, arrays)
        out = case.build(*inputs)
        node = out.owner
        if (
            node is None
            or not hasattr(node.op, "scalar_op")
            or type(node.op.scalar_op) is not case.key
        ):
            return  # the case's graph is not a single elementwise node of this op
        values = [
            np.asarray(x)
            for x in tl.function(inputs, node.inputs, on_unused_input="ignore", mode=AS_WRITTEN)(
                *arrays
            )
        ]
        scalar_op = node.op.scalar_op
        names = [f"a{i}" for i in range(len(values))]
        source = scalar_op.expr(*names)
        expected = np.asarray(
            tl.function(inputs, out, on_unused_input="ignore", mode=AS_WRITTEN)(*arrays)
        )
        for index in np.ndindex(expected.shape):
            scope = {
                name: np.broadcast_to(v, expected.shape)[index].item()
                for name, v in zip(names, values, strict=True)
            }
            try:
                got = eval(source, {"math": math, "np": np}, scope)
            except (ValueError, ZeroDivisionError, OverflowError):
                continue  # Python's math raises where NumPy returns nan/inf; loops use numpy semantics
            want = expected[index].item()
            if isinstance(want, float) and math.isnan(want):
                assert isinstance(got, float | np.floating) and math.isnan(got), source
            else:
                # The source runs here in Python floats (float64): a float32 result may
                # differ by float32 rounding of intermediates, amplified by cancellation.
                tolerance = 1e-5 if expected.dtype == np.float32 else 1e-12
                assert got == pytest.approx(
                    want, rel=max(tolerance, 1e-6), abs=tolerance, nan_ok=True
                ), (
                    source,
                    scope,
                )

    check()
