"""Commands that make and read the graph: ingest, synth, build, obligations, query."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import click

from mvkg import pipeline
from mvkg.analysis.obligations import list_obligations
from mvkg.cli.app import Context, deliver, emit, main, out_option
from mvkg.exchange import spreadsheet
from mvkg.graph.build import load_lexicon
from mvkg.ingest.resolutions import IngestWarning
from mvkg.inputs.roles import local_actor
from mvkg.inputs.synth import generate
from mvkg.kernel.errors import EXIT_CHECKS_FAILED, InputError, MvkgError
from mvkg.kernel.vocabulary import VOCABULARY
from mvkg.kernel.workspace import Workspace
from mvkg.query import saved
from mvkg.query.bounded import run_query_bounded
from mvkg.query.prefixes import with_declarations, workspace_prefixes
from mvkg.query.sparql import QueryLimits, format_result, read_query_file
from mvkg.query.store import open_read_only, store_location
from mvkg.render.listings import obligations_text
from mvkg.render.saved_queries import saved_listing


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--code", help="Resolution code (e.g. ECP-MV); read from the title line when omitted.")
@click.option("--title", help="Title, when the text does not give it.")
@click.option("--date", help="Document date, YYYY-MM-DD.")
@click.option("--status", type=click.Choice(VOCABULARY.resolution_statuses.notations), help="Draft (default) or adopted.")
@click.option("--related", multiple=True, help="Code of a related draft (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["summary", "json", "ttl"]), default="summary", show_default=True)
@click.option("--dry-run", is_flag=True, help="Only print what would be added.")
@click.option("--replace", "replace_existing", is_flag=True, help="Overwrite a resolution with the same code.")
@click.option("--strict", is_flag=True, help="Treat every warning as an error (nothing is written).")
@click.pass_obj
def ingest(obj: Context, files: tuple[Path, ...], code, title, date, status, related, fmt, dry_run, replace_existing,
           strict) -> None:
    """Read resolutions (.txt, .pdf, .docx, .html, Akoma Ntoso .xml; files or folders) and add
    them to the workspace. Several files are read and checked first, then written as one change."""
    overrides = {"title": title, "date": date, "status": status, "related": tuple(related)}
    paths = pipeline.resolution_files(files)
    if len(paths) > 1:
        if code or fmt != "summary":
            raise MvkgError("--code and --format json/ttl take one file; give the files one at a time")
        batch = pipeline.read_resolutions(obj.workspace, obj.resources, paths, overrides=overrides,
                                          progress=lambda n, path: click.echo(f"[{n}/{len(paths)}] {path}", err=True))
        _warn(batch.warnings, strict)
        written = () if dry_run else pipeline.add_resolutions(obj.workspace, obj.resources, batch.ingested,
                                                              replace_existing=replace_existing,
                                                              actor=local_actor(obj.workspace))
        for ing in batch.ingested:
            rec = ing.record
            click.echo(f"{rec.meta.code}: {len(rec.sections)} sections, {len(rec.clauses)} clauses, "
                       f"{len(rec.obligations)} obligations ({rec.source_file})")
        click.echo(f"  {len(batch.ingested)} resolutions, {len(written)} files written" if written else "  dry run: nothing written")
        return
    ingested = pipeline.read_resolution(obj.workspace, obj.resources, paths[0], code=code, overrides=overrides)
    _warn(pipeline.ingest_warnings(ingested, str(paths[0])), strict)
    written = () if dry_run else pipeline.add_resolution(obj.workspace, obj.resources, ingested,
                                                         replace_existing=replace_existing,
                                                         actor=local_actor(obj.workspace)).written
    if fmt == "ttl":
        emit(ingested.graph.serialize(format="turtle"))
    elif fmt == "json":
        emit(obligations_text(pipeline.preview_obligations(obj.resources, ingested), "json"))
    else:
        rec = ingested.record
        operative = sum(1 for s in rec.sections if s.operative)
        click.echo(f"{rec.meta.code}: {len(rec.sections)} sections ({operative} operative), "
                   f"{len(rec.clauses)} clauses, {len(rec.obligations)} obligations")
        for path in written:
            click.echo(f"  wrote {obj.workspace.relative(path)}")
        if dry_run:
            click.echo("  dry run: nothing written")
        elif written:
            click.echo(f"  the graph is up to date; its {len(rec.obligations)} obligations are not assessed yet "
                       "(`mvkg assessment add`)")


@main.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--triples", default=100_000, show_default=True, type=click.IntRange(1_000, 50_000_000),
              help="About how many triples to generate.")
@click.option("--seed", default=1, show_default=True, help="Random seed: the same seed and size give the same files.")
@click.pass_obj
def synth(obj: Context, folder: Path, triples: int, seed: int) -> None:
    """Write a synthetic workspace (for benchmarks and scale tests) into FOLDER."""
    if folder.exists() and any(folder.iterdir()):
        raise MvkgError(f"{folder} is not empty; choose a new folder")
    folder.mkdir(parents=True, exist_ok=True)
    report = generate(Workspace(folder), load_lexicon(obj.resources), triples, seed)
    click.echo(f"wrote {report.triples} triples to {folder}: {report.resolutions} resolutions, "
               f"{report.obligations} obligations, {report.entries} catalogue entries, {report.assessments} assessments")
    click.echo(f"  next: mvkg -w {folder} build")


@main.command()
@click.pass_obj
def build(obj: Context) -> None:
    """Build the knowledge graph from data/ into the embedded store (build/store)."""
    report = pipeline.build(obj.workspace, obj.resources)
    for warning in report.warnings:
        click.echo(f"mvkg: warning: {warning}", err=True)
    click.echo(f"built {report.store}: {report.triples} triples in {len(report.graphs)} named graphs")
    click.echo(f"  {report.resolutions} resolutions, {report.clauses} clauses, {report.obligations} obligations")
    click.echo(f"  {report.entries} catalogue entries, {report.assessments} assessments, {report.portfolios} portfolios")
    click.echo(f"  inferred types by {report.reasoner}")
    for g in report.graphs:
        click.echo(f"  {g.triples:>8}  {g.graph}")


@main.command()
@click.option("--resolution", help="Only this resolution code.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "xlsx"]), default="table", show_default=True)
@out_option
@click.pass_obj
def obligations(obj: Context, resolution: str | None, fmt: str, out: Path | None) -> None:
    """List obligations (JSON keys: id, resolution, section, item, modality, bearers,
    themes, sdgs, text, source)."""
    spreadsheet.check_out(out, fmt)
    rows = list_obligations(open_read_only(obj.workspace), obj.resources, resolution)
    if resolution and not rows:
        raise MvkgError(f"no obligations for resolution {resolution!r} in the built graph")
    deliver(spreadsheet.obligations_sheet(rows, resolution) if fmt == "xlsx" else obligations_text(rows, fmt), out)


@main.command()
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--query", "-q", "text", help="The SPARQL query text.")
@click.option("--saved", "saved_id", metavar="ID", help="Run the saved query with this id (as shared by the UI's ?q=ID).")
@click.option("--save", "save", is_flag=True, help="Save the query in the workspace and print its id instead of running it.")
@click.option("--list-saved", is_flag=True, help="List the saved queries (id and title), newest first.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.option("--timeout", default=QueryLimits.seconds, show_default=True, type=click.FloatRange(0.1, 3600),
              help="Wall-clock limit in seconds; the query process is killed when it passes.")
@click.option("--max-rows", default=QueryLimits.rows, show_default=True, type=click.IntRange(1, 10_000_000))
@click.option("--max-memory", default=QueryLimits.memory_mb, show_default=True, type=click.IntRange(64, 65536),
              help="Address-space limit of the query process, in MB.")
@click.pass_obj
def query(obj: Context, file: Path | None, text: str | None, saved_id: str | None, save: bool, list_saved: bool,
          fmt: str, timeout: float, max_rows: int, max_memory: int) -> None:
    """Run a read-only SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE) over the built graph,
    in a separate process with time, row and memory limits. Common prefixes (mvkg, theme,
    topic, actor, skos, ...) are predefined. Exit 1 when a limit stopped the query.
    Saved queries (data/queries/saved/ID.rq): --save keeps one, --saved ID runs one,
    --list-saved lists them."""
    if list_saved:
        emit(saved_listing(saved.list_saved(obj.workspace), fmt))
        return
    if sum(x is not None for x in (file, text, saved_id)) != 1:
        raise click.UsageError("give one of a query FILE, --query TEXT or --saved ID")
    known = workspace_prefixes(obj.resources)
    source = (text if text is not None else read_query_file(file) if file is not None
              else with_declarations(saved.load_saved(obj.workspace, saved_id or "").text, known))
    if save:
        click.echo(saved.save_query(obj.workspace, source, known).id)
        return
    store = open_read_only(obj.workspace)  # a clear error when nothing is built
    result = run_query_bounded(store_location(obj.workspace), source, QueryLimits(timeout, max_rows, max_memory), store=store)
    emit(format_result(result, fmt))
    if result.limit_hit:
        click.echo(f"mvkg: the {result.limit_hit} limit stopped the query; the result is incomplete", err=True)
        sys.exit(EXIT_CHECKS_FAILED)


def _warn(warnings: Sequence[IngestWarning], strict: bool) -> None:
    for w in warnings:
        click.echo(f"mvkg: warning: {w.describe()}", err=True)
    if strict and warnings:
        raise InputError(f"{len(warnings)} warning(s) and --strict: nothing written")
