"""Walking graphs without recursion (a 2000-deep chain must not hit Python's stack limit)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from tensorlab.graph.basic import Apply, Constant, Variable


def toposort(outputs: Sequence[Variable], stop: Iterable[Variable] = ()) -> list[Apply]:
    """Apply nodes computing `outputs`, each after the nodes it depends on.

    Variables in `stop` count as inputs: the walk does not go past them. Order among
    independent nodes follows the order of inputs, so the result is deterministic.
    """
    stopped = set(stop)
    order: list[Apply] = []
    done: set[Apply] = set()
    for root in outputs:
        stack: list[tuple[Apply, int]] = []
        if root.owner is not None and root not in stopped and root.owner not in done:
            stack.append((root.owner, 0))
        while stack:
            node, next_input = stack.pop()
            if node in done:
                continue
            if next_input < len(node.inputs):
                stack.append((node, next_input + 1))
                parent = node.inputs[next_input]
                if parent.owner is not None and parent not in stopped and parent.owner not in done:
                    stack.append((parent.owner, 0))
            else:
                done.add(node)
                order.append(node)
    return order


def graph_inputs(outputs: Sequence[Variable], stop: Iterable[Variable] = ()) -> list[Variable]:
    """The ownerless variables (inputs and constants) the outputs depend on, in first-use order."""
    stopped = set(stop)
    seen: dict[Variable, None] = {}
    for root in outputs:
        if root.owner is None or root in stopped:
            seen.setdefault(root)
    for node in toposort(outputs, stopped):
        for var in node.inputs:
            if var.owner is None or var in stopped:
                seen.setdefault(var)
    return list(seen)


def variables(outputs: Sequence[Variable], stop: Iterable[Variable] = ()) -> list[Variable]:
    """Every variable between the graph inputs and `outputs`, inputs first."""
    found: dict[Variable, None] = dict.fromkeys(graph_inputs(outputs, stop))
    for node in toposort(outputs, stop):
        found.update(dict.fromkeys(node.inputs))
        found.update(dict.fromkeys(node.outputs))
    found.update(dict.fromkeys(outputs))
    return list(found)


def clone_graph(
    outputs: Sequence[Variable],
    replace: Mapping[Variable, Variable] | None = None,
    keep: Iterable[Variable] = (),
) -> dict[Variable, Variable]:
    """Copy the graph of `outputs`; returns the map from old variables to new ones.

    `replace` substitutes variables while copying (its values are used as they are,
    and the walk does not enter them). Variables in `keep` and constants are shared,
    not copied; other graph inputs are cloned.
    """
    memo: dict[Variable, Variable] = dict(replace or {})
    kept = set(keep)
    for var in graph_inputs(outputs, memo):
        if var not in memo:
            memo[var] = var if (var in kept or isinstance(var, Constant)) else var.clone()
    for node in toposort(outputs, memo):
        new_node = node.clone_with_new_inputs([memo[x] for x in node.inputs])
        memo.update(zip(node.outputs, new_node.outputs, strict=True))
    return memo
