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
    with staging(output) as stage:
        return stage.commit([stage.put(page) for page in pages])


@contextmanager
def staging(output: Path) -> Iterator[Stage]:
    """A staging folder for the next ``output`` folder, gone when done (swapped in, or dropped)."""
    recover(output)
    stage = Stage(output)
    try:
        yield stage
    finally:
        shutil.rmtree(stage.folder, ignore_errors=True)


class Stage:
    """The new output folder, put together beside it: each page written if it
    is new or changed, else linked to the file it would replace. Pages may be
    put by forked copies of this process (each writes into the same folder);
    ``commit`` then checks them all and swaps the folder in."""

    def __init__(self, output: Path):
        self.output = output
        self.previous = _manifest(output)
        self.folder = output.parent / f"{STAGING}{uuid.uuid4().hex[:8]}"
        self.folder.mkdir(parents=True)
        self._made: set[str] = {""}  # folders made in the staging folder (by this process)

    def put(self, page: Page) -> tuple[str, bool]:
        """A page staged: its path, and whether it is new or changed (written) rather than linked."""
        if not _inside(page.path):
            raise WriteError(f"refusing to write {page.path!r}: outside the output folder")
        folder = posixpath.dirname(page.path)
        if folder not in self._made:
            (self.folder / folder).mkdir(parents=True, exist_ok=True)
            self._made.add(folder)
        target, current = self.folder / page.path, self.output / page.path
        if _differs(current, page.text):
            target.write_text(page.text, encoding="utf-8", newline="\n")
            return page.path, True
        _link(current, target)
        return page.path, False

    def commit(self, staged: list[tuple[str, bool]]) -> Outcome:
        """Swap in the staging folder, holding the pages staged (in order) and the
        files written by hand; nothing is swapped if it would change nothing."""
        current: set[str] = set()
        for path, _ in staged:
            self._check(path, current)
        written = sum(changed for _, changed in staged)
        stale = sorted(p for p in self.previous - current if (self.output / p).exists())
        if not written and not stale and (self.output / MANIFEST).is_file() and self.previous == current:
            return Outcome(0, len(current), 0)  # nothing to swap: the folder stays as it is, mtimes and all
        _carry_over(self.folder, self.output, self.previous)
        text = json.dumps({"generated_by": "briefs", "files": sorted(current)}, indent=1) + "\n"
        (self.folder / MANIFEST).write_text(text, encoding="utf-8")
        _swap(self.folder, self.output)
        return Outcome(written, len(current) - written, len(stale))

    def _check(self, path: str, staged: set[str]) -> None:
        """A page comes once, and is not a file written by hand."""
        if path in staged:
            raise WriteError(f"refusing to write {path!r} twice")
        if path not in self.previous and (self.output / path).exists():
            raise WriteError(f"{self.output / path}: exists and was not written by the builder — "
                             "move it, or set another `output` folder for the briefs")
        staged.add(path)


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
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return True
