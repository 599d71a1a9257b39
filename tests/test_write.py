"""Write: the output folder holds exactly the generated pages; unchanged pages
are not touched, stale ones go, and files written by hand are never modified
or deleted."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from builder.model import Page
from builder.write import MANIFEST, WriteError, publish
from support import snapshot, write

PAGES = (
    Page("index.md", "# Briefs\n"),
    Page("tags.md", "# Tags\n"),
    Page("valley/index.md", "# Valley\n"),
    Page("valley/bridge.md", "# Bridge reopens\n\nEngineers reopened the bridge. — café\n"),
)


@pytest.fixture
def output(tmp_path: Path) -> Path:
    return tmp_path / "docs" / "briefs"


def generated(output: Path) -> dict[str, str]:
    return {name: data.decode("utf-8") for name, data in snapshot(output).items() if name != MANIFEST}


def test_pages_are_written_as_utf8_with_their_exact_text(output):
    outcome = publish(PAGES, output)

    assert generated(output) == {page.path: page.text for page in PAGES}
    assert (outcome.written, outcome.unchanged, outcome.removed) == (4, 0, 0)


def test_manifest_lists_the_generated_pages(output):
    publish(PAGES, output)

    manifest = json.loads((output / MANIFEST).read_text(encoding="utf-8"))
    assert sorted(manifest["files"]) == sorted(page.path for page in PAGES)


def test_second_publish_of_the_same_pages_writes_nothing_and_keeps_mtimes(output):
    publish(PAGES, output)
    past = 1_600_000_000
    for path in output.rglob("*"):
        if path.is_file():
            os.utime(path, (past, past))

    outcome = publish(PAGES, output)

    assert (outcome.written, outcome.unchanged, outcome.removed) == (0, 4, 0)
    assert {p.stat().st_mtime for p in output.rglob("*") if p.is_file()} == {past}


def test_only_changed_pages_are_rewritten(output):
    publish(PAGES, output)
    past = 1_600_000_000
    for path in output.rglob("*.md"):
        os.utime(path, (past, past))
    changed = (*PAGES[:3], Page("valley/bridge.md", "# Bridge reopens\n\nUpdated.\n"))

    outcome = publish(changed, output)

    assert (outcome.written, outcome.unchanged) == (1, 3)
    assert (output / "valley" / "bridge.md").read_text(encoding="utf-8") == "# Bridge reopens\n\nUpdated.\n"
    assert (output / "valley" / "bridge.md").stat().st_mtime != past
    assert (output / "index.md").stat().st_mtime == past


def test_stale_generated_pages_are_removed_with_their_empty_folders(output):
    publish(PAGES, output)
    later = (Page("index.md", "# Briefs\n"), Page("tags.md", "# Tags\n"))

    outcome = publish(later, output)

    assert outcome.removed == 2
    assert set(generated(output)) == {"index.md", "tags.md"}
    assert not (output / "valley").exists()
    assert sorted(json.loads((output / MANIFEST).read_text(encoding="utf-8"))["files"]) == ["index.md", "tags.md"]


def test_hand_written_files_in_the_output_folder_are_never_modified_or_deleted(output):
    publish(PAGES, output)
    mine = {"notes.md": "My own notes.\n", "valley/editor.md": "Kept by hand.\n", ".hidden": "x"}
    for name, text in mine.items():
        write(output / name, text)
    before = snapshot(output)

    publish(PAGES, output)
    publish((Page("index.md", "# Briefs, changed\n"),), output)  # valley/* is now stale

    after = snapshot(output)
    for name, text in mine.items():
        assert after[name] == text.encode("utf-8"), name
    assert "valley/bridge.md" in before and "valley/bridge.md" not in after
    assert (output / "valley" / "editor.md").exists()


def test_a_generated_page_may_not_overwrite_a_hand_written_file(output):
    publish(PAGES, output)
    write(output / "valley" / "notes.md", "Mine.\n")
    before = snapshot(output)

    with pytest.raises(WriteError) as caught:
        publish((*PAGES, Page("valley/notes.md", "Generated.\n")), output)

    assert "valley/notes.md" in str(caught.value)
    assert snapshot(output) == before


@pytest.mark.parametrize("text", ["Generated.\n", "Mine.\n"])
def test_a_hand_written_file_or_folder_where_a_page_goes_is_refused_whatever_the_text(output, text):
    publish(PAGES, output)
    write(output / "valley" / "notes.md", "Mine.\n")
    write(output / "valley" / "folder.md" / "inside.md", "Mine too.\n")
    before = snapshot(output)

    for path in ("valley/notes.md", "valley/folder.md"):
        with pytest.raises(WriteError) as caught:
            publish((*PAGES, Page(path, text)), output)

        assert path in str(caught.value)
        assert snapshot(output) == before
    assert [p.name for p in output.parent.iterdir()] == ["briefs"]


def test_a_hand_written_file_is_protected_on_the_first_build_too(output):
    write(output / "index.md", "My own index.\n")

    with pytest.raises(WriteError) as caught:
        publish(PAGES, output)

    assert "index.md" in str(caught.value)
    assert (output / "index.md").read_text(encoding="utf-8") == "My own index.\n"


@pytest.mark.parametrize("path", ["../escape.md", "valley/../../escape.md", "/tmp/escape.md", "..", "a/../b.md"])
def test_a_path_outside_the_output_folder_is_refused(output, path):
    with pytest.raises(WriteError):
        publish((Page(path, "x\n"),), output)

    assert not (output.parent / "escape.md").exists()
    assert not output.exists() or not any(output.iterdir())


def test_the_same_path_twice_is_refused(output):
    with pytest.raises(WriteError):
        publish((Page("index.md", "a\n"), Page("index.md", "b\n")), output)


def test_a_manifest_entry_outside_the_output_folder_is_never_deleted(output):
    publish(PAGES, output)
    hand_written = write(output.parent / "index.md", "# My home page\n")
    manifest = json.loads((output / MANIFEST).read_text(encoding="utf-8"))
    manifest["files"].append("../index.md")
    (output / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")

    try:
        publish(PAGES, output)
    except WriteError:
        pass  # refusing the manifest is fine too

    assert hand_written.read_text(encoding="utf-8") == "# My home page\n"


def test_an_unreadable_manifest_is_a_write_error_and_nothing_changes(output):
    publish(PAGES, output)
    (output / MANIFEST).write_text("{not json", encoding="utf-8")
    before = snapshot(output)

    with pytest.raises(WriteError):
        publish(PAGES[:1], output)

    assert snapshot(output) == before


def test_no_staging_folder_is_left_behind(output):
    publish(PAGES, output)
    publish(PAGES[:2], output)

    assert [p.name for p in output.parent.iterdir()] == ["briefs"]
