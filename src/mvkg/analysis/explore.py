"""Read-only views for analysts (UI and CLI share them): the typed obligation detail,
labels of IRIs, themes and SDGs per obligation, per-resolution and per-theme breakdowns,
and a neighbourhood graph in DOT."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from mvkg.compliance.coverage import Coverage, summarise
from mvkg.query.graphstore import GraphStore
from mvkg.query.named import select


@dataclass(frozen=True)
class Evidence:
    kind: str  # "theme" | "topic"
    label: str
    words: str


@dataclass(frozen=True)
class ObligationDetail:
    iri: str
    text: str
    paragraph: str  # the clause's text with its lead-in, as in the file
    start: int
    end: int
    file: str
    modality: str
    strength: str
    bearers: tuple[str, ...]
    collaborators: tuple[str, ...]
    condition: str
    deadline: str
    evidence: tuple[Evidence, ...]
    sdgs: tuple[str, ...]


def labels_for(store: GraphStore, iris: list[str], limit: int = 2000) -> dict[str, str]:
    """rdfs:label or skos:prefLabel of the given IRIs (at most `limit` of them)."""
    wanted = sorted(set(iris))[:limit]
    if not wanted:
        return {}
    rows = select(store, "labels", x=wanted)
    return {r["x"]: r["label"] for r in rows}


def obligation_themes(store: GraphStore) -> dict[str, list[str]]:
    """Obligation IRI → labels of its themes and every broader theme (the hierarchy rolled up)."""
    rows = select(store, "obligation_theme_rollup")
    out: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        out[r["o"]].append(r["label"])
    return {k: sorted(v) for k, v in out.items()}


def obligation_sdgs(store: GraphStore) -> dict[str, list[str]]:
    rows = select(store, "obligation_sdg_names")
    out: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        if r["n"] not in out[r["o"]]:
            out[r["o"]].append(r["n"])
    return dict(out)


def breakdown(cov: Coverage, groups: dict[str, list[str]]) -> dict[str, dict]:
    """Summary (counts, coverage %) per group; `groups` maps obligation IRI → group names."""
    verdicts: dict[str, list[str]] = defaultdict(list)
    for row in cov.rows:
        for g in groups.get(row.id, []):
            verdicts[g].append(row.verdict)
    return {g: {"coverage_percent": s.coverage_percent, "counts": s.counts, "n": len(v)}
            for g, v in sorted(verdicts.items()) for s in [summarise(v)]}


def by_resolution(cov: Coverage) -> dict[str, list[str]]:
    return {r.id: [r.resolution] for r in cov.rows}


def resolution_codes(store: GraphStore) -> list[str]:
    return sorted(r["c"] for r in select(store, "resolution_codes"))
