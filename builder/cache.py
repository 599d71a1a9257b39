"""Extraction results kept between builds, one file per source.

The key is a hash of the source's bytes, its path, the builder's version and
everything else extraction depends on (the actor registry, the default
region), so a stale entry is never used: a changed source, registry or
builder simply misses. Entries are JSON, written atomically; a damaged one is
a miss, not an error.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import model
from .model import Article, Problem

FOLDER = ".briefs-cache"
_TYPES = {cls.__name__: cls for cls in (model.Article, model.Actor, model.Citation, model.Event, model.Question,
                                       model.Statement, model.TemporalExpression, model.Problem, model.BuildReport)}


@lru_cache(maxsize=1)
def version() -> str:
    """The builder's code, as part of every key: a new builder re-extracts."""
    from importlib.metadata import PackageNotFoundError, version as installed

    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.rglob("*.py")):
        digest.update(path.read_bytes())
    try:
        digest.update(installed("regional-briefs").encode())
    except PackageNotFoundError:
        pass
    return digest.hexdigest()[:16]


def key(path: Path, name: str, context: str) -> str:
    digest = hashlib.sha256()
    for part in (name.encode(), context.encode(), path.read_bytes()):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def load(folder: Path, entry: str) -> tuple[Article | None, tuple[Problem, ...]] | None:
    """A cached (article, problems), or None on a miss."""
    try:
        data = json.loads((folder / f"{entry}.json").read_text(encoding="utf-8"))
        return _decode(data["article"]), tuple(_decode(p) for p in data["problems"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def store(folder: Path, entry: str, article: Article | None, problems: tuple[Problem, ...]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"article": _encode(article), "problems": [_encode(p) for p in problems]})
    temporary = folder / f"{entry}.{os.getpid()}.tmp"
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, folder / f"{entry}.json")


def prune(folder: Path, keep: set[str]) -> None:
    """Drop entries no source needs any more."""
    if folder.is_dir():
        for path in folder.glob("*.json"):
            if path.stem not in keep and path.name != LAST_BUILD:
                path.unlink(missing_ok=True)


LAST_BUILD = "last-build.json"


@dataclasses.dataclass(frozen=True, slots=True)
class LastBuild:
    """What the last successful build depended on, and its report: a build
    with the same fingerprint has nothing to do."""

    fingerprint: str
    report: model.BuildReport


def last_build(folder: Path) -> LastBuild | None:
    try:
        data = json.loads((folder / LAST_BUILD).read_text(encoding="utf-8"))
        return LastBuild(data["fingerprint"], _decode(data["report"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save_last_build(folder: Path, last: LastBuild) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / f"{LAST_BUILD}.{os.getpid()}.tmp"
    temporary.write_text(json.dumps({"fingerprint": last.fingerprint, "report": _encode(last.report)}), encoding="utf-8")
    os.replace(temporary, folder / LAST_BUILD)


def _encode(value: Any) -> Any:
    if dataclasses.is_dataclass(value):
        return {"@": type(value).__name__, **{f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}}
    if isinstance(value, dt.date):
        return {"@": "date", "iso": value.isoformat()}
    if isinstance(value, (tuple, list)):
        return [_encode(v) for v in value]
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_decode(v) for v in value)
    if isinstance(value, dict):
        kind = value["@"]
        if kind == "date":
            return dt.date.fromisoformat(value["iso"])
        return _TYPES[kind](**{k: _decode(v) for k, v in value.items() if k != "@"})
    return value
