"""The benchmark workloads: sizes, inputs, the hand-written NumPy versions, and the worker.

Every library under test (NumPy here, tensorlab in bench/tensorlab_workloads.py, PyTensor
in bench/peer_pytensor.py) gives one builder per workload: `build(size, variant)` compiles
what it needs and returns `step`, a function of no arguments that runs the workload once and
returns its result. The worker times the steps and prints JSON; bench/run.py starts the
workers and prints the table. This module imports only NumPy and the standard library, so
PyTensor's own virtualenv runs it too.

| workload | what one step does |
|---|---|
| W1 | tanh(x) * sigmoid(y) + exp(-x**2), float64 vectors of length n |
| W2 | x + 1 on a float64 scalar: the cost of one call |
| W3 | one SGD step of logistic regression, X: (batch, features) float32 |
| W4 | one SGD step of a tanh MLP features-hidden-10 with softmax cross-entropy, float32 |
| W5 | build a depth-long elementwise chain, its gradient, compile both, call once |
| W6 | sum(x**2, axis=1), x: (rows, cols) float64 |
| W7 | W4 with the loss as Theano's tutorial writes it: -mean(log(p)[arange(n), y]) |
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import resource
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np

SIZES = {
    "full": {
        "W1": {"n": 10_000_000},
        "W2": {},
        "W3": {"batch": 256, "features": 784},
        "W4": {"batch": 128, "features": 784, "hidden": 512, "classes": 10},
        "W5": {"depth": 400},
        "W6": {"rows": 1000, "cols": 10_000},
        "W7": {"batch": 128, "features": 784, "hidden": 512, "classes": 10},
    },
    # A smoke run: every length divided by 10 (the class count stays 10).
    "quick": {
        "W1": {"n": 1_000_000},
        "W2": {},
        "W3": {"batch": 26, "features": 78},
        "W4": {"batch": 13, "features": 78, "hidden": 51, "classes": 10},
        "W5": {"depth": 40},
        "W6": {"rows": 100, "cols": 1000},
        "W7": {"batch": 13, "features": 78, "hidden": 51, "classes": 10},
    },
}
STEADY = ("W1", "W2", "W3", "W4", "W6", "W7")  # timed per call once compiled
LEARNING_RATE = 0.1

Step = Callable[[], Any]
Builder = Callable[[dict, str], Step]


def inputs(workload: str, size: dict) -> dict[str, np.ndarray]:
    """The same arrays for every library: a fixed seed, fresh copies on every call."""
    rng = np.random.default_rng(0)
    if workload == "W1":
        return {"x": rng.standard_normal(size["n"]), "y": rng.standard_normal(size["n"])}
    if workload == "W2":
        return {"x": np.asarray(1.5)}
    if workload == "W3":
        batch, features = size["batch"], size["features"]
        return {
            "X": rng.standard_normal((batch, features), dtype=np.float32),
            "y": (rng.random(batch) < 0.5).astype(np.float32),
            "w": np.zeros(features, dtype=np.float32),
            "b": np.zeros((), dtype=np.float32),
        }
    if workload in ("W4", "W7"):  # one network, its loss spelled two ways
        batch, features = size["batch"], size["features"]
        hidden, classes = size["hidden"], size["classes"]
        scale1, scale2 = np.float32(features**-0.5), np.float32(hidden**-0.5)
        return {
            "X": rng.standard_normal((batch, features), dtype=np.float32),
            "y": rng.integers(0, classes, batch, dtype=np.int64),
            "W1": rng.standard_normal((features, hidden), dtype=np.float32) * scale1,
            "b1": np.zeros(hidden, dtype=np.float32),
            "W2": rng.standard_normal((hidden, classes), dtype=np.float32) * scale2,
            "b2": np.zeros(classes, dtype=np.float32),
        }
    if workload == "W5":
        return {"x": rng.standard_normal(10)}
    if workload == "W6":
        return {"x": rng.standard_normal((size["rows"], size["cols"]))}
    raise KeyError(workload)


def numpy_w1(size: dict, variant: str) -> Step:
    x, y = inputs("W1", size).values()
    return lambda: np.tanh(x) * (1.0 / (1.0 + np.exp(-y))) + np.exp(-(x**2))


def numpy_w2(size: dict, variant: str) -> Step:
    x = inputs("W2", size)["x"]
    return lambda: x + 1


def numpy_w3(size: dict, variant: str) -> Step:
    X, y, w, b = inputs("W3", size).values()
    n = len(y)

    def step() -> np.ndarray:
        p = 1.0 / (1.0 + np.exp(-(X @ w + b)))
        loss = -np.mean(y * np.log(p) + (1.0 - y) * np.log1p(-p))
        g = (p - y) / n
        w[...] -= LEARNING_RATE * (X.T @ g)
        b[...] -= LEARNING_RATE * g.sum()
        return loss

    return step


def numpy_w4(size: dict, variant: str) -> Step:
    X, y, W1, b1, W2, b2 = inputs("W4", size).values()
    rows = np.arange(len(y))

    def step() -> np.ndarray:
        h = np.tanh(X @ W1 + b1)
        z = h @ W2 + b2
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        p = e / e.sum(axis=1, keepdims=True)
        loss = -np.mean(np.log(p[rows, y]))
        gz = p
        gz[rows, y] -= 1.0
        gz /= len(y)
        gh = (gz @ W2.T) * (1.0 - h * h)
        W2[...] -= LEARNING_RATE * (h.T @ gz)
        b2[...] -= LEARNING_RATE * gz.sum(axis=0)
        W1[...] -= LEARNING_RATE * (X.T @ gh)
        b1[...] -= LEARNING_RATE * gh.sum(axis=0)
        return loss

    return step


def numpy_w6(size: dict, variant: str) -> Step:
    x = inputs("W6", size)["x"]
    return lambda: np.sum(x**2, axis=1)


NUMPY_BUILDERS: dict[str, Builder] = {
    "W1": numpy_w1,
    "W2": numpy_w2,
    "W3": numpy_w3,
    "W4": numpy_w4,
    "W6": numpy_w6,
    "W7": numpy_w4,
}


def seconds_per_call(step: Step, repeat: int, sample_seconds: float = 0.02) -> float:
    """Median over `repeat` samples of the time of one call; warm-up calls are not counted.

    A sample runs the step enough times to last about `sample_seconds`, so calls of a
    microsecond are not drowned by the clock's own cost.
    """
    step()
    start = time.perf_counter()
    step()
    once = time.perf_counter() - start
    calls = max(1, int(sample_seconds / max(once, 1e-9)))
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(calls):
            step()
        samples.append((time.perf_counter() - start) / calls)
    return statistics.median(samples)


def agrees_with_numpy(workload: str, size: dict, value: Any) -> bool:
    """Whether a library's first result equals NumPy's (float32 workloads: within 1e-4)."""
    if workload not in NUMPY_BUILDERS:
        return True
    expected = NUMPY_BUILDERS[workload](size, "")()
    rtol = 1e-4 if np.asarray(expected).dtype == np.float32 else 1e-9
    return bool(np.allclose(np.asarray(value), expected, rtol=rtol, atol=rtol))


def blas_kernels() -> list[dict]:
    """The OpenBLAS builds loaded in this process and the kernel each one chose."""
    try:
        from threadpoolctl import threadpool_info

        return [
            {
                "library": os.path.basename(info["filepath"]),
                "version": info.get("version"),
                "kernel": info.get("architecture"),
                "threads": info.get("num_threads"),
            }
            for info in threadpool_info()
            if info.get("user_api") == "blas"
        ]
    except ImportError:
        pass
    # Without threadpoolctl: ask every loaded OpenBLAS for its core name, as it would.
    with open("/proc/self/maps") as maps:
        paths = sorted({line.split()[-1] for line in maps if "openblas" in line.lower()})
    found = []
    for path in paths:
        library = ctypes.CDLL(path)
        for symbol in ("openblas_get_corename", "scipy_openblas_get_corename64_"):
            if hasattr(library, symbol):
                getter = getattr(library, symbol)
                getter.restype = ctypes.c_char_p
                found.append({"library": os.path.basename(path), "kernel": getter().decode()})
                break
    return found


def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux counts KiB


def run_steady(builders: dict[str, Builder], args: argparse.Namespace) -> dict:
    results = {}
    for workload in args.workloads.split(","):
        if workload not in builders:
            continue
        size = SIZES[args.size][workload]
        try:
            step = builders[workload](size, args.variant)
            ok = agrees_with_numpy(workload, size, step())
            getattr(step, "wait_ready", lambda: None)()  # per-call figures: the final program
            results[workload] = {"seconds": seconds_per_call(step, args.repeat), "agrees": ok}
        except Exception as err:  # one failing workload must not hide the others' numbers
            results[workload] = {"error": f"{type(err).__name__}: {err}"[:2000]}
    return results


def run_cold(builders: dict[str, Builder], args: argparse.Namespace, load: Callable) -> dict:
    """In a fresh process: the time to a first result, to the final program, and the memory."""
    start = time.perf_counter()
    library = load()
    imported = time.perf_counter() - start
    workload = args.workloads
    size = SIZES[args.size][workload]
    result: dict[str, Any] = {"import": imported, "library": library}
    try:
        start = time.perf_counter()
        step = builders[workload](size, args.variant)
        start = getattr(step, "started", start)  # a builder that had to try twice says so
        step()
        result["first"] = time.perf_counter() - start
        getattr(step, "wait_ready", lambda: None)()
        result["ready"] = time.perf_counter() - start
        for _ in range(args.steps):
            step()
        if hasattr(step, "note"):
            result["note"] = step.note
    except Exception as err:
        result["error"] = f"{type(err).__name__}: {err}"[:2000]
    result["peak_mb"] = peak_memory_mb()
    result["blas"] = blas_kernels()
    return result


def worker(builders: dict[str, Builder], load: Callable[[], dict]) -> None:
    """Run as a script: time the given builders and print one JSON object.

    `load` imports the library under test and returns its versions; it is timed.
    """
    parser = argparse.ArgumentParser(description="one benchmark worker (started by run.py)")
    parser.add_argument("--task", choices=("steady", "cold"), required=True)
    parser.add_argument("--workloads", required=True, help="comma-separated; one for --task cold")
    parser.add_argument("--size", choices=tuple(SIZES), default="full")
    parser.add_argument("--variant", default="", help="the tensorlab mode")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--steps", type=int, default=10, help="steps after the first (cold)")
    args = parser.parse_args()
    if args.task == "cold":
        result = run_cold(builders, args, load)
    else:
        library = load()
        result = {"library": library, "workloads": run_steady(builders, args)}
        result["blas"] = blas_kernels()
    print("\n" + json.dumps(result))  # on a line of its own, after whatever a library printed


def load_numpy() -> dict:
    return {"numpy": np.__version__}


if __name__ == "__main__":
    worker(NUMPY_BUILDERS, load_numpy)
