"""Work done by a forked copy of this process while the build goes on.

A fork shares the parent's memory, so nothing is sent to it. Where fork is
unsafe (no fork, or other threads running, as under `mkdocs serve`) the work
is done here instead.
"""

from __future__ import annotations

import os
import pickle
import threading
from typing import Callable, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def usable() -> bool:
    return hasattr(os, "fork") and threading.active_count() == 1


def in_background(function: Callable[[], None]) -> Callable[[], bool]:
    """``function()`` in a forked child while this process goes on. The
    returned wait says whether it succeeded; without fork it runs now."""
    if not usable():
        function()
        return lambda: True
    child = _fork(function)
    return lambda: _succeeded(child)


def shared(work: Callable[[T], R], items: Sequence[T], weight: Callable[[T], int]) -> list[R]:
    """``work(item)`` for each item, in order: about half of them (by weight)
    in a forked child, which reads the items where they are and sends back
    only its results. Should the child fail, its half is done here."""
    if not usable() or len(items) < 2:
        return [work(item) for item in items]
    mine, theirs = _halves([weight(item) for item in items])
    read, write = os.pipe()

    def send() -> None:
        os.close(read)
        with os.fdopen(write, "wb") as pipe:
            pipe.write(pickle.dumps([work(items[i]) for i in theirs], pickle.HIGHEST_PROTOCOL))

    child = _fork(send)
    os.close(write)
    try:
        with os.fdopen(read, "rb") as pipe:  # closed first should this half fail: the child stops writing
            done = {i: work(items[i]) for i in mine}
            sent = pipe.read()  # the child waits until it is read: read it before waiting for the child
    finally:
        succeeded = _succeeded(child)
    if succeeded:
        done.update(zip(theirs, pickle.loads(sent)))
    else:
        done.update((i, work(items[i])) for i in theirs)
    return [done[i] for i in range(len(items))]


def _fork(function: Callable[[], None]) -> int:
    """A forked child running ``function``: its pid. It exits 0 when the function returns, 1 when it raises."""
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child, which never returns
        code = 1
        try:
            function()
            code = 0
        finally:
            os._exit(code)
    return child


def _succeeded(child: int) -> bool:
    """Wait for a forked child: whether its function returned."""
    return os.waitstatus_to_exitcode(os.waitpid(child, 0)[1]) == 0


def _halves(weights: list[int]) -> tuple[list[int], list[int]]:
    """Item numbers in two sets of about equal weight, the heaviest placed first."""
    halves: tuple[list[int], list[int]] = ([], [])
    loads = [0, 0]
    for i in sorted(range(len(weights)), key=lambda i: -weights[i]):
        lighter = 0 if loads[0] <= loads[1] else 1
        halves[lighter].append(i)
        loads[lighter] += weights[i]
    return halves
