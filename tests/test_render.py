"""Render: every value from a source is literal text in the page, whatever
it contains, and a site can restyle one section by overriding one block.

Pages are checked the way a reader gets them: converted to HTML with the
Markdown extensions of the site's mkdocs.yml and parsed.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import markdown
import pytest
import yaml
from hypothesis import given, settings, strategies as st
from bs4 import BeautifulSoup
from mkdocs.utils.meta import get_data

from builder import render
from builder.assemble import briefs as assemble
from builder.pipeline import extract_file
from builder.render import link, md_escape
from support import SECTIONS, write

SKELETON_CONFIG = Path(render.__file__).parent / "skeleton" / "mkdocs.yml"


def site_extensions() -> tuple[list[str], dict]:
    """The markdown_extensions of the site `briefs new` makes, as Python-Markdown takes them."""
    config = yaml.safe_load(SKELETON_CONFIG.read_text(encoding="utf-8"))
    names, settings = [], {}
    for entry in config["markdown_extensions"]:
        if isinstance(entry, dict):
            (name, options), = entry.items()
            names.append(name)
            settings[name] = options or {}
        else:
            names.append(entry)
    return names, settings


EXTENSIONS, EXTENSION_CONFIGS = site_extensions()


def to_html(text: str) -> BeautifulSoup:
    html = markdown.markdown(text, extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)
    soup = BeautifulSoup(html, "html.parser")
    for permalink in soup.select("a.headerlink"):
        permalink.decompose()
    return soup


def test_the_site_uses_only_the_expected_extensions():
    """The checks below assume no raw-HTML helpers (md_in_html, attr_list, snippets)."""
    assert set(EXTENSIONS) == {"footnotes", "tables", "toc"}


# --- md_escape ----------------------------------------------------------

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<a href=\"javascript:alert(1)\">click</a>",
    "[x](javascript:alert(1))",
    "[x]: javascript:alert(1)",
    "![pixel](https://tracker.example/p.gif)",
    "<https://evil.example/>",
    "https://evil.example/x",
    "# Breaking news",
    "## Also not a heading",
    "C# and F# # trailing",
    "===",
    "---",
    "***",
    "- not a list",
    "+ not a list",
    "* not a list",
    "> not a quote",
    "1) not a list",
    "{{ 1+1 }}",
    "{% if %}",
    "{# comment #}",
    '--8<-- "/etc/passwd"',
    "| a | b |",
    "*bold* _em_ __strong__ `code`",
    "[^1] footnote",
    "&lt;b&gt; &amp; &#60;script&#62;",
    "<!-- hidden -->",
    "back\\slash\\",
    "~~strike~~ ^sup^ ==mark== $math$",
    "a:b mailto:x@example.org",
    "text    with \t odd\n\nspacing",
]
CONTEXTS = {
    "paragraph": ("{}", "p"),
    "list item": ("- {}", "li"),
    "heading": ("# {}", "h1"),
    "table cell": ("| A | B |\n|---|---|\n| {} | z |", "td"),
    "footnote": ("x[^1]\n\n[^1]: {}", "div.footnote li p"),
}


def rendered_text(value: str, context: str) -> str:
    template, selector = CONTEXTS[context]
    element = to_html(template.format(md_escape(value))).select_one(selector)
    assert element is not None, (value, context)
    for backref in element.select("a.footnote-backref"):
        backref.decompose()
    return element.get_text().strip()


@pytest.mark.parametrize("context", CONTEXTS)
@pytest.mark.parametrize("value", HOSTILE)
def test_escaped_value_renders_as_exactly_its_text(value, context):
    assert rendered_text(value, context) == " ".join(value.split())


@pytest.mark.parametrize("value", ["1. not a list", "2.5 million people fled", "2025. A year of talks"])
def test_escaped_value_starting_with_a_number_and_a_dot_renders_as_its_text(value):
    assert rendered_text(value, "paragraph") == value


@pytest.mark.parametrize("value", HOSTILE)
def test_escaped_value_makes_no_markup(value):
    soup = to_html(md_escape(value))

    assert [element.name for element in soup.find_all(True)] == ["p"]


def test_escaped_value_is_one_line():
    assert "\n" not in md_escape("one\n\n# two\r\nthree")


@pytest.mark.parametrize("url", [
    "https://example.org/news/a", "http://example.org/", "HTTPS://EXAMPLE.ORG/X",
    "https://example.org/a_(b)?c=1&d=2#e", "https://example.org/&LT;", "https://example.org/&#60;x?q=&amp;",
])
def test_link_links_http_and_https_addresses(url):
    anchors = to_html(link("The article", url)).find_all("a")

    assert [(a.get("href"), a.get_text()) for a in anchors] == [(url, "The article")]


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)", "data:text/html,<script>x</script>",
    "vbscript:x", "file:///etc/passwd", "ftp://example.org/", "//evil.example/", "/relative/page",
    "https://example.org/a b", "https://example.org/<script>", 'https://example.org/"onmouseover="x',
    "https://example.org/a>(javascript:alert(1)", "", "https://", "mailto:x@example.org",
])
def test_link_does_not_link_other_addresses(url):
    rendered = link("The [article](javascript:alert(2))", url)
    soup = to_html(rendered)

    assert soup.find("a") is None
    assert soup.get_text().strip() == "The [article](javascript:alert(2))"


# --- a whole brief --------------------------------------------------------

TITLE = "<script>alert('title')</script> # {{ 1+1 }}"
HOSTILE_SOURCE = f"""\
---
title: "{TITLE}"
published: 2025-04-10
source: "<b onmouseover=alert(3)>Wire</b> | {{% if %}}"
url: "https://example.org/a)(javascript:alert(4)"
region: "<i>Marrow</i> | Valley"
tags: ["<script>x</script>", "river"]
actors:
  - name: "<svg onload=alert(5)> | Crew"
    kind: person
    role: "[x](javascript:alert(6))"
    aliases: ["# Alias", "| pipe |"]
events:
  - date: 2025-04-01
    event: "<iframe src=javascript:alert(7)></iframe> opened"
questions:
  - "# Is this a heading?"
background:
  - "# Not a heading"
  - '--8<-- "/etc/passwd"'
  - "=== not a setext line"
  - "A link [x](javascript:alert(1)) and <a href='javascript:alert(9)'>y</a> were pasted."
  - "Typed by mistake: {{{{ 1+1 }}}} and {{% if %}}"
---
# Breaking: engineers reopened the bridge on Wednesday <script>alert(8)</script> in the town.

Officials said {{{{ 1+1 }}}} and {{% if %}} were typed into the notice by mistake. A link [x](javascript:alert(1)) and <a href="javascript:alert(9)">y</a> were pasted too.

The text --8<-- "/etc/passwd" came from a template. The council has not yet responded to the complaint.

<img src=x onerror=alert(10)> The ferry | line reopened | too.
"""


@pytest.fixture(scope="module")
def hostile_page(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("hostile")
    article = extract_file(write(folder / "sources" / "2025-04-10-bridge.md", HOSTILE_SOURCE))
    (brief,), _ = assemble([article])
    return render.brief_page(brief, folder / "templates")


@pytest.fixture(scope="module")
def hostile_html(hostile_page) -> BeautifulSoup:
    body, _ = get_data(hostile_page)  # MkDocs takes the YAML front matter off first
    return to_html(body)


def test_page_front_matter_gives_mkdocs_the_title_and_tags_as_written(hostile_page):
    _, meta = get_data(hostile_page)

    assert html.unescape(meta["title"]) == TITLE  # HTML-escaped: Material prints it raw into the nav
    assert "<" not in meta["title"]
    assert isinstance(meta["tags"], list)
    assert "river" in meta["tags"]


def test_no_script_or_active_element(hostile_html):
    for name in ("script", "iframe", "img", "svg", "object", "embed", "style", "form", "input"):
        assert hostile_html.find(name) is None, name


def test_no_event_handler_attributes(hostile_html):
    for element in hostile_html.find_all(True):
        assert not [attribute for attribute in element.attrs if attribute.lower().startswith("on")], element


def test_links_are_only_footnotes_and_http(hostile_html):
    for anchor in hostile_html.find_all("a"):
        href = anchor.get("href", "")
        generated_page = href.endswith(".md") and ":" not in href  # a link the renderer made to an actor page
        assert href.startswith(("#", "https://", "http://")) or generated_page, anchor
        assert not href.lower().startswith("javascript"), anchor
    assert not [a for a in hostile_html.find_all("a") if a.get_text() in ("x", "y")]


def test_only_the_title_and_the_six_sections_are_headings(hostile_html):
    headings = [(h.name, h.get_text().strip()) for h in hostile_html.find_all(re.compile(r"^h\d$"))]

    assert headings == [("h1", TITLE)] + [("h2", section) for section in SECTIONS]


def test_template_and_include_syntax_stays_literal(hostile_html):
    text = hostile_html.get_text()

    assert "{{ 1+1 }}" in text
    assert "{% if %}" in text
    assert '--8<-- "/etc/passwd"' in text
    assert "[x](javascript:alert(1))" in text
    # A tag in a Markdown body is shown as text or dropped as markup, never run.
    assert "<script>alert(8)</script>" in text or "alert(8)" in text


def test_tables_keep_their_columns(hostile_html):
    for table in hostile_html.find_all("table"):
        width = len(table.find("tr").find_all(["th", "td"]))
        assert all(len(row.find_all(["th", "td"])) == width for row in table.find_all("tr")), table


def test_every_footnote_mark_has_its_note(hostile_html):
    marks = {a["href"] for a in hostile_html.select("a.footnote-ref")}
    notes = {"#" + li["id"] for li in hostile_html.select("div.footnote li")}

    assert marks and marks == notes


# --- template overrides -----------------------------------------------------

SUMMARY_OVERRIDE = """\
{% extends "base/brief.md.j2" %}
{% block summary %}
## Summary

In short: see the sources.

{% endblock %}
"""

PLAIN_SOURCE = """\
---
title: Bridge reopens
published: 2025-04-10
url: https://example.org/news/bridge
tags: [river]
---
Engineers reopened the old river bridge at Marrow Ford on Wednesday after a year of repairs.

The town council has not yet said who will pay for the last repairs.
"""


def sections(page: str) -> dict[str, str]:
    parts = re.split(r"^## (.+)$", page, flags=re.MULTILINE)
    return {"(head)": parts[0], **{parts[i]: parts[i + 1] for i in range(1, len(parts), 2)}}


def test_overriding_one_block_changes_only_that_section(tmp_path):
    article = extract_file(write(tmp_path / "sources" / "2025-04-10-bridge.md", PLAIN_SOURCE))
    (brief,), _ = assemble([article])
    default = render.brief_page(brief, tmp_path / "no-overrides")
    write(tmp_path / "templates" / "brief.md.j2", SUMMARY_OVERRIDE)

    overridden = render.brief_page(brief, tmp_path / "templates")

    before, after = sections(default), sections(overridden)
    assert list(before) == list(after) == ["(head)", *SECTIONS]
    assert after["Summary"].strip() == "In short: see the sources."
    assert "Engineers reopened" in before["Summary"]
    for name in ("(head)", *SECTIONS[1:]):
        assert after[name] == before[name], name


def test_an_empty_override_file_that_only_extends_renders_the_built_in_page(tmp_path):
    article = extract_file(write(tmp_path / "sources" / "2025-04-10-bridge.md", PLAIN_SOURCE))
    (brief,), _ = assemble([article])
    write(tmp_path / "templates" / "brief.md.j2", '{% extends "base/brief.md.j2" %}\n')

    assert render.brief_page(brief, tmp_path / "templates") == render.brief_page(brief, tmp_path / "none")


def test_a_line_many_sources_repeat_shows_its_first_and_latest_sources_and_a_count(tmp_path):
    article = """---
title: Report {n} on the pass
published: 2025-03-{day:02d}
region: Kell Pass
---
Road crews in Kell worked on the pass road for day {n} of the repairs.

The pass road was built in 1962 to link the two valleys across the mountains.
"""
    articles = [extract_file(write(tmp_path / f"{n}.md", article.format(n=n, day=n + 1))) for n in range(7)]
    (brief,), _ = assemble(articles)

    page = render.brief_page(brief, tmp_path)

    (row,) = [row for row in page.splitlines() if row.startswith("| 1962 |")]
    assert row.count("[^") == 3
    assert "(and 4 more sources) |" in row
    notes = re.findall(r"^\[\^\d+\]:", page, re.MULTILINE)
    assert len(notes) == len(set(re.findall(r"\[\^(\d+)\](?!:)", page)))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="AZaz09,.&#;():/- '\"!?", min_size=1, max_size=12), min_size=1, max_size=8))
def test_a_page_title_is_written_as_pyyaml_writes_it(words):
    title = " ".join(words)
    for data in ({"title": title}, {"title": title, "search": {"exclude": True}}):
        written = render.front_matter(data)
        expected = yaml.safe_dump({k: render._html_text(v) for k, v in data.items()}, allow_unicode=True,
                                  sort_keys=False, default_flow_style=False, width=1000)
        assert written == f"---\n{expected}---\n"
        assert yaml.safe_load(written[len("---\n"):-len("---\n")])["title"] == html.escape(" ".join(title.split()), quote=True)
