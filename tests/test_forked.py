"""Work done by a forked child while the build goes on: done when waited
for, and a failure reported by the wait."""

from __future__ import annotations

import os

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


def test_shared_work_gives_every_result_in_order_and_half_is_done_by_a_child():
    items = list(range(40))

    results = forked.shared(lambda n: (n * n, os.getpid()), items, weight=lambda n: n)

    assert [square for square, _ in results] == [n * n for n in items]
    if forked.usable():
        doers = {pid for _, pid in results}
        assert len(doers) == 2 and os.getpid() in doers


def test_shared_work_a_child_fails_on_is_done_again_here_and_raises_here():
    parent = os.getpid()

    def fragile(n: int) -> int:
        if n == 7 and os.getpid() != parent:
            os._exit(3)  # the child dies without a word
        return n + 1

    assert forked.shared(fragile, list(range(10)), weight=lambda n: 1) == list(range(1, 11))

    def broken(n: int) -> int:
        if n == 7:
            raise KeyError("a bug")
        return n

    with pytest.raises(KeyError):
        forked.shared(broken, list(range(10)), weight=lambda n: 1)


def test_shared_work_that_fails_here_stops_the_child_and_raises():
    def failing_here(n: int) -> str:
        if n == 0:  # the heaviest first: this process's half
            raise ValueError("a bug")
        return "x" * 100_000  # more than a pipe holds: the child waits to send it

    with pytest.raises(ValueError):
        forked.shared(failing_here, list(range(10)), weight=lambda n: 1)
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # no child left behind, waiting or unreaped


def test_shared_work_is_split_by_weight():
    mine, theirs = forked._halves([50, 1, 1, 1, 30, 20])

    assert sorted(mine + theirs) == list(range(6))
    assert {0} <= set(mine) and {4, 5} <= set(theirs)
