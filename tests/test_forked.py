"""Work shared with a forked child: the same results in the same order as
without it, an error raised where it can be reported, nothing left behind."""

from __future__ import annotations

import os

import pytest

from builder import forked


def _square_or_fail(n: int) -> int:
    if n == 7:
        raise ValueError("seven is not allowed")
    return n * n


def test_results_and_their_order_are_those_of_a_plain_loop():
    items = list(range(101))

    assert forked.map_shared(lambda n: n * 3, items) == [n * 3 for n in items]


def test_the_child_does_half_of_the_work_where_fork_is_usable():
    if not forked.usable():
        pytest.skip("no fork here")
    pids = {pid for pid in forked.map_shared(lambda _: os.getpid(), range(10))}

    assert len(pids) == 2 and os.getpid() in pids


@pytest.mark.parametrize("items", [list(range(10)), list(range(7, 12))], ids=["in the child's share", "in ours"])
def test_an_error_is_raised_here_whichever_process_met_it(items):
    with pytest.raises(ValueError, match="seven is not allowed"):
        forked.map_shared(_square_or_fail, items)


def test_without_fork_everything_runs_here(monkeypatch):
    monkeypatch.setattr(forked, "usable", lambda: False)

    assert forked.map_shared(lambda _: os.getpid(), range(4)) == [os.getpid()] * 4


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
