"""The one place that knows the order of the stages:

    ingest -> normalize -> extract -> assemble -> changes -> render -> write

Ingest, normalize and extract run per article, from the cache when the
article has not changed, else on every core (this process and forked
copies, each taking the next article as it finishes one); the rest runs
once over all articles: briefs whose articles changed are merged the same
way, and pages are rendered and staged the same way (each process writes
those it renders into the staging folder), while a forked copy writes the cache.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import logging
import os
import sys
import time
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any

from . import assemble, cache, changes, extract, forked, ingest, normalize, render, write
from .config import Settings
from .extract.gazetteer import RegistryEntry, load_registry
from .model import Article, Brief, BuildReport, Problem, SourceError

log = logging.getLogger("builder.pipeline")
PARALLEL_FROM = 40   # fewer sources or articles than this to work on: handled in this process alone
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
        try:
            return _build(settings, strict, workers or os.cpu_count() or 1)
        finally:
            gc.unfreeze()


@dataclass(slots=True)
class _Clock:
    """Seconds spent in each stage (per-article stages summed over articles)."""

    seconds: dict[str, float] = field(default_factory=lambda: dict.fromkeys(
        ("ingest", "normalize", "extract", "assemble", "changes", "render", "write", "cache"), 0.0))

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
    # Each key reads and hashes its source: on every core for a large site.
    keys = forked.spread(partial(_key, site_dir=settings.site_dir, context=context), paths,
                         _processes(workers, len(paths)))
    last = cache.last_build(settings.site_dir / cache.FOLDER)
    if last and last.fingerprint == _fingerprint(keys, settings):
        return _unchanged(last, problems, strict, len(paths))
    known = _Articles(settings.site_dir / cache.FOLDER, dict(zip(keys, paths)), settings, registry, workers)
    # Articles and briefs hold no cycles and live to the end of the build: the
    # collector would only scan them again and again while they pile up (so
    # would it in the extraction workers, which are forked meanwhile and inherit this).
    gc.disable()
    try:
        listings, extracted = known.listings(keys, problems, clock)
        started = time.perf_counter()
        plans, assembly_problems = assemble.groups(listings, settings.group)
        problems += assembly_problems
        briefs = known.briefs(plans)
    finally:
        gc.enable()
    gc.freeze()
    known.forget_the_rest()
    # Kept by a forked child while the pages render: no copy of the articles and briefs is made.
    saving = forked.in_background(known.keep)
    started = clock.add("assemble", started)
    try:
        _stop_if_strict(problems, strict)
        briefs, state = changes.compare(briefs, changes.load(settings.site_dir))
        started = clock.add("changes", started)
        parts = render.site(briefs, settings)
        with write.staging(settings.output_path) as stage:
            # Each process stages the pages it renders: the render stage is the time to make and stage them all.
            staged = forked.spread(lambda part: stage.put(part()), parts, _processes(known.workers, len(listings)))
            started = clock.add("render", started)
            outcome = stage.commit(staged)
        changes.save(settings.site_dir, state)
        started = clock.add("write", started)
    finally:
        if not saving():
            log.warning("briefs: the cache was not fully written; the next build extracts or merges again what it lacks")
    clock.add("cache", started)  # the time left waiting for the cache to be written
    report = BuildReport(len(paths), len(listings), extracted, len(briefs), outcome.written, outcome.unchanged,
                         outcome.removed, tuple(problems), tuple(clock.seconds.items()))
    cache.save_last_build(settings.site_dir / cache.FOLDER, cache.LastBuild(_fingerprint(keys, settings), report))
    return report


def _processes(workers: int, items: int) -> int:
    """How many processes share out a job of ``items``: forking costs more than a small job takes."""
    return workers if items >= PARALLEL_FROM else 1


def _key(path: Path, site_dir: Path, context: str) -> str:
    return cache.key(path, path.relative_to(site_dir).as_posix(), context)


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


class _Articles:
    """The site's articles through the cache: each source's listing (from the
    cache's index, or extracted now on ``workers`` processes), and each brief,
    read back whole when none of its sources changed or merged from its
    articles when one did."""

    def __init__(self, folder: Path, paths: dict[str, Path], settings: Settings,
                 registry: tuple[RegistryEntry, ...], workers: int):
        self.folder, self.paths, self.settings, self.registry, self.workers = folder, paths, settings, registry, workers
        self.full: dict[str, Article] = {}      # key -> article extracted or read in this build
        self.by_source: dict[str, str] = {}     # source -> key
        self.stored: set[str] = set()           # entries the cache held when the build began
        self.used: set[str] = set()             # brief entries of this build
        self.fresh: dict[str, str] = {}         # entries extracted or merged in this build, encoded, to keep

    def listings(self, keys: list[str], problems: list[Problem], clock: _Clock) -> tuple[list[Article], int]:
        """Every article as listed, in source order (the same whatever the workers), and how many were extracted."""
        index, self.stored = cache.load_index(self.folder), cache.stored(self.folder)
        entries = [self._cached(k, index) for k in keys]
        missing = [i for i, found in enumerate(entries) if found is None]
        sources = [self.paths[keys[i]] for i in missing]
        for i, (found, seconds, kept) in zip(missing, _extract_all(sources, self.settings, self.registry, self.workers)):
            entries[i] = self._keep(keys[i], found)
            if kept is not None:
                self.fresh[keys[i]] = kept
            for stage, spent in seconds:
                clock.seconds[stage] += spent
        cache.save_index(self.folder, dict(zip(keys, entries)))  # type: ignore[arg-type]
        listings = []
        for k, (listing, article_problems) in zip(keys, entries):  # type: ignore[misc]
            problems.extend(article_problems)
            if listing is not None:
                listings.append(listing)
                self.by_source[listing.source] = k
        return listings, len(missing)

    def briefs(self, plans: tuple[assemble.Group, ...]) -> tuple[Brief, ...]:
        """Each group's brief: read back whole, or merged (on every worker when there are many articles)."""
        members = [[self.by_source[s] for s in plan.sources] for plan in plans]
        entries = [cache.brief_key(self.settings.group, p, m) for p, m in zip(plans, members)]
        self.used.update(entries)
        found = [cache.load_brief(self.folder, entry) if entry in self.stored else None for entry in entries]
        missing = [i for i, brief in enumerate(found) if brief is None]
        jobs = [(plans[i], [self._article(k) for k in members[i]]) for i in missing]
        processes = _processes(self.workers, sum(len(articles) for _, articles in jobs))
        merged = forked.spread(_merge, jobs, processes, weight=lambda job: len(job[1]))
        for i, (brief, kept) in zip(missing, merged):
            found[i], self.fresh[entries[i]] = brief, kept
        return tuple(found)  # type: ignore[arg-type]

    def keep(self) -> None:
        """Write to the cache the articles extracted and the briefs merged in this build."""
        cache.store(self.folder, self.fresh)

    def forget_the_rest(self) -> None:
        """Drop cache entries no source or brief of this build needs."""
        cache.prune(self.folder, set(self.paths) | self.used)
        self.full.clear()

    def _cached(self, key: str, index: dict[str, cache.Entry]) -> cache.Entry | None:
        """A source's listing from the index, or from its entry when the index
        lacks it (a build stopped before writing it); None when not cached."""
        if key not in self.stored:
            return None
        if key in index:
            return index[key]
        found = cache.load(self.folder, key)
        return self._keep(key, found) if found is not None else None

    def _keep(self, key: str, found: cache.Entry) -> cache.Entry:
        article, article_problems = found
        if article is None:
            return found
        self.full[key] = article
        return assemble.listing(article), article_problems

    def _article(self, key: str) -> Article:
        """An article in full: extracted in this build, else from the cache, else extracted again."""
        if key not in self.full:
            found = cache.load(self.folder, key)
            if found is None or found[0] is None:  # damaged since the index was written
                found, _, kept = _extract_one((self.paths[key], self.settings, self.registry))
                if kept is not None:
                    self.fresh[key] = kept
            self.full[key] = found[0]  # type: ignore[assignment]
        return self.full[key]


def _merge(job: tuple[assemble.Group, list[Article]]) -> tuple[Brief, str]:
    """A brief, and its cache entry (encoded here, on the worker that merged it)."""
    brief = assemble.brief(*job)
    return brief, cache.encoded_brief(brief)


def _cache_context(settings: Settings) -> str:
    registry = settings.registry_path.read_bytes() if settings.registry_path.is_file() else b""
    # The sources folder too: an article's region may come from the folder it is in below it.
    return f"{cache.version()}|{hashlib.sha256(registry).hexdigest()}|{settings.default_region}|{settings.sources}"


# (article or None, problems), the time each stage took, and its cache entry (None: not to be kept).
Extracted = tuple[cache.Entry, tuple[tuple[str, float], ...], str | None]


def _extract_all(sources: list[Path], settings: Settings,
                 registry: tuple[RegistryEntry, ...], workers: int) -> list[Extracted]:
    """Each source extracted, in order, on ``workers`` processes when there are many."""
    jobs = [(path, settings, registry) for path in sources]
    progress = _progress(len(jobs))
    return forked.spread(_extract_one, jobs, _processes(workers, len(jobs)),
                         done=lambda extracted: progress(extracted[0][0]))


def _extract_one(job: tuple[Path, Settings, tuple[RegistryEntry, ...]]) -> Extracted:
    """One source through ingest, normalize and extract."""
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
        # The timeline holds what a brief needs of the dates; the expressions themselves are for `briefs extract`.
        article = replace(extract.article(document, registry, settings.default_region), temporal_expressions=())
        clock.add("extract", started)
        if "region" not in source.meta:
            why = "the default region" if article.region == settings.default_region else "the state it names most"
            fix = "add `region:` to its front matter" if source.format == "md" else "put it in a folder named after its region in sources/"
            problems.append(Problem(source.path, f"no region given: filed under '{article.region}', {why}", fix,
                                    None, "notice"))
    except SourceError as error:
        problems.append(error.problem)
        article = None
    except Exception as error:  # noqa: BLE001 - a bug must cost one article, not the build
        log.debug("extracting %s failed", path, exc_info=True)
        problem = Problem(path.relative_to(settings.site_dir).as_posix(), f"the builder failed on this article ({type(error).__name__}: {error})",
                          "a bug in the builder: please report it with this file; the rest of the site is built")
        return (None, (*problems, problem)), (), None  # not cached: the next build tries again
    entry = (article, tuple(problems))
    started = time.perf_counter()
    kept = cache.encoded(entry)  # here, while the article is in this worker's memory
    clock.add("extract", started)
    spent = tuple((k, v) for k, v in clock.seconds.items() if v)
    return entry, spent, kept


def _progress(total: int):
    """A progress bar on a terminal for a long build; a log line per hundred otherwise."""
    if total <= PROGRESS_FROM:
        return lambda article: None
    if sys.stderr.isatty():
        from tqdm import tqdm

        tqdm.monitor_interval = 0  # no monitor thread: a build with one thread may fork its cache writer
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
