"""The domain of a brief, as frozen dataclasses.

Stages pass these along; nothing mutates them (``dataclasses.replace`` makes
changed copies). Every extracted item carries a ``Citation``: the source file
and the sentence it came from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from functools import lru_cache
from operator import attrgetter
from typing import Any, Mapping


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with one input, reported as ``path:line: message — fix``."""

    path: str
    message: str
    fix: str = ""
    line: int | None = None
    severity: str = "error"  # "error" skips the source; "warning" keeps it; "notice" is only said

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return _one_line(f"{where}: {self.message}" + (f" — {self.fix}" if self.fix else ""))


def _one_line(text: str) -> str:
    """Control characters shown as escapes: a report stays one line whatever a source holds."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


class SourceError(Exception):
    """Raised by a stage when one source cannot be used; carries its Problem."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


@dataclass(frozen=True, slots=True)
class Source:
    """One article as read from disk: its text and what its front matter says."""

    path: str                 # as given, or relative to the site folder in a build, with '/'
    format: str               # "txt" | "md" | "html"
    text: str                 # the article body, decoded, before cleaning
    meta: Mapping[str, Any]   # validated front matter (see ingest.FRONT_MATTER)
    body_line: int = 1        # line of the file where the body starts
    warnings: tuple[Problem, ...] = ()


@dataclass(frozen=True, slots=True)
class Sentence:
    index: int        # position among the article's sentences, from 0
    paragraph: int
    start: int        # character offsets into Document.text
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Document:
    """A source after cleaning: the body split into unique sentences."""

    source: Source
    text: str
    sentences: tuple[Sentence, ...]
    dropped: int = 0  # repeated paragraphs and boilerplate lines removed


@dataclass(frozen=True, slots=True)
class Citation:
    source: str               # source path, as in Source.path
    sentence: int | None      # Sentence.index; None for an editor's addition
    text: str                 # the sentence quoted, or "editor" note


@lru_cache(maxsize=4096)
def cite(source: str, sentence: int | None, text: str) -> Citation:
    """The citation of a sentence: one object however many items of an article
    cite it (fewer objects to keep, to send between processes and to compare)."""
    return Citation(source, sentence, text)


@dataclass(frozen=True, slots=True)
class Actor:
    name: str
    kind: str                 # person | organization | state | armed group
    role: str = ""
    aliases: tuple[str, ...] = ()
    mentions: int = 0
    citations: tuple[Citation, ...] = ()


@dataclass(frozen=True, slots=True)
class TemporalExpression:
    text: str                 # exactly as written
    type: str                 # DATE | TIME | DURATION | SET
    value: str                # TimeML value: 2025-04-09, 2024-12, P13Y, XXXX-12 ...
    start: int                # offset into Document.text
    sentence: int


class _Cited:
    """Items cite one source sentence in an article, several once merged."""

    __slots__ = ()

    @property
    def citation(self) -> Citation:
        return self.citations[0]


@dataclass(frozen=True, slots=True)
class Event(_Cited):
    date: str | None          # "YYYY" | "YYYY-MM" | "YYYY-MM-DD" | None when unresolved
    precision: str | None     # "year" | "month" | "day" | None
    status: str               # "occurred" | "scheduled" | "ongoing"
    event: str                # what happened, from the sentence
    text: str                 # the date expression as written
    citations: tuple[Citation, ...]
    other_dates: tuple[tuple[str, Citation], ...] = ()  # what other sources say the date was


@dataclass(frozen=True, slots=True)
class Question(_Cited):
    question: str
    citations: tuple[Citation, ...]
    answered_by: Citation | None = None  # a later source's sentence that settles it


@dataclass(frozen=True, slots=True)
class Statement(_Cited):
    """A sentence of the summary or the background."""

    text: str
    citations: tuple[Citation, ...]


@dataclass(frozen=True, slots=True)
class Article:
    """Everything extracted from one source, plus the editor's additions."""

    source: str
    slug: str
    title: str
    published: dt.date | None
    region: str
    tags: tuple[str, ...]
    outlet: str
    url: str
    summary: tuple[Statement, ...]
    background: tuple[Statement, ...]
    actors: tuple[Actor, ...]
    timeline: tuple[Event, ...]
    temporal_expressions: tuple[TemporalExpression, ...]
    open_questions: tuple[Question, ...]
    words: int = 0
    settled: tuple[Citation, ...] = ()  # statements of settled fact, to find later answers to questions
    brief: str = ""                   # the topic within the region, from front matter


@dataclass(frozen=True, slots=True)
class Brief:
    """One published brief: a page of the site."""

    slug: str
    region: str
    title: str
    published: dt.date | None
    tags: tuple[str, ...]
    articles: tuple[Article, ...]      # as listed: metadata only (assemble.listing)
    summary: tuple[Statement, ...]
    background: tuple[Statement, ...]
    actors: tuple[Actor, ...]
    timeline: tuple[Event, ...]
    open_questions: tuple[Question, ...]
    topic: str = ""
    new: tuple[str, ...] = ()          # lines added since the previous build of the site


@dataclass(frozen=True, slots=True)
class Page:
    """A generated file: its path under the output folder and its text."""

    path: str
    text: str


@dataclass(frozen=True, slots=True)
class BuildReport:
    sources: int = 0            # source files found
    articles: int = 0           # of them, read as articles
    extracted: int = 0          # of them, extracted now (the rest came from the cache)
    briefs: int = 0
    pages_written: int = 0
    pages_unchanged: int = 0
    pages_removed: int = 0
    problems: tuple[Problem, ...] = field(default_factory=tuple)
    seconds: tuple[tuple[str, float], ...] = ()   # time per stage

    def summary(self) -> str:
        """The one line every build ends with."""
        skipped = sum(p.severity == "error" for p in self.problems)
        warnings = sum(p.severity == "warning" for p in self.problems)
        stages = ", ".join(f"{stage} {spent:.2f}s" for stage, spent in self.seconds)
        return (f"briefs: {self.briefs} briefs from {self.sources} sources ({self.extracted} extracted, "
                f"{self.sources - self.extracted} cached, {skipped} skipped, {warnings} warnings); "
                f"{self.pages_written} pages written, {self.pages_unchanged} unchanged, {self.pages_removed} removed"
                + (f"; {stages}" if stages else ""))


def _pickled_by_fields(cls: type) -> None:
    """Pickle as (class, field values): about half the time of the default for
    frozen slotted classes, which matters for the articles and pages forked workers send back."""
    get = attrgetter(*(f.name for f in fields(cls)))
    cls.__reduce__ = lambda self: (type(self), get(self))  # type: ignore[method-assign]


for _cls in (Citation, Actor, TemporalExpression, Statement, Event, Question, Article, Problem, Page):
    _pickled_by_fields(_cls)
