"""The workloads written with tensorlab, as a learner writes them; one mode per worker.

Run by bench/run.py with tensorlab's virtualenv, e.g.
    .venv/bin/python bench/tensorlab_workloads.py --task steady --workloads W1,W2 --variant python
"""

from __future__ import annotations

from importlib.metadata import version
from typing import Any

from workloads import LEARNING_RATE, Step, inputs, worker

# A backend that compiles in the background serves the first calls from the reference
# backend; this Function method returns once the compiled program has taken over.
READY_METHOD = "wait_compiled"


def load() -> dict:
    import tensorlab
    from tensorlab.compile.mode import BACKENDS

    return {"tensorlab": tensorlab.__version__, "backends": list(BACKENDS)}


def stepper(f: Any, *args: Any) -> Step:
    def step() -> Any:
        return f(*args)

    ready = getattr(f, READY_METHOD, None)
    if ready is not None:
        step.wait_ready = ready
    return step


def build_w1(size: dict, mode: str) -> Step:
    import tensorlab as tl
    import tensorlab.tensor as T

    x, y = T.dvector("x"), T.dvector("y")
    out = T.tanh(x) * T.nnet.sigmoid(y) + T.exp(-(x**2))
    f = tl.function([x, y], out, mode=mode)
    data = inputs("W1", size)
    return stepper(f, data["x"], data["y"])


def build_w2(size: dict, mode: str) -> Step:
    import tensorlab as tl
    import tensorlab.tensor as T

    x = T.dscalar("x")
    f = tl.function([x], x + 1, mode=mode)
    return stepper(f, inputs("W2", size)["x"])


def build_w3(size: dict, mode: str) -> Step:
    import tensorlab as tl
    import tensorlab.tensor as T

    data = inputs("W3", size)
    X, y = T.fmatrix("X"), T.fvector("y")
    w, b = tl.shared(data["w"], name="w"), tl.shared(data["b"], name="b")
    p = T.nnet.sigmoid(T.dot(X, w) + b)
    loss = T.nnet.binary_crossentropy(p, y).mean()
    gw, gb = T.grad(loss, [w, b])
    updates = [(w, w - LEARNING_RATE * gw), (b, b - LEARNING_RATE * gb)]
    train = tl.function([X, y], loss, updates=updates, mode=mode)
    return stepper(train, data["X"], data["y"])


def build_w4(size: dict, mode: str, theano_tutorial: bool = False) -> Step:
    import tensorlab as tl
    import tensorlab.tensor as T

    data = inputs("W4", size)
    X, y = T.fmatrix("X"), T.lvector("y")
    params = [tl.shared(data[name], name=name) for name in ("W1", "b1", "W2", "b2")]
    W1, b1, W2, b2 = params
    h = T.tanh(T.dot(X, W1) + b1)
    p = T.nnet.softmax(T.dot(h, W2) + b2)
    if theano_tutorial:
        loss = -T.mean(T.log(p)[T.arange(y.shape[0]), y])
    else:
        loss = T.nnet.categorical_crossentropy(p, y).mean()
    grads = T.grad(loss, params)
    updates = [(v, v - LEARNING_RATE * g) for v, g in zip(params, grads, strict=True)]
    train = tl.function([X, y], loss, updates=updates, mode=mode)
    return stepper(train, data["X"], data["y"])


def build_w5(size: dict, mode: str) -> Step:
    import tensorlab as tl
    import tensorlab.tensor as T

    x = T.dvector("x")
    y = x
    for i in range(size["depth"]):
        y = T.tanh(y) * 1.01 + 0.1 if i % 2 else T.exp(-y) * 0.5
    f = tl.function([x], [y, T.grad(y.sum(), x)], mode=mode)
    return stepper(f, inputs("W5", size)["x"])


def build_w6(size: dict, mode: str) -> Step:
    import tensorlab as tl
    import tensorlab.tensor as T

    x = T.dmatrix("x")
    f = tl.function([x], T.sum(x**2, axis=1), mode=mode)
    return stepper(f, inputs("W6", size)["x"])


BUILDERS = {
    "W1": build_w1,
    "W2": build_w2,
    "W3": build_w3,
    "W4": build_w4,
    "W5": build_w5,
    "W6": build_w6,
    "W7": lambda size, mode: build_w4(size, mode, theano_tutorial=True),
}


def versions() -> dict:
    return {name: version(name) for name in ("numpy", "numba", "scipy")}


if __name__ == "__main__":
    worker(BUILDERS, lambda: {**load(), **versions()})
