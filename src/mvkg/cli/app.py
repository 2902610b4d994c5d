"""The `mvkg` command group: global options, the context every command receives, and the
error handling (an `MvkgError` becomes one line on stderr and its exit code, no traceback).
Exit codes: 0 ok, 1 checks failed, 2 usage or input error."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

import mvkg
from mvkg.exchange.spreadsheet import XLSX, Sheet, check_out, save_report
from mvkg.graph.pending import wait_in_process
from mvkg.inputs.portfolios import DEFAULT_PORTFOLIO as DEFAULT_PORTFOLIO  # one default for the CLI and the UI
from mvkg.kernel.errors import MvkgError
from mvkg.kernel.resources import Resources, find_resources
from mvkg.kernel.workspace import Workspace, open_workspace


@dataclass(frozen=True)
class Context:
    workspace: Workspace
    resources: Resources


def emit(text: str) -> None:
    """Print a rendering as it is (no second newline when it already ends with one)."""
    click.echo(text, nl=not text.endswith("\n"))


# --out FILE on the report commands (coverage, validate, obligations, snapshot show); the path
# is checked with exchange.spreadsheet.check_out before the command does any work.
out_option = click.option("--out", type=click.Path(path_type=Path), metavar="FILE",
                          help="Write the report to FILE (atomically) instead of standard output; needed for xlsx.")


Renderer = Callable[[Any], "Sheet | str"]  # a report format: the thing reported -> text or a workbook


def deliver(content: Sheet | str, out: Path | None) -> None:
    """Print a text rendering, or write it or a workbook to --out."""
    if out is not None:
        save_report(out, content)
    elif isinstance(content, str):
        emit(content)
    else:
        check_out(out, XLSX)  # a workbook and no --out: the one-line error


def _reasoning_after(ctx: click.Context) -> None:
    """A write that changed the reasoner's input: its reasoning runs in the foreground here (the
    app runs it in the background), and the command says so."""
    obj = ctx.obj
    if not isinstance(obj, Context):
        return
    last = " (it took {:.0f} s last time)"
    after = wait_in_process(obj.workspace, lambda p: click.echo(
        "reasoning over the changed input, in the foreground" + (last.format(p.expected) if p.expected else "") + "…",
        err=True))
    if after is not None and after.failed:
        raise MvkgError(f"the write is saved, but the reasoner failed: {after.failed}")
    if after is not None:
        click.echo("reasoning done: the inferred types are up to date", err=True)


class _Group(click.Group):
    def invoke(self, ctx: click.Context):  # errors a user can act on: a message, no traceback
        try:
            result = super().invoke(ctx)
            _reasoning_after(ctx)
            return result
        except MvkgError as exc:
            click.echo(f"mvkg: error: {exc.describe()}", err=True)
            sys.exit(exc.exit_code)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--workspace", "-w", default=".", show_default=True, type=click.Path(file_okay=False),
              help="Folder holding data/ (and build/ after `mvkg build`).")
@click.option("--store", default=None, metavar="LOCATION",
              help="Where the built graph lives: the embedded on-disk store (default), 'memory', or a SPARQL "
                   "endpoint sparql+http://host:port/path. Also $MVKG_STORE or [store] location in mvkg.toml.")
@click.version_option(mvkg.__version__, prog_name="mvkg")
@click.pass_context
def main(ctx: click.Context, workspace: str, store: str | None) -> None:
    """mvkg: turn ITU/UN resolutions into a knowledge graph of obligations and check
    their coverage by standards."""
    ctx.obj = Context(open_workspace(workspace, store), find_resources())
