"""`briefs`: a thin command line over the pipeline.

Exit codes: 0 built (problems, if any, were reported and their sources
skipped); 1 the build failed (``--strict`` with a problem, or the output
folder could not be written), and nothing was written; 2 a usage or
configuration error.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
import sys
from importlib import resources
from pathlib import Path

import click

from . import pipeline, render
from .assemble import briefs as assemble_briefs
from .config import ConfigError, load_settings
from .model import SourceError
from .write import WriteError

log = logging.getLogger("builder")


def _logging(verbose: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    log.handlers[:] = [handler]
    log.setLevel(logging.DEBUG if verbose else logging.INFO)
    log.propagate = False


class UsageError(click.ClickException):
    """A wrong setting or argument: exit code 2, like click's own usage errors."""

    exit_code = 2


class _Group(click.Group):
    """Unexpected errors get one line, and a traceback only with -v."""

    def invoke(self, context: click.Context):
        try:
            return super().invoke(context)
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except Exception as error:  # noqa: BLE001 - the CLI's last resort
            if context.params.get("verbose"):
                raise
            log.error("briefs: internal error: %s: %s (run with -v for the traceback)", type(error).__name__, error)
            sys.exit(1)


def entry() -> None:
    """The `briefs` command (click's ``main``, then ``leave``)."""
    try:
        main()  # standalone: it always ends in SystemExit
    except SystemExit as done:
        if isinstance(done.code, str):
            print(done.code, file=sys.stderr)
        leave(done.code if isinstance(done.code, int) else int(done.code is not None))


def leave(code: int) -> None:
    """Exit at once, leaving the build's objects to the operating system:
    freeing them one by one took a third of a second after a 1,000-article build."""
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="Log each stage, and show tracebacks.")
@click.version_option(package_name="regional-briefs")
@click.pass_context
def main(context: click.Context, verbose: bool) -> None:
    """Build regional briefs from news articles into a Material for MkDocs site."""
    _logging(verbose)
    context.obj = {"verbose": verbose}


@main.command()
@click.option("--site", "site_dir", type=click.Path(file_okay=False, path_type=Path), default=".",
              help="The site folder, holding mkdocs.yml (default: here).")
@click.option("--strict", is_flag=True, help="Fail, writing nothing, if any source has a problem.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Processes for extraction (default: one per core).")
def build(site_dir: Path, strict: bool, jobs: int | None) -> None:
    """Extract every source and write the brief pages into docs/."""
    try:
        settings = load_settings(site_dir)
        report = pipeline.build(settings, strict=strict, workers=jobs)
    except ConfigError as error:
        raise UsageError(str(error)) from None
    except pipeline.BuildFailed as error:
        for problem in error.problems:
            log.error("%s", problem)
        log.error("briefs: build failed: %s", error)
        sys.exit(1)
    except (WriteError, render.TemplateProblem) as error:
        log.error("briefs: %s", error)
        sys.exit(1)
    for problem in report.problems:
        log.log(logging.INFO if problem.severity == "notice" else logging.WARNING, "%s", problem)
    log.info("%s", report.summary())


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--published", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Publication date (YYYY-MM-DD) to resolve relative dates against.")
@click.option("--format", "output", type=click.Choice(["json", "md"]), default="json", show_default=True,
              help="JSON of what was extracted, or the brief's Markdown page.")
def extract(file: Path, published: dt.datetime | None, output: str) -> None:
    """Print what the builder extracts from one article."""
    try:
        article = pipeline.extract_file(file, published.date() if published else None)
    except SourceError as error:
        log.error("%s", error.problem)
        sys.exit(1)
    if output == "json":
        click.echo(json.dumps(pipeline.extract.as_json(article), indent=2, ensure_ascii=False))
        return
    (brief,), _ = assemble_briefs([article])
    click.echo(render.brief_page(brief, Path("templates")), nl=False)


@main.command()
@click.argument("path", type=click.Path(path_type=Path))
def new(path: Path) -> None:
    """Create a new site at PATH with an example article."""
    if path.exists() and any(path.iterdir()):
        raise UsageError(f"{path}: exists and is not empty — choose a new folder")
    skeleton = resources.files("builder") / "skeleton"
    with resources.as_file(skeleton) as folder:
        shutil.copytree(folder, path, dirs_exist_ok=True)
    log.info("briefs: new site in %s — add articles to %s, then run `briefs build && mkdocs serve` there",
             path, path / "sources")


if __name__ == "__main__":  # pragma: no cover
    main()
