"""Work done by a forked copy of this process while the build goes on.

A fork shares the parent's memory, so nothing is sent to it. Where fork is
unsafe (no fork, or other threads running, as under `mkdocs serve`) the work
is done here instead.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import threading
from multiprocessing.connection import Connection, wait
from typing import Any, Callable, Sequence, TypeVar

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


def spread(work: Callable[[T], R], items: Sequence[T], processes: int,
           weight: Callable[[T], int] | None = None, done: Callable[[R], None] | None = None) -> list[R]:
    """``work(item)`` for each item, in order, on ``processes`` processes:
    this one and forked children. Each takes the next item when it finishes
    the last (the heaviest first, given ``weight``), so none idles while work
    is left, and a child reads the items where they are and sends back each
    result as it goes. Should a child fail, the items it took are done here.
    ``done`` is called with each result as it comes (for progress)."""
    done = done or (lambda result: None)
    order = sorted(range(len(items)), key=lambda i: -weight(items[i])) if weight else range(len(items))
    if processes < 2 or len(items) < 2 or not usable():
        results = {i: _done(work(items[i]), done) for i in order}
        return [results[i] for i in range(len(items))]
    taken = multiprocessing.Value("q", 0)  # how many of ``order`` are taken, shared with the children

    def take() -> int | None:
        with taken.get_lock():
            position = taken.value
            taken.value += 1
        return order[position] if position < len(order) else None

    def serve(sender: Connection) -> None:
        while (i := take()) is not None:
            sender.send_bytes(pickle.dumps((i, work(items[i])), pickle.HIGHEST_PROTOCOL))

    results: dict[int, R] = {}
    children = [_child(serve) for _ in range(processes - 1)]
    try:
        while (i := take()) is not None:
            results[i] = _done(work(items[i]), done)
            _receive([reader for reader, _ in children], results, done, block=False)
        _receive([reader for reader, _ in children], results, done, block=True)
    finally:
        with taken.get_lock():
            taken.value = len(order)  # should this process fail, the children stop taking items
        for reader, _ in children:
            reader.close()  # a child still sending stops (its pipe is broken)
        failed = [pid for _, pid in children if not _succeeded(pid)]
    if failed:
        results.update((i, _done(work(items[i]), done)) for i in order if i not in results)
    return [results[i] for i in range(len(items))]


def _done(result: R, done: Callable[[R], None]) -> R:
    done(result)
    return result


def _child(serve: Callable[[Connection], None]) -> tuple[Connection, int]:
    """A forked child serving results into a pipe: the pipe's reading end, and the child's pid."""
    reader, sender = multiprocessing.Pipe(duplex=False)
    _widen(sender)

    def run() -> None:
        reader.close()
        with sender:
            serve(sender)

    pid = _fork(run)
    sender.close()
    return reader, pid


def _widen(pipe: Connection) -> None:
    """A pipe that holds a megabyte: a child seldom waits for this process to read its results."""
    try:
        import fcntl

        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, 1 << 20)
    except (ImportError, AttributeError, OSError):  # not Linux, or not allowed that much: the default size works, more slowly
        pass


def _receive(readers: list[Connection], results: dict[int, Any], done: Callable[[Any], None], block: bool) -> None:
    """Results the children have sent; with ``block``, all of them, until each child is finished."""
    open_readers = [r for r in readers if not r.closed]
    while open_readers:
        ready = wait(open_readers, timeout=None if block else 0)
        if not ready:
            return
        for reader in ready:
            try:
                i, result = pickle.loads(reader.recv_bytes())
            except EOFError:
                reader.close()
                open_readers.remove(reader)
                continue
            results[i] = _done(result, done)


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
