"""Theano's `theano.sandbox.rng_mrg`: `MRG_RandomStreams` is tensorlab's `RandomStreams`.

Theano drew these numbers with the MRG31k3p generator; tensorlab draws every stream with
Philox4x32-10 (see `tensorlab.tensor.random`), so the numbers differ from Theano's while
the calls stay the same.

>>> import tensorlab as tl
>>> from tensorlab.sandbox.rng_mrg import MRG_RandomStreams
>>> srng = MRG_RandomStreams(seed=234)
>>> f = tl.function([], srng.uniform((2, 2)))
>>> f().shape
(2, 2)
"""

from tensorlab.tensor.random import RandomStreams

MRG_RandomStreams = RandomStreams

__all__ = ["MRG_RandomStreams"]
