"""What changed since the previous build of the site.

A small state file beside mkdocs.yml (``briefs-state.json``, committed with the
site) records, for every brief, a key for each of its items and the build in
which it first appeared. The build number moves on only when some brief gains
an item, so building the same sources again gives the same pages. Items that
appeared in the latest build are listed at the top of their brief and in the
site's Atom feed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable
from xml.etree import ElementTree as ET

from .model import Brief, Page

STATE = "briefs-state.json"


@dataclass(frozen=True, slots=True)
class State:
    build: int
    first_seen: dict[str, dict[str, int]]   # brief -> item key -> build it appeared in

    def to_json(self) -> str:
        return json.dumps({"build": self.build, "briefs": self.first_seen}, indent=1, sort_keys=True) + "\n"


def load(site_dir: Path) -> State:
    try:
        data = json.loads((site_dir / STATE).read_text(encoding="utf-8"))
        return State(int(data["build"]), {str(b): {str(k): int(v) for k, v in items.items()}
                                          for b, items in data["briefs"].items()})
    except FileNotFoundError:
        return State(0, {})
    except (ValueError, KeyError, TypeError, AttributeError):
        return State(0, {})  # a damaged state file only loses the "new" marks


def save(site_dir: Path, state: State) -> None:
    path = site_dir / STATE
    text = state.to_json()
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)


def items(brief: Brief) -> dict[str, str]:
    """Each item of a brief as a stable key -> the line that shows it."""
    lines = [f"Source: {a.title}" for a in brief.articles]
    lines += [f"Actor: {a.name}" for a in brief.actors]
    lines += [f"Timeline: {e.date or e.text} — {e.event}" for e in brief.timeline]
    lines += [f"Background: {s.text}" for s in brief.background]
    lines += [f"Open question: {q.question}" for q in brief.open_questions]
    lines += [f"Answered: {q.question}" for q in brief.open_questions if q.answered_by]
    return {hashlib.sha1(line.encode("utf-8")).hexdigest()[:16]: line for line in lines}


def compare(briefs: Iterable[Brief], previous: State) -> tuple[tuple[Brief, ...], State]:
    """The briefs with their new items marked, and the state to save."""
    briefs = tuple(briefs)
    found = {_name(b): items(b) for b in briefs}
    grew = any(set(keys) - set(previous.first_seen.get(name, {})) for name, keys in found.items())
    build = previous.build + 1 if grew or previous.build == 0 else previous.build
    first_seen = {name: {key: previous.first_seen.get(name, {}).get(key, build) for key in keys}
                  for name, keys in found.items()}
    marked = []
    for brief in briefs:
        seen = first_seen[_name(brief)]
        new = tuple(line for key, line in found[_name(brief)].items() if seen[key] == build and build > 1)
        marked.append(replace(brief, new=new))
    return tuple(marked), State(build, first_seen)


def _name(brief: Brief) -> str:
    return f"{brief.region}/{brief.slug}"


def feed(briefs: Iterable[Brief], site_url: str, title: str, folder: str, path_of: Callable[[Brief], str]) -> Page:
    """An Atom feed (``folder``/feed.xml) with an entry per brief: its latest
    update and what it added. Links are absolute from ``site_url``."""
    ns = "http://www.w3.org/2005/Atom"
    base = (site_url.rstrip("/") + "/" if site_url else "https://example.org/") + folder.strip("/") + "/"
    root = ET.Element("feed", xmlns=ns)
    ET.SubElement(root, "title").text = _xml_text(title)
    ET.SubElement(root, "id").text = base + "feed.xml"
    ET.SubElement(root, "link", href=base + "feed.xml", rel="self")
    ET.SubElement(root, "link", href=base)
    entries = sorted(briefs, key=lambda b: (b.published or dt.date.min, _name(b)), reverse=True)
    updated = [_stamp(b.published) for b in entries]
    ET.SubElement(root, "updated").text = max(updated, default=_stamp(None))
    for brief, stamp in zip(entries, updated):
        entry = ET.SubElement(root, "entry")
        url = base + path_of(brief).removesuffix(".md") + "/"
        ET.SubElement(entry, "title").text = _xml_text(brief.title)
        ET.SubElement(entry, "id").text = url
        ET.SubElement(entry, "link", href=url)
        ET.SubElement(entry, "updated").text = stamp
        ET.SubElement(ET.SubElement(entry, "author"), "name").text = _xml_text(brief.region)
        summary = brief.new or tuple(s.text for s in brief.summary)
        ET.SubElement(entry, "summary").text = _xml_text("\n".join(summary))
    ET.indent(root)
    return Page("feed.xml", '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n")


def _xml_text(text: str) -> str:
    """Text without the control characters XML 1.0 cannot hold."""
    return "".join(c for c in text if c in "\t\n\r" or (ord(c) >= 0x20 and not 0xFFFE <= ord(c) <= 0xFFFF
                                                          and not 0xD800 <= ord(c) <= 0xDFFF))


def _stamp(date: dt.date | None) -> str:
    return f"{(date or dt.date(1970, 1, 1)).isoformat()}T00:00:00Z"
