"""The `mvkg snapshot` group: create, list, show, diff, verify, trend."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import click

from mvkg import pipeline
from mvkg.cli.app import DEFAULT_PORTFOLIO, Context, Renderer, deliver, emit, main, out_option
from mvkg.exchange import spreadsheet
from mvkg.history.diff import diff as diff_snapshots
from mvkg.history.snapshots import SnapshotStore, default_folder
from mvkg.inputs.roles import local_actor
from mvkg.kernel.errors import EXIT_CHECKS_FAILED
from mvkg.kernel.resources import Resources
from mvkg.kernel.workspace import Workspace
from mvkg.render import snapshot_reports
from mvkg.render.text import json_text


@dataclass(frozen=True)
class SnapshotContext:
    workspace: Workspace
    resources: Resources
    store: SnapshotStore


@main.group()
@click.option("--dir", "folder", type=click.Path(file_okay=False, path_type=Path),
              help="Snapshot folder (default: the workspace's data/snapshots).")
@click.pass_context
def snapshot(ctx: click.Context, folder: Path | None) -> None:
    """Dated, immutable compliance snapshots: create, list, show, diff, verify, trend."""
    obj: Context = ctx.obj
    ctx.obj = SnapshotContext(obj.workspace, obj.resources, SnapshotStore(folder or default_folder(obj.workspace)))


@snapshot.command(name="create")
@click.option("--portfolio", "-p", default=DEFAULT_PORTFOLIO, show_default=True)
@click.option("--label", default="", help="A note such as 'before SG21 March meeting'.")
@click.pass_obj
def snapshot_create(obj: SnapshotContext, portfolio: str, label: str) -> None:
    """Validate against PORTFOLIO and store the result; prints the new snapshot id."""
    click.echo(pipeline.take_snapshot(obj.workspace, obj.resources, obj.store, portfolio, label,
                                          actor=local_actor(obj.workspace)))


@snapshot.command(name="list")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_obj
def snapshot_list(obj: SnapshotContext, fmt: str) -> None:
    """List stored snapshots, oldest first; a damaged one is listed as DAMAGED."""
    infos = obj.store.infos()
    emit(json_text([i.to_json() for i in infos]) if fmt == "json" else snapshot_reports.trend_table(infos))
    damaged = sum(1 for i in infos if i.damaged)
    if damaged:
        click.echo(f"mvkg: warning: {damaged} snapshot(s) damaged; run `mvkg snapshot verify`", err=True)


@snapshot.command(name="show")
@click.argument("ref", metavar="ID")
@click.option("--format", "fmt", type=click.Choice(["md", "html", "csv", "json", "trig", "xlsx"]), default="md", show_default=True)
@out_option
@click.pass_obj
def snapshot_show(obj: SnapshotContext, ref: str, fmt: str, out: Path | None) -> None:
    """Show a snapshot (ID, a unique part of one, or 'latest') as a report."""
    spreadsheet.check_out(out, fmt)
    snapshot_id = obj.store.resolve(ref)
    if fmt == "trig":
        deliver(obj.store.trig(snapshot_id), out)  # checked against the manifest first
        return
    snap = obj.store.load(snapshot_id)
    if fmt == "html":
        deliver(snapshot_reports.snapshot_html(snap, obj.store.infos(snap["portfolio"]["name"])), out)
        return
    render: dict[str, Renderer] = {"json": json_text, "csv": snapshot_reports.snapshot_csv, "xlsx": spreadsheet.snapshot_sheet}
    deliver(render.get(fmt, snapshot_reports.snapshot_md)(snap), out)


@snapshot.command(name="diff")
@click.argument("a", metavar="A")
@click.argument("b", metavar="B")
@click.option("--format", "fmt", type=click.Choice(["md", "json"]), default="md", show_default=True)
@click.pass_obj
def snapshot_diff(obj: SnapshotContext, a: str, b: str, fmt: str) -> None:
    """Obligations whose verdict changed from snapshot A to B, and why."""
    d = diff_snapshots(obj.store.load(obj.store.resolve(a)), obj.store.load(obj.store.resolve(b)))
    emit(snapshot_reports.diff_json(d) if fmt == "json" else snapshot_reports.diff_md(d))


@snapshot.command(name="verify")
@click.argument("ref", required=False, metavar="[ID]")
@click.option("--clean", is_flag=True, help="Remove the hidden folders interrupted writes left (never a snapshot).")
@click.pass_obj
def snapshot_verify(obj: SnapshotContext, ref: str | None, clean: bool) -> None:
    """Check stored snapshots against their manifests; exit 1 if any is damaged."""
    results = obj.store.verify(ref)
    for r in results:
        click.echo(f"{r.id}: " + ("ok" if r.ok else "DAMAGED: " + "; ".join(r.problems)))
    removed = set(obj.store.clean_leftovers()) if clean else set()
    for leftover in sorted(removed):
        click.echo(f"{leftover.name}: interrupted write, removed")
    for leftover in obj.store.leftovers():
        if obj.store.in_use(leftover):
            click.echo(f"{leftover.name}: a snapshot being written (left alone)")
        else:
            click.echo(f"{leftover.name}: interrupted write (not a snapshot; the next snapshot or "
                       "`mvkg snapshot verify --clean` removes it)")
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
    emit(render.get(fmt, snapshot_reports.trend_table)(infos))
