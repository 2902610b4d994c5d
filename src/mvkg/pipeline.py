"""What the CLI and the UI both orchestrate, one function each: build the graph (with the
derived alignments), preview or add a resolution, take a snapshot, accept a suggestion.
Also the analysts' other writes: record, edit, review or remove an assessment, save a
portfolio, import catalogue entries or RDF, record a review of a suggested pair, correct an
obligation. Every write goes through `live_write` (graph/update.py): it changes data/ and
brings the built graph up to date in one locked step, so the next command or page sees it.
The adapters call these and render what they return; they hold no steps of their own."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar, cast

import pyoxigraph as ox
from rdflib import Graph

from mvkg.analysis.align import align, alignment_graph, load_decisions, record_decision
from mvkg.analysis.assessment_refs import list_assessments as list_assessments
from mvkg.analysis.assessment_refs import live_obligation
from mvkg.analysis.assessment_refs import obligation_refs as obligation_refs
from mvkg.analysis.obligations import ObligationRow, list_obligations
from mvkg.analysis.suggest import accept, suggest
from mvkg.compliance import whatif
from mvkg.graph.build import BuildReport, Derive, load_lexicon
from mvkg.graph.pending import settled
from mvkg.graph.update import Applied, Live, Update, apply_write, rebuild
from mvkg.history.snapshots import SnapshotStore, create_snapshot
from mvkg.ingest.readers import READABLE
from mvkg.ingest.resolutions import (
    Ingested,
    IngestWarning,
    ingest_file,
    ingest_warnings,
    save_many,
    save_to_workspace,
)
from mvkg.inputs import assessments
from mvkg.inputs.assessments import Stored
from mvkg.inputs.catalogue import COLUMNS as CATALOGUE_COLUMNS
from mvkg.inputs.catalogue import ImportReport, import_csv, load_catalogue
from mvkg.inputs.correction_reviews import Review
from mvkg.inputs.correction_reviews import load_reviews as correction_reviews  # noqa: F401  (mvkg.pipeline.correction_reviews)
from mvkg.inputs.correction_reviews import review_correction as store_review
from mvkg.inputs.corrections import Correction, add_correction, correction_status, remove_correction
from mvkg.inputs.csvtable import read_rows, write_rows
from mvkg.inputs.portfolios import HYPOTHETICAL_CATALOGUE, Portfolio, check_name, load_portfolios, members, save_portfolio
from mvkg.inputs.rdf_import import Checked, import_rdf
from mvkg.kernel import audit
from mvkg.kernel.access import require
from mvkg.kernel.errors import InputError
from mvkg.kernel.identity import Actor
from mvkg.kernel.lexicon import Lexicon
from mvkg.kernel.model import ResolutionMeta
from mvkg.kernel.namespaces import GRAPH, ONTOLOGY_GRAPH, resolution_graph, slugify
from mvkg.kernel.resources import Resources, find_resources
from mvkg.kernel.workspace import Workspace
from mvkg.query.graphstore import GraphStore

T = TypeVar("T")


def derive_alignments(ws: Workspace, store: GraphStore, metas: Sequence[ResolutionMeta]) -> Graph:
    """Suggested (and reviewed) alignments for every pair of related drafts."""
    codes = {m.code for m in metas}
    g = Graph()
    decisions = None
    done: set[tuple[str, ...]] = set()
    for meta in metas:
        for other in meta.related:
            pair = tuple(sorted((meta.code, other)))
            if other not in codes or pair in done:
                continue
            done.add(pair)
            decisions = load_decisions(ws) if decisions is None else decisions
            # align only runs named queries: any graph store (the build's store, a live write's view) serves
            for t in alignment_graph(align(cast(ox.Store, store), pair[0], pair[1], decisions), pair[0], pair[1]):
                g.add(t)
    return g


def derived_graphs() -> dict[str, Derive]:
    """The graphs a build derives from its inputs: the alignments of related drafts."""
    return {str(GRAPH["alignments"]): derive_alignments}


def build(ws: Workspace, resources: Resources, lex: Lexicon | None = None) -> BuildReport:
    """`mvkg build`: data/ into the store, reasoning, and the alignments of related drafts
    (under the workspace lock: never halfway through another write)."""
    return rebuild(ws, resources, lex, derived_graphs())


def live_write(ws: Workspace, resources: Resources, write: Callable[[Live], T], kinds: Iterable[str],
               lex: Lexicon | None = None, *, actor: Actor, change: str, key: str | Callable[[Any], str]) -> Applied[T]:
    """Any write of input files (`kinds`: assessments, portfolios, catalogue, decisions,
    resolutions, corrections, extra), with the built graph brought up to date in the same
    locked step; a failure leaves data/ and build/ as they were. `actor` must hold a role that
    permits the write kind `change` (ontology/access.ttl), else AccessDenied before anything is
    written; the audit trail gets one line (who, the kind, the record's `key`, the files' hashes)."""
    require(actor, change)
    return apply_write(ws, resources, write, kinds, derived=derived_graphs(), lex=lex,
                       change=audit.Change(actor, change, key))


@dataclass(frozen=True)
class AddedResolution:
    ingested: Ingested
    written: tuple[Path, ...]
    report: BuildReport | None  # the graph brought up to date with it


def read_resolution(ws: Workspace, resources: Resources, path: Path, *, code: str | None = None,
                    overrides: dict | None = None) -> Ingested:
    """Parse a resolution file into its record and graph; nothing is written."""
    return ingest_file(path, load_lexicon(resources), ws, code=code, overrides=overrides or {})


def preview_obligations(resources: Resources, ingested: Ingested) -> list[ObligationRow]:
    """The obligations listing of a parsed resolution, from a throw-away store holding only
    the ontology and that resolution (so it reads exactly like `mvkg obligations`)."""
    store = ox.Store()
    for path in resources.ontology_files():
        store.load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(str(ONTOLOGY_GRAPH)))
    store.load(ingested.graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES,
               to_graph=ox.NamedNode(str(resolution_graph(ingested.record.slug))))
    return list_obligations(store, resources, ingested.record.meta.code)


def add_resolution(ws: Workspace, resources: Resources, ingested: Ingested, *, actor: Actor,
                   replace_existing: bool = False) -> AddedResolution:
    """Save a parsed resolution into data/resolutions; the graph follows (its obligations are
    then not assessed until someone assesses them)."""
    done = live_write(ws, resources, lambda live: tuple(save_to_workspace(ws, ingested, replace_existing=replace_existing)),
                      {"resolutions"}, actor=actor, change="resolution-add", key=ingested.record.meta.code)
    return AddedResolution(ingested, done.result, done.update.report)


def resolution_files(paths: Sequence[Path]) -> list[Path]:
    """The files to ingest: each file given, and the readable files of each folder given."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in READABLE)
            if not found:
                raise InputError(f"no resolution files ({', '.join(READABLE)}) in the folder", path=path)
            out += found
        else:
            out.append(path)
    return out


@dataclass(frozen=True)
class Batch:
    ingested: tuple[Ingested, ...]
    warnings: tuple[IngestWarning, ...]


def read_resolutions(ws: Workspace, resources: Resources, paths: Sequence[Path], *, overrides: dict | None = None,
                     progress: Callable[[int, Path], None] | None = None) -> Batch:
    """Parse several files; the first one that cannot be read stops the batch (nothing is written)."""
    lex = load_lexicon(resources)
    done, warnings = [], []
    for n, path in enumerate(paths, start=1):
        if progress is not None:
            progress(n, path)
        ingested = ingest_file(path, lex, ws, overrides=overrides or {})
        done.append(ingested)
        warnings += ingest_warnings(ingested, str(path))
    return Batch(tuple(done), tuple(warnings))


def add_resolutions(ws: Workspace, resources: Resources, batch: Sequence[Ingested], *, actor: Actor,
                    replace_existing: bool = False) -> tuple[Path, ...]:
    """Store several parsed resolutions as one change of the workspace; the graph follows."""
    return live_write(ws, resources, lambda live: tuple(save_many(ws, list(batch), replace_existing=replace_existing)),
                      {"resolutions"}, actor=actor, change="resolution-add",
                      key=" ".join(i.record.meta.code for i in batch)).result


def take_snapshot(ws: Workspace, resources: Resources, folder: SnapshotStore, portfolio: str, label: str, *,
                  actor: Actor) -> str:
    """A compliance snapshot of the current build against one portfolio: its id (no write commits
    while it reads; a pending reasoning is finished first). The audit trail records it with its files."""
    require(actor, "snapshot-take")
    with settled(ws, resources):
        made = create_snapshot(ws, resources, folder, portfolio, label)
        files = audit.changed_files(ws, {}, audit.folder_hashes([folder.path(made)]))
        audit.Journal(ws).append(audit.Change(actor, "snapshot-take", made), made, files)
        return made


def accept_suggestion(ws: Workspace, resources: Resources, store: GraphStore, obligation: str, entry: str, relation: str,
                      actor: Actor, rationale: str = "", portfolio: str | None = None) -> Path:
    """Record one of the suggested entries for an obligation as a machine-suggested assessment,
    with the suggestion's reasons as the rationale unless one is given."""
    require(actor, "suggestion-accept")  # before the suggestions are worked out
    chosen = next((s for s in suggest(store, obligation, portfolio=portfolio, top=1000) if s.entry == entry), None)
    if chosen is None:
        raise InputError(f"{entry!r} is not among the suggestions for {obligation}")
    return live_write(ws, resources, lambda live: accept(ws, obligation, entry, relation, actor.name, rationale,
                                                        chosen.reasons),
                      {"assessments"}, actor=actor, change="suggestion-accept", key=f"{obligation} {entry}").result


@dataclass(frozen=True)
class CreatedPortfolio:
    path: Path
    size: int  # entries it selects now


def create_portfolio(ws: Workspace, resources: Resources, name: str, *, actor: Actor, label: str | None = None,
                     description: str = "",
                     base: str | None = None, include: tuple[str, ...] = (), exclude: tuple[str, ...] = ()) -> CreatedPortfolio:
    """Save a portfolio (data/portfolios/NAME.json): another portfolio's members (`base`), plus
    and minus explicit ids. Its members are worked out before anything is written, so an
    unknown base or id is an error and the workspace is unchanged. It can be validated (and
    snapshotted) at once."""
    p = Portfolio(name=check_name(name), label=label or name, description=description, base=base,
                  include=tuple(include), exclude=tuple(exclude))

    def write(live: Live) -> CreatedPortfolio:
        lex = live.lexicon()
        size = len(members(p.name, {**load_portfolios(ws), p.name: p}, load_catalogue(ws, lex), lex))
        return CreatedPortfolio(save_portfolio(ws, p), size)

    return live_write(ws, resources, write, {"portfolios"}, actor=actor, change="portfolio-save", key=p.name).result


def save_whatif(ws: Workspace, resources: Resources, name: str, *, description: str = "", entries: tuple[str, ...] = (),
                hypotheticals: Sequence[whatif.Hypothetical] = (), actor: Actor, today: str | None = None,
                replace_version: str | None = None) -> CreatedPortfolio:
    """Save a what-if as a portfolio, in one write: the ticked catalogue `entries` and the
    hypothetical standards, which join the catalogue (data/catalogue/hypothetical.csv, picked by
    no selection rule, so they count in this portfolio only) with the coverage they were assumed
    to give (assessments by the actor). The saved portfolio is judged as the what-if projected it.
    An existing portfolio is replaced only with `replace_version`, the version its editor read
    (inputs.portfolios.portfolio_version): changed meanwhile, StaleEditError and nothing is written."""
    p = Portfolio(name=check_name(name), label=name, description=description,
                  include=tuple(entries) + tuple(h.id.strip() for h in hypotheticals))
    when = _today(today)

    def write(live: Live) -> CreatedPortfolio:
        lex = live.lexicon()
        if p.name in load_portfolios(ws) and replace_version is None:
            raise InputError(f"portfolio {p.name!r} already exists ({ws.relative(ws.portfolio_file(p.name))})")
        note = f"Hypothetical: saved from a what-if with portfolio '{p.name}' by {actor.name} on {when}; not a published document."
        rows = [whatif.catalogue_row(h, lex, note) for h in hypotheticals]
        if rows:
            known = {slugify(e.id) for e in load_catalogue(ws, lex)}
            taken = [r["id"] for r in rows if slugify(r["id"]) in known]
            if taken:
                raise InputError(f"{', '.join(taken)} is already in the catalogue; give the hypothetical entry another id")
            path = ws.catalogue_dir / HYPOTHETICAL_CATALOGUE
            kept = [r for _, r in read_rows(path, CATALOGUE_COLUMNS)] if path.exists() else []
            write_rows(path, CATALOGUE_COLUMNS, [*kept, *rows])
        rationale = f"What-if: the analyst assumed this coverage when saving portfolio '{p.name}'."
        for h in hypotheticals:
            for row in whatif.assessment_rows(h, actor.name, when, rationale):
                assessments.add(ws, row, live.obligations(), live.entry_iris())
        size = len(members(p.name, {**load_portfolios(ws), p.name: p}, load_catalogue(ws, lex), lex))
        return CreatedPortfolio(save_portfolio(ws, p, expected_version=replace_version), size)

    return live_write(ws, resources, write, {"catalogue", "assessments", "portfolios"}, actor=actor, change="whatif-save",
                      key=p.name).result


def review_pair(ws: Workspace, a: str, b: str, decision: str, relation: str, actor: Actor, note: str = "", *,
                resources: Resources | None = None) -> Path:
    """Record an analyst's review of a suggested pair (short obligation ids); `relation` is the
    corrected relation, or empty to keep the suggested one. The alignments graph follows."""
    return live_write(ws, resources or find_resources(), lambda live: record_decision(ws, a, b, decision, relation,
                                                                                      actor.name, note),
                      {"decisions"}, actor=actor, change="alignment-decide", key=f"{a} {b}").result


def import_catalogue(ws: Workspace, resources: Resources, source: Path, *, actor: Actor) -> ImportReport:
    """Add or update catalogue entries from a CSV (every row checked first); the catalogue, the
    portfolios' members and the verdicts follow."""
    return live_write(ws, resources, lambda live: import_csv(ws, live.lexicon(), source), {"catalogue"}, actor=actor,
                      change="catalogue-import", key=source.name).result


def import_oscal_catalog(ws: Workspace, resources: Resources, path: Path, defaults=None, *, actor: Actor):
    """Add an OSCAL catalog's controls to the catalogue (every control checked first); the
    graph follows at once. compliance-trestle is imported only here, not by every command."""
    from mvkg.exchange.oscal_import import import_catalog

    return live_write(ws, resources, lambda live: import_catalog(ws, resources, path, defaults), {"catalogue"},
                      actor=actor, change="oscal-import", key=path.name).result


def import_rdf_file(ws: Workspace, resources: Resources, path: Path, name: str | None = None, *,
                    actor: Actor) -> tuple[Path, Checked]:
    """Check an RDF file strictly and keep it as data/extra/NAME.nt, its own named graph at once."""
    return live_write(ws, resources, lambda live: import_rdf(ws, path, name), {"extra"}, actor=actor,
                      change="rdf-import", key=lambda done: done[0].name).result


@dataclass(frozen=True)
class CorrectionChange:
    correction: Correction
    report: BuildReport  # the graph brought up to date with the change


def correct_obligation(ws: Workspace, resources: Resources, obligation: str, kind: str, value: str, *, why: str,
                       actor: Actor, at: str) -> CorrectionChange:
    """Record an analyst's correction of an extracted obligation and bring the graph up to date."""
    done = live_write(ws, resources, lambda live: add_correction(ws, live.lexicon(), obligation, kind, value, why=why,
                                                                 by=actor.name, at=at), {"corrections"},
                      actor=actor, change="correction-add", key=f"{obligation} {kind}")
    return CorrectionChange(done.result, done.update.report)


def withdraw_correction(ws: Workspace, resources: Resources, line: int, *, actor: Actor) -> CorrectionChange:
    """Remove a stored correction (by its line in the corrections file) and bring the graph up to date."""
    done = live_write(ws, resources, lambda live: remove_correction(ws, line), {"corrections"}, actor=actor,
                      change="correction-remove", key=lambda c: f"{c.obligation} {c.kind}")
    return CorrectionChange(done.result, done.update.report)


def review_correction(ws: Workspace, resources: Resources, line: int, *, actor: Actor, at: str) -> tuple[Correction, Review]:
    """A reviewer confirms the correction on `line` (kept in data/corrections/reviews.csv with who and when)."""
    return live_write(ws, resources, lambda live: store_review(ws, line, actor.name, at), {"corrections"}, actor=actor,
                      change="correction-review", key=lambda done: f"{done[0].obligation} {done[0].kind}").result


def corrections(ws: Workspace, resources: Resources) -> list[tuple[Correction, bool]]:
    """The stored corrections and whether each still finds its obligation."""
    return correction_status(ws, load_lexicon(resources))


# ------------------------------------------------------------------ assessments


@dataclass(frozen=True)
class AssessmentChange:
    stored: Stored  # the row as kept: its file, line and values
    update: Update  # the graph after it (verdicts read from it see the change)


def _today(today: str | None) -> str:
    return today or date.today().isoformat()


def _assessment_write(ws: Workspace, resources: Resources, write: Callable[[Live], Stored], actor: Actor,
                      change: str) -> AssessmentChange:
    done = live_write(ws, resources, write, {"assessments"}, actor=actor, change=change,
                      key=lambda s: f"{s.row['obligation']} {s.row['entry']}".strip())
    return AssessmentChange(done.result, done.update)


def add_assessment(ws: Workspace, resources: Resources, obligation: str, entry: str, relation: str, rationale: str, *,
                   actor: Actor, evidence: str = "", evidence_url: str = "", confidence: str = "", method: str = "manual",
                   today: str | None = None) -> AssessmentChange:
    """Record that `entry` (a catalogue id; empty for not-applicable) covers `obligation` (its
    id, or "ATU-MV resolves b") fully, partly or not at all, with the CSV import's checks. It is
    a draft until reviewed; the verdicts follow at once."""
    def write(live: Live) -> Stored:
        row = {"obligation": live_obligation(live, obligation), "entry": entry.strip(), "relation": relation,
               "rationale": rationale.strip(), "evidence": evidence.strip(), "evidence_url": evidence_url.strip(),
               "assessor": actor.name, "date": _today(today), "confidence": confidence.strip(), "method": method}
        return assessments.add(ws, row, live.obligations(), live.entry_iris())

    return _assessment_write(ws, resources, write, actor, "assessment-add")


def edit_assessment(ws: Workspace, resources: Resources, obligation: str, entry: str, changes: dict[str, str], *,
                    actor: Actor, today: str | None = None, expected_version: str | None = None) -> AssessmentChange:
    """Change an assessment's relation, rationale, evidence, evidence URL or confidence: the actor
    becomes its assessor, and a reviewed assessment needs a review again. `expected_version`:
    the `Stored.version` the editor read; changed meanwhile, StaleEditError and nothing is written."""
    def write(live: Live) -> Stored:
        return assessments.edit(ws, live_obligation(live, obligation), entry.strip(), changes, actor.name, _today(today),
                                live.obligations(), live.entry_iris(), expected_version)

    return _assessment_write(ws, resources, write, actor, "assessment-edit")


def review_assessment(ws: Workspace, resources: Resources, obligation: str, entry: str, *, actor: Actor,
                      state: str = assessments.REVIEWED, today: str | None = None,
                      expected_version: str | None = None) -> AssessmentChange:
    """Mark an assessment reviewed by the actor (a reviewer) today (or, with state "draft", open it again)."""
    def write(live: Live) -> Stored:
        return assessments.review(ws, live_obligation(live, obligation), entry.strip(), actor.name, _today(today), state,
                                  expected_version)

    return _assessment_write(ws, resources, write, actor, "assessment-review")


def remove_assessment(ws: Workspace, resources: Resources, obligation: str, entry: str, *, actor: Actor,
                      expected_version: str | None = None) -> AssessmentChange:
    """Take an assessment out; the obligation's verdict follows (not-assessed if it was its last)."""
    def write(live: Live) -> Stored:
        return assessments.remove(ws, live_obligation(live, obligation), entry.strip(), expected_version)

    return _assessment_write(ws, resources, write, actor, "assessment-remove")
