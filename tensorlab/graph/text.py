"""A short one-line text of an expression, for messages and the rewrite history.

>>> from tensorlab.tensor import vector
>>> x = vector("x")
>>> expression_text((x + 1) * 2)
'mul(add(x, 1.0), 2.0)'
"""

from __future__ import annotations

from tensorlab.graph.basic import Variable


def expression_text(var: Variable, depth: int = 4) -> str:
    """`var` as nested calls by op label, cut to `...` below `depth` levels."""
    # Iterative on purpose: expressions can be thousands of nodes deep.
    stack: list[tuple[Variable, int, bool]] = [(var, depth, False)]
    done: list[str] = []
    while stack:
        current, level, expanded = stack.pop()
        node = current.owner
        if current.name is not None or node is None:
            done.append(repr(current))
        elif level <= 0:
            done.append("...")
        elif not expanded:
            stack.append((current, level, True))
            stack.extend((x, level - 1, False) for x in reversed(node.inputs))
        else:
            args = [done.pop() for _ in node.inputs][::-1]
            suffix = f".{current.index}" if len(node.outputs) > 1 else ""
            done.append(f"{node.op.label()}({', '.join(args)}){suffix}")
    return done[-1]
