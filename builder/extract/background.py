"""Summary and background: the lead and the news go to the summary; context
(history, standing positions, earlier events) to the background."""

from __future__ import annotations

import datetime as dt

from ..model import Sentence, Statement, TemporalExpression, cite
from .caseless import Caseless
from .temporal import calendar_date

CONTEXT = Caseless(
    r"\b(?:since|former(?:ly)?|previously|history|historic(?:al)?|long-standing|longstanding|for (?:years|decades)|"
    r"years of|decades of|has (?:long|maintained|kept|been)|have (?:long|maintained|kept|been)|had been|"
    r"originally|first (?:founded|established|launched)|founded in|established in|in the past|"
    r"earlier this|last year|toppled|ousted|ended)\b"
)
LEAD_WORDS = 35


def summary(sentences: tuple[Sentence, ...], source: str) -> tuple[Statement, ...]:
    """The lead: the first sentence, and the second too when the first is short."""
    lead = list(sentences[:1])
    if lead and len(lead[0].text.split()) < LEAD_WORDS // 2 and len(sentences) > 1:
        lead.append(sentences[1])
    return tuple(Statement(s.text, (cite(source, s.index, s.text),)) for s in lead)


def background(sentences: tuple[Sentence, ...], source: str, expressions: tuple[TemporalExpression, ...],
               published: dt.date | None, lead: int) -> tuple[Statement, ...]:
    """Sentences that give context: cue words, or dates well before publication."""
    old = _sentences_with_old_dates(expressions, published)
    return tuple(Statement(s.text, (cite(source, s.index, s.text),))
                 for s in sentences[lead:] if s.index in old or CONTEXT.search(s.text))


def _sentences_with_old_dates(expressions: tuple[TemporalExpression, ...], published: dt.date | None) -> set[int]:
    """Sentences that date something a month or more before publication."""
    if published is None:
        return set()
    cutoff = (published.replace(day=1) - dt.timedelta(days=1)).isoformat()
    published_on = published.isoformat()
    found = set()
    for expression in expressions:
        resolved = calendar_date(expression.value) if expression.type in ("DATE", "TIME") else None
        if resolved and resolved[0] <= cutoff[: len(resolved[0])] and resolved[0] < published_on[: len(resolved[0])]:
            found.add(expression.sentence)
    return found
