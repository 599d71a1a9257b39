"""Actors: people, organisations, states and armed groups named in an article.

Candidates are runs of capitalised words. Each run is cut into names (at
"and", possessives, titles: "Apple CEO Steve Jobs" is an organisation and a
person), trimmed (sentence-initial common words, model numbers, modifiers
such as "-led"), classified (state by gazetteer, person by title or name
shape, organisation by keyword or acronym), and folded into one actor per
entity: "Assad" into "Bashar al-Assad", "EADS" into the company it
abbreviates, "Turkish" and "Turkish Defense Ministry" into Turkey. Places
that are only settings ("in Azerbaijan", "Golan Heights") are left out.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from ..model import Actor, Sentence, cite
from .gazetteer import (ARMED_WORDS, CONTINENTS, GOVERNMENT_WORDS, ORG_WORDS, PLACE_WORDS, TITLES,
                        US_STATE_ABBREVIATIONS, US_STATES,
                        SEATS, RegistryEntry, capitals, state_codes, states, strip_possessive)

_PARTICLE = r"(?:al|el|ad|as|an|ar|at|az|ash|bin|ibn|abu|de|di|da|van|von|le|la|du)"
# The second: "iPhone", "eBay"; "[a-z]++" never gives letters back, as a capital cannot follow fewer of them.
_TOKEN = rf"(?:(?:{_PARTICLE}-)?[A-Z][\w’'.&-]*|[a-z]++[A-Z][\w’'.&-]*)"
_JOIN = r"(?:of|for|de|du|del|der|la|le|van|von|bin|ibn|al|el|and|the|da|di|dos|&)"
CANDIDATE = re.compile(rf"(?<![\w’'-]){_TOKEN}(?:\s+(?:{_JOIN}\s+)*{_TOKEN})*")
CONNECTORS = frozenset("of for de du del der la le van von bin ibn al el and the da di dos &".split())
HEAD_TITLES = frozenset("president minister chancellor king queen prince princess sheikh emir general gen. colonel "
                        "col. lieutenant commander admiral mr mr. mrs mrs. ms ms. dr dr. prof. professor senator "
                        "sen. governor gov. mayor secretary ambassador envoy spokesman spokeswoman spokesperson "
                        "ceo cfo coo cto c.e.o. chairman chairwoman director premier pope cardinal judge justice "
                        "leader sir lord lady analyst officer sergeant captain capt. marshal commissioner "
                        "executive founder co-founder secretary-general director-general under-secretary speaker"
                        .split())
TITLE_WORDS = TITLES | HEAD_TITLES | frozenset("chief operating financial technology senior vice executive "
                                               "managing general deputy assistant head majority minority".split())
PORTFOLIOS = frozenset("state defense defence foreign affairs interior finance justice health energy commerce "
                       "treasury agriculture education labor labour transport trade economy information culture "
                       "homeland security environment industry war".split())  # "Minister of Foreign Affairs"
CORPORATE_SUFFIX = frozenset("inc inc. corp corp. ltd ltd. plc n.v. nv s.a. sa ag llc gmbh co.".split())
EVENT_WORDS = frozenset("show games conference summit award awards prize festival expo fair week day act bill "
                        "treaty agreement accord plan program programme index cup olympics championship "
                        "war crisis talks forum election elections".split())
EVENT_ENDINGS = tuple(EVENT_WORDS)
MODIFIER = re.compile(r"-(?:[a-z]+(?:ed|ing|ous|ic|al|ly)|run|made|born|style|era|wide|bound|friendly)$")  # "Kurdish-led", not "Ki-moon"
LOCATIVE_WORDS = ("in into inside near along across throughout within around outside to from at via toward towards "
                  "over northern southern eastern western central war-torn").split()
# "in (the)" and the like right before a name, matched on the text before it read backwards: anchored at
# the name, the match reads a few characters instead of searching all the text before the name.
LOCATIVE_BACKWARDS = re.compile(rf"\s+(?:eht\s+)?(?:{'|'.join(w[::-1] for w in LOCATIVE_WORDS)})\b", re.IGNORECASE)
NOT_NAMES = frozenset(
    "january february march april may june july august september october november december monday tuesday "
    "wednesday thursday friday saturday sunday jan feb mar apr jun jul aug sep sept oct nov dec today yesterday "
    "tomorrow christmas easter ramadan eid thanksgiving new year usd eur gbp jpy gmt utc est edt pst pdt cet bst "
    "gb mb kb tb ghz mhz km kg mph os pc tv am pm ad bc vip gdp ipo hq faq ok tba pdf".split())
FUNCTION_WORDS = frozenset(
    "a about after against all also although among an and another any as at because before being both but by "
    "despite during each either even every few for from he her here his how however i if in into it its many "
    "me more most much my neither no nor not of on once one only or other our over she since so some such than "
    "that the their them then there these they this those though through to two three four five six seven eight "
    "nine ten under unlike until up upon us we what when where whether which while who whom whose why with "
    "within without yet you your".split())
COMMON = FUNCTION_WORDS | frozenset(
    "earlier last later meanwhile new next now still today will would official officials report reports sources "
    "source analysts analyst according experts critics observers residents witnesses citizens people speaking "
    "asked talks overall indeed instead together elsewhere first second third finally additionally moreover "
    "separately similarly currently recently already yes oh dear please thanks image photo video file caption "
    "just shares sales profits revenue".split())
CAMEL = re.compile(r"[a-z]+[A-Z]")  # "iPhone": a product
DIGIT = re.compile(r"\d")
INITIALS = re.compile(r"(?:[A-Z]\.)+")
LOWER_AFTER = re.compile(r"\s+[a-z]")
TITLE_MODIFIERS = TITLE_WORDS - HEAD_TITLES  # "Majority" in "Senate Majority leader"
PLURAL_ACRONYM = re.compile(r"[A-Z]{2,}s")
NUMBER_AFTER = re.compile(r"\s+\d")
LOWER_WORD = re.compile(r"\b[a-z][a-z'-]+\b")
# Spelled from the space before the word, so that the scan skips from space to space.
INNER_CAPITAL = re.compile(rf" (?<=[\w,;] )((?:{_PARTICLE}-)?[A-Z][\w-]+)")
NUMBER_WORDS = frozenset("one two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty "
                         "hundred thousand million billion first second third".split())
ADJECTIVE_END = re.compile(r"(?:an|ian|ish|ese|i|ic|al)$")
CONTRACTION = re.compile(r"[’'](?:ve|re|ll|d|m|t)$", re.IGNORECASE)
DEFINITION = re.compile(r"\s\((?:the\s+)?(?P<acronym>[A-Z][A-Za-z.&]{1,9})\)")  # "Singapore Airlines (SIA)"
DESCRIPTOR = re.compile(r"\s+(?:[a-z-]+\s+)?(?:company|firm|carrier|airline|airframer|automaker|carmaker|maker|"
                        r"manufacturer|giant|conglomerate|retailer|operator|producer|insurer|brand|newspaper|"
                        r"broadcaster|bank|lender)\s+[A-Z]")  # "U.S. automaker GM": the state only describes
PRODUCT = re.compile(r"(?:\b[A-Z][\w-]*\s+|\b)(?!(?:1[6-9]|20)\d\d\b)[A-Z]*\d{3}[\dA-Z-]*"
                     r"\s+(?P<product>[A-Z][a-z]{3,}?)s?\b")  # "Boeing 787 Dreamliner", not "2019 Turkey"
MODEL_NUMBER = re.compile(r"\d{3}[\dA-Z-]*\s+[A-Z][a-z]{3}")  # in every PRODUCT match, and quicker to look for
NICKNAME = re.compile(r"\b(?:called|named|dubbed|nicknamed|titled|codenamed)\s+[\"“‘']$")  # a plan's or product's name
OPENING_QUOTES = ('"', "“", "‘", "'")
VOCATIVE_AFTER = re.compile(r"\s*(?:[.!?]|$)")
COUNTED = re.compile(r"(?:\b\d[\d,.]*|\b[A-Z][\w-]*\s+[A-Z]*\d[\w-]*)\s+(?:[a-z-]+\s+)?$")  # "20 Dreamliners", "Boeing 787 Dreamliners"


APART = "\x00"  # joins sentences to scan them at once: LOWER_WORD, INNER_CAPITAL and PRODUCT match neither it nor across it


@dataclass(slots=True)
class _Mention:
    surface: str          # the name as written, possessive dropped
    kind: str             # person | organization | state | armed group | place
    sentence: int
    title: str = ""       # title words that preceded a person's name
    locative: bool = False
    state: str = ""       # canonical state name for state references
    alias: str = ""       # extra alias the mention gives its state ("Syrian government")
    modifier: bool = False  # a state naming only where something is from ("U.S. automaker GM")
    numbered: bool = False  # followed by a number: "Chapter 11", "Boeing 747"


@dataclass(slots=True)
class _Entity:
    name: str
    kind: str
    names: list[str]
    mentions: list[_Mention] = field(default_factory=list)
    description: str = ""


@dataclass(frozen=True, slots=True)
class _Context:
    """What the classifier needs to know about the whole article."""

    lowercase: frozenset[str]          # words the article writes in lower case
    registry: tuple[RegistryEntry, ...]
    inner: frozenset[str] = frozenset()  # capitalised words found inside a sentence, not at its start
    defined: dict[str, str] = field(default_factory=dict)  # acronym -> the name it was defined for
    products: frozenset[str] = frozenset()  # names written after a model number
    known: frozenset[str] = frozenset()     # states, seats, capitals and the registry's names


def extract(sentences: tuple[Sentence, ...], source: str, registry: tuple[RegistryEntry, ...] = ()) -> tuple[Actor, ...]:
    """The actors of one article, most mentioned first."""
    text = APART.join(s.text for s in sentences)
    context = _Context(frozenset(LOWER_WORD.findall(text)), registry,
                       frozenset(map(name_key, set(INNER_CAPITAL.findall(text)))),
                       _definitions(sentences), _products(text), _known_names(registry))
    mentions = [m for s in sentences for m in _mentions(s, context)]
    entities = [e for e in _fold(mentions, registry, context.defined) if not _only_a_setting(e) and not _only_a_label(e)]
    by_index = {s.index: s for s in sentences}
    actors = [_actor(e, by_index, source) for e in entities]
    return tuple(sorted(actors, key=lambda a: -a.mentions))


@lru_cache(maxsize=16)
def _known_names(registry: tuple[RegistryEntry, ...]) -> frozenset[str]:
    """Names a capitalised word may be without being a common word."""
    return frozenset(states()).union(SEATS, capitals(), *((e.name, *e.aliases) for e in registry))


def _products(text: str) -> frozenset[str]:
    """Names written after a model number: "Dreamliner" of "Boeing 787 Dreamliner"."""
    return frozenset(PRODUCT.findall(text)) if MODEL_NUMBER.search(text) else frozenset()


def _definitions(sentences: tuple[Sentence, ...]) -> dict[str, str]:
    """Acronyms the article defines: "the State Property Agency (AVAS)"."""
    defined: dict[str, str] = {}
    for sentence in sentences:
        if "(" not in sentence.text:
            continue  # most sentences: a quicker test than the pattern
        for match in DEFINITION.finditer(sentence.text):
            acronym = match["acronym"].replace(".", "")
            if sum(c.isupper() for c in acronym) < 2 or acronym in defined:
                continue
            before = sentence.text[max(0, match.start() - 160):match.start()]
            runs = [r for r in CANDIDATE.finditer(before) if r.end() == len(before)]
            if runs:
                words = runs[-1].group().split()
                cut = max((i + 1 for i, w in enumerate(words[:-1]) if _possessive(w) and not _plural_possessive(w)),
                          default=0)
                defined[acronym] = " ".join(words[cut:])
    return defined


# --- candidates -----------------------------------------------------------------


def _mentions(sentence: Sentence, context: _Context) -> list[_Mention]:
    found = []
    text = sentence.text
    dateline = DATELINE.match(text) if sentence.index == 0 else None
    for match in CANDIDATE.finditer(text, dateline.end() if dateline else 0):
        parts = _names_in(match.group())
        if not parts:
            continue
        at = match.start()
        initial = _starts_clause(text[max(0, at - 8):at], at)
        for part in parts:
            start = at + part.start
            after = part.titled_after or text[at + part.end:]
            before = text[max(0, start - BEFORE):start]
            vocative = _vocative(before, after) and _quoted(text, start)
            mention = _classify(part.tokens, part.title, before, after, initial and part.first, sentence.index, context,
                                vocative)
            found.extend(mention)
    return found


# "NEW YORK (AP) —", "CAIRO, Egypt (Reuters) -": where and by whom, not who acts.
DATELINE = re.compile(r"[A-Z]{2,}[A-Z .'’-]*(?:,\s+[A-Z][\w.]*(?:\s+[A-Z\d][\w.]*)*)?\s*(?:\([A-Za-z .-]+\)\s*)?[—–-]{1,2}\s")
HEADS_SOMEONE = re.compile(r"\s+(?:leader|spokesman|spokeswoman|spokesperson|chief|founder|official|officials|"
                           r"commander|fighters|militants|forces|chairman|president)\b")  # "Hamas leader Khaled Meshaal"
BEFORE = 60  # characters before a name that say how it is used ("in", "called", "22 new")
OPENERS = re.compile(r"(?:[\"“‘(\[:]|[—–-]\s)\s*$")


def _starts_clause(before: str, start: int) -> bool:
    """The name opens its sentence, a quotation or a parenthesis."""
    return start == 0 or not before.strip() and len(before) == start or OPENERS.search(before) is not None


class _Part(NamedTuple):
    """A name in a run of capitalised words, and where it is in the run."""

    tokens: tuple[str, ...]
    title: tuple[str, ...]
    first: bool         # the run's first name
    start: int          # offsets in the run: of the name's first word, after its last word
    end: int
    titled_after: str   # the next name's title, which stands for the text after this name; or ""


@lru_cache(maxsize=8192)
def _names_in(run: str) -> tuple[_Part, ...]:
    """The names in a run of capitalised words with their titles (see
    _parts), those that may be a name at all; cached, as the same runs recur
    across an article and across articles."""
    tokens = run.split()
    if len(tokens) == 1 and tokens[0].lower() in FUNCTION_WORDS and not tokens[0].isupper():
        return ()  # "The", "In", "But": most candidates, never a name
    cut = [(tuple(part), tuple(title)) for part, title in _parts(tokens)]
    found = []
    for index, (part, title) in enumerate(cut):
        if not _may_be_a_name(part):
            continue
        start = run.find(part[0])
        end = run.find(part[-1], start) + len(part[-1])
        # A demonym before a titled name gives its state an alias ("Israeli Prime Minister").
        following = cut[index + 1][1] if index + 1 < len(cut) else ()
        found.append(_Part(part, title, index == 0, start, end, " " + " ".join(following) if following else ""))
    return tuple(found)


def _may_be_a_name(part: tuple[str, ...]) -> bool:
    """False for one word that, trimmed, is never a name, whatever its context
    ("March", "A"): _classify would find nothing in it."""
    if len(part) > 1:
        return True
    trimmed = _tidied(_cut(part))
    return bool(trimmed) and not _never_a_name(trimmed)


def _parts(tokens: list[str]) -> list[tuple[list[str], list[str]]]:
    """Cut a run of capitalised words into names, each with the title words
    that precede it: "Apple CEO Steve Jobs" -> [Apple], [Steve Jobs] titled CEO."""
    parts: list[tuple[list[str], list[str]]] = []
    current: list[str] = []
    title: list[str] = []
    for position, token in enumerate(tokens):
        lower = token.lower()
        rest = tokens[position + 1:]
        if lower == "and" and current and _splits_at_and(current, rest):  # "&" joins: "Standard & Poor's"
            parts.append((current, title))
            current, title = [], []
        elif _is_title(lower, current, rest):
            if current and not all(t.lower() in TITLE_WORDS for t in current):
                parts.append((current, title))
                current = []
            title = title + current + [token] if not current or all(t.lower() in TITLE_WORDS for t in current) else [token]
            current = []
        elif (lower in ("of", "at", "for") or lower in PORTFOLIOS and rest) and title and not current:
            title = title + [token]  # "Secretary of State John Kerry"
        else:
            current.append(token)
            if _possessive(token) and rest and not _names_a_state(current + rest) and not _owned_name(current, rest):
                parts.append((current, title))
                current, title = [], []
            elif lower.strip(".") in CORPORATE_SUFFIX and rest:
                parts.append((current, title))
                current, title = [], []
    if current or title:
        parts.append((current, title))
    return [(p, t) for p, t in parts if p]


# Last words of companies' names, which may hold a possessive; not "Party" or "Ministry" ("Assad's Baath Party").
COMPANY_ENDINGS = frozenset("service services systems group holdings airlines airways bank insurance investors capital "
                            "partners company corporation center centre division unit stores restaurants".split())


def _plural_possessive(token: str) -> bool:
    return token.endswith(("s'", "s’"))


def _owned_name(owner: list[str], rest: list[str]) -> bool:
    """"Moody's Investors Service", "Boeing's Launch Systems": a company's name
    with a possessive in it, not a possessor and a thing of its own
    ("the United Kingdom's Royal Air Force")."""
    last = rest[-1].lower().strip(".,")
    if _plural_possessive(owner[-1]) and last in ORG_WORDS:
        return True  # "the Kurdistan Workers' Party", "the Teachers' Union"
    possessor = strip_possessive(_as_named(owner))
    return (last in COMPANY_ENDINGS or last in CORPORATE_SUFFIX) and possessor not in states() and possessor not in SEATS \
        and possessor not in capitals() and rest[0].lower() not in TITLE_WORDS and not _possessive(rest[-1])


def _names_a_state(tokens: list[str]) -> bool:
    """"(The) People's Republic of China" is one name, possessive and all."""
    return _as_named(tokens) in states()


def _as_named(tokens: list[str]) -> str:
    """A run of words as a name: "The United Kingdom's" -> "United Kingdom's"."""
    return " ".join(tokens[1:] if tokens[0] == "The" else tokens)


def _splits_at_and(left: list[str], right: list[str]) -> bool:
    """Keep "Defence and Space Company" whole; split "Turkey and Israel"."""
    if not right:
        return True
    whole_ends_org = right[-1].lower().strip(".") in ORG_WORDS
    left_ends_org = left[-1].lower().strip(".") in ORG_WORDS
    return left_ends_org or not whole_ends_org


def _is_title(lower: str, current: list[str], rest: list[str]) -> bool:
    """A title word that introduces a person, not part of a name ("General Motors")."""
    if lower not in TITLE_WORDS or (current and current[-1].lower() in ("of", "for")):
        return False
    following = []
    for token in rest:
        if token.lower() in ("of", "at", "for"):
            break
        following.append(strip_possessive(token).lower().strip(".,"))
        if _possessive(token):
            break  # "Prime Minister Recep Tayyip Erdogan's AK Party": the party is another name
    if following and (following[-1] in ORG_WORDS or following[0] in ORG_WORDS):
        return False
    if not current and not rest:
        return lower in HEAD_TITLES
    return lower in HEAD_TITLES or bool(rest and rest[0].lower() in TITLE_WORDS)


POSSESSIVE_ENDINGS = ("'s", "’s", "s'", "s’")


def _possessive(token: str) -> bool:
    return token.endswith(POSSESSIVE_ENDINGS)


def _classify(tokens: tuple[str, ...], title: tuple[str, ...], before: str, after: str, initial: bool, index: int,
              context: _Context, vocative: bool = False) -> list[_Mention]:
    if after.startswith("$") or _nicknamed(before) or vocative or _counted(tokens, before, context):
        return []  # "AU$40", "22 new Boeing 787 Dreamliners": a currency, things counted
    tokens = _trimmed(tokens, initial, context, after)
    if not tokens:
        return []
    locative = not title and LOCATIVE_BACKWARDS.match(before[::-1]) is not None
    numbered = NUMBER_AFTER.match(after) is not None
    if numbered and len(tokens) > 1 and _kind(tokens) == "organization" and not title \
            and tokens[-1].lower().strip(".") not in ORG_WORDS:
        tokens = tokens[:-1]  # "Rolls-Royce Trent 900": the maker, not the model
    mentions = _typed(tokens, title, after, locative, index, context)
    if numbered:
        for mention in mentions:
            mention.numbered = True
    return mentions


def _nicknamed(before: str) -> bool:
    """The name is in quotes after "called", "dubbed"...: a plan's or a product's."""
    return before.rstrip("\n").endswith(OPENING_QUOTES) and NICKNAME.search(before) is not None


def _counted(tokens: tuple[str, ...], before: str, context: _Context) -> bool:
    """"bought 20 Dreamliners": a plural of a name the article also writes
    singular, after a number, counts things ("3 Hamas fighters" does not)."""
    word = tokens[-1]
    return len(tokens) == 1 and word.endswith("s") and name_key(word[:-1]) in context.inner \
        and COUNTED.search(before) is not None


def _vocative(before: str, after: str) -> bool:
    """A name called out, if inside a quotation: "I love ya, Big Guy." """
    return before.rstrip().endswith(",") and VOCATIVE_AFTER.match(after) is not None


def _quoted(text: str, at: int) -> bool:
    """``at`` is inside a quotation."""
    return text.count('"', 0, at) % 2 == 1 or text.rfind("“", 0, at) > text.rfind("”", 0, at)


def _trimmed(tokens: tuple[str, ...], initial: bool, context: _Context, after: str = "") -> tuple[str, ...]:
    tokens = _cut(tokens)
    if initial:
        while tokens and _is_common(tokens[0], context, len(tokens) == 1) and not _known_prefix(tokens, context) \
                and not _inside_too(tokens, context):
            tokens = tokens[1:]
        if len(tokens) == 1 and name_key(tokens[0]) not in context.inner and not tokens[0].isupper() \
                and tokens[0] not in context.known and not HEADS_SOMEONE.match(after):
            return ()
    while len(tokens) > 1 and tokens[-1].lower() in TITLE_MODIFIERS and LOWER_AFTER.match(after):
        tokens = tokens[:-1]  # "Senate Majority leader Harry Reid"
    return _tidied(tokens)


# The trimming that depends on the words alone is cached: the same names recur.
@lru_cache(maxsize=8192)
def _cut(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """A name without its possessive, "-led" modifiers, model numbers and "Flight"."""
    tokens = (*tokens[:-1], MODIFIER.sub("", strip_possessive(tokens[-1])))
    tokens = tuple(t[:-1] if t[-1:] == "s" and PLURAL_ACRONYM.fullmatch(t) else t for t in tokens)
    while len(tokens) > 1 and "-" in tokens[0] and MODIFIER.search(tokens[0]):
        tokens = tokens[1:]
    digit = next((i for i, t in enumerate(tokens) if DIGIT.search(t) or CAMEL.match(t)), None)
    if digit is not None:
        tokens = tokens[:digit]
        while tokens and tokens[-1].lower() in ("flight", "model", "type", "series"):
            tokens = tokens[:-1]
    while tokens and tokens[-1].lower().rstrip(".") in ("flight", "flights", "no"):
        tokens = tokens[:-1]
    return tokens


@lru_cache(maxsize=8192)
def _tidied(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """A name without connectors at its ends or a full stop after its last word."""
    while tokens and tokens[-1].lower() in CONNECTORS:
        tokens = tokens[:-1]
    while tokens and tokens[0].lower() in CONNECTORS and (tokens[0].islower() or tokens[0] in ("The", "And", "Of")):
        tokens = tokens[1:]  # but "Der Spiegel", "Al Jazeera"
    if tokens:
        last = tokens[-1]
        if last[-1:] in ".," and last not in ("Inc.", "Corp.", "Co.", "Ltd.", "Jr.", "Sr.") and not INITIALS.fullmatch(last):
            tokens = (*tokens[:-1], last.rstrip(".,"))
    return tuple(t for t in tokens if t)


@lru_cache(maxsize=8192)
def _bare(token: str) -> str:
    """A word without a possessive, a contraction or a stop: "Officials'" -> "Officials"."""
    return _uncontracted(strip_possessive(token)).rstrip(".,")


def _uncontracted(word: str) -> str:
    return CONTRACTION.sub("", word) if "'" in word or "’" in word else word


def _inside_too(tokens: tuple[str, ...], context: _Context) -> bool:
    """A first word also written capitalised inside sentences ("General Motors")
    is part of the name, not a capitalised common word."""
    return len(tokens) > 1 and tokens[0].lower() not in FUNCTION_WORDS and name_key(tokens[0]) in context.inner


def _known_prefix(tokens: tuple[str, ...], context: _Context) -> bool:
    return any(" ".join(tokens[:n]) in context.known for n in range(1, len(tokens) + 1))


def _is_common(token: str, context: _Context, alone: bool) -> bool:
    word = _bare(token)
    if word in context.known:
        return False
    lower = word.lower()
    return lower in COMMON or lower in context.lowercase or (
        alone and word.isalpha() and not word.isupper() and lower.endswith(("ing", "ly", "ed")))


def _typed(tokens: tuple[str, ...], title: tuple[str, ...], after: str, locative: bool, index: int,
           context: _Context) -> list[_Mention]:
    words = _words(tokens)
    name, lower = words.name, words.lower
    if _not_a_name(words, context):
        return []
    for entry in context.registry:
        if name == entry.name or name in entry.aliases:
            return [_Mention(name, entry.kind, index, locative=locative)]
    state = _state_reference(tokens, after, index, locative) if words.state_like else None
    if state is not None:
        return state
    if title and lower[0] in ("of", "at", "for"):
        return _typed(tokens[1:], [], after, False, index, context) if len(tokens) > 1 else []
    if title and _person_like(tokens):
        return [_Mention(name, "person", index, title=" ".join(title))]
    if words.capital and not locative and SPEAKS.match(after):
        return [_Mention(name, "state", index, state=words.capital, alias=name)]  # "Washington said"
    if words.place or (words.us_state and locative) or IN_US_STATE.match(after):  # "in Texas"
        return [_Mention(name, "place", index, locative=True)]  # "Santa Clara, Calif.": a city
    if name in context.products or name.rstrip("s") in context.products:
        return []
    if words.event or context.defined.get(name, "").lower().endswith(EVENT_ENDINGS):
        return []
    follower = FOLLOWER.match(after) if words.adjective else None
    if follower and follower[1] not in FUNCTION_WORDS:  # "Kurdish fighters"; not "the Taliban and ..."
        return [_Mention(f"{name} {follower[1]}", "armed group", index)] if follower[1] in ARMED_WORDS else []
    if words.demonym:
        return []  # "the Lebanese Shiite movement": a description, not a person
    return [_Mention(name, words.kind, index, locative=locative)]


class _Words(NamedTuple):
    """What the words of a name say of it in any article."""

    name: str
    lower: tuple[str, ...]   # see _lowered
    never: bool              # never a name (see _never_a_name)
    word: str                # a one-word name without a contraction ("Officials'" -> "Officials")
    state_like: bool         # may name a state or a seat (see _state_reference)
    capital: str             # the state whose capital it names
    place: bool              # a continent, a capital, a US state's abbreviation or a name ending "Heights"
    us_state: bool           # a US state, a place if written after "in"
    event: bool              # "Paris Air Show"
    adjective: bool          # one word that may be an adjective ("Kurdish")
    kind: str
    demonym: bool            # a demonym shaped like a person's name ("Lebanese Shiite")


@lru_cache(maxsize=8192)
def _words(tokens: tuple[str, ...]) -> _Words:
    name = " ".join(tokens)
    lower = _lowered(tokens)
    kind = "organization" if lower[0] in ORG_OPENERS and len(tokens) > 1 else _kind(tokens)
    first = tokens[0]
    return _Words(
        name, lower, _never_a_name(tokens), _uncontracted(first) if len(tokens) == 1 else "",
        name in SEATS or name in states() or first in _first_words(), capitals().get(name, ""),
        name in CONTINENTS or name in capitals() or lower[-1] in PLACE_WORDS or name.rstrip(".") in US_STATE_ABBREVIATIONS,
        name in US_STATES, lower[-1] in EVENT_WORDS, len(tokens) == 1 and ADJECTIVE_END.search(lower[0]) is not None,
        kind, kind == "person" and first[1:].islower() and first in states() and first in states()[first].demonyms)


# First words of organisations' names, never of a person's: "Federal Reserve", "National Guard".
ORG_OPENERS = frozenset("federal national central european international united royal supreme islamic world "
                        "global arab african asian american british democratic republican socialist popular "
                        "general".split())
IN_US_STATE = re.compile(r",\s+(?:" + "|".join(re.escape(s) for s in sorted(US_STATES, key=len, reverse=True)) + r")\b")
FOLLOWER = re.compile(r"[\s-]+([a-z]+)")
SPEAKS = re.compile(r"\s+(?:has|have|had|is|was|will|would|says|said|warned|urged|accused|rejected|denied|wants|"
                    r"insisted|responded|announced|called|demanded|condemned|welcomed|agreed|refused|sees)\b")


PARTY_STATE = re.compile(r"[RDI]-[A-Z][a-z]*\.?$")  # "Sen. John McCain, R-Ariz."


def _not_a_name(words: _Words, context: _Context) -> bool:
    if words.never:
        return True
    word = words.word  # a word the article also writes in lower case
    return bool(word) and word.lower() in context.lowercase and word not in context.known


@lru_cache(maxsize=8192)
def _never_a_name(tokens: tuple[str, ...]) -> bool:
    """Dates, titles, numbers, function words: not names in any article."""
    if PARTY_STATE.match(tokens[0]):
        return True
    if all(t in NOT_NAMES or t in TITLE_WORDS or t in NUMBER_WORDS for t in _lowered(tokens)):
        return True
    if len(tokens) == 1:
        word = _uncontracted(tokens[0])
        return word.lower() in FUNCTION_WORDS or word.lower() in NOT_NAMES or len(word) < 2
    return False


@lru_cache(maxsize=8192)
def _lowered(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """The words lower-cased, stops aside: ("U.S.", "Army") -> ("us", "army")."""
    return tuple(t.lower().strip(".") for t in tokens)


def _state_reference(tokens: tuple[str, ...], after: str, index: int, locative: bool) -> list[_Mention] | None:
    """A state named, or its demonym, alone or heading a government body."""
    table = states()
    name = " ".join(tokens)
    if name in SEATS:
        return [_Mention(name, "state", index, state=SEATS[name], alias=name)]
    if name in table:
        state = table[name]
        if name in state.demonyms:
            follower = BODY_AFTER.match(after) or LOWER_FOLLOWER.match(after) or CAPITALISED_REST.match(after)
            word = follower[1].strip() if follower else ""
            last = word.lower().split()[-1:]
            alias = f"{name} {word}" if last and (last[0] in GOVERNMENT_BODIES or last[0] in HEAD_TITLES) else ""
            return [_Mention(name, "state", index, state=state.name, alias=alias)]
        return [_Mention(name, "state", index, locative=locative, state=state.name,
                         modifier=DESCRIPTOR.match(after) is not None)]
    if tokens[0] not in _first_words():
        return None
    for length in range(len(tokens) - 1, 0, -1):
        head = " ".join(tokens[:length])
        rest = [t.lower() for t in tokens[length:]]
        if head in SEATS and all(r in GOVERNMENT_WORDS or r in TITLE_WORDS or r == "press" for r in rest):
            return [_Mention(head, "state", index, state=SEATS[head], alias=head)]
        if head not in table:
            continue
        if all(r in GOVERNMENT_WORDS or r in ("ministry", "armed") for r in rest):
            return [_Mention(head, "state", index, state=table[head].name, alias=name)]
        # "U.S. Jobs": an abbreviation may hide a sentence end before a surname.
        if (2 <= len(rest) <= 3 and _kind(tokens[length:]) == "person") or (head.endswith(".") and len(rest) == 1 and rest[0] not in COMMON):
            return [_Mention(head, "state", index, state=table[head].name),
                    _Mention(" ".join(tokens[length:]), "person", index)]
    return None


@lru_cache(maxsize=1)
def _first_words() -> frozenset[str]:
    """First words of the names of states and seats: "United" of "United States"."""
    return frozenset(name.split(" ")[0] for name in (*states(), *SEATS))


BODY_AFTER = re.compile(r"\s+((?:security|riot|armed|special|foreign|interior|defence|defense|state)\s+"
                        r"(?:forces|police|ministry|services|troops|officials|media))\b")  # "Egyptian security forces"
LOWER_FOLLOWER = re.compile(r"\s+([a-z]+)")
CAPITALISED_REST = re.compile(r"\s+((?:[A-Z][a-z]+\s?)+)$")
GOVERNMENT_BODIES = frozenset("government ministry military army forces troops authorities regime navy embassy "
                              "cabinet officials diplomats delegation".split())


def _person_like(tokens: tuple[str, ...]) -> bool:
    return 1 <= _name_words(tokens) <= 4 and tokens[-1].lower().strip(".") not in ORG_WORDS and not tokens[-1].isupper()


def _name_words(tokens: tuple[str, ...]) -> int:
    """Words of a name, particles aside: "Tamim bin Hamad Al Thani" has three."""
    return sum(t.lower() not in NAME_PARTICLES for t in tokens)


NAME_PARTICLES = CONNECTORS - {"of", "for", "and", "the", "&"}  # in people's names: "bin", "al", "van"


@lru_cache(maxsize=8192)
def _kind(tokens: tuple[str, ...]) -> str:
    last = tokens[-1].lower().strip(".")
    if last in ARMED_WORDS and last != "army":
        return "armed group"
    if any(t.lower().strip(".") in ORG_WORDS for t in tokens) or "&" in "".join(tokens):
        return "organization"
    if len(tokens) == 1 and (tokens[0].isupper() or not tokens[0].isalpha()):
        return "organization"
    if 2 <= _name_words(tokens) <= 4 and all(t[0].isupper() or "-" in t or t.lower() in NAME_PARTICLES for t in tokens):
        return "person"
    return "organization"


# --- folding ----------------------------------------------------------------


def _fold(mentions: list[_Mention], registry: tuple[RegistryEntry, ...], defined: dict[str, str]) -> list[_Entity]:
    """One entity per actor: longer names first, so short forms fold into them."""
    index = _Index(defined)
    # A stable sort keeps the order of mentions of as many words. Names are single-spaced.
    for mention in sorted(mentions, key=lambda m: -m.surface.count(" ")):
        if mention.kind == "place":
            continue
        entity = index.match(mention, registry)
        if entity is None:
            entity = _new_entity(mention, registry)
            index.add(entity)
        entity.mentions.append(mention)
        if mention.kind == "person" and entity.kind != "person" and not entity.description and not mention.state \
                and not mention.surface.isupper():
            entity.kind = "person"
        elif mention.kind == "organization" and mention.surface.replace(".", "").isupper() and entity.kind == "person":
            entity.kind = "organization"  # an acronym names an organisation, not a person
        for name in (mention.surface, mention.alias):
            if name and name not in entity.names:
                entity.names.append(name)
                index.add_name(entity, name)
    entities = _state_as_company(index.entities)
    first = {id(e): min(m.sentence for m in e.mentions) for e in entities}
    return sorted(entities, key=lambda e: (first[id(e)], e.name))


def _state_as_company(entities: list[_Entity]) -> list[_Entity]:
    """"Qatar has a previous order" after "Qatar Airways": a state named
    bare, never as a people or a government, in an article about a company
    named after it, is that company."""
    kept = []
    for entity in entities:
        company = _named_after(entity, entities) if entity.kind == "state" else None
        if company is None:
            kept.append(entity)
        else:
            company.mentions.extend(entity.mentions)
            company.names.extend(n for n in entity.names if n not in company.names)
    return kept


def _named_after(state: _Entity, entities: list[_Entity]) -> _Entity | None:
    if any(m.surface != state.name or m.alias or m.modifier or m.locative for m in state.mentions):
        return None
    first = min(m.sentence for m in state.mentions)
    companies = [e for e in entities if e.kind == "organization" and e.name.startswith(state.name + " ")
                 and len(e.mentions) > len(state.mentions) and min(m.sentence for m in e.mentions) < first]
    return companies[0] if len(companies) == 1 else None


def _new_entity(mention: _Mention, registry: tuple[RegistryEntry, ...]) -> _Entity:
    for entry in registry:
        if mention.surface == entry.name or mention.surface in entry.aliases:
            return _Entity(entry.name, entry.kind, [entry.name, *entry.aliases], description=entry.description)
    if mention.state:
        return _Entity(mention.state, "state", [mention.state])
    return _Entity(mention.surface, mention.kind, [mention.surface])


_PARTICLE_PREFIX = re.compile(rf"^{_PARTICLE}-")


@lru_cache(maxsize=16384)
def name_key(name: str) -> str:
    """A name folded for comparison: case, dots, apostrophes and "al-" prefixes aside."""
    key = name.lower().replace("’", "'")
    if "-" in key:
        key = _PARTICLE_PREFIX.sub("", key)
    return key.replace(".", "")


GENERIC_TAIL = CORPORATE_SUFFIX | frozenset("group holdings company corporation incorporated limited international "
                                            "airlines airways motor motors".split())
GENERIC_WORDS = frozenset(w.strip(".") for w in GENERIC_TAIL)


@lru_cache(maxsize=8192)
def _core(name: str) -> str:
    """The name without trailing generic words: "Aer Lingus Group PLC" -> "aer lingus"."""
    tokens = name.split()
    while len(tokens) > 1 and tokens[-1].lower().strip(".,") in GENERIC_WORDS:
        tokens = tokens[:-1]
    return name_key(" ".join(tokens))


@lru_cache(maxsize=8192)
def _short_forms(name: str) -> tuple[tuple[str, str], ...]:
    """(form, value): how a later, shorter mention may name what ``name`` names."""
    tokens = name.split()
    forms = {"initials": _initials(name), "token": [t.replace(".", "") for t in tokens]}
    if len(tokens) > 1:
        forms["surname"] = [name_key(tokens[-1])]
        # "Ford Australia" is a subsidiary: "Ford" is not its short form.
        forms["first"] = [] if " ".join(tokens[1:]) in states() else [tokens[0]]
        forms["head"] = [tokens[-1]] if tokens[-1].lower() in ORG_WORDS else []
        forms["tail"] = [" ".join(tokens[i:]) for i in range(1, len(tokens))]
    return tuple((form, value) for form, values in forms.items() for value in values)


class _Index:
    """The entities found so far, looked up by every form a later mention may take."""

    def __init__(self, defined: dict[str, str]) -> None:
        self.defined = defined
        self.entities: list[_Entity] = []
        self.exact: dict[str, _Entity] = {}     # _key of a name
        self.core: dict[str, _Entity] = {}      # _core of a name, not of states
        # (form, value) -> the entities that have it, in order, once each (keyed by id: linear however many share it)
        self.forms: dict[tuple[str, str], dict[int, _Entity]] = defaultdict(dict)

    def add(self, entity: _Entity) -> None:
        self.entities.append(entity)
        for name in entity.names:
            self.add_name(entity, name)

    def add_name(self, entity: _Entity, name: str) -> None:
        self.exact.setdefault(name_key(name), entity)
        if entity.kind == "state":
            return
        self.core.setdefault(_core(name), entity)
        for form in _short_forms(name):
            self.forms[form].setdefault(id(entity), entity)

    def match(self, mention: _Mention, registry: tuple[RegistryEntry, ...]) -> _Entity | None:
        surface = mention.surface
        if mention.state:
            return self.exact.get(name_key(mention.state))
        entity = self.exact.get(name_key(surface)) or self.core.get(_core(surface)) or self._plural(surface) \
            or self._expansion(surface)
        if entity is not None:
            return entity
        for entry in registry:
            if surface == entry.name or surface in entry.aliases:
                return self.exact.get(name_key(entry.name))
        return self._short_form(surface) or self._misspelt(surface)

    def _expansion(self, surface: str) -> _Entity | None:
        """An acronym the article defined, as the (non-person) name it was defined for."""
        words = self.defined.get(surface.replace(".", ""), "").split()
        for start in range(len(words)):
            found = self.exact.get(name_key(" ".join(words[start:])))
            if found is not None and found.kind != "person":
                return found
        return None

    def _misspelt(self, surface: str) -> _Entity | None:
        """"Chrylser": a long name with two letters swapped."""
        if len(surface) < 6 or " " in surface:
            return None
        for i in range(1, len(surface) - 1):
            swapped = surface[:i] + surface[i + 1] + surface[i] + surface[i + 2:]
            found = self.exact.get(name_key(swapped))
            if found is not None and found.kind != "state":
                return found
        return None

    def _plural(self, surface: str) -> _Entity | None:
        """"Airbuses", "A380s" as the name they are plurals of."""
        for ending in ("es", "s"):
            if surface.endswith(ending) and len(surface) > len(ending) + 2:
                found = self.exact.get(name_key(surface[: -len(ending)]))
                if found is not None and found.kind != "person":
                    return found
        return None

    def _short_form(self, surface: str) -> _Entity | None:
        """An acronym ("EADS"), a surname ("Assad"), a first word ("Lockheed"),
        an organisation's head noun ("the Council"), or the tail of a longer
        name ("Air Force"), when only one entity fits."""
        if _is_acronym(surface):
            letters = surface.replace(".", "")
            tries = [("initials", letters), ("token", letters)]
            # "USAF": a state's code before the initials of "Air Force".
            tries += [("initials", letters[len(code):]) for code in _sorted_state_codes()
                      if letters.startswith(code) and len(letters) - len(code) >= 2]
        elif " " in surface:
            tries = [("tail", surface)]
        else:
            tries = [("surname", name_key(surface)), ("first", surface), ("head", surface)]
        for form, value in tries:
            found = [e for e in self.forms.get((form, value), {}).values() if e.kind != "state"]
            if form == "surname":
                found = [e for e in found if e.kind == "person"]
            if form == "tail":
                found = [e for e in found if e.kind != "person"]
            if len(found) == 1:
                return found[0]
            if form == "first" and len(found) > 1 and all(e.kind == "person" for e in found):
                return _dominant(found)
        return self._loose_acronym(surface) if _is_acronym(surface) else None

    def _loose_acronym(self, surface: str) -> _Entity | None:
        """"SIA" for "Singapore Airlines": the initials in order, one letter more."""
        letters = surface.replace(".", "")
        shorter = {letters[:i] + letters[i + 1:] for i in range(1, len(letters))} if len(letters) >= 3 else set()
        fits = {id(e): e for short in sorted(shorter) for e in self.forms.get(("initials", short), {}).values()
                if e.kind == "organization"}
        return next(iter(fits.values())) if len(fits) == 1 else None


@lru_cache(maxsize=1)
def _sorted_state_codes() -> tuple[str, ...]:
    return tuple(sorted(state_codes()))


def _dominant(found: list[_Entity]) -> _Entity | None:
    """"Steve" for "Steve Jobs" when the article names him twice as often as any other Steve."""
    ranked = sorted(found, key=lambda e: -len(e.mentions))
    return ranked[0] if len(ranked[0].mentions) >= 2 * len(ranked[1].mentions) else None


def _is_acronym(surface: str) -> bool:
    letters = surface.replace(".", "")
    return letters.isupper() and len(letters) >= 2 and " " not in surface


def _initials(name: str) -> tuple[str, ...]:
    """Initials of a name, with and without a trailing generic word ("Company")."""
    words = [t for t in name.split() if t.lower() not in CONNECTORS and t[0].isupper()]
    full = "".join(t[0] for t in words)
    trimmed = "".join(t[0] for t in words[:-1]) if words and words[-1].lower().strip(".") in ORG_WORDS else full
    return (full, trimmed)


def _only_a_label(entity: _Entity) -> bool:
    """A word only ever followed by a number ("Chapter 11"): a label, not a name."""
    return all(m.numbered and " " not in m.surface for m in entity.mentions)


def _only_a_setting(entity: _Entity) -> bool:
    """A state or unknown one-word name only ever named as a place ("in
    Azerbaijan"), or a state only used as an adjective ("a German firm")."""
    if entity.kind not in ("state", "organization") or entity.description:
        return False
    if entity.kind == "state" and all((m.modifier or m.surface != m.state and m.surface not in states()[m.state].names)
                                      and not m.alias for m in entity.mentions):
        return True
    if entity.kind == "organization" and (len(entity.names[0].split()) > 1 or entity.names[0].isupper()):
        return False
    demonym_used = any(m.surface != m.state and m.kind == "state" and m.state for m in entity.mentions)
    return not demonym_used and all(m.locative and not m.alias for m in entity.mentions)


def _actor(entity: _Entity, sentences: dict[int, Sentence], source: str) -> Actor:
    name = _canonical(entity)
    aliases = tuple(sorted({n for n in entity.names if n != name}, key=lambda n: (n.lower(), n)))
    indices = sorted({m.sentence for m in entity.mentions})
    citations = tuple(cite(source, i, sentences[i].text) for i in indices[:3])
    role = entity.description or _role(entity, sentences, indices)
    return Actor(name, entity.kind, role, aliases, len(entity.mentions), citations)


def _canonical(entity: _Entity) -> str:
    if entity.kind == "state" or entity.description:
        return entity.name
    if entity.kind == "person":
        return max(entity.names, key=lambda n: (len(n.split()), len(n), -entity.names.index(n)))
    full = [n for n in entity.names if not n.replace(".", "").isupper()]
    return max(full or entity.names, key=lambda n: (len(n.split()), -entity.names.index(n)))


APPOSITION = re.compile(r",\s+((?:the|a|an)\s+[^,.;]{3,80}?),")
PREDICATE = re.compile(r"\s+((?:has|have|had|is|was|will|would|keeps|remains)\s+[^.;]{10,160})")


def _role(entity: _Entity, sentences: dict[int, Sentence], indices: list[int]) -> str:
    """A title, an apposition ("Gallois, the Airbus chief executive,"), or
    what the first sentence that has the actor as its subject says of it."""
    titles = [m.title for m in entity.mentions if m.title]
    if titles:
        return max(titles, key=len)
    names = sorted(entity.names, key=len, reverse=True)
    texts = [sentences[index].text for index in indices]
    # An apposition needs a comma after the name, a predicate a name that opens the sentence or follows its
    # only comma: in a sentence without one, only a name that opens it counts.
    named = [(text, at, at + len(name)) for text in texts for name in names
             if (at := _word_at(text, name) if "," in text else _opening(text, name)) >= 0]
    for text, _, end in named:
        apposition = APPOSITION.match(text, end)
        if apposition:
            return apposition[1]
    for text, at, end in named:
        opening = text[:at]
        if at == 0 or (opening.endswith(", ") and "," not in opening[:-2] and len(opening) < 60):
            predicate = PREDICATE.match(text, end)
            if predicate:
                return predicate[1].rstrip(",")
    return ""


def _opening(text: str, name: str) -> int:
    """0 if ``text`` opens with ``name`` as whole words, else -1."""
    end = len(name)
    return 0 if text.startswith(name) and (end == len(text) or not text[end].isalnum()) else -1


def _word_at(text: str, name: str) -> int:
    """Where ``name`` occurs in ``text`` as whole words, or -1."""
    at = text.find(name)
    while at >= 0:
        end = at + len(name)
        if (at == 0 or not text[at - 1].isalnum()) and (end == len(text) or not text[end].isalnum()):
            return at
        at = text.find(name, at + 1)
    return -1
