"""`FunctionGraph`: a graph with fixed inputs and outputs, its clients map, and `replace`."""

from __future__ import annotations

from collections.abc import Sequence

from tensorlab.errors import ShapeError, TypeMismatchError, error
from tensorlab.graph.basic import Apply, Variable
from tensorlab.graph.traversal import clone_graph, graph_inputs, toposort


class FunctionGraph:
    """The graph between `inputs` and `outputs`, owned by one compilation.

    `clients[var]` lists the `(node, input_index)` pairs that read `var`; an output of
    the graph is read by the pseudo-node `"output"`. Rewrites change the graph only
    through `replace`, which keeps `clients` true.

    >>> from tensorlab.tensor import vector
    >>> x = vector("x")
    >>> fg = FunctionGraph([x], [(x + 1) * 2])
    >>> [str(node.op) for node in fg.toposort()]
    ['Elemwise{add}', 'Elemwise{mul}']
    """

    def __init__(
        self,
        inputs: Sequence[Variable],
        outputs: Sequence[Variable],
        clone: bool = True,
    ) -> None:
        if clone:
            memo = clone_graph(outputs, keep=())
            for var in inputs:
                memo.setdefault(var, var.clone())
            inputs = [memo[x] for x in inputs]
            outputs = [memo[x] for x in outputs]
            self.memo = memo  # original variable -> its copy here
        else:
            self.memo = {x: x for x in [*inputs, *outputs]}
        self.inputs = list(inputs)
        self.outputs = list(outputs)
        self.clients: dict[Variable, list[tuple[Apply | str, int]]] = {}
        self._rebuild()

    def _rebuild(self) -> None:
        self.clients = {x: [] for x in self.inputs}
        self._order = toposort(self.outputs, self.inputs)
        for node in self._order:
            for i, var in enumerate(node.inputs):
                self.clients.setdefault(var, []).append((node, i))
            for out in node.outputs:
                self.clients.setdefault(out, [])
        for i, var in enumerate(self.outputs):
            self.clients.setdefault(var, []).append(("output", i))
        declared = set(self.inputs)
        # Ownerless variables the outputs need but nobody declared: compile reports them.
        self.free_inputs = [
            x
            for x in graph_inputs(self.outputs, declared)
            if x not in declared and not _is_constant(x)
        ]

    def toposort(self) -> list[Apply]:
        """The apply nodes in an order that computes each after its inputs."""
        return list(self._order)

    @property
    def apply_nodes(self) -> list[Apply]:
        return list(self._order)

    @property
    def variables(self) -> list[Variable]:
        return list(self.clients)

    def replace(self, old: Variable, new: Variable, reason: str = "") -> None:
        """Make every reader of `old` read `new` instead."""
        if old.type != new.type:
            if getattr(old.type, "ndim", None) != getattr(new.type, "ndim", None) or getattr(
                old.type, "dtype", None
            ) != getattr(new.type, "dtype", None):
                raise error(
                    TypeMismatchError,
                    f"replacement of {old} changes its type ({reason or 'no reason given'})",
                    expected=str(old.type),
                    got=str(new.type),
                )
            if not _shapes_compatible(old.type.shape, new.type.shape):
                raise error(
                    ShapeError,
                    f"replacement of {old} changes its static shape",
                    expected=str(old.type),
                    got=str(new.type),
                )
        for client, index in self.clients.get(old, []):
            if client == "output":
                self.outputs[index] = new
            else:
                client.inputs[index] = new
        self._rebuild()

    def clone(self) -> FunctionGraph:
        """An independent copy; `memo` of the copy maps this graph's variables to the copy's."""
        return FunctionGraph(self.inputs, self.outputs, clone=True)

    def __repr__(self) -> str:
        return f"FunctionGraph({', '.join(map(repr, self.outputs))})"


def _is_constant(var: Variable) -> bool:
    return hasattr(var, "data")


def _shapes_compatible(a: tuple, b: tuple) -> bool:
    return len(a) == len(b) and all(x is None or y is None or x == y for x, y in zip(a, b))
