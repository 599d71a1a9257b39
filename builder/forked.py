"""Work done by a forked copy of this process while the build goes on.

A fork shares the parent's memory, so nothing is sent to it. Where fork is
unsafe (no fork, or other threads running, as under `mkdocs serve`) the work
is done here instead.
"""

from __future__ import annotations

import os
import threading
from typing import Callable


def usable() -> bool:
    return hasattr(os, "fork") and threading.active_count() == 1


def in_background(function: Callable[[], None]) -> Callable[[], bool]:
    """``function()`` in a forked child while this process goes on. The
    returned wait says whether it succeeded; without fork it runs now."""
    if not usable():
        function()
        return lambda: True
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child, which never returns
        code = 1
        try:
            function()
            code = 0
        finally:
            os._exit(code)
    return lambda: os.waitstatus_to_exitcode(os.waitpid(child, 0)[1]) == 0
