"""Regression tests: each one a mismatch the differential tests found, minimised.

A test whose bug is still open is marked `xfail(strict=True)`, its reason naming the
bug's place and cause: once the fix lands the test passes, the strict marker turns that
into a failure, and the marker goes (with the matching avoidance in tests/graphs.py,
which cites the test).
"""
