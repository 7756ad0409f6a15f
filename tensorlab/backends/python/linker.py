"""Link a graph for the reference backend: a plan of `perform` calls in toposort order."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from tensorlab.errors import (
    RuntimeOpError,
    ShapeError,
    TensorlabError,
    TypeMismatchError,
    error,
    values_text,
)
from tensorlab.graph.basic import Apply, Constant
from tensorlab.graph.fgraph import FunctionGraph
from tensorlab.tensor.type import shape_text


def run_node(node: Apply, values: Sequence[np.ndarray]) -> list[np.ndarray]:
    """Run one node's `perform` and check its results against the output types.

    A failure inside NumPy becomes a `RuntimeOpError` that names the node, the values'
    shapes and the user's line that built the node.
    """
    try:
        result = node.op.perform(node, *values)
    except TensorlabError:
        raise
    except Exception as err:
        raise error(
            RuntimeOpError,
            f"{node.op} failed: {err}",
            got=values_text(node.inputs, values),
            at=node,
        ) from err
    results = list(result) if len(node.outputs) > 1 else [result]
    for var, value in zip(node.outputs, results, strict=True):
        _check_output(node, var, value)
    return results


def _check_output(node: Apply, var, value) -> None:
    # perform's contract: an ndarray of exactly the output type. A slip here is a bug in
    # the op, so it is reported loudly rather than papered over.
    type_ = var.type
    if (
        not isinstance(value, np.ndarray)
        or value.dtype != type_.numpy_dtype
        or value.ndim != type_.ndim
    ):
        raise error(
            TypeMismatchError,
            f"{node.op}.perform returned the wrong type (a bug in the op)",
            expected=str(type_),
            got=f"{type(value).__name__} {getattr(value, 'dtype', '')} {np.shape(value)}",
            at=node,
        )
    if type_.static_axes and any(value.shape[a] != n for a, n in type_.static_axes):
        raise error(
            ShapeError,
            f"{node.op} computed {var} with shape {shape_text(value.shape)}, "
            f"which contradicts its static shape",
            expected=str(type_),
            got=shape_text(value.shape),
            at=node,
        )


def link(fgraph: FunctionGraph) -> Callable[[Sequence[np.ndarray]], list[np.ndarray]]:
    """A program computing `fgraph.outputs` from values of `fgraph.inputs`.

    Storage is a list of cells, one per variable, indexed once here so the call path
    does only list lookups.
    """
    cell_of: dict = {}

    def cell(var) -> int:
        if var not in cell_of:
            cell_of[var] = len(cell_of)
        return cell_of[var]

    input_cells = [cell(x) for x in fgraph.inputs]
    constants = [(cell(v), v.data) for v in fgraph.variables if isinstance(v, Constant)]
    plan = [
        (node, [cell(x) for x in node.inputs], [cell(x) for x in node.outputs])
        for node in fgraph.toposort()
    ]
    output_cells = [cell(x) for x in fgraph.outputs]
    size = len(cell_of)

    def program(inputs: Sequence[np.ndarray]) -> list[np.ndarray]:
        storage: list = [None] * size
        for index, value in zip(input_cells, inputs, strict=True):
            storage[index] = value
        for index, value in constants:
            storage[index] = value
        for node, ins, outs in plan:
            results = run_node(node, [storage[i] for i in ins])
            for index, value in zip(outs, results, strict=True):
                storage[index] = value
        return [storage[i] for i in output_cells]

    return program
