"""Open questions: one per sentence that states something unresolved,
proposed, expected or contested. Settled facts give none."""

from __future__ import annotations

import re
from functools import lru_cache

from ..model import Citation, Question, Sentence, cite
from .caseless import Caseless
from .gazetteer import states

# Each cue: (pattern, how to ask). The first cue that matches a sentence wins.
CUES: tuple[tuple[Caseless | re.Pattern, str], ...] = tuple((Caseless(p), kind) for p, kind in (
    (r"\b(?:has|have|had)\s+not\s+(?:yet\s+)?(?:publicly\s+|formally\s+|officially\s+)?"
     r"(?:accepted|agreed|responded|commented|confirmed|decided|approved|answered|said|ruled|signed)\b", "response"),
    (r"\b(?:not\s+yet|yet\s+to)\b", "response"),
    (r"\b(?:remains?|is|was|it's)\s+(?:still\s+)?(?:unclear|uncertain|unknown|undecided|in doubt|to be seen)\b|"
     r"\bno\s+(?:decision|agreement|date|timetable)\b|\bwhether\b", "whether"),
    (r"\b(?:disputed|contested|denied|denies|rejected|rejects|dispute|challenged|disagree|disagreement|"
     r"complicated efforts|efforts to|struggl\w+|grapple\w*)\b", "contested"),
    (r"\b(?:proposed|offered|offer to|plans? to|planned|intends? to|considering|seeks? to|"
     r"aims? to|wants? to|calls? for|called for|pending|awaiting|negotiat\w+)\b", "proposal"),
    (r"\b(?:set to|is due|are due|due to|scheduled|expected to|expects|anticipated|will|could|might|"
     r"is to|are to|upcoming)\b", "expected"),
)) + ((re.compile(r"\bmay\b"), "expected"),)  # the modal verb, not the month
# A statement of a settled fact: something agreed, done or refused, with no cue left open.
SETTLING = Caseless(r"\b(?:agreed|accepted|approved|rejected|signed|announced|confirmed|decided|joined|completed|"
                    r"took place|held|ended|dropped|launched|opened|refused|declined|withdrew|resumed)\b")
# Reported facts: a cue inside them is part of what happened, not an open point.
SETTLED = re.compile(r"^(?:[A-Z][\w'’-]*\s+){0,6}(?:is|was|are|were)\s+(?:the|a|an)\s+(?:leader|head|member|chief)\b")

ASK = {
    "response": "What will come of this, still unanswered: “{clause}”?",
    "whether": "What will be decided: “{clause}”?",
    "contested": "How will this contested point be settled: “{clause}”?",
    "proposal": "Will this go ahead: “{clause}”?",
    "expected": "Will this happen as expected: “{clause}”?",
}


def extract(sentences: tuple[Sentence, ...], source: str) -> tuple[Question, ...]:
    """A question for each sentence that states something unresolved."""
    found = []
    for sentence in sentences:
        if SETTLED.search(sentence.text):
            continue
        kind = cue(sentence.text)
        if kind:
            found.append(Question(ask(sentence.text, kind), (cite(source, sentence.index, sentence.text),)))
    return tuple(found)


def settled(sentences: tuple[Sentence, ...], source: str) -> tuple[Citation, ...]:
    """The sentences that state a settled fact: what may answer another article's question."""
    # cue() first: extract() has usually just computed it.
    return tuple(cite(source, s.index, s.text) for s in sentences if cue(s.text) is None and SETTLING.search(s.text))


# One search rules out most sentences. On lower-cased text it also finds
# "May", which the cue for "may" then turns down.
ANY_CUE = Caseless("|".join(f"(?:{pattern.pattern})" for pattern, _ in CUES))


@lru_cache(maxsize=4096)
def cue(text: str) -> str | None:
    """The kind of unresolved statement a sentence makes, or None if settled."""
    leftmost = ANY_CUE.search(text)
    if leftmost is None:
        return None
    # No cue can match before the leftmost match of them all.
    return next((kind for pattern, kind in CUES if pattern.search(text, leftmost.start())), None)


def ask(text: str, kind: str) -> str:
    """The statement as a plain-English question."""
    for rewrite in REWRITES:
        question = rewrite(text)
        if question:
            return question
    return ASK[kind].format(clause=_clause(text, kind))


def _clause(text: str, kind: str) -> str:
    """The part of the sentence, between commas, that holds the cue."""
    match = min((m for p, k in CUES if k == kind and (m := p.search(text))), key=lambda m: m.start())
    start = max(text.rfind(c, 0, match.start()) for c in ",;:") + 1
    ends = [i for i in (text.find(c, match.end()) for c in ",;:") if i >= 0]
    return text[start:min(ends, default=len(text))].strip().rstrip(".?!")


def _negated_response(text: str) -> str | None:
    if not NEGATED.search(text):
        return None  # a cheap test before the costly pattern; so below
    match = re.search(r"((?:the\s+)?[A-Z][\w'’-]*(?:\s+[a-zA-Z][\w'’-]*){0,3}?)\s+(?:has|have|had)\s+not\s+(?:yet\s+)?"
                      r"(?:publicly\s+|formally\s+|officially\s+)?(accepted|agreed to|responded to|approved|signed|confirmed)"
                      r"\s+([^,.;]{3,80})", text)
    if not match:
        return None
    proposal = re.search(r"\b((?:the\s+)?[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*)\s+(?:has|have|had)\s+proposed\s+(to\s+[^,;]{3,100}?)"
                         r",?\s+(?:although|but|while)\b", text)
    verb = {"accepted": "accept", "agreed to": "agree to", "responded to": "respond to", "approved": "approve",
            "signed": "sign", "confirmed": "confirm"}[match[2]]
    thing = re.sub(r"^(?:or\s+commented\s+on\s+)", "", match[3]).strip()
    thing = re.sub(r"\bthis\b", "the", thing)
    if proposal and match[2] in ("accepted", "agreed to", "approved"):
        thing = f"{proposal[1]}'s proposal {proposal[2].strip()}"
    return f"Will {_lower_first(match[1])} {verb} {thing}?"


def _will(text: str) -> str | None:
    if "will" not in text:
        return None
    clause = re.search(r"(?:^|,\s*|;\s*|\bthat\s+)((?:the\s+)?[A-Za-z][\w'’-]*(?:\s+[A-Za-z][\w'’-]*){0,4}?)\s+will\s+([^,.;]{3,100})", text)
    if not clause or clause[1].lower() in ("it", "this", "that") or NOT_A_SUBJECT.search(clause[1]):
        return None
    return f"Will {_lower_first(clause[1])} {clause[2].strip()}?"


def _set_to(text: str) -> str | None:
    if not SET_TO.search(text):
        return None
    match = re.search(r"(?:which|that|it|((?:the\s+)?[A-Z][\w'’-]*(?:,?\s+[A-Z][\w'’-]*|\s+[a-z][\w'’-]*){0,5}?))\s+(?:is|are)\s+"
                      r"(?:set|due|expected|scheduled)\s+to\s+([^,.;]{3,100})", text)
    if not match:
        return None
    subject = match[1] or _noun_before(text, match.start())
    if not subject or NOT_A_SUBJECT.search(subject):
        return None
    return f"Will {_lower_first(subject)} {match[2].strip()} as planned, and what will it bring?"


NEGATED = re.compile(r"ha(?:s|ve|d)\s+not\s")
SET_TO = re.compile(r"\s(?:is|are)\s+(?:set|due|expected|scheduled)\s+to\s")


def _noun_before(text: str, position: int) -> str:
    """The noun phrase a "which" refers to: "a much-anticipated visit by X"."""
    head = text[:position].rstrip(" ,")
    match = re.search(r"\b((?:a|an|the)\s+[^,;]{3,80})$", head)
    return re.sub(r"^(?:a|an)\s+", "the ", match[1]) if match else ""


def _efforts(text: str) -> str | None:
    if "efforts" not in text:
        return None
    match = re.search(r"\befforts\s+to\s+([a-z]+\s+[^,.;]{2,60})", text)
    return f"Will efforts to {match[1].strip()} succeed?" if match else None


def _whether(text: str) -> str | None:
    """Turn "unclear whether the hotline will cover X" into "Will the hotline cover X?"."""
    if "whether" not in text:
        return None
    match = re.search(r"\bwhether\s+([^,.;]{5,120})", text)
    if not match:
        return None
    clause = match[1].strip()
    modal = re.match(r"(.+?)\s+(will|would|can|could|should|might)\s+(.+)", clause)
    if modal:
        verb = {"would": "Will", "might": "Will"}.get(modal[2], modal[2].capitalize())
        return f"{verb} {_lower_first(modal[1])} {modal[3]}?"
    return f"Will it turn out that {clause}?"


def _lower_first(text: str) -> str:
    """The subject as it reads mid-sentence: "the talks", "technical teams", but "Syria"."""
    words = text.split()
    first = words[0]
    if first in ("The", "A", "An", "This", "These", "Its", "Their"):
        return first.lower() + text[len(first):]
    multiword_name = len(words) > 1 and words[1][:1].isupper()
    if first in states() or first.isupper() or multiword_name:
        return text
    if first.lower().endswith(("al", "ic", "ive", "ous", "ing", "ed", "ary", "ful", "less", "s")):
        return first.lower() + text[len(first):]
    return text


def _expects(text: str) -> str | None:
    """Turn "Arman expects Syria to take part ..." into "Will Syria take part ...?"."""
    if "expect" not in text and "predict" not in text:
        return None
    match = re.search(r"\b(?:expects?|expected|predicts?|predicted)\s+((?:the\s+)?[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*)\s+to\s+"
                      r"([^,.;]{3,100})", text) or \
        re.search(r"((?:the\s+)?(?:[a-z]{1,3}-)?[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*)\s+(?:is|was|are|were)\s+expected\s+to\s+"
                  r"([^,.;]{3,100})", text) or \
        re.search(r"\b(?:said|says|added)\s+(?:that\s+)?((?:a|an|the)\s+[^,;]{2,40}?)\s+(?:is|was|are|were)\s+expected\s+to\s+"
                  r"([^,.;]{3,100})", text)
    return f"Will {_lower_first(match[1])} {match[2].strip()}?" if match else None


def _offer(text: str) -> str | None:
    """Turn "UNDOF has offered to resume patrols" into "Will UNDOF's offer to resume patrols be taken up?"."""
    if "offered" not in text and "proposed" not in text:
        return None
    match = re.search(r"((?:the\s+)?[A-Z][\w'’-]*(?:\s+(?:of\s+)?[A-Z][\w'’-]*)*)(?:\s+\([^)]*\))?\s+(?:has|have|had)\s+"
                      r"(?:\w+ly\s+|meanwhile\s+)?(offered|proposed)\s+to\s+([^,.;]{3,100})", text)
    if not match:
        return None
    noun = "offer" if match[2] == "offered" else "proposal"
    return f"Will {_lower_first(match[1])}'s {noun} to {match[3].strip()} be taken up?"


NOT_A_SUBJECT = re.compile(r"\b(?:said|says|told|added|stated|noted|announced|reported|whether|which|who|if|unclear|"
                           r"uncertain|remains?)\b", re.IGNORECASE)
REWRITES = (_negated_response, _whether, _set_to, _expects, _offer, _will, _efforts)
