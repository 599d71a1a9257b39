"""Golden test: the repository's example sources, built with `briefs build`,
compared byte for byte with tests/golden/example/.

When a change to the builder changes the output on purpose, look at the
diff, then accept it with

    .venv/bin/pytest tests/test_golden.py --update-golden

and commit the rewritten files with the change.
"""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest

from support import REPO, invoke, snapshot, write

GOLDEN = Path(__file__).parent / "golden" / "example"
ACCEPT = "if the change is intended, run `pytest tests/test_golden.py --update-golden` and commit tests/golden/"


def golden_files() -> list[str]:
    return sorted(snapshot(GOLDEN)) if GOLDEN.is_dir() else []


@pytest.fixture(scope="module")
def generated(tmp_path_factory, update_golden) -> dict[str, bytes]:
    """docs/briefs/ of the example site, built in a temporary copy of it
    (rewritten into tests/golden/example/ with --update-golden)."""
    site = tmp_path_factory.mktemp("golden") / "example"
    site.mkdir()
    shutil.copy(REPO / "mkdocs.yml", site / "mkdocs.yml")
    shutil.copytree(REPO / "sources", site / "sources")
    shutil.copytree(REPO / "templates", site / "templates")
    write(site / "docs" / "index.md", (REPO / "docs" / "index.md").read_text(encoding="utf-8"))

    result = invoke("build", "--site", site)

    assert result.exit_code == 0, result.output
    output = snapshot(site / "docs" / "briefs")
    if update_golden:
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for name, data in output.items():
            target = GOLDEN / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    return output


def test_the_same_files_are_generated(generated):
    expected = golden_files()

    assert expected, f"no golden files in {GOLDEN}: {ACCEPT}"
    assert sorted(generated) == expected, ACCEPT


@pytest.mark.parametrize("name", golden_files())
def test_generated_file_matches_golden(generated, name):
    expected = (GOLDEN / name).read_bytes()
    actual = generated.get(name)

    assert actual is not None, f"{name} is no longer generated; {ACCEPT}"
    if actual != expected:
        diff = "".join(difflib.unified_diff(expected.decode("utf-8", "replace").splitlines(keepends=True),
                                            actual.decode("utf-8", "replace").splitlines(keepends=True),
                                            f"golden/example/{name}", f"generated/{name}"))
        pytest.fail(f"{name} differs from the golden file; {ACCEPT}\n{diff}", pytrace=False)
