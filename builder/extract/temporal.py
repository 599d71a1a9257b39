"""Temporal expressions: find them, type them (DATE, TIME, DURATION, SET) and
give each a TimeML value resolved against the publication date.

The direction of a relative expression ("on Friday", "in December") comes
from the words around it: the nearest tense cue in its clause ("met",
"set to", "will"). Precision is kept (a month stays ``2024-12``), and without
a publication date nothing gets a year: ``XXXX-12``, ``XXXX-WXX-3``.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Callable, Iterator

from dateutil.relativedelta import relativedelta

from ..model import Sentence, TemporalExpression
from .caseless import Caseless

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
           "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
           "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
           "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100, "several": None, "few": None,
           "a few": None, "many": None}
ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}
UNITS = {"second": "S", "minute": "M", "hour": "H", "day": "D", "week": "W", "weekend": "WE", "month": "M",
         "quarter": "Q", "year": "Y", "decade": "DE", "century": "CE"}
PARTS_OF_DAY = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI", "tonight": "NI"}
SEASONS = {"spring": "SP", "summer": "SU", "autumn": "FA", "fall": "FA", "winter": "WI"}

_MONTH = (r"(?P<{0}>January|February|March|April|May|June|July|August|September|October|November|December"
          r"|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)")
_DAY = r"(?P<{0}>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<{0}>1[6-9]\d\d|20\d\d)"
_WEEKDAY = r"(?P<{0}>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_NUM = r"(?P<{0}>\d+(?:\.\d+)?|a few|few|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|hundred|several|a|an)"
_UNIT = r"(?P<{0}>second|minute|hour|day|weekend|week|month|quarter|year|decade|century|centurie)s?"
_PART = r"(?P<{0}>morning|afternoon|evening|night)"
_REL = r"(?P<{0}>this|last|next|past|previous|coming|current|following)"

# Each rule: (name, pattern). Earlier rules win at the same starting position.
# A rule that can start with a digit is also named in DIGIT_RULES.
RULES: tuple[tuple[str, str], ...] = (
    ("iso", r"\b(?P<iy>\d{4})-(?P<im>[01]\d)-(?P<id>[0-3]\d)\b"),
    ("slashed", r"\b(?P<sm>1[0-2]|0?[1-9])/(?P<sd>[12]\d|3[01]|0?[1-9])/(?P<sly>\d{4}|\d{2})\b"),
    ("mdy", rf"\b(?:{_WEEKDAY.format('w1')},?\s+)?{_MONTH.format('m1')}\s+{_DAY.format('d1')},?\s+{_YEAR.format('y1')}\b"),
    ("dmy", rf"\b(?:{_WEEKDAY.format('w2')},?\s+)?{_DAY.format('d2')}\s+(?:of\s+)?{_MONTH.format('m2')},?\s+{_YEAR.format('y2')}\b"),
    ("my", rf"\b(?:(?P<mod1>early|mid|late)[- ])?{_MONTH.format('m3')},?\s+(?:of\s+)?{_YEAR.format('y3')}\b"),
    ("md", rf"\b(?:{_WEEKDAY.format('w4')},?\s+)?{_MONTH.format('m4')}\s+{_DAY.format('d4')}\b(?!,?\s*\d)"),
    ("dm", rf"\b(?:{_WEEKDAY.format('w5')},?\s+)?{_DAY.format('d5')}\s+(?:of\s+)?{_MONTH.format('m5')}\b"),
    ("quarter", r"\b(?:the\s+)?(?P<qn>first|second|third|fourth|final|last|1st|2nd|3rd|4th)[- ]quarter"
                r"(?:\s+of\s+(?:(?P<qy>1[6-9]\d\d|20\d\d)|(?P<qrel>this|last|next|the) year))?\b"),
    ("qshort", r"\b(?:Q(?P<qs>[1-4])\s*(?P<qsy>\d{4})?|(?P<qsy2>\d{4})\s*Q(?P<qs2>[1-4]))\b"),
    ("monthweek", rf"\b(?:the\s+)?(?P<mwn>first|second|third|fourth|last|final)\s+week\s+of\s+{_MONTH.format('mwm')}(?:,?\s+{_YEAR.format('mwy')})?\b"),
    ("half", r"\b(?:the\s+)?(?P<hn>first|second)\s+half(?:\s+of\s+(?:(?P<hy>\d{4})|(?P<hrel>this|last|next) year))?\b"
             r"(?!\s+of\b)"),
    ("century", r"\b(?:the\s+)?(?P<cn>1\d|2\d|[1-9])(?:st|nd|rd|th)\s+century\b"),
    ("season", r"\b(?:(?P<srel>this|last|next)\s+|(?:the\s+)?(?P<smod>early|late)\s+)?(?P<season>spring|summer|autumn|winter)"
               r"(?:\s+(?:of\s+)?(?P<sy>\d{4}))?\b"),
    ("decade", r"\b(?:the\s+)?(?:(?:early|mid|late)[- ])?(?:(?P<dec>1[6-9]\d|20\d)|'?(?P<dec2>[1-9]))0s\b"),
    ("ago", rf"\b{_NUM.format('an')}\s+{_UNIT.format('au')}\s+ago\b"),
    ("later", rf"\b{_NUM.format('ln')}\s+{_UNIT.format('lu')}\s+(?P<ldir>later|earlier)\b"),
    ("edge", rf"\b(?:the\s+)?(?P<edge>end|beginning|start|middle|close)\s+of\s+(?:(?P<erel>this|last|next|the)\s+)?"
             rf"(?:{_UNIT.format('eu')}|{_MONTH.format('em')}|{_YEAR.format('ey')})\b"),
    ("inrel", rf"\b(?P<inrel>earlier|later)\s+this\s+{_UNIT.format('iu')}\b"),
    ("relday", rf"\b(?:(?P<rdmod>earlier|later)\s+)?(?P<rd>today|yesterday|tomorrow|tonight)(?:\s+{_PART.format('rdp')})?\b"),
    ("partday", rf"\b(?P<pdrel>this|last)\s+{_PART.format('pdp')}\b"),
    ("relunit", rf"\b(?:the\s+)?{_REL.format('rel')}\s+{_UNIT.format('ru')}\b(?!\s+(?:ago|later|earlier))"),
    ("weekend", r"\b(?:(?<=over\s)|(?<=during\s)|(?<=at\s)|(?<=on\s)|(?<=for\s))the\s+weekend\b"),
    ("wholeunit", r"\b(?:the\s+)?(?:entire|whole|full)\s+(?P<wu>year|month|week)\b"),
    ("unitrel", r"\b(?:the\s+)?(?P<urunit>year|month|week|day)\s+(?P<urrel>before|previous|earlier|after)\b"),
    ("samelast", r"\b(?:the\s+)?same\s+(?P<slunit>period|time|month|quarter)\s+(?:of\s+)?(?:(?P<slrel>last)\s+year|a\s+year\s+(?:ago|earlier))\b"),
    ("thatunit", r"\b(?:(?:later|earlier)\s+)?(?:that|the\s+same)\s+(?P<tu>year|month|week)\b"),
    ("theday", r"\b(?:that|the\s+same|the\s+following|the\s+next|the\s+previous|(?<=in\s)the|(?<=during\s)the)\s+(?P<tdu>day|morning|afternoon|evening|night)\b"
               r"|\b(?<=at\s)that\s+(?P<tdu2>time)\b"),
    ("weekday", rf"\b(?:(?P<wrel>last|next|this|coming|past)\s+)?{_WEEKDAY.format('wd')}(?:\s+{_PART.format('wp')})?\b"),
    ("month", rf"\b(?:(?P<mmod>early|mid|late)[- ]|(?P<mrel>last|next|this)\s+)?{_MONTH.format('mo')}(?!\s*\d)\b"
              r"(?:(?=,?\s+(?:of\s+)?(?P<myrel>this|last|next)\s+year\b))?"),
    ("modyear", r"\b(?P<ymod>early|mid|late)[- ](?P<yy>1[6-9]\d\d|20\d\d)\b"),
    ("fiscal", r"\b(?:fiscal|financial)(?:\s+year)?\s+(?P<fy>\d{4})\b"),
    ("year", r"(?<![\d$£€#.,/-])\b(?P<year>1[6-9]\d\d|20\d\d)\b(?![.,]?\d|%|\s*percent|-\d)"),
    ("present", r"\b(?P<present>now|currently|current|at present|presently|nowadays|these days|at the moment|ongoing)\b"),
    ("past", r"\b(?P<pastref>recently|recent|the past(?!\s+(?:few|several|many|couple|\d|one|two|three|four|five|six|seven|eight|nine|ten)\b)|lately)\b"),
    ("future", r"\b(?P<future>the future|very soon|soon|the coming (?:days|weeks|months|years)|the near future|the long term|the short term|the long run)\b"),
    ("clock", r"(?:\b(?P<hh>[01]?\d|2[0-3])(?::(?P<mm>[0-5]\d))?\s*(?P<ampm>a\.m\.|p\.m\.|am\b|pm\b)"
              r"|\b(?P<hh2>[01]?\d|2[0-3]):(?P<mm2>[0-5]\d)\b|\b(?P<noon>noon|midnight)\b)"
              r"(?:\s*(?P<zone>GMT|UTC|Z)\b)?(?:\s+local\s+time)?(?:\s+(?:on\s+)?(?P<cday>today|yesterday|tomorrow|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b)?"),
    ("duration", rf"\b(?:(?:the\s+)?(?:past|last|next|previous|coming|first|following)\s+)?{_NUM.format('dn')}[- ]{_UNIT.format('du')}(?:[- ]long|[- ]old)?\b"),
    ("set", r"\b(?P<setw>every|each|per)\s+(?P<setu>day|week|month|quarter|year|morning|evening|night|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
            r"|\b(?P<setadv>daily|weekly|monthly|quarterly|annually|yearly)\b"),
)


def _alternation(rules: tuple[tuple[str, str], ...]) -> re.Pattern:
    return re.compile("|".join(f"(?P<_{name}>{body})" for name, body in rules), re.IGNORECASE)


# At a digit or an apostrophe ("'90s") only the rules that can start with one
# are tried, at a word all but those that can only start with a digit.
DIGIT_RULES = frozenset(("iso", "slashed", "dmy", "dm", "quarter", "qshort", "century", "decade", "ago", "later",
                         "year", "clock", "duration"))
AT_DIGIT = _alternation(tuple(rule for rule in RULES if rule[0] in DIGIT_RULES))
AT_WORD = _alternation(tuple(rule for rule in RULES if rule[0] not in ("iso", "slashed", "year")))


FUTURE_CUE = Caseless(  # "a plan" is no cue
    r"\b(?:will|won't|shall|'ll|set to|set for|due to|is due|are due|scheduled|expected|expects|"
    r"plans?\s+to|planning\s+to|planned\s+for|going to|is to|are to|upcoming|next|intends?|would|aims?\s+to|"
    r"hopes?\s+to|later|to be held|to take place|to visit|to meet|tomorrow|coming|must(?!\s+have)|deadline)\b")
PAST_CUE = Caseless(
    r"\b(?:was|were|had|did|said|says|told|ago|last|earlier|yesterday|met|began|took|gave|went|came|made|held|won|"
    r"lost|left|saw|fell|rose|sold|bought|spent|paid|hit|cut|ran|led|\w{3,}ed)\b")


# Words that can start an expression: the rules are tried only there.
TRIGGERS = frozenset(
    [*MONTHS, *WEEKDAYS, *NUMBERS, *ORDINALS, *SEASONS, *PARTS_OF_DAY, "jan", "feb", "mar", "apr", "jun", "jul",
     "aug", "sep", "sept", "oct", "nov", "dec", "the", "this", "last", "next", "past", "previous", "coming",
     "current", "following", "early", "mid", "late", "earlier", "later", "today", "yesterday", "tomorrow",
     "tonight", "now", "currently", "at", "presently", "nowadays", "these", "ongoing", "recently", "recent",
     "lately", "very", "soon", "fiscal", "financial", "every", "each", "per", "daily", "weekly", "monthly",
     "quarterly", "annually", "yearly", "noon", "midnight", "that", "same", "q1", "q2", "q3", "q4", "end", "entire",
     "whole", "full",
     "beginning", "start", "middle", "close", "year", "month", "week"])
# Common trigger words start an expression only before one of these words: a
# look at the next word inside the trigger pattern spares the rules most of
# their attempts. (A phrase joins its words with \s+.)
_NEXT = {
    "the": "first second third fourth final last 1st 2nd 3rd 4th early mid late end beginning start middle close this "
           "next past previous coming current following entire whole full year month week same day morning afternoon "
           "evening night future near long short weekend",
    "a": "few couple year month week day decade hour minute second quarter weekend century half",
    "an": "hour",
    "that": "day morning afternoon evening night time year month week",
    "at": r"present the\s+moment",
}


def _trigger(word: str) -> str:
    if word in _NEXT:
        number = r"|\d|'" if word == "the" else ""  # "the 1990s", "the '90s"
        return rf"{word}(?=\s+(?:(?:{'|'.join(_NEXT[word].split())})\b{number}))"
    return rf"{word}(?![\w])"


def _trigger_words() -> str:
    """The trigger words as one alternation, longest first so "a few" is taken
    before "a", and grouped by first letter: re tries alternatives one by one."""
    by_letter: dict[str, list[str]] = {}
    for word in sorted(TRIGGERS, key=len, reverse=True):
        by_letter.setdefault(word[0], []).append(_trigger(word)[1:])
    return "|".join(f"{letter}(?:{'|'.join(rests)})" for letter, rests in by_letter.items())


# Where an expression may start: a trigger word, or a digit (years, dates, clock times).
TRIGGER = Caseless(rf"(?<![\w'])(?:(?P<digit>'?\d)|{_trigger_words()})")


def tag(sentences: tuple[Sentence, ...], published: dt.date | None) -> tuple[TemporalExpression, ...]:
    """Every temporal expression of the document, in order, with its value."""
    found: list[TemporalExpression] = []
    anchor = _Anchor(published)
    for sentence in sentences:
        for match in _matches(sentence.text):
            expression = _expression(match, sentence, anchor)
            if expression is not None:
                found.append(expression)
                anchor.update(expression.value)
    return tuple(found)


def _matches(text: str) -> Iterator[re.Match]:
    """Leftmost non-overlapping matches of the rules, tried only at trigger words."""
    end = 0
    for word in TRIGGER.finditer(text):
        if word.start() < end:
            continue
        match = (AT_DIGIT if word["digit"] else AT_WORD).match(text, word.start())
        if match:
            end = match.end()
            yield match


BARE_YEAR = re.compile(r"\d{4}")
YEAR_FIRST = re.compile(r"\d{4}\b")
PERIOD = re.compile(r"\d{4}-(?:\d{2}|Q[1-4])")
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class _Anchor:
    """The reference for "two days later": the last full date mentioned."""

    def __init__(self, published: dt.date | None):
        self.published = published
        self.day = published
        self.year = published.year if published else None
        self.period = ""  # the last month or quarter mentioned: "the same period last year"
        self.year_named = False  # the latest expression was a bare year

    def update(self, value: str) -> None:
        self.year_named = BARE_YEAR.fullmatch(value) is not None
        if not YEAR_FIRST.match(value):
            return  # "PAST_REF", "P3D", "XXXX-12": nothing to anchor to
        self.year = int(value[:4])
        if PERIOD.fullmatch(value):
            self.period = value
        if DAY.fullmatch(value[:10]) and (len(value) == 10 or value[10] == "T"):
            try:
                self.day = dt.date.fromisoformat(value[:10])
            except ValueError:
                pass


# Letters IGNORECASE lets stand for ASCII ones ('ſ' for 's', the Kelvin sign for 'k', dotted and dotless i).
FOLDED_TO_ASCII = frozenset("ſ\u212aİı")


def _expression(match: re.Match, sentence: Sentence, anchor: _Anchor) -> TemporalExpression | None:
    rule = match.lastgroup[1:]
    text = match.group(0)
    if not text.isascii() and not FOLDED_TO_ASCII.isdisjoint(text):
        return None  # "ſept": IGNORECASE matched it, but no table of month or number names holds it
    context = _Context(sentence.text, match.start(), match.end(), anchor)
    resolved = RESOLVERS[rule](match, context)
    if resolved is None:
        return None
    kind, value = resolved
    text = text.strip(" ,")
    return TemporalExpression(text, kind, value, sentence.start + match.start(), sentence.index)


class _Context:
    def __init__(self, sentence: str, start: int, end: int, anchor: _Anchor):
        self.sentence, self.start, self.end, self.anchor = sentence, start, end, anchor
        self.dct = anchor.published

    def clause_direction(self) -> int:
        """The tense cue nearest before the expression in its own clause, or 0."""
        clause_start = max(self.sentence.rfind(c, 0, self.start) for c in ",;:—(")
        return _last_cue(self.sentence[clause_start + 1:self.start])

    def direction(self) -> int:
        """+1 future, -1 past, 0 unknown: the nearest tense cue, in the
        expression's clause first, preceding words before following ones."""
        clause_start = max(self.sentence.rfind(c, 0, self.start) for c in ",;:—(")
        before = self.sentence[clause_start + 1:self.start]
        cue = _last_cue(before)
        if cue:
            return cue
        after = self.sentence[self.end:]
        stop = min([i for i in (after.find(c) for c in ",;:—") if i >= 0], default=len(after))
        return _first_cue(after[:stop]) or _last_cue(self.sentence[:self.start]) or _first_cue(after)


PASSIVE = re.compile(r"\b(?:be|been|being)\s+$", re.IGNORECASE)


def _cues(text: str) -> list[tuple[int, int]]:
    """Tense cues by position; a participle after "be" ("will be finalized")
    takes its tense from the auxiliary, not from its -ed."""
    found = [(m.start(), 1) for m in FUTURE_CUE.finditer(text)]
    found += [(m.start(), -1) for m in PAST_CUE.finditer(text) if not PASSIVE.search(text, 0, m.start())]
    return sorted(found)


def _last_cue(text: str) -> int:
    cues = _cues(text)
    return cues[-1][1] if cues else 0


def _first_cue(text: str) -> int:
    cues = _cues(text)
    return cues[0][1] if cues else 0


# --- resolvers: (match, context) -> (type, value) or None -------------------

Resolver = Callable[[re.Match, _Context], "tuple[str, str] | None"]
RESOLVERS: dict[str, Resolver] = {}


def resolver(name: str):
    def register(function: Resolver) -> Resolver:
        RESOLVERS[name] = function
        return function
    return register


@lru_cache(maxsize=256)
def _month(name: str) -> int:
    return next(i for i, m in enumerate(MONTHS, 1) if m.startswith(name.lower().rstrip(".")[:3]))


def _number(text: str) -> int | None:
    text = text.lower()
    if text in NUMBERS:
        return NUMBERS[text]
    try:
        value = float(text)
    except ValueError:
        return None
    return int(value) if value == int(value) else None


def _day(year: int | None, month: int, day: int) -> str | None:
    if year is None:
        return f"XXXX-{month:02d}-{day:02d}" if 1 <= day <= 31 else None
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _year_for(month: int, day: int | None, context: _Context) -> int | None:
    """The year of a month (and day) named without one: as the tense of its
    clause says ("will resume in December", "toppled in June"), else the
    occurrence nearest the publication date."""
    dct = context.dct
    if dct is None:
        return None
    ahead = (month - dct.month) % 12   # months to the next such month
    behind = (dct.month - month) % 12  # months since the last one
    if ahead == 0 or behind == 0:
        if day is None or day == dct.day:
            return dct.year
        past = day < dct.day
        return dct.year if past or context.direction() >= 0 or day - dct.day < 15 else dct.year - 1
    tense = context.clause_direction()
    future = tense > 0 if tense else (context.direction() > 0 if abs(ahead - behind) <= 2 else ahead < behind)
    return dct.year + (1 if month < dct.month else 0) if future else dct.year - (1 if month > dct.month else 0)


@resolver("iso")
def _iso(m: re.Match, c: _Context):
    value = _day(int(m["iy"]), int(m["im"]), int(m["id"]))
    return ("DATE", value) if value else None


@resolver("slashed")
def _slashed(m: re.Match, c: _Context):
    year = int(m["sly"]) if len(m["sly"]) == 4 else 2000 + int(m["sly"]) if int(m["sly"]) < 50 else 1900 + int(m["sly"])
    value = _day(year, int(m["sm"]), int(m["sd"]))
    return ("DATE", value) if value else None


@resolver("mdy")
def _mdy(m: re.Match, c: _Context):
    value = _day(int(m["y1"]), _month(m["m1"]), int(m["d1"]))
    return ("DATE", value) if value else None


@resolver("dmy")
def _dmy(m: re.Match, c: _Context):
    value = _day(int(m["y2"]), _month(m["m2"]), int(m["d2"]))
    return ("DATE", value) if value else None


@resolver("my")
def _my(m: re.Match, c: _Context):
    return "DATE", f"{m['y3']}-{_month(m['m3']):02d}"


def _month_day(month_name: str, day: str, c: _Context):
    month, number = _month(month_name), int(day)
    value = _day(_year_for(month, number, c), month, number)
    return ("DATE", value) if value else None


@resolver("md")
def _md(m: re.Match, c: _Context):
    return _month_day(m["m4"], m["d4"], c)


@resolver("dm")
def _dm(m: re.Match, c: _Context):
    return _month_day(m["m5"], m["d5"], c)


def _quarter_of(date: dt.date) -> int:
    return (date.month - 1) // 3 + 1


@resolver("quarter")
def _quarter(m: re.Match, c: _Context):
    name = m["qn"].lower()
    dct = c.dct
    if name in ("last", "final") and not (m["qy"] or m["qrel"]):
        if dct is None:
            return "DATE", "XXXX-QX"
        previous = dct - relativedelta(months=3)
        return "DATE", f"{previous.year}-Q{_quarter_of(previous)}"
    number = 4 if name in ("last", "final") else ORDINALS[name]
    year = _relative_year(m["qy"], m["qrel"], c)
    if year is None and dct is not None and not m["qrel"]:
        ahead = (number - _quarter_of(dct)) % 4
        year = dct.year - 1 if number > _quarter_of(dct) and ahead > 2 else _year_of_part(number, 4, c)
    return "DATE", f"{year if year else 'XXXX'}-Q{number}"


def _relative_year(explicit: str | None, relation: str | None, c: _Context) -> int | None:
    if explicit:
        return int(explicit)
    if c.dct is None or not relation:
        return None
    return c.dct.year + {"this": 0, "the": 0, "last": -1, "next": 1}[relation.lower()]


@resolver("qshort")
def _qshort(m: re.Match, c: _Context):
    number = m["qs"] or m["qs2"]
    year = m["qsy"] or m["qsy2"] or (c.dct.year if c.dct else "XXXX")
    return "DATE", f"{year}-Q{number}"


@resolver("monthweek")
def _monthweek(m: re.Match, c: _Context):
    month = _month(m["mwm"])
    year = int(m["mwy"]) if m["mwy"] else _year_for(month, None, c)
    if year is None:
        return "DATE", f"XXXX-{month:02d}"
    first = dt.date(year, month, 1)
    last = (first + relativedelta(months=1)) - dt.timedelta(days=1)
    day = last - dt.timedelta(days=3) if m["mwn"].lower() in ("last", "final") else \
        first + dt.timedelta(days=3 + 7 * (ORDINALS[m["mwn"].lower()] - 1))
    iso_year, week, _ = day.isocalendar()
    return "DATE", f"{iso_year}-W{week:02d}"


@resolver("half")
def _half(m: re.Match, c: _Context):
    number = 1 if m["hn"].lower() == "first" else 2
    year = _relative_year(m["hy"], m["hrel"], c) or _year_of_part(number, 2, c)
    return "DATE", f"{year or 'XXXX'}-H{number}"


def _year_of_part(number: int, parts: int, c: _Context) -> int | None:
    """The year of "the third quarter" or "the second half" named without one:
    a part still to come cannot have been reported on, nor a past one be ahead."""
    if c.dct is None:
        return None
    current = (c.dct.month - 1) * parts // 12 + 1
    tense = c.clause_direction()
    if tense < 0 and number > current:
        return c.dct.year - 1
    if tense > 0 and number < current:
        return c.dct.year + 1
    return c.dct.year


@resolver("century")
def _century(m: re.Match, c: _Context):
    return "DATE", f"{int(m['cn']) - 1:02d}"


@resolver("season")
def _season(m: re.Match, c: _Context):
    code = SEASONS[m["season"].lower()]
    if m["sy"]:
        return "DATE", f"{m['sy']}-{code}"
    if not (m["srel"] or m["smod"]) and not re.search(r"\b(?:in|this|last|next|the|during|by|until|since)\s+$", c.sentence[:c.start], re.IGNORECASE):
        return None  # "spring" as a verb or a noun of no date
    year = _relative_year(None, m["srel"] or "this", c)
    return "DATE", f"{year or 'XXXX'}-{code}"


@resolver("decade")
def _decade(m: re.Match, c: _Context):
    return "DATE", m["dec"] or f"19{m['dec2']}"


def _shift(date: dt.date, unit: str, amount: int) -> str:
    """``date`` moved by ``amount`` units, written at the unit's precision."""
    if unit in ("day",):
        return (date + dt.timedelta(days=amount)).isoformat()
    if unit in ("week", "weekend"):
        year, week, _ = (date + dt.timedelta(weeks=amount)).isocalendar()
        return f"{year}-W{week:02d}" + ("-WE" if unit == "weekend" else "")
    if unit == "month":
        moved = date + relativedelta(months=amount)
        return f"{moved.year}-{moved.month:02d}"
    if unit == "quarter":
        moved = date + relativedelta(months=3 * amount)
        return f"{moved.year}-Q{_quarter_of(moved)}"
    if unit == "decade":
        return str(date.year // 10 + amount)
    if unit in ("century", "centurie"):
        return str(date.year // 100 + amount)
    return str(date.year + amount)


def _unit(text: str) -> str:
    text = text.lower()
    return "century" if text.startswith("centur") else text.rstrip("s") if text != "weekends" else "weekend"


@resolver("ago")
def _ago(m: re.Match, c: _Context):
    amount = _number(m["an"])
    unit = _unit(m["au"])
    if c.dct is None or amount is None or unit in ("second", "minute", "hour"):
        return "DATE", "PAST_REF" if c.dct is None or amount is None else c.dct.isoformat()
    return "DATE", _shift(c.dct, unit, -amount)


@resolver("later")
def _later(m: re.Match, c: _Context):
    amount = _number(m["ln"])
    unit = _unit(m["lu"])
    base = c.anchor.day
    if base is None or amount is None or unit in ("second", "minute", "hour"):
        return None
    step = amount if m["ldir"].lower() == "later" else -amount
    if unit == "year" and c.anchor.year_named:  # "In 2011 ...; two years later": 2013
        return "DATE", str(c.anchor.year + step)
    return "DATE", _shift(base, unit, step)


@resolver("edge")
def _edge(m: re.Match, c: _Context):
    if m["ey"]:
        return "DATE", m["ey"]
    if m["em"]:
        month = _month(m["em"])
        year = _year_for(month, None, c)
        return "DATE", f"{year or 'XXXX'}-{month:02d}"
    unit = _unit(m["eu"])
    relation = (m["erel"] or "this").lower()
    if unit not in ("year", "month", "week", "quarter", "decade", "century"):
        return None
    if c.dct is None:
        return "DATE", "XXXX"
    offset = {"this": 0, "the": 0, "last": -1, "next": 1}[relation]
    return "DATE", _shift(c.dct, unit, offset)


@resolver("inrel")
def _inrel(m: re.Match, c: _Context):
    unit = _unit(m["iu"])
    if c.dct is None:
        return "DATE", "XXXX"
    return "DATE", _shift(c.dct, unit, 0)


@resolver("relday")
def _relday(m: re.Match, c: _Context):
    word = m["rd"].lower()
    part = PARTS_OF_DAY.get((m["rdp"] or "").lower()) or ("NI" if word == "tonight" else "")
    if c.dct is None:
        return ("TIME" if part else "DATE"), "XXXX-XX-XX" + (f"T{part}" if part else "")
    offset = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}[word]
    day = (c.dct + dt.timedelta(days=offset)).isoformat()
    return ("TIME", f"{day}T{part}") if part else ("DATE", day)


@resolver("partday")
def _partday(m: re.Match, c: _Context):
    part = PARTS_OF_DAY[m["pdp"].lower()]
    if c.dct is None:
        return "TIME", f"XXXX-XX-XXT{part}"
    day = c.dct - dt.timedelta(days=1 if m["pdrel"].lower() == "last" and part == "NI" else 0)
    return "TIME", f"{day.isoformat()}T{part}"


@resolver("relunit")
def _relunit(m: re.Match, c: _Context):
    relation = m["rel"].lower()
    unit = _unit(m["ru"])
    if unit in ("second", "minute", "hour"):
        return None
    if m.group(0).lower().endswith("s") and relation in ("coming", "next", "past", "last", "previous"):
        return "DATE", "FUTURE_REF" if relation in ("coming", "next") else "PAST_REF"  # "in the coming days"
    if c.dct is None:
        return "DATE", {"year": "XXXX", "month": "XXXX-XX", "day": "XXXX-XX-XX"}.get(unit, "XXXX-XX-XX")
    if relation == "following":
        return "DATE", _shift(c.anchor.day or c.dct, unit, 1)
    offset = {"this": 0, "current": 0, "last": -1, "past": -1, "previous": -1, "next": 1, "coming": 1}[relation]
    return "DATE", _shift(c.dct, unit, offset)


@resolver("unitrel")
def _unitrel(m: re.Match, c: _Context):
    unit = m["urunit"].lower()
    base = dt.date(c.anchor.year, 7, 1) if unit == "year" and c.anchor.year else c.anchor.day
    if base is None:
        return "DATE", "XXXX-XX-XX" if unit == "day" else "XXXX"
    return "DATE", _shift(base, unit, 1 if m["urrel"].lower() == "after" else -1)


@resolver("weekend")
def _weekend(m: re.Match, c: _Context):
    """"over the weekend": the last one in a past clause, else the coming one."""
    if c.dct is None:
        return "DATE", "XXXX-WXX-WE"
    return "DATE", _shift(c.dct, "weekend", 0 if c.direction() > 0 else -1)


@resolver("wholeunit")
def _wholeunit(m: re.Match, c: _Context):
    unit = m["wu"].lower()
    if unit == "year" and c.anchor.year:
        return "DATE", str(c.anchor.year)  # "losses in the fourth quarter of 2005 and for the entire year"
    base = c.anchor.day or c.dct
    if base is None:
        return "DATE", "XXXX"
    return "DATE", _shift(base, unit, 0)


@resolver("samelast")
def _samelast(m: re.Match, c: _Context):
    """A year before the month or quarter just mentioned ("rose in February
    compared to the same period last year"), else before the publication month."""
    unit = m["slunit"].lower()
    period = c.anchor.period
    if period and (unit in ("period", "time") or (unit == "quarter") == ("Q" in period)):
        return "DATE", f"{int(period[:4]) - 1}{period[4:]}"
    if c.dct is None:
        return "DATE", "XXXX-XX"
    if unit == "quarter":
        return "DATE", f"{c.dct.year - 1}-Q{_quarter_of(c.dct)}"
    return "DATE", f"{c.dct.year - 1}-{c.dct.month:02d}"


@resolver("thatunit")
def _thatunit(m: re.Match, c: _Context):
    """"later that year", "the same month": the year or month just named."""
    unit = m["tu"].lower()
    if unit == "year":
        return "DATE", str(c.anchor.year) if c.anchor.year else "XXXX"
    if unit == "month" and c.anchor.period and "Q" not in c.anchor.period:
        return "DATE", c.anchor.period
    base = c.anchor.day
    return "DATE", _shift(base, unit, 0) if base else "XXXX-XX"


@resolver("theday")
def _theday(m: re.Match, c: _Context):
    day = c.anchor.day
    part = PARTS_OF_DAY.get((m["tdu"] or "").lower(), "")
    if re.match(r"(?:the\s+)?(?:following|next)", m.group(0), re.IGNORECASE) and day:
        day += dt.timedelta(days=1)
    elif re.match(r"the\s+previous", m.group(0), re.IGNORECASE) and day:
        day -= dt.timedelta(days=1)
    value = day.isoformat() if day else "XXXX-XX-XX"
    return ("TIME", f"{value}T{part}") if part else ("DATE", value)


@resolver("weekday")
def _weekday(m: re.Match, c: _Context):
    if not m["wd"][0].isupper():
        return None
    number = WEEKDAYS.index(m["wd"].lower())
    part = PARTS_OF_DAY.get((m["wp"] or "").lower(), "")
    kind = "TIME" if part else "DATE"
    suffix = f"T{part}" if part else ""
    if c.dct is None:
        return kind, f"XXXX-WXX-{number + 1}{suffix}"
    relation = (m["wrel"] or "").lower()
    if relation in ("last", "past"):
        delta = -((c.dct.weekday() - number) % 7 or 7)
    elif relation in ("next", "coming"):
        delta = (number - c.dct.weekday()) % 7 or 7
    elif c.direction() > 0:
        delta = (number - c.dct.weekday()) % 7
    else:
        delta = -((c.dct.weekday() - number) % 7)
    return kind, (c.dct + dt.timedelta(days=delta)).isoformat() + suffix


MONTH_PREPOSITION = re.compile(r"\b(?:in|since|by|until|from|during|of|before|after|through)\s+$", re.IGNORECASE)


@resolver("month")
def _month_alone(m: re.Match, c: _Context):
    name = m["mo"]
    if not name[0].isupper():
        return None
    # Matches start at trigger words, so "in May" is seen by looking back, not by the pattern.
    after_preposition = MONTH_PREPOSITION.search(c.sentence, max(0, c.start - 16), c.start) is not None
    if name == "May" and not (m["mmod"] or m["mrel"] or after_preposition):
        return None  # the modal verb at the start of a sentence
    if name == "March" and not (m["mmod"] or m["mrel"] or after_preposition) and re.match(r"\s+(?:on|to|against|through)\b", c.sentence[c.end:]):
        return None  # "March on ..." as a verb
    month = _month(name)
    relation = (m["mrel"] or "").lower()
    if c.dct is None:
        year = None
    elif m["myrel"]:
        year = _relative_year(None, m["myrel"], c)
    elif relation == "last":
        year = c.dct.year if month < c.dct.month else c.dct.year - 1
    elif relation == "next":
        year = c.dct.year if month > c.dct.month else c.dct.year + 1
    elif relation == "this":
        year = c.dct.year
    else:
        year = _year_for(month, None, c)
    return "DATE", f"{year or 'XXXX'}-{month:02d}"


@resolver("modyear")
def _modyear(m: re.Match, c: _Context):
    return "DATE", m["yy"]


@resolver("fiscal")
def _fiscal(m: re.Match, c: _Context):
    return "DATE", f"FY{m['fy']}"


@resolver("year")
def _year(m: re.Match, c: _Context):
    return "DATE", m["year"]


@resolver("present")
def _present(m: re.Match, c: _Context):
    return "DATE", "PRESENT_REF"


@resolver("past")
def _past(m: re.Match, c: _Context):
    return "DATE", "PAST_REF"


@resolver("future")
def _future(m: re.Match, c: _Context):
    return "DATE", "FUTURE_REF"


@resolver("clock")
def _clock(m: re.Match, c: _Context):
    if m["noon"]:
        hour, minute = (12, 0) if m["noon"].lower() == "noon" else (0, 0)
    else:
        hour = int(m["hh"] or m["hh2"])
        minute = int(m["mm"] or m["mm2"] or 0)
        ampm = (m["ampm"] or "").lower()
        if ampm.startswith("p") and hour < 12:
            hour += 12
        elif ampm.startswith("a") and hour == 12:
            hour = 0
        if hour > 23:
            return None
    zone = "Z" if m["zone"] else ""
    return "TIME", f"{_clock_day(m['cday'], c)}T{hour:02d}:{minute:02d}{zone}"


FOLLOWING_DATE = re.compile(rf",?\s+(?:on\s+)?(?:{_MONTH.format('fm')}\s+{_DAY.format('fd')}|{_DAY.format('fd2')}\s+(?:of\s+)?{_MONTH.format('fm2')})\b",
                            re.IGNORECASE)


def _clock_day(word: str | None, c: _Context) -> str:
    """The day a time of day falls on: named after it ("16:15 UTC, June 1st"),
    else the last date mentioned."""
    following = FOLLOWING_DATE.match(c.sentence, c.end)
    if word is None and following:
        month, day = (following["fm"], following["fd"]) if following["fm"] else (following["fm2"], following["fd2"])
        resolved = _month_day(month, day, c)
        if resolved:
            return resolved[1]
    if word is None or c.dct is None:
        return c.anchor.day.isoformat() if c.anchor.day and word is None else "XXXX-XX-XX"
    word = word.lower()
    if word in WEEKDAYS:
        number = WEEKDAYS.index(word)
        delta = (number - c.dct.weekday()) % 7 if c.direction() > 0 else -((c.dct.weekday() - number) % 7)
        return (c.dct + dt.timedelta(days=delta)).isoformat()
    return (c.dct + dt.timedelta(days={"today": 0, "yesterday": -1, "tomorrow": 1}[word])).isoformat()


@resolver("duration")
def _duration(m: re.Match, c: _Context):
    amount = _number(m["dn"])
    unit = _unit(m["du"])
    code = UNITS.get(unit)
    if code is None or (unit == "second" and re.match(r"\s+[a-z]", c.sentence[c.end:], re.IGNORECASE)):
        return None  # "a second round": an ordinal

    count = "X" if amount is None else str(amount)
    if unit in ("hour", "minute", "second"):
        return "DURATION", f"PT{count}{code}"
    if unit == "decade":
        return "DURATION", f"P{count}DE"
    if unit == "century":
        return "DURATION", f"P{count}CE"
    return "DURATION", f"P{count}{code}"


@resolver("set")
def _set(m: re.Match, c: _Context):
    word = (m["setu"] or m["setadv"] or "").lower()
    codes = {"day": "P1D", "daily": "P1D", "week": "P1W", "weekly": "P1W", "month": "P1M", "monthly": "P1M",
             "quarter": "P3M", "quarterly": "P3M", "year": "P1Y", "yearly": "P1Y", "annually": "P1Y",
             "morning": "TMO", "evening": "TEV", "night": "TNI"}
    if word in WEEKDAYS:
        return "SET", f"XXXX-WXX-{WEEKDAYS.index(word) + 1}"
    return "SET", codes.get(word, "P1D")


CALENDAR = re.compile(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?(?:T.*)?")


def calendar_date(value: str) -> tuple[str, str] | None:
    """(date, precision) when a value names a calendar day, month or year."""
    match = CALENDAR.fullmatch(value)
    if not match:
        return None
    if match[3]:
        return f"{match[1]}-{match[2]}-{match[3]}", "day"
    if match[2]:
        return f"{match[1]}-{match[2]}", "month"
    return match[1], "year"


def iter_dates(expressions: tuple[TemporalExpression, ...]) -> Iterator[tuple[TemporalExpression, str | None, str | None]]:
    """Each DATE/TIME expression with its calendar date and precision (or None)."""
    for expression in expressions:
        if expression.type in ("DATE", "TIME"):
            resolved = calendar_date(expression.value)
            yield expression, *(resolved or (None, None))
