"""The builder's settings: one typed object, read from the ``briefs`` entry of
``plugins`` in ``mkdocs.yml``, every error reported at once."""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path, PurePosixPath
from typing import Any, Mapping

import yaml


class ConfigError(Exception):
    """The site's settings are wrong; the message lists every problem."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Where a site keeps its parts. Relative paths are from the site folder."""

    site_dir: Path
    sources: str = "sources"
    """Folder of source articles (.txt, .md, .html), searched recursively."""
    docs_dir: str = "docs"
    """MkDocs' docs_dir: the generated pages go into a folder inside it."""
    output: str = "briefs"
    """Folder inside docs_dir that the builder owns; nothing else is written."""
    templates: str = "templates"
    """Folder of template overrides, searched before the built-in templates."""
    registry: str = "actors.yml"
    """Optional actor registry: canonical names, aliases, kinds, descriptions."""
    default_region: str = "Unsorted"
    """Region of an article that names none and in which no state dominates."""
    group: str = "region"
    """"region": one brief per region (and per `brief:` topic in it); "article": one per article."""
    site_url: str = ""
    """MkDocs' site_url: the feed's links are absolute from it."""
    site_name: str = "Regional briefs"
    """MkDocs' site_name: the feed's title."""

    @property
    def sources_path(self) -> Path:
        return self.site_dir / self.sources

    @property
    def output_path(self) -> Path:
        return self.site_dir / self.docs_dir / self.output

    @property
    def templates_path(self) -> Path:
        return self.site_dir / self.templates

    @property
    def registry_path(self) -> Path:
        return self.site_dir / self.registry


DEFAULTS = {f.name: f.default for f in fields(Settings) if f.name != "site_dir"}
FROM_MKDOCS = ("docs_dir", "site_url", "site_name")   # taken from mkdocs.yml, not the plugin entry
OPTIONS = tuple(k for k in DEFAULTS if k not in FROM_MKDOCS)


def settings_from(site_dir: Path, options: Mapping[str, Any], docs_dir: str = "docs",
                  site: Mapping[str, Any] | None = None) -> Settings:
    """Validate the plugin's options; raise ConfigError listing all problems.
    ``site`` gives site_url and site_name from mkdocs.yml."""
    errors = []
    values: dict[str, str] = {"docs_dir": docs_dir}
    values.update({k: str(v) for k, v in (site or {}).items() if k in FROM_MKDOCS and isinstance(v, str) and v})
    for key, value in options.items():
        if key not in OPTIONS:
            errors.append(f"Config value 'briefs.{key}': unknown option (known: {', '.join(OPTIONS)})")
        elif not isinstance(value, str) or not value.strip():
            errors.append(f"Config value 'briefs.{key}': expected a non-empty string, got {value!r}")
        else:
            values[key] = value
    if values.get("group", "region") not in ("region", "article"):
        errors.append(f"Config value 'briefs.group': {values['group']!r} is not 'region' or 'article'")
    output = PurePosixPath(values.get("output", DEFAULTS["output"]))
    if output.is_absolute() or ".." in output.parts or str(output) in (".", ""):
        errors.append(f"Config value 'briefs.output': {output} must be a folder inside docs_dir, such as 'briefs'")
    if errors:
        raise ConfigError("\n".join(errors))
    return Settings(site_dir=site_dir, **values)


class _TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml without executing its tags (!ENV, !!python/name ...)."""


_TolerantLoader.add_multi_constructor("!", lambda loader, suffix, node: None)
_TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def load_settings(site_dir: Path, config_file: str = "mkdocs.yml") -> Settings:
    """Settings of the site in ``site_dir``; defaults when mkdocs.yml has no briefs entry."""
    path = site_dir / config_file
    try:
        config = yaml.load(path.read_text(encoding="utf-8"), Loader=_TolerantLoader) or {}
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file — run `briefs build` in a site folder, or pass --site") from None
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: not valid YAML: {error}") from None
    if not isinstance(config, dict):
        raise ConfigError(f"{path}: expected a mapping of settings")
    return settings_from(site_dir, _plugin_options(config.get("plugins")), str(config.get("docs_dir") or "docs"), config)


def _plugin_options(plugins: Any) -> Mapping[str, Any]:
    if isinstance(plugins, dict):
        return plugins.get("briefs") or {}
    for entry in plugins or ():
        if isinstance(entry, dict) and "briefs" in entry:
            return entry["briefs"] or {}
    return {}
