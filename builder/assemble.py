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
from fractions import Fraction
from functools import lru_cache
from itertools import chain, repeat
from operator import attrgetter
from typing import Any, Callable, Hashable, Iterable, Iterator, TypeVar

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
def words(text: str) -> tuple[str, ...]:
    """Content words of a sentence, each once, longest first (ties in ABC
    order), for comparing two sentences: near-duplicates share at least one of
    their three longest words. A tuple, not a set: the garbage collector stops
    scanning a tuple of strings, and a build keeps thousands here."""
    if text.isascii():  # nearly always: lowering, blanking what WORD does not take and splitting beats WORD
        found = frozenset(text.encode().translate(_LOWERED_WORDS).decode().split()) - _NOT_WORDS
    else:
        found = frozenset(WORD.findall(text.lower())) - STOPWORDS
    ranked = sorted(found)
    ranked.sort(key=len, reverse=True)
    return tuple(ranked)


# WORD for ASCII text: a table that lowers capitals (A-Z are 32 below a-z) and blanks every other byte
# not in a word, and what splitting then keeps that WORD does not
_WORD_BYTES = b"abcdefghijklmnopqrstuvwxyz0123456789"
_LOWERED_WORDS = bytes(c + 32 if 65 <= c <= 90 else c if c in _WORD_BYTES else 32 for c in range(256))
_NOT_WORDS = STOPWORDS | {chr(c) for c in _WORD_BYTES}  # and words of one letter or digit


@lru_cache(maxsize=65536)
def _bits(text: str) -> int:
    """The content words of a sentence as bits of an int, one bit per word by its
    hash (words may share a bit): cheap to compare, and the bits two sentences set
    between them bound how many words they can share."""
    bits = 0
    for word in words(text):
        bits |= _BIT[hash(word) & 255]
    return bits


_BIT = tuple(1 << n for n in range(256))  # looked up: cheaper than shifting

# _alike's bound at SAME_TEXT = p/q in ints: ``most >= p/q * (total - most)``, where ``total - most``
# is the bits two sentences set between them, holds only if ``q * total >= (p + q) * bits`` (so no match
# is lost), and ints are cheaper than floats. ``q * total`` is the reach of the two sentences.
_TEXT_P, _TEXT_Q = Fraction(SAME_TEXT).limit_denominator(1000).as_integer_ratio()
_TEXT_PQ = _TEXT_P + _TEXT_Q


class _Groups:
    """Items found to be the same, in groups numbered in order of first
    appearance: each group's first item (standing for the group), the words of
    its sentence (their reach and bits) and its tie, and with ``sourced`` the
    groups each source is cited in. In lists by group rather than an object per
    group, and a list of items only for a group of several: a brief has
    thousands of groups, most of one item, and each is compared many times."""

    __slots__ = ("first", "several", "words", "reaches", "bits", "ties", "cited_in")

    def __init__(self, sourced: bool):
        self.first: list[Any] = []
        self.several: dict[int, list[Any]] = {}  # group -> its items, for a group of more than one
        self.words: list[tuple[str, ...]] = []
        self.reaches: list[int] = []
        self.bits: list[int] = []
        self.ties: list[Hashable] = []
        self.cited_in: defaultdict[str, set[int]] | None = defaultdict(set) if sourced else None

    def new(self, item: Any, words: tuple[str, ...], bits: int, tie: Hashable) -> int:
        """Start a group with an item; its number."""
        number = len(self.first)
        self.first.append(item)
        self.words.append(words)
        self.reaches.append(_TEXT_Q * len(words))
        self.bits.append(bits)
        self.ties.append(tie)
        if self.cited_in is not None:
            self._cite(number, item)
        return number

    def add(self, number: int, item: Any) -> None:
        items = self.several.get(number)
        if items is None:
            self.several[number] = [self.first[number], item]
        else:
            items.append(item)
        if self.cited_in is not None:
            self._cite(number, item)

    def _cite(self, number: int, item: Any) -> None:
        for citation in item.citations:
            self.cited_in[citation.source].add(number)

    def items(self) -> Iterator[list[Any]]:
        """Each group's items, the first first."""
        return (self.several.get(number) or [first] for number, first in enumerate(self.first))


def _alike(groups: _Groups, number: int, words: frozenset[str], bits: int, least: float, fewest: int = 1) -> bool:
    """Whether a group's sentence and another (its words and their bits) have
    at least ``fewest`` words in common and at least ``least`` of all their words
    (Jaccard). The bits rule out most pairs without comparing words."""
    total = len(groups.words[number]) + len(words)
    most = total - (groups.bits[number] | bits).bit_count()  # words shared at most
    if most < fewest or most < least * (total - most):
        return False
    return _shares(groups, number, words, least, fewest)


def _shares(groups: _Groups, number: int, words: frozenset[str], least: float = SAME_TEXT, fewest: int = 1) -> bool:
    """``_alike`` without its bound, for a group whose bits are known to allow
    it: those of every group ``find`` sees allow SAME_TEXT, bar the item's tie."""
    group_words = groups.words[number]
    shared = len(words.intersection(group_words))
    # Decides as ``shared / (total - shared) >= least`` does for these thresholds (checked up to 3,000 words).
    return shared >= fewest and shared >= least * (len(group_words) + len(words) - shared)


# The first of some groups (their numbers, ascending) that is the same thing as
# an item (with the words of its sentence and their bits), or -1.
Find = Callable[[_Groups, list[int], T, frozenset[str], int], int]


def _merge(items: list[T], text: Callable[[T], str], find: Find,
           keys: Callable[[T, tuple[str, ...]], Iterable[Hashable]],
           tie: Callable[[T], Hashable] | None = None, sourced: bool = False) -> Iterator[list[T]]:
    """Items in groups of the same thing (each group's items, the first
    standing for them), in order of first appearance; ``text`` is the sentence
    compared. Only items sharing a key are compared (``keys`` of an item and
    its three longest words, without repeats: those words, a date), and per
    key only the RECENT latest groups, so a brief of thousands of articles
    stays linear.

    ``find`` sees only the groups whose first item has the item's ``tie`` (a
    date, a question), or whose bits allow SAME_TEXT, as it asks at least
    that of any other: a test here spares a call for each group it would
    reject. ``sourced``: ``find`` needs to know which groups cite a source."""
    groups = _Groups(sourced)
    reaches, bits_of, ties = groups.reaches, groups.bits, groups.ties  # looked up for every candidate
    # key -> its latest groups, oldest first: a list, or for a key of one group (most keys) its number
    index: dict[Hashable, int | list[int]] = {}
    sentences = [*map(text, items)]
    for item, found_words, bits, item_tie in zip(items, map(words, sentences), map(_bits, sentences),
                                                 map(tie, items) if tie else repeat(_UNTIED)):
        item_keys = keys(item, found_words[:3])
        recent = [*map(index.get, item_keys)]
        pool = set()
        for latest in recent:
            if latest.__class__ is list:
                pool.update(latest)
            elif latest is not None:
                pool.add(latest)
        reach = _TEXT_Q * len(found_words)
        near = [n for n in pool
                if ties[n] == item_tie
                or reaches[n] + reach >= _TEXT_PQ * (bits_of[n] | bits).bit_count()]
        near.sort()
        found = find(groups, near, item, frozenset(found_words), bits) if near else -1
        if found < 0:
            found = groups.new(item, found_words, bits, item_tie if tie else None)
        else:
            groups.add(found, item)
        for key, latest in zip(item_keys, recent):
            if latest is None:
                index[key] = found  # no list (nor an object for the garbage collector to count)
            elif latest.__class__ is not list:
                if latest != found:
                    index[key] = [latest, found]
            elif latest[-1] != found:
                latest.append(found)
                if len(latest) > RECENT:
                    del latest[0]
    return groups.items()


_CITATIONS = attrgetter("citations")
_UNTIED = object()  # the tie of every item of a merge without ties: no group has it


def _cited_by_all(items: list[Any], **changes: Any) -> Any:
    """A group's first item citing every source of the group (and with ``changes``)."""
    first = items[0]
    if len(items) == 1 and len(first.citations) == 1:
        citations = first.citations  # the common case: one item citing one sentence
    else:
        citations = tuple(dict.fromkeys(chain.from_iterable(map(_CITATIONS, items))))
    if citations == first.citations and (not changes or all(getattr(first, k) == v for k, v in changes.items())):
        return first
    return replace(first, citations=citations, **changes)


# --- sections ---------------------------------------------------------------------


def merge_statements(statements: list[Statement]) -> tuple[Statement, ...]:
    """Background lines, near-duplicates merged (the first wording kept, all sources cited)."""
    groups = _merge(statements, attrgetter("text"), _first_similar, lambda s, longest: longest)
    return tuple(map(_cited_by_all, groups))


def _first_similar(groups: _Groups, candidates: list[int], item: Any, found: frozenset[str], bits: int) -> int:
    for number in candidates:
        if _shares(groups, number, found):
            return number
    return -1


def merge_actors(articles: list[Article]) -> tuple[Actor, ...]:
    """One actor per entity across the articles (a shared name or alias joins
    them), aliases pooled, named as most articles name it; the newest role kept."""
    groups: list[list[Actor]] = []
    by_name: dict[str, int] = {}
    for article in articles:
        for actor in article.actors:
            keys = [*map(name_key, (actor.name, *actor.aliases))]
            for key in keys:
                index = by_name.get(key)
                if index is not None:
                    break
            else:
                index = len(groups)
                groups.append([])
            groups[index].append(actor)
            for key in keys:
                by_name.setdefault(key, index)
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
    def find(groups: _Groups, candidates: list[int], b: Event, second: frozenset[str], bits: int) -> int:
        date, cites_source = b.date, groups.cited_in.get(b.citations[0].source, ())
        for number in candidates:
            a = groups.first[number]  # only dated events have keys, so both are dated
            if number in cites_source:
                if a.date == date and a.event == b.event:  # one source: only an exact repeat
                    return number
            elif a.date == date:
                if _alike(groups, number, second, bits, SAME_EVENT[a.precision or "year"], fewest=2):
                    return number
            elif _shares(groups, number, second):  # another date: the bits allow SAME_TEXT
                return number
        return -1

    def one(group: list[Event]) -> Event:
        first = group[0]
        others: dict[str, Citation] = {}
        for event in group[1:]:
            if event.date != first.date and event.date not in others:
                others[event.date] = event.citation
        return _cited_by_all(group, other_dates=tuple(others.items()))

    groups = _merge(events, attrgetter("event"), find,
                    lambda e, longest: [f"date:{e.date}", *longest] if e.date else [],
                    tie=attrgetter("date"), sourced=True)
    merged = [one(g) for g in groups]
    dated = sorted((e for e in merged if e.date is not None), key=attrgetter("date"))  # stable: one date in order
    return (*dated, *(e for e in merged if e.date is None))


def merge_questions(articles: list[Article]) -> tuple[Question, ...]:
    """Questions of every article, near-duplicates merged, each marked answered
    when a later article states a settled fact about the same thing."""
    groups = _merge([q for a in articles for q in a.open_questions], lambda q: q.citations[0].text,
                    _first_alike_question, _question_keys, tie=attrgetter("question"))
    answers = _Answers(articles)
    return tuple(map(answers.settle, map(_cited_by_all, groups)))


def _question_keys(q: Question, longest: tuple[str, ...]) -> list[str]:
    """A question's text and its sentence's longest words, each once."""
    if q.question in longest:  # hardly ever: a key only once
        return [q.question, *(w for w in longest if w != q.question)]
    return [q.question, *longest]


def _first_alike_question(groups: _Groups, candidates: list[int], q: Question, found: frozenset[str],
                          bits: int) -> int:
    for number in candidates:
        if groups.first[number].question == q.question or _shares(groups, number, found):
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
        postings = self.postings
        for article in articles:
            for statement in article.settled:
                position = len(self.sentences)
                for word in words(statement.text):
                    postings[word].append(position)
                self.sentences.append(statement)
            self.first_after.append(len(self.sentences))

    def settle(self, question: Question) -> Question:
        """An editor's question stays open until the editor says otherwise; one
        drawn from a sentence is answered by the first later settled sentence
        that repeats enough of its words."""
        citation = question.citation
        if citation.sentence is None:
            return question
        asked = words(citation.text)
        after = self.order.get(citation.source, -1)
        start = self.first_after[after] if after >= 0 else 0
        later: list[int] = []  # later settled sentences, once per word of the question they repeat
        repeated = 0  # words of the question (bar the common ones) in some later sentence
        for word in asked:
            postings = self.postings.get(word)
            if not postings or postings[-1] < start:
                continue  # in no later sentence
            if len(postings) > COMMON_WORD:
                continue  # a word in hundreds of settled sentences tells nothing about an answer
            # Sentences are numbered in article order: the later articles' are a tail of each list.
            later += postings[bisect_left(postings, start):]
            repeated += 1
        need = max(3, ANSWERS * len(asked))  # as ``count / len(asked) >= ANSWERS``: ANSWERS is a power of 2
        if repeated < need:  # a sentence repeats each word once at most: often, nothing to count
            return question
        counts = Counter(later)
        if max(counts.values()) < need:
            return question
        return replace(question, answered_by=self.sentences[min(p for p, count in counts.items() if count >= need)])


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
