"""Seeing graphs: `dprint` text trees, `graph_view` drawings, `pprint` one-liners, and the
Jupyter display of variables and compiled functions.

>>> import tensorlab.tensor as T
>>> x = T.vector("x")
>>> pprint(T.exp(x) + 1)
'exp(x) + 1.0'
"""

from tensorlab.printing.display import mimebundle, register
from tensorlab.printing.dprint import dprint
from tensorlab.printing.dprint import dprint as debugprint  # Theano's name
from tensorlab.printing.graph_view import GraphView, graph_view
from tensorlab.printing.pprint import pprint
from tensorlab.printing.render import available_renderers, render, render_svg

# Inside IPython, `import tensorlab` is enough for variables to draw themselves.
register()

__all__ = [
    "GraphView",
    "available_renderers",
    "debugprint",
    "dprint",
    "graph_view",
    "mimebundle",
    "pprint",
    "register",
    "render",
    "render_svg",
]
