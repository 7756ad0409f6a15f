"""Random numbers: the Philox4x32-10 generator, random ops and `RandomStreams`.

>>> import tensorlab as tl
>>> from tensorlab.tensor.random import RandomStreams
>>> srng = RandomStreams(seed=234)
>>> f = tl.function([], srng.uniform((2,)))
>>> bool((f() != f()).all())     # each call draws fresh numbers
True

The recipe is fixed, so that the compiled backends reproduce it bit for bit:

- Generator: Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3",
  SC11; Random123's `philox4x32_R(10, counter, key)`), a pure function of a 128-bit
  counter and a 64-bit key returning four uint32 words.
- State: a uint32 vector of 6 words `[k0, k1, c0, c1, c2, c3]`: the key, then the counter
  C = c0 + c1 * 2**32 + c2 * 2**64 + c3 * 2**96. `seed_state(seed, stream)` puts the
  seed (0 <= seed < 2**64) in the key, k0 = seed mod 2**32, k1 = seed // 2**32, and the
  stream in the counter's high half, C = stream * 2**64: each stream owns 2**64 blocks.
- A draw that needs W words encrypts B = ceil(W / 4) blocks, counters C, C+1, ..., C+B-1
  (mod 2**128); block j gives words w[4j], ..., w[4j+3] in Philox's output order, the
  words past W are dropped, and the new state is the same key with counter C + B. The
  state is never changed in place: ops return a new one.
- float64 uniform i, in [0, 1): (w[2i] * 2**21 + (w[2i+1] >> 11)) * 2**-53, the top 53
  bits of the 64-bit number w[2i] * 2**32 + w[2i+1].
  float32 uniform i: (w[i] >> 8) * 2**-24;  float16 uniform i: (w[i] >> 21) * 2**-11.
- normal (Box-Muller, in float64, then rounded to the dtype): pair j uses the float64
  uniforms u1 = u[2j], u2 = u[2j+1] (block j), r = sqrt(-2 * log(1 - u1)),
  t = 6.283185307179586 * u2, z[2j] = r * cos(t), z[2j+1] = r * sin(t); n samples use
  ceil(n / 2) blocks. Exact up to the last bit of log, cos and sin in float64.
- binomial(n, p): sample i (C order) counts the k < n with float64 uniform u[i*n + k]
  below p[i] (p read as float64).
- permutation of m: row r is the stable ascending argsort of the 64-bit keys
  w[2(r*m + k)] * 2**32 + w[2(r*m + k) + 1], k < m.
- choice with replacement from weights p (length m): cumulative sums c of p in float64,
  then sample i is the number of c[j] <= u[i] * c[m-1], capped at the last positive
  weight. Without replacement: the m race times E_j = -log(1 - u[j]) / p[j] (inf where
  p[j] == 0); the sample is the indices of the smallest prod(size) of them, in order
  (stable argsort).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from tensorlab.errors import RuntimeOpError, ShapeError, TypeMismatchError, describe, error
from tensorlab.graph.basic import Apply, Constant, Op, Variable
from tensorlab.scalar.basic import check_dtype, is_float, is_integer, is_python_number
from tensorlab.tensor.elemwise import broadcast_static_shapes
from tensorlab.tensor.math import cast
from tensorlab.tensor.shape import as_shape_vector, broadcast_to, shape, static_lengths
from tensorlab.tensor.type import TensorType, shape_text
from tensorlab.tensor.variable import as_tensor_like, as_tensor_variable

__all__ = [
    "philox4x32",
    "seed_state",
    "philox_words",
    "words_to_uniform",
    "RandomUniform",
    "RandomNormal",
    "RandomBinomial",
    "RandomChoice",
    "RandomPermutation",
    "uniform",
    "normal",
    "binomial",
    "choice",
    "permutation",
    "RandomStreams",
]

# Philox4x32's multipliers and Weyl key increments (Random123's PHILOX_M4x32_*, _W32_*).
_M0, _M1 = np.uint64(0xD2511F53), np.uint64(0xCD9E8D57)
_W0, _W1 = np.uint64(0x9E3779B9), np.uint64(0xBB67AE85)
_LOW32, _SHIFT32 = np.uint64(0xFFFFFFFF), np.uint64(32)
STATE_SIZE = 6
_STATE_TYPE = TensorType("uint32", (STATE_SIZE,))


def philox4x32(counter: Any, key: Any, rounds: int = 10) -> np.ndarray:
    """Encrypt counters (uint32 array of shape (..., 4)) with a key of two uint32 words.

    uint32 products are formed in uint64, whose high and low halves are Philox's mulhi
    and mullo. Random123's known answer for counter 0 and key 0:

    >>> [f"{w:08x}" for w in philox4x32([0, 0, 0, 0], [0, 0])]
    ['6627e8d5', 'e169c58d', 'bc57ac4c', '9b00dbd8']
    """
    c = np.asarray(counter, dtype=np.uint64)
    c0, c1, c2, c3 = c[..., 0], c[..., 1], c[..., 2], c[..., 3]
    k0, k1 = (np.uint64(k) for k in np.asarray(key, dtype=np.uint32))
    for r in range(rounds):
        if r:
            k0, k1 = (k0 + _W0) & _LOW32, (k1 + _W1) & _LOW32
        p0, p1 = _M0 * c0, _M1 * c2
        c0, c1, c2, c3 = (
            (p1 >> _SHIFT32) ^ c1 ^ k0,
            p1 & _LOW32,
            (p0 >> _SHIFT32) ^ c3 ^ k1,
            p0 & _LOW32,
        )
    return np.stack([c0, c1, c2, c3], axis=-1).astype(np.uint32)


def seed_state(seed: int, stream: int = 0) -> np.ndarray:
    """The state of stream `stream` for `seed`: key from the seed, counter stream * 2**64.

    >>> seed_state(2**32 + 5, stream=1)
    array([5, 1, 0, 0, 1, 0], dtype=uint32)
    """
    seed, stream = int(seed), int(stream)
    if not (0 <= seed < 2**64 and 0 <= stream < 2**64):
        raise error(
            TypeMismatchError,
            "a random seed and a stream number must be integers in 0..2**64 - 1",
            got=f"seed={seed}, stream={stream}",
        )
    words = [seed, seed >> 32, 0, 0, stream, stream >> 32]
    return np.array([w & 0xFFFFFFFF for w in words], dtype=np.uint32)


def _counter(state: np.ndarray) -> int:
    return sum(int(w) << (32 * i) for i, w in enumerate(state[2:]))


def philox_words(state: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
    """`count` uint32 words drawn from `state`, and the state after them (a new array).

    >>> new, words = philox_words(seed_state(0), 6)
    >>> [f"{w:08x}" for w in words[:4]], new
    (['6627e8d5', 'e169c58d', 'bc57ac4c', '9b00dbd8'], array([0, 0, 2, 0, 0, 0], dtype=uint32))
    """
    blocks = -(-count // 4)
    start = _counter(state)
    low, high = np.uint64(start & 0xFFFFFFFFFFFFFFFF), np.uint64(start >> 64)
    low_half = low + np.arange(blocks, dtype=np.uint64)  # wraps around mod 2**64
    high_half = high + (low_half < low).astype(np.uint64)  # the carry
    counters = np.stack(
        [low_half & _LOW32, low_half >> _SHIFT32, high_half & _LOW32, high_half >> _SHIFT32],
        axis=-1,
    )
    words = philox4x32(counters, state[:2]).reshape(-1)[:count]
    end = (start + blocks) % 2**128
    new_state = np.array(state, dtype=np.uint32)
    new_state[2:] = [(end >> (32 * i)) & 0xFFFFFFFF for i in range(4)]
    return new_state, words


def words_to_uniform(words: np.ndarray, dtype: str) -> np.ndarray:
    """Uniform floats in [0, 1) of `dtype` from uint32 words (two words per float64).

    >>> words_to_uniform(np.array([0xFFFFFFFF, 0], dtype=np.uint32), "float32")
    array([0.99999994, 0.        ], dtype=float32)
    """
    if dtype == "float64":
        high, low = words[0::2].astype(np.uint64), words[1::2].astype(np.uint64)
        bits = (high << np.uint64(21)) | (low >> np.uint64(11))
        return bits.astype(np.float64) * 2.0**-53
    keep = 24 if dtype == "float32" else 11
    bits = (words >> np.uint32(32 - keep)).astype(dtype)
    return bits * np.asarray(2.0**-keep, dtype=dtype)


# -- what every random op shares: a state input, a size input, checked at run time ------


def _state_input(op: Op, state: Any) -> Variable:
    state = as_tensor_variable(state)
    if state.dtype != "uint32" or state.type.shape not in ((None,), (STATE_SIZE,)):
        raise error(
            TypeMismatchError,
            f"{op} needs a random state: a uint32 vector of {STATE_SIZE} words",
            got=describe(state),
            at=state,
            hint="make one with tensorlab.tensor.random.seed_state(seed), or use RandomStreams",
        )
    return state


def _size_input(op: Any, size: Any) -> Variable:
    if isinstance(size, int | np.integer):
        size = (size,)
    if isinstance(size, tuple | list) and any(
        isinstance(n, int | np.integer) and n < 0 for n in size
    ):
        raise error(ShapeError, f"{op} got a negative size", got=str(tuple(size)))
    return as_shape_vector(size if isinstance(size, Variable) else tuple(size), op)


def _sample_shape(op: Op, node: Apply, state: np.ndarray, size: np.ndarray) -> tuple[int, ...]:
    if state.shape != (STATE_SIZE,):
        raise error(
            ShapeError,
            f"{op} needs a random state of {STATE_SIZE} words",
            got=f"{node.inputs[0]}: {state.dtype} {shape_text(state.shape)}",
            at=node,
        )
    shape_ = tuple(int(n) for n in size)
    if any(n < 0 for n in shape_):
        raise error(ShapeError, f"{op} got a negative size", got=shape_text(shape_), at=node)
    return shape_


def _float_field(op: Op) -> None:
    """Normalise and check the `dtype` field of an op that draws floats."""
    dtype = check_dtype(op.dtype)
    if not is_float(dtype):
        raise error(TypeMismatchError, f"{type(op).__name__} draws floats", got=f"dtype={dtype}")
    object.__setattr__(op, "dtype", dtype)


def _weights_check(op: Op, node: Apply, p: np.ndarray, name: Variable) -> None:
    if not (np.isfinite(p).all() and (p >= 0).all() and p.sum() > 0):
        raise error(
            RuntimeOpError,
            f"{op} needs finite, non-negative weights with a positive sum",
            got=f"{name}: {p.dtype} {shape_text(p.shape)} = {np.array2string(p, threshold=8)}",
            at=node,
        )


class _FloatDraw(Op):
    """What uniform and normal draws share: inputs (state, size), outputs (state, sample)."""

    def __post_init__(self) -> None:
        _float_field(self)

    def make_node(self, state, size) -> Apply:
        state, size = _state_input(self, state), _size_input(self, size)
        outputs = [_STATE_TYPE(), TensorType(self.dtype, static_lengths(size))()]
        return Apply(self, [state, size], outputs)

    def grad(self, inputs, outputs, gouts):
        return [None, None]


@dataclass(frozen=True)
class RandomUniform(_FloatDraw, Op):
    """Uniform floats in [0, 1) drawn from a Philox state (see the module's recipe).

    forward:   new_state, u = state advanced, words_to_uniform(philox words, dtype)
    gradient:  none for state and size (integers); low + (high - low) * u carries the
               gradients of low and high
    """

    dtype: str

    def perform(self, node: Apply, state: np.ndarray, size: np.ndarray) -> tuple:
        shape_ = _sample_shape(self, node, state, size)
        count = math.prod(shape_)
        new_state, words = philox_words(state, count * (2 if self.dtype == "float64" else 1))
        return new_state, words_to_uniform(words, self.dtype).reshape(shape_)


@dataclass(frozen=True)
class RandomNormal(_FloatDraw, Op):
    """Standard normal floats drawn from a Philox state by Box-Muller (see the recipe).

    forward:   z[2j], z[2j+1] = r cos(2 pi u2), r sin(2 pi u2),  r = sqrt(-2 log(1 - u1))
    gradient:  none for state and size (integers); avg + std * z carries the gradients
               of avg and std
    """

    dtype: str

    def perform(self, node: Apply, state: np.ndarray, size: np.ndarray) -> tuple:
        shape_ = _sample_shape(self, node, state, size)
        count = math.prod(shape_)
        new_state, words = philox_words(state, 4 * -(-count // 2))
        u = words_to_uniform(words, "float64")
        r = np.sqrt(-2.0 * np.log(1.0 - u[0::2]))
        t = 6.283185307179586 * u[1::2]
        z = np.stack([r * np.cos(t), r * np.sin(t)], axis=-1).reshape(-1)[:count]
        return new_state, z.astype(self.dtype).reshape(shape_)


@dataclass(frozen=True)
class RandomBinomial(Op):
    """Counts of successes in `n` trials of probability `p` (broadcast to the size).

    forward:   out[i] = #{k < n : u[i*n + k] < p[i]}
    gradient:  none for state and size; p: not differentiable (the counts are steps)
    """

    n: int
    dtype: str

    def __post_init__(self) -> None:
        if not isinstance(self.n, int) or isinstance(self.n, bool) or self.n < 0:
            raise error(TypeMismatchError, "RandomBinomial needs n, an int >= 0", got=repr(self.n))
        object.__setattr__(self, "dtype", check_dtype(self.dtype))

    def make_node(self, state, size, p) -> Apply:
        state, size, p = _state_input(self, state), _size_input(self, size), as_tensor_variable(p)
        if not (is_float(p.dtype) or is_integer(p.dtype)):
            raise error(TypeMismatchError, f"{self} needs a numeric p", got=describe(p), at=p)
        lengths = static_lengths(size)
        broadcast_static_shapes(self, [p, TensorType("bool", lengths)()])
        if p.ndim > len(lengths):
            raise error(
                ShapeError,
                f"{self}: p has more dimensions than the size {shape_text(lengths)}",
                got=describe(p),
                at=p,
            )
        return Apply(self, [state, size, p], [_STATE_TYPE(), TensorType(self.dtype, lengths)()])

    def perform(self, node: Apply, state: np.ndarray, size: np.ndarray, p: np.ndarray) -> tuple:
        shape_ = _sample_shape(self, node, state, size)
        try:
            p = np.broadcast_to(p.astype(np.float64), shape_)
        except ValueError as err:
            raise error(
                ShapeError,
                f"{self} cannot broadcast p to the size {shape_text(shape_)}",
                got=f"{node.inputs[2]}: {p.dtype} {shape_text(p.shape)}",
                at=node,
            ) from err
        if not ((p >= 0) & (p <= 1)).all():
            raise error(
                RuntimeOpError,
                f"{self} needs probabilities in [0, 1]",
                got=f"{node.inputs[2]} between {p.min()} and {p.max()}",
                at=node,
            )
        count = math.prod(shape_)
        new_state, words = philox_words(state, 2 * self.n * count)
        u = words_to_uniform(words, "float64").reshape(*shape_, self.n)
        successes = (u < p[..., None]).sum(axis=-1)
        return new_state, np.asarray(successes, dtype=self.dtype)  # a 0-d array, not a scalar

    def grad(self, inputs, outputs, gouts):
        reason = "binomial samples are counts: a step function of p"
        return [None, None, self.not_differentiable(2, reason)]


@dataclass(frozen=True)
class RandomChoice(Op):
    """Entries of the vector `a`, drawn with probabilities proportional to the weights `p`.

    forward:   out[i] = a[j_i], j_i drawn by inverse CDF (replace=True) or as the first
               finishers of an exponential race (replace=False; all distinct)
    gradient:  none for state and size; a and p: not differentiable
    """

    replace: bool

    def make_node(self, state, size, a, p) -> Apply:
        state, size = _state_input(self, state), _size_input(self, size)
        a, p = as_tensor_variable(a), as_tensor_variable(p)
        if a.ndim != 1 or p.ndim != 1 or not is_float(p.dtype):
            raise error(
                TypeMismatchError,
                f"{self} needs a vector of values and a float vector of weights",
                got=f"{describe(a)}, {describe(p)}",
                at=a,
            )
        broadcast_static_shapes(self, [a, p])
        return Apply(
            self, [state, size, a, p], [_STATE_TYPE(), TensorType(a.dtype, static_lengths(size))()]
        )

    def perform(self, node, state, size, a, p) -> tuple:
        shape_ = _sample_shape(self, node, state, size)
        if a.shape != p.shape:
            raise error(
                ShapeError,
                f"{self} needs one weight per value",
                got=f"{node.inputs[2]}: {shape_text(a.shape)}, {node.inputs[3]}: {shape_text(p.shape)}",
                at=node,
            )
        _weights_check(self, node, p, node.inputs[3])
        weights = p.astype(np.float64)
        count = math.prod(shape_)
        if self.replace:
            new_state, words = philox_words(state, 2 * count)
            cumulative = np.cumsum(weights)
            u = words_to_uniform(words, "float64")
            index = np.searchsorted(cumulative, u * cumulative[-1], side="right")
            index = np.minimum(index, np.flatnonzero(weights)[-1])
        else:
            available = int(np.count_nonzero(weights))
            if count > available:
                raise error(
                    RuntimeOpError,
                    f"{self} cannot draw {count} distinct values from {available} "
                    "with a positive weight",
                    got=f"size {shape_text(shape_)}, {node.inputs[2]}: {shape_text(a.shape)}",
                    at=node,
                )
            new_state, words = philox_words(state, 2 * len(weights))
            u = words_to_uniform(words, "float64")
            with np.errstate(divide="ignore"):
                race = np.where(weights > 0, -np.log(1.0 - u) / weights, np.inf)
            index = np.argsort(race, kind="stable")[:count]
        return new_state, a[index].reshape(shape_)

    def grad(self, inputs, outputs, gouts):
        reason = "choice passes no gradient; draw indices (a=len) and index the vector instead"
        return [None, None, self.not_differentiable(2, reason), self.not_differentiable(3, reason)]


@dataclass(frozen=True)
class RandomPermutation(Op):
    """Random permutations of 0..n-1, one along the last axis for each index of the size.

    forward:   out[r] = argsort(64-bit Philox keys of row r)   (int64, shape size + (n,))
    gradient:  none (integer inputs and outputs)
    """

    def make_node(self, state, size, n) -> Apply:
        state, size, n = _state_input(self, state), _size_input(self, size), as_tensor_variable(n)
        if n.ndim != 0 or not is_integer(n.dtype):
            raise error(TypeMismatchError, f"{self} needs an integer n", got=describe(n), at=n)
        length = int(n.data) if isinstance(n, Constant) else None
        sample = TensorType("int64", (*static_lengths(size), length))
        return Apply(self, [state, size, n], [_STATE_TYPE(), sample()])

    def perform(self, node, state, size, n) -> tuple:
        shape_ = _sample_shape(self, node, state, size)
        n = int(n)
        if n < 0:
            raise error(ShapeError, f"{self} got a negative n ({n})", at=node)
        new_state, words = philox_words(state, 2 * n * math.prod(shape_))
        keys = (words[0::2].astype(np.uint64) << _SHIFT32) | words[1::2].astype(np.uint64)
        order = np.argsort(keys.reshape(*shape_, n), axis=-1, kind="stable")
        return new_state, order.astype(np.int64)

    def grad(self, inputs, outputs, gouts):
        return [None, None, None]


# -- the functional API: state in, (new state, sample) out, as Theano's raw_random -------


def _dtype(dtype: str | None) -> str:
    from tensorlab.config import config

    return check_dtype(config.floatX if dtype in (None, "floatX") else dtype)


def _size(what: str, size: Any, params: list, ndim: int | None) -> Variable:
    """The sample shape as an int64 vector; `None` means the parameters' broadcast shape."""
    if size is None:
        tensors = [as_tensor_variable(q) for q in params if not is_python_number(q)]
        total = None
        for t in (t for t in tensors if t.ndim > 0):
            total = t if total is None else total + t
        size = () if total is None else shape(total)
    vector = _size_input(what, size)
    if ndim is not None and vector.type.shape[0] != ndim:
        raise error(
            ShapeError,
            f"{what}: the size has {vector.type.shape[0]} dimensions, not ndim={ndim}",
            got=describe(vector),
        )
    return vector


def _is(value: Any, number: float) -> bool:
    return is_python_number(value) and value == number


def uniform(state, size=None, low=0.0, high=1.0, ndim=None, dtype=None) -> tuple:
    """(new state, floats uniform in [low, high) of shape `size`); dtype `config.floatX`.

    `size=None` takes the broadcast shape of `low` and `high`. Gradients reach `low`
    and `high` through low + (high - low) * u.

    >>> new, u = uniform(seed_state(1), (3,))
    >>> u.eval()
    array([0.89025917, 0.58572595, 0.67199827])
    """
    dtype = _dtype(dtype)
    new_state, u = RandomUniform(dtype)(state, _size("uniform", size, [low, high], ndim))
    if _is(low, 0) and _is(high, 1):
        return new_state, u
    low_, high_ = as_tensor_like([low, high, u])[:2]
    return new_state, cast(low_ + (high_ - low_) * u, dtype)


def normal(state, size=None, avg=0.0, std=1.0, ndim=None, dtype=None) -> tuple:
    """(new state, normal floats of mean `avg` and deviation `std`); dtype `config.floatX`.

    `size=None` takes the broadcast shape of `avg` and `std`. Gradients reach `avg` and
    `std` through avg + std * z, z standard normal (the reparameterisation trick).

    >>> new, z = normal(seed_state(1), (3,))
    >>> z.eval()
    array([-1.80455669, -1.07835188, -1.47561925])
    """
    dtype = _dtype(dtype)
    new_state, z = RandomNormal(dtype)(state, _size("normal", size, [avg, std], ndim))
    if _is(avg, 0) and _is(std, 1):
        return new_state, z
    avg_, std_ = as_tensor_like([avg, std, z])[:2]
    return new_state, cast(avg_ + std_ * z, dtype)


def binomial(state, size=None, n=1, p=0.5, ndim=None, dtype="int64") -> tuple:
    """(new state, successes in `n` trials of probability `p`); `p` broadcasts to `size`.

    >>> new, b = binomial(seed_state(1), (4,), n=10, p=0.5)
    >>> b.eval()
    array([4, 5, 7, 6])
    """
    n = int(n) if isinstance(n, np.integer) else n
    return RandomBinomial(n, _dtype(dtype))(state, _size("binomial", size, [p], ndim), p)


def choice(state, size=(), a=2, replace=True, p=None, ndim=None, dtype="int64") -> tuple:
    """(new state, entries of `a` drawn with weights `p`), as NumPy's `choice`.

    `a` is an int (draw from range(a), in `dtype`) or a vector of values; `p` defaults
    to equal weights. Without replacement every drawn entry is a different one.

    >>> new, c = choice(seed_state(1), (2, 2), a=5)
    >>> c.eval()
    array([[4, 2],
           [3, 2]])
    """
    if isinstance(a, int | np.integer) and not isinstance(a, bool):
        if a <= 0:
            raise error(ShapeError, "choice needs a > 0 values to choose from", got=f"a={a}")
        values = as_tensor_variable(np.arange(a, dtype=check_dtype(dtype)))
    else:
        values = as_tensor_variable(a)
        if values.ndim != 1:
            raise error(
                TypeMismatchError,
                "choice draws from range(a) for an int a, or from the entries of a vector a",
                got=describe(values),
                hint="for a symbolic count n, scale a uniform draw: T.cast(u * n, 'int64')",
            )
    if p is None:
        p = broadcast_to(np.ones((), dtype=np.float64), shape(values))
    elif not is_float(as_tensor_variable(p).dtype):
        p = cast(p, "float64")
    op = RandomChoice(bool(replace))
    return op(state, _size("choice", () if size is None else size, [], ndim), values, p)


def permutation(state, size=(), n=1, ndim=None, dtype="int64") -> tuple:
    """(new state, random permutations of range(n)), of shape `size + (n,)`.

    >>> new, perm = permutation(seed_state(1), n=5)
    >>> sorted(perm.eval().tolist())
    [0, 1, 2, 3, 4]
    """
    vector = _size("permutation", () if size is None else size, [], ndim)
    new_state, order = RandomPermutation()(state, vector, n)
    return new_state, cast(order, dtype)


class RandomStreams:
    """Symbolic random numbers with a state of their own (Theano's `RandomStreams`).

    Each call (`uniform`, `normal`, ...) makes a shared state variable for a new stream
    of the seed and returns a sample; a compiled function advances that state on every
    call (the state's `default_update`), so each call draws fresh numbers. The same seed
    gives the same numbers in every process. `seed=None` picks a seed from the
    operating system's entropy.

    >>> import tensorlab as tl
    >>> srng = RandomStreams(seed=234)
    >>> rv = srng.normal((2, 2))
    >>> f = tl.function([], rv)
    >>> first = f()
    >>> srng.seed(234)      # back to the start of every stream
    >>> bool((f() == first).all())
    True
    """

    def __init__(self, seed: int | None = None) -> None:
        self.state_updates: list[tuple[Variable, Variable]] = []
        self.seed(seed)

    def seed(self, seed: int | None = None) -> None:
        """Reseed: every stream made so far restarts from `seed` (None: a fresh entropy)."""
        if seed is None:
            seed = int(np.random.SeedSequence().entropy) % 2**64
        seed_state(seed)  # checks the range
        self.default_seed = int(seed)
        for stream, (state, _) in enumerate(self.state_updates):
            state.set_value(seed_state(self.default_seed, stream))

    def updates(self) -> list[tuple[Variable, Variable]]:
        """The (state, new state) pairs of every stream, for `function(updates=...)`."""
        return list(self.state_updates)

    def _draw(self, make, *args) -> Variable:
        from tensorlab.compile.shared import shared

        stream = len(self.state_updates)
        state = shared(
            seed_state(self.default_seed, stream), name=f"rng_state{stream}", shape=(STATE_SIZE,)
        )
        new_state, sample = make(state, *args)
        state.default_update = new_state
        self.state_updates.append((state, new_state))
        return sample

    def uniform(self, size=None, low=0.0, high=1.0, ndim=None, dtype=None) -> Variable:
        """Floats uniform in [low, high); see `tensorlab.tensor.random.uniform`."""
        return self._draw(uniform, size, low, high, ndim, dtype)

    def normal(self, size=None, avg=0.0, std=1.0, ndim=None, dtype=None) -> Variable:
        """Normal floats; gradients reach `avg` and `std`. See `random.normal`."""
        return self._draw(normal, size, avg, std, ndim, dtype)

    def binomial(self, size=None, n=1, p=0.5, ndim=None, dtype="int64") -> Variable:
        """Successes in `n` trials of probability `p`; see `random.binomial`."""
        return self._draw(binomial, size, n, p, ndim, dtype)

    def choice(self, size=(), a=2, replace=True, p=None, ndim=None, dtype="int64") -> Variable:
        """Entries of `a` (an int or a vector) drawn with weights `p`; see `random.choice`."""
        return self._draw(choice, size, a, replace, p, ndim, dtype)

    def permutation(self, size=(), n=1, ndim=None, dtype="int64") -> Variable:
        """Permutations of range(n), of shape size + (n,); see `random.permutation`."""
        return self._draw(permutation, size, n, ndim, dtype)
