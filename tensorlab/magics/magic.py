"""`%%tensor` and its line-magic friends `%tensor_graph`, `%tensor_code`, `%tensor_config`."""

from __future__ import annotations

import ast
import keyword
from typing import Any

from IPython.core.error import UsageError
from IPython.core.magic import Magics, cell_magic, line_magic, magics_class, no_var_expand
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring
from IPython.display import display

import tensorlab
from tensorlab.compile.function import Function
from tensorlab.compile.mode import BACKENDS, Mode
from tensorlab.config import config
from tensorlab.graph.basic import Constant, Variable
from tensorlab.graph.traversal import graph_inputs, toposort
from tensorlab.magics.cell import CellRun, api_visible, cell_number, run_at_line, run_body
from tensorlab.printing import dprint, graph_view

__all__ = ["TensorMagics"]


@magics_class
class TensorMagics(Magics):
    """The `%%tensor` cell magic and the `%tensor_*` line magics."""

    @no_var_expand
    @magic_arguments()
    @argument(
        "--show",
        metavar="NAMES",
        help="comma-separated names to draw (default: the value of the last expression, "
        "else the symbolic variables the cell defined)",
    )
    @argument("--no-graph", action="store_true", help="show nothing")
    @argument(
        "--optimized", action="store_true", help="draw the graph after the compiler's rewrites"
    )
    @argument("--text", action="store_true", help="print the dprint tree instead of drawing")
    @argument(
        "--compile",
        metavar="NAME",
        help="compile the cell's inputs to the shown outputs as a function bound to NAME",
    )
    @argument(
        "--backend",
        choices=sorted(BACKENDS),
        help="the backend --compile uses (default: tensorlab.config.mode)",
    )
    @argument(
        "--grad",
        metavar="WRT",
        help="comma-separated inputs: also build the gradients of the shown (scalar) "
        "output with respect to them, bound to g<name> and shown with it",
    )
    @cell_magic
    def tensor(self, line: str, cell: str) -> Any:
        """Build a graph with plain Python; declare inputs with bare annotations.

        ::

            %%tensor
            X: matrix                 # declarations: name: kind[dtype, shape]
            w: vector[3]
            b: scalar
            p = sigmoid(X @ w + b)    # the cell shows the graph of p

        Declarations: `x: scalar`, `W: matrix`, `X: matrix[float32]`, `v: vector[3]`,
        `M: matrix[float32, (None, 3)]`, `k: ivector` (Theano's dtype letters b w i l f
        d). Kinds: scalar, vector, matrix, row, col, tensor3, tensor4, tensor5, and
        tensor[dtype, (lengths...)] of any rank. See tensorlab.magics.declarations.

        The body runs in the notebook's namespace; the `tensorlab.tensor` functions
        (`exp`, `sigmoid`, `sum`, ...) and `grad` are visible in it, behind your own
        names, without being added to the namespace. A variable assigned to a name takes
        that name. An error points at the cell line and keeps what ran before it.
        """
        args = parse_argstring(self.tensor, line)
        if args.backend and not args.compile:
            raise UsageError("--backend chooses the backend of --compile NAME; add --compile")
        if args.compile and not (
            args.compile.isidentifier() and not keyword.iskeyword(args.compile)
        ):
            raise UsageError(f"--compile needs a Python name to bind, not {args.compile!r}")
        run = run_body(self.shell, line, cell)
        outputs = self._outputs(args, run)
        if args.grad:
            outputs += self._gradients(args.grad, outputs, run)
        target: Any = outputs
        if args.compile and outputs:
            function = self._compile(args, outputs, run)
            if args.optimized:
                target = function
        if outputs and not args.no_graph:
            self._show(target, text=args.text, optimized=args.optimized)
        if run.ends_with_expression and not _symbolic(run.value) and not args.show:
            return run.value
        return None

    @no_var_expand
    @magic_arguments()
    @argument("--text", action="store_true", help="print the dprint tree instead of drawing")
    @argument(
        "--optimized", action="store_true", help="draw the graph after the compiler's rewrites"
    )
    @argument("--max-nodes", type=int, default=200, help="draw at most this many nodes")
    @argument("expression", nargs="*", help="a variable, a list of them, or a compiled function")
    @line_magic
    def tensor_graph(self, line: str) -> None:
        """Draw the graph of an expression: `%tensor_graph sigmoid(X @ w + b)`.

        The expression is Python, with the `tensorlab.tensor` functions visible as in
        `%%tensor`.
        """
        options, expression = _split_options(line, ("--text", "--optimized"), ("--max-nodes",))
        args = parse_argstring(self.tensor_graph, options)
        if not expression:
            raise UsageError("%tensor_graph needs an expression, e.g. %tensor_graph p")
        value = self._evaluate(f"%tensor_graph {line}", expression)
        if not _symbolic(value):
            raise UsageError(
                f"%tensor_graph draws symbolic variables or compiled functions; "
                f"{expression} is a {type(value).__name__}"
            )
        self._show(value, text=args.text, optimized=args.optimized, max_nodes=args.max_nodes)

    @no_var_expand
    @line_magic
    def tensor_code(self, line: str) -> None:
        """Print the source a compiled function's backend generated: `%tensor_code f`."""
        if not line.strip():
            raise UsageError("%tensor_code needs a compiled function, e.g. %tensor_code f")
        function = self._evaluate(f"%tensor_code {line}", line.strip())
        if not isinstance(function, Function):
            raise UsageError(
                f"%tensor_code shows the code of a compiled function (tl.function or "
                f"%%tensor --compile); {line.strip()} is a {type(function).__name__}"
            )
        if function.source is None:
            print(
                f"{line.strip()} runs on the {function.mode.backend!r} backend, which "
                "generates no code: it runs each op's NumPy `perform` node by node. "
                f"Backends: {', '.join(BACKENDS)}."
            )
            return
        print(function.source)

    @no_var_expand
    @line_magic
    def tensor_config(self, line: str) -> None:
        """Show or change settings: `%tensor_config floatX=float32 mode=python`.

        `backend=` is another name for `mode=`. With no arguments, prints the settings.
        """
        changes = {}
        for item in line.split():
            key, sep, value = item.partition("=")
            if not sep or not value:
                raise UsageError(f"%tensor_config takes setting=value pairs, not {item!r}")
            changes["mode" if key == "backend" else key] = value
        for key, value in changes.items():
            try:
                setattr(config, key, value)
            except (AttributeError, ValueError) as err:
                raise UsageError(f"%tensor_config: {err}") from None
        if not changes:
            print(config)

    # -- helpers ------------------------------------------------------------------
    def _outputs(self, args: Any, run: CellRun) -> list[Variable]:
        if args.show:
            outputs = []
            for name in (n.strip() for n in args.show.split(",") if n.strip()):
                value = self.shell.user_ns.get(name)
                if not isinstance(value, Variable):
                    what = "is not defined" if name not in self.shell.user_ns else "is not symbolic"
                    raise UsageError(f"--show {name}: {name} {what}")
                outputs.append(value)
            return outputs
        if _symbolic(run.value) and not isinstance(run.value, Function):
            return [run.value] if isinstance(run.value, Variable) else list(run.value)
        values = [self.shell.user_ns.get(name) for name in run.bound]
        defined = list(dict.fromkeys(v for v in values if isinstance(v, Variable)))
        # Show what nothing else the cell defined is computed from: its results.
        used = {x for node in toposort(defined) for x in node.inputs}
        outputs = [v for v in defined if v not in used and v not in run.declared]
        return outputs or [v for v in run.declared if v not in used]

    def _gradients(self, wrt_text: str, outputs: list[Variable], run: CellRun) -> list[Variable]:
        if len(outputs) != 1 or outputs[0].type.ndim != 0:
            got = ", ".join(f"{v}: {v.type}" for v in outputs) or "nothing"
            raise UsageError(
                f"--grad differentiates one scalar output; the cell shows {got}. "
                "Reduce it to a scalar (e.g. loss = p.sum()) or choose it with --show"
            )
        wrt = []
        for name in (n.strip() for n in wrt_text.split(",") if n.strip()):
            value = self.shell.user_ns.get(name)
            if not isinstance(value, Variable):
                raise UsageError(f"--grad {name}: {name} is not a symbolic variable here")
            wrt.append(value)
        grads = run_at_line(run.filename, tensorlab.grad, outputs[0], wrt)
        for var, grad in zip(wrt, grads, strict=True):
            grad.name = f"g{var.name}"
            self.shell.user_ns[grad.name] = grad
        return list(grads)

    def _compile(self, args: Any, outputs: list[Variable], run: CellRun) -> Function:
        declared_order = {v: i for i, v in enumerate(run.declared)}
        inputs = [
            x
            for x in graph_inputs(outputs)
            if not isinstance(x, Constant) and not hasattr(x, "get_value")
        ]
        inputs.sort(key=lambda x: (declared_order.get(x, len(declared_order)), x.id))
        mode = Mode(args.backend or config.mode)
        single = outputs[0] if len(outputs) == 1 else outputs
        function = run_at_line(
            run.filename,
            lambda: tensorlab.function(inputs, single, mode=mode, name=args.compile),
        )
        self.shell.user_ns[args.compile] = function
        shown = ", ".join(str(v) for v in outputs)
        print(f"compiled {args.compile}({', '.join(map(str, inputs))}) -> {shown}")
        return function

    def _evaluate(self, header: str, expression: str) -> Any:
        filename = self.shell.compile.cache(header, cell_number(self.shell))
        try:
            code = compile(ast.parse(expression, mode="eval"), filename, "eval")
        except SyntaxError as err:
            raise UsageError(f"{header}: {err.msg}") from None
        with api_visible(self.shell.user_ns) as namespace:
            return eval(code, namespace)

    def _show(self, target: Any, text: bool, optimized: bool, max_nodes: int = 200) -> None:
        if text:
            dprint(target)
            return
        display(graph_view(target, optimized=optimized, max_nodes=max_nodes))


def _symbolic(value: Any) -> bool:
    if isinstance(value, Variable | Function):
        return True
    return (
        isinstance(value, list | tuple)
        and bool(value)
        and all(isinstance(v, Variable) for v in value)
    )


def _split_options(line: str, flags: tuple[str, ...], valued: tuple[str, ...]) -> tuple[str, str]:
    """Leading options of a line magic, and the Python expression after them, verbatim."""
    rest = line.strip()
    options = []
    while rest.startswith("--"):
        word, _, after = rest.partition(" ")
        name = word.split("=")[0]
        if name in flags or (name in valued and "=" in word):
            options.append(word)
        elif name in valued:
            value, _, after = after.strip().partition(" ")
            options.append(f"{word} {value}")
        else:
            break
        rest = after.strip()
    return " ".join(options), rest
