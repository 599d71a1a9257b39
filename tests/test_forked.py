"""Work done by a forked child while the build goes on: done when waited
for, and a failure reported by the wait."""

from __future__ import annotations

import os
import time

import pytest

from builder import forked


def test_work_in_the_background_is_done_when_waited_for(tmp_path):
    target = tmp_path / "kept.txt"

    wait = forked.in_background(lambda: target.write_text("kept", encoding="utf-8"))

    assert wait() is True
    assert target.read_text(encoding="utf-8") == "kept"


def test_failed_work_in_the_background_is_reported_by_the_wait():
    def fail() -> None:
        raise OSError("disk full")

    if not forked.usable():
        with pytest.raises(OSError):
            forked.in_background(fail)
        return
    assert forked.in_background(fail)() is False


def test_without_fork_the_work_is_done_at_once(tmp_path, monkeypatch):
    monkeypatch.setattr(forked, "usable", lambda: False)
    target = tmp_path / "kept.txt"

    forked.in_background(lambda: target.write_text("kept", encoding="utf-8"))

    assert target.read_text(encoding="utf-8") == "kept"


def test_spread_work_gives_every_result_in_order_and_every_process_takes_part():
    items = list(range(40))
    seen = []

    def slow_square(n: int) -> tuple[int, int]:
        time.sleep(0.002)  # long enough that both processes get items
        return n * n, os.getpid()

    results = forked.spread(slow_square, items, processes=2, done=seen.append)

    assert [square for square, _ in results] == [n * n for n in items]
    assert sorted(seen) == sorted(results)
    if forked.usable():
        doers = {pid for _, pid in results}
        assert len(doers) == 2 and os.getpid() in doers


def test_spread_work_on_one_process_is_done_here_in_order():
    assert forked.spread(lambda n: (n, os.getpid()), [3, 1, 2], processes=1) == [(n, os.getpid()) for n in (3, 1, 2)]


def test_spread_work_takes_the_heaviest_first():
    order = []

    def note(n: int) -> int:
        order.append(n)
        return n

    assert forked.spread(note, [1, 5, 3], processes=1, weight=lambda n: n) == [1, 5, 3]
    assert order == [5, 3, 1]


def test_spread_work_a_child_fails_on_is_done_again_here_and_raises_here():
    parent = os.getpid()

    def fragile(n: int) -> int:
        if os.getpid() != parent:
            time.sleep(0.01)
            os._exit(3)  # the child dies without a word, its item unsent
        time.sleep(0.002)
        return n + 1

    assert forked.spread(fragile, list(range(10)), processes=2) == list(range(1, 11))

    def broken(n: int) -> int:
        if n == 7:
            raise KeyError("a bug")
        return n

    with pytest.raises(KeyError):
        forked.spread(broken, list(range(10)), processes=2)
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


def test_spread_work_that_fails_here_stops_the_children_and_raises():
    parent = os.getpid()

    def failing_here(n: int) -> str:
        if os.getpid() == parent:
            time.sleep(0.01)
            raise ValueError("a bug")
        return "x" * 3_000_000  # more than a pipe holds: the child waits to send it

    with pytest.raises(ValueError):
        forked.spread(failing_here, list(range(10)), processes=3)
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # no child left behind, waiting or unreaped
