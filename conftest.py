"""Settings for every test, doctests included.

The suite runs graphs on the reference backend unless a test names another, so that
fifteen hundred tests do not each wait for Numba; the Numba backend has its own tests
(tests/backends/). Compiled backends compile before `function()` returns, so a test of
one really runs its machine code. `TENSORLAB_MODE` and `TENSORLAB_COMPILE` override both.
"""

import os

from tensorlab import config

config.mode = os.environ.get("TENSORLAB_MODE", "python")
config.compile = os.environ.get("TENSORLAB_COMPILE", "now")
