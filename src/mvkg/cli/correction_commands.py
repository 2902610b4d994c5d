"""`mvkg correction add|list|remove`: analysts' corrections of extracted obligations."""

from __future__ import annotations

from datetime import UTC, datetime

import click

from mvkg import pipeline
from mvkg.cli.app import Context, emit, main
from mvkg.inputs.corrections import KINDS
from mvkg.inputs.roles import local_actor
from mvkg.render.corrections import corrections_text


@main.group()
def correction() -> None:
    """Correct what ingest extracted: bearers, strength, modality, themes, item label, not an
    obligation, split and merge. Corrections are kept in data/corrections/corrections.csv,
    applied at every build and survive re-ingesting the same text."""


@correction.command(name="add")
@click.argument("obligation")
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("value", required=False, default="")
@click.option("--why", required=True, help="Why the extraction was wrong (kept with the correction).")
@click.pass_obj
def add(obj: Context, obligation: str, kind: str, value: str, why: str) -> None:
    """Correct OBLIGATION (its id as `mvkg obligations` lists it). VALUE by KIND: bearers and
    themes: labels or notations separated by ';' (themes may be empty); strength: binding or
    recommendation; modality: an operative verb; item: the label; split: the words the second
    part starts with; merge: the id of the obligation to join; not-obligation: none."""
    change = pipeline.correct_obligation(obj.workspace, obj.resources, obligation, kind, value, why=why,
                                         actor=local_actor(obj.workspace),
                                         at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    c = change.correction
    click.echo(f"corrected {c.resolution} {c.obligation}: {c.kind} {c.value!r}; graph updated "
               f"({change.report.obligations} obligations)")
    for warning in change.report.warnings:
        click.echo(f"warning: {warning}", err=True)


@correction.command(name="list")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.pass_obj
def list_(obj: Context, fmt: str) -> None:
    """The stored corrections, and whether each still finds its obligation."""
    emit(corrections_text(pipeline.corrections(obj.workspace, obj.resources), fmt,
                          pipeline.correction_reviews(obj.workspace)))


@correction.command(name="review")
@click.argument("line", type=int)
@click.pass_obj
def review(obj: Context, line: int) -> None:
    """Confirm the correction on LINE of the corrections file (needs the reviewer role; who and
    when are kept in data/corrections/reviews.csv)."""
    c, r = pipeline.review_correction(obj.workspace, obj.resources, line, actor=local_actor(obj.workspace),
                                      at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    click.echo(f"reviewed the {c.kind} correction of {c.resolution} {c.obligation} (by {r.by} at {r.at})")


@correction.command(name="remove")
@click.argument("line", type=int)
@click.pass_obj
def remove(obj: Context, line: int) -> None:
    """Remove the correction on LINE of the corrections file (as `list` shows it)."""
    change = pipeline.withdraw_correction(obj.workspace, obj.resources, line, actor=local_actor(obj.workspace))
    click.echo(f"removed the {change.correction.kind} correction of {change.correction.obligation}; graph updated")
