"""The MkDocs plugin: `mkdocs build`, `serve` and `gh-deploy` run the builder
first, and `serve` watches the sources and templates so a changed article or
template shows up on the next reload."""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin

from . import pipeline
from .config import DEFAULTS, ConfigError, Settings, settings_from
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
        site_dir = Path(config.config_file_path).parent
        try:
            self.settings = settings_from(site_dir, dict(self.config), docs_dir=config.docs_dir,
                                          site={"site_url": config.site_url or "", "site_name": config.site_name or ""})
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
        except WriteError as error:
            raise PluginError(f"briefs: {error}") from None
        for problem in report.problems:
            log.warning("%s", problem)  # --strict makes MkDocs fail on these
        log.info("%s", report.summary())

    def on_serve(self, server, config, builder):
        for path in (self.settings.sources_path, self.settings.templates_path, self.settings.registry_path):
            if path.exists():
                server.watch(str(path))
        return server
