"""Differential tests: random graphs from the op catalogue, compiled every way, agree.

The oracle is the graph as written, run node by node by the reference backend
(`Mode("python", optimizer="none")`). Every rewrite level and every other backend in
`tensorlab.compile.mode.BACKENDS` must compute the same outputs, the same gradients and
the same random numbers, and the gradients must match finite differences.

CI draws a few hundred graphs; `TENSORLAB_DIFFERENTIAL_EXAMPLES=5000` draws thousands
(a compiling backend gets a twentieth of them: it compiles once per graph). A mismatch
found here becomes a named test in tests/regressions/.
"""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings

import tensorlab as tl
import tensorlab.tensor as T
from tensorlab.backends.python.linker import run_node
from tensorlab.compile.mode import BACKENDS
from tensorlab.errors import NotDifferentiableError
from tensorlab.gradient import verify_grad
from tensorlab.graph.basic import Constant
from tensorlab.graph.traversal import toposort
from tests.graphs import NAMESPACE, Graph, graphs, laid_out, stream

EXAMPLES = int(os.environ.get("TENSORLAB_DIFFERENTIAL_EXAMPLES", "0"))
ORACLE = tl.Mode("python", optimizer="none")
REWRITTEN = [tl.Mode("python", optimizer=level) for level in ("fast_compile", "fast_run")]
OTHER_BACKENDS = sorted(set(BACKENDS) - {"python"})
# Reassociated sums and libm-level differences in transcendental functions: a few ulp of
# the largest value the computation passes through, or of the result itself.
ULPS = 16


def budget(default: int, share: int = 1) -> settings:
    return settings(
        max_examples=max(EXAMPLES // share, 1) if EXAMPLES else default,
        deadline=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.filter_too_much,
            HealthCheck.data_too_large,
        ],
    )


def is_float(var) -> bool:
    return np.dtype(var.dtype).kind == "f"


def with_gradients(graph: Graph) -> list:
    """The outputs, then the gradient of their sum with respect to each float input.

    Not where a kink lies near the values (two correct roundings may pick different
    sides), nor for nan or inf inputs (a stabilized form's gradient is rightly finite).
    """
    floats = [x for x in graph.inputs if is_float(x)]
    costs = [out.sum() for out in graph.outputs if is_float(out)]
    finite = all(np.isfinite(v).all() for v in graph.values if v.dtype.kind == "f")
    if not (floats and costs and graph.smooth and finite):
        return list(graph.outputs)
    try:
        grads = tl.grad(T.add(*costs), floats, disconnected_inputs="ignore")
    except NotDifferentiableError:
        return list(graph.outputs)  # a random choice's weights: no gradient, by design
    return [*graph.outputs, *grads]


def run(graph: Graph, outputs: list, mode: tl.Mode) -> tuple[list[np.ndarray], tl.Function]:
    """Two calls in `mode`: the outputs of both, then the shared values (random states
    included) they leave. The first call's outputs are read after the second call, which
    must not have written into them."""
    graph.reset()
    arguments = [laid_out(v.copy(), lay) for v, lay in zip(graph.values, graph.layouts)]
    with np.errstate(all="ignore"):  # a gradient may divide by zero where the values allow
        f = tl.function(
            graph.inputs, outputs, updates=graph.updates, mode=mode, on_unused_input="ignore"
        )
        first = f(*arguments)
        second = f(*arguments)
    for before, after in zip(graph.values, arguments, strict=True):
        np.testing.assert_array_equal(after, before, err_msg=f"{mode} changed an input")
    return [*first, *second, *(s.get_value() for s in f.updates)], f


def rounding(f: tl.Function, graph: Graph) -> tuple[float, float]:
    """(the largest finite float the graph computes on its way, the eps of its least
    precise float dtype): the scale of the rounding errors that rewrites may move around."""
    graph.reset()
    shared = [s.get_value() for s in f.shared_variables]
    values = dict(zip(f.fgraph.inputs, [*graph.values, *shared], strict=True))
    largest, eps = 0.0, np.finfo(np.float64).eps
    with np.errstate(all="ignore"):
        for node in toposort(f.fgraph.outputs):
            inputs = [x.data if isinstance(x, Constant) else values[x] for x in node.inputs]
            for out, value in zip(node.outputs, run_node(node, inputs), strict=True):
                values[out] = value
                if value.dtype.kind == "f":
                    eps = max(eps, float(np.finfo(value.dtype).eps))
                    finite = np.abs(value[np.isfinite(value)])
                    largest = max(largest, float(finite.max(initial=0.0)))
    return largest, eps


def assert_agree(got: list, want: list, scale: float, eps: float, label: str) -> None:
    """Integers and booleans equal; floats within ULPS (of `eps`) of the value or of the
    scale; nan where nan is."""
    assert len(got) == len(want), label
    for i, (g, w) in enumerate(zip(got, want, strict=True)):
        where = f"{label}, output {i}"
        assert g.dtype == w.dtype, f"{where}: dtype {g.dtype} != {w.dtype}"
        assert g.shape == w.shape, f"{where}: shape {g.shape} != {w.shape}"
        if w.dtype.kind != "f":
            np.testing.assert_array_equal(g, w, err_msg=where)
            continue
        np.testing.assert_array_equal(np.isnan(g), np.isnan(w), err_msg=f"{where}: nan")
        np.testing.assert_array_equal(np.isinf(w) & (g == w), np.isinf(w), err_msg=where)
        finite = np.isfinite(w)
        tolerance = ULPS * max(eps, np.finfo(w.dtype).eps) * (np.abs(w[finite]) + scale)
        error = np.abs(g[finite].astype(np.float64) - w[finite])
        assert (error <= tolerance).all(), (
            f"{where}: differs by {error.max():.3g} (tolerance {tolerance.min():.3g})\n"
            f"got  {g!r}\nwant {w!r}"
        )


def check_modes(graph: Graph, modes: list[tl.Mode]) -> None:
    """Each mode computes what the oracle computes: outputs, gradients, shared values."""
    outputs = with_gradients(graph)
    want, oracle = run(graph, outputs, ORACLE)
    scale, eps = rounding(oracle, graph)
    for mode in modes:
        got, _ = run(graph, outputs, mode)
        label = f"{mode} against the graph as written\n{graph.source()}"
        assert_agree(got, want, scale, eps, label)


@budget(400)
@given(graphs())
def test_rewritten_graphs_agree_with_the_graph_as_written(graph: Graph):
    """Merging, constant folding, canonical forms, stabilization and fusion keep values."""
    check_modes(graph, REWRITTEN)


@pytest.mark.parametrize("backend", OTHER_BACKENDS)
def test_backends_agree_with_the_reference(backend: str):
    """A compiled backend computes what the reference backend does, graph by graph."""

    @budget(200, share=2)  # about 1.7 s a graph: Numba compiles each one
    @given(graphs())
    def check(graph: Graph):
        check_modes(graph, [tl.Mode(backend, "fast_run")])

    check()


@budget(150)
@given(graphs(special=False))
def test_gradients_agree_with_finite_differences(graph: Graph):
    """verify_grad on the float outputs, the float inputs promoted to float64."""
    floats = [x for x in graph.inputs if is_float(x)]
    assume(graph.smooth and not graph.streams and floats)
    assume(any(is_float(out) for out in graph.outputs))
    fixed = {x.name: T.constant(v) for x, v in zip(graph.inputs, graph.values) if not is_float(x)}

    def outputs(*free):
        bound = {x.name: T.specify_shape(v, x.type.shape) for x, v in zip(floats, free)}
        outs = [out for out in graph.rebuild(**bound, **fixed) if is_float(out)]
        return T.concatenate([T.flatten(T.cast(out, "float64")) for out in outs])

    points = [v.astype(np.float64) for x, v in zip(graph.inputs, graph.values) if is_float(x)]
    # A float32 step (a cast, a float32 draw) rounds what finite differences see.
    built = outputs(*(T.tensor("float64", shape=(None,) * p.ndim) for p in points))
    rounded = any(out.dtype == "float32" for node in toposort([built]) for out in node.outputs)
    precision = {"eps": 1e-3, "abs_tol": 1e-2, "rel_tol": 1e-2} if rounded else {}
    with np.errstate(all="ignore"):  # the log of an empty sum, and the like
        verify_grad(outputs, points, rng=0, n_tests=1, mode=ORACLE, **precision)


@budget(40)
@given(graphs(first=stream))
def test_random_draws_repeat_for_the_same_seed(graph: Graph):
    """A function called twice from the same seed draws the same numbers, bit for bit."""
    f = tl.function(graph.inputs, graph.outputs, on_unused_input="ignore")
    with np.errstate(all="ignore"):
        graph.reset()
        first = f(*graph.values)
        graph.reset()
        again = f(*graph.values)
    for a, b in zip(first, again, strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("backend", OTHER_BACKENDS)
def test_backends_draw_the_reference_random_numbers(backend: str):
    """Random streams seeded alike draw the reference backend's numbers."""

    @budget(30, share=10)
    @given(graphs(first=stream))
    def check(graph: Graph):
        check_modes(graph, [tl.Mode(backend, "fast_run")])

    check()


@budget(50)
@given(graphs())
def test_the_printed_program_computes_the_graph(graph: Graph):
    """`graph.source()`, pasted into a regression test, reproduces what was tested."""
    scope = dict(NAMESPACE)
    exec(graph.source(), scope)
    inputs = [scope[x.name] for x in graph.inputs]
    values = [scope["values"][x] for x in inputs]
    for value, original in zip(values, graph.values, strict=True):
        np.testing.assert_array_equal(value, original)
        assert value.dtype == original.dtype
    # In the memory order the graph was run with: BLAS sums in an order that follows it,
    # and a sum that cancels keeps a different last bit.
    values = [laid_out(v, scope["layouts"][x]) for v, x in zip(values, inputs, strict=True)]
    f = tl.function(
        inputs, scope["outputs"], updates=scope["updates"], mode=ORACLE, on_unused_input="ignore"
    )
    want, _ = run(graph, graph.outputs, ORACLE)
    with np.errstate(all="ignore"):
        got = f(*values)
    assert_agree(got, want[: len(got)], 0.0, 0.0, graph.source())
