"""The one place that knows the order of the stages:

    ingest -> normalize -> extract -> assemble -> changes -> render -> write

Ingest, normalize and extract run per article, from the cache when the
article has not changed, else on every core; the rest runs once over all
articles.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterator

from . import assemble, cache, changes, extract, ingest, normalize, render, write
from .config import Settings
from .extract.gazetteer import RegistryEntry, load_registry
from .model import Article, BuildReport, Problem, SourceError

log = logging.getLogger("builder.pipeline")
PARALLEL_FROM = 40   # fewer uncached articles than this are extracted in this process
PROGRESS_FROM = 30   # more articles than this show a progress bar on a terminal


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


def build(settings: Settings, strict: bool = False, workers: int | None = None) -> BuildReport:
    """Build every brief of the site into its output folder.

    A bad source is reported and skipped; with ``strict`` any problem stops
    the build before anything is written. ``workers`` processes extract the
    articles the cache does not hold (default: one per core)."""
    with write.locked(settings.site_dir):
        return _build(settings, strict, workers or os.cpu_count() or 1)


@dataclass(slots=True)
class _Clock:
    """Seconds spent in each stage (per-article stages summed over articles)."""

    seconds: dict[str, float] = field(default_factory=lambda: dict.fromkeys(
        ("ingest", "normalize", "extract", "assemble", "changes", "render", "write"), 0.0))

    def add(self, stage: str, since: float) -> float:
        now = time.perf_counter()
        self.seconds[stage] += now - since
        return now


def _build(settings: Settings, strict: bool, workers: int) -> BuildReport:
    clock = _Clock()
    problems: list[Problem] = []
    registry = _registry(settings, problems)
    paths = _sources(settings, problems)
    context = _cache_context(settings)
    keys = [cache.key(p, p.relative_to(settings.site_dir).as_posix(), context) for p in paths]
    last = cache.last_build(settings.site_dir / cache.FOLDER)
    if last and last.fingerprint == _fingerprint(keys, settings):
        return _unchanged(last, problems, strict, len(paths))
    articles, extracted = _articles(paths, keys, settings, registry, problems, workers, clock)
    started = time.perf_counter()
    briefs, assembly_problems = assemble.briefs(articles, settings.group)
    problems += assembly_problems
    started = clock.add("assemble", started)
    _stop_if_strict(problems, strict)
    briefs, state = changes.compare(briefs, changes.load(settings.site_dir))
    started = clock.add("changes", started)
    pages = render.site(briefs, settings)
    started = clock.add("render", started)
    outcome = write.publish(pages, settings.output_path)
    changes.save(settings.site_dir, state)
    clock.add("write", started)
    report = BuildReport(len(paths), len(articles), extracted, len(briefs), outcome.written, outcome.unchanged,
                         outcome.removed, tuple(problems), tuple(clock.seconds.items()))
    cache.save_last_build(settings.site_dir / cache.FOLDER, cache.LastBuild(_fingerprint(keys, settings), report))
    return report


def _stop_if_strict(problems: list[Problem], strict: bool) -> None:
    """With --strict, any error or warning (not a notice) fails the build before anything is written."""
    failing = tuple(p for p in problems if p.severity != "notice")
    if strict and failing:
        raise BuildFailed(failing, f"{len(failing)} problem(s) in the sources; nothing written (--strict)")


def _fingerprint(keys: list[str], settings: Settings) -> str:
    """Everything a build's output depends on: the sources (their cache keys),
    the templates, the settings, the state file, and the output as it stands."""
    where = (settings.sources_path, settings.output_path, settings.templates_path, settings.registry_path)
    what = (settings.group, settings.default_region, settings.site_url, settings.site_name)
    digest = hashlib.sha256("\n".join([*keys, *(str(p.resolve()) for p in where), *what]).encode())
    for folder in (settings.templates_path, settings.output_path):
        for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
            if path.is_file():
                stat = path.stat()
                digest.update(f"{path.relative_to(folder)}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    state = settings.site_dir / changes.STATE
    digest.update(state.read_bytes() if state.is_file() else b"")
    return digest.hexdigest()


def _unchanged(last: cache.LastBuild, problems: list[Problem], strict: bool, sources: int) -> BuildReport:
    """The report of a build with nothing to do: the same as the last one, nothing written."""
    previous = last.report
    problems = [*problems, *previous.problems]
    _stop_if_strict(problems, strict)
    return replace(previous, sources=sources, extracted=0, pages_written=0, pages_removed=0,
                   pages_unchanged=previous.pages_written + previous.pages_unchanged,
                   problems=tuple(dict.fromkeys(problems)), seconds=())


def _sources(settings: Settings, problems: list[Problem]) -> list[Path]:
    folder = settings.sources_path
    if not folder.is_dir():
        problems.append(Problem(settings.sources, "sources folder not found", "create it and add articles", None, "warning"))
        return []
    return ingest.source_files(folder)


def _registry(settings: Settings, problems: list[Problem]) -> tuple[RegistryEntry, ...]:
    try:
        return load_registry(settings.registry_path)
    except SourceError as error:
        problems.append(error.problem)
        return ()


def _articles(paths: list[Path], keys: list[str], settings: Settings, registry: tuple[RegistryEntry, ...],
              problems: list[Problem], workers: int, clock: _Clock) -> tuple[list[Article], int]:
    """Every article, from the cache where its source has not changed; the
    rest extracted on ``workers`` processes. Same order whatever the workers."""
    folder = settings.site_dir / cache.FOLDER
    results: list[tuple[Article | None, tuple[Problem, ...]] | None] = [cache.load(folder, k) for k in keys]
    missing = [i for i, found in enumerate(results) if found is None]
    for index, (found, seconds) in zip(missing, _extract_all([paths[i] for i in missing], settings, registry, workers)):
        results[index] = found
        cache.store(folder, keys[index], *found)
        for stage, spent in seconds:
            clock.seconds[stage] += spent
    cache.prune(folder, set(keys))
    articles = []
    for article, article_problems in results:  # type: ignore[misc]
        problems.extend(article_problems)
        if article is not None:
            articles.append(article)
    return articles, len(missing)


def _cache_context(settings: Settings) -> str:
    registry = settings.registry_path.read_bytes() if settings.registry_path.is_file() else b""
    return f"{cache.version()}|{hashlib.sha256(registry).hexdigest()}|{settings.default_region}"


Extracted = tuple[tuple[Article | None, tuple[Problem, ...]], tuple[tuple[str, float], ...]]


def _extract_all(paths: list[Path], settings: Settings, registry: tuple[RegistryEntry, ...],
                 workers: int) -> Iterator[Extracted]:
    jobs = [(p, settings, registry) for p in paths]
    progress = _progress(len(jobs))
    if workers > 1 and len(jobs) >= PARALLEL_FROM:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for done in pool.map(_extract_one, jobs, chunksize=max(1, min(32, len(jobs) // (workers * 8)))):
                progress(done[0][0])
                yield done
    else:
        for job in jobs:
            done = _extract_one(job)
            progress(done[0][0])
            yield done


def _extract_one(job: tuple[Path, Settings, tuple[RegistryEntry, ...]]) -> Extracted:
    """One source through ingest, normalize and extract: (article or None, problems), and the time each took."""
    path, settings, registry = job
    problems: list[Problem] = []
    clock = _Clock()
    started = time.perf_counter()
    try:
        source = ingest.read_source(path, settings.site_dir, confine=settings.sources_path)
        problems.extend(source.warnings)
        started = clock.add("ingest", started)
        document = normalize.clean(source)
        started = clock.add("normalize", started)
        if document.dropped:
            problems.append(Problem(source.path, f"{document.dropped} repeated paragraph(s) or sentence(s) dropped",
                                    "nothing to do: each sentence is kept once", None, "notice"))
        article = extract.article(document, registry, settings.default_region)
        clock.add("extract", started)
        if "region" not in source.meta:
            why = "the default region" if article.region == settings.default_region else "the state it names most"
            fix = "add `region:` to its front matter" if source.format == "md" else "put it in a folder named after its region in sources/"
            problems.append(Problem(source.path, f"no region given: filed under '{article.region}', {why}", fix,
                                    None, "notice"))
    except SourceError as error:
        problems.append(error.problem)
        article = None
    spent = tuple((k, v) for k, v in clock.seconds.items() if v)
    return (article, tuple(problems)), spent


def _progress(total: int):
    """A progress bar on a terminal for a long build; a log line per hundred otherwise."""
    if total <= PROGRESS_FROM:
        return lambda article: None
    if sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(total=total, unit="article", desc="extracting", leave=False)

        def advance(article: Article | None) -> None:
            bar.update(1)
            if bar.n >= total:
                bar.close()
        return advance
    count = [0]

    def step(article: Article | None) -> None:
        count[0] += 1
        if count[0] % 100 == 0 or count[0] == total:
            log.info("extracted %d of %d articles", count[0], total)
    return step
