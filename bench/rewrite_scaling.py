"""How rewriting time grows with graph size: a deep elementwise chain and its gradient.

Run:  .venv/bin/python bench/rewrite_scaling.py [--sizes 100,200,400,800,1600] [--repeat 3]

Prints, per chain depth, the number of nodes before and after rewriting, the median
time of `rewrite_graph` alone, and the time per node. Linear growth shows as a flat
time-per-node column.
"""

from __future__ import annotations

import argparse
import statistics
import time

import tensorlab.tensor as T
from tensorlab.gradient import grad
from tensorlab.graph.fgraph import FunctionGraph
from tensorlab.rewrite import rewrite_graph


def chain(depth: int):
    x = T.vector("x")
    y = x
    for i in range(depth):
        y = T.sigmoid(y) * 1.01 + 0.0 if i % 2 else T.exp(-y) * 0.5
    return x, [y, grad(y.sum(), x)]


def measure(depth: int, repeat: int) -> tuple[int, int, float]:
    times, before, after = [], 0, 0
    for _ in range(repeat):
        x, outputs = chain(depth)
        fgraph = FunctionGraph([x], outputs)
        before = len(fgraph.apply_nodes)
        start = time.perf_counter()
        rewrite_graph(fgraph, "fast_run")
        times.append(time.perf_counter() - start)
        after = len(fgraph.apply_nodes)
    return before, after, statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,200,400,800,1600")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{'depth':>6} {'nodes':>7} {'after':>7} {'rewrite s':>10} {'us/node':>9}")
    for depth in (int(s) for s in args.sizes.split(",")):
        before, after, seconds = measure(depth, args.repeat)
        print(f"{depth:>6} {before:>7} {after:>7} {seconds:>10.3f} {1e6 * seconds / before:>9.1f}")


if __name__ == "__main__":
    main()
