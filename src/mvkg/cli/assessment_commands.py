"""`mvkg assessment add|edit|review|remove|list`: coverage assessments one at a time. Each
write is checked as the CSV import checks a row, kept in data/coverage/*.csv, and is in the
built graph when the command returns (no `mvkg build`)."""

from __future__ import annotations

import click

from mvkg import pipeline
from mvkg.cli.app import Context, emit, main
from mvkg.inputs.roles import local_actor
from mvkg.kernel.vocabulary import VOCABULARY
from mvkg.query.store import open_read_only
from mvkg.render.assessments import FORMATS, assessments_text, change_text

OBLIGATION_HELP = 'its id (atu-mv/resolves/para_b) or its name as `mvkg coverage` shows it ("ATU-MV resolves b")'


def _done(obj: Context, verb: str, change: pipeline.AssessmentChange) -> None:
    emit(change_text(verb, change.stored, obj.workspace.relative(change.stored.path), change.update))
    change.update.wait()  # the image build/mvkg.nq, when it is written after the commit


@main.group()
def assessment() -> None:
    """Record, change, review and list coverage assessments (data/coverage/*.csv). OBLIGATION is
    its id or its name ("ATU-MV resolves b"); ENTRY is a catalogue id, left out for a
    not-applicable finding."""


@assessment.command(name="add")
@click.argument("obligation")
@click.argument("entry", required=False, default="")
@click.option("--relation", type=click.Choice(VOCABULARY.relations.notations), required=True,
              help="How far ENTRY covers OBLIGATION; not-applicable names no ENTRY.")
@click.option("--rationale", required=True, help="Why, in words.")
@click.option("--evidence", default="", help="The clause or section of the entry that supports it.")
@click.option("--evidence-url", default="", help="Where to read the evidence (http or https).")
@click.option("--confidence", default="", help="From 0 to 1.")
@click.pass_obj
def add(obj: Context, obligation: str, entry: str, relation: str, rationale: str, evidence: str, evidence_url: str,
        confidence: str) -> None:
    """Record that ENTRY covers OBLIGATION fully, partly or not at all (a draft until reviewed;
    its assessor is you, the operating-system user)."""
    change = pipeline.add_assessment(obj.workspace, obj.resources, obligation, entry, relation, rationale,
                                     actor=local_actor(obj.workspace),
                                     evidence=evidence, evidence_url=evidence_url, confidence=confidence)
    _done(obj, "recorded", change)


@assessment.command(name="edit")
@click.argument("obligation")
@click.argument("entry", required=False, default="")
@click.option("--relation", type=click.Choice(VOCABULARY.relations.notations), default=None)
@click.option("--rationale", default=None)
@click.option("--evidence", default=None)
@click.option("--evidence-url", default=None)
@click.option("--confidence", default=None)
@click.option("--if-version", "version", default=None,
              help="Only if the assessment is still at this version (`assessment list --format json` shows it).")
@click.pass_obj
def edit(obj: Context, obligation: str, entry: str, version: str | None, **fields: str | None) -> None:
    """Change an assessment's judgement (you become its assessor); a reviewed one becomes a draft again."""
    changes = {k: v for k, v in fields.items() if v is not None}
    change = pipeline.edit_assessment(obj.workspace, obj.resources, obligation, entry, changes,
                                      actor=local_actor(obj.workspace),
                                      expected_version=version)
    _done(obj, "changed", change)


@assessment.command(name="review")
@click.argument("obligation")
@click.argument("entry", required=False, default="")
@click.option("--draft", "reopen", is_flag=True, help="Make it a draft again instead.")
@click.pass_obj
def review(obj: Context, obligation: str, entry: str, reopen: bool) -> None:
    """Mark an assessment reviewed by you (needs the reviewer role; who and when are kept)."""
    state = VOCABULARY.assessment_reviews.notations[0 if reopen else 1]
    change = pipeline.review_assessment(obj.workspace, obj.resources, obligation, entry, state=state,
                                        actor=local_actor(obj.workspace))
    _done(obj, "reviewed" if not reopen else "reopened", change)


@assessment.command(name="remove")
@click.argument("obligation")
@click.argument("entry", required=False, default="")
@click.option("--if-version", "version", default=None,
              help="Only if the assessment is still at this version (`assessment list --format json` shows it).")
@click.pass_obj
def remove(obj: Context, obligation: str, entry: str, version: str | None) -> None:
    """Take an assessment out (its obligation may become not assessed)."""
    change = pipeline.remove_assessment(obj.workspace, obj.resources, obligation, entry, expected_version=version,
                                        actor=local_actor(obj.workspace))
    _done(obj, "removed", change)


@assessment.command(name="list")
@click.option("--obligation", default=None, help=f"Only this obligation: {OBLIGATION_HELP}.")
@click.option("--entry", default=None, help="Only this catalogue id.")
@click.option("--review", "state", type=click.Choice(VOCABULARY.assessment_reviews.notations), default=None,
              help="Only drafts, or only reviewed ones.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.pass_obj
def list_(obj: Context, obligation: str | None, entry: str | None, state: str | None, fmt: str) -> None:
    """The stored assessments in file and row order (JSON: every column, file, line)."""
    store = open_read_only(obj.workspace) if obligation is not None else None  # to check the obligation exists
    found = pipeline.list_assessments(obj.workspace, store, obligation=obligation, entry=entry, review=state)
    emit(assessments_text(found, [obj.workspace.relative(s.path) for s in found], fmt))
