"""The IR: `Type`, `Variable`, `Constant`, `Apply`, `Op`, `FunctionGraph` and graph walks."""

from tensorlab.graph.basic import Apply, Constant, Op, Type, Variable
from tensorlab.graph.fgraph import FunctionGraph
from tensorlab.graph.source import SourceLocation, user_location
from tensorlab.graph.traversal import clone_graph, graph_inputs, toposort, variables

__all__ = [
    "Apply",
    "Constant",
    "FunctionGraph",
    "Op",
    "SourceLocation",
    "Type",
    "Variable",
    "clone_graph",
    "graph_inputs",
    "toposort",
    "user_location",
    "variables",
]
