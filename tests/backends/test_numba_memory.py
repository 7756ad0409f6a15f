"""Big outputs of compiled programs are advised into huge pages, as NumPy's arrays are."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

import tensorlab as tl
import tensorlab.tensor as T
from tensorlab.backends.numba.memory import HUGE

pytestmark = pytest.mark.skipif(
    not (sys.platform.startswith("linux") and Path("/sys/kernel/mm/transparent_hugepage").exists()),
    reason="transparent huge pages are a Linux feature",
)


def advised(array: np.ndarray) -> bool:
    """Whether the mapping holding the middle of `array` carries the huge-page advice
    (`hg` among its VmFlags in /proc/self/smaps)."""
    middle = array.ctypes.data + array.nbytes // 2
    inside = False
    for line in Path("/proc/self/smaps").read_text().splitlines():
        head = line.split()[0]
        if "-" in head and ":" not in head:  # a mapping's first line: start-end perms ...
            start, end = (int(x, 16) for x in head.split("-"))
            inside = start <= middle < end
        elif inside and line.startswith("VmFlags:"):
            return "hg" in line.split()[1:]
    raise AssertionError("the array's memory is in no mapping")


def test_big_elementwise_output_is_advised():
    x = T.dvector("x")
    f = tl.function([x], T.exp(x) + 1.0, mode="numba")
    assert "huge_pages(" in f.source
    big = f(np.zeros(2 * HUGE // 8))
    assert advised(big)
    np.testing.assert_array_equal(big, 2.0)
