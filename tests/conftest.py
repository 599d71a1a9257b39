"""Fixtures: temporary sites made with `briefs new`, the CLI, the venv's
`mkdocs` in a subprocess, and the `--update-golden` option."""

from __future__ import annotations

import logging
import subprocess
from pathlib import Path
from typing import Callable

import pytest
from click.testing import Result

from support import MKDOCS, invoke, new_site, run_mkdocs


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite tests/golden/ from the current output instead of comparing with it")


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(autouse=True)
def _restore_builder_logger():
    """The CLI reconfigures the "builder" logger (handlers, level, propagate);
    put it back after each test so that one test's CLI run cannot leak into another."""
    logger = logging.getLogger("builder")
    saved = (logger.handlers[:], logger.level, logger.propagate)
    yield
    logger.handlers[:], logger.level, logger.propagate = saved


@pytest.fixture
def briefs() -> Callable[..., Result]:
    """``briefs("build", "--site", path)``: the CLI in-process, returning click's Result."""
    return invoke


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A fresh site made by `briefs new`, its example article included."""
    return new_site(tmp_path / "site")


@pytest.fixture
def empty_site(site: Path) -> Path:
    """A fresh site made by `briefs new`, with no articles yet."""
    for article in (site / "sources").iterdir():
        article.unlink()
    return site


@pytest.fixture(scope="session")
def mkdocs() -> Callable[..., subprocess.CompletedProcess]:
    """``mkdocs(site, "build", "--strict")``: the venv's mkdocs run in ``site``."""
    if not MKDOCS.exists():
        pytest.skip(f"{MKDOCS} not found: install the project into this venv (make test)")
    return run_mkdocs
