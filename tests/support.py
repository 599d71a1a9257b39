"""Helpers the tests share (fixtures are in conftest.py).

Nothing here reads outside the repository: the articles the tests use are
short, made up, and written inline by the tests themselves.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner, Result

from builder.cli import main

REPO = Path(__file__).resolve().parents[1]
MKDOCS = Path(sys.executable).parent / "mkdocs"

# The sections every brief page has, in this order.
SECTIONS = ("Summary", "Background", "Actors", "Timeline", "Open questions", "Sources")


def invoke(*args: str, cwd: Path | None = None) -> Result:
    """`briefs ARGS` run in-process; ``result.output`` holds stdout and stderr
    (where the log lines go), ``result.stdout`` only what the command printed."""
    previous = Path.cwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=True)
    finally:
        os.chdir(previous)


def new_site(path: Path) -> Path:
    """A site made by `briefs new`, as a user starts one."""
    result = invoke("new", path)
    assert result.exit_code == 0, result.output
    return path


def run_mkdocs(site: Path, *args: str, timeout: float = 180) -> subprocess.CompletedProcess:
    """The venv's `mkdocs ARGS`, run in ``site`` in a subprocess."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env["NO_MKDOCS_2_WARNING"] = "1"
    return subprocess.run([str(MKDOCS), *args], cwd=site, env=env, capture_output=True, text=True, timeout=timeout)


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (hidden ones too) by relative path, with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def digests(folder: Path) -> dict[str, str]:
    return {name: hashlib.sha256(data).hexdigest() for name, data in snapshot(folder).items()}


def section_headings(markdown_text: str) -> list[str]:
    """The level-2 headings of a Markdown page, in order."""
    return [line[3:].strip() for line in markdown_text.splitlines() if line.startswith("## ")]


def brief_pages(output: Path) -> dict[str, str]:
    """The generated brief pages under ``output`` (docs/briefs), not the
    index, region or tag pages: {path: text}."""
    return {p.relative_to(output).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(output.glob("*/*.md")) if p.name != "index.md" and p.parent.name != "actors"}
