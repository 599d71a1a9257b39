"""Write generated pages into the output folder, which the builder owns.

Pages are staged in a temporary folder beside the output and then moved in,
each file replaced atomically and only when its bytes changed, so a second
build of the same sources touches nothing. A manifest lists what the builder
wrote; only files it lists are ever removed, so a page written by hand beside
the generated ones is never modified or deleted.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .model import Page

MANIFEST = ".briefs-manifest.json"
log = logging.getLogger("builder.write")


class WriteError(Exception):
    """The output folder cannot be written as asked; nothing was changed."""


@dataclass(frozen=True, slots=True)
class Outcome:
    written: int
    unchanged: int
    removed: int


def publish(pages: tuple[Page, ...], output: Path) -> Outcome:
    """Make ``output`` hold exactly ``pages`` among the files the builder owns."""
    _check_paths(pages)
    previous = _manifest(output)
    clashes = [p.path for p in pages if (output / p.path).exists() and p.path not in previous]
    if clashes:
        raise WriteError(f"{output / clashes[0]}: exists and was not written by the builder — "
                         "move it, or set another `output` folder for the briefs")
    output.mkdir(parents=True, exist_ok=True)
    changed = [p for p in pages if _differs(output / p.path, p.text)]
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=".briefs-staging-") as staging:
        for page in changed:
            target = Path(staging) / page.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(page.text, encoding="utf-8", newline="\n")
        for page in changed:
            destination = output / page.path
            destination.parent.mkdir(parents=True, exist_ok=True)
            os.replace(Path(staging) / page.path, destination)
    current = {p.path for p in pages}
    stale = sorted(previous - current)
    for path in stale:
        (output / path).unlink(missing_ok=True)
        _remove_empty_parents(output / path, output)
    _write_manifest(output, sorted(current))
    return Outcome(len(changed), len(pages) - len(changed), len(stale))


def _check_paths(pages: tuple[Page, ...]) -> None:
    seen = set()
    for page in pages:
        if not _inside(page.path) or page.path in seen:
            raise WriteError(f"refusing to write {page.path!r}: outside the output folder or written twice")
        seen.add(page.path)


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


def _write_manifest(output: Path, files: list[str]) -> None:
    text = json.dumps({"generated_by": "briefs", "files": files}, indent=1) + "\n"
    if _differs(output / MANIFEST, text):
        temporary = output / (MANIFEST + ".tmp")
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, output / MANIFEST)


def _differs(path: Path, text: str) -> bool:
    try:
        return path.read_bytes() != text.encode("utf-8")
    except FileNotFoundError:
        return True


def _remove_empty_parents(path: Path, stop: Path) -> None:
    for parent in path.parents:
        if parent == stop or not parent.is_relative_to(stop):
            break
        try:
            parent.rmdir()
        except OSError:
            break
