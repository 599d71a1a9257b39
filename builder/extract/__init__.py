"""Extract the structure of a brief from one cleaned document, and merge in
the editor's additions from front matter."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from typing import Any

from ..ingest import DATED_NAME
from ..model import Actor, Article, Citation, Document, Event, Question, Statement
from . import actors as actors_stage
from . import background as background_stage
from . import questions as questions_stage
from . import temporal, timeline
from .gazetteer import RegistryEntry

TITLE_WORDS = 12


def article(document: Document, registry: tuple[RegistryEntry, ...] = (), default_region: str = "Unsorted",
            published: dt.date | None = None) -> Article:
    """Everything a brief needs from one article. ``published`` overrides the source's date."""
    source = document.source
    meta = source.meta
    path = source.path
    sentences = document.sentences
    published = published or meta.get("published")
    expressions = temporal.tag(sentences, published)
    summary = background_stage.summary(sentences, path)
    found_actors = actors_stage.extract(sentences, path, registry)
    editor = Citation(path, None, "added by the editor")
    return Article(
        source=path,
        slug=slugify(meta.get("slug") or _stem(path)),
        title=meta.get("title") or derive_title(sentences[0].text if sentences else path),
        published=published,
        region=meta.get("region") or _dominant_state(found_actors) or default_region,
        tags=tuple(dict.fromkeys(meta.get("tags", ()))),
        outlet=meta.get("source", ""),
        url=meta.get("url", ""),
        summary=summary,
        background=background_stage.background(sentences, path, expressions, published, len(summary))
        + tuple(Statement(text, (editor,)) for text in meta.get("background", ())),
        actors=_merge_actors(found_actors, meta.get("actors", ()), editor),
        timeline=_merge_events(timeline.extract(sentences, path, expressions, published),
                               tuple(_editor_event(e, editor) for e in meta.get("events", ()))),
        temporal_expressions=expressions,
        open_questions=questions_stage.extract(sentences, path)
        + tuple(Question(q["question"], (editor,)) for q in meta.get("questions", ())),
        words=len(document.text.split()),
        settled=questions_stage.settled(sentences, path),
        brief=meta.get("brief", ""),
    )


def _stem(path: str) -> str:
    stem = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    dated = DATED_NAME.match(stem)
    return (dated[2] if dated else stem) or stem


def slugify(text: str) -> str:
    """Lower-case ASCII words joined by '-': safe as a file name and a URL."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:80].rstrip("-") or "brief"


def derive_title(lead: str) -> str:
    """A headline from the lead: its first clause, at most a dozen words."""
    words = lead.split()
    clause = re.split(r"(?<=\w)[,;:](?=\s)|\s[—–-]\s", lead, maxsplit=1)[0].split()
    if 4 <= len(clause) <= TITLE_WORDS:
        return " ".join(clause).rstrip(".")
    if len(words) <= TITLE_WORDS:
        return lead.rstrip(".")
    return " ".join(words[:TITLE_WORDS]).rstrip(",;:") + "…"


def _dominant_state(found: tuple[Actor, ...]) -> str | None:
    counts = Counter({a.name: a.mentions for a in found if a.kind == "state"})
    if not counts:
        return None
    best = max(counts.values())
    return next(a.name for a in found if a.kind == "state" and counts[a.name] == best)


def _merge_actors(found: tuple[Actor, ...], edits: tuple[dict[str, Any], ...], editor: Citation) -> tuple[Actor, ...]:
    """The editor's entries correct an extracted actor with the same name or alias, or add one."""
    merged = list(found)
    for edit in edits:
        names = {edit["name"], *edit.get("aliases", ())}
        index = next((i for i, a in enumerate(merged) if names & {a.name, *a.aliases}), None)
        if index is None:
            merged.append(Actor(edit["name"], edit.get("kind", "organization"), edit.get("role", ""),
                                tuple(edit.get("aliases", ())), 0, (editor,)))
            continue
        actor = merged[index]
        aliases = tuple(sorted(({actor.name, *actor.aliases} | names) - {edit["name"]}))
        merged[index] = Actor(edit["name"], edit.get("kind", actor.kind), edit.get("role", actor.role), aliases,
                              actor.mentions, actor.citations)
    return tuple(merged)


def _merge_events(found: tuple[Event, ...], edits: tuple[Event, ...]) -> tuple[Event, ...]:
    """The editor's events, and the extracted ones on dates the editor did not describe."""
    dated = {e.date for e in edits if e.date}
    return tuple(e for e in found if e.date not in dated) + edits


def _editor_event(edit: dict[str, Any], editor: Citation) -> Event:
    date = edit.get("date")
    precision = {4: "year", 7: "month", 10: "day"}.get(len(date)) if date else None
    return Event(date, precision, edit.get("status", "occurred"), edit["event"], date or "", (editor,))


def as_json(article: Article) -> dict[str, Any]:
    """What `briefs extract --format json` prints."""
    return {
        "title": article.title,
        "published": article.published.isoformat() if article.published else None,
        "region": article.region,
        "summary": " ".join(s.text for s in article.summary),
        "background": [{"text": s.text} for s in article.background],
        "actors": [{"name": a.name, "kind": a.kind, "role": a.role, "aliases": list(a.aliases),
                    "mentions": a.mentions} for a in article.actors],
        "timeline": [{"date": e.date, "precision": e.precision, "status": e.status, "event": e.event,
                      "text": e.text} for e in article.timeline],
        "temporal_expressions": [{"text": t.text, "type": t.type, "value": t.value}
                                 for t in article.temporal_expressions],
        "open_questions": [{"question": q.question, "sentence": q.citation.text} for q in article.open_questions],
    }
