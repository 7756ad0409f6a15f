"""`%%tensor` and the `%tensor_*` line magics, driven through a real IPython shell."""

from __future__ import annotations

import builtins

import numpy as np
import pytest
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell

import tensorlab as tl
from tensorlab.compile.function import Function
from tensorlab.errors import BroadcastError
from tensorlab.magics import magic


@pytest.fixture
def ip(monkeypatch):
    """A fresh IPython session with the extension loaded; displays are recorded, not drawn."""
    shell = InteractiveShell.instance()
    shell.reset(new_session=True)
    shell.run_line_magic("load_ext", "tensorlab")
    shown: list[dict] = []
    monkeypatch.setattr(
        shell.display_pub, "publish", lambda data, metadata=None, **kw: shown.append(data)
    )
    monkeypatch.setenv("TENSORLAB_GRAPHVIZ", "none")  # text only: fast, and names the roots
    shell.shown = shown
    yield shell
    shell.reset(new_session=True)


def run(ip, cell: str):
    return ip.run_cell(cell, store_history=True)


def roots(ip) -> list[str]:
    """The root lines of the last displayed tree (what the cell chose to show)."""
    text = ip.shown[-1]["text/plain"]
    return [line for line in text.splitlines() if line[:1] not in "├└│ (."]


def ok(result):
    assert result.error_in_exec is None and result.error_before_exec is None, result
    return result


# -- declarations and the shown graph --------------------------------------------------
def test_declarations_make_typed_named_inputs(ip):
    ok(
        run(
            ip,
            "%%tensor\nx: scalar\nW: matrix\nX: matrix[float32]\nv: vector[3]\nk: ivector\n"
            "M: matrix[float32, (None, 3)]\nr: row\nT3: tensor[int8, (2, None, 4)]\n",
        )
    )
    ns = ip.user_ns
    types = {name: (ns[name].dtype, ns[name].type.shape) for name in "x W X v k M r T3".split()}
    assert types == {
        "x": ("float64", ()),
        "W": ("float64", (None, None)),
        "X": ("float32", (None, None)),
        "v": ("float64", (3,)),
        "k": ("int32", (None,)),
        "M": ("float32", (None, 3)),
        "r": ("float64", (1, None)),
        "T3": ("int8", (2, None, 4)),
    }
    assert all(ns[name].name == name for name in types)


def test_the_cell_shows_what_it_defined(ip):
    ok(run(ip, "%%tensor\nX: matrix\nw: vector\nb: scalar\nz = X @ w\np = sigmoid(z + b)\n"))
    assert len(ip.shown) == 1
    assert roots(ip) == ["p = Elemwise{sigmoid} [id A] float64 (None,)"]
    assert ip.user_ns["p"].name == "p" and ip.user_ns["z"].name == "z"


def test_the_last_expression_is_shown_instead(ip):
    ok(run(ip, "%%tensor\nx: vector\ny = exp(x)\ny * 2\n"))
    assert roots(ip) == ["Elemwise{mul} [id A] float64 (None,)"]


def test_declarations_alone_show_the_inputs(ip):
    ok(run(ip, "%%tensor\nx: vector\nb: scalar\n"))
    assert roots(ip) == ["x [id A] float64 (None,)", "b [id B] float64 ()"]


def test_a_value_that_is_not_symbolic_is_the_cell_result(ip):
    ok(run(ip, "%%tensor\nx: vector\ny = x * 2\n"))
    result = ok(run(ip, "%%tensor\ny.eval({x: [1.0, 2.0]})\n"))
    np.testing.assert_array_equal(result.result, [2.0, 4.0])
    assert len(ip.shown) == 1  # only the first cell drew


def test_show_chooses_the_variables(ip):
    ok(run(ip, "%%tensor --show p,q\nx: vector\np = exp(x)\nq = log(x)\nr = p + q\n"))
    assert roots(ip) == [
        "p = Elemwise{exp} [id A] float64 (None,)",
        "q = Elemwise{log} [id C] float64 (None,)",
    ]
    result = run(ip, "%%tensor --show nothing_here\nx: vector\n")
    assert isinstance(result.error_in_exec, UsageError)
    assert str(result.error_in_exec) == "--show nothing_here: nothing_here is not defined"


def test_no_graph_and_text(ip, capsys):
    ok(run(ip, "%%tensor --no-graph\nx: vector\ny = x + 1\n"))
    assert ip.shown == []
    ok(run(ip, "%%tensor --text\nx: vector\ny = x + 1\n"))
    assert ip.shown == []
    assert capsys.readouterr().out.splitlines()[0] == "y = Elemwise{add} [id A] float64 (None,)"


def test_svg_is_shown_when_a_renderer_works(ip, monkeypatch):
    monkeypatch.setenv("TENSORLAB_GRAPHVIZ", "wasm")
    ok(run(ip, "%%tensor\nx: vector\ny = exp(x)\n"))
    assert "<svg" in ip.shown[-1]["image/svg+xml"]


def test_optimized_asks_for_the_rewritten_graph(ip, monkeypatch):
    calls = []

    def recording(target, **options):
        calls.append(options)
        return tl.printing.graph_view(target, **options)

    monkeypatch.setattr(magic, "graph_view", recording)
    ok(run(ip, "%%tensor --optimized\nx: vector\ny = exp(x) * 1.0\n"))
    ok(run(ip, "%%tensor\nx: vector\ny = exp(x) * 1.0\n"))
    assert [c["optimized"] for c in calls] == [True, False]
    assert ip.user_ns["y"].owner.op.scalar_op.name == "mul"  # the user's graph is untouched


# -- --compile, --backend, --grad ------------------------------------------------------
def test_compile_binds_a_function_of_the_declared_inputs(ip, capsys):
    ok(run(ip, "%%tensor --compile f\nX: matrix\nw: vector\nb: scalar\np = sigmoid(X @ w + b)\n"))
    f = ip.user_ns["f"]
    assert isinstance(f, Function) and f.name == "f"
    assert capsys.readouterr().out.strip() == "compiled f(X, w, b) -> p"
    out = f(np.ones((2, 3)), np.zeros(3), 0.0)
    np.testing.assert_allclose(out, [0.5, 0.5])
    assert roots(ip) == ["p = Elemwise{sigmoid} [id A] float64 (None,)"]


def test_compile_with_optimized_shows_the_function(ip):
    ok(run(ip, "%%tensor --compile g --optimized\nx: vector\ny = exp(x).sum()\n"))
    assert "function g(x)" not in ip.shown[-1]["text/plain"]  # the text is the tree itself
    assert isinstance(ip.user_ns["g"], Function)


def test_backend_choices_come_from_the_backends(ip):
    ok(run(ip, "%%tensor --compile f --backend python\nx: vector\ny = x * 2\n"))
    assert ip.user_ns["f"].mode.backend == "python"
    result = run(ip, "%%tensor --compile f --backend nosuch\nx: vector\ny = x * 2\n")
    assert isinstance(result.error_in_exec, UsageError)
    assert "invalid choice: 'nosuch'" in str(result.error_in_exec)
    result = run(ip, "%%tensor --backend python\nx: vector\ny = x * 2\n")
    assert "add --compile" in str(result.error_in_exec)
    result = run(ip, "%%tensor --compile 2f\nx: vector\ny = x * 2\n")
    assert "--compile needs a Python name" in str(result.error_in_exec)


def test_grad_builds_shows_and_compiles_the_gradients(ip):
    ok(
        run(
            ip,
            "%%tensor --grad w,b --compile f\nX: matrix\nw: vector\nb: scalar\n"
            "loss = ((X @ w + b) ** 2).sum()\n",
        )
    )
    ns = ip.user_ns
    assert ns["gw"].name == "gw" and ns["gb"].name == "gb"
    assert [line.split(" = ")[0] for line in roots(ip)] == ["loss", "gw", "gb"]
    X, w, b = np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([0.5, -1.0]), 0.25
    loss, gw, gb = ns["f"](X, w, b)
    residual = X @ w + b
    np.testing.assert_allclose(loss, (residual**2).sum())
    np.testing.assert_allclose(gw, 2 * X.T @ residual)
    np.testing.assert_allclose(gb, 2 * residual.sum())
    # The gradient nodes were built by the magic's own line.
    assert ns["gw"].owner.source.describe().endswith("line 1: %%tensor --grad w,b --compile f")


def test_grad_needs_one_scalar(ip):
    result = run(ip, "%%tensor --grad x\nx: vector\ny = x * 2\n")
    assert isinstance(result.error_in_exec, UsageError)
    assert "--grad differentiates one scalar output; the cell shows y: float64 (None,)" in str(
        result.error_in_exec
    )
    result = run(ip, "%%tensor --grad nope\nx: vector\ny = x.sum()\n")
    assert "--grad nope: nope is not a symbolic variable here" in str(result.error_in_exec)


# -- the namespace ---------------------------------------------------------------------
def test_api_is_visible_without_polluting_the_namespace(ip):
    ok(
        run(
            ip,
            "%%tensor\nx: vector\ns = sum(exp(x))\nm = max(abs(x))\n"
            "ys = [tanh(v) for v in (x, s)]\ndef f(v):\n    return sigmoid(v)\nh = f(x)\n",
        )
    )
    ns = ip.user_ns
    assert ns["s"].owner is not None and ns["m"].owner is not None
    assert str(ns["h"].owner.op) == "Elemwise{sigmoid}"  # a function defined in the cell
    assert str(ns["ys"][0].owner.op) == "Elemwise{tanh}"  # and a comprehension
    for name in ("sum", "max", "abs", "exp", "matrix", "sigmoid", "grad", "__tensorlab_declare__"):
        assert name not in ns
    assert ns["__builtins__"] is builtins
    assert ok(run(ip, "sum([1, 2, 3])")).result == 6


def test_the_users_own_names_win(ip):
    ip.user_ns["exp"] = lambda v: "mine"
    ok(run(ip, "%%tensor --no-graph\nx: vector\ny = exp(x)\n"))
    assert ip.user_ns["y"] == "mine"


def test_names_are_given_only_to_unnamed_variables(ip):
    ok(run(ip, "%%tensor --no-graph\nx: vector\ny = x\nz = x * 2\nz2 = z\na, b = x + 1, x - 1\n"))
    ns = ip.user_ns
    assert ns["y"] is ns["x"] and ns["x"].name == "x"
    assert ns["z2"].name == "z"
    assert (ns["a"].name, ns["b"].name) == ("a", "b")


def test_floatx_applies_to_declarations(ip):
    ok(run(ip, "%tensor_config floatX=float32"))
    ok(run(ip, "%%tensor --no-graph\nx: vector\nd: dvector\n"))
    assert ip.user_ns["x"].dtype == "float32" and ip.user_ns["d"].dtype == "float64"


# -- errors ----------------------------------------------------------------------------
def test_error_points_at_the_cell_line_and_keeps_earlier_definitions(ip):
    result = run(ip, "%%tensor\nx: vector\ny = exp(x)\nz = y * undefined_name\nw = 1\n")
    err = result.error_in_exec
    assert isinstance(err, NameError)
    number = result.execution_count
    assert err._render_traceback_() == [
        "NameError: name 'undefined_name' is not defined",
        f"  running:  cell [{number}], line 4: z = y * undefined_name",
    ]
    assert "y" in ip.user_ns and "w" not in ip.user_ns
    assert ip.user_ns["y"].name == "y"
    ok(run(ip, "%%tensor\nz = y * 2\n"))  # the kernel goes on
    assert roots(ip) == ["z = Elemwise{mul} [id A] float64 (None,)"]


def test_tensorlab_errors_keep_their_type_and_message(ip):
    result = run(ip, "%%tensor\nu: vector[3]\nv: vector[4]\nw = u + v\n")
    err = result.error_in_exec
    assert isinstance(err, BroadcastError)
    (text,) = err._render_traceback_()  # the message names the line already: no repeat
    assert text.startswith("BroadcastError: Elemwise{add} cannot broadcast its inputs")
    assert text.endswith(f"  built at: cell [{result.execution_count}], line 4: w = u + v")


def test_runtime_errors_name_the_running_line_too(ip):
    ok(run(ip, "%%tensor --no-graph\nu: vector\nv: vector\nw = u + v\n"))
    result = run(ip, "%%tensor\nw.eval({u: [1.0, 2.0], v: [1.0, 2.0, 3.0]})\n")
    lines = result.error_in_exec._render_traceback_()
    assert f"built at: cell [{result.execution_count - 1}], line 4: w = u + v" in lines[0]
    assert lines[1] == (
        f"  running:  cell [{result.execution_count}], line 2: "
        "w.eval({u: [1.0, 2.0], v: [1.0, 2.0, 3.0]})"
    )


def test_error_inside_a_function_defined_in_the_cell_points_at_its_line(ip):
    result = run(ip, "%%tensor\ndef f():\n    return 1 / 0\ny = f()\n")
    assert result.error_in_exec._render_traceback_()[-1].endswith("line 3: return 1 / 0")


def test_declaration_errors(ip):
    cases = {
        "x: matrx": "unknown type `matrx`",
        "x: matrix[flaot32]": "unknown dtype `flaot32`",
        "x: matrix[3]": "a matrix has 2 axes, but 1 length was given",
        "x: ivector[float32]": "`ivector` already fixes the dtype to int32",
        "x: vector[-1]": "`-1` is not an axis length",
        "x: tensor": "`tensor` needs its shape to know its rank",
        "x: row[3, 4]": "a row has length 1 on axis 0, not 3",
        "x.y: matrix": "only a plain name can be declared",
    }
    for declaration, problem in cases.items():
        result = run(ip, f"%%tensor\na = 1\n{declaration}\n")
        err = result.error_in_exec
        assert isinstance(err, UsageError), declaration
        assert problem in str(err), (declaration, str(err))
        assert f"cell [{result.execution_count}], line 3: {declaration}" in str(err)
        assert "a" not in ip.user_ns  # a declaration error stops the cell before it runs
    err = run(ip, "%%tensor\nx: matrx\n").error_in_exec
    assert "hint:     did you mean `matrix`?" in str(err)


def test_syntax_error_points_at_the_line(ip):
    result = run(ip, "%%tensor\nx: vector\ny = x +\n")
    err = result.error_in_exec
    assert isinstance(err, UsageError)
    assert str(err).splitlines()[:2] == [
        "invalid Python in the %%tensor cell: invalid syntax",
        f"  at:       cell [{result.execution_count}], line 3: y = x +",
    ]


# -- source locations ------------------------------------------------------------------
def test_nodes_remember_the_cell_and_line(ip):
    result = ok(run(ip, "%%tensor\nx: vector\n\ny = exp(x) * 2\n"))
    n = result.execution_count
    ns = ip.user_ns
    assert ns["x"].source.describe() == f"cell [{n}], line 2: x: vector"
    assert ns["y"].owner.source.describe() == f"cell [{n}], line 4: y = exp(x) * 2"
    assert ns["y"].owner.inputs[0].owner.source.cell == n


# -- line magics -----------------------------------------------------------------------
def test_tensor_graph_draws_an_expression_without_expanding_braces(ip, capsys):
    ok(run(ip, "%%tensor --no-graph\nx: vector\np = exp(x)\nq = log(x)\n"))
    ip.user_ns["n"] = 2
    ok(run(ip, "%tensor_graph [p, q][len({n})]"))  # IPython would make {n} the text "2"
    assert roots(ip) == ["q = Elemwise{log} [id A] float64 (None,)"]
    ok(run(ip, "%tensor_graph --text --max-nodes 5 p + q"))
    assert capsys.readouterr().out.startswith("Elemwise{add} [id A]")
    result = run(ip, "%tensor_graph n + 1")
    assert "draws symbolic variables or compiled functions; n + 1 is a int" in str(
        result.error_in_exec
    )
    assert isinstance(run(ip, "%tensor_graph").error_in_exec, UsageError)


def test_tensor_code(ip, capsys):
    ok(run(ip, "%%tensor --compile f --no-graph\nx: vector\ny = x * 2\n"))
    capsys.readouterr()
    ok(run(ip, "%tensor_code f"))
    out = capsys.readouterr().out
    assert out.startswith("f runs on the 'python' backend, which generates no code")
    result = run(ip, "%tensor_code x")
    assert "%tensor_code shows the code of a compiled function" in str(result.error_in_exec)


def test_tensor_code_prints_generated_source(ip, capsys, monkeypatch):
    ok(run(ip, "%%tensor --compile f --no-graph\nx: vector\ny = x * 2\n"))
    monkeypatch.setattr(Function, "source", property(lambda self: "def f_1234(x):\n    ..."))
    capsys.readouterr()
    ok(run(ip, "%tensor_code f"))
    assert capsys.readouterr().out == "def f_1234(x):\n    ...\n"


def test_tensor_config(ip, capsys):
    ok(run(ip, "%tensor_config floatX=float32 backend=python"))
    assert (tl.config.floatX, tl.config.mode) == ("float32", "python")
    ok(run(ip, "%tensor_config"))
    assert "floatX='float32'" in capsys.readouterr().out
    for line, problem in [
        ("floatX=float31", "config.floatX must be one of"),
        ("colour=red", "has no setting 'colour'"),
        ("floatX", "takes setting=value pairs"),
    ]:
        result = run(ip, f"%tensor_config {line}")
        assert isinstance(result.error_in_exec, UsageError)
        assert problem in str(result.error_in_exec)
