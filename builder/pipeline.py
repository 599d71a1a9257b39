"""The one place that knows the order of the stages:

    ingest -> normalize -> extract -> assemble -> changes -> render -> write
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from pathlib import Path
from typing import Any

from . import assemble, changes, extract, ingest, normalize, render, write
from .config import Settings
from .extract.gazetteer import load_registry
from .model import Article, BuildReport, Problem, SourceError

log = logging.getLogger("builder.pipeline")


class BuildFailed(Exception):
    """The build stopped before writing anything; ``problems`` says why."""

    def __init__(self, problems: tuple[Problem, ...], message: str):
        super().__init__(message)
        self.problems = problems


def extract_file(path: Path, published: dt.date | None = None) -> Article:
    """One article through ingest, normalize and extract (for `briefs extract`)."""
    document = normalize.clean(ingest.read_source(path))
    return extract.article(document, published=published)


def extract_json(path: Path, published: dt.date | None = None) -> dict[str, Any]:
    return extract.as_json(extract_file(path, published))


def build(settings: Settings, strict: bool = False) -> BuildReport:
    """Build every brief of the site into its output folder.

    A bad source is reported and skipped; with ``strict`` any problem stops
    the build before anything is written."""
    with write.locked(settings.site_dir):
        return _build(settings, strict)


def _build(settings: Settings, strict: bool) -> BuildReport:
    started = time.perf_counter()
    problems: list[Problem] = []
    registry = _registry(settings, problems)
    articles = [a for a in (_article(p, settings, registry, problems) for p in _sources(settings, problems)) if a]
    briefs, assembly_problems = assemble.briefs(articles, settings.group)
    problems += assembly_problems
    if strict and problems:
        raise BuildFailed(tuple(problems), f"{len(problems)} problem(s) in the sources; nothing written (--strict)")
    briefs, state = changes.compare(briefs, changes.load(settings.site_dir))
    pages = render.site(briefs, settings)
    outcome = write.publish(pages, settings.output_path)
    changes.save(settings.site_dir, state)
    log.debug("%d sources read, %d briefs, %d pages written (%d unchanged, %d removed) in %.2fs",
             len(articles) + sum(p.severity == "error" for p in problems), len(briefs), outcome.written,
             outcome.unchanged, outcome.removed, time.perf_counter() - started)
    return BuildReport(len(articles), len(briefs), outcome.written, outcome.unchanged, outcome.removed, tuple(problems))


def _sources(settings: Settings, problems: list[Problem]) -> list[Path]:
    folder = settings.sources_path
    if not folder.is_dir():
        problems.append(Problem(settings.sources, "sources folder not found", "create it and add articles", None, "warning"))
        return []
    return ingest.source_files(folder)


def _registry(settings: Settings, problems: list[Problem]):
    try:
        return load_registry(settings.registry_path)
    except SourceError as error:
        problems.append(error.problem)
        return ()


def _article(path: Path, settings: Settings, registry, problems: list[Problem]) -> Article | None:
    try:
        source = ingest.read_source(path, settings.site_dir, confine=settings.sources_path)
        problems.extend(source.warnings)
        document = normalize.clean(source)
        if not document.sentences:
            raise SourceError(Problem(source.path, "no article text", "add the article's text, or remove the file"))
        article = extract.article(document, registry, settings.default_region)
        if "region" not in source.meta:
            why = "the default region" if article.region == settings.default_region else "the state it names most"
            problems.append(Problem(source.path, f"no region given: filed under '{article.region}', {why}",
                                    "add `region:` to its front matter, or put it in a folder named after the "
                                    "region in sources/", None, "warning"))
        return article
    except SourceError as error:
        problems.append(error.problem)
        return None
