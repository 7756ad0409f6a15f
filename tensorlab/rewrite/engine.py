"""The rewrite engine: node rewriters, an equilibrium driver, a database by tag, a history.

A node rewriter looks at one `Apply` node and may return replacements for its outputs.
The equilibrium driver sweeps the graph in toposort order, applying every rewriter that
tracks the node's op, and sweeps again until nothing changes. Each replacement is
recorded in a `History`, the raw material of the "watch the optimizer" lesson.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from tensorlab.errors import TensorlabError, error
from tensorlab.graph.basic import Apply, Op, Variable
from tensorlab.graph.fgraph import FunctionGraph
from tensorlab.graph.text import expression_text


class RewriteError(TensorlabError, RuntimeError):
    """A rewrite misbehaved (returned a wrong type, or rewrites never settle): a bug."""


@dataclass(frozen=True)
class Record:
    """One rewrite that fired: its rule, and the expression before and after."""

    rule: str
    before: str
    after: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.before}  ->  {self.after}"


class History(list):
    """The rewrites that fired, in order (a list of `Record`)."""

    def add(self, rule: str, old: Variable, new: Variable) -> None:
        self.append(Record(rule, expression_text(old), expression_text(new)))

    def rules(self) -> list[str]:
        return [record.rule for record in self]

    def __str__(self) -> str:
        return (
            "\n".join(f"{i:3d}. {record}" for i, record in enumerate(self, 1))
            or "(no rewrites fired)"
        )


Transform = Callable[[FunctionGraph, Apply], Sequence[Variable | None] | None]


@dataclass(frozen=True)
class NodeRewriter:
    """A rule: `transform(fgraph, node)` returns new outputs for `node`, or None.

    `tracks` lists the op classes it looks at; for `Elemwise` nodes the scalar op's class
    counts too, so a rule can track `Mul` directly. Tracking `Op` means every node.
    """

    name: str
    tracks: tuple[type, ...]
    transform: Transform = field(compare=False)

    def __call__(self, fgraph: FunctionGraph, node: Apply):
        return self.transform(fgraph, node)


def node_rewriter(*tracks: type, name: str | None = None) -> Callable[[Transform], NodeRewriter]:
    """Decorator: turn a transform function into a `NodeRewriter` tracking `tracks`."""

    def wrap(transform: Transform) -> NodeRewriter:
        return NodeRewriter(name or transform.__name__, tuple(tracks), transform)

    return wrap


def _keys(node: Apply) -> tuple[type, ...]:
    scalar_op = getattr(node.op, "scalar_op", None)
    return (type(node.op),) if scalar_op is None else (type(node.op), type(scalar_op))


class Equilibrium:
    """Apply `rewriters` until none fires (at most `max_sweeps` sweeps of the graph)."""

    def __init__(self, rewriters: Iterable[NodeRewriter], max_sweeps: int = 100) -> None:
        self.rewriters = list(rewriters)
        self.max_sweeps = max_sweeps
        self._by_key: dict[type, list[NodeRewriter]] = {}
        for rewriter in self.rewriters:
            for key in rewriter.tracks:
                self._by_key.setdefault(key, []).append(rewriter)

    def __call__(self, fgraph: FunctionGraph, history: History) -> bool:
        changed_any = False
        for _ in range(self.max_sweeps):
            changed = False
            for node in fgraph.toposort():
                if node not in fgraph.apply_nodes:
                    continue  # replaced earlier in this sweep
                for rewriter in self._candidates(node):
                    if apply_rewrite(fgraph, node, rewriter, history):
                        changed = True
                        break
            changed_any |= changed
            if not changed:
                return changed_any
        raise error(
            RewriteError,
            f"rewrites did not settle after {self.max_sweeps} sweeps (a cycle between rules)",
            got=", ".join(history.rules()[-6:]),
        )

    def _candidates(self, node: Apply) -> list[NodeRewriter]:
        found: list[NodeRewriter] = list(self._by_key.get(Op, ()))  # rules for any op
        for key in _keys(node):
            found.extend(self._by_key.get(key, ()))
        return found


def apply_rewrite(
    fgraph: FunctionGraph, node: Apply, rewriter: NodeRewriter, history: History
) -> bool:
    """Run one rewriter on one node; replace and record what it returns. The nodes it
    builds carry the replaced node's source line."""
    result = rewriter(fgraph, node)
    if not result:
        return False
    if len(result) != len(node.outputs):
        raise error(
            RewriteError,
            f"rewrite {rewriter.name} returned {len(result)} replacements for {len(node.outputs)} outputs",
            at=node,
        )
    fired = False
    for old, new in zip(node.outputs, result, strict=True):
        if new is None or new is old:
            continue
        if new.type.dtype != old.type.dtype or new.type.ndim != old.type.ndim:
            raise error(
                RewriteError,
                f"rewrite {rewriter.name} changed the type of {old}",
                expected=str(old.type),
                got=str(new.type),
                at=node,
            )
        if new.name is None and old.name is not None:
            new.name = old.name  # keep the user's name on the value they named
        _carry_source(fgraph, new, node.source)
        history.add(rewriter.name, old, new)
        fgraph.replace(old, new, reason=rewriter.name)
        fired = True
    return fired


def _carry_source(fgraph: FunctionGraph, new: Variable, source) -> None:
    """Give the nodes a rewrite built for `new` (those not yet in the graph) the replaced
    node's source line, so that their errors point at the user's code, not at the
    `function` call that rewrote it."""
    if source is None:
        return
    stack = [new]
    while stack:
        node = stack.pop().owner
        if node is None or node in fgraph.apply_nodes or node.source is source:
            continue
        node.source = source
        stack.extend(node.inputs)


GraphPass = Callable[[FunctionGraph, History], bool]


class RewriteDB:
    """Rewriters and whole-graph passes registered under tags, picked by tag at compile time."""

    def __init__(self) -> None:
        self.node_rewriters: dict[str, list[NodeRewriter]] = {}

    def register(self, *tags: str) -> Callable[[NodeRewriter], NodeRewriter]:
        """Decorator: file a node rewriter under `tags` (e.g. "canonicalize")."""

        def add(rewriter: NodeRewriter) -> NodeRewriter:
            for tag in tags:
                self.node_rewriters.setdefault(tag, []).append(rewriter)
            return rewriter

        return add

    def query(self, tag: str) -> list[NodeRewriter]:
        return list(self.node_rewriters.get(tag, ()))


rewrites = RewriteDB()
