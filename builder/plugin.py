"""The MkDocs plugin: `mkdocs build`, `serve` and `gh-deploy` run the builder
first, and `serve` watches the sources and templates so a changed article or
template shows up on the next reload."""

from __future__ import annotations

import logging
from pathlib import Path

import yaml

from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin

from . import pipeline, render
from .config import DEFAULTS, ConfigError, Settings, load_settings, settings_from
from .write import WriteError

log = logging.getLogger("mkdocs.plugins.briefs")


class BriefsConfig(Config):
    sources = config_options.Type(str, default=DEFAULTS["sources"])
    output = config_options.Type(str, default=DEFAULTS["output"])
    templates = config_options.Type(str, default=DEFAULTS["templates"])
    registry = config_options.Type(str, default=DEFAULTS["registry"])
    default_region = config_options.Type(str, default=DEFAULTS["default_region"])
    group = config_options.Choice(("region", "article"), default=DEFAULTS["group"])


class BriefsPlugin(BasePlugin[BriefsConfig]):
    settings: Settings

    def on_config(self, config):
        self.user_nav = config.nav is not None
        site_dir = Path(config.config_file_path).parent
        try:
            # site_url as written in mkdocs.yml: `mkdocs serve` replaces it with its own address.
            written = load_settings(site_dir, Path(config.config_file_path).name)
            self.settings = settings_from(site_dir, dict(self.config), docs_dir=config.docs_dir,
                                          site={"site_url": written.site_url, "site_name": config.site_name or ""})
        except ConfigError as error:
            raise PluginError(str(error)) from None
        return config

    def on_pre_build(self, config) -> None:
        try:
            report = pipeline.build(self.settings, strict=bool(config.strict))
        except pipeline.BuildFailed as error:
            for problem in error.problems:
                log.error("%s", problem)
            raise PluginError(f"briefs: {error}") from None
        except (WriteError, render.TemplateProblem) as error:
            raise PluginError(f"briefs: {error}") from None
        for problem in report.problems:  # --strict makes MkDocs fail on warnings, not on notices
            log.log(logging.INFO if problem.severity == "notice" else logging.WARNING, "%s", problem)
        log.info("%s", report.summary())
        if not self.user_nav:
            config.nav = navigation(Path(config.docs_dir), self.settings.output)

    def on_serve(self, server, config, builder):
        for path in (self.settings.sources_path, self.settings.templates_path, self.settings.registry_path):
            if path.exists():
                server.watch(str(path))
        return server


def navigation(docs: Path, output: str) -> list:
    """A navigation that stays small however many articles there are: the
    hand-written pages at the top of docs/, then each region with its briefs,
    and the site-wide indexes. Actor pages and archives are reached from those
    pages, not listed in every page's navigation."""
    generated = docs / output
    top = sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*.md")
                 if not p.is_relative_to(generated) and p != docs / "index.md")
    regions = []
    for folder in sorted(p for p in generated.iterdir() if (p / "index.md").is_file() and p.name != "actors"):
        briefs = sorted(f"{output}/{folder.name}/{p.name}" for p in folder.glob("*.md")
                        if p.name != "index.md" and not p.stem.endswith(("-timeline", "-sources")))
        regions.append({_title(folder / "index.md"): [f"{output}/{folder.name}/index.md", *briefs]})
    indexes = [f"{output}/{name}" for name in ("actors/index.md", "timeline.md", "sources.md", "tags.md")
               if (generated / name).is_file()]
    home = ["index.md"] if (docs / "index.md").is_file() else []
    return [*home, *top, {"Briefs": [f"{output}/index.md", *regions, *indexes]}]


def _title(page: Path) -> str:
    """The title in a generated page's front matter (HTML-escaped there, as MkDocs shows it)."""
    for line in page.read_text(encoding="utf-8").splitlines()[1:4]:
        if line.startswith("title: "):
            return yaml.safe_load(line[7:]) or page.parent.name
    return page.parent.name
