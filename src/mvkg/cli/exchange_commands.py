"""Exchange commands: `mvkg export …` writes the graph in other tools' formats, `mvkg import …`
reads theirs. OSCAL for now (compliance-trestle's models, loaded only when one of these runs):
the obligations or the catalogue as an OSCAL catalog, the assessments as a mapping collection,
and an OSCAL catalog of controls imported as catalogue entries."""

from __future__ import annotations

from pathlib import Path

import click

from mvkg import pipeline
from mvkg.cli.app import Context, emit, main
from mvkg.inputs.roles import local_actor
from mvkg.kernel.vocabulary import VOCABULARY
from mvkg.query.store import open_read_only

OUT = click.option("--out", "-o", type=click.Path(dir_okay=False, path_type=Path),
                   help="Write the document to FILE (atomically) instead of standard output.")


def _deliver(data: bytes, out: Path | None, what: str) -> None:
    if out is None:
        emit(data.decode("utf-8"))
    else:
        click.echo(f"wrote {what} to {out}", err=True)


@main.group()
def export() -> None:
    """Write the graph in other tools' formats (OSCAL JSON)."""


@export.command(name="oscal-catalog")
@click.option("--resolution", help="Only this resolution's obligations (a code such as ECP-MV).")
@click.option("--catalogue", "of_catalogue", is_flag=True,
              help="The catalogue of standards and activities instead of the obligations (one control per entry).")
@OUT
@click.pass_obj
def export_oscal_catalog(obj: Context, resolution: str | None, of_catalogue: bool, out: Path | None) -> None:
    """The obligations as an OSCAL catalog: one group per resolution, one control per
    obligation (statement, themes, bearers, modality, strength, item label, source offsets,
    links to the source). With --catalogue: the catalogue entries, one group per publisher."""
    from mvkg.exchange.oscal_catalog import catalogue_catalog, obligations_catalog
    from mvkg.exchange.oscal_common import write_document

    if of_catalogue:
        if resolution:
            raise click.UsageError("--resolution selects obligations; it does not go with --catalogue")
        catalog = catalogue_catalog(obj.workspace, obj.resources)
    else:
        catalog = obligations_catalog(obj.workspace, open_read_only(obj.workspace), obj.resources, resolution)
    controls = sum(len(getattr(g, "controls", None) or ()) for g in catalog.groups or ())
    _deliver(write_document(catalog, out), out, f"an OSCAL catalog of {controls} controls")


@export.command(name="oscal-assessments")
@click.option("--portfolio", "-p", default=None, help="Only the assessments of this portfolio's members (default: all).")
@OUT
@click.pass_obj
def export_oscal_assessments(obj: Context, portfolio: str | None, out: Path | None) -> None:
    """The coverage assessments as an OSCAL mapping collection: one map per assessment from
    the obligation's control to the catalogue entry's (full = subset-of, partial =
    intersects-with, none = no-relationship), with rationale, evidence and confidence."""
    from mvkg.exchange.oscal_common import write_document
    from mvkg.exchange.oscal_mapping import assessments_mapping

    collection = assessments_mapping(obj.workspace, open_read_only(obj.workspace), obj.resources, portfolio)
    maps = sum(len(m.maps) for m in collection.mappings) if isinstance(collection.mappings, list) else 0
    _deliver(write_document(collection, out), out, f"an OSCAL mapping collection of {maps} maps")


@main.group(name="import")
def import_group() -> None:
    """Read other tools' formats into the workspace (OSCAL JSON)."""


@import_group.command(name="oscal-catalog")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--publisher", metavar="NOTATION",
              help="Publisher of controls that name none (an actor notation of ontology/actors.ttl, e.g. itu-t).")
@click.option("--kind", type=click.Choice(VOCABULARY.entry_kinds.notations), default="standard", show_default=True,
              help="Kind of controls that name none.")
@click.option("--status", type=click.Choice(VOCABULARY.entry_statuses.notations), default="published",
              show_default=True, help="Status of controls that name none (OSCAL's 'withdrawn' is kept).")
@click.option("--id-prefix", default="", help="Put before each control's label to make its catalogue id, e.g. 'NIST SP 800-53'.")
@click.pass_obj
def import_oscal_catalog(obj: Context, file: Path, publisher: str | None, kind: str, status: str, id_prefix: str) -> None:
    """Add an OSCAL catalog's controls to the catalogue (data/catalogue/catalogue.csv), one
    entry per control, with the checks of `mvkg catalogue import`: nothing changes if any
    control is bad."""
    from mvkg.exchange.oscal_import import ImportDefaults

    done = pipeline.import_oscal_catalog(obj.workspace, obj.resources, file, ImportDefaults(publisher, kind, status, id_prefix),
                                         actor=local_actor(obj.workspace))
    click.echo(f"imported {done.controls} controls from {file} into {done.report.target}: "
               f"{len(done.report.added)} added, {len(done.report.updated)} updated; the graph is up to date")
