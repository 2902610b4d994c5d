"""Compliance commands: validate, coverage, import-rdf, and the catalogue and portfolio groups."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from mvkg import pipeline
from mvkg.cli.app import DEFAULT_PORTFOLIO, Context, Renderer, deliver, emit, main, out_option
from mvkg.compliance.coverage import coverage as compute_coverage
from mvkg.compliance.validate import ENGINES, user_shapes
from mvkg.compliance.validate import validate as run_validation
from mvkg.exchange import spreadsheet
from mvkg.graph.build import load_lexicon
from mvkg.inputs.catalogue import load_catalogue
from mvkg.inputs.catalogue_freshness import stale_after_days
from mvkg.inputs.portfolios import load_portfolios, members
from mvkg.inputs.roles import local_actor
from mvkg.kernel.errors import EXIT_CHECKS_FAILED, MvkgError
from mvkg.render import reports
from mvkg.render.listings import catalogue_text, entry_text, portfolio_text, portfolios_text


@main.command()
@click.option("--portfolio", "-p", default=DEFAULT_PORTFOLIO, show_default=True, help="Portfolio to check against.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "ttl", "md", "csv", "xlsx"]), default="text", show_default=True)
@out_option
@click.option("--engine", type=click.Choice(ENGINES), default="oxigraph", show_default=True,
              help="oxigraph: SPARQL checks set-at-a-time in Oxigraph; pyshacl: everything in pyshacl (reference).")
@click.option("--shapes", "shape_files", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Extra SHACL shapes (repeatable); checked before they run.")
@click.pass_obj
def validate(obj: Context, portfolio: str, fmt: str, out: Path | None, engine: str, shape_files: tuple[Path, ...]) -> None:
    """Run the SHACL shapes over the built graph with one portfolio. Exit 0 when there is
    no violation, 1 when there are violations or the result is undetermined, 2 on errors."""
    spreadsheet.check_out(out, fmt)
    extra = user_shapes(list(shape_files)) if shape_files else None
    run = run_validation(obj.workspace, obj.resources, portfolio, engine, extra_shapes=extra)
    if fmt == "ttl":
        deliver(run.report.serialize(format="turtle"), out)
    else:
        render: dict[str, Renderer] = {"json": reports.validation_json, "md": reports.validation_md, "csv": reports.validation_csv,
                  "xlsx": spreadsheet.validation_sheet}
        deliver(render.get(fmt, reports.validation_text)(run), out)
    if not run.conforms:
        sys.exit(EXIT_CHECKS_FAILED)


@main.command(name="coverage")
@click.option("--portfolio", "-p", default=DEFAULT_PORTFOLIO, show_default=True, help="Portfolio to check against.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "md", "xlsx"]), default="table", show_default=True)
@out_option
@click.pass_obj
def coverage_cmd(obj: Context, portfolio: str, fmt: str, out: Path | None) -> None:
    """Verdict of every obligation against a portfolio, and the coverage %."""
    spreadsheet.check_out(out, fmt)
    cov = compute_coverage(obj.resources, run_validation(obj.workspace, obj.resources, portfolio))
    render: dict[str, Renderer] = {"json": reports.coverage_json, "csv": reports.coverage_csv, "md": reports.coverage_md,
              "xlsx": spreadsheet.coverage_sheet}
    deliver(render.get(fmt, reports.coverage_table)(cov), out)


@main.command(name="import-rdf")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--name", help="Name of the import (default: the file name).")
@click.pass_obj
def import_rdf_cmd(obj: Context, file: Path, name: str | None) -> None:
    """Check an RDF file strictly (Turtle, N-Triples, N-Quads, TriG, RDF/XML, JSON-LD) and add it
    to the workspace as data/extra/NAME.nt, its own named graph (in the built graph at once)."""
    target, checked = pipeline.import_rdf_file(obj.workspace, obj.resources, file, name,
                                              actor=local_actor(obj.workspace))
    click.echo(f"imported {len(checked.triples)} triples into {obj.workspace.relative(target)}; the graph is up to date")
    for iri in checked.removed_imports:
        click.echo(f"  removed owl:imports <{iri}> (imports are never followed)")


@main.group()
def portfolio() -> None:
    """Named sets of catalogue entries (data/portfolios/NAME.json)."""


def _catalogue_and_portfolios(obj: Context):
    lex = load_lexicon(obj.resources)
    return lex, load_catalogue(obj.workspace, lex), load_portfolios(obj.workspace)


@portfolio.command(name="list")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_obj
def portfolio_list(obj: Context, fmt: str) -> None:
    """List portfolios with their size."""
    lex, entries, portfolios = _catalogue_and_portfolios(obj)
    sizes = {n: len(members(n, portfolios, entries, lex)) for n in portfolios}
    emit(portfolios_text(portfolios, sizes, fmt))


@portfolio.command(name="show")
@click.argument("name")
@click.pass_obj
def portfolio_show(obj: Context, name: str) -> None:
    """Show a portfolio's definition and members."""
    lex, entries, portfolios = _catalogue_and_portfolios(obj)
    chosen = members(name, portfolios, entries, lex)
    emit(portfolio_text(portfolios[name], chosen))


@portfolio.command(name="create")
@click.argument("name")
@click.option("--from", "base", help="Start from this portfolio's members.")
@click.option("--include", multiple=True, help="Catalogue id to add (repeatable).")
@click.option("--exclude", multiple=True, help="Catalogue id to leave out (repeatable).")
@click.option("--label", help="Display name.")
@click.option("--description", default="", help="What the portfolio is for.")
@click.pass_obj
def portfolio_create(obj: Context, name, base, include, exclude, label, description) -> None:
    """Create a portfolio in the workspace's data/portfolios/."""
    created = pipeline.create_portfolio(obj.workspace, obj.resources, name, label=label, description=description,
                                        base=base, include=tuple(include), exclude=tuple(exclude),
                                        actor=local_actor(obj.workspace))
    click.echo(f"created {obj.workspace.relative(created.path)} with {created.size} entries; "
               f"check it with `mvkg coverage --portfolio {name}`")


@main.group()
def catalogue() -> None:
    """The catalogue of standards and activities (data/catalogue/*.csv)."""


@catalogue.command(name="list")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.pass_obj
def catalogue_list(obj: Context, fmt: str) -> None:
    """List catalogue entries (JSON keys: id, title, publisher, kind, status, date, url, themes, checked,
    stale); an entry not checked within data/catalogue/freshness.toml's window is stale."""
    lex = load_lexicon(obj.resources)
    emit(catalogue_text(load_catalogue(obj.workspace, lex), lex, fmt, stale_after_days=stale_after_days(obj.workspace)))


@catalogue.command(name="show")
@click.argument("entry_id", metavar="ID")
@click.pass_obj
def catalogue_show(obj: Context, entry_id: str) -> None:
    """Show one catalogue entry."""
    lex = load_lexicon(obj.resources)
    found = [e for e in load_catalogue(obj.workspace, lex) if e.id == entry_id]
    if not found:
        raise MvkgError(f"no catalogue entry {entry_id!r}")
    emit(entry_text(found[0], lex))


@catalogue.command(name="import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
def catalogue_import(obj: Context, file: Path) -> None:
    """Validate every row of FILE.csv, then add or update the entries (nothing changes if any row is bad)."""
    if not file.is_file():
        raise MvkgError("no such file", path=file)
    report = pipeline.import_catalogue(obj.workspace, obj.resources, file, actor=local_actor(obj.workspace))
    click.echo(f"imported into {report.target}: {len(report.added)} added, {len(report.updated)} updated; "
               "the graph is up to date")
