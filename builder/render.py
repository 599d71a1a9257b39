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
import posixpath
import re
from collections import defaultdict
from dataclasses import dataclass, replace
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, Callable, Iterable, TypeVar

import jinja2
import yaml
from markupsafe import Markup

from . import changes
from .config import Settings
from .assemble import newest_first
from .extract import slugify
from .model import Brief, Citation, Event, Page, Question

T = TypeVar("T")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "|": "&#124;", "~": "&#126;", "^": "&#94;", "=": "&#61;",
             "$": "&#36;", "@": "&#64;", ":": "&#58;", "%": "&#37;"}
_BACKSLASHED = set("\\`*_{}[]()#+!")
_SPECIAL = re.compile(r"[&<>|~^=$@%\\`*_{}\[\]()#+!]|:(?=\S)")
_LEADING = re.compile(r"^(\s*)(?:(?P<mark>[-.])|(?P<number>\d+)\.(?=\s|$))")
_HTTP_URL = re.compile(r"https?://[^\s<>\"`\\]+", re.IGNORECASE)


def md_escape(value: Any) -> str:
    """One line of literal text, safe anywhere in a Markdown line."""
    return _escaped(value if type(value) is str else str(value))


@lru_cache(maxsize=65536)  # a title or a sentence is shown on several pages
def _escaped(value: str) -> str:
    text = " ".join(value.split())
    text = _SPECIAL.sub(lambda m: "\\" + m[0] if m[0] in _BACKSLASHED else _ENTITIES[m[0][0]], text)
    return _LEADING.sub(_escape_leading, text)


def _escape_leading(match: re.Match) -> str:
    """"- x" and "1. x" would start a list: escape the marker, not the number."""
    if match["number"]:
        return f"{match[1]}{match['number']}\\."
    return f"{match[1]}\\{match['mark']}"


def _finalize(value: Any) -> Any:
    if type(value) is str:  # most values: text from a source
        return _escaped(value)
    if isinstance(value, Markup) or value is None or isinstance(value, (int, float)):
        return "" if value is None else value
    return md_escape(value)


def link(text: str, url: str) -> Markup:
    """A Markdown link, only for http(s) URLs; other text stays plain."""
    if not _HTTP_URL.fullmatch(url or ""):
        return Markup(md_escape(text))
    # Markdown keeps an entity in a URL as one, and a browser would decode it: "&LT;" would become "<".
    return Markup(f"[{md_escape(text)}](<{url.replace('&', '&amp;')}>)")


def page_link(text: str, path: str) -> Markup:
    """A link to a generated page; ``path`` is built here from slugs, never from a source."""
    return Markup(f"[{md_escape(text)}]({path})")


def front_matter(data: dict[str, Any]) -> Markup:
    """A YAML block for MkDocs and Material (title, tags). MkDocs takes the
    page title from it and Material prints it into the nav and <title>
    unescaped, so text is HTML-escaped here (browsers show the entities as
    the characters the source had)."""
    safe = {key: value if isinstance(value, dict) else _html_text(value) for key, value in data.items()}
    dumped = _title_only(safe) or yaml.safe_dump(safe, allow_unicode=True, sort_keys=False,
                                                 default_flow_style=False, width=1000)
    return Markup(f"---\n{dumped}---\n")


# A title of these characters, single spaces between words, is one line of YAML
# (no break below PyYAML's width), plain or in single quotes.
_SHORT_TITLE = re.compile(r"[A-Za-z0-9,.&#;():/-]+(?: [A-Za-z0-9,.&#;():/-]+)*")
_YAML_WORDS = frozenset("yes Yes YES no No NO true True TRUE false False FALSE on On ON off Off OFF null Null NULL".split())
_UNSEARCHED = {"exclude": True}


def _title_only(data: dict[str, Any]) -> str | None:
    """The YAML of most pages' front matter, a short title (maybe kept out of
    the search index), exactly as yaml.safe_dump writes it; None for any
    other. PyYAML's emitter took a fifth of the render stage."""
    title, search = data.get("title"), data.get("search", _UNSEARCHED)
    if not (list(data) in (["title"], ["title", "search"]) and isinstance(title, str) and len(title) <= 200
            and _SHORT_TITLE.fullmatch(title) and type(search) is dict and search == _UNSEARCHED
            and search["exclude"] is True):
        return None
    if ": " in title or title.endswith(":") or " #" in title:
        written = f"'{title}'"  # YAML would read a key or a comment: quoted
    elif title[0].isalpha() and title not in _YAML_WORDS:
        written = title  # YAML reads it back as this text, not a boolean or null
    else:
        return None  # a number, a date, a leading indicator: left to PyYAML
    return f"title: {written}\n" + ("search:\n  exclude: true\n" if "search" in data else "")


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
    calling it with an item's citations gives their footnote marks."""

    def __init__(self, brief: Brief):
        ordered: dict[tuple[str, int | None, str], Citation] = {}
        for citation in _citations(brief):
            ordered.setdefault(_key(citation), citation)
        self._numbers = {key: number for number, key in enumerate(ordered, 1)}
        self.notes = tuple(Note(number, citation) for number, citation in enumerate(ordered.values(), 1))

    def __call__(self, *citations: Citation | tuple[Citation, ...] | None) -> Markup:
        shown = [(_cited(item), len(item)) if isinstance(item, tuple) else ((item,), 1) for item in citations if item]
        marks = ",".join(f"[^{self._numbers[_key(c)]}]" for c in dict.fromkeys(c for cited, _ in shown for c in cited))
        hidden = sum(total - len(cited) for cited, total in shown)
        return Markup(marks + (f" (and {hidden} more source{'s' if hidden > 1 else ''})" if hidden else ""))


def _cited(citations: tuple[Citation, ...]) -> tuple[Citation, ...]:
    """The citations a line shows: the first report and the latest ones, so a
    line that hundreds of sources repeat stays one line."""
    limit = SHOWN["citations"]
    return citations if len(citations) <= limit else citations[:1] + citations[1 - limit:]


def _citations(brief: Brief) -> Iterable[Citation]:
    for item in (*brief.summary, *brief.background):
        yield from _cited(item.citations)
    for actor in brief.actors:
        yield from _cited(actor.citations)
    for event in brief.timeline:
        yield from _cited(event.citations)
        yield from (c for _, c in event.other_dates)
    for question in brief.open_questions:
        yield from _cited(question.citations)
        if question.answered_by:
            yield question.answered_by


def _key(citation: Citation) -> tuple[str, int | None, str]:
    return (citation.source, citation.sentence, citation.text)


@dataclass(frozen=True, slots=True)
class SiteMap:
    """Where each generated page lives, for links between them."""

    briefs: dict[str, str]        # brief slug key -> path
    actors: dict[str, str]        # actor name -> path
    regions: dict[str, str]       # region -> folder

    def brief(self, brief: Brief) -> str:
        return self.briefs[_brief_key(brief)]

    def actor(self, name: str) -> str:
        return self.actors[name]

    def region(self, region: str) -> str:
        return f"{self.regions[region]}/index.md"

    def relative(self, source: str, target: str) -> str:
        """A link from page ``source`` to page ``target``, both under the output folder."""
        return _relative(posixpath.dirname(source) or ".", target)


@lru_cache(maxsize=65536)  # the pages of one folder link to the same few pages
def _relative(folder: str, target: str) -> str:
    return posixpath.relpath(target, folder)


def _brief_key(brief: Brief) -> str:
    return f"{brief.region}\0{brief.slug}"


def site_map(briefs: tuple[Brief, ...]) -> SiteMap:
    """Unique paths: two names with the same slug get -2, -3 in sorted order."""
    reserved = {"actors", "index", "tags", "timeline", "sources"}
    regions = _unique_slugs(sorted({b.region for b in briefs}), reserved)
    actors = {name: f"actors/{slug}.md" for name, slug in
              _unique_slugs(sorted({a.name for b in briefs for a in b.actors}), {"index"}).items()}
    return SiteMap({_brief_key(b): f"{regions[b.region]}/{b.slug}.md" for b in briefs}, actors, regions)


def _unique_slugs(names: list[str], reserved: set[str]) -> dict[str, str]:
    taken = set(reserved)
    slugs = {}
    for name in names:
        base = slugify(name)
        slug, number = base, 1
        while slug in taken:
            number += 1
            slug = f"{base}-{number}"
        taken.add(slug)
        slugs[name] = slug
    return slugs


# A page stays short however many articles a brief has: the newest items are
# shown, the full timeline and source list are on pages of PER_PAGE rows.
SHOWN = {"actors": 40, "background": 15, "timeline": 40, "undated": 10, "questions": 20, "articles": 25,
         "citations": 3}
PER_PAGE = 100  # rows on an archive page: about the size of an actor page, so the average page stays the same as a site grows
APPEARANCES = 10


# A page to render: each is made on its own, so the pages may be shared out between processes.
Part = Callable[[], Page]


def site(briefs: Iterable[Brief], settings: Settings) -> tuple[Part, ...]:
    """Every generated page: the briefs (with archives of long timelines and
    source lists), a page per region and per actor, the timeline and sources
    across all briefs, the index, the tags and the feed; each to be rendered
    by calling it."""
    env = environment(settings.templates_path)
    briefs = tuple(briefs)
    links = site_map(briefs)
    regions: dict[str, list[Brief]] = defaultdict(list)
    for brief in _newest_briefs(briefs):
        regions[brief.region].append(brief)
    parts: list[Part] = []
    for brief in briefs:
        parts.append(lambda brief=brief: Page(links.brief(brief), brief_page(brief, settings.templates_path, links)))
        parts += _brief_archives(env, brief, links)
    for region, members in sorted(regions.items()):
        path = links.region(region)
        parts.append(partial(_page, env, path, "region.md.j2", region=region, briefs=members,
                             href=lambda b, p=path: links.relative(p, links.brief(b))))
    parts += _actor_pages(env, briefs, links)
    parts += _paged(env, "timeline", "Timeline", _all_events(briefs), links)
    articles = [(a, b) for b in briefs for a in newest_first(b.articles)]
    articles = sorted(articles, key=lambda pair: pair[0].published or dt.date.min, reverse=True)
    parts += _paged(env, "sources", "Sources", articles, links, newest_on_top=True)
    parts.append(partial(_page, env, "index.md", "index.md.j2", regions=sorted(regions.items()),
                         href=links.brief, region_path=links.region))
    parts.append(partial(_page, env, "tags.md", "tags.md.j2", tags=sorted({t for b in briefs for t in b.tags})))
    parts.append(partial(changes.feed, briefs, settings.site_url, settings.site_name, settings.output, links.brief))
    return tuple(parts)


def _page(env: jinja2.Environment, path: str, template: str, **context: Any) -> Page:
    return Page(path, _render(env, template, **context))


def _paged(env: jinja2.Environment, name: str, title: str, rows: list[tuple[Any, Brief]], links: SiteMap,
           newest_on_top: bool = False, base: str = "") -> list[Part]:
    """``base+name``.md with the newest PER_PAGE rows; older ones on
    ``base+name``/1.md, 2.md, ... (oldest first), each linking to its neighbours."""
    chunks = _chunks(rows[::-1] if newest_on_top else rows)  # chronological chunks, oldest first
    paths = [f"{base}{name}/{n}.md" for n in range(1, len(chunks))] + [f"{base}{name}.md"]
    parts: list[Part] = []
    for index, (chunk, path) in enumerate(zip(chunks, paths)):
        older = links.relative(path, paths[index - 1]) if index else None
        newer = links.relative(path, paths[index + 1]) if index + 1 < len(paths) else None
        part = title if index + 1 == len(paths) else f"{title}, part {index + 1}"
        # Archives stay out of the search index: the briefs and actor pages hold what is worth finding.
        meta = {"title": part, **({"search": {"exclude": True}} if base or index + 1 < len(paths) else {})}
        parts.append(partial(_page, env, path, f"{name}.md.j2", meta=meta, title=part,
                             rows=chunk[::-1] if newest_on_top else chunk,
                             href=lambda b, p=path: links.relative(p, links.brief(b)),
                             brief_link=_brief_links(links, path), older=older, newer=newer))
    return parts


def _brief_links(links: SiteMap, page: str) -> Callable[[Brief], Markup]:
    """Links from ``page`` to briefs, each made once: the rows of a long list link to a few briefs."""
    made: dict[str, Markup] = {}

    def brief_link(brief: Brief) -> Markup:
        key = _brief_key(brief)
        if key not in made:
            made[key] = page_link(brief.title, links.relative(page, links.briefs[key]))
        return made[key]
    return brief_link


def _chunks(rows: list[T]) -> list[list[T]]:
    """Rows in pages of PER_PAGE, the last page (the newest) the full one; at least one page."""
    if not rows:
        return [[]]
    first = len(rows) % PER_PAGE or PER_PAGE
    return [rows[:first]] + [rows[i:i + PER_PAGE] for i in range(first, len(rows), PER_PAGE)]


def shown(brief: Brief) -> Brief:
    """The brief as its page shows it: the newest items of each section."""
    dated = [e for e in brief.timeline if e.date]
    undated = [e for e in brief.timeline if not e.date]
    questions = [q for q in brief.open_questions if not q.answered_by][-SHOWN["questions"]:]
    answered = [q for q in brief.open_questions if q.answered_by][-max(0, SHOWN["questions"] - len(questions)):]
    actors = tuple(replace(a, citations=a.citations[-SHOWN["citations"]:]) for a in brief.actors[:SHOWN["actors"]])
    return replace(brief, actors=actors, background=brief.background[-SHOWN["background"]:],
                   timeline=tuple(dated[-SHOWN["timeline"]:] + undated[:SHOWN["undated"]]),
                   open_questions=tuple(questions + (answered if len(questions) < SHOWN["questions"] else [])),
                   articles=brief.articles[:SHOWN["articles"]])


def _brief_archives(env: jinja2.Environment, brief: Brief, links: SiteMap) -> list[Part]:
    """The whole timeline and source list of a brief too long to show them on its page."""
    pages: list[Part] = []
    base = archive_base(brief, links)
    if len(brief.timeline) > SHOWN["timeline"]:
        rows = [(e, brief) for e in brief.timeline if e.date]
        pages += _paged(env, "timeline", f"{brief.title}: timeline", rows, links, base=base)
    if len(brief.articles) > SHOWN["articles"]:
        rows = [(a, brief) for a in brief.articles]
        pages += _paged(env, "sources", f"{brief.title}: sources", rows, links, newest_on_top=True, base=base)
    return pages


def archive_base(brief: Brief, links: SiteMap) -> str:
    return links.brief(brief).removesuffix(".md") + "-"


def _actor_pages(env: jinja2.Environment, briefs: tuple[Brief, ...], links: SiteMap) -> list[Part]:
    appearances: dict[str, list[tuple[Brief, Any, list[Any], int]]] = defaultdict(list)
    for brief in _newest_briefs(briefs):
        for actor in brief.actors:
            cited = {c.source for c in actor.citations}
            found = [a for a in brief.articles if a.source in cited]
            appearances[actor.name].append((brief, actor, found[:APPEARANCES], len(found)))
    pages: list[Part] = []
    for name, found in sorted(appearances.items()):
        path = links.actor(name)
        pages.append(partial(_page, env, path, "actor.md.j2", name=name, kind=found[0][1].kind,
                             aliases=sorted({x for _, a, _, _ in found for x in a.aliases}, key=lambda n: (n.lower(), n)),
                             appearances=found, href=lambda b, p=path: links.relative(p, links.brief(b))))
    index = sorted(((name, found[0][1].kind, len(found)) for name, found in appearances.items()), key=lambda row: row[0].lower())
    pages.append(partial(_page, env, "actors/index.md", "actors.md.j2", actors=index,
                         href=lambda name: links.relative("actors/index.md", links.actor(name))))
    return pages


def _all_events(briefs: tuple[Brief, ...]) -> list[tuple[Any, Brief]]:
    """Every dated event of every brief, by date."""
    entries = [(e, b) for b in sorted(briefs, key=lambda b: (b.region, b.slug)) for e in b.timeline if e.date]
    return sorted(entries, key=lambda pair: pair[0].date)


def brief_page(brief: Brief, templates: Path, links: SiteMap | None = None) -> str:
    links = links or site_map((brief,))
    page = shown(brief)
    notes = Notes(page)
    here = links.brief(brief)
    base = archive_base(brief, links)
    archives = {name: links.relative(here, f"{base}{name}.md") for name, total, limit in
                (("timeline", len(brief.timeline), SHOWN["timeline"]), ("sources", len(brief.articles), SHOWN["articles"]))
                if total > limit}
    return _render(environment(templates), "brief.md.j2", brief=page, full=brief, archives=archives,
                   cite=notes, notes=notes.notes,
                   actor_href=lambda name: links.relative(here, links.actor(name)),
                   when=lambda event: _when(event, notes), answer=lambda question: _answer(question, notes))


def _when(event: Event, cite: Notes) -> Markup:
    """The date of an event; dates other sources give beside it."""
    when = md_escape(event.date or f"{event.text} (date unresolved)")
    others = "".join(f" / {md_escape(date)}{cite(citation)}" for date, citation in event.other_dates)
    return Markup(when + others + (" (sources differ)" if others else ""))


def _answer(question: Question, cite: Notes) -> Markup:
    """Where a later source settles an open question."""
    found = question.answered_by
    if found is None:
        return Markup("")
    return Markup(f" — **answered** by {md_escape(found.source)}: “{md_escape(found.text)}”{cite(found)}")


class TemplateProblem(Exception):
    """A site's template override cannot be rendered: ``path:line: message``."""


def _render(env: jinja2.Environment, template: str, **context: Any) -> str:
    try:
        return env.get_template(template).render(**context)
    except jinja2.TemplateSyntaxError as error:
        where = f"{error.filename or template}:{error.lineno}"
        raise TemplateProblem(f"{where}: template syntax error: {error.message} — fix the template") from None
    except jinja2.TemplateError as error:
        where = _template_line(error, template)
        raise TemplateProblem(f"{where}: {error} — fix the template, or delete it to use the built-in one") from None


def _template_line(error: Exception, template: str) -> str:
    """The template file and line a rendering error came from, from its traceback."""
    trace = error.__traceback__
    found = template
    while trace is not None:
        name = trace.tb_frame.f_code.co_filename
        if name.endswith(".j2"):
            found = f"{name}:{trace.tb_lineno}"
        trace = trace.tb_next
    return found


def _newest_briefs(briefs: Iterable[Brief]) -> list[Brief]:
    return newest_first(briefs, tie=lambda b: (b.region, b.slug))


