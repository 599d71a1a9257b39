"""Actors: people, organisations, states and armed groups named in an article.

Candidates are runs of capitalised words. Each run is trimmed (sentence-initial
common words, titles, possessives), classified (state by gazetteer, person by
title or name shape, organisation by keyword or acronym), and folded into one
actor per entity: "Assad" into "Bashar al-Assad", "EADS" into the company it
abbreviates, "Turkish" and "Turkish Defense Ministry" into Turkey. Places that
are only settings ("in Azerbaijan", "Golan Heights") are left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import Actor, Citation, Sentence
from .gazetteer import (ARMED_WORDS, CONTINENTS, GOVERNMENT_WORDS, ORG_WORDS, PLACE_WORDS, TITLES,
                        RegistryEntry, capitals, states, strip_possessive)

_TOKEN = r"(?:[a-z]{1,3}-)?[A-Z][\w’'.&-]*"
_JOIN = r"(?:of|for|de|du|del|der|la|le|van|von|bin|ibn|al|el|and|the|da|di|dos|&)"
CANDIDATE = re.compile(rf"{_TOKEN}(?:\s+(?:{_JOIN}\s+)*{_TOKEN})*")
CONNECTORS = frozenset(_JOIN[3:-1].split("|"))
HEAD_TITLES = frozenset("president minister chancellor king queen prince princess sheikh emir general gen. colonel "
                        "col. lieutenant commander admiral mr mr. mrs mrs. ms ms. dr dr. prof. professor senator "
                        "sen. governor gov. mayor secretary ambassador envoy spokesman spokeswoman spokesperson "
                        "ceo cfo chairman chairwoman director premier pope cardinal judge leader sir lord lady "
                        "analyst officer sergeant captain capt. marshal commissioner executive".split())
LOCATIVE = re.compile(r"\b(?:in|into|inside|near|along|across|throughout|within|around|outside|to|from|at|via|"
                      r"towards?|over|of northern|of southern|northern|southern|eastern|western|central|war-torn)\s+(?:the\s+)?$",
                      re.IGNORECASE)
MONTH_OR_DAY = frozenset("january february march april may june july august september october november december "
                         "monday tuesday wednesday thursday friday saturday sunday jan feb mar apr jun jul aug sep "
                         "sept oct nov dec today yesterday tomorrow".split())
COMMON = frozenset(
    "a about after against all also although among an and another any as at because before being between both "
    "but by despite during each earlier either even every few following for from further he her here his how "
    "however i if in including instead into it its last later like many meanwhile more most much my neither new "
    "next no nor not now of on once one only or other our over per several she since so some still such than "
    "that the their them then there these they this those though through thus to today under unlike until up "
    "upon we what when where whether which while who whom whose why will with within without would yet you "
    "official officials report reports sources source analysts analyst according experts critics observers "
    "residents witnesses citizens people speaking asked talks meanwhile overall indeed instead together "
    "elsewhere first second third finally also additionally moreover separately similarly currently "
    "recently already yes oh ok dear please thanks image photo video file caption".split())
ADJECTIVE_END = re.compile(r"(?:an|ian|ish|ese|i|ic)$")


@dataclass(slots=True)
class _Mention:
    surface: str          # the name as written, possessive dropped
    kind: str             # person | organization | state | armed group | place
    sentence: int
    title: str = ""       # title words that preceded a person's name
    locative: bool = False
    state: str = ""       # canonical state name for state references
    alias: str = ""       # extra alias the mention gives its state ("Syrian government")


@dataclass(slots=True)
class _Entity:
    name: str
    kind: str
    names: list[str]
    mentions: list[_Mention] = field(default_factory=list)
    description: str = ""


def extract(sentences: tuple[Sentence, ...], source: str, registry: tuple[RegistryEntry, ...] = ()) -> tuple[Actor, ...]:
    """The actors of one article, most mentioned first."""
    lowercase = _lowercase_words(sentences)
    mentions = [m for s in sentences for m in _mentions(s, lowercase, registry)]
    entities = _fold(mentions, registry)
    entities = [e for e in entities if not _only_a_setting(e)]
    by_index = {s.index: s for s in sentences}
    actors = [_actor(e, by_index, source) for e in entities]
    return tuple(sorted(actors, key=lambda a: -a.mentions))


def _lowercase_words(sentences: tuple[Sentence, ...]) -> frozenset[str]:
    return frozenset(w for s in sentences for w in re.findall(r"\b[a-z][a-z'-]+\b", s.text))


def _mentions(sentence: Sentence, lowercase: frozenset[str], registry: tuple[RegistryEntry, ...]) -> list[_Mention]:
    found = []
    text = sentence.text
    for match in CANDIDATE.finditer(text):
        initial = re.fullmatch(r"[\s\"'“‘(\[—-]*", text[:match.start()]) is not None
        for part, offset in _split_and(match.group(), match.start()):
            mention = _classify(part, text, offset, initial and offset == match.start(), sentence.index, lowercase, registry)
            if mention is not None:
                found.extend(mention)
    return found


def _split_and(span: str, start: int) -> list[tuple[str, int]]:
    """Split "Turkey and Israel" in two, but keep "Defence and Space Company"."""
    tokens = span.split()
    if tokens[-1].lower().strip(".") in ORG_WORDS or not re.search(r"\s(?:and|&)\s", span):
        return [(span, start)]
    parts, offset = [], start
    for piece in re.split(r"(\s+(?:and|&)\s+)", span):
        if re.fullmatch(r"\s+(?:and|&)\s+", piece):
            offset += len(piece)
            continue
        parts.append((piece, offset))
        offset += len(piece)
    return parts


def _classify(span: str, text: str, offset: int, initial: bool, index: int, lowercase: frozenset[str],
              registry: tuple[RegistryEntry, ...]) -> list[_Mention] | None:
    tokens = _clean_tokens(span)
    if initial:
        while tokens and _is_common(tokens[0], lowercase, registry, len(tokens) == 1, text):
            tokens = tokens[1:]
    while tokens and tokens[-1].lower() in CONNECTORS:
        tokens = tokens[:-1]
    while tokens and tokens[0].lower() in CONNECTORS:
        tokens = tokens[1:]
    if not tokens:
        return None
    before = text[:offset + span.find(tokens[0])] if tokens[0] in span else text[:offset]
    after = text[offset + len(span):]
    locative = LOCATIVE.search(before) is not None
    return _typed(tokens, before, after, locative, index, registry)


def _clean_tokens(span: str) -> list[str]:
    tokens = span.split()
    last = strip_possessive(tokens[-1])
    if last not in _KEEP_DOT and not re.fullmatch(r"(?:[A-Z]\.)+", last):
        last = last.rstrip(".")
    tokens[-1] = last
    return [t for t in tokens if t]


_KEEP_DOT = frozenset(("Inc.", "Corp.", "Co.", "Ltd.", "Jr.", "Sr.", "St."))


def _is_common(token: str, lowercase: frozenset[str], registry: tuple[RegistryEntry, ...], alone: bool, text: str) -> bool:
    word = strip_possessive(token).rstrip(".,")
    if word in states() or any(word == e.name or word in e.aliases for e in registry):
        return False
    lower = word.lower()
    if lower in COMMON or lower in lowercase:
        return True
    return alone and word.isalpha() and not word.isupper() and lower.endswith(("ing", "ly", "ed"))


def _typed(tokens: list[str], before: str, after: str, locative: bool, index: int,
           registry: tuple[RegistryEntry, ...]) -> list[_Mention] | None:
    name = " ".join(tokens)
    lower = [t.lower() for t in tokens]
    if all(t.strip(".") in MONTH_OR_DAY for t in lower):
        return None
    for entry in registry:
        if name == entry.name or name in entry.aliases:
            return [_Mention(name, entry.kind, index, locative=locative)]
    table = states()
    if name in table:
        state = table[name]
        if name in state.demonyms:
            return _demonym(state.name, name, after, index)
        return [_Mention(name, "state", index, locative=locative, state=state.name)]
    if tokens[0] in table and tokens[0] in table[tokens[0]].demonyms and len(tokens) > 1:
        rest = [t.lower() for t in tokens[1:]]
        if all(r in GOVERNMENT_WORDS or r in ("ministry", "armed", "air", "foreign", "interior") for r in rest):
            return [_Mention(tokens[0], "state", index, state=table[tokens[0]].name, alias=name)]
        if rest[-1].strip(".") in HEAD_TITLES or all(r in TITLES for r in rest):
            return [_Mention(tokens[0], "state", index, state=table[tokens[0]].name)]
    title_length = _title_length(lower)
    if title_length:
        prefix, person = tokens[:title_length], tokens[title_length:]
        found = [m for t in prefix if t in table and (m := _state_ref(table[t].name, t, index))]
        if len(person) == 1 and person[0].lower() in GOVERNMENT_WORDS:
            return found or None
        return found + [_Mention(" ".join(person), "person", index, title=" ".join(prefix))]
    if lower[0] in TITLES and len(tokens) == 1:
        return None
    if name in CONTINENTS or name in capitals() or lower[-1] in PLACE_WORDS:
        return [_Mention(name, "place", index, locative=True)]
    if len(tokens) == 1 and ADJECTIVE_END.search(lower[0]) and re.match(r"[\s-]+[a-z]", after):
        follower = re.match(r"[\s-]+([a-z]+)", after)[1]
        if follower in ARMED_WORDS:
            return [_Mention(f"{name} {follower}", "armed group", index)]
        return None
    return [_Mention(name, _kind(tokens), index, locative=locative)]


def _demonym(state: str, demonym: str, after: str, index: int) -> list[_Mention]:
    follower = re.match(r"\s+([a-z]+)", after)
    alias = f"{demonym} {follower[1]}" if follower and follower[1] in GOVERNMENT_WORDS else ""
    return [_Mention(demonym, "state", index, state=state, alias=alias)]


def _state_ref(state: str, surface: str, index: int) -> _Mention:
    return _Mention(surface, "state", index, state=state)


def _title_length(lower: list[str]) -> int:
    """How many leading tokens are a title ("Israeli Prime Minister") before a name."""
    table = states()
    length = 0
    for position, token in enumerate(lower[:-1]):
        word = token.strip(",")
        if word in TITLES or (position == 0 and strip_possessive(word).title() in table):
            length = position + 1
        else:
            break
    while length and lower[length - 1].strip(".") not in HEAD_TITLES:
        length -= 1
    return length


def _kind(tokens: list[str]) -> str:
    last = tokens[-1].lower().strip(".")
    if last in ARMED_WORDS and last not in ("army", "forces"):
        return "armed group"
    if last in ORG_WORDS or any(t.lower() in ORG_WORDS for t in tokens) or "&" in "".join(tokens):
        return "organization"
    if len(tokens) == 1 and (tokens[0].isupper() or not tokens[0].isalpha()):
        return "organization"
    if 2 <= len(tokens) <= 4 and all(t[0].isupper() or "-" in t or t.lower() in CONNECTORS for t in tokens):
        return "person"
    return "organization"


# --- folding ----------------------------------------------------------------


def _fold(mentions: list[_Mention], registry: tuple[RegistryEntry, ...]) -> list[_Entity]:
    """One entity per actor: longer names first, so short forms fold into them."""
    entities: list[_Entity] = []
    ordered = sorted(range(len(mentions)), key=lambda i: (-len(mentions[i].surface.split()), i))
    for i in ordered:
        mention = mentions[i]
        if mention.kind == "place":
            continue
        entity = _match(mention, entities, registry)
        if entity is None:
            entity = _new_entity(mention, registry)
            entities.append(entity)
        entity.mentions.append(mention)
        for alias in (mention.surface, mention.alias):
            if alias and alias not in entity.names:
                entity.names.append(alias)
    first = {id(e): min(m.sentence for m in e.mentions) for e in entities}
    return sorted(entities, key=lambda e: (first[id(e)], e.name))


def _new_entity(mention: _Mention, registry: tuple[RegistryEntry, ...]) -> _Entity:
    for entry in registry:
        if mention.surface == entry.name or mention.surface in entry.aliases:
            return _Entity(entry.name, entry.kind, [entry.name, *entry.aliases], description=entry.description)
    if mention.state:
        return _Entity(mention.state, "state", [mention.state])
    return _Entity(mention.surface, mention.kind, [mention.surface])


def _key(name: str) -> str:
    return re.sub(r"^(?:al|el|ad|as|an|ar)-", "", name.lower().replace("’", "'")).replace(".", "")


def _match(mention: _Mention, entities: list[_Entity], registry: tuple[RegistryEntry, ...]) -> _Entity | None:
    surface = mention.surface
    for entity in entities:
        if mention.state and entity.kind == "state" and entity.name == mention.state:
            return entity
        if surface in entity.names or _key(surface) in {_key(n) for n in entity.names}:
            return entity
    for entry in registry:
        if surface == entry.name or surface in entry.aliases:
            return next((e for e in entities if e.name == entry.name), None)
    if mention.state:
        return None
    candidates = [e for e in entities if _short_form(surface, e)]
    return candidates[0] if len(candidates) == 1 else None


def _short_form(surface: str, entity: _Entity) -> bool:
    """A surname for a person, or an acronym of an organisation's name."""
    if " " in surface or entity.kind == "state":
        return False
    if entity.kind == "person":
        return any(_key(surface) == _key(n.split()[-1]) for n in entity.names if " " in n)
    if surface.replace(".", "").isupper() and len(surface) >= 2:
        return any(_initials(n) == surface.replace(".", "") for n in entity.names)
    return False


def _initials(name: str) -> str:
    return "".join(t[0] for t in name.split() if t.lower() not in CONNECTORS and t[0].isupper())


def _only_a_setting(entity: _Entity) -> bool:
    """A state or unknown name only ever named as a place ("in Azerbaijan")."""
    if entity.kind not in ("state", "organization") or entity.description:
        return False
    if entity.kind == "organization" and (len(entity.names[0].split()) > 1 or entity.names[0].isupper()):
        return False
    return all(m.locative and not m.alias and m.surface in (entity.name, *entity.names[:1]) for m in entity.mentions) \
        and not any(m.surface != entity.name and m.kind == "state" and m.surface in states() and m.surface in states()[m.surface].demonyms
                    for m in entity.mentions)


def _actor(entity: _Entity, sentences: dict[int, Sentence], source: str) -> Actor:
    name = _canonical(entity)
    aliases = tuple(sorted({n for n in entity.names if n != name}, key=lambda n: (n.lower(), n)))
    indices = sorted({m.sentence for m in entity.mentions})
    citations = tuple(Citation(source, i, sentences[i].text) for i in indices[:3])
    role = entity.description or _role(entity, sentences, indices)
    return Actor(name, entity.kind, role, aliases, len(entity.mentions), citations)


def _canonical(entity: _Entity) -> str:
    if entity.kind == "state" or entity.description:
        return entity.name
    if entity.kind == "person":
        return max(entity.names, key=lambda n: (len(n.split()), len(n), -entity.names.index(n)))
    full = [n for n in entity.names if not n.isupper()]
    return max(full or entity.names, key=lambda n: (len(n.split()), -entity.names.index(n)))


def _role(entity: _Entity, sentences: dict[int, Sentence], indices: list[int]) -> str:
    titles = [m.title for m in entity.mentions if m.title]
    if titles:
        return max(titles, key=len)
    names = sorted(entity.names, key=len, reverse=True)
    for index in indices:
        text = sentences[index].text
        for name in names:
            apposition = re.search(rf"\b{re.escape(name)},\s+((?:the|a|an)\s+[^,.;]{{3,80}}?),", text)
            if apposition:
                return apposition[1]
    return ""
