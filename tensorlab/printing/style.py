"""How a graph drawing looks: styles per role, safe DOT text, and values as short text.

Roles (each has a legend entry): `input`, `shared`, `constant`, `output`, `update` (a
compiled function's new value of a shared variable), `intermediate` (a named or valued
variable inside the graph) and `op`.

>>> import numpy as np
>>> value_lines(np.array([0.5, 1.25]))
['[0.5, 1.25]']
>>> value_lines(np.arange(12.0).reshape(3, 4))
['shape (3, 4)', 'mean 5.5  norm 22.49', 'min 0  max 11']
"""

from __future__ import annotations

import numpy as np

from tensorlab.tensor.type import shape_text

FONT = "Helvetica,Arial,sans-serif"
HIGHLIGHT = "#dc2626"

ROLE_STYLES: dict[str, dict[str, str]] = {
    "input": {
        "shape": "box",
        "style": "rounded,filled",
        "fillcolor": "#dbeafe",
        "color": "#2563eb",
    },
    "shared": {
        "shape": "box",
        "style": "rounded,filled",
        "fillcolor": "#dcfce7",
        "color": "#16a34a",
    },
    "constant": {"shape": "box", "style": "filled", "fillcolor": "#f3f4f6", "color": "#9ca3af"},
    "output": {
        "shape": "box",
        "style": "rounded,filled,bold",
        "fillcolor": "#fef3c7",
        "color": "#d97706",
    },
    "update": {
        "shape": "box",
        "style": "rounded,filled,bold",
        "fillcolor": "#fce7f3",
        "color": "#db2777",
    },
    "intermediate": {"shape": "box", "style": "rounded", "color": "#6b7280"},
    "op": {"shape": "ellipse", "style": "filled", "fillcolor": "#ede9fe", "color": "#7c3aed"},
}

LEGEND_TEXT = {
    "input": "input",
    "shared": "shared variable",
    "constant": "constant",
    "output": "output",
    "update": "new value of a shared variable",
    "intermediate": "named value",
    "op": "op",
}

LEGEND_SIZE = {"fontsize": "9", "height": "0.3", "margin": "0.06,0.03"}
NOTE_STYLE = {"shape": "note", "style": "filled", "fillcolor": "#fff7ed", "color": "#ea580c"}
FUSED_STYLE = {"style": "rounded,dashed", "color": "#7c3aed", "fontcolor": "#5b21b6"}
LINE_GROUP_STYLE = {"style": "rounded,dotted", "color": "#6b7280", "fontcolor": "#374151"}
EDGE_STYLE = {"fontsize": "9", "fontcolor": "#4b5563", "color": "#6b7280", "arrowsize": "0.7"}

# Arrays up to this many elements are written out; bigger ones are summarised.
SMALL = 8


def dot_text(text: str) -> str:
    """`text` as it must be written inside a quoted DOT string: backslashes kept literal.

    The `graphviz` package escapes quotes itself; a lone backslash would otherwise start
    a DOT escape (or swallow the closing quote).
    """
    return text.replace("\\", "\\\\")


def lines(*parts: str) -> str:
    """DOT text of several lines (centred), each part escaped."""
    return "\\n".join(dot_text(p) for p in parts)


def record_text(text: str) -> str:
    """Escape a field of a `record` label: braces, bars and angle brackets are syntax there."""
    text = dot_text(text)
    for char in "{}|<>":
        text = text.replace(char, "\\" + char)
    return text


def value_lines(value: np.ndarray) -> list[str]:
    """A small array written out (4 significant digits), a big one summarised."""
    array = np.asarray(value)
    if array.size <= SMALL:
        text = np.array2string(
            array, separator=", ", max_line_width=60, formatter={"float_kind": _num}
        )
        return [row.strip() for row in text.splitlines()]
    return summary_lines(array)


def summary_lines(array: np.ndarray) -> list[str]:
    """`shape`, `mean`, `norm`, `min`, `max` of an array, for values too big to write out."""
    head = f"shape {shape_text(array.shape)}"
    if array.size == 0:
        return [head, "(empty)"]
    data = array.astype(np.float64)
    with np.errstate(all="ignore"):
        mean, norm = data.mean(), np.sqrt((data * data).sum())
        low, high = data.min(), data.max()
    return [head, f"mean {_num(mean)}  norm {_num(norm)}", f"min {_num(low)}  max {_num(high)}"]


def _num(x: float) -> str:
    return f"{x:.4g}"
