"""Nothing is lost when a build is cut short (issue 5): a build killed while it
stages its pages leaves docs/ as it was or as the finished build makes it,
never a mix; the next build finishes the job and clears the leftovers; two
builds started at once both succeed, one after the other; and a swap cut
between its two renames is put back by write.recover()."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from builder.write import MANIFEST, PREVIOUS, STAGING, recover
from hostile_support import manifest_files, tree_state
from support import invoke, new_site, snapshot, write

BRIEFS = Path(sys.executable).parent / "briefs"
ARTICLES = 300
HAND_WRITTEN = {"index.md": "# Home\n\nWritten by hand.\n",
                "briefs/editor-notes.md": "# Editor's notes\n\nWritten by hand inside the generated folder.\n"}


def write_articles(site: Path, version: str, count: int = ARTICLES) -> None:
    """``count`` small articles, each in its own region so that each has its own pages;
    every page's text changes with ``version``."""
    sources = site / "sources"
    for old in sources.iterdir():
        old.unlink()
    for i in range(count):
        write(sources / f"2025-04-{i % 28 + 1:02d}-harbour-{i:03d}.md", f"""\
---
title: Harbour office {i} reopens ({version})
published: 2025-04-{i % 28 + 1:02d}
region: Region {i:03d}
---
The harbour office number {i} reopened on Monday after a storm, officials said in the {version} report.

A second ferry is expected to join route {i} on Friday. It remains unclear whether the union will accept the {version} plan.
""")


def make_site(path: Path, version: str) -> Path:
    site = new_site(path)
    for name, text in HAND_WRITTEN.items():
        write(site / "docs" / name, text)
    write_articles(site, version)
    result = invoke("build", "--site", site)
    assert result.exit_code == 0, result.output
    return site


def start_build(site: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    return subprocess.Popen([str(BRIEFS), "build", "--site", str(site)], cwd=site.parent, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def leftovers(docs: Path) -> list[str]:
    return sorted(p.name for p in docs.iterdir() if p.name.startswith((STAGING, PREVIOUS)))


def visible(docs: Path) -> dict[str, bytes]:
    """docs/ as MkDocs would read it: every file but a build's staging and previous folders."""
    return {name: data for name, data in snapshot(docs).items() if not name.startswith((STAGING, PREVIOUS))}


def assert_consistent(docs: Path, states: dict[str, dict[str, bytes]]) -> str:
    """docs/ is exactly one of ``states`` (by name), and its manifest lists exactly its generated files."""
    now = visible(docs)
    matching = [name for name, state in states.items() if now == state]
    if not matching:
        mixed = {name: sorted(k for k in set(now) | set(state) if now.get(k) != state.get(k))[:10]
                 for name, state in states.items()}
        pytest.fail(f"docs/ is neither state: differing files {mixed}")
    generated = {name.removeprefix("briefs/") for name in now if name.startswith("briefs/")}
    assert set(manifest_files(docs / "briefs")) == generated - {MANIFEST, "editor-notes.md"}
    for name, text in HAND_WRITTEN.items():
        assert now[name] == text.encode("utf-8"), name
    return matching[0]


@pytest.fixture(scope="module")
def states(tmp_path_factory) -> tuple[Path, dict[str, bytes], dict[str, bytes]]:
    """A site built from the first version of 300 articles (kept as a pristine copy),
    and docs/ as the first and as the second version build it."""
    root = tmp_path_factory.mktemp("interrupt")
    pristine = make_site(root / "pristine", "first")
    first = snapshot(pristine / "docs")
    reference = root / "reference"
    shutil.copytree(pristine, reference, symlinks=True)
    write_articles(reference, "second")
    result = invoke("build", "--site", reference)
    assert result.exit_code == 0, result.output
    second = snapshot(reference / "docs")
    assert len(second) > 2 * ARTICLES and set(second) == set(first) and second != first
    return pristine, first, second


def kill_while_staging(pristine: Path, site: Path, window: tuple[float, float], attempts: int = 3) -> int:
    """Copy the built site, switch it to the second version of the articles, start
    `briefs build` and SIGKILL it a random moment after its staging folder appears.
    A build that ends before it is seen staging (a busy machine) is tried again."""
    for _ in range(attempts):
        shutil.rmtree(site, ignore_errors=True)
        shutil.copytree(pristine, site, symlinks=True)
        write_articles(site, "second")
        build = start_build(site)
        staged = False
        while build.poll() is None:                      # wait until the pages are being staged
            if any(entry.name.startswith(STAGING) for entry in os.scandir(site / "docs")):
                staged = True
                break
        if staged:
            time.sleep(random.uniform(*window))
            build.send_signal(signal.SIGKILL)
        build.communicate(timeout=60)
        if staged:
            return build.returncode
    pytest.fail(f"the build finished before it was seen staging its pages, {attempts} times")


@pytest.mark.parametrize("window", [(0.0, 0.02), (0.02, 0.05), (0.05, 0.12)], ids=["early", "midway", "late"])
def test_a_build_killed_while_staging_leaves_docs_old_or_new_and_the_next_build_finishes(states, tmp_path, window):
    pristine, first, second = states
    site = tmp_path / "site"
    docs = site / "docs"

    returncode = kill_while_staging(pristine, site, window)

    assert returncode in (0, -signal.SIGKILL)
    output = docs / "briefs"
    if not output.exists():                          # killed between the two renames of the swap
        assert snapshot(docs / f"{PREVIOUS}-briefs") == {k.removeprefix("briefs/"): v for k, v in first.items()
                                                          if k.startswith("briefs/")}
        recover(output)
    assert_consistent(docs, {"before": first, "after": second})

    result = invoke("build", "--site", site)

    assert result.exit_code == 0, result.output
    assert leftovers(docs) == []
    assert assert_consistent(docs, {"after": second}) == "after"


def test_two_builds_started_at_once_both_succeed_one_after_the_other(states, tmp_path):
    pristine, first, second = states
    site = tmp_path / "site"
    shutil.copytree(pristine, site, symlinks=True)
    write_articles(site, "second")

    builds = [start_build(site), start_build(site)]
    results = [build.communicate(timeout=120) for build in builds]

    for build, (_, err) in zip(builds, results):
        assert build.returncode == 0, err
        assert "Traceback" not in err
    assert leftovers(site / "docs") == []
    assert assert_consistent(site / "docs", {"after": second}) == "after"
    written = sorted(int(err.split(" pages written")[0].rsplit(" ", 1)[-1]) for _, err in results)
    assert written[0] == 0 and written[1] > 0, results   # the second to get the lock finds nothing left to do


# --- a swap cut between its two renames ------------------------------------------------


@pytest.fixture
def small_site(tmp_path: Path) -> Path:
    site = new_site(tmp_path / "site")
    write(site / "docs" / "briefs" / "editor-notes.md", HAND_WRITTEN["briefs/editor-notes.md"])
    result = invoke("build", "--site", site)
    assert result.exit_code == 0, result.output
    return site


def test_recover_puts_back_an_output_folder_moved_aside_by_a_cut_swap(small_site):
    docs = small_site / "docs"
    before = tree_state(docs)
    os.rename(docs / "briefs", docs / f"{PREVIOUS}-briefs")   # the first rename done, the second not

    recover(docs / "briefs")

    assert tree_state(docs) == before
    assert leftovers(docs) == []


def test_recover_drops_the_staging_folder_of_a_cut_swap(small_site):
    docs = small_site / "docs"
    before = tree_state(docs)
    shutil.copytree(docs / "briefs", docs / f"{STAGING}0123abcd")   # the new folder, never moved in
    (docs / f"{STAGING}0123abcd" / "index.md").write_text("# Half-built\n", encoding="utf-8")
    os.rename(docs / "briefs", docs / f"{PREVIOUS}-briefs")

    recover(docs / "briefs")

    assert tree_state(docs) == before
    assert leftovers(docs) == []


def test_recover_keeps_a_swapped_in_folder_and_drops_the_previous_one(small_site):
    """Killed after both renames, before the old folder was deleted: the new folder stays."""
    docs = small_site / "docs"
    before = tree_state(docs)
    shutil.copytree(docs / "briefs", docs / f"{PREVIOUS}-briefs")
    (docs / f"{PREVIOUS}-briefs" / "index.md").write_text("# The old index\n", encoding="utf-8")

    recover(docs / "briefs")

    assert tree_state(docs) == before
    assert leftovers(docs) == []


def test_the_next_build_after_a_cut_swap_restores_and_rebuilds(small_site):
    docs = small_site / "docs"
    before = snapshot(docs)
    os.rename(docs / "briefs", docs / f"{PREVIOUS}-briefs")

    result = invoke("build", "--site", small_site)

    assert result.exit_code == 0, result.output
    assert snapshot(docs) == before
    assert leftovers(docs) == []
