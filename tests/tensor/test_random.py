"""Random numbers: Philox known answers, the draw recipe, statistics and `RandomStreams`."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tensorlab as tl
import tensorlab.tensor as T
from tensorlab.errors import NotDifferentiableError, RuntimeOpError, ShapeError, TypeMismatchError
from tensorlab.sandbox.rng_mrg import MRG_RandomStreams
from tensorlab.tensor import shared_randomstreams
from tensorlab.tensor.random import (
    RandomStreams,
    RandomUniform,
    philox4x32,
    philox_words,
    seed_state,
    words_to_uniform,
)
from tests.cases.random import philox_block, reference_words
from tests.strategies import arrays, rng_states

# Random123's tests/kat_vectors, the philox4x32 lines: rounds, counter, key -> output.
KNOWN_ANSWERS = [
    (10, [0x00000000] * 4, [0x00000000] * 2, [0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8]),
    (10, [0xFFFFFFFF] * 4, [0xFFFFFFFF] * 2, [0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD]),
    (
        10,
        [0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344],
        [0xA4093822, 0x299F31D0],
        [0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1],
    ),
    (
        7,
        [0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344],
        [0xA4093822, 0x299F31D0],
        [0x4DFCCABA, 0x190A87F0, 0xC47362BA, 0xB6B5242A],
    ),
]


@pytest.mark.parametrize("rounds, counter, key, expected", KNOWN_ANSWERS)
def test_philox_known_answers(rounds, counter, key, expected):
    assert philox4x32(counter, key, rounds=rounds).tolist() == expected
    assert philox_block(counter, key, rounds) == expected  # the tests' own reference too


@given(arrays("uint32", (3, 4), 0, 2**32 - 1), arrays("uint32", (2,), 0, 2**32 - 1))
def test_vectorised_philox_matches_the_block_by_block_reference(counters, key):
    expected = [philox_block([int(c) for c in row], [int(k) for k in key]) for row in counters]
    assert philox4x32(counters, key).tolist() == expected


@given(rng_states(), st.integers(0, 13))
def test_words_carry_through_the_128_bit_counter_and_leave_the_state_alone(state, count):
    before = state.copy()
    new_state, words = philox_words(state, count)
    expected_state, expected_words = reference_words(state, count)
    np.testing.assert_array_equal(state, before)
    np.testing.assert_array_equal(new_state, expected_state)
    assert words.dtype == np.uint32 and words.tolist() == expected_words


def test_counter_wraps_around_2_to_the_128():
    state = np.array([7, 9] + [0xFFFFFFFF] * 4, dtype=np.uint32)
    new_state, words = philox_words(state, 8)
    assert new_state.tolist() == [7, 9, 1, 0, 0, 0]
    assert words[4:].tolist() == philox4x32([0, 0, 0, 0], [7, 9]).tolist()


def test_seed_state_layout_and_range():
    assert seed_state(234).tolist() == [234, 0, 0, 0, 0, 0]
    assert seed_state(2**64 - 1, stream=2**32).tolist() == [2**32 - 1, 2**32 - 1, 0, 0, 0, 1]
    with pytest.raises(TypeMismatchError, match=r"integers in 0\.\.2"):
        seed_state(-1)


def test_uniform_conversions_are_exact_and_below_one():
    ones = np.full(4, 0xFFFFFFFF, dtype=np.uint32)
    for dtype, expected in [
        ("float64", 1 - 2.0**-53),
        ("float32", 1 - 2.0**-24),
        ("float16", 1 - 2.0**-11),
    ]:
        u = words_to_uniform(ones, dtype)
        assert u.dtype == dtype and u.max() < 1.0 and float(u[0]) == expected
    words = np.array([1, 0x80000000], dtype=np.uint32)
    assert words_to_uniform(words, "float64")[0] == (2**21 + 2**20) * 2.0**-53


def test_perform_returns_a_new_state_and_never_mutates_its_input():
    state = seed_state(5, stream=3)
    s = T.tensor(dtype="uint32", shape=(6,), name="s")
    new_s, u = T.random.uniform(s, (4,))
    f = tl.function([s], [new_s, u])
    first_state, first = f(state)
    _, again = f(state)
    np.testing.assert_array_equal(state, seed_state(5, stream=3))
    np.testing.assert_array_equal(first, again)  # a pure function of the state
    assert first_state.tolist() == [5, 0, 2, 0, 3, 0]
    _, following = f(first_state)
    assert not np.isin(following, first).any()


def test_statistics_of_many_draws():
    srng = RandomStreams(seed=42)
    n = 100_000
    draws = tl.function(
        [],
        [
            srng.uniform((n,)),
            srng.uniform((n,), dtype="float32"),
            srng.normal((n,), avg=2.0, std=3.0),
            srng.binomial((n,), n=5, p=0.3),
            srng.choice((n,), a=3, p=np.array([0.2, 0.3, 0.5])),
        ],
    )()
    u64, u32, z, b, c = draws
    for u in (u64, u32):
        assert 0.0 <= u.min() and u.max() < 1.0
        assert abs(u.mean() - 0.5) < 0.01 and abs(u.var() - 1 / 12) < 0.005
    assert abs(z.mean() - 2.0) < 0.05 and abs(z.std() - 3.0) < 0.05
    assert abs(((z - 2.0) / 3.0 > 1.96).mean() - 0.025) < 0.003  # the tails of a normal
    assert b.dtype == np.int64 and b.min() >= 0 and b.max() <= 5
    assert abs(b.mean() - 1.5) < 0.02 and abs(b.var() - 1.05) < 0.03
    np.testing.assert_allclose(np.bincount(c, minlength=3) / n, [0.2, 0.3, 0.5], atol=0.01)


def test_permutations_and_choices_without_replacement_are_distinct():
    srng = RandomStreams(seed=3)
    perms = srng.permutation((50,), n=7)
    subset = srng.choice((4,), a=np.array([10.0, 20.0, 30.0, 40.0, 50.0]), replace=False)
    f = tl.function([], [perms, subset])
    p, s = f()
    assert p.shape == (50, 7) and p.dtype == np.int64
    assert (np.sort(p, axis=1) == np.arange(7)).all()
    assert len({tuple(row) for row in p}) > 40
    assert len(set(s.tolist())) == 4 and set(s.tolist()) <= {10.0, 20.0, 30.0, 40.0, 50.0}


def test_every_call_draws_fresh_numbers_and_the_same_seed_repeats_them():
    def draws(seed):
        srng = RandomStreams(seed=seed)
        f = tl.function([], [srng.uniform((3,)), srng.normal((3,))])
        return [f() for _ in range(3)]

    first = draws(234)
    assert not np.isin(first[1][0], first[0][0]).any()
    assert not np.isin(first[0][1], first[0][0]).any()  # streams of one seed differ
    for a, b in zip(first, draws(234), strict=True):
        for x, y in zip(a, b, strict=True):
            np.testing.assert_array_equal(x, y)
    assert not np.isin(draws(235)[0][0], first[0][0]).any()


def test_the_same_seed_gives_the_same_numbers_in_every_process():
    # Written down once: any process, any machine, any backend must draw these.
    srng = RandomStreams(seed=234)
    f = tl.function([], [srng.uniform((3,)), srng.normal((2,)), srng.binomial((4,), p=0.5)])
    u, z, b = f()
    assert [v.hex() for v in u.tolist()] == [
        "0x1.3bf4bb717161ep-2",
        "0x1.554ad4781eb0cp-3",
        "0x1.0897241f9150bp-1",
    ]
    assert [v.hex() for v in z.tolist()] == ["-0x1.5f2f08e1e432bp+0", "-0x1.1443c77c41d4ep-7"]
    assert b.tolist() == [0, 0, 1, 1]


def test_seed_restarts_every_stream():
    srng = RandomStreams(seed=1)
    f = tl.function([], [srng.uniform((2,)), srng.binomial((2,), n=100, p=0.5)])
    first = f()
    f()
    srng.seed(1)
    for x, y in zip(first, f(), strict=True):
        np.testing.assert_array_equal(x, y)
    assert [s for s, _ in srng.updates()] == [s for s, _ in srng.state_updates]


def test_reparameterised_normal_passes_gradients_to_mean_and_std():
    srng = RandomStreams(seed=7)
    mean, std = T.scalar("mean"), T.scalar("std")
    sample = srng.normal((5,), avg=mean, std=std)
    g_mean, g_std = T.grad((sample**2).sum(), [mean, std])
    out, gm, gs = tl.function([mean, std], [sample, g_mean, g_std])(1.5, 2.0)
    z = (out - 1.5) / 2.0
    np.testing.assert_allclose(gm, (2 * out).sum(), rtol=1e-12)
    np.testing.assert_allclose(gs, (2 * out * z).sum(), rtol=1e-12)


def test_reparameterised_uniform_passes_gradients_to_low_and_high():
    srng = RandomStreams(seed=7)
    low, high = T.vector("low"), T.vector("high")
    sample = srng.uniform(low=low, high=high)
    g_low, g_high = T.grad(sample.sum(), [low, high])
    out, gl, gh = tl.function([low, high], [sample, g_low, g_high])([0.0, 1.0], [2.0, 5.0])
    u = (out - [0.0, 1.0]) / [2.0, 4.0]
    np.testing.assert_allclose(gl, 1 - u, rtol=1e-12)
    np.testing.assert_allclose(gh, u, rtol=1e-12)


def test_binomial_has_no_gradient_to_p():
    p = T.vector("p")
    sample = RandomStreams(seed=0).binomial(p=p, dtype="float64")
    with pytest.raises(NotDifferentiableError, match="binomial samples are counts"):
        T.grad(sample.sum(), p)


def test_theano_style_usage():
    srng = MRG_RandomStreams(seed=234)
    rv = srng.uniform((2, 2))
    f = tl.function([], rv)
    a, b = f(), f()
    assert a.shape == (2, 2) and a.dtype == tl.config.floatX
    assert not np.isin(a, b).any()
    assert MRG_RandomStreams is shared_randomstreams.RandomStreams is T.random.RandomStreams
    with tl.config.change(floatX="float32"):
        assert srng.normal((3,)).dtype == "float32"


def test_dropout_mask_with_a_symbolic_size():
    x = T.matrix("x")
    mask = RandomStreams(seed=1).binomial(size=x.shape, p=0.8, dtype=tl.config.floatX)
    dropped = tl.function([x], x * mask)(np.ones((100, 30)))
    assert dropped.shape == (100, 30) and set(np.unique(dropped)) <= {0.0, 1.0}
    assert 0.75 < dropped.mean() < 0.85


def test_static_shapes_of_samples():
    srng = RandomStreams(seed=0)
    assert srng.uniform((2, 3)).type.shape == (2, 3)
    assert srng.normal(T.matrix("x").shape).type.shape == (None, None)
    assert srng.permutation((4,), n=6).type.shape == (4, 6)
    assert srng.binomial(p=T.tensor(dtype="float64", shape=(5, None))).type.shape == (5, None)


def test_bad_states_sizes_and_parameters_are_named():
    with pytest.raises(
        TypeMismatchError, match=r"RandomUniform\{dtype='float64'\} needs a random state"
    ):
        RandomUniform("float64")(T.vector("s"), (2,))
    srng = RandomStreams(seed=0)
    with pytest.raises(ShapeError, match="got a negative size"):
        srng.uniform((2, -1))
    with pytest.raises(ShapeError, match="the size has 2 dimensions, not ndim=3"):
        srng.uniform((2, 2), ndim=3)
    with pytest.raises(TypeMismatchError, match="RandomBinomial needs n, an int >= 0"):
        srng.binomial((2,), n=1.5)
    p = T.vector("p")
    f = tl.function([p], srng.binomial((2,), p=p))
    with pytest.raises(RuntimeOpError, match=r"needs probabilities in \[0, 1\](.|\n)*built at"):
        f([0.5, 1.5])
    f = tl.function([], srng.choice((4,), a=3, replace=False))
    with pytest.raises(RuntimeOpError, match="cannot draw 4 distinct values from 3"):
        f()
    w = T.vector("w")
    f = tl.function([w], srng.choice((2,), a=2, p=w))
    with pytest.raises(RuntimeOpError, match="non-negative weights with a positive sum"):
        f([0.0, 0.0])
