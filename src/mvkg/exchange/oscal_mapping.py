"""The coverage assessments as an OSCAL mapping collection (`mvkg export oscal-assessments`).

**Why a mapping collection and not assessment results.** An mvkg assessment states how far
one requirement set (a catalogue entry: a standard, work item or activity) covers another
(an obligation), with a rationale, evidence, a confidence and who judged it. That is a
set-theory relationship mapping in the sense of NIST IR 8477, which OSCAL's control mapping
model (OSCAL 1.2, in compliance-trestle 5) encodes: a `map` with `sources`, `targets`, a
`relationship`, `remarks`, a `confidence-score` and the collection's `provenance`; the
assessment CSV was designed after its fields. OSCAL assessment results, by contrast, record
what an assessor observed of a *system's* implementation of controls (observations, findings
against objectives, risks), import an assessment plan, and have no place for a relation
between two control sets other than free text.

How an assessment becomes a map (source: the obligation's control in `mvkg export
oscal-catalog`; target: the entry's control in `mvkg export oscal-catalog --catalogue`):

| mvkg relation | OSCAL relationship | reading |
|---|---|---|
| `full` | `subset-of` | everything the obligation asks is within what the entry provides |
| `partial` | `intersects-with` | some of it is, and the entry also covers other things |
| `none` | `no-relationship` | the entry was examined and does not cover the obligation |
| `not-applicable` | no map (no target): a `not-applicable` prop on the mapping, its remarks the justification | |

Each map keeps the mvkg relation, assessor, date, method and evidence as props (mvkg `ns`),
the evidence URL as an `evidence` link, the assessment's IRI as a `canonical` link, the
rationale as `remarks` and the confidence as `confidence-score`. Obligations with no map
(not assessed, or not applicable) are listed in the `source-gap-summary`; entries with no
map in the `target-gap-summary`. With a portfolio, only the assessments of its members are
kept (not-applicable findings name no entry and are always kept), and the gaps are counted
against the portfolio. The provenance `status` is `complete` when every obligation has a
map or a not-applicable finding, else `not-complete`.
"""

from __future__ import annotations

from dataclasses import dataclass

from trestle.oscal.common import BackMatter, Property, Resource, Rlink
from trestle.oscal.mapping import (
    ConfidenceScore,
    GapSummary,
    Map,
    Mapping,
    MappingCollection,
    MappingItem,
    MappingProvenance,
    MappingResourceReference,
    SelectControlByIdForMapping,
)

from mvkg.analysis.obligations import list_obligations
from mvkg.compliance.validate import portfolio_iri
from mvkg.exchange.oscal_catalog import (
    catalogue_catalog,
    document_uuid,
    entry_control_id,
    obligation_control_id,
    obligations_catalog,
)
from mvkg.exchange.oscal_common import OSCAL_NS, build_time, content_digest, link, metadata, prop, props, stable_uuid
from mvkg.kernel.errors import InputError
from mvkg.kernel.namespaces import ID
from mvkg.kernel.resources import Resources
from mvkg.kernel.workspace import Workspace
from mvkg.query.graphstore import GraphStore
from mvkg.query.named import select

# mvkg's coverage relations (VOCABULARY.relations) and assessment methods as OSCAL tokens;
# a test keeps these keys equal to the ontology's notations.
RELATIONSHIPS = {"full": "subset-of", "partial": "intersects-with", "none": "no-relationship"}
NOT_APPLICABLE = "not-applicable"
METHODS = {"manual": "human", "machine-suggested": "automation"}
CATALOG_MEDIA_TYPE = "application/oscal.catalog+json"
# the file names the README's example writes the two catalogs to (relative to this document)
CATALOG_FILES = {"obligations": "obligations.oscal.json", "catalogue": "catalogue.oscal.json"}
DESCRIPTION = ("Coverage assessments recorded in mvkg: each map says how far a catalogue entry (target) covers an "
               "obligation of an ITU or UN resolution (source). full = subset-of, partial = intersects-with, "
               "none = no-relationship; not-applicable findings are props of the mapping.")


@dataclass(frozen=True)
class AssessmentRecord:
    iri: str
    obligation: str
    entry: str  # IRI, '' for not-applicable
    identifier: str
    relation: str
    rationale: str
    evidence: str
    evidence_url: str
    assessor: str
    date: str
    confidence: str
    method: str


def assessment_records(store: GraphStore) -> list[AssessmentRecord]:
    """Every assessment in the graph (queries/internal/oscal_assessments.rq)."""
    return [AssessmentRecord(r["a"], r["obligation"], r["entry"], r["identifier"], r["relation"], r["rationale"],
                             r["evidence"], r["evidenceUrl"], r["assessor"], r["date"], r["confidence"], r["method"])
            for r in select(store, "oscal_assessments")]


def _map(a: AssessmentRecord) -> Map:
    score = ConfidenceScore.model_validate({"percentage": float(a.confidence)}) if a.confidence else None
    links = [link(a.evidence_url, "evidence", "evidence")] if a.evidence_url else []
    return Map(uuid=stable_uuid(a.iri), relationship=RELATIONSHIPS[a.relation],
               sources=[MappingItem(type="control", id_ref=obligation_control_id(a.obligation))],
               targets=[MappingItem(type="control", id_ref=entry_control_id(a.entry),
                                    props=[prop("label", a.identifier, own=False)])],
               confidence_score=score,
               props=props(("relation", a.relation), ("assessor", a.assessor), ("date", a.date), ("method", a.method),
                           ("evidence", a.evidence)),
               links=[*links, link(a.iri, "canonical", "the assessment in the mvkg graph")], remarks=a.rationale or None)


def _not_applicable(a: AssessmentRecord) -> Property:
    who = ", ".join(x for x in (a.assessor, a.date) if x)
    return Property(name=NOT_APPLICABLE, ns=OSCAL_NS, value=obligation_control_id(a.obligation),
                    remarks=" ".join(x for x in (a.rationale, f"({who})" if who else "") if x) or None)


def _gap(name: str, ids: list[str]) -> GapSummary | None:
    if not ids:
        return None
    return GapSummary(uuid=stable_uuid(f"{ID}oscal/gap/{name}"),
                      unmapped_controls=[SelectControlByIdForMapping(with_ids=ids)])


def _catalogue_uuid(ws: Workspace, resources: Resources) -> str | None:
    """The UUID `mvkg export oscal-catalog --catalogue` gives the catalogue now (None when the
    catalogue files are empty, as in a workspace whose entries all come as bulk RDF)."""
    try:
        return catalogue_catalog(ws, resources).uuid
    except InputError:
        return None


def _catalog_resource(kind: str, title: str, catalog_uuid: str | None) -> Resource:
    return Resource(uuid=stable_uuid(f"{ID}oscal/resource/{kind}"), title=title,
                    props=props(("catalog-uuid", catalog_uuid)) or None,
                    rlinks=[Rlink(href=CATALOG_FILES[kind], media_type=CATALOG_MEDIA_TYPE)])


def assessments_mapping(ws: Workspace, store: GraphStore, resources: Resources,
                        portfolio: str | None = None) -> MappingCollection:
    """Every assessment (or those of one portfolio's members) as an OSCAL mapping collection."""
    members = None
    if portfolio is not None:
        node = portfolio_iri(store, portfolio)  # an unknown name is an error naming the known ones
        members = {r["entry"] for r in select(store, "portfolio_member_ids", union=False, portfolio=node)}
    order = {r.id: n for n, r in enumerate(list_obligations(store, resources))}
    records = [a for a in assessment_records(store) if members is None or not a.entry or a.identifier in members]
    records.sort(key=lambda a: (order.get(a.obligation, len(order)), a.identifier))
    found = [a for a in records if a.relation != NOT_APPLICABLE]
    if not found:
        raise InputError(f"no assessment names a member of portfolio {portfolio!r}: nothing to map" if portfolio
                         else "no assessment names a catalogue entry: nothing to map")
    waived = [a for a in records if a.relation == NOT_APPLICABLE]
    entry_ids = sorted({entry_control_id(r["e"]) for r in select(store, "oscal_entries")
                        if members is None or r["identifier"] in members})
    mapped_sources = {obligation_control_id(a.obligation) for a in found}
    mapped_targets = {entry_control_id(a.entry) for a in found}
    unmapped = [obligation_control_id(o) for o in order if obligation_control_id(o) not in mapped_sources]
    resources_ = [_catalog_resource("obligations", "Obligations (mvkg export oscal-catalog)",
                                    obligations_catalog(ws, store, resources).uuid),
                  _catalog_resource("catalogue", "Catalogue entries (mvkg export oscal-catalog --catalogue)",
                                    _catalogue_uuid(ws, resources))]
    scope = portfolio or "all"
    mapping = Mapping(
        uuid=stable_uuid(f"{ID}oscal/mapping/{scope}"),
        source_resource=MappingResourceReference(type="catalog", href=f"#{resources_[0].uuid}"),
        target_resource=MappingResourceReference(type="catalog", href=f"#{resources_[1].uuid}"),
        maps=[_map(a) for a in found],
        props=[_not_applicable(a) for a in waived] or None,
        source_gap_summary=_gap(f"{scope}/obligations", unmapped),
        target_gap_summary=_gap(f"{scope}/entries", [e for e in entry_ids if e not in mapped_targets]))
    covered = mapped_sources | {obligation_control_id(a.obligation) for a in waived}
    methods = {METHODS.get(a.method or "manual", "hybrid") for a in records}
    provenance = MappingProvenance(
        method=methods.pop() if len(methods) == 1 else "hybrid", matching_rationale="semantic",
        status="complete" if all(obligation_control_id(o) in covered for o in order) else "not-complete",
        mapping_description=DESCRIPTION)
    back = BackMatter(resources=resources_)
    digest = content_digest([provenance, mapping, back])
    title = "Coverage assessments (mvkg)" + (f": portfolio {portfolio}" if portfolio else "")
    return MappingCollection(uuid=document_uuid(f"assessments/{scope}", digest), provenance=provenance,
                             mappings=[mapping], back_matter=back,
                             metadata=metadata(title, build_time(ws), digest, props(("portfolio", portfolio)),
                                               remarks="Written by mvkg from the built graph; one map per assessment."))

