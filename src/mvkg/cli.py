"""The `mvkg` command line: a thin adapter over the library. Exit codes: 0 ok, 1 checks
failed, 2 usage or input error."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

import click
import pyoxigraph as ox

from . import __version__
from .build import build_workspace, load_lexicon
from .errors import MvkgError
from .ingest import ingest_file, save_to_workspace
from .namespaces import ONTOLOGY_GRAPH, resolution_graph
from .obligations import ObligationRow, list_obligations, obligations_csv, obligations_table
from .resources import Resources, find_resources
from .sparql import format_result, read_query_file, run_query
from .store import open_read_only
from .workspace import Workspace, open_workspace


@dataclass(frozen=True)
class Context:
    workspace: Workspace
    resources: Resources


def _emit(text: str) -> None:
    click.echo(text, nl=not text.endswith("\n"))


class _Group(click.Group):
    def invoke(self, ctx: click.Context):  # errors a user can act on: a message, no traceback
        try:
            return super().invoke(ctx)
        except MvkgError as exc:
            click.echo(f"mvkg: error: {exc.describe()}", err=True)
            sys.exit(exc.exit_code)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--workspace", "-w", default=".", show_default=True, type=click.Path(file_okay=False),
              help="Folder holding data/ (and build/ after `mvkg build`).")
@click.version_option(__version__, prog_name="mvkg")
@click.pass_context
def main(ctx: click.Context, workspace: str) -> None:
    """mvkg: turn ITU/UN resolutions into a knowledge graph of obligations and check
    their coverage by standards."""
    ctx.obj = Context(open_workspace(workspace), find_resources())


def _obligations_output(rows: list[ObligationRow], fmt: str) -> str:
    if fmt == "json":
        return json.dumps([r.to_json() for r in rows], indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        return obligations_csv(rows)
    return obligations_table(rows)


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--code", help="Resolution code (e.g. ECP-MV); read from the title line when omitted.")
@click.option("--title", help="Title, when the text does not give it.")
@click.option("--date", help="Document date, YYYY-MM-DD.")
@click.option("--status", type=click.Choice(["draft", "adopted"]), help="Draft (default) or adopted.")
@click.option("--related", multiple=True, help="Code of a related draft (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["summary", "json", "ttl"]), default="summary", show_default=True)
@click.option("--dry-run", is_flag=True, help="Only print what would be added.")
@click.option("--replace", "replace_existing", is_flag=True, help="Overwrite a resolution with the same code.")
@click.pass_obj
def ingest(obj: Context, file: Path, code, title, date, status, related, fmt, dry_run, replace_existing) -> None:
    """Read a resolution (.txt or .docx) and add it to the workspace."""
    lex = load_lexicon(obj.resources)
    overrides = {"title": title, "date": date, "status": status, "related": tuple(related)}
    ingested = ingest_file(file, lex, obj.workspace, code=code, overrides=overrides)
    rec = ingested.record
    written = [] if dry_run else save_to_workspace(obj.workspace, ingested, replace_existing=replace_existing)
    if fmt == "ttl":
        _emit(ingested.graph.serialize(format="turtle"))
    elif fmt == "json":
        store = ox.Store()
        for path in obj.resources.ontology_files():
            store.load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(str(ONTOLOGY_GRAPH)))
        store.load(ingested.graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES,
                   to_graph=ox.NamedNode(str(resolution_graph(rec.slug))))
        _emit(_obligations_output(list_obligations(store, obj.resources, rec.meta.code), "json"))
    else:
        operative = sum(1 for s in rec.sections if s.operative)
        click.echo(f"{rec.meta.code}: {len(rec.sections)} sections ({operative} operative), "
                   f"{len(rec.clauses)} clauses, {len(rec.obligations)} obligations")
        for path in written:
            click.echo(f"  wrote {obj.workspace.relative(path)}")
        if dry_run:
            click.echo("  dry run: nothing written")
        elif written:
            click.echo("  run `mvkg build` to rebuild the graph")


@main.command()
@click.pass_obj
def build(obj: Context) -> None:
    """Build the knowledge graph from data/ into the embedded store (build/store)."""
    report = build_workspace(obj.workspace, obj.resources)
    click.echo(f"built {report.store}: {report.triples} triples in {len(report.graphs)} named graphs")
    click.echo(f"  {report.resolutions} resolutions, {report.clauses} clauses, {report.obligations} obligations")
    for g in report.graphs:
        click.echo(f"  {g.triples:>8}  {g.graph}")


@main.command()
@click.option("--resolution", help="Only this resolution code.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.pass_obj
def obligations(obj: Context, resolution: str | None, fmt: str) -> None:
    """List obligations (JSON keys: id, resolution, section, item, modality, bearers,
    themes, sdgs, text, source)."""
    store = open_read_only(obj.workspace)
    rows = list_obligations(store, obj.resources, resolution)
    if resolution and not rows:
        raise MvkgError(f"no obligations for resolution {resolution!r} in the built graph")
    _emit(_obligations_output(rows, fmt))


@main.command()
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--query", "-q", "text", help="The SPARQL query text.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.pass_obj
def query(obj: Context, file: Path | None, text: str | None, fmt: str) -> None:
    """Run a read-only SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE) over the built graph.
    Common prefixes (mvkg, theme, topic, actor, skos, ...) are predefined."""
    if (file is None) == (text is None):
        raise click.UsageError("give either a query FILE or --query TEXT")
    source = text if text is not None else read_query_file(file)
    result = run_query(open_read_only(obj.workspace), source)
    _emit(format_result(result, fmt))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
