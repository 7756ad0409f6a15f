"""How tensor variables and compiled functions show themselves in Jupyter.

`register` tells IPython's display formatters to draw every symbolic `Variable` and every
compiled `tensorlab.compile.Function` as an SVG graph, with the `dprint` tree as the
`text/plain` part (what a terminal or a static export without images shows). A
function is drawn as it runs: its rewritten graph. Importing `tensorlab` inside IPython
registers for the running shell; `%load_ext tensorlab` does too.

Drawing never raises: if no renderer works, the text tree is shown with a one-line hint.

>>> register(None)  # outside IPython there is nothing to register with
False
"""

from __future__ import annotations

import sys
from typing import Any

from tensorlab.graph.basic import Variable
from tensorlab.printing.graph_view import graph_view

__all__ = ["mimebundle", "register"]


def mimebundle(obj: Any) -> dict[str, str]:
    """The display data of a variable or compiled function: SVG and text, or text only."""
    try:
        return graph_view(obj)._repr_mimebundle_()
    except Exception as err:  # showing a value must never end in a traceback
        return {"text/plain": f"{obj!r}\n(no drawing: {type(err).__name__}: {err})"}


def register(shell: Any = "running") -> bool:
    """Show variables and compiled functions as graphs in `shell` (default: the running
    IPython, if any). Returns whether a shell was found. Registering twice is harmless."""
    if shell == "running":
        shell = _running_shell()
    if shell is None:
        return False
    formatter = shell.display_formatter.mimebundle_formatter
    formatter.for_type(Variable, mimebundle)
    # By name: importing tensorlab.compile here would turn the layers upside down.
    formatter.for_type_by_name("tensorlab.compile.function", "Function", mimebundle)
    return True


def _running_shell() -> Any:
    ipython = sys.modules.get("IPython")  # not imported: not running inside IPython
    return ipython.get_ipython() if ipython is not None else None
