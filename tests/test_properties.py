"""Property-based tests (Hypothesis) of untrusted input (issue 5).

(a) random text, markup and Unicode through ingest -> normalize -> extract ->
    assemble -> changes -> render: only SourceError escapes, and the pages, converted
    with the Markdown extensions a site uses, hold only elements and
    attributes from the templates' allow-list;
(b) random front matter: read_source returns a checked Source or raises a
    SourceError naming the file as `path[:line]: message — fix`;
(c) a few generated hostile sources in a real `mkdocs build --strict`, the
    built pages checked the same way.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path

import markdown
import pytest
import yaml
from bs4 import BeautifulSoup, Comment
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from builder import assemble, changes, extract, ingest, normalize, render
from builder.config import Settings
from builder.model import Source, SourceError
from hostile_support import MARK, PROBLEM_LINE, html_violations, outside_feed_allow_list, scripts_of, soup_of
from support import new_site

# --- strategies -------------------------------------------------------------------

MARKUP = [
    f"<script>alert('{MARK}')</script>", f"<img src=x onerror=alert('{MARK}')>", f"<a href=\"javascript:alert('{MARK}')\">x</a>",
    "javascript:alert(1)", f"[a](javascript:alert('{MARK}'))", "[b](data:text/html,zqx)", "[c](zqxpage.md)", "![i](x.png)",
    '--8<-- "/etc/passwd"', "--8<--", f"{{: onclick=\"alert('{MARK}')\" }}", "{: #zqxid .zqxclass }", "!!! note", "??? tip",
    "```mermaid", "```", "~~~", "# ", "## ", "\n---\n", "\n***\n", "\n===\n", "---", "{{ 7*7 }}", "{% raw %}", "{% endraw %}",
    "{# c #}", "{%", "%}", "\n\n", "\n", "\r\n", "\r", "|", "| a | b |\n|---|---|\n", "|:--|", "*", "**", "_", "__", "`", "``",
    "[^1]", "[^1]: x", "[^zqx]: y", "<!--", "-->", "&lt;", "&#60;", "&amp;", "&", "\\", "    ", "\t", "1. ", "1) ", "- ", "+ ",
    "> ", "<https://zqx.example>", "http://zqx.example/", "[x]: javascript:alert(1)", ":", "::", "<div markdown=\"1\">",
    "</div>", "<style>", "<iframe>", "$$", "~~", "==", "^^", "++", "@", "%", "<", ">", '"', "'", "\u200b", "\u202e", "\ufeff",
    "\x0b", "\x0c", "\x1b[31m", "\u2028", "\x85", "ﬁ", "é", "Ａ", "\U0001f600",
]
PROSE = [
    "The council met on Monday.", "It remains unclear whether the talks will resume.",
    "Officials said on Friday that Syria would join.", "President Maria Lopez is expected to visit Turkey in June.",
    "The ferry has run since 2016.", "Will the union accept the offer?",
    "The Regional Security Council approved the plan on 12 March 2025.", "Hezbollah and the EU disagreed.",
]
characters = st.characters(exclude_categories=("Cs",))  # anything UTF-8 can hold: controls, marks, RTL, emoji
pieces = st.one_of(st.text(characters, max_size=12), st.sampled_from(MARKUP), st.sampled_from(PROSE))
hostile_text = st.lists(pieces, max_size=25).map("".join)
hostile_line = st.lists(pieces, min_size=1, max_size=6).map("".join)
# The same without NUL, which rightly makes a file "binary": for sources that must be published.
text_characters = st.characters(exclude_categories=("Cs",), exclude_characters="\x00")
text_pieces = st.one_of(st.text(text_characters, max_size=12), st.sampled_from(MARKUP), st.sampled_from(PROSE))


@st.composite
def front_matter(draw) -> dict:
    """Front matter of the known keys, every text value hostile."""
    meta = {}
    for key in ("title", "region", "source", "brief", "author", "license"):
        if draw(st.booleans()):
            meta[key] = draw(hostile_line)
    if draw(st.booleans()):
        meta["published"] = draw(st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31)))
    if draw(st.booleans()):
        meta["url"] = draw(st.one_of(st.sampled_from(["https://example.org/a", "http://example.org/b?q=<x>&y=\"z\"",
                                                       "https://example.org/(x)[y]`z`", "javascript:alert(1)"]),
                                     hostile_line.map(lambda t: "https://example.org/" + t)))
    for key in ("tags", "questions", "background"):
        if draw(st.booleans()):
            meta[key] = draw(st.lists(hostile_line, max_size=3))
    if draw(st.booleans()):
        meta["actors"] = draw(st.lists(st.fixed_dictionaries(
            {"name": hostile_line}, optional={"kind": st.sampled_from(ingest.KINDS), "role": hostile_line,
                                              "aliases": st.lists(hostile_line, max_size=2)}), max_size=2))
    if draw(st.booleans()):
        meta["events"] = draw(st.lists(st.fixed_dictionaries(
            {"event": hostile_line}, optional={"date": st.dates(dt.date(2000, 1, 1), dt.date(2030, 1, 1)),
                                               "status": hostile_line}), max_size=2))
    return meta


def as_file(fmt: str, meta: dict, body: str) -> str:
    if fmt == "md":
        return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n" + body
    if fmt == "html":
        return f"<html><head><title>{meta.get('title', '')}</title></head><body><article><p>{body}</p></article></body></html>"
    return body


# --- the Markdown a site renders, and what the templates may produce -------------------


@lru_cache(maxsize=1)
def site_markdown() -> markdown.Markdown:
    """Python-Markdown with the extensions of the `briefs new` skeleton's mkdocs.yml,
    plus those MkDocs always adds (toc, tables, fenced_code)."""
    config = yaml.safe_load((resources.files("builder") / "skeleton" / "mkdocs.yml").read_text(encoding="utf-8"))
    extensions, configs = ["toc", "tables", "fenced_code"], {}
    for entry in config.get("markdown_extensions") or ():
        name, options = (entry, None) if isinstance(entry, str) else next(iter(entry.items()))
        if name not in extensions:
            extensions.append(name)
        if options:
            configs[name] = options
    return markdown.Markdown(extensions=extensions, extension_configs=configs)


ALLOWED = {  # element: attributes, as the built-in templates produce them
    "h1": {"id"}, "h2": {"id"}, "p": set(), "ul": set(), "ol": set(), "li": {"id"}, "blockquote": set(),
    "table": set(), "thead": set(), "tbody": set(), "tr": set(), "th": set(), "td": set(),
    "strong": set(), "em": set(), "sup": {"id"}, "div": {"class"}, "hr": set(), "a": {"href", "class", "title"},
}
CLASSES = {"a": {"headerlink", "footnote-ref", "footnote-backref"}, "div": {"footnote"}}
TITLES = re.compile(r"Permanent link|Jump back to footnote \d+ in the text")
MATERIAL = {"nav": {"class"}, "span": {"class"}}  # Material's tag list at the top of a built page
MATERIAL_CLASSES = {"nav": {"md-tags"}, "span": {"md-tag"}, "a": {"md-tag"}}
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
GENERATED_LINK = re.compile(r"^(?:\.\./)*(?:[a-z0-9-]+/)*[a-z0-9-]+\.(?:md|xml)$")


def outside_allow_list(root, urls: set[str], link_ok, material: bool = False) -> list[str]:
    """Elements, attributes, classes and links under ``root`` that the templates
    do not make. ``link_ok(href)`` judges a relative link."""
    allowed = {**ALLOWED, **MATERIAL} if material else ALLOWED
    classes = {k: CLASSES.get(k, set()) | (MATERIAL_CLASSES.get(k, set()) if material else set())
               for k in set(CLASSES) | set(MATERIAL_CLASSES)}
    found = []
    for element in root.find_all(True):
        if element.name not in allowed:
            found.append(f"<{element.name}>: {str(element)[:100]}")
            continue
        for name, value in element.attrs.items():
            if name not in allowed[element.name]:
                found.append(f"<{element.name} {name}=...>: {str(element)[:100]}")
        unexpected = set(element.get("class") or ()) - classes.get(element.name, set())
        if unexpected:
            found.append(f"<{element.name} class={sorted(unexpected)}>")
        if element.get("title") is not None and not TITLES.fullmatch(element["title"]):
            found.append(f"<{element.name} title={element['title'][:60]!r}>")
        href = element.get("href")
        if href is None or href.startswith("#"):
            continue
        if SCHEME.match(href):
            if not (href.startswith(("http://", "https://")) and href in urls):
                found.append(f"link not from a source's url: {href[:100]!r}")
        elif not link_ok(href):
            found.append(f"relative link the renderer did not make: {href[:100]!r}")
    return found


def comments(root) -> list[str]:
    return [str(c).strip() for c in root.find_all(string=lambda s: isinstance(s, Comment))]


def split_front_matter(text: str) -> tuple[dict, str]:
    assert text.startswith("---\n"), text[:80]
    head, body = text[4:].split("\n---\n", 1)
    return yaml.safe_load(head), body


# --- (a) random text through the pipeline ------------------------------------------------


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Settings:
    site = tmp_path_factory.mktemp("properties")
    (site / "sources").mkdir()
    return Settings(site_dir=site)


def pipeline(path: Path, settings: Settings) -> tuple[Source, tuple] | None:
    """ingest -> normalize -> extract -> assemble -> changes -> render, as the build
    runs them; every item is marked new (as after a second build), so that the
    "new since" lines and the feed are rendered too."""
    source = ingest.read_source(path, settings.site_dir, confine=settings.sources_path)
    document = normalize.clean(source)
    if not document.sentences:
        return None  # the build reports "no article text" for this one
    article = extract.article(document, (), settings.default_region)
    briefs, _ = assemble.briefs([article], settings.group)
    briefs, _ = changes.compare(briefs, changes.State(1, {}))
    return source, tuple(part() for part in render.site(briefs, settings))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(fmt=st.sampled_from(["md", "txt", "md", "html"]), meta=front_matter(), body=hostile_text)
def test_random_text_renders_to_nothing_but_the_templates_markup(workspace, fmt, meta, body):
    path = workspace.sources_path / f"2025-04-10-random.{fmt}"
    path.write_bytes(as_file(fmt, meta, body).encode("utf-8"))
    try:
        built = pipeline(path, workspace)
    except SourceError as error:
        assert error.problem.path == f"sources/{path.name}"
        return
    if built is None:
        return
    source, pages = built
    paths = {page.path for page in pages}
    urls = {source.meta["url"]} if source.meta.get("url") else set()
    md = site_markdown()
    for page in pages:
        if page.path.endswith(".xml"):
            assert outside_feed_allow_list(page.text) == [], page.text
            continue
        assert page.path.endswith(".md"), page.path
        head, body_md = split_front_matter(page.text)
        for value in head.values():
            for text in value if isinstance(value, list) else [value]:
                assert not re.search(r"[<>\"]", str(text)), (page.path, head)   # HTML-escaped for <title> and nav
        html = md.reset().convert(body_md)
        root = BeautifulSoup(html, "html.parser")

        def made_by_renderer(href: str, here: str = page.path) -> bool:
            target = posixpath.normpath(posixpath.join(posixpath.dirname(here), href))
            return bool(GENERATED_LINK.match(href)) and target in paths

        assert outside_allow_list(root, urls, made_by_renderer) == [], (page.path, body_md)
        assert set(comments(root)) <= {"material/tags"}, (page.path, body_md)


# --- (b) random front matter -----------------------------------------------------------------

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(characters, max_size=20),
                    st.dates(), st.datetimes(), st.sampled_from(["yesterday", "2025-13-45", "https://x.org", "javascript:x",
                                                                  "person", "state", "", "  ", "../../x"]))
keys = st.one_of(st.sampled_from(sorted(ingest.FRONT_MATTER)), st.sampled_from(["name", "kind", "role", "aliases", "date",
                                                                                   "event", "status", "question"]),
                 st.text(characters, max_size=10), st.integers(), st.booleans(), st.dates())
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(keys, inner, max_size=4)), max_leaves=12)
TEXT_KEYS = {key for key, kind in ingest.FRONT_MATTER.items() if kind == "str"}


def read_front_matter(workspace: Settings, meta: dict) -> tuple[Source | SourceError, int]:
    path = workspace.sources_path / "front-matter.md"
    text = "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\nThe council met on Monday.\n"
    path.write_text(text, encoding="utf-8")
    try:
        return ingest.read_source(path, workspace.site_dir), text.count("\n")
    except SourceError as error:
        return error, text.count("\n")


@settings(max_examples=250, deadline=None)
@given(meta=st.dictionaries(keys, values, max_size=8))
def test_random_front_matter_gives_a_source_or_an_error_naming_the_file(workspace, meta):
    read, lines = read_front_matter(workspace, meta)
    name = "sources/front-matter.md"
    if isinstance(read, SourceError):
        problem = read.problem
        assert problem.path == name and problem.severity == "error"
        assert str(problem).startswith(f"{name}:") and problem.message and problem.fix, str(problem)
        assert problem.line is None or 1 <= problem.line <= lines, (problem, lines)
        return
    source = read
    assert set(source.meta) <= set(ingest.FRONT_MATTER)
    for key in TEXT_KEYS & set(source.meta):
        assert isinstance(source.meta[key], str) and source.meta[key].strip() and "\n" not in source.meta[key]
    if "published" in source.meta and source.meta["published"] is not None:
        assert type(source.meta["published"]) is dt.date
    if "url" in source.meta:
        assert re.match(r"^https?://\S+$", source.meta["url"], re.IGNORECASE)
    if "tags" in source.meta:
        assert all(isinstance(tag, str) and tag for tag in source.meta["tags"])
    for warning in source.warnings:
        assert warning.path == name and warning.severity == "warning" and str(warning).startswith(f"{name}:")


@settings(max_examples=100, deadline=None)
@example(meta={"\n": None})
@example(meta={"x\nsources/other.md:1: fine — nothing to do": 1, "\x1b[2J": 2})
@given(meta=st.dictionaries(keys, values, max_size=8))
def test_every_front_matter_problem_is_one_printable_line(workspace, meta):
    read, _ = read_front_matter(workspace, meta)
    problems = [read.problem] if isinstance(read, SourceError) else list(read.warnings)
    for problem in problems:
        assert PROBLEM_LINE.fullmatch(str(problem)), str(problem)
        assert not re.search(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]", str(problem)), str(problem)


# --- (c) a real mkdocs build --strict of generated hostile sources ------------------------------

body_with_prose = st.tuples(st.sampled_from(PROSE), st.lists(text_pieces, max_size=25).map("".join)).map(
    lambda pair: pair[0] + "\n\n" + pair[1])
valid_line = st.lists(text_pieces, min_size=1, max_size=6).map("".join).filter(lambda t: " ".join(t.split()))


@st.composite
def publishable_article(draw) -> str:
    """A hostile but valid .md article: every value random text, nothing a strict build may refuse."""
    meta = {"title": draw(valid_line), "published": draw(st.dates(dt.date(2000, 1, 1), dt.date(2030, 1, 1))),
            "region": draw(st.one_of(valid_line, st.sampled_from(["Orsk Coast", "Marrow Valley"]))),
            "source": draw(valid_line), "tags": draw(st.lists(valid_line, max_size=2)),
            "questions": draw(st.lists(valid_line, max_size=1)), "background": draw(st.lists(valid_line, max_size=1)),
            "actors": [{"name": draw(valid_line), "kind": "person", "role": draw(valid_line)}]}
    return as_file("md", meta, draw(body_with_prose))


@pytest.fixture(scope="module")
def strict_site(tmp_path_factory, mkdocs):
    """A site from `briefs new` and the scripts Material puts in it by itself."""
    site = new_site(tmp_path_factory.mktemp("strict") / "site")
    for example_article in (site / "sources").iterdir():
        example_article.unlink()
    result = mkdocs(site, "build", "--strict")
    assert result.returncode == 0, result.stderr
    return site, scripts_of(site / "site"), mkdocs


# Each example is a real build (about a second): few examples, and no shrinking,
# which would run hundreds of builds; a failure prints the sources it built.
@settings(max_examples=3, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(articles=st.lists(publishable_article(), min_size=3, max_size=5))
def test_generated_hostile_sources_build_strict_into_safe_html(strict_site, articles):
    site, material_scripts, mkdocs = strict_site
    for old in (site / "sources").glob("generated-*.md"):
        old.unlink()
    for number, text in enumerate(articles):
        (site / "sources" / f"generated-{number}.md").write_text(text, encoding="utf-8")

    result = mkdocs(site, "build", "--strict")

    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    built = site / "site"
    assert html_violations(built, allowed_scripts=material_scripts) == []
    urls = set()
    for page in sorted((built / "briefs").rglob("*.html")):
        soup = soup_of(page)
        article = soup.find("article")

        def exists(href: str, here: Path = page) -> bool:
            target = (here.parent / href.split("#")[0]).resolve()
            return target.is_relative_to(built.resolve()) and (target.is_file() or (target / "index.html").is_file())

        assert outside_allow_list(article, urls, exists, material=True) == [], page
        title = soup.find("title")
        assert title is not None and not title.find_all(True), page   # nothing closed <title> early
