"""`graph_view`: the structure of the DOT it writes (nodes, edges, labels, styles, legend)."""

from __future__ import annotations

import re

import numpy as np
import pytest

import tensorlab as tl
import tensorlab.tensor as T
from tensorlab import scalar as sm
from tensorlab.printing import graph_view
from tensorlab.printing.style import HIGHLIGHT, ROLE_STYLES
from tensorlab.scalar.basic import ScalarType
from tensorlab.scalar.composite import Composite
from tensorlab.tensor.elemwise import Elemwise

_ATTR = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|[^\s\]]+)')


def _attrs(text: str) -> dict[str, str]:
    found = {}
    for key, value in _ATTR.findall(text):
        found[key] = value[1:-1] if value.startswith('"') else value
    return found


def parse(view) -> tuple[dict[str, dict], list[tuple[str, str, dict]]]:
    """The nodes (id -> attributes) and edges (tail, head, attributes) of a view's DOT."""
    nodes, edges = {}, []
    for line in view.source.splitlines():
        line = line.strip()
        edge = re.match(r"^(\w+) -> (\w+)(?: \[(.*)\])?$", line)
        if edge:
            edges.append((edge[1], edge[2], _attrs(edge[3] or "")))
            continue
        node = re.match(r"^(\w+) \[(.*)\]$", line)
        if node and node[1] not in ("graph", "node", "edge"):
            nodes[node[1]] = _attrs(node[2])
    return nodes, edges


def graph_nodes(nodes: dict) -> dict:
    return {k: v for k, v in nodes.items() if not k.startswith("legend_")}


def by_label(nodes: dict, label: str) -> dict:
    (found,) = [attrs for attrs in nodes.values() if attrs.get("label") == label]
    return found


def test_logistic_regression_graph():
    X, w, b = T.matrix("X"), T.vector("w"), T.scalar("b")
    p = T.sigmoid(X @ w + b)
    nodes, edges = parse(graph_view(p))
    drawn = graph_nodes(nodes)
    assert sorted(a["label"] for a in drawn.values()) == [
        "Elemwise{add}",
        "Elemwise{sigmoid}",
        "MatMul",
        "X",
        "b",
        "output",
        "w",
    ]
    assert len(edges) == 6
    assert by_label(drawn, "X")["fillcolor"] == ROLE_STYLES["input"]["fillcolor"]
    assert by_label(drawn, "output")["fillcolor"] == ROLE_STYLES["output"]["fillcolor"]
    assert by_label(drawn, "MatMul")["shape"] == "ellipse"
    labels = {(nodes[t]["label"], nodes[h]["label"]): a["label"] for t, h, a in edges}
    assert labels[("X", "MatMul")] == "float64 (None, None)"
    assert labels[("MatMul", "Elemwise{add}")] == "float64 (None,)"
    assert labels[("b", "Elemwise{add}")] == "float64 () (broadcast)"
    (b_edge,) = [a for t, h, a in edges if nodes[t]["label"] == "b"]
    assert b_edge["style"] == "dashed"


def test_legend_lists_the_roles_present():
    x = T.vector("x")
    s = tl.shared(np.zeros(3), name="s")
    nodes, _ = parse(graph_view(x * s + 2.0))
    legend = {k: v["label"] for k, v in nodes.items() if k.startswith("legend_")}
    assert legend == {
        "legend_input": "input",
        "legend_shared": "shared variable",
        "legend_constant": "constant",
        "legend_output": "output",
        "legend_op": "op",
    }
    y = x + 1
    assert "subgraph cluster_legend" in graph_view(y).source
    assert "subgraph cluster_legend" not in graph_view(y, legend=False).source


def test_roles_and_constants():
    x = T.vector("x")
    s = tl.shared(np.zeros(3), name="s")
    drawn = graph_nodes(parse(graph_view(x * s + 2.0))[0])
    assert by_label(drawn, "s")["fillcolor"] == ROLE_STYLES["shared"]["fillcolor"]
    assert by_label(drawn, "2.0")["fillcolor"] == ROLE_STYLES["constant"]["fillcolor"]


def test_op_tooltips_quote_the_user_line():
    x = T.vector("x")
    y = T.exp(x)  # the line the tooltip quotes
    nodes, _ = parse(graph_view(y))
    tip = by_label(nodes, "Elemwise{exp}")["tooltip"]
    assert tip.startswith("tests/printing/test_graph_view.py:")
    assert tip.endswith("y = T.exp(x)  # the line the tooltip quotes")
    assert "declared at" in by_label(nodes, "x")["tooltip"]


def test_named_intermediate_is_a_box_unnamed_is_an_edge():
    x = T.vector("x")
    z = T.exp(x)
    unnamed_nodes, unnamed_edges = parse(graph_view(z + 1.0, legend=False))
    z.name = "z"
    named_nodes, named_edges = parse(graph_view(z + 1.0, legend=False))
    assert len(named_nodes) == len(unnamed_nodes) + 1
    assert len(named_edges) == len(unnamed_edges) + 1
    assert by_label(named_nodes, "z")["style"] == ROLE_STYLES["intermediate"]["style"]


def test_several_outputs_and_a_lone_input():
    x = T.vector("x")
    nodes, _ = parse(graph_view([x + 1, x * 2], legend=False))
    assert {"output 0", "output 1"} <= {a["label"] for a in nodes.values()}
    (lone,) = parse(graph_view(x, legend=False))[0].values()
    assert lone["label"] == "x\\nfloat64 (None,)"  # no edge carries its type, so the box does


def test_values_and_grads_are_records():
    x = T.vector("x")
    y = T.exp(x)
    y.name = "y"
    big = np.arange(100.0)
    view = graph_view(
        y.sum(),
        values={
            x: np.array([0.0, 1.0]),
            y: np.array([1.0, 2.718]),
        },
        grads={x: np.array([1.0, 2.718]), y: big},
    )
    nodes, _ = parse(view)
    x_node = next(a for a in nodes.values() if a["label"].startswith("{ x |"))
    assert x_node["shape"] == "Mrecord"
    assert x_node["label"] == "{ x | data\\n[0, 1] | grad\\n[1, 2.718] }"
    y_node = next(a for a in nodes.values() if a["label"].startswith("{ y |"))
    assert "grad\\nshape (100,)\\nmean 49.5" in y_node["label"]


def test_values_show_runtime_broadcasting():
    a, b = T.matrix("a"), T.matrix("b")
    values = {a: np.ones((2, 3)), b: np.ones((1, 3))}
    out = a + b
    values[out] = values[a] + values[b]
    _, edges = parse(graph_view(out, values=values))
    styles = sorted(
        e[2].get("style", "solid")
        for e in edges
        if e[2]["label"].startswith("float64 (None, None)")
    )
    assert styles == ["dashed", "solid", "solid"]  # only b repeats along axis 0


def test_highlight_marks_node_and_its_edges():
    x = T.vector("x")
    y = T.exp(x)
    z = y + 1.0
    nodes, edges = parse(graph_view(z, highlight=[y.owner]))
    assert by_label(nodes, "Elemwise{exp}")["color"] == HIGHLIGHT
    assert by_label(nodes, "Elemwise{add}")["color"] != HIGHLIGHT
    red = [
        (nodes[t]["label"], nodes[h]["label"]) for t, h, a in edges if a.get("color") == HIGHLIGHT
    ]
    assert sorted(red) == [("Elemwise{exp}", "Elemwise{add}"), ("x", "Elemwise{exp}")]


def test_max_nodes_truncates_with_a_note():
    x = T.vector("x")
    y = x
    for _ in range(50):
        y = T.exp(y)
    nodes, edges = parse(graph_view(y, max_nodes=10, legend=False))
    assert len(nodes) == 11  # 10 drawn and the note
    assert nodes["more"]["label"] == "42 more nodes not drawn\\n(max_nodes=10)"
    assert nodes["more"]["shape"] == "note"
    assert [a.get("style") for t, h, a in edges if t == "more"] == ["dashed"]


def test_deep_graph_draws_quickly_within_max_nodes():
    x = T.vector("x")
    y = x
    for _ in range(2000):
        y = y + 1.0
    nodes, _ = parse(graph_view(y, legend=False))
    assert len(nodes) == 201


def test_compiled_function_is_drawn_as_it_runs():
    x = T.vector("x")
    total = tl.shared(0.0, name="total")
    f = tl.function([x], x.sum(), updates=[(total, total + x.sum())], name="f")
    view = graph_view(f)
    assert 'label="function f(x)"' in view.source
    nodes = graph_nodes(parse(view)[0])
    update = by_label(nodes, "new total")
    assert update["fillcolor"] == ROLE_STYLES["update"]["fillcolor"]
    assert by_label(nodes, "total")["fillcolor"] == ROLE_STYLES["shared"]["fillcolor"]
    _, edges = parse(view)
    (back,) = [
        (nodes[t]["label"], nodes[h]["label"]) for t, h, a in edges if a.get("style") == "dotted"
    ]
    assert back == ("new total", "total")


def test_fused_loop_is_a_cluster_of_its_scalar_ops():
    sx = ScalarType("float64")("x")
    fused = Elemwise(Composite.from_graph([sx], sm.exp(-sx) + 1.0))
    x = T.vector("x")
    view = graph_view(fused(x), legend=False)
    assert re.search(r"subgraph cluster_n\d+ \{", view.source)
    assert 'label="fused loop"' in view.source
    nodes, edges = parse(view)
    inner = sorted(a["label"] for k, a in nodes.items() if re.fullmatch(r"n\d+s\d+", k))
    assert inner == ["1.0", "add", "exp", "neg"]
    into = [nodes[h]["label"] for t, h, a in edges if nodes[t]["label"] == "x"]
    assert into == ["neg"]


def test_group_lines_boxes_ops_of_one_line():
    x = T.vector("x")
    y = T.exp(x) * 2.0 + 1.0
    z = T.log(y)
    view = graph_view(z, group_lines=True, legend=False)
    assert view.source.count("subgraph cluster_line") == 1  # z's line built one op only
    assert "y = T.exp(x) * 2.0 + 1.0" in view.source


def test_optimized_draws_a_rewritten_copy():
    x = T.vector("x")
    y = T.exp(x) * 2.0
    with tl.config.change(optimizer="none"):
        same = graph_view(y, optimized=True)
    assert parse(same)[0].keys() == parse(graph_view(y))[0].keys()
    graph_view(y, optimized=True)
    assert y.owner.inputs[0].owner.op == Elemwise(sm.exp)  # the user's graph is untouched


def test_awkward_text_is_escaped():
    x = T.vector('a "quoted" name\\')
    view = graph_view(T.exp(x))
    assert view.svg(renderer="wasm") is not None


@pytest.mark.parametrize("bad", [3, "x", [1, 2]])
def test_bad_target(bad):
    with pytest.raises(TypeError, match="there is no graph to print here"):
        graph_view(bad)
