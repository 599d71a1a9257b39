"""Timeline: dated events, one per calendar date expression in a sentence."""

from __future__ import annotations

import datetime as dt
import re

from ..model import Event, Sentence, TemporalExpression, cite
from .caseless import Caseless
from .temporal import FUTURE_CUE, iter_dates

ONGOING = Caseless(r"\b(?:continues?|ongoing|still)\b")
# A leading attribution: "Officials said that ..."
ATTRIBUTION = re.compile(r"[A-Z][\w\s'’-]{0,90}?\b(?:said|confirmed|reported|announced)\s+that\s+")


def extract(sentences: tuple[Sentence, ...], source: str, expressions: tuple[TemporalExpression, ...],
            published: dt.date | None) -> tuple[Event, ...]:
    """Events in document order. Without a publication date, relative dates
    stay unresolved (date None): no year is invented."""
    by_index = {s.index: s for s in sentences}
    published_on = published.isoformat() if published else None
    events, seen = [], set()
    for expression, date, precision in iter_dates(expressions):
        if date is None and not expression.value.startswith("XXXX"):
            continue  # PRESENT_REF and the like: not a point in a timeline
        sentence = by_index[expression.sentence]
        if (sentence.index, date or expression.text) in seen:
            continue
        seen.add((sentence.index, date or expression.text))
        status = _status(sentence.text, date, published_on)
        events.append(Event(date, precision, status, _event(sentence.text), expression.text,
                            (cite(source, sentence.index, sentence.text),)))
    return tuple(events)


def _status(text: str, date: str | None, published_on: str | None) -> str:
    if date and published_on and date > published_on[: len(date)]:
        return "scheduled"
    if (date is None or published_on is None or date >= published_on[: len(date)]) and FUTURE_CUE.search(text):
        return "scheduled"
    return "ongoing" if ONGOING.search(text) else "occurred"


def _event(text: str) -> str:
    """The sentence, without a leading attribution ("Officials said that ...")."""
    attribution = ATTRIBUTION.match(text) if "that" in text else None  # a cheap test first: most sentences have none
    stripped = text[attribution.end():] if attribution else text
    return stripped[:1].upper() + stripped[1:]
