"""`mvkg audit list|show|verify|export`: the workspace's audit trail (data/audit/journal.jsonl),
one hash-chained line per change made through mvkg."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from mvkg.cli.app import Context, deliver, emit, main
from mvkg.exchange import audit_prov
from mvkg.history.audit_anchors import anchors_in_file, verify_trail
from mvkg.history.snapshots import SnapshotStore, default_folder
from mvkg.kernel.audit import Anchor, Journal
from mvkg.kernel.errors import EXIT_CHECKS_FAILED, InputError
from mvkg.render import audit as render


@main.group()
def audit() -> None:
    """Who changed what and when: every write (assessments, reviews, corrections, decisions,
    resolutions, snapshots, portfolios, imports) adds one line, with the sha256 of each changed
    file before and after, chained to the line before by its hash."""


@audit.command(name="list")
@click.option("--format", "fmt", type=click.Choice(render.FORMATS), default="table", show_default=True)
@click.pass_obj
def list_(obj: Context, fmt: str) -> None:
    """Every change, oldest first."""
    emit(render.entries_text(Journal(obj.workspace).entries(), fmt))


@audit.command(name="show")
@click.argument("number", type=int)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_obj
def show(obj: Context, number: int, fmt: str) -> None:
    """Change NUMBER (as `audit list` numbers it), with its files' hashes."""
    entries = Journal(obj.workspace).entries()
    found = next((e for e in entries if e.n == number), None)
    if found is None:
        raise InputError(f"no change {number}; the audit trail holds {len(entries)}")
    emit(render.entry_text(found, fmt))


@audit.command(name="verify")
@click.option("--anchor", "anchors", multiple=True, metavar="N:HASH",
              help="A head printed earlier by `mvkg audit head` and kept outside the workspace (repeatable).")
@click.option("--anchors-file", type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar="FILE",
              help="A file of such heads, one per line (# starts a comment).")
@click.option("--snapshots", "folder", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
              help="Where the snapshots are, whose recorded heads are checked too  [default: the workspace's]")
@click.pass_obj
def verify(obj: Context, anchors: tuple[str, ...], anchors_file: Path | None, folder: Path | None) -> None:
    """Check that no line was altered, removed, reordered or added by hand, and that the journal
    still holds every head recorded outside it (each snapshot's, each --anchor): exit 0 when
    intact, 1 naming the first bad line."""
    given = [Anchor.parse(a) for a in anchors] + (anchors_in_file(anchors_file) if anchors_file else [])
    journal = Journal(obj.workspace)
    verdict = verify_trail(obj.workspace, SnapshotStore(folder or default_folder(obj.workspace)), given)
    emit(render.verdict_text(verdict, obj.workspace.relative(journal.path)))
    if not verdict.intact:
        sys.exit(EXIT_CHECKS_FAILED)


@audit.command(name="head")
@click.pass_obj
def head(obj: Context) -> None:
    """The journal's head as N:HASH (the last change's number and hash). Keep it outside the
    workspace; `mvkg audit verify --anchor N:HASH` later proves the trail up to it is unchanged."""
    found = Journal(obj.workspace).head()
    if found is None:
        raise InputError("the audit trail is empty: nothing has been changed through mvkg yet")
    emit(found.text + "\n")


@audit.command(name="export")
@click.option("--format", "fmt", type=click.Choice(audit_prov.FORMATS), default="trig", show_default=True)
@click.option("--out", type=click.Path(path_type=Path), metavar="FILE", help="Write to FILE instead of standard output.")
@click.pass_obj
def export(obj: Context, fmt: str, out: Path | None) -> None:
    """The trail as W3C PROV-O: one prov:Activity per change, associated with its agent, using
    and generating the files' contents (named by sha256)."""
    deliver(audit_prov.export(Journal(obj.workspace).entries(), fmt), out)
