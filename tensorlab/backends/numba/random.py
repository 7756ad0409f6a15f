"""Random draws: uniform, normal, binomial, choice and permutation from a Philox state.

Each node draws its words with `philox_words` (`philox.py`, compiled once for every
graph) and turns them into its sample as the op's `perform` does, so a seed gives the
same numbers and the same next state on both backends. `RandomUniform` of float64 with
the size (2, 3) writes:

    # [0] RandomUniform{dtype='float64'}(rng_state0, c_0) -> t_random_uniform, ...
    t_random_uniform, t_words = philox_words(rng_state0, 12)
    t_random_uniform_2 = uniform_float64(t_words).reshape((2, 3))

A size known before run time is written as numbers; one computed at run time is read
into `n0`, `n1`, ... and checked (negative lengths stop the program, and the wrapper
raises the reference backend's error).
"""

from __future__ import annotations

import math
from collections.abc import Callable

from tensorlab.backends.numba.elemwise import cast
from tensorlab.backends.numba.module import ModuleWriter, emit, tuple_text
from tensorlab.graph.basic import Apply, Constant, Variable
from tensorlab.tensor.random import (
    STATE_SIZE,
    RandomBinomial,
    RandomChoice,
    RandomNormal,
    RandomPermutation,
    RandomUniform,
)

__all__ = []

PHILOX = "tensorlab.backends.numba.philox"
TWO_PI = 6.283185307179586  # the recipe's float64 constant for 2 pi


class Draw:
    """What every random node writes first: the state's check, the sample's lengths.

    `lengths` are the sample's lengths as source (numbers when the size is a constant,
    else `n0`, `n1`, ... read from the size vector); `count` is their product.
    """

    def __init__(self, mod: ModuleWriter, node: Apply) -> None:
        self.mod = mod
        state, size = node.inputs[:2]
        self.state = mod.name(state)
        self.new_state = mod.name(node.outputs[0])
        if state.type.shape[0] is None:  # a state of static length was checked on the way in
            mod.check(f"{mod.length(state, 0)} != {STATE_SIZE}", "shape")
        self.lengths = self._lengths(size)
        if all(n.isdigit() for n in self.lengths):
            self.count = str(math.prod(int(n) for n in self.lengths))
        elif len(self.lengths) == 1:
            self.count = self.lengths[0]
        else:
            self.count = mod.fresh("t_count")
            mod.line(f"{self.count} = {' * '.join(self.lengths)}")

    def _lengths(self, size: Variable) -> list[str]:
        mod = self.mod
        ndim = size.type.shape[0]
        if isinstance(size, Constant) and all(int(n) >= 0 for n in size.data):
            return [str(int(n)) for n in size.data]
        lengths = [f"n{k}" for k in range(ndim)]
        for k, n in enumerate(lengths):
            mod.line(f"{n} = {mod.name(size)}[{k}]")
        if lengths:
            mod.check(" or ".join(f"{n} < 0" for n in lengths), "shape")
        return lengths

    def words(self, count: str) -> str:
        """Write `new_state, t_words = philox_words(state, count)`; the words' name."""
        words = self.mod.fresh("t_words")
        helper = self.mod.require(PHILOX, "philox_words")
        self.mod.line(f"{self.new_state}, {words} = {helper}({self.state}, {count})")
        return words

    def uniform(self, words: str, dtype: str = "float64") -> str:
        """Source of the uniforms of `dtype` made from the array `words`."""
        return f"{self.mod.require(PHILOX, f'uniform_{dtype}')}({words})"

    def shaped(self, out_var: Variable, flat: str) -> None:
        """Write `out = flat.reshape(lengths)`: the flat (1-d) sample in the output's shape."""
        out, lengths = self.mod.name(out_var), self.lengths
        if len(lengths) == 1:  # the flat sample is the output
            self.mod.line(f"{out} = {flat}")
        elif lengths:
            self.mod.line(f"{out} = {flat}.reshape({tuple_text(lengths)})")
        else:  # Numba's reshape to () gives a number, not a 0-d array
            self.mod.filled(out, "()", f"{flat}[0]", self.mod.dtype(out_var))


def _product(*factors: str) -> str:
    """Source of the product of `factors` (numbers or names), the numbers folded."""
    number = math.prod(int(f) for f in factors if f.isdigit())
    names = [f for f in factors if not f.isdigit()]
    if number == 0 or not names:
        return str(number)
    return " * ".join(([str(number)] if number != 1 else []) + names)


@emit.register(RandomUniform)
def emit_random_uniform(op: RandomUniform, node: Apply, mod: ModuleWriter) -> None:
    """Two words per float64, one per float32 (see the example at the top)."""
    draw = Draw(mod, node)
    words = draw.words(_product("2" if op.dtype == "float64" else "1", draw.count))
    draw.shaped(node.outputs[1], draw.uniform(words, op.dtype))


@emit.register(RandomNormal)
def emit_random_normal(op: RandomNormal, node: Apply, mod: ModuleWriter) -> None:
    """Box-Muller on pairs of float64 uniforms, each pair giving two samples; three
    float32 samples:

        t_random_normal, t_words = philox_words(rng_state0, 8)
        t_u = uniform_float64(t_words)
        t_z = empty((3,), np.float32)
        for i0 in range(2):
            t_radius = math.sqrt(-2.0 * math.log(1.0 - t_u[2 * i0]))
            t_angle = 6.283185307179586 * t_u[2 * i0 + 1]
            t_z[2 * i0] = np.float32(t_radius * math.cos(t_angle))
            if 2 * i0 + 1 < 3:
                t_z[2 * i0 + 1] = np.float32(t_radius * math.sin(t_angle))

    Each sample is rounded to the dtype from float64, as NumPy's `astype` does.
    """
    draw = Draw(mod, node)
    out_var = node.outputs[1]
    count = draw.count
    pairs = str((int(count) + 1) // 2) if count.isdigit() else f"({count} + 1) // 2"
    words = draw.words(_product("4", pairs) if pairs.isdigit() else f"4 * ({pairs})")
    u, z = mod.fresh("t_u"), mod.fresh("t_z")
    radius, angle = mod.fresh("t_radius"), mod.fresh("t_angle")
    mod.line(f"{u} = {draw.uniform(words)}")
    mod.line(f"{z} = {mod.empty(f'({count},)', mod.dtype(out_var))}")
    dtype = out_var.type.dtype
    with mod.loops([pairs]) as (j,):
        # libm's log, cos and sin here and NumPy's own loops may differ in the last bit
        # of a float64: the samples agree to a few ulps, not always bit for bit
        mod.line(f"{radius} = math.sqrt(-2.0 * math.log(1.0 - {u}[2 * {j}]))")
        mod.line(f"{angle} = {TWO_PI!r} * {u}[2 * {j} + 1]")
        mod.line(f"{z}[2 * {j}] = {cast(f'{radius} * math.cos({angle})', 'float64', dtype)}")
        with mod.block(f"if 2 * {j} + 1 < {count}:"):  # an odd count drops the last sine
            sine = cast(f"{radius} * math.sin({angle})", "float64", dtype)
            mod.line(f"{z}[2 * {j} + 1] = {sine}")
    draw.shaped(out_var, z)


@emit.register(RandomBinomial)
def emit_random_binomial(op: RandomBinomial, node: Apply, mod: ModuleWriter) -> None:
    """Sample i counts its n float64 uniforms u[i*n], ..., u[i*n + n-1] below p[i]; for
    n = 3, the size (2, 3) and a matrix p:

        t_random_binomial, t_words = philox_words(rng_state0, 36)
        t_u = uniform_float64(t_words)
        p_b = np.broadcast_to(p, (2, 3))
        t_random_binomial_2 = empty((2, 3), np.int64)
        t_trial = 0  # where this sample's n uniforms start
        for i0 in range(2):
            for i1 in range(3):
                t_p = np.float64(p_b[i0, i1])
                if not 0.0 <= t_p <= 1.0:
                    raise ValueError("tensorlab:0:value")
                t_successes = 0
                for i2 in range(3):
                    if t_u[t_trial + i2] < t_p:
                        t_successes += 1
                t_random_binomial_2[i0, i1] = t_successes
                t_trial += 3

    A p whose lengths are known to fit the size needs no broadcast view (`p_b`).
    """
    draw = Draw(mod, node)
    p_var, out_var = node.inputs[2], node.outputs[1]
    out, ndim = mod.name(out_var), out_var.ndim
    p_of = _broadcast(mod, p_var, draw.lengths)
    words = draw.words(_product(str(2 * op.n), draw.count))
    u = mod.fresh("t_u")
    mod.line(f"{u} = {draw.uniform(words)}")
    trial, successes = mod.fresh("t_trial"), mod.fresh("t_successes")
    mod.line(f"{out} = {mod.empty(tuple_text(draw.lengths), mod.dtype(out_var))}")
    mod.line(f"{trial} = 0  # where this sample's n uniforms start")
    with mod.loops(draw.lengths) as loop:
        p = mod.fresh("t_p")
        mod.line(f"{p} = np.float64({p_of(loop)})")
        mod.check(f"not 0.0 <= {p} <= 1.0", "value")  # nan fails too
        mod.line(f"{successes} = 0")
        with mod.loops([str(op.n)], first=ndim) as (k,):
            with mod.block(f"if {u}[{trial} + {k}] < {p}:"):
                mod.line(f"{successes} += 1")
        target = ", ".join(loop) or "()"
        mod.line(f"{out}[{target}] = {cast(successes, 'int64', out_var.type.dtype)}")
        mod.line(f"{trial} += {op.n}")


def _broadcast(mod: ModuleWriter, x: Variable, lengths: list[str]) -> Callable:
    """Check that `x` broadcasts to `lengths` (its axes aligned to the last ones) and write
    its broadcast view when it needs one; return `element(loop)`, the source of x's
    element at the output's loop indices."""
    lead = len(lengths) - x.ndim
    unsettled = [  # axes whose length may differ from the output's, and be 1
        a
        for a in range(x.ndim)
        if x.type.shape[a] != 1 and lengths[lead + a] != str(x.type.shape[a])
    ]
    if not unsettled:
        return lambda loop: mod.element(
            x, ["0" if x.type.shape[a] == 1 else loop[lead + a] for a in range(x.ndim)]
        )
    mod.check(
        " or ".join(
            f"({mod.length(x, a)} != 1 and {mod.length(x, a)} != {lengths[lead + a]})"
            for a in unsettled
        ),
        "shape",
    )
    view = mod.fresh(f"{mod.name(x)}_b")  # repeats a length of 1 where the output's is not
    mod.line(f"{view} = np.broadcast_to({mod.name(x)}, {tuple_text(lengths[lead:])})")
    return lambda loop: f"{view}[{', '.join(loop[lead:])}]"


def _weights(mod: ModuleWriter, p_var: Variable, length: str, body) -> None:
    """Loop over the weights as float64, stopping on a negative, infinite or nan one;
    `body(weight, index)` writes what each weight adds to."""
    weight = mod.fresh("t_weight")
    with mod.loops([length]) as (j,):
        mod.line(f"{weight} = np.float64({mod.name(p_var)}[{j}])")
        mod.check(f"not 0.0 <= {weight} < math.inf", "value")  # nan fails too
        body(weight, j)


@emit.register(RandomChoice)
def emit_random_choice(op: RandomChoice, node: Apply, mod: ModuleWriter) -> None:
    """With replacement, inverse CDF: the number of cumulative weights c[j] <= u * c[-1]
    (`np.searchsorted(..., side="right")`), capped at the last positive weight. Without,
    an exponential race: the indices of the smallest -log(1 - u[j]) / p[j], in order:

        t_race = empty((4,), np.float64)
        t_available = 0
        for i0 in range(4):
            t_weight = np.float64(w[i0])
            ...
            t_race[i0] = -math.log(1.0 - t_u[i0]) / t_weight if t_weight > 0.0 else math.inf
        t_index = np.argsort(t_race, kind="mergesort")[:3]
    """
    draw = Draw(mod, node)
    a_var, p_var = node.inputs[2:]
    a, m = mod.name(a_var), _static_length(mod, p_var, 0)
    if not (a_var.type.shape[0] is not None and a_var.type.shape[0] == p_var.type.shape[0]):
        mod.check(f"{mod.length(a_var, 0)} != {mod.length(p_var, 0)}", "shape")
    index = mod.fresh("t_index")
    if op.replace:
        total, last = mod.fresh("t_total"), mod.fresh("t_last")
        cumulative = mod.fresh("t_cumulative")
        mod.line(f"{cumulative} = {mod.empty(f'({m},)', 'np.float64')}")
        mod.line(f"{total} = 0.0")
        mod.line(f"{last} = -1  # the last index with a positive weight")

        def accumulate(weight: str, j: str) -> None:
            with mod.block(f"if {weight} > 0.0:"):
                mod.line(f"{last} = {j}")
            mod.line(f"{total} += {weight}")  # in order, as np.cumsum adds
            mod.line(f"{cumulative}[{j}] = {total}")

        _weights(mod, p_var, m, accumulate)
        mod.check(f"{last} < 0", "value")  # no positive weight
        u, words = mod.fresh("t_u"), draw.words(_product("2", draw.count))
        mod.line(f"{u} = {draw.uniform(words)}")
        found = f'np.searchsorted({cumulative}, {u} * {total}, side="right")'
        # u * c[-1] may round up to c[-1], past the last positive weight: the cap keeps to it
        mod.line(f"{index} = np.minimum({found}, {last})")
    else:
        available, race = mod.fresh("t_available"), mod.fresh("t_race")
        u, words = mod.fresh("t_u"), draw.words(_product("2", m))
        mod.line(f"{u} = {draw.uniform(words)}")
        mod.line(f"{race} = {mod.empty(f'({m},)', 'np.float64')}")
        mod.line(f"{available} = 0")

        def race_time(weight: str, j: str) -> None:
            with mod.block(f"if {weight} > 0.0:"):
                mod.line(f"{available} += 1")
            time = f"-math.log(1.0 - {u}[{j}]) / {weight}"
            mod.line(f"{race}[{j}] = {time} if {weight} > 0.0 else math.inf")

        _weights(mod, p_var, m, race_time)
        mod.check(f"{draw.count} > {available}", "value")  # not enough distinct values
        # a stable sort, as NumPy's kind="stable": equal times keep their order
        mod.line(f'{index} = np.argsort({race}, kind="mergesort")[:{draw.count}]')
    draw.shaped(node.outputs[1], f"{a}[{index}]")


def _static_length(mod: ModuleWriter, x: Variable, axis: int) -> str:
    length = x.type.shape[axis]
    return str(length) if length is not None else mod.length(x, axis)


@emit.register(RandomPermutation)
def emit_random_permutation(op: RandomPermutation, node: Apply, mod: ModuleWriter) -> None:
    """Row r sorts the 64-bit keys of its n pairs of words (a stable argsort); two
    permutations of 5:

        t_random_permutation, t_words = philox_words(rng_state0, 20)
        t_keys = words_to_keys(t_words)
        t_order = empty((2, 5), np.int64)
        for i0 in range(2):
            t_order[i0] = np.argsort(t_keys[i0 * 5:(i0 + 1) * 5], kind="mergesort")
        t_random_permutation_2 = t_order.reshape((2, 5))

    The rows' keys follow each other in the draw: row r owns keys[r*n : (r+1)*n].
    """
    draw = Draw(mod, node)
    n_var = node.inputs[2]
    if isinstance(n_var, Constant) and int(n_var.data) >= 0:
        n = str(int(n_var.data))
    else:
        n = mod.fresh("t_n")
        mod.line(f"{n} = np.int64({mod.value(n_var)})")
        mod.check(f"{n} < 0", "shape")
    rows = draw.count
    words = draw.words(_product("2", n, rows))
    keys, order = mod.fresh("t_keys"), mod.fresh("t_order")
    mod.line(f"{keys} = {mod.require(PHILOX, 'words_to_keys')}({words})")
    mod.line(f"{order} = {mod.empty(f'({rows}, {n})', 'np.int64')}")
    with mod.loops([rows]) as (r,):
        # a stable sort, as NumPy's kind="stable": equal keys keep their order
        row = f"{keys}[{r} * {n}:({r} + 1) * {n}]"
        mod.line(f'{order}[{r}] = np.argsort({row}, kind="mergesort")')
    shape = tuple_text([*draw.lengths, n])
    mod.line(f"{mod.name(node.outputs[1])} = {order}.reshape({shape})")  # size + (n,)
