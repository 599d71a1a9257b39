"""Read source articles (.txt, .md with front matter, .html) into ``Source``.

Each reader decodes bytes, takes what metadata the format carries, and returns
the body text; every problem is a ``SourceError`` naming the file and line.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import replace
from urllib.parse import quote
from pathlib import Path
from typing import Any, Callable

import charset_normalizer
import frontmatter
import yaml

from .model import Problem, Source, SourceError

READERS: dict[str, Callable[[str, str], Source]] = {}
MIN_HTML_WORDS = 12  # less than this from a saved page is a menu or a stub, not an article
MAX_BYTES = 64 * 1024 * 1024

DATED_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})[-_ ]?(.*)$")


def reader(*extensions: str):
    def register(function):
        for extension in extensions:
            READERS[extension] = function
        return function
    return register


def source_files(folder: Path) -> list[Path]:
    """Every readable article under ``folder``, in a stable order."""
    found = [p for p in folder.rglob("*") if p.suffix.lower().lstrip(".") in READERS and p.is_file()]
    return sorted(found, key=lambda p: p.relative_to(folder).as_posix())


def read_source(path: Path, root: Path | None = None, confine: Path | None = None) -> Source:
    """Read one article. ``root`` makes the recorded path relative to it; a
    file (or link) that resolves outside ``confine``, the sources folder, is
    refused, and one in a subfolder of it gets the subfolder as its region
    unless its front matter names one ("sources/syria/x.txt": Syria)."""
    name = path.relative_to(root).as_posix() if root else path.as_posix()
    if confine is not None and not path.resolve().is_relative_to(confine.resolve()):
        raise SourceError(Problem(name, f"is a link to a file outside {confine.name}/: not read",
                                  "copy the article into the folder instead of linking to it"))
    source = _read(path, name)
    folder = _subfolders(path, confine) if confine is not None else ()
    if folder and "region" not in source.meta:
        return replace(source, meta={**source.meta, "region": folder[0].replace("-", " ").replace("_", " ").title()})
    return source


def _subfolders(path: Path, folder: Path) -> tuple[str, ...]:
    try:
        return path.relative_to(folder).parts[:-1]
    except ValueError:
        return ()


def _read(path: Path, name: str) -> Source:
    read = READERS.get(path.suffix.lower().lstrip("."))
    if read is None:
        raise SourceError(Problem(name, f"unsupported file type '{path.suffix}'", "use .txt, .md or .html"))
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise SourceError(Problem(name, f"file is {size // 2**20} MB, over the {MAX_BYTES // 2**20} MB limit", "split it into articles"))
        data = path.read_bytes()
    except OSError as error:
        raise SourceError(Problem(name, f"cannot read file: {error.strerror}", "check that it exists and is readable")) from None
    text, notes = decode(name, data)
    source = read(name, text)
    return replace(source, warnings=(*notes, *source.warnings)) if notes else source


def decode(name: str, data: bytes) -> tuple[str, tuple[Problem, ...]]:
    """Bytes to text: BOMs, UTF-8, else the most likely legacy encoding, with a
    warning saying which encoding was used or which bytes were replaced."""
    notes: tuple[Problem, ...] = ()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
        notes = (_encoding_note(name, "UTF-16"),)
    elif data.startswith(b"\xef\xbb\xbf"):
        text = _strict(name, data[3:], "utf-8")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            text, notes = _not_utf8(name, data, error)
    if "\x00" in text:
        raise SourceError(Problem(name, "contains NUL bytes: this looks like a binary file", "save the article as text"))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text), notes


def _encoding_note(name: str, encoding: str) -> Problem:
    return Problem(name, f"not UTF-8: read as {encoding}", "re-save the file as UTF-8", None, "warning")


def _not_utf8(name: str, data: bytes, error: UnicodeDecodeError) -> tuple[str, tuple[Problem, ...]]:
    """Mostly UTF-8 with a few bad bytes stays UTF-8 (the bytes replaced);
    anything else is read in the encoding that fits, and said so."""
    replaced = data.decode("utf-8", errors="replace")
    bad = replaced.count("\ufffd") - data.decode("utf-8", errors="ignore").count("\ufffd")
    multibyte = sum(1 for c in replaced if ord(c) > 0x7F and c != "\ufffd")
    if multibyte and bad <= max(2, multibyte // 20) and b"\x00" not in data:
        line = data[: error.start].count(b"\n") + 1
        return replaced, (Problem(name, f"{bad} byte(s) that are not UTF-8 replaced by \ufffd", "re-save the file as UTF-8",
                                  line, "warning"),)
    text, encoding = _guess(name, data)
    return text, (_encoding_note(name, encoding),)


def _strict(name: str, data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise SourceError(Problem(name, f"invalid {encoding} at byte {error.start}", "re-save the file as UTF-8", line)) from None


def _guess(name: str, data: bytes) -> tuple[str, str]:
    """Undecodable as UTF-8: UTF-16 without a BOM, cp1252 for mostly-ASCII
    Western text, else what charset-normalizer finds most likely."""
    if b"\x00" in data:
        return _utf16_without_bom(name, data), "UTF-16"
    ascii_share = sum(b < 0x80 for b in data) / len(data)
    if ascii_share >= 0.5:
        try:
            return data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            pass
    best = charset_normalizer.from_bytes(data, cp_isolation=["cp1252", "latin_1", "utf_16", "cp1251", "iso8859_15"]).best()
    if best is None:
        raise SourceError(Problem(name, "not valid UTF-8 and no other text encoding fits", "re-save the file as UTF-8"))
    return str(best), best.encoding


def _utf16_without_bom(name: str, data: bytes) -> str:
    even, odd = data[0::2].count(0), data[1::2].count(0)
    half = len(data) // 2
    if len(data) % 2 == 0 and max(even, odd) > 0.3 * half and min(even, odd) < 0.05 * half:
        try:
            return data.decode("utf-16-be" if even > odd else "utf-16-le")
        except UnicodeDecodeError:
            pass
    raise SourceError(Problem(name, "contains NUL bytes: this looks like a binary file", "save the article as text"))


# --- .txt ---------------------------------------------------------------


@reader("txt")
def read_txt(name: str, text: str) -> Source:
    """A pasted wire story: maybe a headline line, maybe a dateline, the body."""
    lines = text.split("\n")
    meta: dict[str, Any] = {}
    first = _first_content_line(lines)
    if first is not None and _is_headline(lines, first):
        meta["title"] = lines[first].strip()
        first = _first_content_line(lines, first + 1)
    if first is not None:
        published = _dateline(lines[first])
        if published:
            meta["published"] = published
            first = _first_content_line(lines, first + 1)
    start = first if first is not None else len(lines)
    meta.setdefault("published", _date_from_name(name))
    return _source(name, "txt", "\n".join(lines[start:]), meta, start + 1)


def _first_content_line(lines: list[str], start: int = 0) -> int | None:
    return next((i for i in range(start, len(lines)) if lines[i].strip()), None)


def _is_headline(lines: list[str], index: int) -> bool:
    line = lines[index].strip()
    rest = _first_content_line(lines, index + 1)
    return (rest is not None and len(line.split()) <= 16 and len(line) <= 120
            and not line.endswith((".", ",", ";", ":")) and _dateline(line) is None)


_MONTHS = "january february march april may june july august september october november december".split()
_DATELINE = re.compile(
    r"^(?:published:?\s*)?(?:(?P<iso>\d{4}-\d{2}-\d{2})|(?P<month>[A-Za-z]+)\.?\s+(?P<day>\d{1,2}),?\s+(?P<year>\d{4})"
    r"|(?P<day2>\d{1,2})\s+(?P<month2>[A-Za-z]+)\.?\s+(?P<year2>\d{4}))\s*$",
    re.IGNORECASE,
)


def _dateline(line: str) -> dt.date | None:
    """A line that holds only a date ("April 10, 2025", "2025-04-10")."""
    match = _DATELINE.match(line.strip())
    if not match:
        return None
    try:
        if match["iso"]:
            return dt.date.fromisoformat(match["iso"])
        month = match["month"] or match["month2"]
        number = next(i for i, m in enumerate(_MONTHS, 1) if m.startswith(month.lower()[:3]))
        return dt.date(int(match["year"] or match["year2"]), number, int(match["day"] or match["day2"]))
    except (ValueError, StopIteration):
        return None


def _date_from_name(name: str) -> dt.date | None:
    match = DATED_NAME.match(Path(name).stem)
    if not match:
        return None
    try:
        return dt.date.fromisoformat(match[1])
    except ValueError:
        return None


# --- .md ----------------------------------------------------------------


@reader("md", "markdown")
def read_md(name: str, text: str) -> Source:
    """Markdown with optional YAML front matter (safe loader, no aliases)."""
    if not text.startswith("---\n"):
        return _source(name, "md", text, {"published": _date_from_name(name)}, 1)
    try:
        raw, body = frontmatter.default_handlers.YAMLHandler().split(text)
    except ValueError:
        raise SourceError(Problem(name, "front matter has no closing '---' line", "end the front matter with a line of three dashes", 1)) from None
    meta, lines = _load_yaml(name, raw)
    body = plain_text(body.lstrip("\n"))
    body_line = text[: len(text) - len(body)].count("\n") + 1
    meta.setdefault("published", _date_from_name(name))
    return _source(name, "md", body, meta, body_line, lines)


LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML has it: ten times faster


def _load_yaml(name: str, raw: str) -> tuple[dict[str, Any], dict[str, int]]:
    """The front matter's mapping and the file line of each key. ``raw``
    starts right after the opening '---', so its line 0 is the file's line 1."""
    try:
        node, meta = _compose(name, raw)
    except yaml.MarkedYAMLError as error:
        line = error.problem_mark.line + 1 if error.problem_mark else 1
        raise SourceError(Problem(name, f"front matter is not valid YAML: {error.problem}", "fix the YAML syntax", line)) from None
    except yaml.YAMLError as error:
        raise SourceError(Problem(name, f"front matter is not valid YAML: {error}", "fix the YAML syntax", 1)) from None
    except (ValueError, OverflowError) as error:  # a date or time that does not exist: 2025-02-30, 25:61
        raise SourceError(Problem(name, f"front matter holds a value that is not a real date or time ({error})",
                                  "correct the date, or quote it to keep it as text", 1)) from None
    except RecursionError:
        raise SourceError(Problem(name, "front matter is nested too deeply to read", "flatten the YAML", 1)) from None
    if meta is None:
        return {}, {}
    if not isinstance(meta, dict):
        raise SourceError(Problem(name, "front matter must be a mapping of keys to values", "write it as `key: value` lines", 2))
    return meta, {str(key.value): key.start_mark.line + 1 for key, _ in node.value}


def _compose(name: str, raw: str) -> tuple[Any, Any]:
    """The YAML node and the value built from it, once every token has been
    checked by ``_refuse_node_properties``."""
    # Anchors, aliases and tags each begin with '&', '*' or '!': text with none
    # of them needs no token scan before the loader runs.
    scanned = "&" in raw or "*" in raw or "!" in raw
    if scanned:
        _refuse_node_properties(name, raw)
    loader = LOADER(raw)
    try:
        node = loader.get_single_node()
        return node, loader.construct_document(node) if node is not None else None
    except Exception:
        if not scanned:  # the scan runs first, so a scanner error it finds is the one reported
            _refuse_node_properties(name, raw)
        raise
    finally:
        loader.dispose()


def _refuse_node_properties(name: str, raw: str) -> None:
    for token in yaml.scan(raw, Loader=LOADER):
        if isinstance(token, (yaml.AliasToken, yaml.AnchorToken)):
            raise SourceError(Problem(name, "front matter uses YAML anchors or aliases", "write each value out in full",
                                      token.start_mark.line + 1))
        if isinstance(token, yaml.TagToken):
            raise SourceError(Problem(name, "front matter uses a YAML tag (such as !!python/...): refused", "remove the tag",
                                      token.start_mark.line + 1))


MARKDOWN_LINE = re.compile(r"^[^\S\n]{0,3}(?:#{1,6}[^\S\n]+|>[^\S\n]?|[-*+][^\S\n]+|\d+[.)][^\S\n]+)", re.MULTILINE)
MARKDOWN_INLINE = re.compile(r"!?\[([^\]\n]*)\]\([^)\n]*\)|<!--.*?-->|</?[A-Za-z][^>\n]*>|(\*\*|__|\*|`)(?=\S)(.+?)(?<=\S)\2")
INLINE_MARK = re.compile(r"[\[<*_`]")  # every MARKDOWN_INLINE match holds one; a fast scan when none does
MARKUP_LINE_START = ("```", "~~~", "--8<--", "!!!", "???", "///")  # fences, snippets, admonitions
RULE_LINE = re.compile(r"\s*(?:[-*_]\s*){3,}")


def plain_text(body: str) -> str:
    """A Markdown body as the text a reader sees: no heading, list, quote or
    admonition markers, no code fences, links as their text, no tags."""
    text = "\n".join(line for line in body.split("\n") if not _markup_line(line))
    # The patterns never cross a line end, so one pass over the text is one pass per line.
    text = MARKDOWN_LINE.sub("", text)
    return MARKDOWN_INLINE.sub(_inline_text, text) if INLINE_MARK.search(text) else text


def _markup_line(line: str) -> bool:
    stripped = line.strip()
    return stripped.startswith(MARKUP_LINE_START) or (stripped[:1] in ("-", "*", "_") and RULE_LINE.fullmatch(line) is not None)


def _inline_text(match: re.Match) -> str:
    return match[1] if match[1] is not None else (match[3] or "")


# --- .html --------------------------------------------------------------


@reader("html", "htm")
def read_html(name: str, text: str) -> Source:
    """A saved article page: main text and metadata by trafilatura."""
    import trafilatura  # imported here: the heaviest dependency, needed only for HTML

    found = trafilatura.bare_extraction(text, with_metadata=True, include_comments=False, include_tables=False,
                                        date_extraction_params={"extensive_search": False, "original_date": True})
    if found is None or len((found.text or "").split()) < MIN_HTML_WORDS:
        raise SourceError(Problem(name, "no article text found in this HTML page", "save the article page itself, or paste its text into a .txt"))
    title = (found.title or "").strip()
    lines = [line for line in found.text.split("\n") if line.strip()]
    if lines and title and lines[0].strip() == title:
        lines = lines[1:]
    meta: dict[str, Any] = {"title": title or None, "source": (found.sitename or "").strip() or None}
    if found.date:
        meta["published"] = found.date
    meta = {k: v for k, v in meta.items() if v}
    meta.setdefault("published", _date_from_name(name))
    return _source(name, "html", "\n\n".join(lines), meta, 1)


# --- front matter schema ------------------------------------------------

FRONT_MATTER = {
    "title": "str", "published": "date", "source": "str", "url": "url", "region": "str", "brief": "str",
    "tags": "list[str]", "slug": "str", "license": "str", "author": "str",
    "actors": "list[actor]", "events": "list[event]", "questions": "list[question]", "background": "list[str]",
}
KINDS = ("person", "organization", "state", "armed group")


def _source(name: str, format: str, text: str, meta: dict[str, Any], body_line: int,
            lines: dict[str, int] | None = None) -> Source:
    checked, warnings = _checked(name, meta, lines or {})
    return Source(name, format, text, checked, body_line, warnings)


def _checked(name: str, meta: dict[str, Any], lines: dict[str, int]) -> tuple[dict[str, Any], tuple[Problem, ...]]:
    """Front matter with each value of the expected type, and warnings for
    unknown keys (which are dropped). ``lines`` gives each key's line."""
    checked: dict[str, Any] = {}
    warnings = []
    for key, value in meta.items():
        line = lines.get(str(key))
        kind = FRONT_MATTER.get(str(key))
        if kind is None:
            warnings.append(Problem(name, f"front matter: unknown key '{key}' ignored",
                                    f"known keys: {', '.join(FRONT_MATTER)}", line, "warning"))
            continue
        if value is None:
            continue
        checked[key] = _CHECKS[kind](name, key, value, line)
    return checked, tuple(warnings)


def _bad(name: str, key: str, what: str, line: int | None) -> SourceError:
    return SourceError(Problem(name, f"front matter: '{key}' {what}", _FIXES.get(key, "correct the value"), line))


_FIXES = {
    "published": "write the date as YYYY-MM-DD",
    "tags": "write tags as a list, e.g. tags: [syria, talks]",
    "url": "give the article's http:// or https:// address",
    "actors": "write actors as a list of {name, kind, role, aliases}",
    "events": "write events as a list of {date: YYYY-MM-DD, event}",
    "questions": "write questions as a list of {question}",
}


def _text(name: str, key: str, value: Any, line: int) -> str:
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        text = " ".join(str(value).split())
        if text:
            return text
    raise _bad(name, key, "must be a line of text", line)


def _date(name: str, key: str, value: Any, line: int) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            pass
    raise _bad(name, key, f"is not a date: {str(value)[:40]!r}", line)


def _url(name: str, key: str, value: Any, line: int) -> str:
    text = _text(name, key, value, line)
    if not re.match(r"^https?://\S+$", text, re.IGNORECASE):
        raise _bad(name, key, "is not an http(s) address", line)
    return quote(text, safe=":/?#[]@!$&'()*+,;=%~-._")


def _strings(name: str, key: str, value: Any, line: int) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise _bad(name, key, f"must be a list, not {type(value).__name__}", line)
    return tuple(_text(name, key, item, line) for item in value)


def _records(fields: dict[str, str], required: str) -> Callable[[str, str, Any, int], tuple[dict[str, Any], ...]]:
    def check(name: str, key: str, value: Any, line: int) -> tuple[dict[str, Any], ...]:
        if not isinstance(value, list):
            raise _bad(name, key, f"must be a list, not {type(value).__name__}", line)
        records = []
        for item in value:
            if isinstance(item, str) and required in ("question", "name"):
                item = {required: item}
            if not isinstance(item, dict) or required not in item:
                raise _bad(name, key, f"entries need a '{required}'", line)
            unknown = set(map(str, item)) - set(fields)
            if unknown:
                raise _bad(name, key, f"entry has unknown field(s) {', '.join(sorted(unknown))}", line)
            records.append({k: _CHECKS[fields[k]](name, f"{key}.{k}", v, line) for k, v in item.items() if v is not None})
        return tuple(records)
    return check


def _kind(name: str, key: str, value: Any, line: int) -> str:
    text = _text(name, key, value, line).lower()
    if text not in KINDS:
        raise _bad(name, key, f"must be one of {', '.join(KINDS)}", line)
    return text


def _event_date(name: str, key: str, value: Any, line: int) -> str:
    text = value.isoformat()[:10] if isinstance(value, dt.date) else _text(name, key, value, line)
    if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", text) or not _real_date(text):
        raise _bad(name, key, "must be a real date as YYYY, YYYY-MM or YYYY-MM-DD", line)
    return text


def _real_date(text: str) -> bool:
    try:
        dt.date.fromisoformat((text + "-01-01")[:10] if len(text) < 10 else text)
        return True
    except ValueError:
        return False


_CHECKS: dict[str, Callable[[str, str, Any, int], Any]] = {
    "str": _text, "date": _date, "url": _url, "list[str]": _strings, "kind": _kind, "event_date": _event_date,
}
_CHECKS["list[actor]"] = _records({"name": "str", "kind": "kind", "role": "str", "aliases": "list[str]"}, "name")
_CHECKS["list[event]"] = _records({"date": "event_date", "event": "str", "status": "str"}, "event")
_CHECKS["list[question]"] = _records({"question": "str"}, "question")
