"""Theano's `theano.tensor.shared_randomstreams`: `RandomStreams` under its old address.

>>> from tensorlab.tensor.shared_randomstreams import RandomStreams
>>> RandomStreams is __import__("tensorlab").tensor.random.RandomStreams
True
"""

from tensorlab.tensor.random import RandomStreams

__all__ = ["RandomStreams"]
