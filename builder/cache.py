"""Work kept between builds: each source's extraction, and each brief.

An article's key is a hash of the source's bytes, its path, the builder's
version and everything else extraction depends on (the actor registry, the
default region), so a stale entry is never used: a changed source, registry
or builder simply misses. A brief's key is a hash of its members' keys and
where it is published, so a brief none of whose sources changed is read back
whole instead of merged again. An index holds every article's listing and
problems, enough to group articles into briefs without reading any of them.

Entries are JSON in one SQLite file: one file, not one per article, because
creating thousands of files cost a cold build more than writing them. A
damaged entry, or a damaged file, is a miss, not an error.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import logging
import sqlite3
from contextlib import closing
from functools import lru_cache, partial
from operator import attrgetter, call
from pathlib import Path
from typing import Any, Callable, Iterable, TypeVar

from . import model
from .model import Article, Citation, Problem

log = logging.getLogger("builder.cache")
T = TypeVar("T")
FOLDER = ".briefs-cache"
DATABASE = "cache.sqlite"
_TYPES = {cls.__name__: cls for cls in (model.Article, model.Actor, model.Citation, model.Event, model.Question,
                                       model.Statement, model.TemporalExpression, model.Problem, model.BuildReport,
                                       model.Brief)}
INDEX = "index"            # entry names that are not keys (keys are hex digests)
LAST_BUILD = "last-build"
Entry = tuple[Article | None, tuple[Problem, ...]]  # an article (or None: the source was skipped) and its problems


# Libraries whose upgrade can change what is extracted.
DEPENDENCIES = ("regional-briefs", "countryinfo", "trafilatura", "PyYAML", "python-frontmatter", "charset-normalizer",
                "python-dateutil", "Jinja2")


@lru_cache(maxsize=1)
def version() -> str:
    """The builder's code, built-in templates and libraries, as part of every
    key: a new builder re-extracts and renders again."""
    from importlib.metadata import PackageNotFoundError, version as installed

    digest = hashlib.sha256()
    package = Path(__file__).parent
    for path in sorted(p for p in package.rglob("*") if p.is_file() and p.suffix in (".py", ".j2", ".yml", ".md")):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    for name in DEPENDENCIES:
        try:
            digest.update(f"{name}={installed(name)}".encode())
        except PackageNotFoundError:
            pass
    return digest.hexdigest()[:16]


def key(path: Path, name: str, context: str) -> str:
    """A source's key: its bytes, its name, where it really is (a link is not its target), and the context."""
    digest = hashlib.sha256()
    try:
        data, read = path.read_bytes(), "read"
    except OSError as error:  # extraction says why; the key has only to differ from any readable file's
        data, read = b"", f"unreadable: {error.strerror}"
    where = f"{path.is_symlink()}|{path.resolve()}|{read}"
    for part in (name.encode(), where.encode(), context.encode(), data):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def load(folder: Path, entry: str) -> Entry | None:
    """A cached (article, problems), or None on a miss."""
    data = _read(folder, entry)
    return _entry(data["article"], data["problems"]) if isinstance(data, dict) and data.keys() == {"article", "problems"} else None


def encoded(entry: Entry) -> str:
    """An (article, problems) as ``store`` keeps it: encoded where it was extracted, so the
    process writing the cache need not read (and copy) the articles of the processes that made them."""
    article, problems = entry
    return _dumps({"article": article, "problems": problems})


def encoded_brief(brief: model.Brief) -> str:
    return _dumps(brief)


def store(folder: Path, entries: dict[str, str]) -> None:
    """Keep each encoded entry (an article's or a brief's) under its key."""
    _write_encoded(folder, list(entries.items()))


def load_index(folder: Path) -> dict[str, Entry]:
    """Each cached article's listing and problems, by key."""
    data = _read(folder, INDEX)
    if not isinstance(data, dict):
        return {}
    found = {k: _entry(*v) if isinstance(v, list) and len(v) == 2 else None for k, v in data.items()}
    return {k: v for k, v in found.items() if v is not None}


def save_index(folder: Path, entries: dict[str, Entry]) -> None:
    _write(folder, [(INDEX, entries)])


def _entry(article: Any, problems: Any) -> Entry | None:
    if (article is None or isinstance(article, Article)) and isinstance(problems, list) \
            and all(isinstance(p, Problem) for p in problems):
        return article, tuple(problems)
    return None


def brief_key(group: str, plan: Any, members: list[str]) -> str:
    """A brief's key: its articles' keys, where it is published, the builder's version."""
    text = "\n".join([version(), group, plan.slug, plan.region, plan.topic, *plan.sources, *members])
    return "brief-" + hashlib.sha256(text.encode()).hexdigest()


def load_brief(folder: Path, entry: str) -> model.Brief | None:
    found = _read(folder, entry)
    return found if isinstance(found, model.Brief) else None


def prune(folder: Path, keep: set[str]) -> None:
    """Drop entries no source or brief needs any more, and any other file in
    the folder (such as the one-file-per-entry cache of earlier builders)."""
    if not folder.is_dir():
        return
    for path in folder.iterdir():
        if not path.name.startswith(DATABASE) and (path.is_file() or path.is_symlink()):
            path.unlink(missing_ok=True)
    stale = sorted(stored(folder) - keep - {INDEX, LAST_BUILD})
    if stale:
        _use(folder, lambda db: db.executemany("DELETE FROM entries WHERE name = ?", ((n,) for n in stale)), None)


def _use(folder: Path, work: Callable[[sqlite3.Connection], T], otherwise: T) -> T:
    """``work`` on the cache's database, as one transaction. A damaged file is
    replaced by an empty one and gives ``otherwise``. Each use opens its own
    connection: a forked process must not share one."""
    try:
        with closing(_connect(folder)) as db, db:
            return work(db)
    except sqlite3.DatabaseError as error:
        if not any(s in str(error) for s in ("not a database", "malformed", "corrupt")):
            raise
        log.debug("%s: damaged (%s); the cache starts again empty", folder / DATABASE, error)
        for path in folder.glob(DATABASE + "*"):
            path.unlink(missing_ok=True)
        return otherwise


def _connect(folder: Path) -> sqlite3.Connection:
    folder.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(folder / DATABASE, timeout=60)
    db.execute("PRAGMA synchronous = OFF")  # a cache: should the machine crash, a damaged file is only a miss
    db.execute("CREATE TABLE IF NOT EXISTS entries (name TEXT PRIMARY KEY, data TEXT NOT NULL) WITHOUT ROWID")
    return db


def stored(folder: Path) -> set[str]:
    """The names of every entry kept."""
    if not (folder / DATABASE).is_file():
        return set()
    return _use(folder, lambda db: {name for name, in db.execute("SELECT name FROM entries")}, set())


def _read(folder: Path, name: str) -> Any:
    """The entry's data with its objects decoded, or None when it is missing or damaged."""
    if not (folder / DATABASE).is_file():
        return None
    row = _use(folder, lambda db: db.execute("SELECT data FROM entries WHERE name = ?", (name,)).fetchone(), None)
    try:
        return _loads(row[0]) if row and type(row[0]) is str else None
    except (ValueError, KeyError, IndexError, TypeError, RecursionError):
        return None


def _write(folder: Path, entries: Iterable[tuple[str, Any]]) -> None:
    _write_encoded(folder, [(name, _dumps(data)) for name, data in entries])


def _write_encoded(folder: Path, rows: list[tuple[str, str]]) -> None:
    def written(db: sqlite3.Connection) -> bool:
        db.executemany("INSERT OR REPLACE INTO entries (name, data) VALUES (?, ?)", rows)
        return True

    if not _use(folder, written, False):  # the file was damaged and is empty now: write into it
        _use(folder, written, False)


@dataclasses.dataclass(frozen=True, slots=True)
class LastBuild:
    """What the last successful build depended on, and its report: a build
    with the same fingerprint has nothing to do."""

    fingerprint: str
    report: model.BuildReport


def last_build(folder: Path) -> LastBuild | None:
    data = _read(folder, LAST_BUILD)
    try:
        return LastBuild(data["fingerprint"], data["report"]) if isinstance(data["report"], model.BuildReport) else None
    except (KeyError, TypeError, ValueError):
        return None


def save_last_build(folder: Path, last: LastBuild) -> None:
    _write(folder, [(LAST_BUILD, {"fingerprint": last.fingerprint, "report": last.report})])


def _dumps(value: Any) -> str:
    """JSON of dataclasses, dates, tuples; the C encoder calls back only per
    object. Model objects hold no cycles, so the encoder need not look for them.
    Each citation is written once, in a table on the first line, and by its
    number where it is cited: items quote the same sentences, and citations
    were four fifths of a brief's text and most of the objects read back."""
    cited: dict[Citation, int] = {}

    def encode(item: Any) -> Any:
        if type(item) is Citation:
            number = cited.get(item)
            if number is None:
                number = cited[item] = len(cited)
            return number
        return _object(item)

    body = json.dumps(value, default=encode, separators=(",", ":"), check_circular=False)
    columns = [[getattr(c, name) for c in cited] for name in _CITATION_FIELDS]  # a column per field: quick to check
    return json.dumps(columns, separators=(",", ":"), check_circular=False) + "\n" + body


_CITATION_FIELDS = [f.name for f in dataclasses.fields(Citation)]


def _object(value: Any) -> dict[str, Any]:
    """An object as {"@Class": [its field values]}: positional, so the encoder
    and decoder touch no field names (a third less time than named fields)."""
    encode = _ENCODE.get(type(value))
    if encode is not None:
        return encode(value)
    if isinstance(value, dt.date):
        return {"@date": value.isoformat()}
    raise TypeError(f"cannot keep {type(value).__name__} in the cache")


def _encoder(kind: type) -> Callable[[Any], dict[str, Any]]:
    tag = "@" + kind.__name__
    names = [f.name for f in dataclasses.fields(kind)]
    get = attrgetter(*names)
    if len(names) == 1:
        return lambda value: {tag: (get(value),)}
    return lambda value: {tag: get(value)}


_ENCODE = {kind: _encoder(kind) for kind in _TYPES.values()}


def _loads(text: str) -> Any:
    table, _, body = text.partition("\n")  # JSON text holds no raw newline: the first ends the table
    return json.loads(body, object_hook=partial(_hook, cited=_citations(table)))


def _citations(table: str) -> list[Citation]:
    columns = json.loads(table)
    if type(columns) is not list or len(columns) != len(_CITATION_TYPES) or any(type(c) is not list for c in columns) \
            or len(set(map(len, columns))) != 1 or not all(set(map(type, c)) <= t for c, t in zip(columns, _CITATION_TYPES)):
        raise ValueError("damaged citations in the cache")
    return [*map(Citation, *columns)]


def _hook(value: dict[str, Any], cited: list[Citation]) -> Any:
    if len(value) != 1:
        return value
    (name, values), = value.items()
    if name == "@date":
        return dt.date.fromisoformat(values)
    if name[:1] != "@":
        return value
    kind = _TYPES[name[1:]]
    checks, citing = _checks(kind), _citing_fields(kind)
    fields = _tupled(values)
    if type(fields) is not tuple or len(fields) != len(checks) or not all(map(call, checks, fields)):
        raise ValueError(f"a damaged {name[1:]} in the cache")
    if citing:  # numbers in the table for citations (one out of range: IndexError, a damaged entry)
        fields = list(fields)
        for index, read in citing:
            fields[index] = read(fields[index], cited)
    return kind(*fields)


@lru_cache(maxsize=None)
def _citing_fields(kind: type) -> tuple[tuple[int, Callable[[Any, list[Citation]], Any]], ...]:
    """The fields of a model class that hold citations, each with how to read them from their numbers."""
    found = ((index, _citing(f.type)) for index, f in enumerate(dataclasses.fields(kind)))
    return tuple((index, read) for index, read in found if read is not None)


def _citing(annotation: str) -> Callable[[Any, list[Citation]], Any] | None:
    """How to turn the numbers in a value of this annotation into citations; None if it holds none."""
    annotation = annotation.replace(" ", "")
    if "Citation" not in annotation:
        return None
    if annotation == "Citation":
        return lambda number, cited: cited[number]
    if annotation == "Citation|None":
        return lambda number, cited: None if number is None else cited[number]
    if annotation == "tuple[Citation,...]":
        return lambda numbers, cited: tuple(map(cited.__getitem__, numbers))
    if annotation.startswith("tuple[") and annotation.endswith(",...]"):
        item = _citing(annotation[len("tuple["):-len(",...]")])
        return lambda values, cited: tuple(item(v, cited) for v in values)  # type: ignore[misc]
    if annotation.startswith("tuple["):  # a fixed pair: "tuple[str,Citation]"
        parts = [_citing(part) for part in annotation[len("tuple["):-1].split(",")]
        return lambda values, cited: tuple(read(v, cited) if read else v for read, v in zip(parts, values))
    raise TypeError(f"cannot keep {annotation} in the cache")


@lru_cache(maxsize=None)
def _checks(kind: type) -> tuple[Callable[[Any], bool], ...]:
    """For each field of a model class in order, a test that a value read back has its declared type."""
    return tuple(_check(f.type) for f in dataclasses.fields(kind))


def _check(annotation: str) -> Callable[[Any], bool]:
    """A test for values of an annotation as written in model.py ("tuple[Citation, ...]", "str | None")."""
    annotation = annotation.replace(" ", "")
    if "|" in annotation:
        simple = _simple_types(annotation)
        if simple is not None:  # one isinstance for "str | None", the usual union
            return lambda v: isinstance(v, simple)
        options = [_check(part) for part in annotation.split("|")]
        return lambda v: any(test(v) for test in options)
    if annotation.startswith("tuple[") and annotation.endswith(",...]"):
        item = _check(annotation[len("tuple["):-len(",...]")])
        return lambda v: type(v) is tuple and all(map(item, v))
    if annotation.startswith("tuple["):  # a fixed pair: "tuple[str,Citation]"
        parts = [_check(part) for part in annotation[len("tuple["):-1].split(",")]
        return lambda v: type(v) is tuple and len(v) == len(parts) and all(map(call, parts, v))
    simple = _SIMPLE[annotation]
    return lambda v: isinstance(v, simple)


def _simple_types(annotation: str) -> tuple[type, ...] | None:
    """The types of an annotation of simple types ("str", "int | None"); None for any other."""
    parts = annotation.replace(" ", "").split("|")
    return tuple(kind for part in parts for kind in _SIMPLE[part]) if all(part in _SIMPLE for part in parts) else None


_SIMPLE = {"str": (str,), "int": (int,), "float": (int, float), "bool": (bool,), "None": (type(None),),
           "dt.date": (dt.date,), **{name: (cls,) for name, cls in _TYPES.items()},
           "Citation": (int,)}  # a citation is its number in the entry's table
# The exact types of each field of a citation (bool is no int here).
_CITATION_TYPES = [frozenset(_simple_types(f.type) or ()) for f in dataclasses.fields(Citation)]


def _tupled(value: Any) -> Any:
    return tuple([_tupled(v) if type(v) is list else v for v in value]) if type(value) is list else value
