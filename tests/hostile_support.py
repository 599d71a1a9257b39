"""Hostile sources and the checks the hostile-input tests share.

``tests/hostile/`` holds the small hostile sources as files. Two placeholders
in them are filled in when they are copied into a site: ``@@OUTSIDE@@`` (the
absolute path of a secret file outside the site, named in ``--8<--`` snippet
lines) and ``@@PWNED@@`` (a file that a YAML tag would create if it were ever
executed). Binary, oddly encoded and symlinked sources, and hostile file and
folder names, are made at test time by the functions below (the huge ones by
test_hostile.py), so no large or binary file is committed. ``hostile/crashers/``
holds front matter that makes the YAML parser itself raise: each is tested in a
site of its own, since one of them stops a whole build.

Every payload carries a marker (``MARK``, ``zqxheading``, ``JINJA{{ 7*7 }}JINJA``
...) so that the checks on the built HTML can tell what came from a source
from what MkDocs and Material put there themselves.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable
from xml.etree import ElementTree

from bs4 import BeautifulSoup

HOSTILE = Path(__file__).resolve().parent / "hostile"

MARK = "zqxmark"                     # in every script, handler and link payload
HEADING = "zqxheading"               # after '# ' in sources: must never start a heading
SETEXT = "zqxsetext"                 # a line underlined with '---' or '==='
JINJA_LITERAL = "JINJA{{ 7*7 }}JINJA"
JINJA_EVALUATED = "JINJA49JINJA"
RAW_LITERAL = "RAW{% raw %}RAW"
PASSWD = "root:x:0:0"                # the first line of /etc/passwd, wherever it exists

GOOD = {
    "2025-04-10-ferry.md": """\
---
title: Ferry line to Orsk resumes
published: 2025-04-10
region: Orsk Coast
tags: [ferries]
url: https://example.org/news/ferry
---
The ferry line to Orsk resumed on Wednesday after a month without service, the harbour office said.

A second boat is set to join the route on Friday. The port union has not yet responded to the new timetable.
""",
    "2025-04-12-bridge.txt": """\
Valley council approves new river bridge
April 12, 2025

The Marrow Valley council approved a new river bridge on Friday after two years of debate.

Work is expected to begin in June. Residents of Low Ford have asked whether the old crossing will stay open.
""",
}
GOOD_TITLES = ("Ferry line to Orsk resumes", "Valley council approves new river bridge")

# Text that other encodings must give back exactly, and its expected title.
ENCODED_TEXT = ("Café owners in Liège welcome the ferry\n\n"
                "The café owners in Liège said on Monday that the “new” ferry — at last — would help trade.\n\n"
                "It remains unclear whether the naïve plan will survive the winter.\n")
ENCODED_TITLE = "Café owners in Liège welcome the ferry"
# UTF-8 with accents (and no curly quotes) and one byte that is not UTF-8.
STRAY_BYTE = ("Crêpe stalls in Liège reopen\n\nThe crêpe stalls in Liège reopened on Monday, the café owners said.\n"
              "It remains unclear whether the naïve plan will last.\n").encode("utf-8").replace(b"Monday", b"Mon\xffday")
REPEATED_PARAGRAPH = "The harbour office repeated on Monday that the ferry timetable would not change this spring."


def generated_sources() -> dict[str, bytes]:
    """The hostile sources that are binary or encoded, made here rather than committed."""
    utf8 = ENCODED_TEXT.encode("utf-8")
    return {
        "binary.md": b"\x89PNG\r\n\x1a\n" + b"\x00" * 64 + b"IHDR" + bytes(range(256)) + b"\x00" * 512,
        "binary-renamed.txt": random.Random(5).randbytes(4096),
        "nul-bytes.txt": b"Ferry talks resume\n\nThe ferry union met on Monday\x00 and agreed a timetable.\n",
        "invalid-utf8.txt": utf8.replace("Monday".encode(), b"Mon\xc3\x28day \xff\xfe\x81 "),
        "utf8-stray-byte.txt": STRAY_BYTE,
        "cp1252.txt": ENCODED_TEXT.encode("cp1252"),
        "utf16-bom.txt": ENCODED_TEXT.encode("utf-16"),
        "utf16-be-bom.txt": b"\xfe\xff" + ENCODED_TEXT.encode("utf-16-be"),
        "utf16-le-no-bom.txt": ENCODED_TEXT.encode("utf-16-le"),
        "repeated-paragraphs.txt": ("Harbour office repeats itself\n\n" + (REPEATED_PARAGRAPH + "\n\n") * 4000
                                    + "The ferry union said on Tuesday that it would answer the office in May.\n").encode(),
    }


# A folder (its name becomes a region) and a file with hostile names, made at test time.
HOSTILE_FOLDER = f"<img src=x onerror=alert('{MARK}')> JINJA{{{{ 7*7 }}}}JINJA # {HEADING}"
HOSTILE_IN_FOLDER = f"{HOSTILE_FOLDER}/2025-04-10-folder-region.txt"
HOSTILE_FILE_NAME = f"<script>alert('{MARK}')<\\script> [x](javascript:alert('{MARK}')) JINJA{{{{ 7*7 }}}}JINJA.txt"

# What must become of each hostile source in a site built beside the good ones.
REJECTED = (  # reported as errors and skipped
    "empty.md", "whitespace-only.txt", "binary.md", "binary-renamed.txt", "nul-bytes.txt",
    "malformed-front-matter.md", "malformed-indentation.md", "unclosed-front-matter.md", "front-matter-not-a-mapping.md",
    "python-tag.md", "python-tag-nested.md", "alias-bomb.md", "published-yesterday.md", "tags-five.md",
    "wrong-types.md", "url-javascript.md", "url-data.md", "symlink-outside.md",
)
WARNED = ("unknown-keys.md",)  # reported as warnings and still published
NAMED = ("invalid-utf8.txt",)  # reported; published or not, as the builder sees fit
ENCODED = ("cp1252.txt", "utf16-bom.txt", "utf16-be-bom.txt", "utf16-le-no-bom.txt")
PUBLISHED = (  # published, whatever else is said about them
    *GOOD, *WARNED, *ENCODED, "repeated-paragraphs.txt", "duplicate-a.md", "duplicate-b.md",
    "path-values.md", "path-values-absolute.md", "utf8-stray-byte.txt", HOSTILE_IN_FOLDER, HOSTILE_FILE_NAME,
    "injection-body.md", "injection-front-matter.md", "injection.txt", "injection.html",
)


@dataclass(frozen=True)
class Outside:
    """Files outside the site that no source may bring into it."""

    folder: Path
    secret: str          # the content of the secret files
    secret_file: Path    # outside/secret.txt, named by the snippet lines
    pwned: Path          # created only if a YAML tag were executed


def make_outside(parent: Path) -> Outside:
    folder = parent / "outside"
    folder.mkdir(parents=True, exist_ok=True)
    secret = f"zqxsecret{secrets.token_hex(8)}"
    secret_file = folder / "secret.txt"
    secret_file.write_text(f"{secret}\n", encoding="utf-8")
    (folder / "secret.md").write_text(f"---\ntitle: {secret}\n---\nThe {secret} was read on Monday from outside.\n",
                                      encoding="utf-8")
    linked = folder / "linked-folder"
    linked.mkdir(exist_ok=True)
    (linked / "inside-link.md").write_text(f"The {secret} folder was read on Tuesday from outside.\n", encoding="utf-8")
    return Outside(folder, secret, secret_file, parent / "pwned-by-yaml")


def fill(text: str, outside: Outside) -> str:
    return text.replace("@@OUTSIDE@@", str(outside.secret_file)).replace("@@PWNED@@", str(outside.pwned))


def add_good_sources(sources: Path) -> None:
    sources.mkdir(parents=True, exist_ok=True)
    for name, text in GOOD.items():
        (sources / name).write_text(text, encoding="utf-8")


def add_hostile_sources(sources: Path, outside: Outside) -> list[str]:
    """Every hostile source into ``sources``: the files of tests/hostile/, the
    generated ones, and links to files outside the site. Returns their names."""
    sources.mkdir(parents=True, exist_ok=True)
    names = []
    for path in sorted(HOSTILE.iterdir()):
        if path.is_file():
            (sources / path.name).write_bytes(fill(path.read_text(encoding="utf-8"), outside).encode("utf-8"))
            names.append(path.name)
    for name, data in generated_sources().items():
        (sources / name).write_bytes(data)
        names.append(name)
    (sources / HOSTILE_FOLDER).mkdir()
    (sources / HOSTILE_IN_FOLDER).write_text("Folder region report\n\nThe harbour pilots met on Monday in the "
                                             "folder region, officials said.\n", encoding="utf-8")
    (sources / HOSTILE_FILE_NAME).write_text("Hostile file name report\n\nThe dock workers met on Tuesday to "
                                             "discuss the hostile file name.\n", encoding="utf-8")
    names += [HOSTILE_IN_FOLDER, HOSTILE_FILE_NAME]
    os.symlink(outside.folder / "secret.md", sources / "symlink-outside.md")
    os.symlink(outside.folder / "linked-folder", sources / "linked-folder", target_is_directory=True)
    names.append("symlink-outside.md")
    return names


def crashers() -> dict[str, bytes]:
    """Sources with front matter that PyYAML parses into an exception of its own
    (dates and times that do not exist, nesting deeper than Python's recursion
    limit). Kept out of the shared hostile site: each one stops the whole build."""
    found = {p.name: p.read_bytes() for p in sorted((HOSTILE / "crashers").iterdir()) if p.is_file()}
    found["deeply-nested.md"] = ("---\ntitle: Deeply nested\ntags: " + "[" * 5000 + "]" * 5000 + "\n---\n"
                                 "The harbour office said on Monday that talks would resume.\n").encode()
    return found


def clear_sources(site: Path) -> None:
    for article in (site / "sources").iterdir():
        article.unlink()


# --- what the build said ---------------------------------------------------

PROBLEM_LINE = re.compile(r"^(?P<path>sources/[^:\n]+?)(?::(?P<line>\d+))?: (?P<message>.+?) — (?P<fix>.+)$")


def problems_by_file(output: str) -> dict[str, list[str]]:
    """The `path[:line]: message — fix` lines of a build's output, by source file name."""
    found: dict[str, list[str]] = {}
    for line in output.splitlines():
        line = re.sub(r"^(?:DEBUG|INFO|WARNING|ERROR)\s+-\s+", "", line.strip())  # MkDocs' log prefix
        match = PROBLEM_LINE.match(line)
        if match:
            found.setdefault(match["path"].removeprefix("sources/"), []).append(line.strip())
    return found


# --- what the built HTML holds ---------------------------------------------

URL_ATTRIBUTES = ("href", "src", "action", "formaction", "srcset", "poster", "data", "background", "xlink:href",
                  "ping", "cite", "longdesc", "manifest", "codebase")
BAD_SCHEME = re.compile(r"^(?:javascript|data|vbscript|file):", re.IGNORECASE)


def _compact(value: str) -> str:
    """A URL as a browser reads its scheme: control characters and spaces dropped."""
    return re.sub(r"[\x00-\x20\x7f]+", "", value)


def html_pages(built: Path) -> list[Path]:
    return sorted(built.rglob("*.html"))


def soup_of(page: Path) -> BeautifulSoup:
    return BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")


def script_fingerprint(script) -> str:
    """What a <script> is, without the parts Material varies by page (the base path)."""
    if script.get("src"):
        return "src:" + re.sub(r"^(?:\.\./|\./)+|^/[^/]+/", "", script["src"])
    text = script.get_text()
    text = re.sub(r'"base": "[^"]*"', '"base": ""', text)
    text = re.sub(r'new URL\("[^"]*"', 'new URL("")', text)
    text = re.sub(r'"(?:\.\./)+|"/[^/"]+/(?=assets/)', '"', text)   # paths to the assets, relative to the page
    return "text:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def scripts_of(built: Path) -> set[str]:
    """The scripts of a built site (to allow exactly Material's own in another site)."""
    return {script_fingerprint(s) for page in html_pages(built) for s in soup_of(page).find_all("script")}


# Elements whose text must never start with a marker: they would have been
# made from a source line ('# zqxheading', '> zqxquote', '- zqxlist' ...).
MADE_FROM_LINES = {"blockquote": ("zqxquote",), "li": ("zqxlist", "zqxordered"), "th": ("zqxtable",),
                   **{f"h{n}": (HEADING, SETEXT) for n in range(1, 7)}}
FOREIGN_ELEMENTS = ("iframe", "object", "embed", "form", "button", "svg", "style", "kbd", "img", "video", "audio")


def html_violations(built: Path, secret: str = "", allowed_scripts: set[str] | None = None) -> list[str]:
    """Everything in the built site that a source could have injected: scripts
    (beyond Material's own), event handlers, javascript:/data: URLs, Mermaid
    diagrams, admonitions, code, headings, lists, quotes and rules made from
    source lines, ids and classes from attr_list, template output, included
    files. Parsed, not grepped."""
    problems = []
    for page in html_pages(built):
        where = page.relative_to(built).as_posix()
        soup = soup_of(page)
        for script in soup.find_all("script"):
            if MARK in script.get_text() or MARK in str(script.get("src", "")):
                problems.append(f"{where}: <script> from a source: {str(script)[:120]}")
            elif allowed_scripts is not None and script_fingerprint(script) not in allowed_scripts:
                problems.append(f"{where}: <script> that Material does not make: {str(script)[:120]}")
        for element in soup.find_all(True):
            for name, value in element.attrs.items():
                value = " ".join(value) if isinstance(value, list) else str(value)
                if name.lower().startswith("on") or "zqx" in name:
                    problems.append(f"{where}: <{element.name} {name}={value[:60]!r}>")
                if name.lower() in URL_ATTRIBUTES and BAD_SCHEME.match(_compact(value)):
                    problems.append(f"{where}: <{element.name} {name}={value[:60]!r}>")
            if element.get("id") in ("zqxid", "fn:zqx", "fnref:zqx") or "zqxclass" in (element.get("class") or ()):
                problems.append(f"{where}: id or class from a source on <{element.name}>")
            if element.name in FOREIGN_ELEMENTS and MARK in str(element):
                problems.append(f"{where}: <{element.name}> from a source: {str(element)[:120]}")
            classes = " ".join(element.get("class") or ())
            if re.search(r"\b(?:mermaid|admonition|details)\b", classes) and "zqx" in element.get_text():
                problems.append(f"{where}: <{element.name} class={classes!r}> from a source")
            if element.name in ("pre", "code", "details") and "zqx" in element.get_text():
                problems.append(f"{where}: <{element.name}> from a source: {str(element)[:120]}")
            if element.name in MADE_FROM_LINES:
                text = element.get_text(" ", strip=True)
                if text.startswith(MADE_FROM_LINES[element.name]):
                    problems.append(f"{where}: <{element.name}> made from a source line: {text[:60]!r}")
            if element.name == "hr" and not element.find_parent("div", class_="footnote"):
                problems.append(f"{where}: <hr> outside the footnotes (a '---' or '***' line of a source)")
        text = soup.get_text(" ")
        for forbidden, why in ((JINJA_EVALUATED, "template output"), (secret, "an included local file"),
                               (PASSWD, "an included /etc/passwd")):
            if forbidden and (forbidden in text or forbidden in str(soup)):
                problems.append(f"{where}: {why} ({forbidden!r})")
    return problems


ATOM = "{http://www.w3.org/2005/Atom}"
FEED = {"feed": set(), "title": set(), "id": set(), "link": {"href", "rel"}, "updated": set(), "entry": set(),
        "author": set(), "name": set(), "summary": set()}


def outside_feed_allow_list(text: str) -> list[str]:
    """An Atom feed that parses, with only the elements and attributes the builder writes."""
    root = ElementTree.fromstring(text.encode("utf-8"))
    found = []
    for element in root.iter():
        tag = element.tag.removeprefix(ATOM)
        if tag not in FEED:
            found.append(f"<{element.tag}>")
            continue
        found += [f"<{tag} {name}>" for name in element.attrib if name not in FEED[tag]]
        if tag == "link" and not re.match(r"^https?://", element.get("href", "")):
            found.append(f"<link href={element.get('href')!r}>")
    return found


def texts_of(built: Path) -> str:
    """The visible text of every page of the built site, for looking up what was published."""
    return "\n".join(soup_of(page).get_text(" ") for page in html_pages(built))


def files_containing(folder: Path, needle: str) -> list[str]:
    """Files anywhere under ``folder`` whose bytes hold ``needle`` (for the included-file check)."""
    data = needle.encode("utf-8")
    return [p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and data in p.read_bytes()]


def brief_html(site: Path) -> dict[str, str]:
    """The built page of each generated brief, by the brief's Markdown path, as visible text."""
    out = {}
    output = site / "docs" / "briefs"
    for page in sorted(output.glob("*/*.md")):
        if page.name == "index.md" or page.parent.name == "actors":
            continue
        name = page.relative_to(output).as_posix()
        html = site / "site" / "briefs" / name.removesuffix(".md") / "index.html"
        out[name] = soup_of(html).get_text(" ") if html.is_file() else ""
    return out


# --- the file system around a site -----------------------------------------


def tree_state(folder: Path, skip: Iterable[Path] = ()) -> dict[str, tuple[str, int, int]]:
    """Every entry under ``folder`` (links not followed) except those under
    ``skip``: a hash of a file's bytes (a link's target), its mtime in ns and
    its mode. Folders count by name and mode only: a folder's mtime moves
    whenever an entry is added or removed inside it, as the swap does."""
    skipped = list(skip)
    state = {}
    for path in sorted(folder.rglob("*")):
        if any(path == s or s in path.parents for s in skipped):
            continue
        info = path.lstat()
        if path.is_symlink():
            state[path.relative_to(folder).as_posix()] = ("link:" + os.readlink(path), info.st_mtime_ns, info.st_mode)
        elif path.is_dir():
            state[path.relative_to(folder).as_posix()] = ("dir", 0, info.st_mode)
        else:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            state[path.relative_to(folder).as_posix()] = (digest, info.st_mtime_ns, info.st_mode)
    return state


def manifest_files(output: Path) -> list[str]:
    return sorted(json.loads((output / ".briefs-manifest.json").read_text(encoding="utf-8"))["files"])
