"""Untrusted sources (issue 5): every hostile source of tests/hostile/ (and the
ones generated at test time) dropped beside two good articles into a site made
by `briefs new`, built with `briefs build` (in-process and with the real
console script), `briefs build --strict` and a real `mkdocs build`.

Bad files are named as `path[:line]: message — fix` and skipped, the good
ones are published, nothing from a source becomes markup, code, an include or
template output in site/, nothing is written outside the site, hand-written
pages are untouched, and a failed strict build leaves docs/ byte-identical.
"""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from hostile_support import (ENCODED, ENCODED_TITLE, FOREIGN_ELEMENTS, GOOD, GOOD_TITLES, JINJA_LITERAL, MARK, NAMED,
                             PASSWD, PUBLISHED, RAW_LITERAL, REJECTED, REPEATED_PARAGRAPH, WARNED, add_good_sources,
                             add_hostile_sources, brief_html, clear_sources, crashers, files_containing,
                             html_violations, make_outside, outside_feed_allow_list, problems_by_file, scripts_of,
                             soup_of, texts_of, tree_state)
from support import brief_pages, invoke, new_site, write

BRIEFS = Path(sys.executable).parent / "briefs"
TRACEBACK = "Traceback"
HAND_WRITTEN = {"about.md": "# About\n\nWritten by hand.\n",
                "briefs/editor-notes.md": "# Editor's notes\n\nWritten by hand inside the generated folder.\n"}
# A generous bound on `briefs build` for the huge sources: a timeout, not a timing assertion.
HUGE_TIMEOUT = float(os.environ.get("BRIEFS_TEST_HUGE_TIMEOUT", "60"))


def run_briefs(*args: str, cwd: Path, timeout: float = 120, memory: int | None = None) -> subprocess.CompletedProcess:
    """The real `briefs` console script in a subprocess, optionally with an address-space limit."""
    def limit() -> None:
        if memory:
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    return subprocess.run([str(BRIEFS), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout,
                          preexec_fn=limit if memory else None)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, mkdocs):
    """One site holding every hostile source, built every way once; the tests read the results."""
    root = tmp_path_factory.mktemp("hostile")
    outside = make_outside(root)
    good = new_site(root / "good-only")
    clear_sources(good)
    add_good_sources(good / "sources")
    baseline = mkdocs(good, "build", "--strict")
    assert baseline.returncode == 0, baseline.stderr

    site = new_site(root / "site")
    clear_sources(site)
    add_good_sources(site / "sources")
    names = add_hostile_sources(site / "sources", outside)
    for name, text in HAND_WRITTEN.items():
        write(site / "docs" / name, text)
    hand = {name: tree_state(site / "docs")[name] for name in ("index.md", *HAND_WRITTEN)}
    around = tree_state(root, skip=[site])
    inside = tree_state(site, skip=[site / "docs" / "briefs", site / "site"])

    r = SimpleNamespace(root=root, site=site, good=good, outside=outside, names=names, hand=hand)
    docs = tree_state(site / "docs")
    r.strict_fresh = invoke("build", "--strict", "--site", site)
    r.strict_fresh_docs = (docs, tree_state(site / "docs"))
    r.build = invoke("build", "--site", site)
    docs = tree_state(site / "docs")
    r.strict_built = invoke("build", "--strict", "--site", site)
    r.mkdocs_strict = mkdocs(site, "build", "--strict")
    r.strict_built_docs = (docs, tree_state(site / "docs"))
    r.script = run_briefs("build", "--site", str(site), cwd=root)
    r.mkdocs = mkdocs(site, "build")
    r.docs_after_mkdocs = tree_state(site / "docs")
    r.around = (around, tree_state(root, skip=[site]))
    r.inside = (inside, tree_state(site, skip=[site / "docs" / "briefs", site / "site"]))
    r.allowed_scripts = scripts_of(good / "site")
    return r


# --- exit codes and messages --------------------------------------------------


def test_build_succeeds_and_prints_no_traceback(hostile):
    assert hostile.build.exit_code == 0, hostile.build.output
    assert hostile.script.returncode == 0, hostile.script.stderr
    assert hostile.mkdocs.returncode == 0, hostile.mkdocs.stderr
    for output in (hostile.build.output, hostile.script.stdout + hostile.script.stderr, hostile.mkdocs.stderr):
        assert TRACEBACK not in output
        assert "internal error" not in output


def test_the_console_script_prints_what_the_in_process_build_prints(hostile):
    assert problems_by_file(hostile.script.stderr) == problems_by_file(hostile.build.output)


def said_about(output: str, name: str, topic: str) -> list[str]:
    """The report lines naming ``name`` whose message (not the path) matches ``topic``."""
    return [line for line in problems_by_file(output).get(name, [])
            if re.search(topic, line.split(": ", 1)[1], re.IGNORECASE)]


def test_every_hostile_source_is_checked_below(hostile):
    """Each hostile source is in a list of what must become of it (a new one must be added to one)."""
    checked = {*REJECTED, *WARNED, *NAMED, *PUBLISHED} - set(GOOD)
    assert set(hostile.names) == checked


@pytest.mark.parametrize("name", [*REJECTED, *WARNED, *NAMED])
def test_each_bad_source_is_named_with_a_message_and_a_fix(hostile, name):
    """`sources/NAME[:line]: what is wrong — how to fix`, in `briefs build` and as a
    warning (which `--strict` turns into a failure) in `mkdocs build`."""
    topic = {"invalid-utf8.txt": r"utf-?8|encod|decod|byte", "unknown-keys.md": r"unknown|key"}.get(name, ".")
    assert said_about(hostile.build.output, name, topic), hostile.build.output
    assert name in problems_by_file(hostile.script.stderr)
    lines = [line for line in hostile.mkdocs.stderr.splitlines() if f"sources/{name}" in line]
    assert [line for line in lines if line.startswith(("WARNING", "ERROR"))], lines


@pytest.mark.parametrize("name", REJECTED)
def test_each_rejected_source_is_left_out_of_the_site(hostile, name):
    listed = sources_page(hostile.site)
    assert not [item for item in listed if f"sources/{name}" in item]


@pytest.mark.parametrize("name", PUBLISHED)
def test_each_usable_source_is_published(hostile, name):
    listed = sources_page(hostile.site)
    assert [item for item in listed if f"(file sources/{name})" in item], listed


def test_the_good_sources_briefs_are_built(hostile):
    pages = brief_html(hostile.site)
    for title in GOOD_TITLES:
        assert [name for name, text in pages.items() if title in text], (title, list(pages))


@pytest.mark.parametrize("name", ENCODED)
def test_other_encodings_are_read_as_the_text_they_hold(hostile, name):
    entries = [item for item in sources_page(hostile.site) if f"(file sources/{name})" in item]
    assert entries and ENCODED_TITLE in entries[0], entries


@pytest.mark.parametrize("name", ENCODED)
def test_other_encodings_are_named_with_a_warning(hostile, name):
    assert said_about(hostile.build.output, name, r"encod|utf-?16|cp1252|windows-1252|utf-?8"), hostile.build.output


def test_thousands_of_repeated_paragraphs_are_named(hostile):
    assert said_about(hostile.build.output, "repeated-paragraphs.txt", r"repeat|duplicat"), hostile.build.output


def test_thousands_of_repeated_paragraphs_are_folded_into_one(hostile):
    pages = [text for text in brief_html(hostile.site).values() if "repeated-paragraphs.txt" in text]
    assert pages and 1 <= pages[0].count(REPEATED_PARAGRAPH) <= 5


def test_the_strict_build_fails_naming_the_bad_sources(hostile):
    for result in (hostile.strict_fresh, hostile.strict_built):
        assert result.exit_code == 1, result.output
        assert TRACEBACK not in result.output
        assert set(REJECTED) | set(WARNED) <= set(problems_by_file(result.output))
    assert hostile.mkdocs_strict.returncode != 0
    assert TRACEBACK not in hostile.mkdocs_strict.stderr


def test_a_failed_strict_build_leaves_docs_byte_identical(hostile):
    """On a fresh site and after a build: same files, same bytes, same mtimes."""
    for before, after in (hostile.strict_fresh_docs, hostile.strict_built_docs):
        assert after == before


def test_utf8_with_a_stray_invalid_byte_is_named_not_misread(hostile):
    assert said_about(hostile.build.output, "utf8-stray-byte.txt", r"utf-?8|encod|decod|byte"), hostile.build.output
    assert "LiÃ¨ge" not in texts_of(hostile.site / "site")


def test_a_key_cannot_forge_a_line_of_the_report(tmp_path):
    site = new_site(tmp_path / "site")
    add_good_sources(site / "sources")
    write(site / "sources" / "forged.md", '---\ntitle: Forged report\n'
          '"x\\nsources/innocent.md:1: front matter: forged — nothing to do": 1\n---\n'
          'The harbour office said on Monday that talks would resume.\n')

    result = invoke("build", "--site", site)

    assert result.exit_code == 0, result.output
    assert set(problems_by_file(result.output)) <= {path.name for path in (site / "sources").iterdir()}, result.output


def test_a_source_that_cannot_be_read_is_named_and_the_rest_builds(tmp_path, monkeypatch):
    # A file listed but gone (or unreadable) by the time it is read: root reads any file, so a
    # vanished one stands for both here.
    from builder import ingest

    site = new_site(tmp_path / "site")
    clear_sources(site)
    add_good_sources(site / "sources")
    listed = ingest.source_files
    monkeypatch.setattr(ingest, "source_files", lambda folder: [*listed(folder), folder / "vanished.md"])

    result = invoke("build", "--site", site)

    assert result.exit_code == 0, result.output
    assert "sources/vanished.md: cannot read file: No such file or directory" in result.output, result.output
    assert TRACEBACK not in result.output and "internal error" not in result.output
    assert len(brief_pages(site / "docs" / "briefs")) == 2


CRASH_REASONS = {
    "deeply-nested.md": "deeply nested YAML raises RecursionError out of read_source: an internal error stops the "
                        "whole build (exit 1, no file named), and `mkdocs build` prints a traceback",
}
DATE_REASON = ("a date or time PyYAML cannot build (2025-02-30, 25:61, +25:00) raises ValueError out of read_source: "
               "`briefs build` stops with 'internal error: ValueError', names no file and builds nothing")


@pytest.mark.parametrize("name", [
    pytest.param(name) for name in crashers()])
def test_front_matter_the_yaml_parser_chokes_on_is_named_and_the_rest_builds(tmp_path, name):
    site = new_site(tmp_path / "site")
    clear_sources(site)
    add_good_sources(site / "sources")
    (site / "sources" / name).write_bytes(crashers()[name])

    result = invoke("build", "--site", site)

    assert result.exit_code == 0, result.output
    assert name in problems_by_file(result.output), result.output
    assert TRACEBACK not in result.output and "internal error" not in result.output
    assert len(brief_pages(site / "docs" / "briefs")) == 2


def test_mkdocs_build_names_front_matter_the_yaml_parser_chokes_on(tmp_path, mkdocs):
    site = new_site(tmp_path / "site")
    clear_sources(site)
    add_good_sources(site / "sources")
    for name, data in crashers().items():
        (site / "sources" / name).write_bytes(data)

    result = mkdocs(site, "build")

    assert result.returncode == 0, result.stderr[-2000:]
    assert TRACEBACK not in result.stderr
    assert set(crashers()) <= set(problems_by_file(result.stderr))


# --- nothing injected ---------------------------------------------------------


def test_no_markup_from_a_source_in_the_built_site(hostile):
    assert html_violations(hostile.site / "site", hostile.outside.secret, hostile.allowed_scripts) == []


def test_only_materials_own_scripts(hostile):
    assert scripts_of(hostile.site / "site") <= hostile.allowed_scripts
    for page in (hostile.site / "site").rglob("*.html"):
        for script in soup_of(page).find_all("script"):
            assert MARK not in str(script), page


def test_the_search_index_holds_no_markup_from_a_source(hostile):
    """Material shows search results as HTML made from the index: its titles and texts
    must hold a source's markup only as escaped text."""
    index = json.loads((hostile.site / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))
    for doc in index["docs"]:
        for field in ("title", "text"):
            soup = BeautifulSoup(doc[field], "html.parser")
            for element in soup.find_all(True):
                assert element.name not in ("script", *FOREIGN_ELEMENTS), (doc["location"], str(element)[:100])
                for name, value in element.attrs.items():
                    assert not name.lower().startswith("on"), (doc["location"], str(element)[:100])
                    assert "javascript:" not in str(value).lower(), (doc["location"], str(element)[:100])


def test_page_titles_are_the_literal_text_not_entities_and_not_markup(hostile):
    """<title>, the heading and the navigation show what the source had: no tags, and no
    '&lt;' shown to the reader (double escaping)."""
    for page in (hostile.site / "site" / "briefs").rglob("*.html"):
        soup = soup_of(page)
        title = soup.find("title")
        assert not title.find_all(True), page
        for text in (title.get_text(), *(a.get_text() for a in soup.select("nav a")),
                     *(h.get_text() for h in soup.find("article").find_all(["h1", "h2"]))):
            assert not re.search(r"&(?:lt|gt|amp|quot|#\d+);", text), (page, text[:200])
    titles = [soup_of(page).find("title").get_text() for page in (hostile.site / "site" / "briefs").rglob("*.html")]
    assert [t for t in titles if t.startswith(f"{JINJA_LITERAL} <script>alert('{MARK}')</script>")], titles


def test_the_feed_holds_sources_only_as_text(hostile):
    feeds = list((hostile.site / "site").rglob("*.xml"))
    for feed in feeds:
        if feed.name == "sitemap.xml":
            continue
        assert outside_feed_allow_list(feed.read_text(encoding="utf-8")) == [], feed


def test_template_syntax_stays_literal_text(hostile):
    text = texts_of(hostile.site / "site")
    assert JINJA_LITERAL in text
    assert RAW_LITERAL in text


def test_hostile_titles_stay_text(hostile):
    """The front-matter title is shown as the characters the source had."""
    text = texts_of(hostile.site / "site")
    assert f"{JINJA_LITERAL} <script>alert('{MARK}')</script> <img src=x onerror=alert('{MARK}')>" in text


def test_no_local_file_is_included(hostile):
    secret = hostile.outside.secret
    for folder in (hostile.site / "site", hostile.site / "docs"):
        assert files_containing(folder, secret) == []
        assert files_containing(folder, PASSWD) == []


def test_yaml_tags_are_never_executed(hostile):
    assert not hostile.outside.pwned.exists()


def test_links_only_for_http_urls_and_the_builders_own_pages(hostile):
    """In page content, a link is a source's `url` (http/https, here on example.org) or a
    relative link the renderer made to a page that exists; never one written in a source."""
    built = hostile.site / "site"
    for page in (built / "briefs").rglob("*.html"):
        for anchor in soup_of(page).find("article").find_all("a", href=True):
            href = anchor["href"]
            if href.startswith("#"):
                continue
            if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", href):
                assert urlsplit(href).scheme in ("http", "https"), (page, href)
                assert urlsplit(href).hostname == "example.org", (page, href)
                continue
            target = (page.parent / href.split("#")[0]).resolve()
            assert target.is_relative_to(built.resolve()), (page, href)
            assert target.is_file() or (target / "index.html").is_file(), (page, href)


# --- nothing lost, nothing written elsewhere -----------------------------------


def test_nothing_is_written_outside_the_site(hostile):
    before, after = hostile.around
    assert after == before


def test_inside_the_site_nothing_but_the_builders_own_files_change(hostile):
    """Sources, settings, templates and docs/ outside the generated folder are
    not touched; whatever the builder adds (its lock, cache, state) stays out
    of sources/ and docs/."""
    before, after = hostile.inside
    assert {name: after.get(name) for name in before} == before
    added = sorted(set(after) - set(before))
    assert not [name for name in added if name.startswith(("sources/", "docs/", "templates/"))], added


def test_generated_pages_stay_inside_the_output_folder(hostile):
    output = hostile.site / "docs" / "briefs"
    for path in output.rglob("*"):
        assert path.resolve().is_relative_to(output.resolve()), path
        assert not path.is_symlink(), path


def test_hand_written_pages_are_untouched(hostile):
    state = tree_state(hostile.site / "docs")
    for name, before in hostile.hand.items():
        assert state[name] == before, name
    assert (hostile.site / "site" / "about" / "index.html").is_file()
    assert (hostile.site / "site" / "briefs" / "editor-notes" / "index.html").is_file()


def test_a_second_build_changes_nothing(hostile):
    result = invoke("build", "--site", hostile.site)

    assert result.exit_code == 0, result.output
    assert tree_state(hostile.site / "docs") == hostile.docs_after_mkdocs


# --- the checks themselves ----------------------------------------------------


def test_the_html_checks_find_each_kind_of_injection(tmp_path):
    """The checker above must not pass for want of looking: a page holding each injection fails it."""
    injections = [
        f"<script>alert('{MARK}')</script>", '<script src="https://evil.example/x.js"></script>',
        f"<img src=x onerror=\"alert('{MARK}')\">", f"<a href=\" java\tscript:alert('{MARK}')\">x</a>",
        "<a href=\"data:text/html,x\">x</a>", "<p>JINJA49JINJA</p>", "<p>zqxsecret</p>", "<h1>zqxheading x</h1>",
        "<h2>zqxsetext x</h2>", f'<pre class="mermaid">graph TD; {MARK}</pre>',
        f'<div class="admonition note"><p>{MARK}</p></div>', "<p id=\"zqxid\">x</p>", "<hr>",
        "<blockquote><p>zqxquote</p></blockquote>", "<code>zqxcode</code>", f"<iframe src=\"{MARK}\"></iframe>",
    ]
    allowed = {"text:" + "0" * 64}
    for number, injection in enumerate(injections):
        page = tmp_path / str(number) / "index.html"
        write(page, f"<html><body><article>{injection}</article></body></html>")
        assert html_violations(page.parent, "zqxsecret", allowed), injection


# --- duplicates and path-like values, one brief per article -----------------------


def test_duplicate_slugs_get_distinct_stable_pages_and_a_warning(tmp_path, mkdocs):
    """With `group: article` two articles asking for the same slug both get a page."""
    site = new_site(tmp_path / "site")
    clear_sources(site)
    add_good_sources(site / "sources")
    for name in ("duplicate-a.md", "duplicate-b.md", "path-values.md", "path-values-absolute.md"):
        text = (Path(__file__).parent / "hostile" / name).read_text(encoding="utf-8")
        write(site / "sources" / name, text)
    config = site / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(re.sub(r"^(\s+)output: briefs.*$", r"\g<0>\n\1group: article", text, count=1, flags=re.M),
                      encoding="utf-8")
    assert "group: article" in config.read_text(encoding="utf-8")
    around = tree_state(tmp_path, skip=[site])

    first = invoke("build", "--site", site)
    pages = brief_pages(site / "docs" / "briefs")
    second = invoke("build", "--site", site)
    built = mkdocs(site, "build")

    assert first.exit_code == 0 and second.exit_code == 0, first.output
    assert "duplicate-b.md" in problems_by_file(first.output), first.output
    duplicates = sorted(name for name, text in pages.items() if "Duplicate ferry report" in text)
    assert len(duplicates) == 2, list(pages)
    first_page, second_page = sorted(duplicates, key=lambda name: name.endswith("-2.md"))
    assert "first duplicate" in pages[first_page] and "second duplicate" in pages[second_page]  # the second gets -2
    assert brief_pages(site / "docs" / "briefs") == pages      # stable: the same pages on the next build
    assert built.returncode == 0, built.stderr
    for path in (site / "docs").rglob("*"):
        assert path.resolve().is_relative_to((site / "docs").resolve()), path
    assert tree_state(tmp_path, skip=[site]) == around


def test_duplicate_slugs_lose_nothing_in_the_default_grouping(hostile):
    """With `group: region` articles are sources of their region's brief, not
    pages of their own, so two asking for one slug are both published there."""
    sources = "\n".join(brief_pages(hostile.site / "docs" / "briefs").values())
    assert "first duplicate" in sources or "Duplicate ferry report" in sources


# --- huge sources: bounded time and memory --------------------------------------

MEMORY = 4 * 2**30  # address space for the build process: generous, but a bound


def huge_site(tmp_path: Path) -> Path:
    site = new_site(tmp_path / "site")
    clear_sources(site)
    add_good_sources(site / "sources")
    return site


def write_huge_archive(path: Path, size: int = 20 * 2**20, distinct: int = 4000) -> None:
    """``size`` bytes: a few thousand distinct dated paragraphs, questions and
    background lines, then a boilerplate paragraph repeated to fill."""
    days = "Monday Tuesday Wednesday Thursday Friday".split()
    words = "council harbour ferry storm minister talks border ceasefire monitors valley bridge river union road".split()
    with path.open("w", encoding="utf-8") as out:
        out.write("A very large pasted archive\n2025-04-10\n\n")
        for i in range(distinct):
            topic = " ".join(words[(i * 7 + k * 3) % len(words)] for k in range(6))
            kind = i % 4
            if kind == 0:
                out.write(f"Item {i}: the {topic} delegation met on {days[i % 5]} in town {i}.\n\n")
            elif kind == 1:
                out.write(f"Item {i}: it remains unclear whether the {topic} plan {i} will pass.\n\n")
            elif kind == 2:
                out.write(f"Item {i}: the {topic} dispute {i} has simmered since {1990 + i % 30}.\n\n")
            else:
                out.write(f"Item {i}: the {topic} vote {i} is expected on {days[i % 5]}.\n\n")
        filler = "Subscribers can read the full archive of our regional coverage in the members area every day.\n\n"
        out.write(filler * max(0, (size - out.tell()) // len(filler)))


def write_huge_line(path: Path, size: int = 5 * 2**20) -> None:
    """One line of ``size`` bytes of distinct words and no full stop."""
    with path.open("w", encoding="utf-8") as out:
        out.write("A single enormous line\n\n")
        start = 0
        while out.tell() < size:
            out.write(" ".join(f"w{n}" for n in range(start, start + 1000)) + " ")
            start += 1000
        out.write("\n")


def assert_built_in_bounds(site: Path, name: str) -> None:
    try:
        result = run_briefs("build", "--site", str(site), cwd=site.parent, timeout=HUGE_TIMEOUT, memory=MEMORY)
    except subprocess.TimeoutExpired:
        pytest.fail(f"`briefs build` with {name} did not finish within {HUGE_TIMEOUT:.0f}s")
    assert result.returncode == 0, result.stderr[-2000:]
    assert TRACEBACK not in result.stderr and "MemoryError" not in result.stderr
    listed = sources_page(site)
    assert [item for item in listed if f"(file sources/{name})" in item], listed
    assert len(brief_pages(site / "docs" / "briefs")) >= 2


def test_a_20_mb_file_builds_in_bounded_time_and_memory(tmp_path):
    site = huge_site(tmp_path)
    write_huge_archive(site / "sources" / "huge.txt")
    assert (site / "sources" / "huge.txt").stat().st_size >= 20 * 2**20 - 200

    assert_built_in_bounds(site, "huge.txt")


def test_a_single_5_mb_line_builds_in_bounded_time_and_memory(tmp_path):
    site = huge_site(tmp_path)
    write_huge_line(site / "sources" / "one-line.txt")
    assert (site / "sources" / "one-line.txt").stat().st_size >= 5 * 2**20

    assert_built_in_bounds(site, "one-line.txt")


# --- helpers --------------------------------------------------------------------


def sources_page(site: Path) -> list[str]:
    """The entries of the Sources page (every published article, with its file):
    from the built site when there is one, else from the generated Markdown."""
    page = site / "site" / "briefs" / "sources" / "index.html"
    if page.is_file():
        return [li.get_text(" ") for li in soup_of(page).find("article").find_all("li")]
    text = (site / "docs" / "briefs" / "sources.md").read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.startswith("- ")]
