"""Whole sites, built with a real `mkdocs build` (the briefs plugin runs the
builder first), and deployed with `mkdocs gh-deploy` to a local repository."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from support import REPO, SECTIONS, brief_pages, digests, invoke, new_site, write

TXT = """\
Ferry line to Orsk resumes after storm
April 10, 2025

The ferry line to Orsk resumed on Wednesday after a month without service, the harbour office said.

A second boat is set to join the route on Friday. The port union has not yet responded to the new timetable.
"""
MD = """\
---
title: Valley council approves new river bridge
published: 2025-04-12
region: Marrow Valley
tags: [bridges, council]
url: https://example.org/news/valley-bridge
---
The Marrow Valley council approved a new river bridge on Friday after two years of debate.

Work is expected to begin in June. Residents of Low Ford have asked whether the old crossing will stay open.
"""
HAND_WRITTEN = {"about.md": "# About\n\nWritten by hand.\n", "briefs/editor-notes.md": "# Editor's notes\n\nMine.\n"}


def headings(html_file: Path) -> list[str]:
    soup = BeautifulSoup(html_file.read_text(encoding="utf-8"), "html.parser")
    article = soup.find("article") or soup
    for permalink in article.select("a.headerlink"):
        permalink.decompose()
    return [h.get_text().strip() for h in article.find_all("h2")]


@pytest.fixture(scope="module")
def built(tmp_path_factory, mkdocs):
    """A site from `briefs new` with a .txt and a .md article of ours and two
    hand-written pages, built once with `mkdocs build --strict`."""
    site = new_site(tmp_path_factory.mktemp("built") / "site")
    for example in (site / "sources").iterdir():
        example.unlink()
    write(site / "sources" / "orsk-coast" / "ferry.txt", TXT)  # the folder names its region
    write(site / "sources" / "2025-04-12-valley-bridge.md", MD)
    for name, text in HAND_WRITTEN.items():
        write(site / "docs" / name, text)
    result = mkdocs(site, "build", "--strict")
    return site, result


def test_mkdocs_build_strict_succeeds(built):
    site, result = built

    assert result.returncode == 0, result.stderr


def test_one_page_per_brief_with_the_six_sections(built):
    site, _ = built
    pages = brief_pages(site / "docs" / "briefs")

    assert len(pages) == 2, list(pages)
    assert "marrow-valley/marrow-valley.md" in pages
    for name in pages:
        html = site / "site" / "briefs" / name.removesuffix(".md") / "index.html"
        assert html.is_file(), html
        assert headings(html) == list(SECTIONS), html


def test_briefs_are_listed_on_the_index_and_searchable(built):
    site, _ = built

    index = (site / "site" / "briefs" / "index.html").read_text(encoding="utf-8")
    assert "Valley council approves new river bridge" in index
    assert "Ferry line to Orsk resumes after storm" in index
    search = (site / "site" / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "Valley council approves new river bridge" in search


def test_hand_written_pages_survive_byte_identical_and_are_published(built):
    site, _ = built

    for name, text in HAND_WRITTEN.items():
        assert (site / "docs" / name).read_bytes() == text.encode("utf-8"), name
    assert (site / "site" / "about" / "index.html").is_file()
    assert (site / "site" / "briefs" / "editor-notes" / "index.html").is_file()


def test_a_second_build_gives_byte_identical_docs(built, mkdocs):
    site, _ = built
    before = digests(site / "docs")

    result = mkdocs(site, "build", "--strict")

    assert result.returncode == 0, result.stderr
    assert digests(site / "docs") == before
    assert "0 pages written" in result.stderr


def test_hand_written_pages_survive_when_a_source_is_removed(tmp_path, mkdocs):
    site = new_site(tmp_path / "site")
    write(site / "sources" / "2025-04-12-valley-bridge.md", MD)
    for name, text in HAND_WRITTEN.items():
        write(site / "docs" / name, text)
    assert invoke("build", "--site", site).exit_code == 0
    assert len(brief_pages(site / "docs" / "briefs")) == 2
    (site / "sources" / "2025-04-12-valley-bridge.md").unlink()

    result = mkdocs(site, "build", "--strict")

    assert result.returncode == 0, result.stderr
    assert "marrow-valley/marrow-valley.md" not in brief_pages(site / "docs" / "briefs")
    assert not (site / "docs" / "briefs" / "marrow-valley").exists()
    for name, text in HAND_WRITTEN.items():
        assert (site / "docs" / name).read_bytes() == text.encode("utf-8"), name


def test_a_bad_source_fails_a_strict_mkdocs_build_and_names_the_file(tmp_path, mkdocs):
    site = new_site(tmp_path / "site")
    write(site / "sources" / "2025-04-11-broken.md", "---\ntitle: Broken\ntags: [a, b\n---\nText.\n")

    strict = mkdocs(site, "build", "--strict")
    relaxed = mkdocs(site, "build")

    assert strict.returncode != 0
    assert "sources/2025-04-11-broken.md:" in strict.stderr
    assert "Traceback" not in strict.stderr
    assert relaxed.returncode == 0, relaxed.stderr
    assert brief_pages(site / "docs" / "briefs")  # the good example article is still published


def test_a_wrong_plugin_option_fails_the_mkdocs_build(tmp_path, mkdocs):
    site = new_site(tmp_path / "site")
    config = site / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("      output: briefs", "      output: ../outside"),
                      encoding="utf-8")

    result = mkdocs(site, "build")

    assert result.returncode != 0
    assert "Config value 'briefs.output'" in result.stderr
    assert not (tmp_path / "outside").exists()


def test_the_repository_example_site_builds(tmp_path, mkdocs):
    site = tmp_path / "example"
    site.mkdir()
    shutil.copy(REPO / "mkdocs.yml", site / "mkdocs.yml")
    shutil.copytree(REPO / "sources", site / "sources")
    shutil.copytree(REPO / "templates", site / "templates")
    write(site / "docs" / "index.md", (REPO / "docs" / "index.md").read_text(encoding="utf-8"))

    result = mkdocs(site, "build", "--strict")

    assert result.returncode == 0, result.stderr
    pages = brief_pages(site / "docs" / "briefs")
    assert list(pages) == ["syria/syria.md"]  # the example's three articles make one regional brief
    for name in pages:
        assert headings(site / "site" / "briefs" / name.removesuffix(".md") / "index.html") == list(SECTIONS)


HOSTILE = """\
---
title: "</title><script>alert('title')</script><img src=x onerror=alert(1)>"
published: 2025-04-10
region: "<b onmouseover=alert(2)>Valley</b>"
---
The ferry line to Orsk resumed on Wednesday, the harbour office said.
"""


def test_hostile_title_and_region_do_not_become_markup_in_the_built_site(tmp_path, mkdocs):
    site = new_site(tmp_path / "site")
    write(site / "sources" / "2025-04-10-ferry.md", HOSTILE)

    result = mkdocs(site, "build", "--strict")

    assert result.returncode == 0, result.stderr
    for page in (site / "site").rglob("*.html"):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        assert not [s for s in soup.find_all("script") if "alert" in s.get_text()], page
        for element in soup.find_all(True):
            assert not [a for a in element.attrs if a.lower().startswith("on")], (page, element)
        title = soup.find("title")
        assert title is None or "</title>" not in str(title)[7:-8], page


# --- deploy -----------------------------------------------------------------


def git(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_gh_deploy_pushes_the_built_site_to_gh_pages(tmp_path, mkdocs):
    remote = tmp_path / "remote.git"
    git("init", "--quiet", "--bare", str(remote), cwd=tmp_path)
    site = new_site(tmp_path / "site")
    write(site / "sources" / "2025-04-12-valley-bridge.md", MD)
    git("init", "--quiet", cwd=site)
    git("config", "user.name", "Briefs Test", cwd=site)
    git("config", "user.email", "briefs-test@example.org", cwd=site)
    git("remote", "add", "origin", str(remote), cwd=site)

    result = mkdocs(site, "gh-deploy", "--force", "--strict", "--no-history", "--remote-name", "origin")

    assert result.returncode == 0, result.stderr
    listed = set(git("--git-dir", str(remote), "ls-tree", "-r", "--name-only", "gh-pages", cwd=tmp_path).stdout.split())
    assert {"index.html", ".nojekyll", "briefs/index.html", "search/search_index.json"} <= listed
    assert "briefs/marrow-valley/marrow-valley/index.html" in listed
    built_pages = {p.relative_to(site / "site").as_posix() for p in (site / "site").rglob("*.html")}
    assert built_pages <= listed
    assert not [name for name in listed if name.endswith(".md") or name.startswith(("sources/", "docs/"))]
