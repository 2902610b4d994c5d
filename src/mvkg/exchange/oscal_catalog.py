"""OSCAL catalogs written by mvkg (`mvkg export oscal-catalog`).

**The obligations** (the default): each resolution is a group, each obligation a control.

- control id: the obligation's short id as a token (`ecp-mv.instructs-sg16.para_2.item_ii`);
  title: resolution, section and item (`ECP-MV instructs Study Group 16 2.ii`);
- a `statement` part with the obligation's verbatim text, and a `lead-in` part (mvkg `ns`)
  with the words of the enclosing paragraph that lead into it, when there are any;
- props: OSCAL's `label` (the item label) and, in mvkg's `ns` (`https://w3id.org/mvkg/oscal`),
  `resolution`, `section`, `item`, `modality`, `strength`, `bearer`, `collaborator`, `theme`,
  `sdg`, `condition`, `deadline`, `source-file`, `start` and `end` (Unicode code-point
  offsets: `text == file_text[start:end]`), `extraction-confidence` and `extraction-warning`
  (how sure the ingest was, and why not);
- links: `canonical` to the obligation's IRI, and `reference` to the resolution's
  back-matter resource with the RFC 5147 fragment `char=start,end`;
- back-matter: one resource per resolution (title, document numbers, code, status, date,
  and an rlink to the text file with its SHA-256).

**The catalogue** (`--catalogue`): each publisher is a group, each catalogue entry a control
(id: the entry's slug as a token), with OSCAL's `label` and mvkg props for every column of
`data/catalogue/*.csv` (`identifier`, `publisher`, `kind`, `status`, `date`, `theme`,
`topic`, `source-url`, `scope-source`, `checked`), the `url` as an `alternate` link, the notes and the
published scope as `notes` and `scope` parts.
`mvkg import oscal-catalog` reads all of it back, so catalogue → OSCAL → catalogue keeps
every field. The assessments' mapping collection points into both catalogs by these ids.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from trestle.oscal.catalog import Catalog, Control, Group2
from trestle.oscal.common import BackMatter, DocumentId, Hash, Part, Property, Resource, Rlink

from mvkg.analysis.obligations import ObligationRow, list_obligations
from mvkg.analysis.views import obligation_details
from mvkg.exchange.oscal_common import (
    OSCAL_NS,
    build_time,
    content_digest,
    files_time,
    link,
    metadata,
    one_line,
    prop,
    props,
    stable_uuid,
    token,
)
from mvkg.graph.build import load_lexicon
from mvkg.inputs.catalogue import Entry, load_catalogue
from mvkg.kernel.errors import InputError
from mvkg.kernel.lexicon import Lexicon
from mvkg.kernel.namespaces import ID, short_id, slugify
from mvkg.kernel.resources import Resources
from mvkg.kernel.workspace import Workspace
from mvkg.query.graphstore import GraphStore
from mvkg.query.named import select

_SEP = "\u001f"
OBLIGATIONS_TITLE = "Obligations of ITU and UN resolutions (mvkg)"
CATALOGUE_TITLE = "Catalogue of standards and activities (mvkg)"


def obligation_control_id(iri: str) -> str:
    """`…/id/ecp-mv/resolves/para_1/obligation` → `ecp-mv.resolves.para_1` (slugs hold no dots,
    so distinct obligations keep distinct ids)."""
    return token(short_id(iri).replace("/", "."))


def entry_control_id(identifier_or_iri: str) -> str:
    """A catalogue entry's control id: its slug (`ITU-T Y.4240` → `itu-t-y-4240`)."""
    tail = identifier_or_iri.rsplit("/entry/", 1)[-1] if "/entry/" in identifier_or_iri else slugify(identifier_or_iri)
    return token(tail)


def document_uuid(kind: str, digest: str) -> str:
    """A document's UUID: the same content gives the same UUID, changed content a new one."""
    return stable_uuid(f"{ID}oscal/{kind}/{digest}")


# ------------------------------------------------------------------ obligations


@dataclass(frozen=True)
class SourceDocument:
    iri: str
    code: str
    title: str
    date: str
    status: str
    file: str
    sha256: str
    media_type: str
    numbers: tuple[str, ...]

    @property
    def uuid(self) -> str:
        return stable_uuid(self.iri)


def source_documents(store: GraphStore) -> dict[str, SourceDocument]:
    """Each resolution in the graph, by code (queries/internal/oscal_resolutions.rq)."""
    out = {}
    for r in select(store, "oscal_resolutions"):
        out[r["code"]] = SourceDocument(r["r"], r["code"], r["title"], r["date"], r["status"], r["file"], r["sha256"],
                                        r["mediaType"], tuple(sorted(n for n in r["numbers"].split(_SEP) if n)))
    return out


def _resource(doc: SourceDocument) -> Resource:
    return Resource(
        uuid=doc.uuid, title=one_line(f"{doc.code}: {doc.title}" if doc.title else doc.code),
        props=props(("resolution", doc.code), ("status", doc.status), ("date", doc.date)),
        document_ids=[DocumentId(identifier=n) for n in doc.numbers] or None,
        rlinks=[Rlink(href=doc.file, media_type=doc.media_type or None,
                      hashes=[Hash(algorithm="SHA-256", value=doc.sha256)] if doc.sha256 else None)] if doc.file else None)


def _control(row: ObligationRow, detail, doc: SourceDocument) -> Control:
    cid = obligation_control_id(row.id)
    label = [prop("label", row.item, own=False)] if row.item else []
    mvkg_props: list[Property] = props(
        ("resolution", row.resolution), ("section", row.section), ("item", row.item), ("modality", row.modality),
        ("strength", detail.strength), ("bearer", list(row.bearers)), ("collaborator", list(detail.collaborators)),
        ("theme", list(row.themes)), ("sdg", [str(g) for g in row.sdgs]), ("condition", detail.condition),
        ("deadline", detail.deadline), ("source-file", row.file), ("start", row.start), ("end", row.end),
        ("extraction-confidence", row.confidence), ("extraction-warning", list(row.warnings)))
    parts = [Part(id=f"{cid}_smt", name="statement", prose=row.text)]
    lead_in = detail.paragraph[: len(detail.paragraph) - len(row.text)].strip() if detail.paragraph != row.text else ""
    if lead_in:
        parts.append(Part(id=f"{cid}_lead-in", name="lead-in", ns=OSCAL_NS, prose=lead_in))
    title = one_line(" ".join(x for x in (row.resolution, row.section, row.item) if x))
    return Control(id=cid, class_="obligation", title=title, props=label + mvkg_props, parts=parts,
                   links=[link(row.id, "canonical", "the obligation in the mvkg graph"),
                          link(f"#{doc.uuid}", "reference", "source text", fragment=f"char={row.start},{row.end}")])


def obligations_catalog(ws: Workspace, store: GraphStore, resources: Resources, resolution: str | None = None) -> Catalog:
    """The obligations of every resolution (or of one) as an OSCAL catalog."""
    rows = list_obligations(store, resources, resolution)
    if not rows:
        raise InputError(f"no obligations for resolution {resolution!r} in the built graph" if resolution
                         else "no obligations in the built graph")
    details = obligation_details(store, [r.id for r in rows])
    docs = source_documents(store)
    by_resolution: dict[str, list[Control]] = defaultdict(list)
    for row in rows:
        by_resolution[row.resolution].append(_control(row, details[row.id], docs[row.resolution]))
    groups = [Group2(id=token(slugify(code)), class_="resolution", title=_resource(docs[code]).title,
                     props=props(("resolution", code)), links=[link(f"#{docs[code].uuid}", "reference", "source text")],
                     controls=controls)
              for code, controls in sorted(by_resolution.items())]
    back = BackMatter(resources=[_resource(docs[code]) for code in sorted(by_resolution)])
    digest = content_digest([*groups, back])
    title = OBLIGATIONS_TITLE + (f": {resolution}" if resolution else "")
    return Catalog(uuid=document_uuid("obligations", digest), groups=groups, back_matter=back,
                   metadata=metadata(title, build_time(ws), digest, props(("resolution", resolution)),
                                     remarks="Written by mvkg from the built graph; one control per obligation."))


# ------------------------------------------------------------------ catalogue


def _entry_control(e: Entry, lex: Lexicon) -> Control:
    extra = props(("identifier", e.id), ("publisher", lex.actors[e.publisher].notation), ("kind", e.kind),
                  ("status", e.status), ("date", e.date), ("theme", [lex.themes[t].notation for t in e.themes]),
                  ("topic", [lex.topics[t].notation for t in e.topics]), ("source-url", list(e.source_urls)),
                  ("scope-source", e.scope_source), ("checked", e.checked))
    parts = [Part(name=name, ns=OSCAL_NS, prose=text) for name, text in (("notes", e.notes), ("scope", e.scope)) if text]
    return Control(id=entry_control_id(e.iri), class_=e.kind, title=one_line(e.title),
                   props=[prop("label", e.id, own=False), *extra],
                   links=[link(e.url, "alternate", "where the entry can be read")] if e.url else None,
                   parts=parts or None)


def catalogue_catalog(ws: Workspace, resources: Resources) -> Catalog:
    """The catalogue of standards and activities (data/catalogue/*.csv) as an OSCAL catalog,
    one group per publisher."""
    lex = load_lexicon(resources)
    entries = load_catalogue(ws, lex)
    if not entries:
        raise InputError("the catalogue is empty", path=ws.relative(ws.catalogue_dir))
    by_publisher: dict[str, list[Entry]] = defaultdict(list)
    for e in entries:
        by_publisher[e.publisher].append(e)
    groups = []
    for publisher in sorted(by_publisher, key=lambda p: lex.actors[p].notation):
        actor = lex.actors[publisher]
        members = sorted(by_publisher[publisher], key=lambda e: entry_control_id(e.iri))
        groups.append(Group2(id=token(actor.notation), class_="publisher", title=one_line(actor.label),
                             props=props(("publisher", actor.notation)), links=[link(publisher, "canonical")],
                             controls=[_entry_control(e, lex) for e in members]))
    digest = content_digest(groups)
    return Catalog(uuid=document_uuid("catalogue", digest), groups=groups,
                   metadata=metadata(CATALOGUE_TITLE, files_time(ws.catalogue_files()), digest,
                                     remarks="Written by mvkg from data/catalogue; one control per catalogue entry."))
