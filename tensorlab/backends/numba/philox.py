"""Philox4x32-10 in Numba: the block function, the words of a draw, and uniform floats.

The generated code of the random ops calls these functions; each one computes what its
namesake in `tensorlab.tensor.random` computes with NumPy, bit for bit (the recipe is in
that module's docstring):

    from tensorlab.backends.numba.philox import philox_words, uniform_float64

    new_state, words = philox_words(state, 2 * 6)   # six float64 draws: two words each
    u = uniform_float64(words).reshape((2, 3))

Philox works on uint32 words. Every word is held here in a uint64: the product of two
uint32 words fits in 64 bits, its high half is Philox's `mulhi` and its low half its
`mullo`, and sums of two words are masked back to 32 bits. Every constant is a
`np.uint64`, because Numba types a mix of uint64 and int64 (a plain `32`) as float64,
which would round the words.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["philox4x32", "philox_words", "uniform_float32", "uniform_float64", "words_to_keys"]

# The round multipliers and the Weyl sequence's key increments (the golden ratio and
# sqrt(3) - 1 in 32-bit fixed point): Random123's PHILOX_M4x32_0/1 and PHILOX_W32_0/1.
M0, M1 = np.uint64(0xD2511F53), np.uint64(0xCD9E8D57)
W0, W1 = np.uint64(0x9E3779B9), np.uint64(0xBB67AE85)
ROUNDS = 10
LOW32 = np.uint64(0xFFFFFFFF)
ONE, SHIFT8, SHIFT11, SHIFT21, SHIFT32 = (np.uint64(s) for s in (1, 8, 11, 21, 32))


@njit(cache=True, error_model="numpy")
def philox4x32(c0, c1, c2, c3, k0, k1):
    """Encrypt the counter (c0, c1, c2, c3) with the key (k0, k1): four uint32 words,
    returned as uint64 numbers below 2**32.

    One round multiplies c0 and c2 by M0 and M1; the high halves of the products, mixed
    with the other two words and the round key, become the new c0 and c2, their low
    halves the new c1 and c3:

        c0, c1, c2, c3 = hi(M1 c2) ^ c1 ^ k0, lo(M1 c2), hi(M0 c0) ^ c3 ^ k1, lo(M0 c0)

    and between rounds the key moves on by the Weyl increments, k0 += W0, k1 += W1
    (mod 2**32). Random123's known answer for counter 0 and key 0:

    >>> [f"{w:08x}" for w in philox4x32(0, 0, 0, 0, 0, 0)]
    ['6627e8d5', 'e169c58d', 'bc57ac4c', '9b00dbd8']
    """
    c0, c1, c2, c3 = np.uint64(c0), np.uint64(c1), np.uint64(c2), np.uint64(c3)
    k0, k1 = np.uint64(k0), np.uint64(k1)
    for r in range(ROUNDS):
        if r > 0:
            k0, k1 = (k0 + W0) & LOW32, (k1 + W1) & LOW32
        p0, p1 = M0 * c0, M1 * c2  # below 2**64: a uint32 times a uint32
        c0, c1, c2, c3 = (
            (p1 >> SHIFT32) ^ c1 ^ k0,
            p1 & LOW32,
            (p0 >> SHIFT32) ^ c3 ^ k1,
            p0 & LOW32,
        )
    return c0, c1, c2, c3


@njit(cache=True, error_model="numpy")
def philox_words(state, count):
    """`count` uint32 words drawn from `state` (uint32 [k0, k1, c0, c1, c2, c3]), and the
    state after them, a new array.

    The counter C = c0 + c1 2**32 + c2 2**64 + c3 2**96 is kept as two uint64 halves,
    low = c0 + c1 2**32 and high = c2 + c3 2**32. Block b encrypts C + b (mod 2**128):
    low + b wraps around mod 2**64 by itself, and it wrapped exactly when the sum is
    below `low`, which carries one into `high` (b < 2**64, so the carry is at most one).
    A draw of `count` words takes ceil(count / 4) blocks and leaves the counter past them.

    >>> import numpy as np
    >>> new_state, words = philox_words(np.zeros(6, dtype=np.uint32), 6)
    >>> f"{words[0]:08x}", new_state.tolist()
    ('6627e8d5', [0, 0, 2, 0, 0, 0])
    """
    blocks = (count + 3) // 4
    k0, k1 = np.uint64(state[0]), np.uint64(state[1])
    low = np.uint64(state[2]) | (np.uint64(state[3]) << SHIFT32)
    high = np.uint64(state[4]) | (np.uint64(state[5]) << SHIFT32)
    words = np.empty(4 * blocks, dtype=np.uint32)
    for b in range(blocks):
        block_low = low + np.uint64(b)
        block_high = high + ONE if block_low < low else high
        w0, w1, w2, w3 = philox4x32(
            block_low & LOW32,
            block_low >> SHIFT32,
            block_high & LOW32,
            block_high >> SHIFT32,
            k0,
            k1,
        )
        words[4 * b] = w0
        words[4 * b + 1] = w1
        words[4 * b + 2] = w2
        words[4 * b + 3] = w3
    end_low = low + np.uint64(blocks)
    end_high = high + ONE if end_low < low else high
    new_state = np.empty(6, dtype=np.uint32)
    new_state[0], new_state[1] = state[0], state[1]
    new_state[2], new_state[3] = end_low & LOW32, end_low >> SHIFT32
    new_state[4], new_state[5] = end_high & LOW32, end_high >> SHIFT32
    return new_state, words[:count]


@njit(cache=True, error_model="numpy")
def words_to_keys(words):
    """The 64-bit numbers w[2i] 2**32 + w[2i+1] of consecutive pairs of words (uint64)."""
    keys = np.empty(words.shape[0] // 2, dtype=np.uint64)
    for i in range(keys.shape[0]):
        keys[i] = (np.uint64(words[2 * i]) << SHIFT32) | np.uint64(words[2 * i + 1])
    return keys


@njit(cache=True, error_model="numpy")
def uniform_float64(words):
    """float64 uniforms in [0, 1), one per pair of words: the top 53 bits of the pair's
    64-bit number, times 2**-53. Both steps are exact (53 bits fit a float64's mantissa,
    and the scale is a power of two), so every value is the one NumPy computes."""
    u = np.empty(words.shape[0] // 2, dtype=np.float64)
    for i in range(u.shape[0]):
        bits = (np.uint64(words[2 * i]) << SHIFT21) | (np.uint64(words[2 * i + 1]) >> SHIFT11)
        u[i] = np.float64(bits) * 2.0**-53
    return u


@njit(cache=True, error_model="numpy")
def uniform_float32(words):
    """float32 uniforms in [0, 1), one per word: its top 24 bits times 2**-24 (exact)."""
    u = np.empty(words.shape[0], dtype=np.float32)
    for i in range(u.shape[0]):
        u[i] = np.float32(np.uint64(words[i]) >> SHIFT8) * np.float32(2.0**-24)
    return u
