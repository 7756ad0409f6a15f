"""Link a graph for the Numba backend: generate one module, cache it on disk, compile it
with one `numba.njit`, and call it with the errors the reference backend would give.

The module's file is named by a hash of its code (comments left out, so the user's cell
numbers in them do not matter) and lives in the cache folder (`cache_dir()`). Numba's own
on-disk cache (`cache=True`) keeps the machine code beside it, so a restarted kernel or a
second process that builds the same graph compiles nothing.

Writing the module needs no Numba: the generated module is imported, and Numba with it
(a third of a second), when the program is first compiled or called, which for a
`Function` is in the background while the reference backend answers the first calls.

A graph gets two programs. The one that runs the calls is written for the common case:
where NumPy broadcasting might repeat a length-1 axis that the static shapes do not
declare, it checks that no axis repeats, and then reads inputs in place, shares loops
between nodes of one shape and sums no gradient back to the shape it has. A call where
an axis does repeat stops at such a check with error `repeats` before it has written
anything but temporaries, and `NumbaProgram.general`, the graph written to broadcast
wherever NumPy would, computes it: linked, compiled and cached the first time one comes.
Later calls with the input shapes of the last one that stopped go to it directly.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
import re
import sys
import tempfile
import warnings
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from tensorlab.backends.numba.loops import emit_group, loop_groups
from tensorlab.backends.numba.module import ModuleWriter, emit, has_emitter, no_emitter
from tensorlab.backends.numba.reduction import absorbed, emit_folded
from tensorlab.backends.python.linker import run_node
from tensorlab.errors import BackendError, RuntimeOpError, TensorlabError, error
from tensorlab.graph.basic import Apply, Constant, Variable
from tensorlab.graph.fgraph import FunctionGraph
from tensorlab.graph.source import user_location
from tensorlab.tensor.dimshuffle import DimShuffle
from tensorlab.tensor.elemwise import Elemwise
from tensorlab.tensor.reshape import Reshape
from tensorlab.tensor.shape import SpecifyShape
from tensorlab.tensor.subtensor import Subtensor

__all__ = ["NumbaProgram", "cache_dir", "link"]

# No fastmath flag keeps elementwise results equal to NumPy's: `contract` fuses x * y + z
# into one rounding (a quarter of random float64 results change), `arcp` turns x / s into
# x * (1 / s), `nsz` flips the sign of zeros (abs is written 0 - x for that reason), `afn`
# swaps library calls for approximations, `reassoc` regroups sums and folds (x + c) - c.
# Numba applies the flags to a whole function, so sums cannot have `reassoc` alone.
DECORATOR = '@njit(cache=True, error_model="numpy")'  # "numpy": no zero-division checks

_PLACEHOLDER = "GRAPHHASH"
_ERROR_CODE = re.compile(r"tensorlab:(\d+):(\w+)")
_LOADED: dict[str, Callable] = {}  # code hash -> compiled function, for this process


def cache_dir() -> Path:
    """Where generated modules and Numba's machine code are kept.

    `$TENSORLAB_CACHE_DIR/numba` when that variable is set, else the `tensorlab/numba`
    folder of the user's cache directory (`$XDG_CACHE_HOME` or `~/.cache`).

    >>> cache_dir().name
    'numba'
    """
    root = os.environ.get("TENSORLAB_CACHE_DIR")
    if root:
        return Path(root).expanduser() / "numba"
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "tensorlab" / "numba"


def link(fgraph: FunctionGraph, repeats: bool = False) -> NumbaProgram:
    """A program computing `fgraph.outputs` from values of `fgraph.inputs`, compiled by Numba.

    Its loops read their inputs in place. A call in which an input's length-1 axis
    repeats (NumPy broadcasting that the static shapes did not settle) goes to the
    program's `general` one, linked with `repeats` on first need, which copies such an
    input out first (`Broadcast.loops`). Raises `BackendError` naming the node when an op
    has no Numba implementation.

    >>> import tensorlab as tl
    >>> import tensorlab.tensor as T
    >>> x = T.vector("x")
    >>> f = tl.function([x], (x * 2).sum(), mode="numba")
    >>> f([1.0, 2.0])
    array(6.)
    >>> print(f.source.splitlines()[-1])
        return (t_sum,)
    """
    nodes = fgraph.toposort()
    _check_supported(fgraph, nodes)
    buffered = _buffered(fgraph)
    writer, arguments, computed = _write(fgraph, nodes, buffered, repeats)
    source, digest = _module_text(writer, fgraph, arguments, computed, nodes)
    program = NumbaProgram(fgraph, nodes, source, digest, arguments, computed, buffered)
    program.guarded = writer.guarded
    return program


def _check_supported(fgraph: FunctionGraph, nodes: list[Apply]) -> None:
    for var in fgraph.inputs:
        if var.type.dtype == "float16":
            raise _no_float16(var, var)
    for node in nodes:
        if not has_emitter(type(node.op)):
            raise no_emitter(node)
        for var in [*node.inputs, *node.outputs]:
            if var.type.dtype == "float16":
                raise _no_float16(var, node)


def _buffered(fgraph: FunctionGraph) -> dict[int, int]:
    """Outputs written into a spare buffer: output position -> input position.

    A shared variable's update alternates between two buffers: the program writes the new
    value into the one the previous call's update vacated (`NumbaProgram._spares`), so a
    training step allocates nothing, while the current value stays intact until the call
    has succeeded. That takes an update computed by an elementwise node (whose emitter
    allocates through `ModuleWriter.allocate`) that nothing else reads and that is not
    also returned as another output.
    """
    replaces = getattr(fgraph, "replaces", {})
    found = {}
    for position, source in replaces.items():
        var = fgraph.outputs[position]
        if (
            var.owner is not None
            and isinstance(var.owner.op, Elemwise)
            and fgraph.outputs.count(var) == 1
            and len(fgraph.clients.get(var, ())) == 1
            and var.type.numpy_dtype == fgraph.inputs[source].type.numpy_dtype
        ):
            found[position] = source
    return found


# Ops whose Numba code may return a view of an input (or the input itself)
_VIEWS = (DimShuffle, Reshape, SpecifyShape, Subtensor)


def _fresh_outputs(fgraph: FunctionGraph) -> list[bool]:
    """For each output: whether the program returns an array nobody else holds (computed
    into new memory, returned once), which the `Function` then need not copy."""
    return [
        var.owner is not None
        and not isinstance(var.owner.op, _VIEWS)
        and fgraph.outputs.count(var) == 1
        for var in fgraph.outputs
    ]


def _no_float16(var: Variable, at: Any) -> BackendError:
    return error(
        BackendError,
        f"the Numba backend cannot compute {var} in float16: Numba has no half-precision type",
        expected="float32 or float64 tensors",
        got=f"{var}: float16",
        at=at,
        hint='compute in float32 (x.astype("float32")), or compile with mode="python"',
    )


def _inlined(fgraph: FunctionGraph) -> set[Variable]:
    """0-d constants read only by elementwise nodes: written into the code as literals."""
    found = set()
    for var, readers in fgraph.clients.items():
        if isinstance(var, Constant) and var.ndim == 0 and readers:
            if all(reader != "output" and isinstance(reader.op, Elemwise) for reader, _ in readers):
                found.add(var)
    return found


def _write(fgraph: FunctionGraph, nodes: list[Apply], buffered: dict[int, int], repeats: bool):
    """The function body; its arguments (inputs, then constants; the spare buffers come
    last, named in `writer.buffers`); the outputs it returns."""
    writer = ModuleWriter(_inlined(fgraph), repeats)
    writer.outputs = set(fgraph.outputs)
    constants = []
    for node in nodes:
        for var in node.inputs:
            if isinstance(var, Constant) and var not in writer.inlined and var not in constants:
                constants.append(var)
    arguments = [*fgraph.inputs, *constants]
    writer.names(arguments)  # the user's names first, so they keep them
    for position, source in buffered.items():
        spare = writer.fresh(f"{writer.name(fgraph.inputs[source])}_spare")
        writer.buffers[fgraph.outputs[position]] = spare
    inside = absorbed(fgraph, nodes)  # elementwise nodes computed in a reduction's loop
    producer = {fold: node for node, fold in inside.items()}
    groups = loop_groups(nodes, writer, set(inside))  # elementwise runs sharing a loop
    grouped: set[Apply] = set()
    for index, node in enumerate(nodes):
        if node in grouped:
            continue
        writer.node_index = index
        for k, member in enumerate(groups.get(node, [node])):  # a group's run is consecutive
            for text in _node_header(writer, index + k, member):
                writer.line(text)
        if node in groups:
            emit_group(groups[node], index, fgraph, writer)
            grouped.update(groups[node])
        elif node in inside:  # no block of its own: the reduction computes each element
            fold = nodes.index(inside[node])
            writer.line(f"#     computed inside the loop of [{fold}]: never stored")
            continue
        elif node in producer:
            emit_folded(node, producer[node], writer)
        else:
            emit(node.op, node, writer)
        writer.line()
    computed = list(dict.fromkeys(x for x in fgraph.outputs if x.owner is not None))
    return writer, arguments, computed


def _node_header(mod: ModuleWriter, index: int, node: Apply) -> list[str]:
    """`# [k] op(inputs) -> outputs   type` and the user's line that built the node."""
    ins = ", ".join(mod.names(node.inputs))
    outs = ", ".join(mod.names(node.outputs))
    types = ", ".join(str(x.type) for x in node.outputs)
    lines = [f"# [{index}] {node.op}({ins}) -> {outs}   {types}"]
    if node.source is not None:
        lines.append(f"#     {node.source.describe()}")
    return lines


def _module_text(mod, fgraph, arguments, computed, nodes) -> tuple[str, str]:
    """The module's source, and the hash of its code (comments left out)."""
    signature = ", ".join([*mod.names(arguments), *mod.buffers.values()])
    described = "   ".join(f"{mod.name(x)}: {x.type}" for x in fgraph.inputs)
    constants = "   ".join(f"{mod.name(c)}: {c.type}" for c in arguments[len(fgraph.inputs) :])
    returned = ", ".join(mod.names(computed)) + ("," if len(computed) == 1 else "")
    where = user_location()
    lines = [
        f"# tensorlab: {where.describe() if where else 'compiled graph'}",
        f"# graph {_PLACEHOLDER}: generated by tensorlab's Numba backend; do not edit",
        "import math",
        "",
        "import numpy as np",
        "from numba import njit",
        "from tensorlab.backends.numba import mathlib",
        *mod.imports,  # helpers the emitters call (ModuleWriter.require)
        "",
        "",
        DECORATOR,
        f"def f_{_PLACEHOLDER}({signature}):",
        f"    # inputs, checked by the Function: {described or 'none'}",
    ]
    if constants:
        lines.append(f"    # constants: {constants}")
    if mod.buffers:
        spares = ", ".join(mod.buffers.values())
        lines.append(f"    # {spares}: where updates may go (the buffers the last call vacated)")
    lines.append("")
    lines += mod.body
    lines.append(f"    return ({returned})")
    text = "\n".join(lines) + "\n"
    digest = hashlib.sha256((_code_of(text) + _fingerprint()).encode()).hexdigest()[:16]
    if not nodes:
        text = "# nothing to compute: every output is an input or a constant\n"
    return text.replace(_PLACEHOLDER, digest), digest


@functools.cache
def _fingerprint() -> str:
    """What the machine code depends on besides the module's own text: this backend's
    files (the generated code calls into them) and the Numba and NumPy versions. A
    cache written by another version is then never read back."""
    folder = Path(__file__).parent
    files = sorted(folder.rglob("*.py"))
    contents = "".join(f.read_text() for f in files)
    versions = f"{metadata.version('numba')} {np.__version__} "  # no import of Numba
    return versions + hashlib.sha256(contents.encode()).hexdigest()


def _code_of(source: str) -> str:
    """`source` without its comment lines: what the machine code depends on."""
    return "\n".join(line for line in source.splitlines() if not line.lstrip().startswith("#"))


def _load(digest: str, source: str) -> Callable:
    """The jitted function of `source`, written to the cache folder unless there already."""
    if digest in _LOADED:
        return _LOADED[digest]
    from numba.core.errors import NumbaPerformanceWarning

    # Numba's advice on layouts ("np.dot() is faster on contiguous arrays") is for whoever
    # writes the code: here that is this backend, not the learner reading the warning.
    warnings.filterwarnings(
        "ignore", category=NumbaPerformanceWarning, module=r".*graph_[0-9a-f]+$"
    )
    path = _write_module(digest, source)
    spec = importlib.util.spec_from_file_location(f"tensorlab_numba_{digest}", path)
    module = importlib.util.module_from_spec(spec)
    # Numba's cache finds the module again by name when it loads machine code
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    _LOADED[digest] = getattr(module, f"f_{digest}")
    return _LOADED[digest]


def _write_module(digest: str, source: str) -> Path:
    """The module's file; rewritten only if missing or different (its date is Numba's key)."""
    for folder in (cache_dir(), Path(tempfile.gettempdir()) / "tensorlab" / "numba"):
        path = folder / f"graph_{digest}.py"
        try:
            if path.exists() and _code_of(path.read_text()) == _code_of(source):
                return path
            folder.mkdir(parents=True, exist_ok=True)
            partial = folder / f".graph_{digest}.{os.getpid()}.tmp"
            partial.write_text(source)
            os.replace(partial, path)  # another process sees the whole file or none
            return path
        except OSError:
            continue  # a read-only cache folder: fall back to the temporary one
    raise error(BackendError, "the Numba backend found no folder to write its module to")


def _repeats(failure: Exception) -> bool:
    """Whether the program stopped because an input's length-1 axis repeats."""
    match = _ERROR_CODE.fullmatch(str(failure))
    return match is not None and match.group(2) == "repeats"


def _shapes(values: Sequence) -> tuple:
    return tuple(getattr(v, "shape", None) for v in values)


class NumbaProgram:
    """A compiled graph: `program(values)` returns the outputs' values, as a list.

    `source` is the generated module (what `Function.source` shows); `function` is the
    Numba dispatcher (its `stats` tell cache hits from compilations).
    """

    def __init__(self, fgraph, nodes, source, digest, arguments, computed, buffered) -> None:
        self.fgraph = fgraph
        self.nodes = nodes
        self.source = source
        self._digest = digest
        self._function = None
        self._entry = None  # the compiled entry point, once `compile` has run
        self._constants = [np.asarray(c.data, order="C") for c in arguments[len(fgraph.inputs) :]]
        self._arrays = [k for k, x in enumerate(fgraph.inputs) if x.ndim > 0]
        position = {x: i for i, x in enumerate(fgraph.inputs)}
        slot = {x: i for i, x in enumerate(computed)}
        self._pick: list[tuple[str, Any]] = [
            ("computed", slot[x])
            if x in slot
            else ("input", position[x])
            if x in position
            else ("constant", np.asarray(x.data))
            for x in fgraph.outputs
        ]
        # Double-buffered updates: the spare of each is the value its last call replaced
        # (an empty placeholder at first, which never fits)
        self._spare_of = [
            (source, slot[fgraph.outputs[position]]) for position, source in buffered.items()
        ]
        self._spares = [
            np.empty((0,) * fgraph.inputs[source].ndim, fgraph.inputs[source].type.numpy_dtype)
            for source, _ in self._spare_of
        ]
        self.fresh = _fresh_outputs(fgraph)
        self._only_computed = self._pick == [("computed", k) for k in range(len(computed))]
        self.guarded = False  # whether a call may stop with `repeats` (see `general`)
        self._general: Any = None
        # The input shapes of the last call that stopped with `repeats`: calls with those
        # shapes go straight to the general program, not through the part of this one
        # that runs before its check (a learner passing one row for a batch, every call).
        self._repeating: list[tuple | None] = [None]
        # How the general program starts to work: set by `compile.function` to compile it
        # in the background while the reference backend answers (a `BackgroundProgram`)
        self.behind: Callable[[NumbaProgram], Any] | None = None

    @property
    def general(self) -> Any:
        """The program that computes the calls this one stops with error `repeats`: the
        same graph, broadcasting wherever NumPy would (each input whose length-1 axis
        repeats copied out at its broadcast shape first, gradients summed back). Linked
        on first use and compiled then, in the background where `behind` says so (the
        reference backend answers meanwhile), else at once; Numba's disk cache keeps it.
        This program itself when it never stops so."""
        if not self.guarded:
            return self
        if self._general is None:
            general = link(self.fgraph, repeats=True)
            self._general = general if self.behind is None else self.behind(general)
        return self._general

    def _generally(self, values: Sequence[np.ndarray], trusted: bool = False) -> Sequence:
        """The outputs for `values` from the general program (see `general`)."""
        general = self.general
        compiled = getattr(general, "ready", True)  # read first: it may turn True meanwhile
        results = general.trusted(values) if trusted else general(values)
        if compiled:
            return results
        # The reference backend may have answered: its results may share memory with the
        # inputs, where this program's (`fresh`, which the `Function` relies on) never do
        return [np.array(result) for result in results]

    @property
    def function(self) -> Callable | None:
        """The Numba dispatcher of `source`, None when there is nothing to compute. The
        first use imports the generated module, and Numba with it."""
        if self._function is None and self.nodes:
            self._function = _load(self._digest, self.source)
        return self._function

    def signature(self) -> tuple:
        """The Numba types the function is compiled for: C-contiguous arrays of the
        inputs' dtypes and ranks, then the constants' own types."""
        from numba import typeof, types
        from numba.np.numpy_support import from_dtype

        inputs = [
            types.Array(from_dtype(x.type.numpy_dtype), x.ndim, "C") for x in self.fgraph.inputs
        ]
        spares = [typeof(spare) for spare in self._spares]
        return (*inputs, *(typeof(c) for c in self._constants), *spares)

    @property
    def compiled(self) -> bool:
        """Whether calls run machine code already (nothing to compile, or compiled)."""
        if not self.nodes or self._entry is not None:
            return True
        if self._digest not in _LOADED:  # not even imported in this process
            return False
        signature = self.signature()
        if signature in self.function.overloads:  # this process compiled it before
            self._entry = self.function.overloads[signature].entry_point
            return True
        return False

    def compile(self) -> None:
        """Compile (or load from the disk cache) the machine code for `signature()`.

        Calls compile on first use anyway; `Function` calls this from a background thread
        so that the first calls need not wait.
        """
        if not self.nodes or self._entry is not None:
            return
        from numba.core.errors import NumbaError

        signature = self.signature()
        try:
            self.function.compile(signature)
        except NumbaError as err:
            raise self._explain(err, []) from None
        # The compiled entry point unboxes its arguments without the dispatcher's type
        # dispatch: only safe for arrays of exactly the signature's dtypes, ranks and
        # layout, which `__call__` guarantees for checked values.
        self._entry = self.function.overloads[signature].entry_point

    def fast(self) -> Callable[[Sequence[np.ndarray]], Sequence]:
        """A call as `self(values)`, compiled first, for checked values: the closure keeps
        what a call would look up, so that a tiny graph's call costs little more than its
        machine code. The `Function` calls it once the program runs its calls. Graphs
        with spare buffers or with outputs that are not computed get `self`."""
        if not self.nodes or self._spare_of or not self._only_computed:
            return self
        self.compile()
        entry, arrays, constants, explain, generally, repeating = (
            self._entry,
            self._arrays,
            self._constants,
            self._explain,
            self._generally,
            self._repeating,
        )

        def call(values: Sequence[np.ndarray]) -> Sequence:
            for k in arrays:  # a 0-d value is always in C order
                if not values[k].flags.c_contiguous:  # the machine code reads C order only
                    values = [np.asarray(v, order="C") for v in values]  # keeps 0-d as 0-d
                    break
            if repeating[0] is not None and repeating[0] == _shapes(values):
                return generally(values)
            try:
                return entry(*values, *constants) if constants else entry(*values)
            except Exception as err:  # explained below, outside this handler
                failure = err
            if _repeats(failure):
                repeating[0] = _shapes(values)
                return generally(values)
            raise explain(failure, values)

        return call

    def trusted(self, values: Sequence) -> list:
        """As a call, for values nobody checked (`Function.trust_input`)."""
        return self(values, trusted=True)

    def __call__(self, values: Sequence[np.ndarray], trusted: bool = False) -> Sequence:
        """The outputs for `values`, one array per graph input of the input's dtype and
        rank (the `Function` checks them; `trusted` values skip the fast entry point)."""
        if not self.nodes:
            return self._arrange((), values)
        if trusted:  # anything goes: the dispatcher types (and checks) what came
            run = self.function
        else:
            if self._entry is None:
                self.compile()
            run = self._entry
            for k in self._arrays:  # a 0-d value is always in C order
                if not values[k].flags.c_contiguous:  # the machine code reads C order only
                    values = [np.asarray(v, order="C") for v in values]  # keeps 0-d as 0-d
                    break
        if self._repeating[0] is not None and self._repeating[0] == _shapes(values):
            return self._generally(values, trusted)
        spares = self._spares
        if spares:
            spares = self._free(spares, values)
        failure = None
        try:
            results = run(*values, *self._constants, *spares)
        except Exception as err:  # explained below, outside this handler
            failure = err
        if failure is not None:
            if _repeats(failure):  # nothing but temporaries and spares was written
                self._repeating[0] = _shapes(values)
                return self._generally(values, trusted)
            raise self._explain(failure, values)
        if spares:
            self._keep_vacated(values)
        if self._only_computed:
            return results  # a tuple: the `Function` only indexes it
        return self._arrange(results, values)

    def _free(self, spares: list[np.ndarray], values: Sequence) -> list[np.ndarray]:
        """The spares, but a placeholder for one this call also reads (a caller may pass
        an old value back in)."""
        arrays = [v for v in values if type(v) is np.ndarray]
        return [
            np.empty((0,) * spare.ndim, spare.dtype)
            if any(np.may_share_memory(spare, v) for v in arrays)
            else spare
            for spare in spares
        ]

    def _keep_vacated(self, values: Sequence) -> None:
        """After a call that succeeded: each update's old value is its next spare (the
        `Function` stores the new one), if the machine code may write into it."""
        for k, (source, _) in enumerate(self._spare_of):
            old, spare = values[source], self._spares[k]
            if (
                type(old) is np.ndarray
                and old.dtype == spare.dtype
                and old.ndim == spare.ndim
                and old.flags.c_contiguous
                and old.flags.writeable
            ):
                self._spares[k] = old
            else:  # the spare may be the new value now: never write into that
                self._spares[k] = np.empty((0,) * spare.ndim, spare.dtype)

    def _arrange(self, results: tuple, values: Sequence[np.ndarray]) -> list:
        """The graph's outputs from the function's results, the inputs and the constants."""
        return [
            results[where]
            if kind == "computed"
            else values[where]
            if kind == "input"
            else where.copy()
            for kind, where in self._pick
        ]

    def _explain(self, failure: Exception, values: Sequence[np.ndarray]) -> Exception:
        """The error the reference backend gives for these values, or one naming the node."""
        from numba.core.errors import NumbaError

        if isinstance(failure, NumbaError):
            found = error(
                BackendError,
                "the Numba backend could not compile this graph (a bug in tensorlab)",
                got=str(failure).strip().splitlines()[0],
                hint='compile with mode="python" meanwhile, and report the graph',
            )
            found.__cause__ = failure
            return found
        match = _ERROR_CODE.fullmatch(str(failure))
        last = int(match.group(1)) if match else len(self.nodes) - 1
        storage: dict[Variable, Any] = dict(zip(self.fgraph.inputs, values, strict=True))
        try:
            for node in self.nodes[: last + 1]:
                ins = [x.data if isinstance(x, Constant) else storage[x] for x in node.inputs]
                storage.update(zip(node.outputs, run_node(node, ins), strict=True))
        except TensorlabError as reference_error:
            return reference_error
        node = self.nodes[last]
        found = error(
            RuntimeOpError,
            f"{node.op} failed in the Numba backend ({match.group(2) if match else failure}), "
            "though the reference backend computes it (a bug in tensorlab)",
            at=node,
            hint='compile with mode="python" meanwhile, and report the graph',
        )
        found.__cause__ = failure
        return found
