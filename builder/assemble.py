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
from bisect import bisect_left
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Callable, Hashable, Iterable, TypeVar

from .extract import slugify
from .extract.actors import name_key
from .model import Actor, Article, Brief, Citation, Event, Problem, Question, Statement

T = TypeVar("T")
WORD = re.compile(r"[a-z0-9]{2,}")  # a word of one letter or digit says nothing
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
    return frozenset(WORD.findall(text.lower())) - STOPWORDS


@lru_cache(maxsize=65536)
def _bits(text: str) -> int:
    """The content words of a sentence as bits of an int, one bit per word by its
    hash (words may share a bit): cheap to compare, and the bits two sentences set
    between them bound how many words they can share."""
    bits = 0
    for word in words(text):
        bits |= 1 << (hash(word) & 255)
    return bits


class _Group:
    """Items found to be the same, the first one standing for them, with the
    words of its sentence (and how many, and their bits)."""

    __slots__ = ("items", "first", "words", "size", "bits")

    def __init__(self, first: Any, words: frozenset[str], bits: int):
        self.items = [first]
        self.first = first
        self.words = words
        self.size = len(words)
        self.bits = bits

    def add(self, item: Any) -> None:
        self.items.append(item)


class _SourcedGroup(_Group):
    """A group that also knows the sources of its items."""

    __slots__ = ("sources",)

    def __init__(self, first: Any, words: frozenset[str], bits: int):
        super().__init__(first, words, bits)
        self.sources = {c.source for c in first.citations}

    def add(self, item: Any) -> None:
        super().add(item)
        self.sources.update([c.source for c in item.citations])


def _alike(group: _Group, words: frozenset[str], bits: int, least: float, fewest: int = 1) -> bool:
    """Whether the group's sentence and another (its words and their bits) have
    at least ``fewest`` words in common and at least ``least`` of all their words
    (Jaccard). The bits rule out most pairs without comparing words."""
    total = group.size + len(words)
    most = total - (group.bits | bits).bit_count()  # words shared at most
    if most < fewest or most < least * (total - most):
        return False
    shared = len(group.words & words)
    # Decides as ``shared / (total - shared) >= least`` does for these thresholds (checked up to 3,000 words).
    return shared >= fewest and shared >= least * (total - shared)


# The first of some groups (their numbers, ascending) that is the same thing as
# an item (with the words of its sentence and their bits), or -1.
Find = Callable[[list[_Group], list[int], T, frozenset[str], int], int]


def _merge(items: list[T], text: Callable[[T], str], find: Find,
           keys: Callable[[T, str], Iterable[Hashable]], group: type[_Group] = _Group) -> list[_Group]:
    """Items in groups of the same thing, in order of first appearance; ``text``
    is the sentence compared, its words found once per item. Only items
    sharing a key are compared (``keys``, without repeats: the longest words,
    a date), and per key only the RECENT latest groups, so a brief of
    thousands of articles stays linear."""
    groups: list[_Group] = []
    index: dict[Hashable, list[int]] = {}  # key -> its latest groups, oldest first
    for item in items:
        sentence = text(item)
        found_words = words(sentence)
        bits = _bits(sentence)
        item_keys = keys(item, sentence)
        recent = [index[k] for k in item_keys if k in index]
        found = find(groups, sorted(set().union(*recent)), item, found_words, bits) if recent else -1
        if found < 0:
            found = len(groups)
            groups.append(group(item, found_words, bits))
        else:
            groups[found].add(item)
        for k in item_keys:
            latest = index.setdefault(k, [])
            if not latest or latest[-1] != found:
                latest.append(found)
                if len(latest) > RECENT:
                    del latest[0]
    return groups


def _cited_by_all(group: _Group, **changes: Any) -> Any:
    """The group's first item citing every source of the group (and with ``changes``)."""
    first = group.first
    if len(group.items) == 1 and len(first.citations) == 1:
        citations = first.citations  # the common case: one item citing one sentence
    else:
        citations = tuple(dict.fromkeys(c for item in group.items for c in item.citations))
    if citations == first.citations and all(getattr(first, k) == v for k, v in changes.items()):
        return first
    return replace(first, citations=citations, **changes)


@lru_cache(maxsize=65536)
def _longest(text: str) -> tuple[str, ...]:
    """A sentence's three longest content words: near-duplicates share at least one."""
    return tuple(sorted(sorted(words(text)), key=len, reverse=True)[:3])  # longest first, ties in ABC order


# --- sections ---------------------------------------------------------------------


def merge_statements(statements: list[Statement]) -> tuple[Statement, ...]:
    """Background lines, near-duplicates merged (the first wording kept, all sources cited)."""
    groups = _merge(statements, lambda s: s.text, _first_similar, lambda s, text: _longest(text))
    return tuple(_cited_by_all(g) for g in groups)


def _first_similar(groups: list[_Group], candidates: list[int], item: Any, found: frozenset[str], bits: int) -> int:
    for number in candidates:
        if _alike(groups[number], found, bits, SAME_TEXT):
            return number
    return -1


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
    def find(groups: list[_Group], candidates: list[int], b: Event, second: frozenset[str], bits: int) -> int:
        source, date = b.citations[0].source, b.date
        for number in candidates:
            group = groups[number]
            a = group.first  # only dated events have keys, so both are dated
            if source in group.sources:
                if a.date == date and a.event == b.event:  # one source: only an exact repeat
                    return number
            elif a.date == date:
                if _alike(group, second, bits, SAME_EVENT[a.precision or "year"], fewest=2):
                    return number
            elif _alike(group, second, bits, SAME_TEXT):
                return number
        return -1

    def one(group: _Group) -> Event:
        first = group.first
        others: dict[str, Citation] = {}
        for event in group.items[1:]:
            if event.date != first.date and event.date not in others:
                others[event.date] = event.citation
        return _cited_by_all(group, other_dates=tuple(others.items()))

    groups = _merge(events, lambda e: e.event, find,
                    lambda e, text: [f"date:{e.date}", *_longest(text)] if e.date else [], _SourcedGroup)
    merged = [one(g) for g in groups]
    return tuple(sorted(merged, key=lambda e: (e.date is None, e.date or "")))


def merge_questions(articles: list[Article]) -> tuple[Question, ...]:
    """Questions of every article, near-duplicates merged, each marked answered
    when a later article states a settled fact about the same thing."""
    groups = _merge([q for a in articles for q in a.open_questions], lambda q: q.citations[0].text,
                    _first_alike_question,
                    lambda q, text: [q.question, *(w for w in _longest(text) if w != q.question)])
    answers = _Answers(articles)
    return tuple(answers.settle(_cited_by_all(g)) for g in groups)


def _first_alike_question(groups: list[_Group], candidates: list[int], q: Question, found: frozenset[str],
                          bits: int) -> int:
    for number in candidates:
        group = groups[number]
        if group.first.question == q.question or _alike(group, found, bits, SAME_TEXT):
            return number
    return -1


class _Answers:
    """The settled sentences of every article, indexed by word, to find the
    first one in a later article that answers a question."""

    def __init__(self, articles: list[Article]):
        self.order = {a.source: i for i, a in enumerate(articles)}
        self.sentences: list[Citation] = []
        self.first_after: list[int] = []  # article number -> position of the first sentence of a later article
        self.postings: dict[str, list[int]] = defaultdict(list)  # word -> positions, ascending
        for article in articles:
            for statement in article.settled:
                for word in words(statement.text):
                    self.postings[word].append(len(self.sentences))
                self.sentences.append(statement)
            self.first_after.append(len(self.sentences))

    def settle(self, question: Question) -> Question:
        """An editor's question stays open until the editor says otherwise; one
        drawn from a sentence is answered by the first later settled sentence
        that repeats enough of its words."""
        if question.citation.sentence is None:
            return question
        asked = words(question.citation.text)
        after = self.order.get(question.citation.source, -1)
        start = self.first_after[after] if after >= 0 else 0
        later: list[int] = []  # later settled sentences, once per word of the question they repeat
        for word in asked:
            postings = self.postings.get(word, ())
            if len(postings) > COMMON_WORD:
                continue  # a word in hundreds of settled sentences tells nothing about an answer
            # Sentences are numbered in article order: the later articles' are a tail of each list.
            later += postings[bisect_left(postings, start):]
        need = max(3, ANSWERS * len(asked))  # as ``count / len(asked) >= ANSWERS``: ANSWERS is a power of 2
        enough = [p for p, count in Counter(later).items() if count >= need]
        if not enough:
            return question
        return replace(question, answered_by=self.sentences[min(enough)])


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
