"""Naming obligations as analysts do and listing stored assessments: what the assessment
writes (mvkg.pipeline) and listings share. An obligation is named by its id
(atu-mv/resolves/para_b) or as `mvkg coverage` shows it ("ATU-MV resolves b")."""

from __future__ import annotations

import pyoxigraph as ox

from mvkg.compliance.validate import obligation_info
from mvkg.graph.update import Live
from mvkg.inputs import assessments
from mvkg.inputs.assessments import ObligationRef, Stored, resolve_obligation
from mvkg.kernel.errors import InputError
from mvkg.kernel.namespaces import GRAPH, short_id
from mvkg.kernel.workspace import Workspace
from mvkg.query.graphstore import GraphStore
from mvkg.query.store import DataView


def obligation_refs(store: GraphStore) -> list[ObligationRef]:
    """Every obligation of the resolutions read from text, with the name analysts use for it
    ("ATU-MV resolves b": `ref.label`), in document order."""
    prefix = str(GRAPH["resolution/"])
    graphs = tuple(sorted((g for g in store.named_graphs() if isinstance(g, ox.NamedNode) and g.value.startswith(prefix)),
                          key=lambda g: g.value))
    info = sorted(obligation_info(DataView(store, graphs)).values(), key=lambda o: (o.resolution, o.section_order, o.clause_order))
    return [ObligationRef(o.iri, o.resolution, o.section, o.item) for o in info]


def live_obligation(live: Live, obligation: str) -> str:
    """The short id of the obligation named by id or as "ATU-MV resolves b"."""
    if "/" in obligation or not live.current:
        return resolve_obligation(obligation, [])
    return resolve_obligation(obligation, obligation_refs(live.store()))


def list_assessments(ws: Workspace, store: GraphStore | None = None, *, obligation: str | None = None,
                     entry: str | None = None, review: str | None = None) -> list[Stored]:
    """The stored assessments, in file and row order, filtered by obligation (id, or by name
    when `store` is given), catalogue id and review state (draft, reviewed)."""
    short = None
    if obligation is not None:
        refs = obligation_refs(store) if store is not None else []
        short = resolve_obligation(obligation, refs)
        if refs and short not in {short_id(r.iri) for r in refs}:
            raise InputError(f"no obligation {obligation!r} in the built resolutions")
    return assessments.listing(ws, short, entry, review)

