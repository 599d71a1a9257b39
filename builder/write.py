"""Write generated pages into the output folder, which the builder owns.

The whole new folder is put together in a staging folder beside it (unchanged
files hard-linked, so they keep their bytes and mtime; files the builder did
not write carried over as they are) and then swapped in with two renames.
A build that fails or is killed before the swap leaves the output folder as it
was; one killed between the two renames is put back by the next build. A
manifest lists what the builder wrote: a page written by hand beside the
generated ones is never modified or deleted, and a generated page that would
overwrite one stops the build. A lock keeps two builds from writing at once.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import posixpath
import shutil
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Iterable, Iterator

from .model import Page

MANIFEST = ".briefs-manifest.json"
PREVIOUS = ".briefs-previous"
STAGING = ".briefs-staging-"
LOCK = ".briefs.lock"
LOCK_WAIT = 120.0
WRITERS = 8  # files created at once: on a slow disk 8 took half the time of one


class WriteError(Exception):
    """The output folder cannot be written as asked; nothing was changed."""


@dataclass(frozen=True, slots=True)
class Outcome:
    written: int
    unchanged: int
    removed: int


@contextmanager
def locked(folder: Path, wait: float = LOCK_WAIT) -> Iterator[None]:
    """Hold the site's build lock; wait up to ``wait`` seconds for another build."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / LOCK, "a+b") as handle:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as error:
                if error.errno not in (errno.EAGAIN, errno.EACCES) or time.monotonic() > deadline:
                    raise WriteError(f"{folder / LOCK}: another build has held the lock for {wait:.0f}s — "
                                     "wait for it to finish, or stop it") from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def publish(pages: Iterable[Page], output: Path) -> Outcome:
    """Make ``output`` hold exactly ``pages`` among the files the builder owns."""
    recover(output)
    previous = _manifest(output)
    staging = output.parent / f"{STAGING}{uuid.uuid4().hex[:8]}"
    try:
        current, unchanged = _stage(staging, output, pages, previous)
        written = len(current) - len(unchanged)
        stale = sorted(p for p in previous - current if (output / p).exists())
        if not written and not stale and (output / MANIFEST).is_file() and previous == current:
            return Outcome(0, len(current), 0)  # nothing to swap: the folder stays as it is, mtimes and all
        with ThreadPoolExecutor(max_workers=WRITERS) as writers:
            list(writers.map(lambda path: _link(output / path, staging / path), unchanged))
        _carry_over(staging, output, previous)
        text = json.dumps({"generated_by": "briefs", "files": sorted(current)}, indent=1) + "\n"
        (staging / MANIFEST).write_text(text, encoding="utf-8")
        _swap(staging, output)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return Outcome(written, len(current) - written, len(stale))


def _stage(staging: Path, output: Path, pages: Iterable[Page], previous: set[str]) -> tuple[set[str], list[str]]:
    """Every new or changed page written into the staging folder beside the
    output folder: the paths of all pages, and of those unchanged (linked
    into the staging folder only if it is to be swapped in)."""
    staging.mkdir(parents=True)
    staged: set[str] = set()
    folders: set[str] = set()
    # Creating a file mostly waits on the disk: a few at a time (threads; the lock is released while waiting).
    with ThreadPoolExecutor(max_workers=WRITERS) as writers:
        jobs = []
        for page in pages:
            _check(page, staged, output, previous)
            folder = posixpath.dirname(page.path)
            if folder and folder not in folders:
                (staging / folder).mkdir(parents=True, exist_ok=True)
                folders.add(folder)
            jobs.append((page.path, writers.submit(_put, page, staging, output)))
        unchanged = [path for path, job in jobs if not job.result()]
    return staged, unchanged


def _check(page: Page, staged: set[str], output: Path, previous: set[str]) -> None:
    """A page's path stays inside the output folder, comes once, and is not a file written by hand."""
    if not _inside(page.path) or page.path in staged:
        raise WriteError(f"refusing to write {page.path!r}: outside the output folder or written twice")
    if page.path not in previous and (output / page.path).exists():
        raise WriteError(f"{output / page.path}: exists and was not written by the builder — "
                         "move it, or set another `output` folder for the briefs")
    staged.add(page.path)


def _put(page: Page, staging: Path, output: Path) -> bool:
    """A page written into the staging folder if it is new or changed (True)."""
    if not _differs(output / page.path, page.text):
        return False
    (staging / page.path).write_text(page.text, encoding="utf-8", newline="\n")
    return True


def _carry_over(staging: Path, output: Path, previous: set[str]) -> None:
    """Files, links and folders written by hand into the output folder, kept in the new one."""
    for path in _hand_written(output, previous):
        target = staging / path
        if (output / path).is_dir() and not (output / path).is_symlink():
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            _link(output / path, target)


def _link(source: Path, target: Path) -> None:
    """The same file under a second name (bytes and mtime kept); a copy where links fail."""
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:
        shutil.copy2(source, target, follow_symlinks=False)


def _hand_written(output: Path, previous: set[str]) -> list[str]:
    """Files, links and folders in the output folder that the builder did not write."""
    if not output.is_dir():
        return []
    found = []
    for path in sorted(output.rglob("*")):
        relative = path.relative_to(output).as_posix()
        if relative not in previous and relative != MANIFEST and not (path.is_dir() and _holds_generated(relative, previous)):
            found.append(relative)
    return found


def _holds_generated(folder: str, previous: set[str]) -> bool:
    return any(p.startswith(folder + "/") for p in previous)


def _swap(staging: Path, output: Path) -> None:
    """Replace ``output`` by ``staging``: two renames, undone by recover() if cut short."""
    previous = output.parent / f"{PREVIOUS}-{output.name}"
    shutil.rmtree(previous, ignore_errors=True)
    if output.exists():
        os.rename(output, previous)
    os.rename(staging, output)
    shutil.rmtree(previous, ignore_errors=True)


def recover(output: Path) -> None:
    """Finish or undo a swap that a killed build left half done, and drop its leftovers."""
    previous = output.parent / f"{PREVIOUS}-{output.name}"
    if previous.exists() and not output.exists():
        os.rename(previous, output)
    shutil.rmtree(previous, ignore_errors=True)
    for leftover in output.parent.glob(f"{STAGING}*"):
        shutil.rmtree(leftover, ignore_errors=True)


def _inside(path: str) -> bool:
    """A relative path that stays inside the output folder."""
    parts = PurePosixPath(path).parts
    return bool(parts) and not PurePosixPath(path).is_absolute() and ".." not in parts and "\\" not in path


def _manifest(output: Path) -> set[str]:
    """The files the builder wrote last time; entries pointing elsewhere are ignored."""
    try:
        files = json.loads((output / MANIFEST).read_text(encoding="utf-8"))["files"]
    except FileNotFoundError:
        return set()
    except (ValueError, KeyError, TypeError) as error:
        raise WriteError(f"{output / MANIFEST}: unreadable ({error}) — delete the generated folder and build again") from None
    return {f for f in files if isinstance(f, str) and _inside(f)}


def _differs(path: Path, text: str) -> bool:
    try:
        return path.read_bytes() != text.encode("utf-8")
    except FileNotFoundError:
        return True
