"""The reference backend: runs each op's NumPy `perform`, node by node. It is the oracle."""

from tensorlab.backends.python.linker import link, run_node

__all__ = ["link", "run_node"]
