"""The `briefs` command line: what a user types and sees, and its exit codes
(0 built, 1 build failed and nothing written, 2 usage or configuration error)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click
import pytest

from builder.cli import main
from support import SECTIONS, brief_pages, section_headings, snapshot, write

GOOD = """\
---
title: Ferry line to Orsk resumes
published: 2025-04-10
region: Orsk Coast
tags: [ferries]
---
The ferry line to Orsk resumed on Wednesday after a month without service, the harbour office said.

A second boat is set to join the route on Friday. The port union has not yet responded to the new timetable.
"""
BROKEN = "---\ntitle: Broken article\ntags: [ferries, ports\n---\nThe ferry sailed.\n"
TRACEBACK = "Traceback (most recent call last)"


@pytest.fixture
def ferry_site(empty_site: Path) -> Path:
    write(empty_site / "sources" / "2025-04-10-ferry.md", GOOD)
    return empty_site


def commands(group: click.Group = main, prefix: tuple[str, ...] = ()):
    for name, command in sorted(group.commands.items()):
        yield (*prefix, name), command
        if isinstance(command, click.Group):
            yield from commands(command, (*prefix, name))


@pytest.mark.parametrize(("path", "command"), [pytest.param(p, c, id=" ".join(p)) for p, c in commands()])
def test_every_command_has_help(briefs, path, command):
    assert (command.help or "").strip(), f"`briefs {' '.join(path)}` has no help text"
    result = briefs(*path, "--help")

    assert result.exit_code == 0
    assert command.help.strip().splitlines()[0] in result.output
    for parameter in command.params:
        if isinstance(parameter, click.Option) and not parameter.hidden:
            assert parameter.help, f"option {parameter.opts} of `briefs {' '.join(path)}` has no help"


def test_top_level_help_lists_the_commands(briefs):
    result = briefs("--help")

    assert result.exit_code == 0
    for name in ("build", "extract", "new"):
        assert re.search(rf"^\s+{name}\s+\S", result.output, re.MULTILINE), name
    assert "--verbose" in result.output


# --- build ----------------------------------------------------------------


def test_build_writes_the_briefs_and_prints_a_summary(briefs, ferry_site):
    result = briefs("build", "--site", ferry_site)

    assert result.exit_code == 0, result.output
    assert re.search(r"^briefs: 1 briefs? from 1 sources?\b.*pages? written", result.output, re.MULTILINE), result.output
    pages = brief_pages(ferry_site / "docs" / "briefs")
    assert list(pages) == ["orsk-coast/orsk-coast.md"]
    assert section_headings(pages["orsk-coast/orsk-coast.md"]) == list(SECTIONS)
    assert (ferry_site / "docs" / "briefs" / "index.md").exists()


def test_build_runs_in_the_current_folder_by_default(briefs, ferry_site):
    result = briefs("build", cwd=ferry_site)

    assert result.exit_code == 0, result.output
    assert (ferry_site / "docs" / "briefs" / "orsk-coast" / "orsk-coast.md").exists()


def test_verbose_build_works(briefs, ferry_site):
    result = briefs("-v", "build", "--site", ferry_site)

    assert result.exit_code == 0, result.output


def test_a_bad_source_is_reported_with_file_and_line_and_the_rest_is_built(briefs, ferry_site):
    write(ferry_site / "sources" / "2025-04-11-broken.md", BROKEN)

    result = briefs("build", "--site", ferry_site)

    assert result.exit_code == 0, result.output
    assert re.search(r"^sources/2025-04-11-broken\.md:\d+: front matter", result.output, re.MULTILINE), result.output
    assert TRACEBACK not in result.output
    assert list(brief_pages(ferry_site / "docs" / "briefs")) == ["orsk-coast/orsk-coast.md"]
    assert re.search(r"\b1 skipped\b", result.output)


def test_strict_build_with_a_bad_source_fails_and_changes_nothing(briefs, ferry_site):
    assert briefs("build", "--site", ferry_site).exit_code == 0
    write(ferry_site / "sources" / "2025-04-10-ferry.md", GOOD.replace("on Friday", "on Saturday"))
    write(ferry_site / "sources" / "2025-04-11-broken.md", BROKEN)
    before = snapshot(ferry_site / "docs")

    result = briefs("build", "--strict", "--site", ferry_site)

    assert result.exit_code == 1, result.output
    assert re.search(r"^sources/2025-04-11-broken\.md:\d+: ", result.output, re.MULTILINE), result.output
    assert TRACEBACK not in result.output
    assert snapshot(ferry_site / "docs") == before


def test_strict_build_of_a_fresh_site_with_a_bad_source_writes_nothing(briefs, ferry_site):
    write(ferry_site / "sources" / "2025-04-11-broken.md", BROKEN)
    before = snapshot(ferry_site / "docs")

    result = briefs("build", "--strict", "--site", ferry_site)

    assert result.exit_code == 1
    assert snapshot(ferry_site / "docs") == before
    assert not (ferry_site / "docs" / "briefs").exists()


def test_strict_build_of_good_sources_succeeds(briefs, ferry_site):
    result = briefs("build", "--strict", "--site", ferry_site)

    assert result.exit_code == 0, result.output


def test_unknown_front_matter_key_is_a_warning_that_strict_turns_into_a_failure(briefs, ferry_site):
    write(ferry_site / "sources" / "2025-04-10-ferry.md", GOOD.replace("tags:", "colour: blue\ntags:"))

    relaxed = briefs("build", "--site", ferry_site)
    strict = briefs("build", "--strict", "--site", ferry_site)

    assert relaxed.exit_code == 0
    assert "unknown key 'colour'" in relaxed.output
    assert strict.exit_code == 1


PLUGIN_ENTRY = "      templates: templates  # your overrides of the built-in page templates\n"


@pytest.mark.parametrize(("option", "key"), [
    ("colour: red", "colour"),
    ("output: ../elsewhere", "output"),
    ("output: /tmp/briefs", "output"),
    ("sources: 5", "sources"),
    ("templates: ''", "templates"),
])
def test_a_wrong_plugin_option_is_a_usage_error_naming_it(briefs, ferry_site, option, key):
    config = ferry_site / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert PLUGIN_ENTRY in text
    config.write_text(text.replace(PLUGIN_ENTRY, PLUGIN_ENTRY + f"      {option}\n"), encoding="utf-8")

    result = briefs("build", "--site", ferry_site)

    assert result.exit_code == 2, result.output
    assert f"Config value 'briefs.{key}'" in result.output
    assert TRACEBACK not in result.output
    assert not (ferry_site / "docs" / "briefs").exists()


def test_all_wrong_plugin_options_are_reported_at_once(briefs, ferry_site):
    config = ferry_site / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace(PLUGIN_ENTRY, PLUGIN_ENTRY + "      colour: red\n      registry: 3\n"), encoding="utf-8")

    result = briefs("build", "--site", ferry_site)

    assert result.exit_code == 2
    assert "Config value 'briefs.colour'" in result.output
    assert "Config value 'briefs.registry'" in result.output


def test_build_outside_a_site_is_a_usage_error(briefs, tmp_path):
    result = briefs("build", "--site", tmp_path)

    assert result.exit_code == 2
    assert "mkdocs.yml" in result.output
    assert TRACEBACK not in result.output


def test_a_hand_written_page_where_a_brief_page_goes_is_reported_on_the_first_build(briefs, ferry_site):
    mine = write(ferry_site / "docs" / "briefs" / "index.md", "# My own list\n")

    result = briefs("build", "--site", ferry_site)

    assert result.exit_code == 1
    assert "exists and was not written by the builder" in result.output
    assert "internal error" not in result.output
    assert mine.read_text(encoding="utf-8") == "# My own list\n"


# --- extract --------------------------------------------------------------


def test_extract_prints_json_with_the_documented_keys(briefs, tmp_path):
    article = write(tmp_path / "ferry.md", GOOD)

    result = briefs("extract", article, "--format", "json")

    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"title", "published", "summary", "background", "actors", "timeline", "temporal_expressions",
            "open_questions"} <= set(data)
    assert data["title"] == "Ferry line to Orsk resumes"
    assert data["published"] == "2025-04-10"
    assert all(isinstance(data[key], list) for key in ("background", "actors", "timeline", "temporal_expressions",
                                                       "open_questions"))


def test_extract_json_is_the_default_and_keeps_non_ascii_text(briefs, tmp_path):
    article = write(tmp_path / "cafe.txt", "Talks at the café in Orsk\n\nThe envoys met at the café on Monday – déjà vu.\n")

    result = briefs("extract", article)

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["title"] == "Talks at the café in Orsk"
    assert "café" in result.stdout


def test_extract_published_option_sets_the_date(briefs, tmp_path):
    article = write(tmp_path / "ferry.txt", "The ferry line to Orsk resumed on Wednesday, the harbour office said.\n")

    result = briefs("extract", article, "--published", "2025-04-10")

    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["published"] == "2025-04-10"
    assert any(event["date"] == "2025-04-09" for event in data["timeline"])


def test_extract_rejects_a_malformed_date(briefs, tmp_path):
    article = write(tmp_path / "ferry.txt", "The ferry line to Orsk resumed on Wednesday.\n")

    result = briefs("extract", article, "--published", "10/04/2025")

    assert result.exit_code == 2


def test_extract_md_prints_a_brief_page_with_the_six_sections(briefs, tmp_path):
    article = write(tmp_path / "ferry.md", GOOD)

    result = briefs("extract", article, "--format", "md", cwd=tmp_path)

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("---\n")
    assert "\n# Ferry line to Orsk resumes\n" in result.stdout
    assert section_headings(result.stdout) == list(SECTIONS)


def test_extract_reports_a_bad_file_without_a_traceback(briefs, tmp_path):
    article = write(tmp_path / "broken.md", BROKEN)

    result = briefs("extract", article)

    assert result.exit_code == 1
    assert re.search(r"broken\.md:\d+: front matter", result.output), result.output
    assert TRACEBACK not in result.output
    assert result.stdout == ""


def test_extract_of_a_missing_file_is_a_usage_error(briefs, tmp_path):
    assert briefs("extract", tmp_path / "missing.txt").exit_code == 2


# --- new ------------------------------------------------------------------


def test_new_creates_a_site_that_builds(briefs, tmp_path):
    result = briefs("new", tmp_path / "mysite")

    assert result.exit_code == 0, result.output
    site = tmp_path / "mysite"
    for part in ("mkdocs.yml", "docs/index.md", "templates/brief.md.j2"):
        assert (site / part).is_file(), part
    assert list((site / "sources").iterdir())
    assert briefs("build", "--site", site).exit_code == 0
    assert brief_pages(site / "docs" / "briefs")


def test_new_into_an_existing_empty_folder_is_fine(briefs, tmp_path):
    (tmp_path / "mysite").mkdir()

    assert briefs("new", tmp_path / "mysite").exit_code == 0
    assert (tmp_path / "mysite" / "mkdocs.yml").exists()


def test_new_into_a_folder_that_is_not_empty_is_a_usage_error_and_touches_nothing(briefs, tmp_path):
    folder = tmp_path / "mine"
    write(folder / "notes.txt", "keep me\n")

    result = briefs("new", folder)

    assert result.exit_code == 2
    assert "not empty" in result.output
    assert snapshot(folder) == {"notes.txt": b"keep me\n"}


def test_the_installed_command_exits_with_the_build_s_code_and_says_why(ferry_site, tmp_path):
    import os
    import subprocess
    import sys

    briefs = Path(sys.executable).parent / "briefs"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}

    built = subprocess.run([briefs, "build", "--site", ferry_site], capture_output=True, text=True, env=env)
    assert built.returncode == 0, built.stderr
    assert re.search(r"^briefs: \d+ briefs from \d+ sources", built.stderr, re.MULTILINE), built.stderr
    assert brief_pages(ferry_site / "docs" / "briefs")

    missing = subprocess.run([briefs, "build", "--site", tmp_path / "nowhere"], capture_output=True, text=True, env=env)
    assert missing.returncode == 2
    assert "mkdocs.yml: no such file" in missing.stderr

    write(ferry_site / "sources" / "2025-01-01-empty.md", "---\ntitle: [unclosed\n---\nText.\n")
    strict = subprocess.run([briefs, "build", "--strict", "--site", ferry_site], capture_output=True, text=True, env=env)
    assert strict.returncode == 1
    assert "2025-01-01-empty.md" in strict.stderr and "build failed" in strict.stderr
