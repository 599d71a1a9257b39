"""Clean a source's body: whitespace, boilerplate lines, paragraphs repeated
by scrapers; then split it into sentences, each kept once."""

from __future__ import annotations

import re

from .model import Document, Problem, Sentence, Source, SourceError

BOILERPLATE = re.compile(
    r"^(?:advertisement|advertising|sponsored(?: content)?|share(?: this(?: article| story)?)?|"
    r"(?:read|see) (?:more|also)\b.*|related(?: articles| stories)?:?.*|click here\b.*|subscribe\b.*|"
    r"sign up\b.*|follow us\b.*|all rights reserved\.?|©.*|copyright\b.*|listen to this article.*|"
    r"(?:photo|image|video)(?: credit)?:.*|skip to (?:main )?content|cookies?\b.*accept.*|"
    r"reporting by\b.*|editing by\b.*|\d+px)$",
    re.IGNORECASE,
)

# Abbreviations after which a full stop does not end a sentence.
ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof gen lt col capt sgt maj adm cmdr rep sen gov pres st jr sr inc corp co ltd plc "
    "no nos vs etc approx dept est fig jan feb mar apr jun jul aug sep sept oct nov dec mt ft "
    "u.s u.k u.n e.u a.m p.m i.e e.g d.c".split()
)
BOUNDARY = re.compile(r"([.!?]+[\"'”’)\]]*)\s+(?=[\"'“‘(\[]?[A-Z0-9])")  # group 1: the sentence's last characters
WORDS = re.compile(r"\w+")
BLANK_LINE = re.compile(r"\n\s*\n")


def clean(source: Source) -> Document:
    """The source as a Document: tidy paragraphs, each sentence once."""
    paragraphs, dropped = _paragraphs(source.text)
    text = "\n\n".join(paragraphs)
    sentences, offset, seen = [], 0, set()
    for number, paragraph in enumerate(paragraphs):
        for start, end in split_sentences(paragraph):
            sentence = paragraph[start:end]
            key = _key(sentence)
            if key in seen:
                dropped += 1
                continue
            seen.add(key)
            sentences.append(Sentence(len(sentences), number, offset + start, offset + end, sentence))
        offset += len(paragraph) + 2
    if not sentences:
        raise SourceError(Problem(source.path, "no article text", "add the article's text, or remove the file"))
    return Document(source, text, tuple(sentences), dropped)


def _paragraphs(text: str) -> tuple[list[str], int]:
    """Paragraphs without boilerplate or repeats, and how many were dropped."""
    blocks = BLANK_LINE.split(text) if BLANK_LINE.search(text.strip()) else text.split("\n")
    kept, seen, dropped = [], set(), 0
    for block in blocks:
        lines = [" ".join(line.split()) for line in block.split("\n")]
        lines = [line for line in lines if line and not _boilerplate(line)]
        paragraph = " ".join(lines)
        if not paragraph:
            continue
        key = _key(paragraph)
        if key in seen:
            dropped += 1
            continue
        seen.add(key)
        kept.append(paragraph)
    return kept, dropped


def _boilerplate(line: str) -> bool:
    return len(line) <= 100 and BOILERPLATE.match(line) is not None


def _key(text: str) -> str:
    return " ".join(WORDS.findall(text.lower()))


def split_sentences(paragraph: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of a tidied paragraph: split after . ! ?
    unless an abbreviation or an initial ("J. Smith") ends there."""
    spans, start = [], 0
    for match in BOUNDARY.finditer(paragraph):
        stop = match.start()
        if paragraph[stop] == "." and _abbreviation_before(paragraph, stop):
            continue
        spans += _bounded(paragraph, start, match.end(1))  # not blank: it holds its end mark
        start = match.end()
    if paragraph[start:].strip():
        spans += _bounded(paragraph, start, len(paragraph.rstrip()))
    return spans


def _abbreviation_before(paragraph: str, stop: int) -> bool:
    """The word ending at the full stop ``paragraph[stop]`` (looked for in the
    40 characters before it) is an abbreviation or an initial. Words are
    separated by single spaces: ``_paragraphs`` has tidied the whitespace."""
    start = max(0, stop - 40)
    start = paragraph.rfind(" ", start, stop) + 1 or start
    token = paragraph[start:stop].rstrip(".").lower().lstrip("\"'“‘(")
    return token in ABBREVIATIONS or (len(token) == 1 and token.isalpha())


MAX_SENTENCE = 1500


def _bounded(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A run-on "sentence" (a pasted table, a line of megabytes) cut at spaces
    into pieces of at most MAX_SENTENCE characters, so later stages stay linear."""
    pieces = []
    while end - start > MAX_SENTENCE:
        cut = text.rfind(" ", start + MAX_SENTENCE // 2, start + MAX_SENTENCE)
        cut = cut if cut > start else start + MAX_SENTENCE
        pieces.append((start, cut))
        start = cut + 1 if text[cut:cut + 1] == " " else cut
    pieces.append((start, end))
    return pieces
