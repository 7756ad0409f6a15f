"""`FunctionGraph`: a graph with fixed inputs and outputs, its clients map, and `replace`."""

from __future__ import annotations

from collections.abc import Sequence

from tensorlab.errors import ShapeError, TypeMismatchError, error
from tensorlab.graph.basic import Apply, Constant, Variable
from tensorlab.graph.traversal import clone_graph, toposort


class FunctionGraph:
    """The graph between `inputs` and `outputs`, owned by one compilation.

    `clients[var]` lists the `(node, input_index)` pairs that read `var`; an output of
    the graph is read by the pseudo-node `"output"`. Rewrites change the graph only
    through `replace`, which keeps `clients` true incrementally (rewriting a big graph
    must not cost a full walk per change).

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
        self._input_set = set(self.inputs)
        self.clients: dict[Variable, list[tuple[Apply | str, int]]] = {x: [] for x in self.inputs}
        self.apply_nodes: set[Apply] = set()
        self.free_inputs: list[Variable] = []
        self._order: list[Apply] | None = None
        for var in self.outputs:
            self._import(var)
        for i, var in enumerate(self.outputs):
            self.clients[var].append(("output", i))

    # -- keeping the clients map ------------------------------------------------------
    def _import(self, root: Variable) -> None:
        """Register `root` and every node between it and the known graph (post-order)."""
        stack = [root]
        while stack:
            var = stack[-1]
            if var in self.clients:
                stack.pop()
                continue
            node = var.owner
            if node is None:
                stack.pop()
                self.clients[var] = []
                if not isinstance(var, Constant):
                    self.free_inputs.append(var)  # compile reports these
                continue
            missing = [x for x in node.inputs if x not in self.clients]
            if missing:
                stack.extend(missing)
                continue
            stack.pop()
            self.apply_nodes.add(node)
            for out in node.outputs:
                self.clients.setdefault(out, [])
            for i, inp in enumerate(node.inputs):
                self.clients[inp].append((node, i))
        self._order = None

    def _prune(self, var: Variable) -> None:
        """Drop the nodes that nobody reads any more, starting from `var`'s owner."""
        stack = [var]
        while stack:
            var = stack.pop()
            node = var.owner
            if node is None:
                if var not in self._input_set and not self.clients.get(var):
                    self.clients.pop(var, None)  # a constant nobody reads any more
                continue
            if node not in self.apply_nodes:
                continue
            if any(self.clients.get(out) for out in node.outputs):
                continue
            self.apply_nodes.discard(node)
            for out in node.outputs:
                self.clients.pop(out, None)
            for i, inp in enumerate(node.inputs):
                readers = self.clients.get(inp)
                if readers is not None:
                    readers.remove((node, i))
                    if not readers and inp not in self._input_set:
                        stack.append(inp)

    # -- public API -------------------------------------------------------------------
    def toposort(self) -> list[Apply]:
        """The apply nodes in an order that computes each after its inputs."""
        if self._order is None:
            self._order = toposort(self.outputs, self.inputs)
        return list(self._order)

    @property
    def variables(self) -> list[Variable]:
        return list(self.clients)

    def replace(self, old: Variable, new: Variable, reason: str = "") -> None:
        """Make every reader of `old` read `new` instead."""
        if old is new:
            return
        _check_replacement(old, new, reason)
        readers = self.clients.get(old, [])
        self.clients[old] = []
        self._import(new)  # may read `old` itself, as in x -> f(x): those readers stay
        for client, index in readers:
            if client == "output":
                self.outputs[index] = new
            else:
                client.inputs[index] = new
            self.clients[new].append((client, index))
        self._prune(old)
        self._order = None

    def clone(self) -> FunctionGraph:
        """An independent copy; `memo` of the copy maps this graph's variables to the copy's."""
        return FunctionGraph(self.inputs, self.outputs, clone=True)

    def __repr__(self) -> str:
        return f"FunctionGraph({', '.join(map(repr, self.outputs))})"


def _check_replacement(old: Variable, new: Variable, reason: str) -> None:
    old_t, new_t = old.type, new.type
    if old_t == new_t:
        return
    if getattr(old_t, "ndim", None) != getattr(new_t, "ndim", None) or getattr(
        old_t, "dtype", None
    ) != getattr(new_t, "dtype", None):
        raise error(
            TypeMismatchError,
            f"replacement of {old} changes its type ({reason or 'no reason given'})",
            expected=str(old_t),
            got=str(new_t),
        )
    if not all(a is None or b is None or a == b for a, b in zip(old_t.shape, new_t.shape)):
        raise error(
            ShapeError,
            f"replacement of {old} changes its static shape ({reason or 'no reason given'})",
            expected=str(old_t),
            got=str(new_t),
        )
