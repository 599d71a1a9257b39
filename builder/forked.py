"""Work shared with a forked copy of this process.

A fork shares the parent's memory, so the briefs need not be sent to it:
only what it makes comes back. Where fork is unsafe (no fork, or other
threads running, as under `mkdocs serve`) everything runs here instead.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import threading
from typing import BinaryIO, Callable, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def usable() -> bool:
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def map_shared(function: Callable[[T], R], items: Sequence[T]) -> list[R]:
    """``[function(item) for item in items]``, every other item done by a
    forked child on the second core. The results and their order are the
    same either way; an error is raised here, as without the child."""
    if len(items) < 2 or not usable():
        return [function(item) for item in items]
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child, which never returns
        os.close(read)
        code = 1
        try:
            with os.fdopen(write, "wb") as out:
                pickle.dump([function(item) for item in items[1::2]], out, protocol=pickle.HIGHEST_PROTOCOL)
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    with os.fdopen(read, "rb") as received:
        try:
            mine = [function(item) for item in items[0::2]]
            theirs = _results(received)
        except BaseException:
            os.kill(child, signal.SIGKILL)
            raise
        finally:
            os.waitpid(child, 0)
    if theirs is None:  # the child failed: its share again here, to raise its error where it can be reported
        theirs = [function(item) for item in items[1::2]]
    results = [None] * len(items)
    results[0::2], results[1::2] = mine, theirs
    return results  # type: ignore[return-value]


def _results(received: BinaryIO) -> list | None:
    try:
        return pickle.load(received)
    except (EOFError, pickle.UnpicklingError):  # the child stopped before it wrote them all
        return None


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
