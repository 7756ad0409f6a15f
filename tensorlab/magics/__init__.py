"""The IPython extension: `%load_ext tensorlab` adds `%%tensor` and its friends.

- `%%tensor [--show a,b] [--no-graph] [--optimized] [--text] [--compile NAME]
  [--backend python] [--grad wrt]`: declare inputs with bare annotations (`X: matrix`),
  build a graph with plain Python, see it drawn.
- `%tensor_graph expr`: draw an expression's graph.
- `%tensor_code f`: the source a compiled function's backend generated.
- `%tensor_config floatX=float32 mode=python`: show or change settings.

Loading the extension also makes variables and compiled functions draw themselves.
"""

from typing import Any

__all__ = ["load_ipython_extension"]


def load_ipython_extension(ipython: Any) -> None:
    """Called by `%load_ext tensorlab`: register the magics and the graph display."""
    # Imported here, so `import tensorlab` does not import IPython's magic machinery.
    from tensorlab.magics.magic import TensorMagics
    from tensorlab.printing import register

    ipython.register_magics(TensorMagics)
    register(ipython)
