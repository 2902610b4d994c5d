"""The `mvkg` command line: a thin adapter over the library. Exit codes: 0 ok, 1 checks
failed, 2 usage or input error."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

import click
import pyoxigraph as ox

from mvkg import __version__
from mvkg.graph.build import load_lexicon
from mvkg import pipeline
from mvkg.render import reports
from mvkg.render import snapshot_reports
from mvkg.inputs.catalogue import entry_summary, import_csv, load_catalogue
from mvkg.compliance.coverage import coverage as compute_coverage
from mvkg.kernel.errors import EXIT_CHECKS_FAILED, MvkgError
from mvkg.ingest.resolutions import ingest_file, save_to_workspace
from mvkg.kernel.namespaces import ONTOLOGY_GRAPH, resolution_graph
from mvkg.analysis.obligations import ObligationRow, list_obligations, obligations_csv, obligations_table
from mvkg.kernel.resources import Resources, find_resources
from mvkg.inputs.portfolios import Portfolio, check_name, load_portfolios, members, save_portfolio
from mvkg.query.bounded import run_query_bounded
from mvkg.query.sparql import QueryLimits, format_result, read_query_file, to_csv, to_table
from mvkg.analysis.align import align, load_decisions, merged_view, record_decision
from mvkg.history.diff import diff as diff_snapshots
from mvkg.analysis.suggest import accept, suggest
from mvkg.inputs.synth import generate
from mvkg.inputs.rdf_import import import_rdf
from mvkg.history.snapshots import SnapshotStore, create_snapshot, default_folder
from mvkg.compliance.validate import ENGINES, user_shapes
from mvkg.compliance.validate import validate as run_validation
from mvkg.query.store import open_read_only, store_location
from mvkg.kernel.workspace import Workspace, open_workspace


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
@click.option("--store", default=None, metavar="LOCATION",
              help="Where the built graph lives: the embedded on-disk store (default), 'memory', or a SPARQL "
                   "endpoint sparql+http://host:port/path. Also $MVKG_STORE or [store] location in mvkg.toml.")
@click.version_option(__version__, prog_name="mvkg")
@click.pass_context
def main(ctx: click.Context, workspace: str, store: str | None) -> None:
    """mvkg: turn ITU/UN resolutions into a knowledge graph of obligations and check
    their coverage by standards."""
    ctx.obj = Context(open_workspace(workspace, store), find_resources())


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
@click.option("--timeout", default=QueryLimits.seconds, show_default=True, type=click.FloatRange(0.1, 3600),
              help="Wall-clock limit in seconds; the query process is killed when it passes.")
@click.option("--max-rows", default=QueryLimits.rows, show_default=True, type=click.IntRange(1, 10_000_000))
@click.option("--max-memory", default=QueryLimits.memory_mb, show_default=True, type=click.IntRange(64, 65536),
              help="Address-space limit of the query process, in MB.")
@click.pass_obj
def query(obj: Context, file: Path | None, text: str | None, fmt: str, timeout: float, max_rows: int,
          max_memory: int) -> None:
    """Run a read-only SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE) over the built graph,
    in a separate process with time, row and memory limits. Common prefixes (mvkg, theme,
    topic, actor, skos, ...) are predefined. Exit 1 when a limit stopped the query."""
    if (file is None) == (text is None):
        raise click.UsageError("give either a query FILE or --query TEXT")
    source = text if text is not None else read_query_file(file)
    store = open_read_only(obj.workspace)  # a clear error when nothing is built
    result = run_query_bounded(store_location(obj.workspace), source, QueryLimits(timeout, max_rows, max_memory), store=store)
    _emit(format_result(result, fmt))
    if result.limit_hit:
        click.echo(f"mvkg: the {result.limit_hit} limit stopped the query; the result is incomplete", err=True)
        sys.exit(EXIT_CHECKS_FAILED)


DEFAULT_PORTFOLIO = "itu-t-in-force"


@main.command()
@click.option("--portfolio", "-p", default=DEFAULT_PORTFOLIO, show_default=True, help="Portfolio to check against.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "ttl", "md"]), default="text", show_default=True)
@click.option("--engine", type=click.Choice(ENGINES), default="oxigraph", show_default=True,
              help="oxigraph: SPARQL checks set-at-a-time in Oxigraph; pyshacl: everything in pyshacl (reference).")
@click.option("--shapes", "shape_files", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Extra SHACL shapes (repeatable); checked before they run.")
@click.pass_obj
def validate(obj: Context, portfolio: str, fmt: str, engine: str, shape_files: tuple[Path, ...]) -> None:
    """Run the SHACL shapes over the built graph with one portfolio. Exit 0 when there is
    no violation, 1 when there are violations or the result is undetermined, 2 on errors."""
    extra = user_shapes(list(shape_files)) if shape_files else None
    run = run_validation(obj.workspace, obj.resources, portfolio, engine, extra_shapes=extra)
    if fmt == "json":
        _emit(reports.validation_json(run))
    elif fmt == "ttl":
        _emit(run.report.serialize(format="turtle"))
    elif fmt == "md":
        _emit(reports.validation_md(run))
    else:
        _emit(reports.validation_text(run))
    if not run.conforms:
        sys.exit(EXIT_CHECKS_FAILED)


@main.command(name="coverage")
@click.option("--portfolio", "-p", default=DEFAULT_PORTFOLIO, show_default=True, help="Portfolio to check against.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "md"]), default="table", show_default=True)
@click.pass_obj
def coverage_cmd(obj: Context, portfolio: str, fmt: str) -> None:
    """Verdict of every obligation against a portfolio, and the coverage %."""
    cov = compute_coverage(obj.resources, run_validation(obj.workspace, obj.resources, portfolio))
    render = {"json": reports.coverage_json, "csv": reports.coverage_csv, "md": reports.coverage_md}
    _emit(render.get(fmt, reports.coverage_table)(cov))


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
    rows = [{"name": n, "description": p.description, "size": len(members(n, portfolios, entries, lex))}
            for n, p in portfolios.items()]
    if fmt == "json":
        _emit(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
    else:
        _emit(to_table(["name", "size", "description"], [[r["name"], str(r["size"]), r["description"]] for r in rows]))


@portfolio.command(name="show")
@click.argument("name")
@click.pass_obj
def portfolio_show(obj: Context, name: str) -> None:
    """Show a portfolio's definition and members."""
    lex, entries, portfolios = _catalogue_and_portfolios(obj)
    chosen = members(name, portfolios, entries, lex)
    p = portfolios[name]
    click.echo(f"{p.name}: {p.label}\n  {p.description}\n  definition: {json.dumps(p.to_json(), ensure_ascii=False)}")
    _emit(to_table(["id", "status", "kind", "title"], [[e.id, e.status, e.kind, e.title] for e in chosen]))


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
    lex, entries, portfolios = _catalogue_and_portfolios(obj)
    p = Portfolio(name=check_name(name), label=label or name, description=description, base=base,
                  include=tuple(include), exclude=tuple(exclude))
    trial = {**portfolios, name: p}
    size = len(members(name, trial, entries, lex))  # checks base and ids before writing
    path = save_portfolio(obj.workspace, p)
    click.echo(f"created {obj.workspace.relative(path)} with {size} entries; run `mvkg build` to use it")


@main.group()
def catalogue() -> None:
    """The catalogue of standards and activities (data/catalogue/*.csv)."""


@catalogue.command(name="list")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.pass_obj
def catalogue_list(obj: Context, fmt: str) -> None:
    """List catalogue entries (JSON keys: id, title, publisher, kind, status, date, url, themes)."""
    lex = load_lexicon(obj.resources)
    entries = load_catalogue(obj.workspace, lex)
    rows = [entry_summary(e, lex) for e in entries]
    if fmt == "json":
        _emit(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
    else:
        table = [[r["id"], r["publisher"], r["kind"], r["status"], r["date"] or "", "; ".join(r["themes"]), r["title"]] for r in rows]
        head = ["id", "publisher", "kind", "status", "date", "themes", "title"]
        _emit(to_csv(head, table) if fmt == "csv" else to_table(head, table))


@catalogue.command(name="show")
@click.argument("entry_id", metavar="ID")
@click.pass_obj
def catalogue_show(obj: Context, entry_id: str) -> None:
    """Show one catalogue entry."""
    lex = load_lexicon(obj.resources)
    found = [e for e in load_catalogue(obj.workspace, lex) if e.id == entry_id]
    if not found:
        raise MvkgError(f"no catalogue entry {entry_id!r}")
    e = found[0]
    summary = entry_summary(e, lex)
    summary.update({"topics": [lex.topics[t].label for t in e.topics], "source_urls": list(e.source_urls),
                    "notes": e.notes, "defined_in": f"{e.file}:{e.row}"})
    _emit(json.dumps(summary, indent=2, ensure_ascii=False) + "\n")


@catalogue.command(name="import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
def catalogue_import(obj: Context, file: Path) -> None:
    """Validate every row of FILE.csv, then add or update the entries (nothing changes if any row is bad)."""
    if not file.is_file():
        raise MvkgError("no such file", path=file)
    report = import_csv(obj.workspace, load_lexicon(obj.resources), file)
    click.echo(f"imported into {report.target}: {len(report.added)} added, {len(report.updated)} updated; "
               "run `mvkg build` to use them")


@main.group()
@click.option("--dir", "folder", type=click.Path(file_okay=False, path_type=Path),
              help="Snapshot folder (default: the workspace's data/snapshots).")
@click.pass_context
def snapshot(ctx: click.Context, folder: Path | None) -> None:
    """Dated, immutable compliance snapshots: create, list, show, diff, verify, trend."""
    obj: Context = ctx.obj
    ctx.obj = SnapshotContext(obj.workspace, obj.resources, SnapshotStore(folder or default_folder(obj.workspace)))


@dataclass(frozen=True)
class SnapshotContext:
    workspace: Workspace
    resources: Resources
    store: SnapshotStore


@snapshot.command(name="create")
@click.option("--portfolio", "-p", default=DEFAULT_PORTFOLIO, show_default=True)
@click.option("--label", default="", help="A note such as 'before SG21 March meeting'.")
@click.pass_obj
def snapshot_create(obj: SnapshotContext, portfolio: str, label: str) -> None:
    """Validate against PORTFOLIO and store the result; prints the new snapshot id."""
    click.echo(create_snapshot(obj.workspace, obj.resources, obj.store, portfolio, label))


@snapshot.command(name="list")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_obj
def snapshot_list(obj: SnapshotContext, fmt: str) -> None:
    """List stored snapshots, oldest first."""
    infos = obj.store.infos()
    if fmt == "json":
        _emit(json.dumps([i.to_json() for i in infos], indent=2, ensure_ascii=False) + "\n")
    else:
        _emit(snapshot_reports.trend_table(infos))


@snapshot.command(name="show")
@click.argument("ref", metavar="ID")
@click.option("--format", "fmt", type=click.Choice(["md", "html", "csv", "json", "trig"]), default="md", show_default=True)
@click.pass_obj
def snapshot_show(obj: SnapshotContext, ref: str, fmt: str) -> None:
    """Show a snapshot (ID, a unique part of one, or 'latest') as a report."""
    snapshot_id = obj.store.resolve(ref)
    if fmt == "trig":
        _emit((obj.store.path(snapshot_id) / "snapshot.trig").read_text(encoding="utf-8"))
        return
    snap = obj.store.load(snapshot_id)
    if fmt == "json":
        _emit(json.dumps(snap, indent=2, ensure_ascii=False) + "\n")
    elif fmt == "csv":
        _emit(snapshot_reports.snapshot_csv(snap))
    elif fmt == "html":
        _emit(snapshot_reports.snapshot_html(snap, obj.store.infos(snap["portfolio"]["name"])))
    else:
        _emit(snapshot_reports.snapshot_md(snap))


@snapshot.command(name="diff")
@click.argument("a", metavar="A")
@click.argument("b", metavar="B")
@click.option("--format", "fmt", type=click.Choice(["md", "json"]), default="md", show_default=True)
@click.pass_obj
def snapshot_diff(obj: SnapshotContext, a: str, b: str, fmt: str) -> None:
    """Obligations whose verdict changed from snapshot A to B, and why."""
    d = diff_snapshots(obj.store.load(obj.store.resolve(a)), obj.store.load(obj.store.resolve(b)))
    _emit(snapshot_reports.diff_json(d) if fmt == "json" else snapshot_reports.diff_md(d))


@snapshot.command(name="verify")
@click.argument("ref", required=False, metavar="[ID]")
@click.pass_obj
def snapshot_verify(obj: SnapshotContext, ref: str | None) -> None:
    """Check stored snapshots against their manifests; exit 1 if any is damaged."""
    results = obj.store.verify(ref)
    for r in results:
        click.echo(f"{r.id}: " + ("ok" if r.ok else "DAMAGED: " + "; ".join(r.problems)))
    for leftover in obj.store.leftovers():
        click.echo(f"{leftover.name}: interrupted write (not a snapshot; safe to delete)")
    if not results:
        click.echo("no snapshots")
    if any(not r.ok for r in results):
        sys.exit(EXIT_CHECKS_FAILED)


@snapshot.command(name="trend")
@click.option("--portfolio", "-p", help="Only snapshots of this portfolio.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "svg"]), default="table", show_default=True)
@click.pass_obj
def snapshot_trend(obj: SnapshotContext, portfolio: str | None, fmt: str) -> None:
    """Coverage over time."""
    infos = obj.store.infos(portfolio)
    render = {"csv": snapshot_reports.trend_csv, "svg": snapshot_reports.trend_svg}
    _emit(render.get(fmt, snapshot_reports.trend_table)(infos))


@main.command(name="import-rdf")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--name", help="Name of the import (default: the file name).")
@click.pass_obj
def import_rdf_cmd(obj: Context, file: Path, name: str | None) -> None:
    """Check an RDF file strictly (Turtle, N-Triples, N-Quads, TriG, RDF/XML, JSON-LD) and add it
    to the workspace as data/extra/NAME.nt; `mvkg build` loads it into its own named graph."""
    target, checked = import_rdf(obj.workspace, file, name)
    click.echo(f"imported {len(checked.triples)} triples into {obj.workspace.relative(target)}")
    for iri in checked.removed_imports:
        click.echo(f"  removed owl:imports <{iri}> (imports are never followed)")


@main.command(name="align")
@click.argument("code_a", metavar="A")
@click.argument("code_b", metavar="B")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "md"]), default="table", show_default=True)
@click.option("--merged", is_flag=True, help="One row per aligned topic with both drafts' wording.")
@click.pass_obj
def align_cmd(obj: Context, code_a: str, code_b: str, fmt: str, merged: bool) -> None:
    """Pair the obligations of resolutions A and B: equivalent, broader (A asks for more),
    narrower, overlapping, or unmatched, with score and evidence."""
    pairs = align(open_read_only(obj.workspace), code_a, code_b, load_decisions(obj.workspace))
    if merged:
        rows = merged_view(pairs)
        if fmt == "json":
            _emit(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
        elif fmt == "md":
            lines = [f"| topic | relation | {code_a} | {code_b} |", "|---|---|---|---|"]
            lines += [f"| {r['topic']} | {r['relation']} | {r['a']} | {r['b']} |".replace("\n", " ") for r in rows]
            _emit("\n".join(lines) + "\n")
        else:
            _emit(to_table(["topic", "relation", code_a, code_b], [[r["topic"], r["relation"], r["a"], r["b"]] for r in rows]))
        return
    if fmt == "json":
        _emit(json.dumps([p.to_json() for p in pairs], indent=2, ensure_ascii=False) + "\n")
        return
    rows = [[f"{p.a.section} {p.a.item}" if p.a else "—", p.relation, f"{p.b.section} {p.b.item}" if p.b else "—",
             f"{p.score:.2f}", p.status, "; ".join(p.evidence.get("shared_themes", [])),
             ", ".join(p.evidence.get("key_phrases", []))] for p in pairs]
    head = [code_a, "relation", code_b, "score", "status", "shared themes", "key phrases"]
    if fmt == "md":
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        _emit("\n".join(lines) + "\n")
    else:
        _emit(to_table(head, rows))


@main.command(name="align-review")
@click.argument("ob_a", metavar="OBLIGATION_A")
@click.argument("ob_b", metavar="OBLIGATION_B")
@click.option("--decision", type=click.Choice(["confirmed", "changed", "rejected"]), required=True)
@click.option("--relation", type=click.Choice(["equivalent", "broader", "narrower", "overlapping"]),
              help="The corrected relation (with --decision changed).")
@click.option("--by", "by", required=True, help="Who decides.")
@click.option("--note", default="")
@click.pass_obj
def align_review(obj: Context, ob_a: str, ob_b: str, decision: str, relation: str | None, by: str, note: str) -> None:
    """Confirm, change or reject a suggested pair (short obligation ids); kept with who and when."""
    path = record_decision(obj.workspace, ob_a, ob_b, decision, relation or "", by, note)
    click.echo(f"recorded in {obj.workspace.relative(path)}; run `mvkg build` to update the graph")


@main.command(name="suggest")
@click.argument("obligation")
@click.option("--portfolio", "-p", help="Only entries of this portfolio.")
@click.option("--top", default=5, show_default=True, type=click.IntRange(1, 100))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--accept", "accept_entry", help="Record this suggested entry as an assessment.")
@click.option("--relation", type=click.Choice(["full", "partial", "none"]), default="partial", show_default=True)
@click.option("--by", "by", help="The analyst who confirms (with --accept).")
@click.option("--rationale", default="", help="Why (with --accept); the suggestion's reasons otherwise.")
@click.pass_obj
def suggest_cmd(obj: Context, obligation: str, portfolio, top, fmt, accept_entry, relation, by, rationale) -> None:
    """Rank catalogue entries that could cover OBLIGATION (short id), with the reasons."""
    store = open_read_only(obj.workspace)
    suggestions = suggest(store, obligation, portfolio=portfolio, top=top)
    if accept_entry:
        chosen = next((s for s in suggest(store, obligation, portfolio=portfolio, top=1000) if s.entry == accept_entry), None)
        if chosen is None:
            raise MvkgError(f"{accept_entry!r} is not among the suggestions for {obligation}")
        path = accept(obj.workspace, obligation, accept_entry, relation, by or "", rationale, chosen.reasons)
        click.echo(f"recorded {accept_entry} ({relation}, machine-suggested, confirmed by {by}) in "
                   f"{obj.workspace.relative(path)}; run `mvkg build`")
        return
    if fmt == "json":
        _emit(json.dumps([s.to_json() for s in suggestions], indent=2, ensure_ascii=False) + "\n")
    else:
        _emit(to_table(["entry", "status", "score", "reasons"],
                       [[s.entry, s.status, f"{s.score:.2f}", "; ".join(s.reasons)] for s in suggestions], max_width=90))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
