"""Compile in the background: answer the first calls with the reference backend while
Numba compiles, then switch.

Numba needs seconds to compile a training step in a fresh process (half a second for
even a tiny loop), so a learner who runs a cell would wait before seeing anything. A
`BackgroundProgram` starts the compilation in a thread and runs the same rewritten graph
on the reference backend meanwhile. Both programs read the same inputs and shared
values and give the same results (the reference backend is the oracle the compiled one
is tested against), so the switch, which happens between two calls, changes nothing a
learner can see but the speed.

>>> import numpy as np
>>> import tensorlab as tl
>>> import tensorlab.tensor as T
>>> x = T.vector("x")
>>> f = tl.function([x], (x * 2).sum(), mode="numba")
>>> f(np.array([1.0, 2.0]))        # served at once, compiled or not
array(6.)
>>> f.wait_compiled()              # block until the Numba program runs the calls
True
>>> f(np.array([1.0, 2.0]))
array(6.)
"""

from __future__ import annotations

import os
import sys
import threading
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

__all__ = ["BackgroundProgram"]


def _yield_to_the_caller() -> None:
    """Run the calling thread at the lowest priority (nice 19) on Linux, where a thread
    has a priority of its own: most of a compilation runs in LLVM, without the GIL, and
    should not slow down the learner's calls on a machine with few cores."""
    if sys.platform.startswith("linux"):
        try:
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
        except OSError:  # not allowed here: compile at the normal priority
            pass


class BackgroundProgram:
    """A compiled program (`compiled`, with a `compile()` method) that answers with
    `reference` until `compile()` has returned in a background thread.

    `ready` tells which one runs the calls. A compilation that fails leaves the reference
    program in charge: the next call warns once, and `wait()` raises the error.
    """

    def __init__(self, compiled: Any, reference: Callable) -> None:
        self.compiled = compiled
        self.reference = reference
        self.ready = False
        self._failure: BaseException | None = None
        self._warned = False
        self._listeners: list[Callable[[Any], None]] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._compile, name="tensorlab-compile", daemon=True)
        self._thread.start()

    def _compile(self) -> None:
        _yield_to_the_caller()
        try:
            self.compiled.compile()
        except BaseException as err:  # kept for the caller: a thread cannot raise to it
            self._failure = err
        else:
            with self._lock:
                self.ready = True  # one assignment: a call sees the old or the new program
                listeners, self._listeners = self._listeners, []
            for listener in listeners:
                listener(self.compiled)

    def when_ready(self, listener: Callable[[Any], None]) -> None:
        """Call `listener(compiled)` once the compiled program takes over (now, if it has):
        the `Function` then calls it directly, without this program in between."""
        with self._lock:
            if not self.ready:
                self._listeners.append(listener)
                return
        listener(self.compiled)

    @property
    def source(self) -> str | None:
        return getattr(self.compiled, "source", None)

    def __call__(self, values: Sequence[np.ndarray]) -> list[np.ndarray]:
        if self.ready:
            return self.compiled(values)
        if self._failure is not None and not self._warned:
            self._warned = True
            warnings.warn(
                f"the compiled program could not be built, so the reference backend runs "
                f"this function: {self._failure}",
                RuntimeWarning,
                stacklevel=3,
            )
        return self.reference(values)

    def trusted(self, values: Sequence[Any]) -> list[np.ndarray]:
        """As a call, for values the `Function` did not check (`trust_input`)."""
        if self.ready:
            return self.compiled.trusted(values)
        return self.reference(values)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the compilation ends (or `timeout` seconds); whether it is ready.

        Raises the compilation's error if it failed.
        """
        self._thread.join(timeout)
        if self._failure is not None:
            raise self._failure
        return self.ready
