"""The Jupyter display of variables and compiled functions, through a real IPython shell."""

from __future__ import annotations

import pytest
from IPython.core.interactiveshell import InteractiveShell

import tensorlab as tl
import tensorlab.tensor as T
from tensorlab.printing import display, register


@pytest.fixture
def shell(monkeypatch):
    shell = InteractiveShell.instance()
    monkeypatch.setenv("TENSORLAB_GRAPHVIZ", "wasm")
    register(shell)
    return shell


def test_variable_displays_svg_and_dprint_text(shell):
    x = T.vector("x")
    data, _ = shell.display_formatter.format(T.exp(x) + 1.0)
    assert set(data) == {"image/svg+xml", "text/plain"}
    assert "<svg" in data["image/svg+xml"]
    assert data["text/plain"].splitlines()[0] == "Elemwise{add} [id A] float64 (None,)"


def test_compiled_function_displays_its_graph(shell):
    x = T.vector("x")
    f = tl.function([x], T.exp(x).sum(), name="f")
    data, _ = shell.display_formatter.format(f)
    assert "function f(x)" in data["image/svg+xml"]
    assert data["text/plain"].startswith("Sum{axis=(0,)} [id A]")


def test_no_renderer_shows_text_and_a_hint(shell, monkeypatch):
    monkeypatch.setenv("TENSORLAB_GRAPHVIZ", "none")
    data, _ = shell.display_formatter.format(T.vector("x") * 2)
    assert list(data) == ["text/plain"]
    assert data["text/plain"].endswith(
        "(no drawing: drawing is switched off (TENSORLAB_GRAPHVIZ=none); showing the text tree)"
    )


def test_a_failing_drawing_is_text_not_a_traceback(shell, monkeypatch, capsys):
    def broken(obj):
        raise RuntimeError("layout exploded")

    monkeypatch.setattr(display, "graph_view", broken)
    data, _ = shell.display_formatter.format(T.vector("x"))
    assert data == {"text/plain": "x\n(no drawing: RuntimeError: layout exploded)"}
    assert "Traceback" not in capsys.readouterr().out


def test_import_inside_ipython_registers_and_outside_does_not():
    assert register(None) is False
    assert display._running_shell() is InteractiveShell.instance()
