"""Backends: each turns a rewritten `FunctionGraph` into one callable program."""
