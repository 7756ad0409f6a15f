"""The workloads written with PyTensor in its default mode (NUMBA), for comparison.

Run by bench/run.py with PyTensor's own virtualenv (bench/setup_pytensor.sh makes it),
never tensorlab's: PyTensor pins its own numba. The graphs are the ones in
bench/tensorlab_workloads.py, in PyTensor's API (it has no `nnet` module any more, so the
losses are written out as Theano's tutorials did).
"""

from __future__ import annotations

import sys
import time
from importlib.metadata import version
from typing import Any

from workloads import LEARNING_RATE, Step, inputs, worker

# Python's default; PyTensor's grad recurses once per node of a deep chain.
DEFAULT_RECURSION_LIMIT = sys.getrecursionlimit()
RAISED_RECURSION_LIMIT = 100_000


def load() -> dict:
    import pytensor
    import pytensor.tensor  # what a user imports too, so its time counts
    from pytensor.compile.mode import get_default_mode

    config = pytensor.config
    return {
        "pytensor": pytensor.__version__,
        "mode": f"{type(get_default_mode().linker).__name__} (mode {config.mode})",
        **{name: version(name) for name in ("numpy", "numba", "scipy")},
    }


def stepper(f: Any, *args: Any) -> Step:
    def step() -> Any:
        return f(*args)

    return step


def build_w1(size: dict, variant: str) -> Step:
    import pytensor
    import pytensor.tensor as pt

    x, y = pt.dvector("x"), pt.dvector("y")
    f = pytensor.function([x, y], pt.tanh(x) * pt.sigmoid(y) + pt.exp(-(x**2)))
    data = inputs("W1", size)
    return stepper(f, data["x"], data["y"])


def build_w2(size: dict, variant: str) -> Step:
    import pytensor
    import pytensor.tensor as pt

    x = pt.dscalar("x")
    f = pytensor.function([x], x + 1)
    return stepper(f, inputs("W2", size)["x"])


def build_w3(size: dict, variant: str) -> Step:
    import numpy as np
    import pytensor
    import pytensor.tensor as pt

    data = inputs("W3", size)
    lr = np.float32(LEARNING_RATE)  # a Python float would make the updates float64
    X, y = pt.fmatrix("X"), pt.fvector("y")
    w, b = pytensor.shared(data["w"], name="w"), pytensor.shared(data["b"], name="b")
    p = pt.sigmoid(pt.dot(X, w) + b)
    loss = -(y * pt.log(p) + (1 - y) * pt.log(1 - p)).mean()
    gw, gb = pytensor.grad(loss, [w, b])
    train = pytensor.function([X, y], loss, updates=[(w, w - lr * gw), (b, b - lr * gb)])
    return stepper(train, data["X"], data["y"])


def build_w4(size: dict, variant: str) -> Step:
    import numpy as np
    import pytensor
    import pytensor.tensor as pt
    from pytensor.tensor.special import softmax

    data = inputs("W4", size)
    lr = np.float32(LEARNING_RATE)
    X, y = pt.fmatrix("X"), pt.lvector("y")
    params = [pytensor.shared(data[name], name=name) for name in ("W1", "b1", "W2", "b2")]
    W1, b1, W2, b2 = params
    h = pt.tanh(pt.dot(X, W1) + b1)
    p = softmax(pt.dot(h, W2) + b2, axis=-1)
    loss = -pt.mean(pt.log(p)[pt.arange(y.shape[0]), y])
    grads = pytensor.grad(loss, params)
    updates = [(v, v - lr * g) for v, g in zip(params, grads, strict=True)]
    train = pytensor.function([X, y], loss, updates=updates)
    return stepper(train, data["X"], data["y"])


def chain_function(depth: int) -> Any:
    import pytensor
    import pytensor.tensor as pt

    x = pt.dvector("x")
    y = x
    for i in range(depth):
        y = pt.tanh(y) * 1.01 + 0.1 if i % 2 else pt.exp(-y) * 0.5
    return pytensor.function([x], [y, pytensor.grad(y.sum(), x)])


def build_w5(size: dict, variant: str) -> Step:
    x = inputs("W5", size)["x"]
    try:
        return stepper(chain_function(size["depth"]), x)
    except RecursionError:
        failed_at = time.perf_counter()
        sys.setrecursionlimit(RAISED_RECURSION_LIMIT)
        step = stepper(chain_function(size["depth"]), x)
        step.started = failed_at  # the time lost to the failed try is not PyTensor's compile
        step.note = (
            f"RecursionError at Python's default recursion limit ({DEFAULT_RECURSION_LIMIT}); "
            f"timed again with sys.setrecursionlimit({RAISED_RECURSION_LIMIT})"
        )
        return step


def build_w6(size: dict, variant: str) -> Step:
    import pytensor
    import pytensor.tensor as pt

    x = pt.dmatrix("x")
    f = pytensor.function([x], pt.sum(x**2, axis=1))
    return stepper(f, inputs("W6", size)["x"])


BUILDERS = {
    "W1": build_w1,
    "W2": build_w2,
    "W3": build_w3,
    "W4": build_w4,
    "W5": build_w5,
    "W6": build_w6,
    "W7": build_w4,  # W4 is already written as Theano's tutorial wrote its loss
}

if __name__ == "__main__":
    worker(BUILDERS, load)
