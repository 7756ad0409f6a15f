"""Cases for the random ops, checked against a plain-Python Philox4x32-10 given a fixed state.

The reference below is written from the recipe in `tensorlab/tensor/random.py` with
Python integers, one block at a time, so it shares no code with the vectorised NumPy
generator it checks.
"""

from __future__ import annotations

import math

import numpy as np

import tensorlab.tensor as T
from tensorlab.tensor.random import (
    RandomBinomial,
    RandomChoice,
    RandomNormal,
    RandomPermutation,
    RandomUniform,
)
from tests.cases import Case
from tests.strategies import arrays, rng_state_args

MASK = 0xFFFFFFFF


def philox_block(counter: list[int], key: list[int], rounds: int = 10) -> list[int]:
    c0, c1, c2, c3 = counter
    k0, k1 = key
    for r in range(rounds):
        if r:
            k0, k1 = (k0 + 0x9E3779B9) & MASK, (k1 + 0xBB67AE85) & MASK
        p0, p1 = 0xD2511F53 * c0, 0xCD9E8D57 * c2
        c0, c1, c2, c3 = (p1 >> 32) ^ c1 ^ k0, p1 & MASK, (p0 >> 32) ^ c3 ^ k1, p0 & MASK
    return [c0, c1, c2, c3]


def reference_words(state: np.ndarray, count: int) -> tuple[np.ndarray, list[int]]:
    key = [int(w) for w in state[:2]]
    start = sum(int(w) << (32 * i) for i, w in enumerate(state[2:]))
    words: list[int] = []
    blocks = 0
    while len(words) < count:
        counter = (start + blocks) % 2**128
        words += philox_block([(counter >> (32 * i)) & MASK for i in range(4)], key)
        blocks += 1
    end = (start + blocks) % 2**128
    new_state = np.array(key + [(end >> (32 * i)) & MASK for i in range(4)], dtype=np.uint32)
    return new_state, words[:count]


def reference_uniform(state: np.ndarray, count: int, dtype: str) -> tuple[np.ndarray, np.ndarray]:
    if dtype == "float64":
        new_state, w = reference_words(state, 2 * count)
        values = [((w[2 * i] << 21) + (w[2 * i + 1] >> 11)) * 2.0**-53 for i in range(count)]
        return new_state, np.array(values, dtype=np.float64)
    new_state, w = reference_words(state, count)
    keep = 24 if dtype == "float32" else 11
    return new_state, np.array([(v >> (32 - keep)) * 2.0**-keep for v in w], dtype=dtype)


def reference_normal(state: np.ndarray, shape: tuple, dtype: str) -> np.ndarray:
    count = math.prod(shape)
    _, u = reference_uniform(state, 2 * -(-count // 2), "float64")
    r = np.sqrt(-2.0 * np.log(1.0 - u[0::2]))
    t = 6.283185307179586 * u[1::2]
    z = np.stack([r * np.cos(t), r * np.sin(t)], axis=-1).reshape(-1)[:count]
    return z.astype(dtype).reshape(shape)


def reference_binomial(state, shape: tuple, n: int, p, dtype: str) -> np.ndarray:
    count = math.prod(shape)
    _, u = reference_uniform(state, n * count, "float64")
    p = np.broadcast_to(np.asarray(p, dtype=np.float64), shape).reshape(-1)
    counts = [sum(u[i * n + k] < p[i] for k in range(n)) for i in range(count)]
    return np.array(counts, dtype=dtype).reshape(shape)


def reference_choice(state, shape: tuple, weights: np.ndarray, replace: bool) -> np.ndarray:
    count, weights = math.prod(shape), weights.astype(np.float64)
    if replace:
        _, u = reference_uniform(state, count, "float64")
        cumulative = np.cumsum(weights)
        last = max(j for j, w in enumerate(weights) if w > 0)
        picks = [min(int((cumulative <= v * cumulative[-1]).sum()), last) for v in u]
    else:
        _, u = reference_uniform(state, len(weights), "float64")
        race = [-math.log(1.0 - v) / w if w > 0 else math.inf for v, w in zip(u, weights)]
        picks = sorted(range(len(weights)), key=lambda j: race[j])[:count]
    return np.array(picks, dtype=np.int64).reshape(shape)


def reference_permutation(state, shape: tuple, n: int) -> np.ndarray:
    rows = math.prod(shape)
    _, w = reference_words(state, 2 * n * rows)
    keys = [(w[2 * i] << 32) | w[2 * i + 1] for i in range(n * rows)]
    perms = [sorted(range(n), key=lambda k, r=r: keys[r * n + k]) for r in range(rows)]
    return np.array(perms, dtype=np.int64).reshape(*shape, n)


CASES = [
    Case(
        RandomUniform,
        lambda s: T.random.uniform(s, (2, 3), dtype="float64")[1],
        lambda s: reference_uniform(s, 6, "float64")[1].reshape(2, 3),
        rng_state_args(),
    ),
    Case(
        RandomUniform,
        lambda s: T.random.uniform(s, (5,), dtype="float32")[1],
        lambda s: reference_uniform(s, 5, "float32")[1],
        rng_state_args(),
        name="RandomUniform[float32]",
    ),
    Case(
        RandomUniform,
        lambda s: T.random.uniform(s, (3,), dtype="float16")[1],
        lambda s: reference_uniform(s, 3, "float16")[1],
        rng_state_args(),
        name="RandomUniform[float16]",
    ),
    Case(
        RandomUniform,
        lambda s: T.random.uniform(s, (7,), dtype="float64")[0],
        lambda s: reference_uniform(s, 7, "float64")[0],
        rng_state_args(),
        name="RandomUniform[new state]",
    ),
    Case(
        RandomUniform,
        lambda s, low, high: T.random.uniform(s, None, low, high, dtype="float64")[1],
        lambda s, low, high: (
            low + (high - low) * reference_uniform(s, 6, "float64")[1].reshape(2, 3)
        ),
        rng_state_args(arrays("float64", (2, 3)), arrays("float64", (2, 3), 4.0, 6.0)),
        grad=(1, 2),
        name="RandomUniform[low, high]",
    ),
    Case(
        RandomNormal,
        lambda s: T.random.normal(s, (3,), dtype="float64")[1],
        lambda s: reference_normal(s, (3,), "float64"),
        rng_state_args(),
    ),
    Case(
        RandomNormal,
        lambda s: T.random.normal(s, (2, 2), dtype="float32")[1],
        lambda s: reference_normal(s, (2, 2), "float32"),
        rng_state_args(),
        name="RandomNormal[float32]",
    ),
    Case(
        RandomNormal,
        lambda s, avg, std: T.random.normal(s, None, avg, std, dtype="float64")[1],
        lambda s, avg, std: avg + std * reference_normal(s, (2, 3), "float64"),
        rng_state_args(arrays("float64", (2, 3)), arrays("float64", (3,), 0.5, 2.0)),
        grad=(1, 2),
        name="RandomNormal[avg, std]",
    ),
    Case(
        RandomBinomial,
        lambda s, p: T.random.binomial(s, (2, 3), n=3, p=p)[1],
        lambda s, p: reference_binomial(s, (2, 3), 3, p, "int64"),
        rng_state_args(arrays("float64", (2, 3), 0.0, 1.0)),
    ),
    Case(
        RandomBinomial,
        lambda s, p: T.random.binomial(s, (2, 3), p=p, dtype="float32")[1],
        lambda s, p: reference_binomial(s, (2, 3), 1, p, "float32"),
        rng_state_args(arrays("float32", (3,), 0.0, 1.0)),
        name="RandomBinomial[float32, broadcast p]",
    ),
    Case(
        RandomChoice,
        lambda s, w: T.random.choice(s, (5,), a=4, p=w)[1],
        lambda s, w: reference_choice(s, (5,), w, replace=True),
        rng_state_args(arrays("float64", (4,), 0.0, 2.0).filter(lambda w: w.sum() > 0)),
    ),
    Case(
        RandomChoice,
        lambda s, w: T.random.choice(s, (3,), a=4, replace=False, p=w)[1],
        lambda s, w: reference_choice(s, (3,), w, replace=False),
        rng_state_args(arrays("float64", (4,), 0.1, 2.0)),
        name="RandomChoice[no replace]",
    ),
    Case(
        RandomPermutation,
        lambda s: T.random.permutation(s, (2,), n=5)[1],
        lambda s: reference_permutation(s, (2,), 5),
        rng_state_args(),
    ),
]
