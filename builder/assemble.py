"""Articles -> briefs.

Articles join a brief by region (and by `brief`, a topic within a region);
with ``group: article`` each article is its own brief. Within a brief every
source is folded into one background, one actor list, one timeline and one
list of open questions, each line citing every source that supports it:
near-duplicate sentences are merged, the same event reported twice is shown
once (and conflicting dates side by side), and a question that a later source
settles is marked answered.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Callable, Iterable, TypeVar

from .extract import slugify
from .extract.actors import name_key
from .model import Actor, Article, Brief, Citation, Event, Problem, Question, Statement

T = TypeVar("T")
WORD = re.compile(r"[a-z0-9]+")
RECENT = 16          # a merge compares an item with at most this many earlier items per key
COMMON_WORD = 400    # settled sentences a word may be in and still point to an answer
TAG = re.compile(r"[^\w\s-]+")
SAME_TEXT = 0.6      # word-overlap above which two sentences say the same thing
SAME_EVENT = {"day": 0.15, "month": 0.3, "year": 0.45}  # ... for two sentences dated alike to report one event
ANSWERS = 0.25       # share of a question's words that a later settled sentence must repeat to answer it
STOPWORDS = frozenset(
    "a an the and or but of to in on at by for with from as is are was were be been has have had it its this that "
    "these those their they he she his her which who will would said says also after before over into than then "
    "there not no more most new its on". split())


@dataclass(frozen=True, slots=True)
class Group:
    """The articles of one brief: where it is published, and its sources newest first."""

    slug: str
    region: str
    topic: str
    sources: tuple[str, ...]


def briefs(articles: list[Article], group: str = "region") -> tuple[tuple[Brief, ...], list[Problem]]:
    """The briefs of the site, in a stable order, and problems found on the way."""
    plans, problems = groups(articles, group)
    by_source = {a.source: a for a in articles}
    return tuple(brief(p, [by_source[s] for s in p.sources]) for p in plans), problems


def groups(articles: Iterable[Article], group: str = "region") -> tuple[tuple[Group, ...], list[Problem]]:
    """Which articles make which brief. Needs only what a listing keeps
    (source, region, topic, slug, date), so a build can tell which briefs
    changed before it loads any article in full."""
    problems: list[Problem] = []
    grouped: dict[tuple[str, str], list[Article]] = defaultdict(list)
    for article in sorted(articles, key=lambda a: a.source):
        key = (article.region, article.source if group == "article" else article.brief)
        grouped[key].append(article)
    slugs = _Slugs()  # each region has its own folder (render.site_map)
    made = []
    for (region, topic), members in sorted(grouped.items()):
        members = newest_first(members)
        base = members[0].slug if group == "article" else slugify(topic or region)
        slug = slugs.unique(base, region, members[0].source, problems, by_slug=group == "article")
        made.append(Group(slug, region, "" if group == "article" else topic, tuple(m.source for m in members)))
    return tuple(made), problems


def brief(plan: Group, members: list[Article]) -> Brief:
    """The brief of one group, from its articles in the group's order."""
    return _brief(plan.slug, plan.region, plan.topic, members)


def listing(article: Article) -> Article:
    """An article as a brief lists it: its metadata, without what was
    extracted (that is merged into the brief already)."""
    return replace(article, summary=(), background=(), actors=(), timeline=(), temporal_expressions=(),
                   open_questions=(), settled=())


def newest_first(items: Iterable[T], tie: Callable[[T], Any] = lambda a: a.source) -> list[T]:
    """Articles or briefs, the newest first, undated ones last, ties in ``tie`` order."""
    return sorted(sorted(items, key=tie), key=lambda item: item.published or dt.date.min, reverse=True)


def _brief(slug: str, region: str, topic: str, members: list[Article]) -> Brief:
    newest = members[0]
    oldest_first = members[::-1]
    single = len(members) == 1
    title = newest.title if single else (f"{region}: {topic}" if topic else region)
    return Brief(
        slug=slug, region=region, title=title, published=newest.published,
        tags=_tags(t for a in members for t in a.tags), articles=tuple(listing(a) for a in members),
        summary=newest.summary,
        background=merge_statements([s for a in oldest_first for s in a.background]),
        actors=merge_actors(oldest_first),
        timeline=merge_timeline([e for a in oldest_first for e in a.timeline]),
        open_questions=merge_questions(oldest_first),
        topic=topic,
    )


# --- similarity -----------------------------------------------------------------


@lru_cache(maxsize=65536)
def words(text: str) -> frozenset[str]:
    """Content words of a sentence, for comparing two sentences."""
    return frozenset(w for w in WORD.findall(text.lower()) if w not in STOPWORDS and len(w) > 1)


def overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Jaccard overlap of two word sets."""
    return len(a & b) / len(a | b) if a and b else 0.0


class _Group(list):
    """Items found to be the same, the first one standing for them, with the
    sources they come from."""

    def __init__(self, first: Any):
        super().__init__([first])
        self.sources = {c.source for c in first.citations}

    def add(self, item: Any) -> None:
        self.append(item)
        self.sources.update(c.source for c in item.citations)


def _merge(items: list[T], same: Callable[[_Group, T], bool], keys: Callable[[T], Iterable[str]]) -> list[_Group]:
    """Items in groups of the same thing, in order of first appearance. Only
    items sharing a key are compared (keys: the longest words, a date), and per
    key only the RECENT latest groups, so a brief of thousands of articles stays linear."""
    groups: list[_Group] = []
    index: dict[str, list[int]] = defaultdict(list)
    for item in items:
        item_keys = list(dict.fromkeys(keys(item)))
        candidates = sorted({i for k in item_keys for i in index.get(k, ())[-RECENT:]})
        found = next((i for i in candidates if same(groups[i], item)), None)
        if found is None:
            found = len(groups)
            groups.append(_Group(item))
        else:
            groups[found].add(item)
        for k in item_keys:
            if found not in index[k][-1:]:
                index[k].append(found)
    return groups


def _all_citations(group: Iterable[Any]) -> tuple[Citation, ...]:
    return tuple(dict.fromkeys(c for item in group for c in item.citations))


@lru_cache(maxsize=65536)
def _longest(text: str) -> tuple[str, ...]:
    """A sentence's three longest content words: near-duplicates share at least one."""
    return tuple(sorted(words(text), key=lambda w: (-len(w), w))[:3])


# --- sections ---------------------------------------------------------------------


def merge_statements(statements: list[Statement]) -> tuple[Statement, ...]:
    """Background lines, near-duplicates merged (the first wording kept, all sources cited)."""
    groups = _merge(statements, lambda g, b: overlap(words(g[0].text), words(b.text)) >= SAME_TEXT,
                    lambda s: _longest(s.text))
    return tuple(replace(g[0], citations=_all_citations(g)) for g in groups)


def merge_actors(articles: list[Article]) -> tuple[Actor, ...]:
    """One actor per entity across the articles (a shared name or alias joins
    them), aliases pooled, named as most articles name it; the newest role kept."""
    groups: list[list[Actor]] = []
    by_name: dict[str, int] = {}
    for article in articles:
        for actor in article.actors:
            keys = [name_key(n) for n in (actor.name, *actor.aliases)]
            index = next((by_name[k] for k in keys if k in by_name), None)
            if index is None:
                index = len(groups)
                groups.append([])
            groups[index].append(actor)
            by_name.update({k: index for k in keys if k not in by_name})
    return tuple(sorted((_one_actor(g) for g in groups), key=lambda a: (-a.mentions, a.name)))


def _one_actor(reports: list[Actor]) -> Actor:
    """Reports of one actor, oldest article first, as one actor: the name most
    articles use (ties to the earliest), every other name an alias."""
    names = [a.name for a in reports]
    name = max(dict.fromkeys(names), key=names.count)
    aliases = {n for a in reports for n in (a.name, *a.aliases)} - {name}
    role = next((a.role for a in reversed(reports) if a.role), "")
    citations = tuple(dict.fromkeys(c for actor in reports for c in actor.citations[:1]))
    return Actor(name, reports[-1].kind, role, tuple(sorted(aliases, key=lambda n: (n.lower(), n))),
                 sum(a.mentions for a in reports), citations)


def merge_timeline(events: list[Event]) -> tuple[Event, ...]:
    """One entry per event: the same date and much the same sentence is one
    event citing each source; the same sentence with another date keeps both
    dates side by side. Dated entries by date, undated last in source order."""
    def same(group: _Group, b: Event) -> bool:
        a = group[0]
        if not (a.date and b.date):
            return False
        if b.citation.source in group.sources:
            return a.date == b.date and a.event == b.event  # one source: only an exact repeat
        first, second = words(a.event), words(b.event)
        shared = len(first & second)
        likeness = shared / (len(first) + len(second) - shared) if shared else 0.0
        if a.date == b.date:
            return shared >= 2 and likeness >= SAME_EVENT[a.precision or "year"]
        return likeness >= SAME_TEXT

    def one(group: _Group) -> Event:
        first = group[0]
        others: dict[str, Citation] = {}
        for event in group[1:]:
            if event.date != first.date and event.date not in others:
                others[event.date] = event.citation
        return replace(first, citations=_all_citations(group), other_dates=tuple(others.items()))

    groups = _merge(events, same, lambda e: [f"date:{e.date}", *_longest(e.event)] if e.date else [])
    merged = [one(g) for g in groups]
    return tuple(sorted(merged, key=lambda e: (e.date is None, e.date or "")))


def merge_questions(articles: list[Article]) -> tuple[Question, ...]:
    """Questions of every article, near-duplicates merged, each marked answered
    when a later article states a settled fact about the same thing."""
    groups = _merge([q for a in articles for q in a.open_questions],
                    lambda g, b: g[0].question == b.question or overlap(words(g[0].citation.text), words(b.citation.text)) >= SAME_TEXT,
                    lambda q: [q.question, *_longest(q.citation.text)])
    answers = _Answers(articles)
    return tuple(answers.settle(replace(g[0], citations=_all_citations(g))) for g in groups)


class _Answers:
    """The settled sentences of every article, indexed by word, to find the
    first one in a later article that answers a question."""

    def __init__(self, articles: list[Article]):
        self.order = {a.source: i for i, a in enumerate(articles)}
        self.sentences: list[tuple[int, Citation, frozenset[str]]] = []
        self.postings: dict[str, list[int]] = defaultdict(list)
        for number, article in enumerate(articles):
            for statement in article.settled:
                found = words(statement.text)
                for word in found:
                    self.postings[word].append(len(self.sentences))
                self.sentences.append((number, statement, found))

    def settle(self, question: Question) -> Question:
        """An editor's question stays open until the editor says otherwise; one
        drawn from a sentence is answered by the first later settled sentence
        that repeats enough of its words."""
        if question.citation.sentence is None:
            return question
        asked = words(question.citation.text)
        after = self.order.get(question.citation.source, -1)
        shared: dict[int, int] = defaultdict(int)
        for word in asked:
            postings = self.postings.get(word, ())
            if len(postings) > COMMON_WORD:
                continue  # a word in hundreds of settled sentences tells nothing about an answer
            for position in postings:
                if self.sentences[position][0] > after:
                    shared[position] += 1
        enough = [p for p, count in shared.items() if count >= 3 and count / len(asked) >= ANSWERS]
        if not enough:
            return question
        return replace(question, answered_by=self.sentences[min(enough)][1])


# --- names --------------------------------------------------------------------------


class _Slugs:
    """The page names taken in each region's folder; a repeated name gets -2, -3 ..."""

    def __init__(self) -> None:
        self.taken: dict[tuple[str, str], str] = {}   # (region, slug) -> the source that took it
        self.last: dict[tuple[str, str], int] = {}    # (region, slug) -> the last number given to it

    def unique(self, slug: str, region: str, source: str, problems: list[Problem], by_slug: bool) -> str:
        number = self.last.get((region, slug), 1)  # go on from the last number: linear however many repeats
        unique = slug
        while (region, unique) in self.taken or unique == "index":
            number += 1
            unique = f"{slug}-{number}"
        self.last[(region, slug)] = number
        if unique != slug:
            first = self.taken.get((region, slug), "the region index")
            if by_slug:
                problems.append(Problem(source, f"slug '{slug}' is already used by {first}; published as '{unique}'",
                                        "give one of them a distinct `slug:` in its front matter", None, "warning"))
            else:  # two topics written alike in a URL: nothing is lost
                problems.append(Problem(source, f"the brief's topic gives the URL '{slug}', already used by {first}; "
                                        f"published as '{unique}'", "rename one of the topics", None, "notice"))
        self.taken[(region, unique)] = source
        return unique


def _tags(tags: Iterable[str]) -> tuple[str, ...]:
    cleaned = (" ".join(TAG.sub(" ", t).split())[:40] for t in tags)
    return tuple(dict.fromkeys(t for t in cleaned if t))
