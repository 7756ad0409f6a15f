"""The IR: apply nodes, toposort, cloning, FunctionGraph, source locations, deep graphs."""

from __future__ import annotations

import numpy as np
import pytest

import tensorlab as tl
import tensorlab.tensor as T
from tensorlab.errors import TypeMismatchError
from tensorlab.graph import FunctionGraph, clone_graph, graph_inputs, toposort


def test_apply_records_op_inputs_outputs_and_the_users_line():
    x = T.vector("x")
    y = x * 2  # the line the node remembers
    assert str(y.owner.op) == "Elemwise{mul}"
    assert y.owner.inputs[0] is x
    assert y.owner.source.code == "y = x * 2  # the line the node remembers"
    assert y.owner.source.filename.endswith("test_graph.py")
    assert x.source.code == 'x = T.vector("x")'


def test_nodes_built_by_grad_remember_the_line_that_called_it():
    x = T.vector("x")
    g = T.grad((T.tanh(x) ** 2).sum(), x)  # the gradient's nodes are built here
    after = x + 1
    lines = {node.source.code for node in toposort([g]) if node.source is not None}
    assert "g = T.grad((T.tanh(x) ** 2).sum(), x)  # the gradient's nodes are built here" in lines
    assert after.owner.source.code == "after = x + 1"  # the line is pinned inside grad only


def test_equal_ops_compare_equal_and_hash_alike():
    x = T.matrix("x")
    a, b = x.sum(axis=0), x.sum(axis=-2)
    assert a.owner.op == b.owner.op and hash(a.owner.op) == hash(b.owner.op)
    assert str(a.owner.op) == "Sum{axis=(0,)}"


def test_toposort_orders_dependencies_first_and_is_deterministic():
    x = T.vector("x")
    a = x + 1
    b = a * a
    c = b - a
    order = toposort([c])
    assert order == [a.owner, b.owner, c.owner]
    assert graph_inputs([c])[0] is x


def test_deep_chains_need_no_recursion():
    x = T.vector("x")
    y = x
    for _ in range(3000):
        y = y * 1.0001
    assert len(toposort([y])) == 3000
    fg = FunctionGraph([x], [y])
    assert len(fg.toposort()) == 3000
    f = tl.function([x], y)
    assert f([1.0]).shape == (1,)


def test_clone_graph_copies_nodes_and_replaces():
    x, z = T.vector("x"), T.vector("z")
    y = T.exp(x) + 1
    memo = clone_graph([y], replace={x: z})
    assert memo[y] is not y
    assert memo[y].owner.inputs[0].owner.inputs[0] is z


def test_function_graph_clients_and_replace():
    x = T.vector("x")
    a = x * 2
    fg = FunctionGraph([x], [a + a])
    (x2,), (out,) = fg.inputs, fg.outputs
    a2 = out.owner.inputs[0]
    assert len(fg.clients[a2]) == 2
    fg.replace(a2, x2 * 3, reason="test")
    assert [str(n.op) for n in fg.toposort()] == ["Elemwise{mul}", "Elemwise{add}"]
    with pytest.raises(TypeMismatchError, match="changes its type"):
        fg.replace(fg.outputs[0], T.matrix())


def test_bool_and_len_of_symbolic_values_explain_themselves():
    x = T.vector("x")
    with pytest.raises(TypeMismatchError, match="truth value of symbolic"):
        if x > 0:
            pass
    with pytest.raises(TypeMismatchError, match="len\\(\\) of symbolic"):
        len(x)
    with pytest.raises(TypeMismatchError, match="cannot be iterated"):
        list(x)
    with pytest.raises(TypeMismatchError, match="no value to convert"):
        np.asarray(x)
