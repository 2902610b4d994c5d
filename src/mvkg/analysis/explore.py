"""Read-only views for analysts (UI and CLI share them): obligation detail with its
paragraph and tag evidence, per-resolution and per-theme breakdowns, and a neighbourhood
graph in DOT."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pyoxigraph as ox

from mvkg.compliance.coverage import Coverage, summarise
from mvkg.kernel.namespaces import MVKG, SKOS

_P = {"mvkg": str(MVKG), "skos": str(SKOS)}


def _q(store: ox.Store, query: str, **bind: str) -> list[dict[str, str]]:
    """Run a SELECT with some variables bound to IRIs (as a VALUES block), as plain strings."""
    values = "".join(f" VALUES ?{k} {{ {ox.NamedNode(v)} }}" for k, v in bind.items())
    head, brace, body = query.partition("{")
    result = store.query(head + brace + values + body, prefixes=_P, use_default_graph_as_union=True)
    names = [v.value for v in result.variables]
    rows = [{n: (row[n].value if row[n] is not None else "") for n in names} for row in result]
    del result
    return rows


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


def obligation_detail(store: ox.Store, iri: str) -> ObligationDetail:
    head = _q(store, """SELECT ?text ?start ?end ?file ?modality ?strength ?condition ?deadline WHERE {
        ?o mvkg:text ?text ; mvkg:start ?start ; mvkg:end ?end ; mvkg:sourceDocument/mvkg:fileName ?file ;
           mvkg:modality/skos:prefLabel ?modality ; mvkg:strength/skos:prefLabel ?strength .
        OPTIONAL { ?o mvkg:condition ?condition } OPTIONAL { ?o mvkg:deadline ?deadline } }""", o=iri)[0]
    lead = [r["t"] for r in _q(store, "SELECT ?t WHERE { ?o mvkg:leadIn ?t }", o=iri)]
    people = _q(store, """SELECT ?role ?label WHERE { { ?o mvkg:bearer ?a BIND("b" AS ?role) } UNION
        { ?o mvkg:collaborator ?a BIND("c" AS ?role) } ?a skos:prefLabel ?label } ORDER BY ?label""", o=iri)
    ev = _q(store, """SELECT ?kind ?label ?words WHERE { ?o mvkg:tagEvidence ?e . ?e mvkg:concept ?c ; mvkg:matchedText ?words .
        ?c skos:prefLabel ?label . BIND(IF(EXISTS { ?c a mvkg:Theme }, "theme", "topic") AS ?kind) } ORDER BY ?kind ?label""", o=iri)
    sdgs = [r["l"] for r in _q(store, "SELECT ?l WHERE { ?o mvkg:sdg ?g . ?g skos:prefLabel ?l }", o=iri)]
    return ObligationDetail(
        iri=iri, text=head["text"], paragraph="\n".join([*lead, head["text"]]), start=int(head["start"]),
        end=int(head["end"]), file=head["file"], modality=head["modality"], strength=head["strength"],
        bearers=tuple(r["label"] for r in people if r["role"] == "b"),
        collaborators=tuple(r["label"] for r in people if r["role"] == "c"),
        condition=head["condition"], deadline=head["deadline"],
        evidence=tuple(Evidence(r["kind"], r["label"], r["words"]) for r in ev), sdgs=tuple(sdgs))


def labels_for(store: ox.Store, iris: list[str], limit: int = 2000) -> dict[str, str]:
    """rdfs:label or skos:prefLabel of the given IRIs (at most `limit` of them)."""
    wanted = sorted(set(iris))[:limit]
    if not wanted:
        return {}
    values = " ".join(str(ox.NamedNode(i)) for i in wanted)
    rows = _q(store, f"""SELECT ?x (SAMPLE(?l) AS ?label) WHERE {{ VALUES ?x {{ {values} }}
        {{ ?x skos:prefLabel ?l }} UNION {{ ?x <http://www.w3.org/2000/01/rdf-schema#label> ?l }} }} GROUP BY ?x""")
    return {r["x"]: r["label"] for r in rows}


def obligation_themes(store: ox.Store) -> dict[str, list[str]]:
    """Obligation IRI → labels of its themes and every broader theme (the hierarchy rolled up)."""
    rows = _q(store, """SELECT DISTINCT ?o ?label WHERE { ?o a mvkg:Obligation ; mvkg:hasTheme ?t .
        ?t skos:broader* ?b . ?b skos:prefLabel ?label }""")
    out: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        out[r["o"]].append(r["label"])
    return {k: sorted(v) for k, v in out.items()}


def obligation_sdgs(store: ox.Store) -> dict[str, list[str]]:
    rows = _q(store, """SELECT ?o ?n WHERE { ?o mvkg:sdgReference ?r . OPTIONAL { ?r mvkg:goal/mvkg:number ?g }
        BIND(IF(BOUND(?g), CONCAT("SDG ", STR(?g)), "SDGs (generic)") AS ?n) }""")
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


def resolution_codes(store: ox.Store) -> list[str]:
    return sorted(r["c"] for r in _q(store, "SELECT DISTINCT ?c WHERE { ?r a mvkg:Resolution ; mvkg:code ?c }"))


def _dot_id(iri: str) -> str:
    return '"' + iri.replace('"', "") + '"'


def _dot_label(text: str) -> str:
    text = " ".join(text.split())
    return '"' + (text[:60] + "…" if len(text) > 60 else text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def neighbourhood_dot(store: ox.Store, cov: Coverage, iri: str) -> str:
    """Resolution → obligation → themes → covering entries, for one obligation or one theme."""
    verdict = {r.id: r for r in cov.rows}
    is_theme = bool(_q(store, "SELECT ?x WHERE { ?t a mvkg:Theme BIND(1 AS ?x) }", t=iri))
    obligations = ([r["o"] for r in _q(store, "SELECT DISTINCT ?o WHERE { ?o mvkg:hasTheme/skos:broader* ?t }", t=iri)]
                   if is_theme else [iri])
    lines = ["digraph mvkg {", 'rankdir=LR; node [shape=box, fontsize=10, fontname="sans-serif"];']
    for ob in obligations:
        row = verdict.get(ob)
        if row is None:
            continue
        res = f"res:{row.resolution}"
        lines.append(f'{_dot_id(res)} [label={_dot_label(row.resolution)}, shape=folder];')
        lines.append(f"{_dot_id(ob)} [label={_dot_label(f'{row.section} {row.item} ({row.verdict})')}];")
        lines.append(f"{_dot_id(res)} -> {_dot_id(ob)};")
        for t in _q(store, "SELECT ?t ?l WHERE { ?o mvkg:hasTheme ?t . ?t skos:prefLabel ?l }", o=ob):
            lines.append(f"{_dot_id(t['t'])} [label={_dot_label(t['l'])}, shape=ellipse];")
            lines.append(f'{_dot_id(ob)} -> {_dot_id(t["t"])} [label="theme"];')
        for c in row.covering:
            lines.append(f"{_dot_id('entry:' + c.entry)} [label={_dot_label(c.entry)}, shape=note];")
            lines.append(f"{_dot_id('entry:' + c.entry)} -> {_dot_id(ob)} [label={_dot_label(c.relation)}];")
    lines.append("}")
    return "\n".join(lines)
