"""Compiling in the background: the reference backend answers until the compiled program
is ready, the switch happens between calls and changes no result, a failed compilation
is reported and never silently hidden."""

from __future__ import annotations

import os
import sys
import threading

import numpy as np
import pytest

import tensorlab as tl
import tensorlab.tensor as T
from tensorlab.compile.background import BackgroundProgram
from tensorlab.errors import BackendError


class _Gated:
    """A compiled program whose compilation waits for `gate`; it answers 'compiled'."""

    def __init__(self, fails: bool = False) -> None:
        self.gate = threading.Event()
        self.fails = fails
        self.source = "compiled source"

    def compile(self) -> None:
        self.gate.wait(10)
        if self.fails:
            raise BackendError("the compiler broke")

    def __call__(self, values):
        return ["compiled", *values]

    def trusted(self, values):
        return ["compiled, trusted", *values]


def _reference(values):
    return ["reference", *values]


def test_reference_answers_until_the_compiled_program_is_ready():
    compiled = _Gated()
    program = BackgroundProgram(compiled, _reference)
    taken = []
    program.when_ready(taken.append)
    assert program([1]) == ["reference", 1]
    assert program.trusted([1]) == ["reference", 1]
    assert not program.wait(timeout=0.01) and not program.ready
    compiled.gate.set()
    assert program.wait() is True
    assert program([1]) == ["compiled", 1]
    assert program.trusted([1]) == ["compiled, trusted", 1]
    assert taken == [compiled]
    later = []
    program.when_ready(later.append)  # after the switch: called at once
    assert later == [compiled]
    assert program.source == "compiled source"


def test_a_failed_compilation_warns_once_and_wait_raises():
    compiled = _Gated(fails=True)
    program = BackgroundProgram(compiled, _reference)
    compiled.gate.set()
    with pytest.raises(BackendError, match="the compiler broke"):
        program.wait()
    with pytest.warns(RuntimeWarning, match="reference backend runs this function"):
        assert program([2]) == ["reference", 2]
    assert program([3]) == ["reference", 3]  # the warning came once


def _train(steps: int, compile_: str, mode: str) -> tuple[list, np.ndarray]:
    X, y = T.matrix("X"), T.vector("y")
    w = tl.shared(np.zeros(3), name="w")
    p = T.sigmoid(T.dot(X, w))
    loss = T.nnet.binary_crossentropy(p, y).mean()
    with tl.config.change(compile=compile_):
        step = tl.function([X, y], loss, updates=[(w, w - 0.5 * T.grad(loss, w))], mode=mode)
    rng = np.random.default_rng(0)
    data = rng.normal(size=(8, 3)), (rng.random(8) > 0.5).astype(float)
    losses = [step(*data) for _ in range(steps)]
    return losses, w.get_value(), step


def test_training_across_the_switch_matches_the_reference():
    want_losses, want_w, _ = _train(30, "now", "python")
    losses, w, step = _train(30, "background", "numba")
    assert step.wait_compiled() is True
    assert type(step.program).__name__ == "NumbaProgram"  # the Function calls it directly
    np.testing.assert_allclose(losses, want_losses, rtol=1e-12)
    np.testing.assert_allclose(w, want_w, rtol=1e-12)


def test_compile_now_returns_a_compiled_program():
    x = T.vector("x")
    with tl.config.change(compile="now"):
        f = tl.function([x], x * 3, mode="numba")
    assert type(f.program).__name__ == "NumbaProgram" and f.program.compiled
    assert f.wait_compiled() is True
    np.testing.assert_array_equal(f(np.arange(3.0)), [0.0, 3.0, 6.0])


def test_reference_programs_need_no_waiting():
    x = T.vector("x")
    f = tl.function([x], x + 1, mode="python")
    assert f.wait_compiled(timeout=0) is True


def test_numba_compiling_in_the_background_is_the_default(monkeypatch):
    from tensorlab.config import Config

    monkeypatch.delenv("TENSORLAB_MODE", raising=False)
    monkeypatch.delenv("TENSORLAB_COMPILE", raising=False)
    assert (Config().mode, Config().compile) == ("numba", "background")
    assert tl.Mode().backend == "numba"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="threads have priorities on Linux")
def test_compiling_thread_runs_at_the_lowest_priority():
    """The caller's thread keeps its priority; the compilation yields the CPU to it."""
    seen = {}

    class Probe(_Gated):
        def compile(self) -> None:
            seen["compiling"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    before = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    program = BackgroundProgram(Probe(), _reference)
    program.wait()
    assert seen["compiling"] == 19
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == before
