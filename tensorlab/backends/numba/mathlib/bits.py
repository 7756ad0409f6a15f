"""Bit-level helpers for the math functions: a float's IEEE-754 bits, powers of two, and
a guard against fastmath's `reassoc`.

Numba has no scalar bit cast (`view` works on arrays only), so `bits_of`, the
`from_bits` pair and `hidden` are Numba intrinsics that emit LLVM `bitcast`s (and an
integer `and`/`xor`): no memory, no call, and LLVM vectorizes them like any other
arithmetic. Everything else is plain Python that Numba compiles into the caller
(`jitable` below).

A float64 is `sign | 11 exponent bits (bias 1023) | 52 fraction bits`; a float32 is
`sign | 8 exponent bits (bias 127) | 23 fraction bits`. So 2**k for an integer k in the
normal range has the bits `(k + bias) << fraction_bits`, and adding `k << fraction_bits`
to the bits of a normal y multiplies it by 2**k while the result stays normal.
"""

from __future__ import annotations

import numpy as np
from llvmlite import ir
from numba import types
from numba.extending import intrinsic, register_jitable

__all__ = [
    "bits_of",
    "copysign32",
    "copysign64",
    "f32_from_bits",
    "f64_from_bits",
    "hidden",
    "int32_to_float32",
    "int64_to_float64",
    "jitable",
    "ldexp32",
    "ldexp64",
    "mul_add",
    "pow2_32",
    "pow2_64",
]

# Compiled into each caller with LLVM's alwaysinline, once per argument types and caller
# flags: the caller's `fastmath` and `error_model` apply (they are inherited, not set here),
# and a loop that calls these functions stays one loop body that LLVM can vectorize.
jitable = register_jitable(forceinline=True)


@intrinsic
def bits_of(typingctx, x):
    """The bits of a float as a signed integer of the same width (float64 -> int64)."""
    widths = {types.float64: types.int64, types.float32: types.int32}
    if x not in widths:
        return None

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.IntType(signature.return_type.bitwidth))

    return widths[x](x), codegen


def _from_bits(float_type, llvm_type):
    """An intrinsic reading the low bits of any integer as a float of `float_type`."""
    width = float_type.bitwidth

    def from_bits(typingctx, bits):
        if not isinstance(bits, types.Integer):
            return None

        def codegen(context, builder, signature, args):
            value = args[0]
            # Numba widens int32 arithmetic to int64; the low bits are the ones meant.
            if bits.bitwidth > width:
                value = builder.trunc(value, ir.IntType(width))
            elif bits.bitwidth < width:
                value = builder.sext(value, ir.IntType(width))
            return builder.bitcast(value, llvm_type)

        return float_type(bits), codegen

    from_bits.__name__ = f"f{width}_from_bits"
    return intrinsic(from_bits)


f64_from_bits = _from_bits(types.float64, ir.DoubleType())
f32_from_bits = _from_bits(types.float32, ir.FloatType())

# A float whose exponent puts the units digit at the last fraction bit: adding an integer
# k (|k| < 2**51, or 2**22) leaves k (+ bias) in the low fraction bits, exactly.
_SHIFT64 = 1.5 * 2.0**52 + 1023.0
_SHIFT32 = np.float32(1.5 * 2.0**23 + 127.0)
_UNBIASED64 = 1.5 * 2.0**52
_UNBIASED32 = np.float32(1.5 * 2.0**23)
_TWO_M60 = 2.0**-60
_TWO_M30 = np.float32(2.0**-30)
_LOW32, _HIGH32 = np.float32(-124.0), np.float32(124.0)
_SHIFT_LOW32, _SHIFT_HIGH32 = np.float32(30.0), np.float32(-2.0)
_ZERO32, _ONE32, _FOUR32 = np.float32(0.0), np.float32(1.0), np.float32(4.0)
_TWO52 = 2.0**52
_TWO23 = np.float32(2.0**23)
_SIGN64 = -(2**63)
_SIGN32 = -(2**31)


@intrinsic
def mul_add(typingctx, a, b, c):
    """a * b + c, rounded once where the CPU has a fused multiply-add, else twice.

    LLVM's `fmuladd` leaves that choice to the code generator, which fuses on any x86-64
    with FMA (one instruction instead of two); without fastmath's `contract`, which would
    also fuse the error-free sums, a plain `a * b + c` is never fused. Polynomials are
    written with it: their error bounds hold either way.
    """
    if not (isinstance(a, types.Float) and a == b == c):
        return None

    def codegen(context, builder, signature, args):
        kind = args[0].type
        fmuladd = builder.module.declare_intrinsic(
            "llvm.fmuladd", [kind], ir.FunctionType(kind, [kind, kind, kind])
        )
        return builder.call(fmuladd, args)

    return a(a, b, c), codegen


@jitable
def pow2_64(k):
    """2.0**k for a float64 k holding an integer in [-1022, 1023].

    The addition leaves `k + 1023` in the low bits; shifting them into the exponent field
    drops the rest. No rounding trick is involved (the sum is exact), so fastmath's
    `reassoc` has nothing to fold.
    """
    return f64_from_bits(bits_of(k + _SHIFT64) << 52)


@jitable
def pow2_32(k):
    """2.0**k for a float32 k holding an integer in [-126, 127]."""
    return f32_from_bits(bits_of(k + _SHIFT32) << 23)


@jitable
def int64_to_float64(i):
    """float(i) for an integer 0 <= i < 2**52, through the bits of 2**52 + i.

    LLVM vectorizes this on any x86-64; its own int64 -> float64 needs AVX-512.
    """
    return f64_from_bits(i | 0x4330000000000000) - _TWO52


@jitable
def int32_to_float32(i):
    """float32(i) for an integer 0 <= i < 2**23, through the bits of 2**23 + i."""
    return f32_from_bits(i | 0x4B000000) - _TWO23


@jitable
def copysign64(magnitude, sign):
    """`magnitude` (not negative, or nan) with the sign bit of `sign`, as math.copysign."""
    return f64_from_bits(bits_of(magnitude) | (bits_of(sign) & _SIGN64))


@jitable
def copysign32(magnitude, sign):
    """`magnitude` (not negative, or nan) with the sign bit of `sign`, in float32."""
    return f32_from_bits(bits_of(magnitude) | (bits_of(sign) & _SIGN32))


@intrinsic
def hidden(typingctx, value, k):
    """`value` unchanged, in a form fastmath's `reassoc` cannot see through: its bits are
    xor-ed with the last fraction bit of `k`, a float holding an integer (|k| < 2**23 for
    float32), where that bit is 0. Range reductions write `hidden(x - k * hi, k) - k * lo`
    so that the two products of a two-part ln 2 are not merged into `k * (hi + lo)`.
    """
    if not isinstance(value, types.Float) or k != value:
        return None

    def codegen(context, builder, signature, args):
        as_int = ir.IntType(value.bitwidth)
        last_bit = builder.and_(builder.bitcast(args[1], as_int), ir.Constant(as_int, 1))
        return builder.bitcast(
            builder.xor(builder.bitcast(args[0], as_int), last_bit), args[0].type
        )

    return value(value, k), codegen


@jitable
def ldexp64(y, k):
    """y * 2**k for 0.5 <= y < 2 (or nan) and a float64 integer k in [-1080, 1025].

    k is added to y's exponent field, shifted by 60 where the result would be subnormal
    (and by 2 where it would overflow) and the shift undone by one multiplication: the
    result rounds once, and `reassoc` finds no chain of products to regroup.
    """
    low = k < -1020.0
    high = k > 1020.0
    shift = 60.0 if low else (-2.0 if high else 0.0)
    scaled = f64_from_bits(bits_of(y) + (bits_of(k + shift + _UNBIASED64) << 52))
    scaled = scaled * (_TWO_M60 if low else (4.0 if high else 1.0))
    return scaled if y == y else y  # the exponent field of a nan is no exponent


@jitable
def ldexp32(y, k):
    """y * 2**k for 0.5 <= y < 2 (or nan) and a float32 integer k in [-155, 129]."""
    low = k < _LOW32
    high = k > _HIGH32
    shift = _SHIFT_LOW32 if low else (_SHIFT_HIGH32 if high else _ZERO32)
    scaled = f32_from_bits(bits_of(y) + (bits_of(k + shift + _UNBIASED32) << 23))
    scaled = scaled * (_TWO_M30 if low else (_FOUR32 if high else _ONE32))
    return scaled if y == y else y
