"""Compile a graph as written and rewritten; compare values and report the rules that fired."""

from __future__ import annotations

import numpy as np

import tensorlab as tl

AS_WRITTEN = tl.Mode("python", optimizer="none")


def rewritten(inputs, outputs, optimizer: str = "fast_run") -> tl.Function:
    return tl.function(
        inputs, outputs, mode=tl.Mode("python", optimizer=optimizer), on_unused_input="ignore"
    )


def assert_same_values(
    inputs, outputs, arrays, optimizer: str = "fast_run", exact: bool = True, rtol: float = 1e-12
) -> tl.Function:
    """The rewritten function computes what the graph as written computes."""
    f = rewritten(inputs, outputs, optimizer)
    g = tl.function(inputs, outputs, mode=AS_WRITTEN, on_unused_input="ignore")
    got, want = f(*arrays), g(*arrays)
    for a, b in zip(
        got if isinstance(got, list) else [got],
        want if isinstance(want, list) else [want],
        strict=True,
    ):
        assert a.dtype == b.dtype and a.shape == b.shape
        if exact:
            np.testing.assert_array_equal(a, b)
        else:
            np.testing.assert_allclose(a, b, rtol=rtol, atol=rtol)
    return f


def op_names(f: tl.Function) -> list[str]:
    return [str(node.op) for node in f.fgraph.toposort()]
