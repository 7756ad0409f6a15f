"""The steps a drawn graph is made of: one family per area of the op catalogue.

A family draws its operands and parameters from the builder and returns one line's
expression (source text), or None when the values drawn do not suit it (the step is
skipped): log of numbers near 0, a comparison of nearly equal numbers.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tensorlab.tensor.random import seed_state
from tests.graphs.builder import (
    INPUT_DTYPES,
    MARGIN,
    Builder,
    close,
    finite,
    finite_part,
    literal,
    near,
    ties,
)
from tests.strategies import axes, mixed_indices, reshape_targets, shapes_broadcasting_to

# -- elementwise ---------------------------------------------------------------------------
# name: the test an input must pass to be used as it is, else the step is skipped (for
# GUARDED functions, applied to abs(x) + 1 instead); None: any input.
UNARY = {
    "neg": None,
    "exp": lambda x: x.max() <= 8,
    "exp2": lambda x: x.max() <= 8,
    "expm1": lambda x: x.max() <= 8,
    "sinh": lambda x: np.abs(x).max() <= 8,
    "cosh": lambda x: np.abs(x).max() <= 8,
    "log": lambda x: x.min() >= 0.05,
    "log2": lambda x: x.min() >= 0.05,
    "log10": lambda x: x.min() >= 0.05,
    "log1p": lambda x: x.min() >= -0.9,
    "sqrt": lambda x: x.min() >= 0.01,
    "inv": lambda x: np.abs(x).min() >= 0.1,
    "tan": lambda x: np.abs(x).max() <= 1.4,
    "arcsin": lambda x: np.abs(x).max() <= 0.95,
    "arccos": lambda x: np.abs(x).max() <= 0.95,
    **dict.fromkeys(["sin", "cos", "arctan", "tanh", "erf", "sigmoid", "softplus", "sqr"]),
    **dict.fromkeys(["abs", "relu", "sgn", "floor", "ceil", "round", "identity", "isnan"]),
    **dict.fromkeys(["isinf", "logical_not", "invert"]),
}
GUARDED = {"log", "log2", "log10", "log1p", "sqrt", "inv"}
KINKS = {"abs", "relu"}  # at 0
JUMPS = {
    "sgn": np.zeros_like,
    "logical_not": np.zeros_like,
    "floor": np.round,
    "ceil": np.round,
    "round": lambda x: np.floor(x) + 0.5,
}


def unary(g: Builder) -> str | None:
    x = g.pick()
    name = g.choose(list(UNARY))
    if (name == "invert" and g.kind(x) not in "iub") or (
        name in ("neg", "sgn") and g.kind(x) == "b"
    ):
        return None  # as in NumPy
    value, fits = g.value(x), UNARY[name]
    usable = finite_part(value)
    if fits is not None and usable.size and not fits(usable):
        if name not in GUARDED:
            return None
        g.rough(near(value))
        x = f"(abs({x}) + 1)"
    if name in JUMPS and near(value, JUMPS[name]):
        return None
    g.rough(name in KINKS and near(value))
    spelled = {"neg": f"-{x}", "abs": f"abs({x})", "invert": f"~{x}"}
    return spelled.get(name, f"T.{name}({x})")


def cast(g: Builder) -> str | None:
    x = g.pick()
    dtype = g.choose(["float64", "float32", "int64", "int32", "int8", "bool"])
    value = g.value(x)
    if g.kind(x) == "f" and dtype[0] == "i":
        if not finite(value) or np.abs(value).max(initial=0) > 100 or near(value, np.round):
            return None  # a float out of int8's range casts to what C leaves undefined
    if g.kind(x) == "f" and dtype == "bool" and near(value):
        return None
    return f"{x}.astype({dtype!r})" if g.flip() else f"T.cast({x}, {dtype!r})"


OPERATORS = {"add": "+", "sub": "-", "mul": "*", "true_div": "/", "int_div": "//", "mod": "%"}
OPERATORS["pow"] = "**"
COMPARISONS = ["lt", "gt", "le", "ge", "eq", "neq"]
BINARY = [*OPERATORS, "maximum", "minimum", "arctan2", *COMPARISONS]
BINARY += ["and_", "or_", "xor", "logical_and", "logical_or", "logical_xor"]


def binary(g: Builder) -> str | None:
    name = g.choose(BINARY)
    bits = name in ("and_", "or_", "xor")
    x = g.pick(lambda n: g.kind(n) in ("iub" if bits else "fiub"))
    y = g.operand(g.shape(x), "i" if bits else g.choose(["fi", "if"]))
    a, b = g.value(x), g.value(y)
    if name == "sub" and a.dtype.kind == b.dtype.kind == "b":
        return None  # as in NumPy
    if name in ("true_div", "int_div", "mod") and ((b == 0).any() or near(b)):
        g.rough(near(b))
        y, b = f"(abs({y}) + 1)", np.abs(b) + 1
    if name in ("int_div", "mod"):
        if "f" in a.dtype.kind + b.dtype.kind:
            if near(a.astype(np.float64) / b.astype(np.float64), np.round):
                return None  # floor(x / y) steps where x / y is an integer
        elif a.dtype.kind == "i" and (a == np.iinfo(a.dtype).min).any():
            return None  # min // -1 overflows, which C leaves undefined
    if name == "pow":
        if "f" not in a.dtype.kind + b.dtype.kind:
            return f"{x} ** {g.integer(0, 3)}"  # NumPy refuses negative integer powers
        if finite_part(a).min(initial=1) < 0.1:
            g.rough(near(a))
            x = f"(abs({x}) + 1)"
    g.rough(name in ("maximum", "minimum") and close(a, b))
    if name in COMPARISONS and close(a, b):
        return None
    if name.startswith("logical") and (near(a) or near(b)):
        return None  # the truth of a float flips at 0
    if name == "arctan2" and (near(np.hypot(a, b)) or (near(a) and (b <= MARGIN).any())):
        return None  # the branch cut along y = 0, x < 0 is a jump
    if name in OPERATORS and g.flip():
        if name in ("add", "mul") and g.flip():
            return f"{y} {OPERATORS[name]} {x}"
        return f"{x} {OPERATORS[name]} {y}"
    return f"T.{name}({x}, {y})"


def switch(g: Builder) -> str | None:
    c = g.pick(lambda n: g.kind(n) in "fi")
    threshold = g.number(g.kind(c))
    if close(g.value(c), g.value(threshold)):
        return None
    a = g.operand(g.shape(c), g.choose(["fi", "if"]))
    b = g.operand(np.broadcast_shapes(g.shape(c), g.shape(a)), g.choose(["fi", "if"]))
    condition = f"{c} > {threshold}" if g.flip() else f"T.lt({c}, {threshold})"
    return f"T.switch({condition}, {a}, {b})"


def clip(g: Builder) -> str | None:
    x = g.pick(lambda n: g.kind(n) in "fi")
    low = g.integer(-3, 1)
    bounds = (low, low + g.integer(1, 4))
    if g.kind(x) == "f":
        bounds = (bounds[0] / 2, bounds[1] / 2)
    g.rough(any(near(g.value(x), lambda v, b=b: np.full_like(v, b)) for b in bounds))
    return f"T.clip({x}, {bounds[0]!r}, {bounds[1]!r})"


CANONICAL = ["({x} + {c}) + {d}", "{c} * ({d} * {x})", "{x} * 1", "{x} + 0", "{x} - 0"]
CANONICAL += ["{x} / 1", "{x} ** 1", "-(-{x})", "{x} * -1", "0 - {x}", "T.identity({x})"]
CANONICAL += ["{x} + -{y}", "{x} - -{y}", "T.switch({mask}, {x}, {y})"]


def canonical(g: Builder) -> str | None:
    """A form the canonicalizing rewrites simplify (x * 1 becomes x, constants gather)."""
    x = g.pick(lambda n: g.kind(n) in "fi")
    form = g.choose(CANONICAL)
    y = g.operand(g.shape(x), g.kind(x)) if "{y}" in form else None
    mask = literal(g.draw(hnp.arrays(np.bool_, g.shape(x)))) if "{mask}" in form else None
    c, d = g.number(g.kind(x)), g.number(g.kind(x))
    return form.format(x=x, y=y, c=c, d=d, mask=mask)


# -- reductions ----------------------------------------------------------------------------
REDUCTIONS = ["sum", "prod", "mean", "var", "std", "max", "min", "argmax", "argmin", "all", "any"]


def reduce(g: Builder) -> str | None:
    name = g.choose(REDUCTIONS)
    x = g.pick(lambda n: g.kind(n) in ("fiub" if name in ("all", "any") else "fi"))
    value = g.value(x)
    ndim = value.ndim
    if name in ("argmax", "argmin"):
        axis = g.choose([None, *range(-ndim, ndim)])
    else:
        axis = g.draw(axes(ndim))
    summed = tuple(range(ndim)) if axis is None else np.atleast_1d(axis) % max(ndim, 1)
    if name in ("max", "min", "argmax", "argmin") and any(value.shape[i] == 0 for i in summed):
        return None  # no maximum of nothing
    if name in ("argmax", "argmin") and ties(value, axis):
        return None
    if name in ("all", "any") and near(value):
        return None
    g.rough(name in ("max", "min") and ties(value, axis if isinstance(axis, int) else None))
    extra = f", ddof={g.integer(0, 1)}" if name in ("var", "std") else ""
    if name == "std" and value.size:
        g.rough(bool((value.astype(np.float64).var(axis=tuple(summed)) < MARGIN).any()))
    extra += ", keepdims=True" if g.flip() else ""
    if g.flip():
        return f"{x}.{name}(axis={axis!r}{extra})"
    return f"T.{name}({x}, axis={axis!r}{extra})"


# -- linear algebra ------------------------------------------------------------------------
def product(g: Builder) -> str | None:
    name = g.choose(["dot", "matmul", "outer", "tensordot"])
    low, high = {"dot": (0, 2), "matmul": (1, 3), "outer": (0, 2), "tensordot": (0, 3)}[name]
    x = g.pick(lambda n: g.kind(n) in "fi" and low <= len(g.shape(n)) <= high)
    shape = g.shape(x)
    if name == "dot":
        k = shape[-1:]
        wanted = [k, (*k, g.integer(1, 3))] if shape else [(2,), (2, 2), ()]
    elif name == "matmul":
        batch = g.draw(hnp.broadcastable_shapes(shape[:-2], max_dims=2, max_side=3))
        wanted = [shape[-1:], (*batch, shape[-1], g.integer(1, 3))]
    elif name == "outer":
        wanted = [(g.integer(1, 4),)]
    else:
        n = g.integer(0, min(len(shape), 2))
        wanted = [(*shape[len(shape) - n :], *g.draw(hnp.array_shapes(min_dims=0, max_dims=1)))]
    target = g.choose(wanted)
    fits = [n for n in g.pool if g.kind(n) in "fi" and g.shape(n) == target]
    y = g.choose(fits) if fits and g.flip() else g.input(g.choose(INPUT_DTYPES), target)
    if name == "tensordot":
        return f"T.tensordot({x}, {y}, axes={n})"
    return f"{x} @ {y}" if name == "matmul" and g.flip() else f"T.{name}({x}, {y})"


# -- shapes ----------------------------------------------------------------------------------
def reshape(g: Builder) -> str | None:
    x = g.pick()
    shape, static = g.shape(x), g.scope[x].type.shape
    ndim = len(shape)
    name = g.choose(["reshape", "flatten", "dimshuffle", "transpose", "squeeze", "expand_dims"])
    if name == "reshape":
        if 0 in shape:
            return None  # -1 is ambiguous with no elements
        target = g.draw(reshape_targets(shape))
        return f"{x}.reshape({target!r})" if g.flip() else f"T.reshape({x}, {target!r})"
    if name == "flatten":
        return f"T.flatten({x}, ndim={g.integer(1, max(ndim, 1))})"
    if name == "transpose":
        if g.flip():
            return f"{x}.T"
        return f"T.transpose({x}, {tuple(g.draw(st.permutations(range(ndim))))!r})"
    ones = [i for i in range(ndim) if shape[i] == 1 and static[i] in (None, 1)]
    if name == "squeeze":
        if not ones:
            return None
        axis = tuple(g.draw(st.lists(st.sampled_from(ones), min_size=1, unique=True)))
        return f"T.squeeze({x}, axis={axis!r})"
    if name == "expand_dims":
        return f"T.expand_dims({x}, {g.integer(-ndim - 1, ndim)})"
    kept = [i for i in g.draw(st.permutations(range(ndim))) if i not in ones or g.flip()]
    for _ in range(g.integer(0, 2)):
        kept.insert(g.integer(0, len(kept)), "x")
    return f"{x}.dimshuffle({', '.join(map(repr, kept))})"


def broadcast(g: Builder) -> str | None:
    x = g.pick()
    shape = g.shape(x)
    form = g.choose(["broadcast_to", "sum_to_shape", "specify_shape"])
    if form == "specify_shape":
        known = tuple(n if g.flip() else None for n in shape)
        return f"T.specify_shape({x}, {known!r})"
    lead = g.draw(hnp.array_shapes(min_dims=0, max_dims=max(0, 3 - len(shape)), max_side=3))
    target = (*lead, *(g.integer(1, 3) if n == 1 else n for n in shape))
    if form == "broadcast_to":
        return f"T.broadcast_to({x}, {target!r})"
    fits = [n for n in g.pool if g.kind(n) in "fi" and g.shape(n) == target]
    wide = g.choose(fits) if fits and g.flip() else g.input(g.choose(INPUT_DTYPES), target)
    return f"T.sum_to_shape({wide}, {x})"


# -- indexing --------------------------------------------------------------------------------
def _index_text(g: Builder, index: tuple) -> str:
    """The source of `index`; some ints and arrays become inputs (symbolic indices)."""
    parts = []
    for item in index:
        if isinstance(item, slice):
            bounds = [_maybe_input(g, b) for b in (item.start, item.stop, item.step)]
            parts.append(":".join(bounds if item.step is not None else bounds[:2]))
        elif item is None or item is Ellipsis:
            parts.append("None" if item is None else "...")
        else:
            parts.append(_maybe_input(g, item))
    return ", ".join(parts) or "()"


def _maybe_input(g: Builder, item) -> str:
    if item is None:
        return ""
    if isinstance(item, int):
        return g.input_of(np.asarray(item, dtype=np.int64)) if g.flip() else repr(item)
    return g.input_of(item) if g.flip() else literal(item)


def _indexable(g: Builder, name: str) -> bool:
    return len(g.shape(name)) >= 1 and 0 not in g.shape(name)


def index(g: Builder) -> str | None:
    x = g.pick(lambda n: _indexable(g, n))
    if g.integer(0, 3) == 0:  # a mask computed in the graph: a length known late
        if g.kind(x) != "f" or near(g.value(x)):
            return None
        return f"{x}[{x} > 0]"
    return f"{x}[{_index_text(g, g.draw(mixed_indices(g.shape(x))))}]"


def write(g: Builder) -> str | None:
    x = g.pick(lambda n: _indexable(g, n) and g.kind(n) in "fi")
    item = g.draw(mixed_indices(g.shape(x)))
    positions = np.arange(g.value(x).size).reshape(g.shape(x))[item]
    target = np.shape(positions)
    setting = g.flip()
    if g.flip():
        y = g.number(g.kind(x))
    else:
        fits = [n for n in g.pool if g.kind(n) == g.kind(x) and _fits_into(g.shape(n), target)]
        y = g.choose(fits) if fits and g.flip() else None
        y = y or g.input(g.scope[x].dtype, g.draw(shapes_broadcasting_to(target)))
        if np.unique(positions).size < np.size(positions):
            setting = False  # which of two writes to one element wins is not defined
    function = "set_subtensor" if setting else "inc_subtensor"
    return f"T.{function}({x}[{_index_text(g, item)}], {y})"


def _fits_into(shape: tuple, target: tuple) -> bool:
    if len(shape) > len(target):
        return False
    return all(n in (1, m) for n, m in zip(shape[::-1], target[::-1]))


# -- joining ---------------------------------------------------------------------------------
def join(g: Builder) -> str | None:
    stacking = g.flip()
    x = g.pick(lambda n: stacking or len(g.shape(n)) >= 1)
    shape = g.shape(x)
    axis = g.integer(-len(shape) - stacking, len(shape) - 1 + stacking)
    pieces = [x]
    for _ in range(g.integer(1, 2)):
        wanted = list(shape)
        if not stacking:
            wanted[axis] = g.integer(0, 3)
        fits = [n for n in g.pool if _joins(g.shape(n), shape, None if stacking else axis)]
        found = g.choose(fits) if fits and g.flip() else None
        pieces.append(found or g.input(g.choose(INPUT_DTYPES), tuple(wanted)))
    function = "stack" if stacking else "concatenate"
    return f"T.{function}([{', '.join(pieces)}], axis={axis})"


def _joins(a: tuple, b: tuple, axis: int | None) -> bool:
    if len(a) != len(b):
        return False
    skip = -1 if axis is None else axis % len(b)
    return all(n == m or i == skip for i, (n, m) in enumerate(zip(a, b)))


# -- nnet --------------------------------------------------------------------------------------
def nnet(g: Builder) -> str | None:
    x = g.pick(lambda n: g.kind(n) == "f" and len(g.shape(n)) >= 1)
    shape = g.shape(x)
    axis = g.integer(-len(shape), len(shape) - 1)
    form = g.choose(["softmax", "log_softmax", "log(softmax)", "logsumexp", "crossentropy"])
    if form in ("softmax", "log_softmax"):
        return f"T.nnet.{form}({x}, axis={axis})"
    if form == "log(softmax)":
        return f"T.log(T.nnet.softmax({x}, axis={axis}))"
    if 0 in shape or finite_part(g.value(x)).max(initial=0) > 8:
        return None  # exp overflows; or a loss of nothing
    if form == "logsumexp":
        return f"T.log(T.sum(T.exp({x}), axis={axis}))"
    labels = g.draw(hnp.arrays(np.int64, shape[:-1], elements=st.integers(0, shape[-1] - 1)))
    y = g.input_of(labels) if g.flip() else literal(labels)
    if g.flip():
        return f"T.nnet.crossentropy_categorical_1hot(T.nnet.softmax({x}), {y})"
    return f"T.nnet.categorical_crossentropy(T.nnet.softmax({x}), {y})"


STABILIZED = [
    "T.log(1 + T.exp({x}))",
    "T.log1p(T.exp({x}))",
    "T.exp({x}) - 1",
    "T.log(T.nnet.sigmoid({x}))",
    "T.log(1 - T.nnet.sigmoid({x}))",
    "T.log(1 + T.sqr({x}))",
]


def stabilized(g: Builder) -> str | None:
    """A form the stabilizing rewrites replace (log(1 + exp(x)) becomes softplus(x))."""
    x = g.pick(lambda n: g.kind(n) in "fi")
    value = np.abs(finite_part(g.value(x)))
    form = g.choose([*STABILIZED, "binary"])
    if value.max(initial=0) > (1 if "1 - T.nnet" in form else 8):
        return None  # 1 - sigmoid(x) cancels: the form as written has no digits to compare
    if form != "binary":
        return form.format(x=x)
    target = g.input("float64", g.draw(shapes_broadcasting_to(g.shape(x))), 0.0, 1.0)
    if g.flip():
        return f"T.nnet.sigmoid_binary_crossentropy({x}, {target})"
    return f"T.nnet.binary_crossentropy(T.nnet.sigmoid({x}), {target})"


# -- random numbers --------------------------------------------------------------------------
def random(g: Builder, how: str | None = None) -> str | None:
    """A draw from a constant state, a state input, or a `RandomStreams` stream."""
    name = g.choose(["uniform", "normal", "binomial", "choice", "permutation"])
    params = _random_params(g, name, g.draw(hnp.array_shapes(min_dims=0, max_dims=2, max_side=3)))
    if params is None:
        return None
    how = how or g.choose(["constant", "input", "stream"])
    if how == "stream":
        if "srng" not in g.scope:
            g._declare("srng", f"RandomStreams(seed={g.integer(0, 2**64 - 1)})")
        return f"srng.{name}({params})"
    state = seed_state(g.integer(0, 2**64 - 1), g.integer(0, 3))
    state = g.input_of(state, pooled=False) if how == "input" else literal(state)
    if g.flip():  # draw from the state another draw left behind
        state = f"T.random.uniform({state}, (2,))[0]"
    return f"T.random.{name}({state}, {params})[1]"


def _random_params(g: Builder, name: str, size: tuple) -> str | None:
    dtype = g.choose(["float64", "float32"])
    if name in ("uniform", "normal"):
        first, second = ("low", "high") if name == "uniform" else ("avg", "std")
        fits = [n for n in g.pool if g.kind(n) == "f" and len(g.shape(n)) <= 2]
        if fits and g.flip():
            low = g.choose(fits)
            return f"None, {first}={low}, {second}={low} + 2.0, dtype={dtype!r}"
        return f"{size!r}, dtype={dtype!r}"
    if name == "binomial":
        n = g.integer(1, 4)
        fits = [n for n in g.pool if g.kind(n) == "f" and 1 <= len(g.shape(n)) <= 2]
        fits = [n for n in fits if not np.isnan(g.value(n)).any()]  # p must be a probability
        if fits and g.flip():
            return f"None, n={n}, p=T.nnet.sigmoid({g.choose(fits)})"
        return f"{size!r}, n={n}, p=0.3"
    if name == "choice":
        a, replace = g.integer(1, 4), g.flip()
        if not replace and np.prod(size) > a:
            return None
        return f"{size!r}, a={a}, replace={replace}"
    return f"{size[:1]!r}, n={g.integer(1, 5)}"


def stream(g: Builder) -> str | None:
    """A draw from a `RandomStreams` stream (use as `graphs(first=stream)`)."""
    return random(g, "stream")


# -- shapes as values ----------------------------------------------------------------------
def lengths(g: Builder) -> str | None:
    x = g.pick()
    form = g.choose(["length", "zeros_like", "ones_like", "fill", "alloc", "arange"])
    ndim = len(g.shape(x))
    if form in ("zeros_like", "ones_like"):
        return f"T.{form}({x})"
    if form == "fill":
        return f"T.fill({x}, {g.number(g.kind(x))})"
    if form == "alloc":
        dims = "".join(f", {x}.shape[{i}]" for i in range(ndim))
        return f"T.alloc({g.number('f')}, 2{dims})"
    if ndim == 0:
        return None
    if form == "arange":
        return f"T.arange({x}.shape[0])"
    y = g.pick(lambda n: g.kind(n) in "fi")
    return f"{y} * {x}.shape[{g.integer(-ndim, ndim - 1)}]"


FAMILIES = [unary, binary, reduce, reshape, index, cast, switch, clip, product, broadcast]
FAMILIES += [write, join, nnet, stabilized, canonical, random, lengths]
