"""Theano's `theano.sandbox`: only `rng_mrg` remains, as an alias of the random streams."""
