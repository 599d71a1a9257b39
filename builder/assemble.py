"""Articles -> briefs: one brief per article for now, with slugs made unique
and tags made safe to use as labels."""

from __future__ import annotations

import re

from .model import Article, Brief, Event, Problem
from .render import region_slug

TAG = re.compile(r"[^\w\s-]+")


def briefs(articles: list[Article]) -> tuple[tuple[Brief, ...], list[Problem]]:
    """A brief per article, in source order; duplicate slugs get a suffix and a warning."""
    problems: list[Problem] = []
    taken: dict[tuple[str, str], str] = {}
    made = []
    for article in sorted(articles, key=lambda a: a.source):
        slug = _unique(article, taken, problems)
        made.append(Brief(slug=slug, region=article.region, title=article.title, published=article.published,
                          tags=_tags(article.tags), articles=(article,), summary=article.summary,
                          background=article.background, actors=article.actors, timeline=chronological(article.timeline),
                          open_questions=article.open_questions))
    return tuple(made), problems


def chronological(events: tuple[Event, ...]) -> tuple[Event, ...]:
    """Dated events by date (a month before its days), undated last in source order."""
    return tuple(sorted(events, key=lambda e: (e.date is None, e.date or "")))


def _unique(article: Article, taken: dict[tuple[str, str], str], problems: list[Problem]) -> str:
    region = region_slug(article.region)
    slug, number = article.slug, 1
    while (region, slug) in taken or slug == "index":
        number += 1
        slug = f"{article.slug}-{number}"
    if slug != article.slug:
        first = taken.get((region, article.slug), "the region index")
        problems.append(Problem(article.source, f"slug '{article.slug}' is already used by {first}; published as '{slug}'",
                                "give one of them a distinct `slug:` in its front matter", None, "warning"))
    taken[(region, slug)] = article.source
    return slug


def _tags(tags: tuple[str, ...]) -> tuple[str, ...]:
    cleaned = (" ".join(TAG.sub(" ", t).split())[:40] for t in tags)
    return tuple(dict.fromkeys(t for t in cleaned if t))
