"""`mvkg why [OBLIGATION]`: why an obligation has its verdict against a portfolio and what to
do next; without OBLIGATION, the worklist of every obligation with its next actions."""

from __future__ import annotations

import click

from mvkg.analysis.why import ACTIONS, explain, explain_all, with_action
from mvkg.cli.app import DEFAULT_PORTFOLIO, Context, emit, main
from mvkg.compliance.coverage import coverage
from mvkg.compliance.validate import validate
from mvkg.kernel.errors import InputError
from mvkg.query.store import open_read_only
from mvkg.render.why import FORMATS, LIST_FORMATS, why_text, worklist_text


@main.command(name="why")
@click.argument("obligation", required=False)
@click.option("--portfolio", "-p", default=DEFAULT_PORTFOLIO, show_default=True, help="Portfolio to judge against.")
@click.option("--next", "kinds", multiple=True, type=click.Choice(ACTIONS),
              help="Only obligations with this next action (repeatable; any of them).")
@click.option("--resolution", default=None, help="Only this resolution code (worklist).")
@click.option("--format", "fmt", type=click.Choice(sorted({*FORMATS, *LIST_FORMATS})), default=None,
              help="text|json|csv for one obligation (default text); table|json|csv for the worklist (default table).")
@click.pass_obj
def why(obj: Context, obligation: str | None, portfolio: str, kinds: tuple[str, ...], resolution: str | None,
        fmt: str | None) -> None:
    """Why OBLIGATION (its id, or its name as `mvkg coverage` shows it: "ATU-MV resolves b") has
    its verdict: the entries examined and judged none, the missing themes and the entries that
    come closest, and the next actions. Without OBLIGATION: every obligation's next actions."""
    store = open_read_only(obj.workspace)
    cov = coverage(obj.resources, validate(obj.workspace, obj.resources, portfolio, store=store))
    if obligation is not None:
        if fmt == "table" or kinds or resolution:
            raise InputError("--next, --resolution and --format table are for the worklist (no OBLIGATION)")
        emit(why_text(explain(store, cov, obligation), fmt or "text"))
        return
    if fmt == "text":
        raise InputError("the worklist is shown as table, json or csv")
    items = [w for w in with_action(explain_all(store, cov), kinds)
             if resolution is None or w.resolution == resolution]
    emit(worklist_text(items, fmt or "table"))
