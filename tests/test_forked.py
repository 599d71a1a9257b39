"""Work done by a forked child while the build goes on: done when waited
for, and a failure reported by the wait."""

from __future__ import annotations

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
