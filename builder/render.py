"""Render briefs to Markdown pages with Jinja2.

Templates are looked up in the site's ``templates/`` folder first, then in the
built-in set (also reachable as ``base/NAME`` so an override can extend it and
replace one block). Every value a template prints is escaped for Markdown by
the environment's ``finalize``: text from a source can never become HTML,
Markdown structure or template code. Only ``Markup`` values built here
(links, footnote marks) pass through as they are.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

import jinja2
import yaml
from markupsafe import Markup

from .config import Settings
from .extract import slugify
from .model import Brief, Citation, Page

_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "|": "&#124;", "~": "&#126;", "^": "&#94;", "=": "&#61;",
             "$": "&#36;", "@": "&#64;", ":": "&#58;", "%": "&#37;"}
_BACKSLASHED = set("\\`*_{}[]()#+!")
_SPECIAL = re.compile(r"[&<>|~^=$@%\\`*_{}\[\]()#+!]|:(?=\S)")
_LEADING = re.compile(r"^(\s*)(?:(?P<mark>[-.])|(?P<number>\d+)\.(?=\s|$))")


def md_escape(value: Any) -> str:
    """One line of literal text, safe anywhere in a Markdown line."""
    text = " ".join(str(value).split())
    text = _SPECIAL.sub(lambda m: "\\" + m[0] if m[0] in _BACKSLASHED else _ENTITIES[m[0][0]], text)
    return _LEADING.sub(_escape_leading, text)


def _escape_leading(match: re.Match) -> str:
    """"- x" and "1. x" would start a list: escape the marker, not the number."""
    if match["number"]:
        return f"{match[1]}{match['number']}\\."
    return f"{match[1]}\\{match['mark']}"


def _finalize(value: Any) -> Any:
    if isinstance(value, Markup) or value is None or isinstance(value, (int, float)):
        return "" if value is None else value
    return md_escape(value)


def link(text: str, url: str) -> Markup:
    """A Markdown link, only for http(s) URLs; other text stays plain."""
    if not re.fullmatch(r"https?://[^\s<>\"`\\]+", url or "", re.IGNORECASE):
        return Markup(md_escape(text))
    return Markup(f"[{md_escape(text)}](<{url}>)")


def page_link(text: str, path: str) -> Markup:
    """A link to a generated page; ``path`` is built here from slugs, never from a source."""
    return Markup(f"[{md_escape(text)}]({path})")


def front_matter(data: dict[str, Any]) -> Markup:
    """A YAML block for MkDocs and Material (title, tags). MkDocs takes the
    page title from it and Material prints it into the nav and <title>
    unescaped, so text is HTML-escaped here (browsers show the entities as
    the characters the source had)."""
    safe = {key: _html_text(value) for key, value in data.items()}
    dumped = yaml.safe_dump(safe, allow_unicode=True, sort_keys=False, default_flow_style=False, width=1000)
    return Markup(f"---\n{dumped}---\n")


def _html_text(value: Any) -> Any:
    if isinstance(value, str):
        return html.escape(" ".join(value.split()), quote=True)
    if isinstance(value, (list, tuple)):
        return [_html_text(v) for v in value]
    return value


@lru_cache(maxsize=8)
def environment(templates: Path) -> jinja2.Environment:
    builtin = jinja2.PackageLoader("builder", "templates")
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(templates)), jinja2.PrefixLoader({"base": builtin}), builtin]),
        finalize=_finalize, autoescape=False, undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
    )
    env.globals.update(link=link, page_link=page_link, front_matter=front_matter)
    return env


@dataclass(frozen=True, slots=True)
class Note:
    number: int
    citation: Citation


class Notes:
    """Footnote numbers for a brief's citations, in order of first use;
    calling it with a citation gives the footnote mark."""

    def __init__(self, brief: Brief):
        ordered: dict[tuple[str, int | None, str], Citation] = {}
        for citation in _citations(brief):
            ordered.setdefault(_key(citation), citation)
        self._numbers = {key: number for number, key in enumerate(ordered, 1)}
        self.notes = tuple(Note(number, citation) for number, citation in enumerate(ordered.values(), 1))

    def __call__(self, citation: Citation) -> Markup:
        return Markup(f"[^{self._numbers[_key(citation)]}]")


def _citations(brief: Brief) -> Iterable[Citation]:
    yield from (s.citation for s in (*brief.summary, *brief.background))
    yield from (c for a in brief.actors for c in a.citations[:1])
    yield from (i.citation for i in (*brief.timeline, *brief.open_questions))


def _key(citation: Citation) -> tuple[str, int | None, str]:
    return (citation.source, citation.sentence, citation.text)


def site(briefs: Iterable[Brief], settings: Settings) -> tuple[Page, ...]:
    """Every generated page: one per brief, one per region, the index and tags."""
    env = environment(settings.templates_path)
    briefs = tuple(briefs)
    regions: dict[str, list[Brief]] = defaultdict(list)
    for brief in newest_first(briefs):
        regions[brief.region].append(brief)
    pages = [Page(brief_path(b), brief_page(b, settings.templates_path)) for b in briefs]
    for region, members in sorted(regions.items()):
        pages.append(Page(f"{region_slug(region)}/index.md",
                          _render(env, "region.md.j2", region=region, briefs=members, path=brief_name)))
    ordered = sorted(regions.items())
    pages.append(Page("index.md", _render(env, "index.md.j2", regions=ordered, path=brief_path,
                                          region_path=lambda r: f"{region_slug(r)}/index.md")))
    tags = sorted({t for b in briefs for t in b.tags})
    pages.append(Page("tags.md", _render(env, "tags.md.j2", tags=tags)))
    return tuple(sorted(pages, key=lambda p: p.path))


def brief_page(brief: Brief, templates: Path) -> str:
    notes = Notes(brief)
    return _render(environment(templates), "brief.md.j2", brief=brief, cite=notes, notes=notes.notes)


def _render(env: jinja2.Environment, name: str, **context: Any) -> str:
    return env.get_template(name).render(**context)


def newest_first(briefs: Iterable[Brief]) -> list[Brief]:
    """The newest brief first, undated ones last, ties by slug."""
    by_slug = sorted(briefs, key=lambda b: b.slug)
    return sorted(by_slug, key=lambda b: b.published or dt.date.min, reverse=True)


def region_slug(region: str) -> str:
    return slugify(region)


def brief_name(brief: Brief) -> str:
    return f"{brief.slug}.md"


def brief_path(brief: Brief) -> str:
    return f"{region_slug(brief.region)}/{brief.slug}.md"
