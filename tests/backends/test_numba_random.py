"""Random draws on the Numba backend against the reference backend: the Philox block and
its words, streams over several calls in float32 and float64, the states they leave,
runtime errors, and a training step whose updates advance a dropout mask's stream.

Uniform, binomial, choice and permutation draws and every state must be equal bit for
bit; normal draws take libm's log, cos and sin in float64 where NumPy uses its own
loops, which may differ in the last bit, so they are compared to a few ulps.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tensorlab as tl
import tensorlab.tensor as T
from tensorlab.backends.numba import philox
from tensorlab.errors import RuntimeOpError, ShapeError
from tensorlab.sandbox.rng_mrg import MRG_RandomStreams
from tensorlab.tensor import random
from tensorlab.tensor.random import RandomStreams

REFERENCE = tl.Mode("python", optimizer="none")
NUMBA = tl.Mode("numba")
MASK = 2**32 - 1
FEW = settings(max_examples=20, derandomize=True, database=None, deadline=None)

# Words and counters at the edges where a carry or a wrap-around happens, and any other
words = st.sampled_from([0, 1, 2**31, MASK - 1, MASK]) | st.integers(0, MASK)
counters = st.sampled_from(
    [0, MASK, 2**64 - 2, 2**64 - 1, 2**64, 2**96 - 1, 2**128 - 5, 2**128 - 2, 2**128 - 1]
) | st.integers(0, 2**128 - 1)


@pytest.fixture(autouse=True)
def _compile_now():
    """Every call runs the Numba program (no reference answers while it compiles)."""
    with tl.config.change(compile="now"):
        yield


def state_of(key: int, counter: int) -> np.ndarray:
    """The uint32 state [k0, k1, c0, c1, c2, c3] of a 64-bit key and a 128-bit counter."""
    parts = [key, key >> 32, *(counter >> (32 * i) for i in range(4))]
    return np.array([w & MASK for w in parts], dtype=np.uint32)


# -- the compiled helpers against random.py's NumPy ones ---------------------------------
@FEW
@given(st.lists(words, min_size=6, max_size=6))
def test_philox_block_matches_reference(block):
    *counter, k0, k1 = block
    want = random.philox4x32(np.array(counter, dtype=np.uint32), np.array([k0, k1], np.uint32))
    got = philox.philox4x32(*(np.uint64(w) for w in block))
    assert [int(w) for w in got] == want.tolist()


def test_philox_block_known_answers():
    # Random123's known answers (kat_vectors) for philox4x32_10
    assert [f"{int(w):08x}" for w in philox.philox4x32(0, 0, 0, 0, 0, 0)] == [
        "6627e8d5",
        "e169c58d",
        "bc57ac4c",
        "9b00dbd8",
    ]
    top = philox.philox4x32(MASK, MASK, MASK, MASK, MASK, MASK)
    assert [f"{int(w):08x}" for w in top] == ["408f276d", "41c83b0e", "a20bc7c6", "6d5451fd"]
    pi = (0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344, 0xA4093822, 0x299F31D0)
    got = [f"{int(w):08x}" for w in philox.philox4x32(*pi)]
    assert got == ["d16cfe09", "94fdcceb", "5001e420", "24126ea1"]


@FEW
@given(st.integers(0, 2**64 - 1), counters, st.integers(0, 13))
def test_philox_words_match_reference(key, counter, count):
    state = state_of(key, counter)
    before = state.copy()
    want_state, want_words = random.philox_words(state, count)
    got_state, got_words = philox.philox_words(state, count)
    assert got_words.dtype == got_state.dtype == np.uint32
    np.testing.assert_array_equal(got_words, want_words)
    np.testing.assert_array_equal(got_state, want_state)
    np.testing.assert_array_equal(state, before)  # a new state, never the old one changed


@pytest.mark.parametrize(
    ("counter", "after"),
    [(2**128 - 1, [0, 0, 0, 0]), (2**64 - 1, [0, 0, 1, 0]), (2**32 - 1, [0, 1, 0, 0])],
)
def test_philox_words_carry_across_words(counter, after):
    """The second block's counter is the first's plus one, carried over 128 bits."""
    state = state_of(7, counter)
    new_state, drawn = philox.philox_words(state, 8)
    first = [counter >> (32 * i) & MASK for i in range(4)]
    assert [int(w) for w in drawn[:4]] == [int(w) for w in philox.philox4x32(*first, 7, 0)]
    assert [int(w) for w in drawn[4:]] == [int(w) for w in philox.philox4x32(*after, 7, 0)]
    end = (counter + 2) % 2**128
    np.testing.assert_array_equal(new_state, state_of(7, end))


@FEW
@given(st.lists(words, min_size=0, max_size=12))
def test_uniform_helpers_match_reference(values):
    drawn = np.array(values, dtype=np.uint32)
    pairs = drawn[: len(drawn) // 2 * 2]
    for dtype, helper, source in [
        ("float64", philox.uniform_float64, pairs),
        ("float32", philox.uniform_float32, drawn),
    ]:
        got, want = helper(source), random.words_to_uniform(source, dtype)
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)
        assert ((got >= 0) & (got < 1)).all()
    keys = philox.words_to_keys(pairs)
    assert [int(k) for k in keys] == [
        (values[2 * i] << 32) | values[2 * i + 1] for i in range(len(keys))
    ]


# -- graphs of random streams on both backends -------------------------------------------
def _assert_draws_match(got: np.ndarray, want: np.ndarray, label: str, normal: bool) -> None:
    assert got.dtype == want.dtype and got.shape == want.shape, label
    if normal:  # log, cos and sin of libm and of NumPy may round apart in the last bit
        eps = np.finfo(want.dtype).eps
        np.testing.assert_allclose(got, want, rtol=8 * eps, atol=8 * eps, err_msg=label)
    else:
        np.testing.assert_array_equal(got, want, err_msg=label)


def _stream_graph(streams: type, dtype: str):
    srng = streams(seed=2024)
    x = T.matrix("x", dtype=dtype)
    outputs = {
        "uniform": srng.uniform((2, 3), dtype=dtype),
        "uniform at run-time size": srng.uniform(x.shape, low=-1.0, high=2.0, dtype=dtype),
        "uniform 0-d": srng.uniform((), dtype=dtype),
        "normal, odd count": srng.normal((5,), dtype=dtype),
        "normal at run-time size": srng.normal(x.shape, avg=1.0, std=2.0, dtype=dtype),
        "binomial": srng.binomial((4, 2), n=5, p=0.3),
        "binomial of x": srng.binomial(p=T.nnet.sigmoid(x), dtype=dtype),
        "choice": srng.choice((2, 2), a=6),
        "choice weighted": srng.choice((7,), a=4, p=[0.5, 0.0, 2.0, 1.0]),
        "choice no replace": srng.choice((3,), a=5, replace=False, p=[1, 2, 0, 3, 4.0]),
        "permutation": srng.permutation((2,), n=6),
        "permutation 0-d size": srng.permutation(n=5),
    }
    return srng, x, outputs


@pytest.mark.parametrize(
    ("streams", "dtype"),
    [(RandomStreams, "float64"), (RandomStreams, "float32"), (MRG_RandomStreams, "float32")],
    ids=["RandomStreams-float64", "RandomStreams-float32", "MRG_RandomStreams-float32"],
)
def test_streams_match_reference_over_calls(streams, dtype):
    x_value = np.linspace(-2.0, 2.0, 15).reshape(3, 5).astype(dtype)  # odd size: normal drops one
    runs = {}
    for mode in (REFERENCE, NUMBA):
        srng, x, outputs = _stream_graph(streams, dtype)
        f = tl.function([x], list(outputs.values()), mode=mode)
        calls, states = [], []
        for _ in range(3):
            calls.append(f(x_value))
            states.append([state.get_value() for state, _ in srng.state_updates])
        srng.seed(2024)  # back to the start: the first call's numbers again
        calls.append(f(x_value))
        runs[mode.backend] = (list(outputs), calls, states)
    labels, want_calls, want_states = runs["python"]
    _, got_calls, got_states = runs["numba"]
    for k, (got, want) in enumerate(zip(got_calls, want_calls, strict=True)):
        for label, g, w in zip(labels, got, want, strict=True):
            _assert_draws_match(g, w, f"call {k}: {label}", normal=label.startswith("normal"))
    for got, want in zip(got_states, want_states, strict=True):
        for g, w in zip(got, want, strict=True):
            assert g.dtype == np.uint32
            np.testing.assert_array_equal(g, w)
    first, second, *_, again = got_calls
    assert not np.array_equal(first[0], second[0])  # each call draws fresh numbers
    for g, w in zip(again, first, strict=True):
        np.testing.assert_array_equal(g, w)


@FEW
@given(
    st.integers(0, 2**64 - 1),
    counters,
    st.lists(st.integers(0, 3), min_size=0, max_size=3),
    st.sampled_from(["float32", "float64"]),
)
def test_draws_at_any_state_and_size(key, counter, size, dtype):
    """One graph for every size (it is read at run time): each op, each wrap-around."""
    ndim = len(size)
    state, shape = T.vector("state", dtype="uint32"), T.vector("shape", "int64", shape=(ndim,))
    n = T.lscalar("n")
    graph = [
        *random.uniform(state, shape, dtype=dtype),
        random.normal(state, shape, dtype=dtype)[1],
        random.binomial(state, shape, n=3, p=0.25)[1],
        random.choice(state, shape, a=3, p=[0.2, 0.0, 0.8])[1],
        random.permutation(state, shape, n=n)[1],
    ]
    values = [state_of(key, counter), np.array(size, dtype=np.int64), sum(size)]
    want = _compiled(ndim, dtype, "python", [state, shape, n], graph)(*values)
    got = _compiled(ndim, dtype, "numba", [state, shape, n], graph)(*values)
    for k, (g, w) in enumerate(zip(got, want, strict=True)):
        _assert_draws_match(g, w, f"output {k} at size {size}", normal=k == 2)


_COMPILED: dict = {}


def _compiled(ndim: int, dtype: str, backend: str, inputs, outputs):
    """One function per (ndim, dtype, backend): the examples share their compiles."""
    key = (ndim, dtype, backend)
    if key not in _COMPILED:
        mode = REFERENCE if backend == "python" else NUMBA
        _COMPILED[key] = tl.function(inputs, outputs, mode=mode)
    return _COMPILED[key]


def test_choice_with_weights_whose_sum_overflows():
    """Finite weights may sum to inf: u * inf is inf, past every cumulative weight, and
    the index stops at the last positive weight on both backends."""
    state, p = T.vector("state", dtype="uint32"), T.vector("p")
    _, picks = random.choice(state, (6,), a=4, p=p)
    values = [random.seed_state(3), np.array([1e308, 1e308, 1e308, 0.0])]
    want = tl.function([state, p], picks, mode=REFERENCE)(*values)
    got = tl.function([state, p], picks, mode=NUMBA)(*values)
    np.testing.assert_array_equal(got, want)


def test_helper_names_leave_user_names_alone():
    """A variable named like a helper keeps its name; the helper is imported as another."""
    state = T.vector("philox_words", dtype="uint32")
    new_state, u = random.uniform(state, (3,), dtype="float64")
    f = tl.function([state], [new_state, u], mode=NUMBA)
    assert "from tensorlab.backends.numba.philox import philox_words as philox_words_2" in f.source
    assert "def f_" in f.source and "(philox_words, " in f.source  # the user's name
    seed = random.seed_state(11)
    for got, want in zip(f(seed), tl.function([state], [new_state, u], mode=REFERENCE)(seed)):
        np.testing.assert_array_equal(got, want)


# -- runtime errors: the reference backend's class and message ---------------------------
def _same_error(build, arguments, cls, match):
    messages = []
    for mode in (REFERENCE, NUMBA):
        inputs, output = build()
        f = tl.function(inputs, output, mode=mode)
        with pytest.raises(cls, match=match) as caught:
            f(*arguments)
        messages.append(str(caught.value))
    assert messages[0] == messages[1]


SEED = random.seed_state(5)


def _binomial():
    state, p = T.vector("state", dtype="uint32"), T.vector("p")
    return [state, p], random.binomial(state, (3,), n=2, p=p)[1]


@pytest.mark.parametrize("p", [[0.5, 1.5, 0.2], [0.5, np.nan, 0.2], [-0.1, 0.5, 0.5]])
def test_binomial_bad_probability(p):
    _same_error(_binomial, [SEED, np.array(p)], RuntimeOpError, r"probabilities in \[0, 1\]")


def test_binomial_p_that_does_not_broadcast():
    _same_error(_binomial, [SEED, np.array([0.5, 0.5])], ShapeError, "cannot broadcast p")


def test_negative_size_at_run_time():
    def build():
        state, size = T.vector("state", dtype="uint32"), T.vector("size", "int64", shape=(2,))
        return [state, size], random.uniform(state, size, dtype="float64")[1]

    _same_error(build, [SEED, np.array([2, -1])], ShapeError, "negative size")


def test_state_of_the_wrong_length():
    def build():
        state = T.vector("state", dtype="uint32")
        return [state], random.normal(state, (2,), dtype="float64")[1]

    _same_error(build, [SEED[:5].copy()], ShapeError, "random state of 6 words")


def _choice(replace: bool, size=(2,)):
    def build():
        state, a, p = T.vector("state", dtype="uint32"), T.lvector("a"), T.vector("p")
        return [state, a, p], random.choice(state, size, a=a, replace=replace, p=p)[1]

    return build


@pytest.mark.parametrize("replace", [True, False])
@pytest.mark.parametrize(
    "weights",
    [[1.0, -0.5, 1.0], [0.0, 0.0, 0.0], [1.0, np.nan, 1.0], [1.0, np.inf, 1.0]],
    ids=["negative", "all zero", "nan", "inf"],
)
def test_choice_bad_weights(replace, weights):
    arguments = [SEED, np.arange(3), np.array(weights)]
    _same_error(_choice(replace), arguments, RuntimeOpError, "non-negative weights")


@pytest.mark.parametrize("replace", [True, False])
def test_choice_weights_of_another_length(replace):
    arguments = [SEED, np.arange(3), np.ones(4)]
    _same_error(_choice(replace), arguments, ShapeError, "one weight per value")


def test_choice_without_replacement_of_more_than_available():
    arguments = [SEED, np.arange(4), np.array([1.0, 0.0, 2.0, 0.0])]
    _same_error(_choice(False, (3,)), arguments, RuntimeOpError, "3 distinct values from 2")


def test_permutation_of_negative_length():
    def build():
        state, n = T.vector("state", dtype="uint32"), T.lscalar("n")
        return [state, n], random.permutation(state, (2,), n=n)[1]

    _same_error(build, [SEED, -3], ShapeError, "negative n")


def test_failed_draw_leaves_the_state():
    srng = RandomStreams(seed=8)
    p = T.vector("p")
    f = tl.function([p], srng.binomial((2,), p=p), mode=NUMBA)
    [(state, _)] = srng.state_updates
    before = state.get_value()
    with pytest.raises(RuntimeOpError):
        f(np.array([0.5, 2.0]))
    np.testing.assert_array_equal(state.get_value(), before)
    f(np.array([0.5, 1.0]))
    assert not np.array_equal(state.get_value(), before)


# -- training with a dropout mask: the updates advance the stream ------------------------
def _dropout_step(mode: tl.Mode):
    srng = RandomStreams(seed=99)
    X, y = T.matrix("X"), T.vector("y")
    w = tl.shared(np.zeros(5), name="w")
    b = tl.shared(0.0, name="b")
    keep = 0.8
    mask = srng.binomial(X.shape, p=keep, dtype="float64")
    p = T.sigmoid(T.dot(X * mask / keep, w) + b)
    loss = T.nnet.binary_crossentropy(p, y).mean()
    gw, gb = T.grad(loss, [w, b])
    updates = [(w, w - 0.5 * gw), (b, b - 0.5 * gb), *srng.updates()]
    train = tl.function([X, y], [loss, mask], updates=updates, mode=mode)
    return train, (w, b, srng.state_updates[0][0])


def test_dropout_training_matches_reference(rng):
    X = rng.standard_normal((16, 5))
    y = (X @ np.arange(5.0) > 0).astype(np.float64)
    runs = {}
    for mode in (REFERENCE, NUMBA):
        train, shared = _dropout_step(mode)
        steps = [train(X, y) for _ in range(4)]
        runs[mode.backend] = (steps, [v.get_value() for v in shared])
    (want_steps, want_values), (got_steps, got_values) = runs["python"], runs["numba"]
    for (got_loss, got_mask), (want_loss, want_mask) in zip(got_steps, want_steps, strict=True):
        np.testing.assert_array_equal(got_mask, want_mask)  # the same units dropped
        np.testing.assert_allclose(got_loss, want_loss, rtol=1e-12)
    masks = [mask for _, mask in got_steps]
    assert not np.array_equal(masks[0], masks[1])  # a fresh mask every step
    assert 0 < np.mean(masks) < 1
    w_got, b_got, state_got = got_values
    w_want, b_want, state_want = want_values
    np.testing.assert_allclose(w_got, w_want, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(b_got, b_want, rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(state_got, state_want)
    # each step draws 80 binomials of one trial: 160 words, 40 blocks
    np.testing.assert_array_equal(state_got, state_of(99, 4 * 40))
