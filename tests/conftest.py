"""Shared test settings: hypothesis profiles (no deadlines: compiling takes its time)."""

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

# Case modules are data that tests/catalogue.py gathers, not test modules of their own.
collect_ignore_glob = ["cases/*.py"]

# "ci" draws the same examples on every run, so that a red run is a change's doing and a
# rerun reproduces it; "thorough" draws new ones each time, to find what "ci" does not.
settings.register_profile(
    "ci",
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "thorough", max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(1234)


@pytest.fixture(autouse=True)
def _default_config():
    """Every test starts from the default settings, whatever the previous one changed."""
    from tensorlab import config

    with config.change(floatX="float64", mode=config.mode, compile=config.compile):
        yield
