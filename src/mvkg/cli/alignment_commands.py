"""Alignment and suggestion commands: align, align-review, suggest."""

from __future__ import annotations

import click

from mvkg import pipeline
from mvkg.analysis.align import align, load_decisions
from mvkg.analysis.suggest import suggest
from mvkg.cli.app import Context, emit, main
from mvkg.inputs.roles import local_actor
from mvkg.kernel.vocabulary import VOCABULARY
from mvkg.query.store import open_read_only
from mvkg.render import alignments, suggestions

# A review decides on a suggested pair, so "suggested" itself is not a decision.
DECISIONS = tuple(n for n in VOCABULARY.review_statuses.notations if n != "suggested")
# An accepted suggestion says how much the entry covers; "not-applicable" is a verdict on the obligation.
ACCEPT_RELATIONS = tuple(n for n in VOCABULARY.relations.notations if n != "not-applicable")


@main.command(name="align")
@click.argument("code_a", metavar="A")
@click.argument("code_b", metavar="B")
@click.option("--format", "fmt", type=click.Choice(alignments.FORMATS), default="table", show_default=True)
@click.option("--merged", is_flag=True, help="One row per aligned topic with both drafts' wording.")
@click.pass_obj
def align_cmd(obj: Context, code_a: str, code_b: str, fmt: str, merged: bool) -> None:
    """Pair the obligations of resolutions A and B: equivalent, broader (A asks for more),
    narrower, overlapping, or unmatched, with score and evidence."""
    pairs = align(open_read_only(obj.workspace), code_a, code_b, load_decisions(obj.workspace))
    emit(alignments.alignment_text(pairs, code_a, code_b, fmt, merged=merged))


@main.command(name="align-review")
@click.argument("ob_a", metavar="OBLIGATION_A")
@click.argument("ob_b", metavar="OBLIGATION_B")
@click.option("--decision", type=click.Choice(DECISIONS), required=True)
@click.option("--relation", type=click.Choice(VOCABULARY.alignment_relations.notations),
              help="The corrected relation (with --decision changed).")
@click.option("--note", default="")
@click.pass_obj
def align_review(obj: Context, ob_a: str, ob_b: str, decision: str, relation: str | None, note: str) -> None:
    """Confirm, change or reject a suggested pair (short obligation ids); kept with who (you) and when."""
    path = pipeline.review_pair(obj.workspace, ob_a, ob_b, decision, relation or "", local_actor(obj.workspace), note,
                                resources=obj.resources)
    click.echo(f"recorded in {obj.workspace.relative(path)}; the graph is up to date")


@main.command(name="suggest")
@click.argument("obligation")
@click.option("--portfolio", "-p", help="Only entries of this portfolio.")
@click.option("--top", default=5, show_default=True, type=click.IntRange(1, 100))
@click.option("--format", "fmt", type=click.Choice(suggestions.FORMATS), default="table", show_default=True)
@click.option("--accept", "accept_entry", help="Record this suggested entry as an assessment.")
@click.option("--relation", type=click.Choice(ACCEPT_RELATIONS), default="partial", show_default=True)
@click.option("--rationale", default="", help="Why (with --accept); the suggestion's reasons otherwise.")
@click.pass_obj
def suggest_cmd(obj: Context, obligation: str, portfolio, top, fmt, accept_entry, relation, rationale) -> None:
    """Rank catalogue entries that could cover OBLIGATION (short id), with the reasons."""
    store = open_read_only(obj.workspace)
    if accept_entry:
        actor = local_actor(obj.workspace)
        path = pipeline.accept_suggestion(obj.workspace, obj.resources, store, obligation, accept_entry, relation, actor,
                                          rationale, portfolio=portfolio)
        emit(suggestions.accepted_text(accept_entry, relation, actor.name, obj.workspace.relative(path)))
        return
    emit(suggestions.suggestions_text(suggest(store, obligation, portfolio=portfolio, top=top), fmt))
