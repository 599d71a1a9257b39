"""Incremental and parallel builds: a changed source is the only one
extracted again, unchanged pages keep their mtime, and the number of worker
processes never changes the output."""

from __future__ import annotations

import re
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from builder import assemble
from builder.config import load_settings
from builder.pipeline import PARALLEL_FROM, build
from support import invoke, new_site, snapshot, write

ARTICLE = """---
title: Harbour report {n}
published: 2025-02-{day:02d}
region: {region}
---
Harbour officials in Port {name} met on Monday to discuss dredging the channel number {n}.

The regional council has not yet approved the budget for the work.
"""
REGIONS = ("North Coast", "South Coast", "Islands")


def _articles(site: Path, count: int) -> None:
    for n in range(count):
        name = f"Alder{n}"
        write(site / "sources" / f"2025-02-{n % 28 + 1:02d}-report-{n}.md",
              ARTICLE.format(n=n, day=n % 28 + 1, region=REGIONS[n % 3], name=name))


@pytest.fixture
def harbour(tmp_path):
    site = new_site(tmp_path / "site")
    _articles(site, 12)
    assert invoke("build", "--site", site).exit_code == 0
    return site


def _mtimes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


def test_an_unchanged_site_is_read_from_the_cache_and_nothing_is_written(harbour):
    before = _mtimes(harbour / "docs")

    result = invoke("build", "--site", harbour)

    assert re.search(r"\(0 extracted, 13 cached", result.output), result.output
    assert re.search(r"; 0 pages written", result.output), result.output
    assert _mtimes(harbour / "docs") == before


def test_one_changed_source_is_extracted_again_and_only_its_pages_change(harbour):
    output = harbour / "docs" / "briefs"
    before = _mtimes(output)
    source = harbour / "sources" / "2025-02-01-report-0.md"
    source.write_text(source.read_text(encoding="utf-8").replace("on Monday", "on Tuesday"), encoding="utf-8")

    result = invoke("build", "--site", harbour)

    assert re.search(r"\(1 extracted, 12 cached", result.output), result.output
    after = _mtimes(output)
    changed = {p for p in after if before.get(p) != after[p]}
    assert "north-coast/north-coast.md" in changed
    assert not any(p.startswith(("south-coast/", "islands/")) for p in changed), changed


def test_only_the_brief_of_a_changed_source_is_merged_again(harbour, monkeypatch):
    source = harbour / "sources" / "2025-02-01-report-0.md"
    source.write_text(source.read_text(encoding="utf-8").replace("on Monday", "on Tuesday"), encoding="utf-8")
    merged = []
    original = assemble.brief
    monkeypatch.setattr(assemble, "brief", lambda plan, members: merged.append(plan.region) or original(plan, members))

    build(load_settings(harbour))

    assert merged == ["North Coast"]


def test_a_warm_build_writes_what_a_cold_build_writes(harbour):
    cold = harbour.parent / "cold"
    shutil.copytree(harbour, cold)
    for site in (harbour, cold):
        source = site / "sources" / "2025-02-01-report-0.md"
        source.write_text(source.read_text(encoding="utf-8").replace("on Monday", "on Tuesday"), encoding="utf-8")
    shutil.rmtree(cold / ".briefs-cache")

    warm_report, cold_report = build(load_settings(harbour)), build(load_settings(cold))

    assert (warm_report.extracted, cold_report.extracted) == (1, 13)
    assert snapshot(harbour / "docs") == snapshot(cold / "docs")
    assert (harbour / "briefs-state.json").read_bytes() == (cold / "briefs-state.json").read_bytes()


def _damage_every_entry(site: Path, data: str) -> None:
    with closing(sqlite3.connect(site / ".briefs-cache" / "cache.sqlite")) as db, db:
        assert db.execute("UPDATE entries SET data = ?", (data,)).rowcount > 13


def test_a_damaged_cache_entry_is_extracted_again(harbour):
    before = snapshot(harbour / "docs")
    _damage_every_entry(harbour, "{not json")

    report = build(load_settings(harbour))

    assert report.extracted == 13
    assert snapshot(harbour / "docs") == before


NO_CITATIONS = '[[],[],[]]\n'  # an entry's first line: its table of citations, a column per field


@pytest.mark.parametrize("damage", [
    "[" * 100_000,                                                                  # nested past any sane depth
    NO_CITATIONS + '{"article": {"@Article": [7]}, "problems": []}',                 # a known type, a wrong field
    NO_CITATIONS + '{"article": null, "problems": [{"@Citation": ["x", 1, "t"]}]}',   # a known type where another belongs
    NO_CITATIONS + '{"article": null, "problems": [{"@Problem": ["x", "y", "z", null, "bad", 1]}]}',  # a field too many
    NO_CITATIONS + '{"@Nothing": []}',
    '{"article": null, "problems": []}',                                            # no table of citations
    '[["a.md"],[true],["t"]]\n{"article": null, "problems": []}',                  # a citation's sentence not a number
    '[["a.md","b.md"],[1],["t"]]\n{"article": null, "problems": []}',             # columns of different lengths
    '[["a.md"],[1],["t"]]\n{"article": {"@Article": ["a.md","a","A",null,"r",[],"","",'
    '[{"@Statement": ["t", [1]]}],[],[],[],[],[],0,[],""]}, "problems": []}',       # a citation not in the table
])
def test_a_cache_entry_of_the_wrong_shape_is_a_miss(harbour, damage):
    before = snapshot(harbour / "docs")
    _damage_every_entry(harbour, damage)
    (harbour / ".briefs-cache" / "stray").mkdir()

    report = build(load_settings(harbour))

    assert report.extracted == 13
    assert snapshot(harbour / "docs") == before


def test_moving_the_sources_folder_setting_extracts_again(harbour):
    config = harbour / "mkdocs.yml"
    folder = harbour / "sources" / "coast"
    folder.mkdir()
    for source in (harbour / "sources").glob("*.md"):
        source.rename(folder / source.name)
    moved = len(list(folder.iterdir()))
    assert build(load_settings(harbour)).extracted == moved
    config.write_text(config.read_text(encoding="utf-8").replace("sources: sources", "sources: sources/coast"),
                      encoding="utf-8")

    report = build(load_settings(harbour))

    assert report.extracted == moved  # regions came from folders below the old sources folder


def test_a_source_replaced_by_a_link_to_the_same_bytes_outside_is_refused(harbour, tmp_path):
    source = harbour / "sources" / "2025-02-01-report-0.md"
    outside = tmp_path / "outside.md"
    outside.write_bytes(source.read_bytes())
    source.unlink()
    source.symlink_to(outside)

    report = build(load_settings(harbour))

    assert any("2025-02-01-report-0.md" in p.path for p in report.problems if p.severity == "error")


def test_a_damaged_cache_file_is_a_cache_started_again(harbour):
    before = snapshot(harbour / "docs")
    database = harbour / ".briefs-cache" / "cache.sqlite"
    database.write_bytes(b"not a database" * 1000)

    first, second = build(load_settings(harbour)), build(load_settings(harbour))

    assert (first.extracted, second.extracted) == (13, 0)
    assert snapshot(harbour / "docs") == before
    assert database.read_bytes().startswith(b"SQLite format 3")


def test_a_lost_index_reads_the_articles_back_instead_of_extracting_them(harbour):
    before = snapshot(harbour / "docs")
    folder = harbour / ".briefs-cache"
    with closing(sqlite3.connect(folder / "cache.sqlite")) as db, db:
        assert db.execute("DELETE FROM entries WHERE name IN ('index', 'last-build')").rowcount == 2
    (folder / "left-over.json.123.tmp").write_text("{", encoding="utf-8")  # as an earlier builder left them
    (folder / "0123abcd.json").write_text("{}", encoding="utf-8")

    report = build(load_settings(harbour))

    assert report.extracted == 0
    assert snapshot(harbour / "docs") == before
    assert sorted(p.name for p in folder.iterdir()) == ["cache.sqlite"]


def test_a_touched_but_unchanged_source_is_not_extracted_again(harbour):
    (harbour / "sources" / "2025-02-01-report-0.md").touch()

    assert "(0 extracted" in invoke("build", "--site", harbour).output


def test_a_new_builder_or_registry_misses_the_cache(harbour):
    write(harbour / "actors.yml", "- name: Regional Council\n  kind: organization\n")

    assert "(13 extracted" in invoke("build", "--site", harbour).output


def test_parallel_and_serial_builds_write_the_same_bytes(tmp_path):
    sites = []
    for workers in (1, 2):
        site = new_site(tmp_path / f"site{workers}")
        _articles(site, PARALLEL_FROM + 5)
        report = build(load_settings(site), workers=workers)
        assert report.extracted == PARALLEL_FROM + 6
        sites.append(snapshot(site / "docs"))
    assert sites[0] == sites[1]


def test_a_parallel_build_refuses_to_overwrite_a_hand_written_page_and_changes_nothing(tmp_path):
    site = new_site(tmp_path / "site")
    _articles(site, PARALLEL_FROM + 5)
    assert invoke("build", "--site", site).exit_code == 0
    before = snapshot(site / "docs")
    # An article in a new region, whose page someone has already written by hand.
    write(site / "sources" / "2025-03-01-reef.md", ARTICLE.format(n=99, day=1, region="Reef", name="Coral"))
    write(site / "docs" / "briefs" / "reef" / "index.md", "# My own notes\n")

    result = invoke("build", "--site", site)

    assert result.exit_code == 1
    assert "reef/index.md: exists and was not written by the builder" in result.output
    assert snapshot(site / "docs") == {**before, "briefs/reef/index.md": b"# My own notes\n"}
    assert not list((site / "docs").glob(".briefs-*"))  # no staging folder left


def test_a_long_build_logs_progress_lines_when_not_on_a_terminal(tmp_path):
    site = new_site(tmp_path / "site")
    _articles(site, 120)

    result = invoke("build", "--site", site, "--jobs", "1")

    assert "extracted 100 of 121 articles" in result.output
    assert "extracted 121 of 121 articles" in result.output


def test_the_mkdocs_plugin_after_briefs_build_has_nothing_to_do(harbour, mkdocs):
    """`mkdocs build` runs the builder again: with nothing changed it only hashes."""
    result = mkdocs(harbour, "build", "--strict")

    assert result.returncode == 0, result.stderr
    summary = next(line for line in result.stderr.splitlines() if "briefs:" in line and "sources" in line)
    assert "0 extracted" in summary and "ingest" not in summary, summary  # no stage ran


def test_a_builder_failure_on_one_article_costs_that_article_not_the_build(harbour, monkeypatch):
    from builder import extract

    real = extract.article

    def failing(document, *args, **kwargs):
        if document.source.path.endswith("report-4.md"):
            raise KeyError("a bug")
        return real(document, *args, **kwargs)

    monkeypatch.setattr(extract, "article", failing)
    for source in (harbour / "sources").glob("*.md"):
        source.write_text(source.read_text(encoding="utf-8") + "\nThe council met again.\n", encoding="utf-8")

    result = invoke("build", "--site", harbour, "--jobs", "1")

    assert result.exit_code == 0, result.output
    assert "sources/2025-02-05-report-4.md: the builder failed on this article (KeyError: 'a bug')" in result.output
    assert "please report it" in result.output
    assert re.search(r"13 extracted, 0 cached, 1 skipped", result.output), result.output
    assert "Alder4" not in "".join(p.read_text(encoding="utf-8") for p in (harbour / "docs").rglob("*.md"))

    strict = invoke("build", "--site", harbour, "--jobs", "1", "--strict")
    assert strict.exit_code != 0
    assert "report-4.md: the builder failed" in strict.output
