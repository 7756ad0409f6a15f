"""Merge computes equal things once; fusion makes one elementwise node of a chain."""

from __future__ import annotations

import numpy as np
from hypothesis import given

import tensorlab as tl
import tensorlab.tensor as T
from tests.rewrite.check import assert_same_values, op_names, rewritten
from tests.strategies import arrays, broadcastable_arrays


def test_equal_subexpressions_are_computed_once():
    x = T.vector("x")
    f = rewritten([x], [T.exp(x) + 1, T.exp(x) * 2], optimizer="fast_compile")
    assert op_names(f).count("Elemwise{exp}") == 1
    assert "merge" in f.history.rules()


def test_equal_constants_merge():
    x = T.vector("x")
    f = rewritten(
        [x], [x + T.constant([1.0, 2.0]), x * T.constant([1.0, 2.0])], optimizer="fast_compile"
    )
    constants = {id(v) for v in f.fgraph.variables if hasattr(v, "data")}
    assert len(constants) == 1


@given(values=broadcastable_arrays(2, ("float64",)))
def test_a_chain_of_elementwise_ops_fuses_into_one_node(values):
    x, y = (T.tensor(dtype="float64", shape=(None,) * v.ndim) for v in values)
    out = T.exp(-(x**2)) * T.sigmoid(y) + x
    f = assert_same_values([x, y], out, values)
    assert len(f.fgraph.toposort()) == 1
    assert str(f.fgraph.outputs[0].owner.op).startswith("Elemwise{Composite{")


def test_an_intermediate_read_elsewhere_is_not_recomputed():
    x = T.vector("x")
    e = T.exp(x)
    f = rewritten([x], [e * 2 + 1, e.sum()])
    ops = op_names(f)
    assert ops.count("Elemwise{exp}") == 1 and any(
        name.startswith("Elemwise{Composite") for name in ops
    )
    np.testing.assert_allclose(f([0.0, 1.0])[0], np.exp([0.0, 1.0]) * 2 + 1)


def test_gradients_fuse_too():
    x = T.vector("x")
    g = T.grad(T.sigmoid(x * 3).sum(), x)
    f = assert_same_values([x], g, [np.array([0.1, -0.2, 3.0])])
    assert len(f.fgraph.toposort()) <= 3


@given(values=arrays("float32", (4,)))
def test_fusion_keeps_float32(values):
    x = T.fvector("x")
    f = assert_same_values([x], T.exp(x) * 2.0 + 1.0, [values])
    assert f(values).dtype == np.float32


def test_history_records_rules_before_and_after():
    x = T.vector("x")
    f = tl.function([x], (x * 1) * T.exp(x))
    records = list(f.history)
    assert (
        records[0].rule == "mul_by_one"
        and records[0].before == "mul(x, 1.0)"
        and records[0].after == "x"
    )
    assert "fusion" in str(f.history)
    assert tl.rewrite.history((x * 1) * T.exp(x)).rules() == f.history.rules()


def test_optimizer_none_runs_the_graph_as_written():
    x = T.vector("x")
    f = tl.function([x], x * 1, mode=tl.Mode("python", optimizer="none"))
    assert op_names(f) == ["Elemwise{mul}"] and len(f.history) == 0
    g = tl.function([x], x * 1, mode="FAST_COMPILE")
    assert g.mode.optimizer == "fast_compile" and op_names(g) == []


def test_rewriting_a_deep_chain_and_its_gradient_is_fast_enough_to_finish():
    x = T.vector("x")
    y = x
    for _ in range(400):
        y = T.sigmoid(y) * 1.01 + 0.0
    f = tl.function([x], [y, T.grad(y.sum(), x)])
    assert np.isfinite(f([0.5])[1]).all()
