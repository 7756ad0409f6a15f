"""`dprint`: the text tree, its ids and types, shared nodes, functions, deep graphs."""

from __future__ import annotations

import io

import pytest

import tensorlab as tl
import tensorlab.tensor as T
from tensorlab.errors import TypeMismatchError
from tensorlab.printing import dprint
from tensorlab.printing.dprint import tree_text
from tensorlab.printing.outputs import outputs_of


def test_tree_with_names_ops_types_and_constants():
    X, w = T.matrix("X"), T.vector("w")
    p = T.sigmoid(X * w + 1.0)
    p.name = "p"
    assert dprint(p, file="str") == (
        "p = Elemwise{sigmoid} [id A] float64 (None, None)\n"
        "└─ Elemwise{add} [id B] float64 (None, None)\n"
        "   ├─ Elemwise{mul} [id C] float64 (None, None)\n"
        "   │  ├─ X [id D] float64 (None, None)\n"
        "   │  └─ w [id E] float64 (None,)\n"
        "   └─ 1.0 [id F] float64 ()"
    )


def test_a_node_reached_twice_is_printed_once_then_referenced():
    x = T.vector("x")
    y = T.exp(x)
    text = dprint(y * y + y, file="str", print_type=False)
    assert text.count("Elemwise{exp} [id") == 3
    assert text.count("Elemwise{exp} [id C] ···") == 2
    assert text.count("x [id") == 1  # the shared node's inputs are not printed again


def test_ids_styles():
    x = T.scalar("x")
    assert dprint(x + x, file="str", ids="numbers", print_type=False) == (
        "Elemwise{add} [id 0]\n├─ x [id 1]\n└─ x [id 1]"
    )
    assert dprint(x + x, file="str", ids="none", print_type=False) == ("Elemwise{add}\n├─ x\n└─ x")
    with pytest.raises(ValueError, match="ids must be one of"):
        dprint(x, ids="roman")


def test_letters_go_on_after_z():
    x = T.scalar("x")
    y = x
    for _ in range(30):
        y = y * 2.0
    text = dprint(y, file="str", print_type=False)
    assert "[id Z]" in text and "[id AA]" in text and "[id AD]" in text


def test_depth_limits_the_levels():
    x = T.vector("x")
    y = T.exp(T.log(x) + 1.0)
    assert dprint(y, file="str", depth=1) == "Elemwise{exp} [id A] float64 (None,)"
    assert len(dprint(y, file="str", depth=2).splitlines()) == 2


def test_prints_to_stdout_or_a_file_and_returns_none(capsys):
    x = T.vector("x")
    assert dprint(x + 1) is None
    assert capsys.readouterr().out.startswith("Elemwise{add} [id A]")
    buffer = io.StringIO()
    assert dprint(x + 1, file=buffer) is None
    assert buffer.getvalue().endswith("float64 ()\n")
    with pytest.raises(ValueError, match='file must be a writable file or "str"'):
        dprint(x, file="text")


def test_several_outputs_share_ids():
    x = T.vector("x")
    e = T.exp(x)
    text = dprint([e + 1, e * 2], file="str", print_type=False)
    roots = [line for line in text.splitlines() if not line.startswith(("├", "└", "│", " "))]
    assert roots == ["Elemwise{add} [id A]", "Elemwise{mul} [id E]"]
    assert "Elemwise{exp} [id B] ···" in text


def test_compiled_function_marks_updates_and_shared_variables():
    x = T.vector("x")
    total = tl.shared(0.0, name="total")
    f = tl.function([x], x.sum(), updates=[(total, total + x.sum())], mode=tl.Mode("python"))
    text = dprint(f, file="str")
    assert "(update of total)" in text
    assert "total [id" in text and "float64 () shared" in text


def test_input_only_and_unnamed_input():
    assert dprint(T.vector("v"), file="str") == "v [id A] float64 (None,)"
    assert dprint(T.vector() + 1, file="str", print_type=False).splitlines()[1] == (
        "├─ <float64 (None,)> [id B]"
    )


def test_2000_deep_chain_prints_without_recursion_error():
    x = T.vector("x")
    y = x
    for _ in range(2000):
        y = y + 1.0
    text = dprint(y, file="str", print_type=False)
    lines = text.splitlines()
    assert len(lines) == 4001  # 2000 adds, their 2000 constants, and x
    deepest = next(line for line in lines if "─ x [id " in line)
    assert deepest.startswith("│  " * 1998)
    assert lines[-1].startswith("└─ 1.0 [id ")  # the root's own constant comes last


def test_tree_text_stops_after_max_lines():
    x = T.vector("x")
    y = x
    for _ in range(100):
        y = y + 1.0
    text = tree_text(outputs_of(y), max_lines=10)
    assert len(text.splitlines()) == 11
    assert text.endswith("... (the tree goes on: dprint prints all of it)")


def test_something_without_a_graph_is_a_clear_error():
    with pytest.raises(TypeMismatchError, match="there is no graph to print here"):
        dprint(3.0)


def test_a_function_prints_as_it_runs_or_as_written():
    import tensorlab as tl

    x = T.vector("x")
    f = tl.function([x], (x * 1) * 2)
    rewritten = dprint(f, file="str", print_type=False)
    written = dprint(f, file="str", print_type=False, optimized=False)
    assert rewritten.count("Elemwise") == 1
    assert written.count("Elemwise{mul}") == 2
