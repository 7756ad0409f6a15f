"""Link a graph for the Numba backend: generate one module, cache it on disk, compile it
with one `numba.njit`, and call it with the errors the reference backend would give.

The module's file is named by a hash of its code (comments left out, so the user's cell
numbers in them do not matter) and lives in the cache folder (`cache_dir()`). Numba's own
on-disk cache (`cache=True`) keeps the machine code beside it, so a restarted kernel or a
second process that builds the same graph compiles nothing.
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
from pathlib import Path
from typing import Any

import numpy as np
from numba.core.errors import NumbaError, NumbaPerformanceWarning

from tensorlab.backends.numba.module import ModuleWriter, emit, has_emitter, no_emitter
from tensorlab.backends.python.linker import run_node
from tensorlab.errors import BackendError, RuntimeOpError, TensorlabError, error
from tensorlab.graph.basic import Apply, Constant, Variable
from tensorlab.graph.fgraph import FunctionGraph
from tensorlab.graph.source import user_location
from tensorlab.tensor.elemwise import Elemwise

__all__ = ["NumbaProgram", "cache_dir", "link"]

# No fastmath flag keeps elementwise results equal to NumPy's: `contract` fuses x * y + z
# into one rounding (a quarter of random float64 results change), `arcp` turns x / s into
# x * (1 / s), `nsz` flips the sign of zeros (abs is written 0 - x for that reason), `afn`
# swaps library calls for approximations, `reassoc` regroups sums and folds (x + c) - c.
# Numba applies the flags to a whole function, so sums cannot have `reassoc` alone.
DECORATOR = '@njit(cache=True, error_model="numpy")'  # "numpy": no zero-division checks

# Numba's advice on layouts ("np.dot() is faster on contiguous arrays") is for whoever
# writes the code: here that is this backend, not the learner reading the warning.
warnings.filterwarnings("ignore", category=NumbaPerformanceWarning, module=r".*graph_[0-9a-f]+$")

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


def link(fgraph: FunctionGraph) -> NumbaProgram:
    """A program computing `fgraph.outputs` from values of `fgraph.inputs`, compiled by Numba.

    Raises `BackendError` naming the node when an op has no Numba implementation.

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
    writer, arguments, computed = _write(fgraph, nodes)
    source, digest = _module_text(writer, fgraph, arguments, computed, nodes)
    function = _load(digest, source) if nodes else None
    return NumbaProgram(fgraph, nodes, source, function, arguments, computed)


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


def _write(fgraph: FunctionGraph, nodes: list[Apply]):
    """The function body; its arguments (inputs, then constants); the outputs it returns."""
    writer = ModuleWriter(_inlined(fgraph))
    constants = []
    for node in nodes:
        for var in node.inputs:
            if isinstance(var, Constant) and var not in writer.inlined and var not in constants:
                constants.append(var)
    arguments = [*fgraph.inputs, *constants]
    writer.names(arguments)  # the user's names first, so they keep them
    for index, node in enumerate(nodes):
        writer.node_index = index
        for text in _node_header(writer, index, node):
            writer.line(text)
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
    signature = ", ".join(mod.names(arguments))
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
        "",
        "",
        DECORATOR,
        f"def f_{_PLACEHOLDER}({signature}):",
        f"    # inputs, checked by the Function: {described or 'none'}",
    ]
    if constants:
        lines.append(f"    # constants: {constants}")
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
    import numba

    folder = Path(__file__).parent
    files = sorted(folder.rglob("*.py"))
    contents = "".join(f.read_text() for f in files)
    return f"{numba.__version__} {np.__version__} " + hashlib.sha256(contents.encode()).hexdigest()


def _code_of(source: str) -> str:
    """`source` without its comment lines: what the machine code depends on."""
    return "\n".join(line for line in source.splitlines() if not line.lstrip().startswith("#"))


def _load(digest: str, source: str) -> Callable:
    """The jitted function of `source`, written to the cache folder unless there already."""
    if digest in _LOADED:
        return _LOADED[digest]
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


class NumbaProgram:
    """A compiled graph: `program(values)` returns the outputs' values, as a list.

    `source` is the generated module (what `Function.source` shows); `function` is the
    Numba dispatcher (its `stats` tell cache hits from compilations).
    """

    def __init__(self, fgraph, nodes, source, function, arguments, computed) -> None:
        self.fgraph = fgraph
        self.nodes = nodes
        self.source = source
        self.function = function
        self._constants = [np.asarray(c.data) for c in arguments[len(fgraph.inputs) :]]
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

    def __call__(self, values: Sequence[np.ndarray]) -> list[np.ndarray]:
        results: tuple = ()
        if self.function is not None:
            try:
                results = self.function(*values, *self._constants)
            except Exception as err:  # explained below, outside this handler
                failure = err
            else:
                failure = None
            if failure is not None:
                raise self._explain(failure, values)
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
