"""Transcendental functions in compiled loops: NumPy, libm through `math.*`, and mathlib.

Run:  .venv/bin/python bench/transcendentals.py [--n 10000000] [--repeat 5] [--fastmath]
          [--functions exp,tanh] [--dtypes float64,float32] [--cpu N]

For each function and dtype, prints ns per element over `n` elements (the fastest of
`repeat` runs: the one least disturbed by other work on a shared machine) of
- NumPy: the ufunc (scipy.special for sigmoid and erf, np.logaddexp(0, x) for softplus),
- math.*: an `@njit` loop calling `math.exp`, ... (what the Numba wheels' libm gives),
- mathlib: the same loop calling tensorlab.backends.numba.mathlib,
the ratios NumPy / mathlib and math.* / mathlib, and whether each loop vectorized: a
vector float type such as `<4 x double>` or `<8 x float>` in the loop's LLVM IR and no
call to libm left in its machine code ("libm exp" where one is).
Loops are compiled as the backend compiles them: `error_model="numpy"`, and with
`--fastmath` the flags that keep nan and inf (nsz, arcp, contract, afn). The process is
pinned to one core (the last, or `--cpu N`).
"""

from __future__ import annotations

import argparse
import math
import os
import re
import time
from collections.abc import Callable

import numpy as np
import scipy.special
from numba import njit

from tensorlab.backends.numba import mathlib

FASTMATH = {"nsz", "arcp", "contract", "afn"}

# name: (NumPy ufunc as (label, function), the libm version of one element, input range)
FUNCTIONS: dict[str, tuple[tuple[str, Callable], Callable, tuple[float, float]]] = {
    "exp": (("np.exp", np.exp), lambda x: math.exp(x), (-20.0, 20.0)),
    "log": (("np.log", np.log), lambda x: math.log(x), (1e-3, 1e3)),
    "tanh": (("np.tanh", np.tanh), lambda x: math.tanh(x), (-5.0, 5.0)),
    "sigmoid": (
        ("scipy expit", scipy.special.expit),
        lambda x: 1.0 / (1.0 + math.exp(-x)),
        (-20.0, 20.0),
    ),
    "softplus": (
        ("np.logaddexp", lambda x: np.logaddexp(x.dtype.type(0), x)),
        lambda x: x + math.log1p(math.exp(-x)) if x > 0 else math.log1p(math.exp(x)),
        (-20.0, 20.0),
    ),
    "log1p": (("np.log1p", np.log1p), lambda x: math.log1p(x), (-0.9, 10.0)),
    "expm1": (("np.expm1", np.expm1), lambda x: math.expm1(x), (-5.0, 5.0)),
    "erf": (("scipy erf", scipy.special.erf), lambda x: math.erf(x), (-4.0, 4.0)),
}

_VECTOR = re.compile(r"<(\d+) x (double|float)>")
_LIBM = {"exp", "log", "tanh", "log1p", "expm1", "erf"}
_LIBM |= {f"{name}f" for name in _LIBM}
_ADDRESS = re.compile(r"movabsq\s+\$(\w+),")  # how Numba's machine code reaches a C function


def vectorized(run) -> str:
    """The widest vector float type in the loop's LLVM IR, or 'no'; 'libm' when the machine
    code still calls libm: LLVM writes `llvm.exp.v4f64` in the IR for a vector of exp, then
    lowers it to one scalar `exp` call per lane.
    """
    ir = "".join(run.inspect_llvm().values())
    asm = "".join(run.inspect_asm().values())
    called = sorted(set(_ADDRESS.findall(asm)) & _LIBM)
    if called:
        return f"libm {','.join(called)}"
    widths = {int(n): kind for n, kind in _VECTOR.findall(ir)}
    if not widths:
        return "no"
    widest = max(widths)
    return f"<{widest} x {widths[widest]}>"


def loop(element: Callable, fastmath: bool):
    """An `@njit` loop writing element(x[i]) into out[i]; `element` is Numba-callable."""

    @njit(error_model="numpy", fastmath=FASTMATH if fastmath else False)
    def run(x, out):
        for i in range(x.shape[0]):
            out[i] = element(x[i])

    return run


def fastest_ns(call: Callable[[], object], n: int, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return min(times) / n * 1e9


def measure(name: str, dtype: str, n: int, repeat: int, fastmath: bool) -> dict:
    (label, ufunc), libm, (low, high) = FUNCTIONS[name]
    x = np.random.default_rng(0).uniform(low, high, n).astype(dtype)
    out = np.empty_like(x)
    row = {"function": name, "dtype": dtype, "numpy": label}
    with np.errstate(all="ignore"):
        row["numpy ns"] = fastest_ns(lambda: ufunc(x), n, repeat)
    for column, element in (("math", njit(libm)), ("mathlib", getattr(mathlib, name))):
        run = loop(element, fastmath)
        start = time.perf_counter()
        run(x, out)
        row[f"{column} compile s"] = time.perf_counter() - start
        row[f"{column} ns"] = fastest_ns(lambda run=run: run(x, out), n, repeat)
        row[f"{column} vector"] = vectorized(run)
    return row


def table(rows: list[dict]) -> str:
    header = (
        f"{'function':9} {'dtype':7} {'NumPy':>7} {'(which)':15} {'math.*':>7} {'mathlib':>8} "
        f"{'NumPy/ml':>8} {'math/ml':>7}  {'math.* loop':17} {'mathlib loop':14} compile"
    )
    lines = [header, "-" * len(header)]
    for r in rows:
        lines.append(
            f"{r['function']:9} {r['dtype']:7} {r['numpy ns']:7.2f} {r['numpy']:15} "
            f"{r['math ns']:7.2f} {r['mathlib ns']:8.2f} "
            f"{r['numpy ns'] / r['mathlib ns']:7.1f}x {r['math ns'] / r['mathlib ns']:6.1f}x  "
            f"{r['math vector']:17} {r['mathlib vector']:14} {r['mathlib compile s']:.2f} s"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--functions", default=",".join(FUNCTIONS))
    parser.add_argument("--dtypes", default="float64,float32")
    parser.add_argument("--fastmath", action="store_true", help="nsz, arcp, contract, afn")
    parser.add_argument("--cpu", type=int, default=None, help="core to pin to (default: last)")
    args = parser.parse_args()
    cores = sorted(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cores[-1] if args.cpu is None else args.cpu})
    rows = [
        measure(name, dtype, args.n, args.repeat, args.fastmath)
        for dtype in args.dtypes.split(",")
        for name in args.functions.split(",")
    ]
    flags = "fastmath nsz, arcp, contract, afn" if args.fastmath else "no fastmath"
    print(
        f"ns per element, fastest of {args.repeat}, n = {args.n:.0e}; {flags}; "
        f"error_model='numpy'; one core"
    )
    print(table(rows))


if __name__ == "__main__":
    main()
