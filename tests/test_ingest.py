"""Ingest: .txt, .md (front matter) and .html files into a Source, with every
problem reported as ``path:line: message — fix``."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from builder.ingest import read_source
from builder.model import SourceError
from builder.pipeline import extract_json
from support import write

BODY = (
    "Engineers reopened the old river bridge at Marrow Ford on Monday after a year of repairs.\n\n"
    "The town council paid for most of the work and thanked the crews.\n"
)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A site folder; sources live in its sources/ folder, so recorded paths read sources/NAME."""
    return tmp_path


def read(root: Path, name: str, text: str | bytes, encoding: str = "utf-8"):
    path = root / "sources" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode(encoding))
    return read_source(path, root)


def refused(root: Path, name: str, text: str | bytes):
    with pytest.raises(SourceError) as caught:
        read(root, name, text)
    return caught.value.problem


# --- .txt ---------------------------------------------------------------


def test_txt_headline_becomes_the_title_and_is_not_part_of_the_body(root):
    source = read(root, "bridge.txt", "Old river bridge reopens after repairs\n\n" + BODY)

    assert source.format == "txt"
    assert source.meta["title"] == "Old river bridge reopens after repairs"
    assert source.text.lstrip().startswith("Engineers reopened")
    assert "Old river bridge reopens" not in source.text


def test_txt_headline_needs_no_blank_line_after_it(root):
    source = read(root, "bridge.txt", "Old river bridge reopens after repairs\n" + BODY)

    assert source.meta["title"] == "Old river bridge reopens after repairs"
    assert source.text.startswith("Engineers reopened")


def test_txt_without_headline_keeps_its_first_sentence_and_derives_the_title_from_the_lead(root):
    source = read(root, "bridge.txt", BODY)

    assert "title" not in source.meta
    assert source.text.startswith("Engineers reopened")

    title = extract_json(root / "sources" / "bridge.txt")["title"]
    lead = "Engineers reopened the old river bridge at Marrow Ford on Monday after a year of repairs."
    words = [w.strip(".,;:…") for w in title.split()]
    assert words and words[0] == "Engineers"
    assert all(w in lead for w in words if w), (title, lead)


def test_date_is_taken_from_a_dated_file_name(root):
    source = read(root, "2025-04-10-bridge.txt", BODY)

    assert source.meta["published"] == dt.date(2025, 4, 10)
    assert source.path == "sources/2025-04-10-bridge.txt"


@pytest.mark.parametrize("name", ["bridge.txt", "2025-13-40-bridge.txt", "bridge-2025-04-10.txt"])
def test_no_date_without_a_valid_dated_file_name(root, name):
    assert read(root, name, BODY).meta.get("published") is None


@pytest.mark.parametrize("dateline", ["April 10, 2025", "10 April 2025", "2025-04-10", "Apr. 10, 2025"])
def test_dateline_under_the_headline_gives_the_date_and_is_not_body_text(root, dateline):
    source = read(root, "2024-01-01-bridge.txt", f"Old river bridge reopens\n{dateline}\n\n{BODY}")

    assert source.meta["title"] == "Old river bridge reopens"
    assert source.meta["published"] == dt.date(2025, 4, 10)  # the dateline wins over the file name
    assert source.text.startswith("Engineers reopened")


# --- .md front matter ---------------------------------------------------


def test_md_front_matter_values_have_their_types(root):
    source = read(root, "bridge.md", (
        "---\n"
        "title: Old river bridge reopens\n"
        "published: 2025-04-10\n"
        "tags: [infrastructure, river]\n"
        "url: https://example.org/news/bridge\n"
        "region: Marrow Valley\n"
        "---\n" + BODY))

    assert source.format == "md"
    assert source.meta["title"] == "Old river bridge reopens"
    assert source.meta["published"] == dt.date(2025, 4, 10)
    assert list(source.meta["tags"]) == ["infrastructure", "river"]
    assert all(isinstance(tag, str) for tag in source.meta["tags"])
    assert source.meta["url"] == "https://example.org/news/bridge"
    assert source.text.startswith("Engineers reopened")
    assert source.warnings == ()


def test_md_quoted_date_and_single_tag_are_accepted(root):
    source = read(root, "bridge.md", '---\npublished: "2025-04-10"\ntags: river\n---\n' + BODY)

    assert source.meta["published"] == dt.date(2025, 4, 10)
    assert list(source.meta["tags"]) == ["river"]


@pytest.mark.parametrize(("text", "line"), [
    pytest.param(BODY, 1, id="no-front-matter"),
    pytest.param("---\ntitle: T\n---\n" + BODY, 4, id="front-matter"),
    pytest.param("---\ntitle: T\n---\n\n" + BODY, 5, id="front-matter-blank-line"),
])
def test_md_body_line_is_where_the_body_starts(root, text, line):
    source = read(root, "bridge.md", text)

    assert text.split("\n")[line - 1] == source.text.split("\n")[0]
    assert source.body_line == line


def test_txt_body_line_is_where_the_body_starts(root):
    source = read(root, "bridge.txt", "Old river bridge reopens\nApril 10, 2025\n\n" + BODY)

    assert source.body_line == 4


def test_md_without_front_matter_takes_its_date_from_the_file_name(root):
    source = read(root, "2025-04-10-bridge.md", BODY)

    assert source.meta["published"] == dt.date(2025, 4, 10)
    assert source.text.startswith("Engineers reopened")


MALFORMED = "---\ntitle: Old river bridge\ntags: [river, bridge\nregion: Marrow Valley\n---\n" + BODY
NOT_A_DATE = "---\ntitle: Old river bridge\nregion: Marrow Valley\npublished: yesterday\n---\n" + BODY
NOT_A_LIST = "---\ntitle: Old river bridge\nregion: Marrow Valley\ntags: 5\n---\n" + BODY
NO_CLOSING = "---\ntitle: Old river bridge\n" + BODY


@pytest.mark.parametrize(("text", "words"), [
    (MALFORMED, "not valid YAML"),
    (NOT_A_DATE, "'published' is not a date"),
    (NOT_A_LIST, "'tags' must be a list"),
    (NO_CLOSING, "closing '---'"),
], ids=["malformed-yaml", "published-yesterday", "tags-5", "no-closing-line"])
def test_bad_front_matter_is_an_error_naming_file_line_and_fix(root, text, words):
    problem = refused(root, "bridge.md", text)

    assert problem.path == "sources/bridge.md"
    assert isinstance(problem.line, int) and problem.line >= 1
    assert words in problem.message
    assert problem.fix
    assert str(problem) == f"sources/bridge.md:{problem.line}: {problem.message} — {problem.fix}"




@pytest.mark.parametrize(("text", "line"), [
    pytest.param(MALFORMED, 4, id="malformed-yaml"),
    pytest.param("---\ntitle: T\nregion: R\nnote: !!python/name:os.system\n---\n" + BODY, 4, id="python-tag",),
    pytest.param("---\ntitle: &name Bridge\nslug: *name\n---\n" + BODY, 2, id="anchor"),
    pytest.param(NOT_A_DATE, 4, id="published-yesterday"),
    pytest.param(NOT_A_LIST, 4, id="tags-5"),
    pytest.param("---\ntags: 5\ntitle: T\n---\n" + BODY, 2, id="tags-5-on-line-2"),
    pytest.param(NO_CLOSING, 1, id="no-closing-line"),
])
def test_front_matter_error_points_at_the_line_of_the_problem(root, text, line):
    """Line numbers count from the file's first line (the opening '---')."""
    assert refused(root, "bridge.md", text).line == line


@pytest.mark.parametrize("payload", [
    "!!python/object/apply:os.system ['touch {marker}']",
    "!!python/object/apply:subprocess.check_output [['touch', '{marker}']]",
    "!!python/object/new:os.system ['touch {marker}']",
])
def test_yaml_python_tags_are_refused_and_never_executed(root, payload):
    marker = root / "executed"
    problem = refused(root, "bridge.md", "---\ntitle: Bridge\nnote: " + payload.format(marker=marker)
                      + "\n---\n" + BODY)

    assert "tag" in problem.message
    assert problem.line is not None
    assert not marker.exists()


def test_yaml_tags_nested_in_lists_are_refused_too(root):
    marker = root / "executed"
    problem = refused(root, "bridge.md", f"---\ntags:\n  - river\n  - !!python/object/apply:os.system ['touch {marker}']\n---\n" + BODY)

    assert "tag" in problem.message
    assert not marker.exists()


@pytest.mark.parametrize("front", [
    "title: &t Old river bridge\nslug: *t\n",
    "base: &b {kind: person}\nactors:\n  - <<: *b\n    name: Ana Reyes\n",
    "a: &a [x, x, x]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]\n",
], ids=["alias", "merge-key", "nested-aliases"])
def test_yaml_anchors_and_aliases_are_refused(root, front):
    problem = refused(root, "bridge.md", f"---\n{front}---\n" + BODY)

    assert "anchors or aliases" in problem.message


def test_unknown_front_matter_key_is_a_warning_and_the_source_is_kept(root):
    source = read(root, "bridge.md", "---\ntitle: Old river bridge\ncolour: blue\n---\n" + BODY)

    assert "colour" not in source.meta
    assert source.meta["title"] == "Old river bridge"
    (warning,) = source.warnings
    assert warning.severity == "warning"
    assert warning.path == "sources/bridge.md"
    assert "'colour'" in warning.message
    assert re.match(r"sources/bridge\.md:\d+: ", str(warning))


def test_front_matter_that_is_not_a_mapping_is_refused(root):
    problem = refused(root, "bridge.md", "---\n- one\n- two\n---\n" + BODY)

    assert "mapping" in problem.message


def test_bad_url_in_front_matter_is_refused(root):
    problem = refused(root, "bridge.md", "---\nurl: javascript:alert(1)\n---\n" + BODY)

    assert "'url'" in problem.message


# --- encodings ----------------------------------------------------------

PHRASE = "café – déjà"
ARTICLE = f"Talks at the {PHRASE} vu for the envoys\n\nThe envoys met at a café in Sainte-Marie on Monday. They said the talks were “useful” – déjà vu, one added.\n"


@pytest.mark.parametrize("encode", [
    pytest.param(lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"), id="utf-8-bom"),
    pytest.param(lambda t: t.encode("utf-16"), id="utf-16"),
    pytest.param(lambda t: b"\xff\xfe" + t.encode("utf-16-le"), id="utf-16-le-bom"),
    pytest.param(lambda t: b"\xfe\xff" + t.encode("utf-16-be"), id="utf-16-be-bom"),
    pytest.param(lambda t: t.encode("cp1252"), id="cp1252"),
    pytest.param(lambda t: t.replace("\n", "\r\n").encode("utf-8"), id="crlf"),
])
def test_encodings_decode_to_the_same_text(root, encode):
    source = read(root, "talks.txt", encode(ARTICLE))

    assert source.meta["title"] == f"Talks at the {PHRASE} vu for the envoys"
    assert source.text == ARTICLE.split("\n\n", 1)[1]
    assert "\ufeff" not in source.text and "\r" not in source.text


@pytest.mark.parametrize("text", [
    pytest.param(f"Menu\n\nWe met at the {PHRASE} again on Monday.\n", id="in-an-article"),
    pytest.param(PHRASE + "\n", id="alone"),
])
def test_cp1252_phrase_decodes_right(root, text):
    source = read(root, "note.txt", text.encode("cp1252"))

    assert PHRASE in source.text or PHRASE in source.meta.get("title", "")
    assert "й" not in source.text


@pytest.mark.parametrize("data", [
    b"Bridge reopens\n\nEngineers\x00 reopened the bridge.\n",
    b"Bridge reopens\n\nEngineers\x00\xff\xfe reopened the bridge.\n",
], ids=["utf-8", "invalid-utf-8"])
def test_nul_bytes_are_an_error(root, data):
    problem = refused(root, "bridge.txt", data)

    assert problem.path == "sources/bridge.txt"
    assert "NUL" in problem.message


def test_unsupported_file_type_is_an_error(root):
    problem = refused(root, "bridge.pdf", b"%PDF-1.7")

    assert "unsupported" in problem.message


# --- .html --------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Harbour reopens after storm repairs | Coastal Courier</title>
<meta name="date" content="2025-03-18">
<meta property="og:site_name" content="Coastal Courier">
<meta property="og:title" content="Harbour reopens after storm repairs">
<script>var tracking = "pixel";</script>
</head>
<body>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/weather">Weather desk</a></li>
<li><a href="/sport">Sport section</a></li></ul></nav></header>
<main><article>
<h1>Harbour reopens after storm repairs</h1>
<p>The northern harbour of Velmora reopened to fishing boats on Monday after six weeks of repairs to the sea wall, the port authority said.</p>
<p>Engineers replaced two hundred metres of the wall, which a winter storm had breached in January. The work cost more than the council had planned, and the final bill has not yet been agreed.</p>
<p>Fishermen welcomed the reopening but said the closure had cost them most of the season. The port authority plans a second phase of work next spring.</p>
</article></main>
<footer><p>Contact the newsroom</p><p>&copy; 2025 Coastal Courier. All rights reserved.</p>
<nav><a href="/privacy">Privacy policy</a></nav></footer>
</body>
</html>
"""


def test_html_main_text_title_and_date(root):
    source = read(root, "harbour.html", PAGE)

    assert source.format == "html"
    assert source.meta["title"] == "Harbour reopens after storm repairs"
    assert source.meta["published"] == dt.date(2025, 3, 18)
    assert source.text.startswith("The northern harbour of Velmora reopened")
    assert "The port authority plans a second phase of work next spring." in source.text
    assert "Harbour reopens after storm repairs" not in source.text  # the h1 is the title, not body
    for boilerplate in ("Weather desk", "Sport section", "Privacy policy", "All rights reserved",
                        "Contact the newsroom", "tracking"):
        assert boilerplate not in source.text


def test_html_paragraphs_stay_paragraphs(root):
    source = read(root, "harbour.html", PAGE)

    assert len([p for p in source.text.split("\n\n") if p.strip()]) == 3


def test_html_without_article_text_is_an_error(root):
    problem = refused(root, "empty.html", "<html><head><title>Saved page</title></head>"
                                     "<body><script>var consent = 1;</script><div> </div></body></html>")

    assert problem.path == "sources/empty.html"
    assert "no article text" in problem.message


def test_path_is_recorded_relative_to_the_root_with_slashes(root):
    write(root / "sources" / "syria" / "2025-04-10-talks.txt", BODY)

    source = read_source(root / "sources" / "syria" / "2025-04-10-talks.txt", root)

    assert source.path == "sources/syria/2025-04-10-talks.txt"
