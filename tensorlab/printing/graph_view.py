"""`graph_view`: an expression graph drawn with Graphviz, styled for teaching.

Variables are boxes and ops are ellipses. Inputs, shared variables, constants and
outputs have their own colours, explained by a legend; every edge carries the dtype and
static shape of the value on it, and an input that an elementwise op broadcasts is drawn
dashed. Hovering over an op shows the line of user code that built it. An unnamed value
between two ops is just an edge; a named one (or one with a value to show) is a box.

>>> import tensorlab.tensor as T
>>> X, w, b = T.matrix("X"), T.vector("w"), T.scalar("b")
>>> view = graph_view(T.sigmoid(X @ w + b))
>>> view.source.count("->"), "MatMul" in view.source
(6, True)
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from typing import Any

import graphviz
import numpy as np

from tensorlab.config import config
from tensorlab.graph.basic import Apply, Constant, Variable
from tensorlab.graph.fgraph import FunctionGraph
from tensorlab.graph.traversal import graph_inputs, toposort
from tensorlab.printing.dprint import tree_text
from tensorlab.printing.outputs import Shown, outputs_of
from tensorlab.printing.render import render
from tensorlab.printing.style import (
    EDGE_STYLE,
    FONT,
    FUSED_STYLE,
    HIGHLIGHT,
    LEGEND_SIZE,
    LEGEND_TEXT,
    LINE_GROUP_STYLE,
    NOTE_STYLE,
    ROLE_STYLES,
    lines,
    record_text,
    value_lines,
)
from tensorlab.rewrite import rewrite_graph
from tensorlab.scalar.composite import Composite
from tensorlab.tensor.elemwise import Elemwise

__all__ = ["GraphView", "graph_view"]

# The text fallback of a drawing stops after this many lines (dprint prints them all).
TEXT_LINES = 120


class GraphView(graphviz.Digraph):
    """A `graphviz.Digraph` that shows itself in Jupyter without needing the `dot` program.

    It renders with `dot` or with WebAssembly Graphviz (see `tensorlab.printing.render`)
    and, when neither can draw, shows the `dprint` text tree with a one-line hint.
    `text` is that tree; `renderer` forces a renderer (`None`: automatic).
    """

    text: str = ""
    renderer: str | None = None

    def svg(self, renderer: str | None = None) -> str | None:
        """The drawing as SVG text, or `None` when no renderer could draw it."""
        return render(self, renderer or self.renderer).svg

    def _repr_mimebundle_(self, include=None, exclude=None, **kwargs) -> dict[str, str]:
        rendering = render(self, self.renderer)
        if rendering.svg is not None:
            bundle = {"image/svg+xml": rendering.svg, "text/plain": self.text}
        else:
            bundle = {"text/plain": f"{self.text}\n{rendering.hint}"}
        if include is not None:
            bundle = {k: v for k, v in bundle.items() if k in include}
        return {k: v for k, v in bundle.items() if k not in (exclude or ())}

    def _repr_image_svg_xml(self) -> str:
        return self.svg() or ""


def graph_view(
    outputs: Any,
    values: Mapping[Variable, Any] | None = None,
    grads: Mapping[Variable, Any] | None = None,
    highlight: Iterable[Variable | Apply] | None = None,
    optimized: bool | None = None,
    max_nodes: int = 200,
    legend: bool = True,
    group_lines: bool = False,
) -> GraphView:
    """Draw the graph of `outputs`: a variable, a list of variables, or a compiled function.

    - `values`, `grads`: arrays by variable. A variable with a value or gradient is drawn
      as a micrograd-style record `name | data | grad`; arrays of up to 8 elements are
      written out, bigger ones summarised (shape, mean, norm, min, max).
    - `highlight`: variables and apply nodes to mark (with their edges), e.g. the step a
      stepper is showing.
    - `optimized`: draw the graph after the compiler's rewrites instead of as written.
      By default variables are drawn as written and a compiled function as it runs
      (`f.fgraph`); `optimized=False` draws a function's graph as the user wrote it,
      `optimized=True` rewrites a copy of the variables' graph (`config.optimizer`).
    - `max_nodes`: draw at most this many variables and ops, those nearest the outputs;
      a note says how many were left out.
    - `legend`: add a small legend of the roles present.
    - `group_lines`: box together the ops built by the same line of user code.

    An elementwise loop that the compiler fused (`Elemwise{Composite{...}}`) is drawn as a
    dashed box holding the scalar ops it runs.
    """
    shown = outputs_of(outputs, optimized is not False)
    if optimized and shown.title is None:
        shown = _rewritten(shown)
    drawing = _Drawing(shown, values, grads, highlight, max_nodes, group_lines)
    view = drawing.build(legend)
    view.text = tree_text(shown, max_lines=TEXT_LINES)
    return view


def _rewritten(shown: Shown) -> Shown:
    """A rewritten copy of the graph; the user's variables are not touched."""
    inputs = [x for x in graph_inputs(shown.outputs) if not isinstance(x, Constant)]
    fgraph = FunctionGraph(inputs, shown.outputs, clone=True)
    rewrite_graph(fgraph, config.optimizer)
    return Shown(list(fgraph.outputs), memo=dict(fgraph.memo))


class _Drawing:
    """One drawing in the making: which items are drawn, their ids, roles and edges."""

    def __init__(self, shown, values, grads, highlight, max_nodes, group_lines) -> None:
        self.shown = shown
        self.outputs = list(shown.outputs)
        self.origin = {copy: original for original, copy in shown.memo.items()}
        self.values = {shown.translate(k): np.asarray(v) for k, v in (values or {}).items()}
        self.grads = {shown.translate(k): np.asarray(v) for k, v in (grads or {}).items()}
        self.highlight = {shown.translate(x) for x in (highlight or ())}
        self.group_lines = group_lines
        self.max_nodes = max_nodes
        self.ids: dict[Any, str] = {}
        self.roles_used: dict[str, None] = {}
        self.output_index = {var: i for i, var in reversed(list(enumerate(self.outputs)))}
        self.order = toposort(self.outputs)
        self.all_vars = self._all_vars()
        self.nodes, self.vars = self._select()
        total = len(self.order) + sum(1 for v in self.all_vars if self._is_box(v))
        self.hidden = total - len(self.nodes) - len(self.vars)

    # -- what is drawn --------------------------------------------------------------
    def _is_box(self, var: Variable) -> bool:
        return (
            var.owner is None
            or var in self.output_index
            or var.name is not None
            or var in self.values
            or var in self.grads
        )

    def _all_vars(self) -> list[Variable]:
        found = dict.fromkeys(graph_inputs(self.outputs))
        for node in self.order:
            found.update(dict.fromkeys(node.outputs))
        found.update(dict.fromkeys(self.outputs))
        return list(found)

    def _select(self) -> tuple[dict[Apply, None], dict[Variable, None]]:
        """Nodes and boxes nearest the outputs first, until `max_nodes` are taken."""
        nodes: dict[Apply, None] = {}
        boxes: dict[Variable, None] = {}
        queue: deque[Any] = deque(self.outputs)
        seen: set[Any] = set(self.outputs)
        while queue and len(nodes) + len(boxes) < self.max_nodes:
            item = queue.popleft()
            if isinstance(item, Apply):
                nodes[item] = None
                parents = item.inputs
            else:
                if self._is_box(item):
                    boxes[item] = None
                parents = [item.owner] if item.owner is not None else []
            for parent in parents:
                if parent not in seen:
                    seen.add(parent)
                    queue.append(parent)
        ordered_nodes = {node: None for node in self.order if node in nodes}
        ordered_boxes = {var: None for var in self.all_vars if var in boxes}
        return ordered_nodes, ordered_boxes

    # -- building the Digraph -------------------------------------------------------
    def build(self, legend: bool) -> GraphView:
        view = GraphView(
            graph_attr={
                "rankdir": "LR",
                "fontname": FONT,
                "fontsize": "11",
                "nodesep": "0.25",
                "ranksep": "0.35",
            },
            node_attr={"fontname": FONT, "fontsize": "11"},
            edge_attr={"fontname": FONT, **EDGE_STYLE},
        )
        if self.shown.title:
            view.attr(label=lines(self.shown.title), labelloc="t", fontsize="12")
        for var in self.vars:
            if var.owner is None or var.owner not in self.nodes:
                self._box(view, var)
        groups = self._line_groups() if self.group_lines else {}
        grouped: dict[tuple[int, str], list[Apply]] = {}
        for node in self.nodes:
            if node in groups:
                grouped.setdefault(groups[node], []).append(node)
            else:
                self._apply(view, node)
            for out in node.outputs:
                if out in self.vars:
                    self._box(view, out)
        for (number, title), members in grouped.items():
            with view.subgraph(name=f"cluster_line{number}") as box:
                box.attr(label=lines(title), **LINE_GROUP_STYLE)
                for node in members:
                    self._apply(box, node)
        self._edges(view)
        if self.hidden > 0:
            view.node(
                "more",
                lines(f"{self.hidden} more nodes not drawn", f"(max_nodes={self.max_nodes})"),
                **NOTE_STYLE,
            )
        if legend:
            self._legend(view)
        return view

    def _id(self, item: Any, prefix: str) -> str:
        if item not in self.ids:
            self.ids[item] = f"{prefix}{len(self.ids)}"
        return self.ids[item]

    def _role(self, var: Variable) -> str:
        if var.owner is None:
            if isinstance(var, Constant):
                return "constant"
            return "shared" if hasattr(var, "get_value") else "input"
        index = self.output_index.get(var)
        if index is not None:
            return "update" if index in self.shown.update_of else "output"
        return "intermediate"

    def _box(self, view: graphviz.Digraph, var: Variable) -> None:
        role = self._role(var)
        self.roles_used[role] = None
        style = dict(ROLE_STYLES[role])
        name = self._name(var, role)
        value, grad = self.values.get(var), self.grads.get(var)
        if value is not None or grad is not None:
            fields = [record_text(name)] if name else []
            for title, array in (("data", value), ("grad", grad)):
                if array is not None:
                    fields.append("\\n".join(record_text(t) for t in [title, *value_lines(array)]))
            # A record's corners are its shape (Mrecord is rounded), not a style.
            parts = style["style"].split(",")
            style["shape"] = "Mrecord" if "rounded" in parts else "record"
            style["style"] = ",".join(p for p in parts if p != "rounded")
            label = "{ " + " | ".join(fields) + " }"
        elif self._alone(var):
            label = lines(name, str(var.type))
        else:
            label = lines(name)
        if var in self.highlight:
            style.update(color=HIGHLIGHT, penwidth="3")
        view.node(self._id(var, "v"), label, tooltip=self._var_tooltip(var), **style)

    def _name(self, var: Variable, role: str) -> str:
        if role == "constant":
            return repr(var)
        if var.name:
            return var.name
        if role == "update":
            return f"new {self.shown.update_of[self.output_index[var]]}"
        if role == "output":
            alone = len(self.outputs) - len(self.shown.update_of) == 1
            return "output" if alone else f"output {self.output_index[var]}"
        return "input" if var.owner is None else ""

    def _alone(self, var: Variable) -> bool:
        """A box with no edges: its type is written in it, since no edge carries it."""
        drawn_owner = var.owner is not None and var.owner in self.nodes
        return not drawn_owner and not any(var in node.inputs for node in self.nodes)

    def _var_tooltip(self, var: Variable) -> str:
        original = self.origin.get(var, var)
        describe = getattr(var.type, "describe", None)
        text = f"{var}: {describe() if describe else var.type}"
        source = original.source if var.owner is None else var.owner.source
        if source is not None:
            text += f"\n{'declared' if var.owner is None else 'built'} at {source.describe()}"
        return _tooltip(text)

    def _apply(self, view: graphviz.Digraph, node: Apply) -> None:
        self.roles_used["op"] = None
        where = node.source.describe() if node.source is not None else "built inside tensorlab"
        style = dict(ROLE_STYLES["op"])
        if node in self.highlight:
            style.update(color=HIGHLIGHT, penwidth="3")
        scalar_op = getattr(node.op, "scalar_op", None)
        if isinstance(scalar_op, Composite):
            self._fused(view, node, scalar_op, where, style)
            return
        view.node(self._id(node, "n"), lines(str(node.op)), tooltip=_tooltip(where), **style)

    def _fused(self, view, node: Apply, composite: Composite, where: str, style: dict) -> None:
        """A fused loop: a dashed box around the scalar ops it runs, in order."""
        node_id = self._id(node, "n")
        with view.subgraph(name=f"cluster_{node_id}") as box:
            box.attr(label=lines("fused loop"), tooltip=_tooltip(where), **FUSED_STYLE)
            n_in = len(composite.input_dtypes)
            for k, step in enumerate(composite.steps):
                step_id = f"{node_id}s{k}"
                if step.op is None:
                    box.node(step_id, lines(repr(step.value)), **ROLE_STYLES["constant"])
                else:
                    box.node(step_id, lines(str(step.op)), tooltip=_tooltip(where), **style)
                for arg in step.args:
                    if arg >= n_in:
                        box.edge(f"{node_id}s{arg - n_in}", step_id, label=step.dtype)

    def _heads(self, node: Apply, index: int) -> list[str]:
        """Where the edges of input `index` of `node` arrive (inside a fused loop: its steps)."""
        composite = getattr(node.op, "scalar_op", None)
        if not isinstance(composite, Composite):
            return [self.ids[node]]
        used = [k for k, step in enumerate(composite.steps) if index in step.args]
        return [f"{self.ids[node]}s{k}" for k in used] or [self.ids[node]]

    def _tail(self, node: Apply) -> str:
        composite = getattr(node.op, "scalar_op", None)
        if isinstance(composite, Composite):
            return f"{self.ids[node]}s{len(composite.steps) - 1}"
        return self.ids[node]

    def _edges(self, view: graphviz.Digraph) -> None:
        for node in self.nodes:
            for index, var in enumerate(node.inputs):
                if var in self.vars:
                    tail = self.ids[var]
                elif var.owner is not None and var.owner in self.nodes:
                    tail = self._tail(var.owner)
                else:
                    tail = "more"
                for head in self._heads(node, index):
                    self._edge(view, tail, head, var, node)
        for var in self.vars:
            if var.owner is not None:
                tail = self._tail(var.owner) if var.owner in self.nodes else "more"
                self._edge(view, tail, self.ids[var], var, var.owner)
        self._update_edges(view)

    def _update_edges(self, view: graphviz.Digraph) -> None:
        """A dotted arrow from each new value back to the shared variable it replaces."""
        shared = {str(v): v for v in self.vars if self._role(v) == "shared"}
        for var in self.vars:
            if self._role(var) == "update":
                target = shared.get(self.shown.update_of[self.output_index[var]])
                if target is not None:
                    view.edge(
                        self.ids[var],
                        self.ids[target],
                        label="after the call",
                        style="dotted",
                        color=ROLE_STYLES["update"]["color"],
                        constraint="false",
                    )

    def _edge(self, view, tail: str, head: str, var: Variable, node: Apply) -> None:
        label = str(var.type)
        if len(getattr(var.owner, "outputs", ())) > 1:
            label = f"out {var.index}: {label}"
        attrs: dict[str, str] = {}
        if var in node.inputs and self._broadcasts(var, node):
            label += " (broadcast)"
            attrs["style"] = "dashed"
        if tail == "more":
            attrs["style"] = "dashed"
        if var in self.highlight or node in self.highlight or var.owner in self.highlight:
            attrs.update(color=HIGHLIGHT, penwidth="2.5", fontcolor=HIGHLIGHT)
        view.edge(tail, head, label=lines(label), tooltip=_tooltip(repr(var)), **attrs)

    def _broadcasts(self, var: Variable, node: Apply) -> bool:
        """Whether an elementwise op repeats `var` along some axis (from values if known)."""
        if not isinstance(node.op, Elemwise):
            return False
        out = node.outputs[0]
        if var in self.values and out in self.values:
            return self.values[var].shape != self.values[out].shape
        if var.type.ndim < out.type.ndim:
            return True
        return any(n == 1 and m != 1 for n, m in zip(var.type.shape, out.type.shape))

    def _line_groups(self) -> dict[Apply, tuple[int, str]]:
        """Ops built by one line of user code (two or more), keyed to a group number."""
        by_line: dict[tuple, list[Apply]] = {}
        for node in self.nodes:
            source = node.source
            scalar_op = getattr(node.op, "scalar_op", None)
            if source is not None and not isinstance(scalar_op, Composite):
                by_line.setdefault((source.filename, source.lineno), []).append(node)
        groups = {}
        for number, members in enumerate(m for m in by_line.values() if len(m) > 1):
            title = members[0].source.describe()
            groups.update({node: (number, title) for node in members})
        return groups

    def _legend(self, view: graphviz.Digraph) -> None:
        with view.subgraph(name="cluster_legend") as box:
            box.attr(label="legend", style="rounded", color="#d1d5db", fontcolor="#6b7280")
            for role in ROLE_STYLES:
                if role in self.roles_used:
                    box.node(
                        f"legend_{role}", LEGEND_TEXT[role], **ROLE_STYLES[role], **LEGEND_SIZE
                    )


def _tooltip(text: str) -> str:
    return lines(*text.splitlines())
