"""The printed result of bench/run.py: the machine, then one row per measurement.

A ratio is tensorlab's figure divided by the peer's: below 1 tensorlab is faster (or smaller).
"""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass

from workloads import SIZES


@dataclass(frozen=True)
class Row:
    workload: str
    kind: str  # "steady" (per call, compiled), "cold" (fresh process, empty cache), "warm"
    field: str  # the key in the worker's answer
    label: str  # formatted with the workload's sizes
    target: str  # the target for tensorlab at full size
    numpy: bool = True  # whether NumPy has a figure here (it compiles nothing)


ROWS = [
    Row("W1", "steady", "seconds", "W1 tanh(x)*sigmoid(y)+exp(-x**2), float64, n={n:,}", "≤ 30 ms"),
    Row("W2", "steady", "seconds", "W2 call overhead, x+1 on a scalar", "≤ 1.5 µs"),
    Row(
        "W3",
        "steady",
        "seconds",
        "W3 logistic-regression SGD step, {batch}x{features} float32",
        "≤ 300 µs",
    ),
    Row(
        "W4",
        "steady",
        "seconds",
        "W4 MLP {features}-{hidden}-{classes} SGD step, batch {batch}, float32",
        "≤ 2.35 ms",
    ),
    Row(
        "W5",
        "cold",
        "first",
        "W5 compile a {depth}-deep elementwise chain and its gradient",
        "≤ 1 s",
        False,
    ),
    Row(
        "W5",
        "cold",
        "ready",
        "W5 the same, until the compiled program has taken over",
        "—",
        False,
    ),
    Row(
        "W3",
        "cold",
        "first",
        "W3 time to first result (function + first call, empty cache)",
        "≤ 0.5 s",
        False,
    ),
    Row(
        "W4",
        "cold",
        "first",
        "W4 time to first result (function + first call, empty cache)",
        "≤ 0.5 s",
        False,
    ),
    Row("W3", "cold", "ready", "W3 compiled program ready (empty cache)", "≤ 2 s", False),
    Row("W4", "cold", "ready", "W4 compiled program ready (empty cache)", "≤ 2 s", False),
    Row(
        "W3",
        "warm",
        "first",
        "W3 warm start (cache filled, new process: function + first call)",
        "≤ 0.4 s",
        False,
    ),
    Row(
        "W4",
        "warm",
        "first",
        "W4 warm start (cache filled, new process: function + first call)",
        "≤ 0.4 s",
        False,
    ),
    Row("W6", "steady", "seconds", "W6 sum(x**2, axis=1), {rows}x{cols} float64", "≤ 3.5 ms"),
    Row(
        "W7",
        "steady",
        "seconds",
        "W7 W4 with the loss as Theano's tutorial writes it, -mean(log(p)[arange(n), y])",
        "≤ 2.35 ms",
    ),
    Row("W7", "cold", "first", "W7 time to first result (empty cache)", "≤ 0.5 s", False),
    Row("W7", "cold", "ready", "W7 compiled program ready (empty cache)", "≤ 2 s", False),
    Row(
        "W4",
        "cold",
        "peak_mb",
        "peak memory, import + compile + run W4 (fresh process)",
        "≤ 200 MB",
    ),
    Row("W4", "cold", "import", "import time (fresh process, NumPy already imported)", "", False),
]


def quantity(value: float, field: str) -> str:
    if field == "peak_mb":
        return f"{value:.0f} MB"
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if value >= scale:
            return f"{value / scale:.3g} {unit}"
    return f"{value / 1e-9:.3g} ns"


class Footnotes:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def mark(self, text: str) -> str:
        if text not in self.lines:
            self.lines.append(text)
        return f"[{self.lines.index(text) + 1}]"


def figure(subject, row: Row, notes: Footnotes) -> tuple[str, float | None]:
    """The cell text and the number behind it (None when there is none)."""
    answer = subject.results.get((row.workload, row.kind))
    if answer is None or (subject.label == "NumPy" and not row.numpy):
        return "—", None
    if "skipped" in answer:
        return "skipped " + notes.mark(answer["skipped"]), None
    if "error" in answer and row.field not in answer:  # import time survives a failure
        return "failed " + notes.mark(f"{subject.label}, {row.workload}: {headline(answer)}"), None
    value = answer[row.field]
    text = quantity(value, row.field)
    if answer.get("agrees") is False:
        text += " " + notes.mark(f"{subject.label}, {row.workload}: result differs from NumPy's")
    if "note" in answer and row.field in ("first", "ready"):
        text += " " + notes.mark(f"{subject.label}, {row.workload}: {answer['note']}")
    return text, value


def headline(answer: dict) -> str:
    """A tensorlab error's first line and the user's line it quotes."""
    lines = answer["error"].splitlines()
    return "; ".join([lines[0], *(x.strip() for x in lines[1:] if "built at:" in x)])


def ratio(value: float | None, peer: float | None) -> str:
    if value is None or not peer:
        return "—"
    return f"{value / peer:.3g}x"


def table_lines(subjects, options) -> list[str]:
    sizes = SIZES["quick" if options.quick else "full"]
    peers = [s for s in subjects if not s.label.startswith("tensorlab")]
    ours = [s for s in subjects if s.label.startswith("tensorlab")]
    header = ["workload", *(s.label for s in peers)]
    for subject in ours:
        header += [subject.label, *(f"/ {peer.label}" for peer in peers)]
    if not options.quick:
        header.append("target")
    notes = Footnotes()
    body = []
    for row in ROWS:
        if row.workload not in options.workloads:
            continue
        cells = [row.label.format(**sizes[row.workload])]
        peer_values = []
        for peer in peers:
            text, value = figure(peer, row, notes)
            cells.append(text)
            peer_values.append(value)
        for subject in ours:
            text, value = figure(subject, row, notes)
            cells += [text, *(ratio(value, peer) for peer in peer_values)]
        if not options.quick:
            cells.append(row.target)
        body.append(cells)
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        padded = [
            c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths))
        ]
        return "| " + " | ".join(padded) + " |"

    rule = (
        "|"
        + "|".join("-" * (w + 1) + ":" if i else "-" * (w + 2) for i, w in enumerate(widths))
        + "|"
    )
    lines = [line(header), rule, *(line(cells) for cells in body)]
    lines.append("")
    lines.append(
        "Times are medians; a '/ peer' column is tensorlab's figure divided by the peer's."
    )
    lines += [f"[{i}] {text}" for i, text in enumerate(notes.lines, 1)]
    return lines


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as info:
            for entry in info:
                if entry.startswith("model name"):
                    return entry.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def machine_lines(subjects) -> list[str]:
    lines = [
        f"machine: {cpu_model()}, {os.cpu_count()} CPUs, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}"
    ]
    for subject in subjects:
        about = subject.about
        library = about.get("library", {})
        versions = ", ".join(f"{k} {v}" for k, v in library.items() if k != "backends")
        blas = "; ".join(
            f"{b['library']} {b.get('version') or ''} kernel {b['kernel']}".replace("  ", " ")
            for b in about.get("blas", [])
        )
        if "error" in about and not library:
            versions = f"failed: {about['error']}"
        lines.append(f"{subject.label}: {versions}" + (f"; BLAS {blas}" if blas else ""))
    return lines
