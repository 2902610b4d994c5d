"""Draft-against-draft alignment: pair the obligations of two resolutions with a typed
relation (equivalent, broader, narrower, overlapping; unmatched on either side), a score and
the evidence. Scores combine text similarity (TF-IDF cosine, scikit-learn) with the overlap
of themes (with the hierarchy), bearers (with units rolled up to their organization) and the
action verb, all read from the graph.

Analyst decisions (confirm, change, reject) are kept in data/alignments/decisions.csv with
who and when, and win over the suggestions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from mvkg.inputs.csvtable import Problem, TableError, read_rows, write_rows
from mvkg.kernel.errors import InputError
from mvkg.kernel.namespaces import ID, short_id
from mvkg.kernel.vocabulary import VOCABULARY
from mvkg.kernel.workspace import Workspace
from mvkg.query.graphstore import GraphStore
from mvkg.query.named import select

RELATIONS = VOCABULARY.alignment_relations.notations
DECISIONS = tuple(n for n in VOCABULARY.review_statuses.notations if n != "suggested")
DECISION_COLUMNS = ("a", "b", "decision", "relation", "by", "date", "note")
WEIGHTS = {"text": 0.4, "themes": 0.4, "bearers": 0.1, "verb": 0.1}
THRESHOLD = 0.22  # a pair below this score is not suggested (chosen on the seeds: see README)
_VERB = re.compile(r"^(?:to\s+)?(\w+)", re.I)


@dataclass(frozen=True)
class Features:
    iri: str
    key: str  # short id
    code: str
    section: str
    item: str
    text: str  # lead-in + item
    themes: frozenset[str]  # labels, with broader themes
    direct_themes: frozenset[str]
    bearers: frozenset[str]  # labels, with the organizations they are part of
    verb: str


@dataclass(frozen=True)
class Pair:
    a: Features | None
    b: Features | None
    relation: str  # one of RELATIONS, or "unmatched"
    score: float
    evidence: dict[str, Any]
    status: str = "suggested"  # or a decision: confirmed / changed / rejected
    decided_by: str = ""
    decided_on: str = ""

    def to_json(self) -> dict[str, object]:
        side = lambda f: None if f is None else {"id": f.iri, "section": f.section, "item": f.item, "text": f.text}
        return {"a": side(self.a), "b": side(self.b), "relation": self.relation, "score": round(self.score, 3),
                "evidence": self.evidence, "status": self.status, "decided_by": self.decided_by,
                "decided_on": self.decided_on}


def features(store: GraphStore, code: str) -> list[Features]:
    rows = select(store, "resolution_obligations", code=ox.Literal(code))
    if not rows:
        raise InputError(f"no obligations for resolution {code!r} in the built graph")
    themes = _multi(store, "obligation_theme_labels")
    direct = _multi(store, "obligation_direct_theme_labels")
    bearers = _multi(store, "obligation_bearer_labels")
    out = []
    for r in sorted(rows, key=lambda r: (int(r["so"]), int(r["co"]))):
        m = _VERB.match(r["action"])
        out.append(Features(r["o"], short_id(r["o"]), code, r["section"],
                            r["item"], r["action"], frozenset(themes.get(r["o"], ())), frozenset(direct.get(r["o"], ())),
                            frozenset(bearers.get(r["o"], ())), m.group(1).lower() if m else ""))
    return out


def _multi(store: GraphStore, name: str) -> dict[str, set[str]]:
    """The rows (?o, ?v) of the named query, grouped by ?o."""
    out: dict[str, set[str]] = {}
    for r in select(store, name):
        out.setdefault(r["o"], set()).add(r["v"])
    return out


def _jaccard(x: frozenset[str], y: frozenset[str]) -> float:
    return len(x & y) / len(x | y) if x | y else 0.0


def _key_phrases(vectorizer, va, vb, n: int = 5) -> list[str]:
    shared = va.multiply(vb).toarray()[0]
    terms = vectorizer.get_feature_names_out()
    order = shared.argsort()[::-1]
    return [terms[i] for i in order[:n] if shared[i] > 0]


def relation_of(a: Features, b: Features) -> str:
    """A asks for more than B (broader) when A's themes strictly contain B's; the reverse is
    narrower; the same themes are equivalent; anything else overlaps."""
    ta, tb = a.direct_themes, b.direct_themes
    if ta == tb:
        return "equivalent"
    if tb < a.themes and not ta <= b.themes:
        return "broader"
    if ta < b.themes and not tb <= a.themes:
        return "narrower"
    return "overlapping"


def score_matrix(fa: list[Features], fb: list[Features]):
    from sklearn.feature_extraction.text import TfidfVectorizer  # heavy import (~3 s): only when used
    from sklearn.metrics.pairwise import cosine_similarity

    vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True)
    matrix = vectorizer.fit_transform([f.text for f in fa + fb])
    ma, mb = matrix[: len(fa)], matrix[len(fa):]
    text = cosine_similarity(ma, mb)
    scores = {}
    for i, a in enumerate(fa):
        for j, b in enumerate(fb):
            parts = {"text": float(text[i, j]), "themes": _jaccard(a.themes, b.themes),
                     "bearers": _jaccard(a.bearers, b.bearers), "verb": 1.0 if a.verb and a.verb == b.verb else 0.0}
            scores[(i, j)] = (sum(WEIGHTS[k] * v for k, v in parts.items()), parts, _key_phrases(vectorizer, ma[i], mb[j]))
    return scores


def align(store: GraphStore, code_a: str, code_b: str, decisions: list[dict[str, str]] | None = None) -> list[Pair]:
    fa, fb = features(store, code_a), features(store, code_b)
    scores = score_matrix(fa, fb)
    chosen: set[tuple[int, int]] = set()
    for i in range(len(fa)):  # each obligation's best partner, both ways
        j = max(range(len(fb)), key=lambda j: scores[(i, j)][0])
        if scores[(i, j)][0] >= THRESHOLD:
            chosen.add((i, j))
    for j in range(len(fb)):
        i = max(range(len(fa)), key=lambda i: scores[(i, j)][0])
        if scores[(i, j)][0] >= THRESHOLD:
            chosen.add((i, j))
    pairs = []
    for i, j in sorted(chosen):
        total, parts, phrases = scores[(i, j)]
        a, b = fa[i], fb[j]
        evidence = {"text_similarity": round(parts["text"], 3), "shared_themes": sorted(a.direct_themes & b.direct_themes),
                    "shared_bearers": sorted(a.bearers & b.bearers), "same_action": a.verb if parts["verb"] else "",
                    "key_phrases": phrases}
        pairs.append(Pair(a, b, relation_of(a, b), total, evidence))
    pairs = _apply_decisions(pairs, decisions or [], {f.key: f for f in fa}, {f.key: f for f in fb}, scores, fa, fb)
    matched_a = {p.a.key for p in pairs if p.a and p.status != "rejected"}
    matched_b = {p.b.key for p in pairs if p.b and p.status != "rejected"}
    pairs += [Pair(a, None, "unmatched", 0.0, {}) for a in fa if a.key not in matched_a]
    pairs += [Pair(None, b, "unmatched", 0.0, {}) for b in fb if b.key not in matched_b]
    return pairs


def _apply_decisions(pairs, decisions, by_a, by_b, scores, fa, fb) -> list[Pair]:
    out = {(p.a.key, p.b.key): p for p in pairs}
    flip = {"broader": "narrower", "narrower": "broader"}
    for d in decisions:
        a, b, decided = by_a.get(d["a"]), by_b.get(d["b"]), d["relation"]
        if a is None or b is None:  # recorded the other way round (B, A)?
            a, b, decided = by_a.get(d["b"]), by_b.get(d["a"]), flip.get(d["relation"], d["relation"])
        if a is None or b is None:
            continue  # a decision about other resolutions
        i, j = fa.index(a), fb.index(b)
        total, parts, phrases = scores[(i, j)]
        base = out.get((a.key, b.key)) or Pair(a, b, relation_of(a, b), total, {"text_similarity": round(parts["text"], 3),
                                                                              "key_phrases": phrases})
        relation = decided if d["decision"] == "changed" and decided else base.relation
        out[(a.key, b.key)] = Pair(a, b, relation, base.score, base.evidence, d["decision"], d["by"], d["date"])
    return sorted(out.values(), key=lambda p: (fa.index(p.a), fb.index(p.b)))


# ------------------------------------------------------------------ decisions

def decisions_path(ws: Workspace) -> Path:
    return ws.decisions_file


def load_decisions(ws: Workspace) -> list[dict[str, str]]:
    path = decisions_path(ws)
    if not path.is_file():
        return []
    rows = read_rows(path, DECISION_COLUMNS)
    problems = [Problem(line, f"decision {r['decision']!r} is not one of {', '.join(DECISIONS)}")
                for line, r in rows if r["decision"] not in DECISIONS]
    problems += [Problem(line, f"relation {r['relation']!r} is not one of {', '.join(RELATIONS)}")
                 for line, r in rows if r["relation"] and r["relation"] not in RELATIONS]
    if problems:
        raise TableError(ws.relative(path), problems)
    return [r for _, r in rows]


def record_decision(ws: Workspace, a: str, b: str, decision: str, relation: str, by: str, note: str = "",
                    today: str | None = None) -> Path:
    if decision not in DECISIONS:
        raise InputError(f"decision must be one of {', '.join(DECISIONS)}")
    if relation and relation not in RELATIONS:
        raise InputError(f"relation must be one of {', '.join(RELATIONS)}")
    if decision == "changed" and not relation:
        raise InputError("a changed pair needs its new --relation")
    if not by.strip():
        raise InputError("say who decided (--by)")
    rows = [r for r in load_decisions(ws) if not (r["a"] == a and r["b"] == b)]
    rows.append({"a": a, "b": b, "decision": decision, "relation": relation, "by": by,
                 "date": today or date.today().isoformat(), "note": note})
    path = decisions_path(ws)
    write_rows(path, DECISION_COLUMNS, rows)
    return path


# ------------------------------------------------------------------ evaluation and merged view

def evaluate(pairs: list[Pair], truth: set[tuple[str, str]]) -> dict[str, float]:
    found = {(p.a.key, p.b.key) for p in pairs if p.a and p.b and p.status != "rejected"}
    tp = len(found & truth)
    return {"precision": round(tp / len(found), 3) if found else 0.0, "recall": round(tp / len(truth), 3) if truth else 0.0,
            "true_positives": tp, "suggested": len(found), "labelled": len(truth)}


def merged_view(pairs: list[Pair]) -> list[dict[str, str]]:
    """One row per aligned topic with each draft's wording, for drafting a compromise text."""
    rows = []
    for p in pairs:
        if p.status == "rejected":
            continue
        topic = ", ".join(p.evidence.get("shared_themes", [])) if p.a and p.b else ""
        rows.append({"topic": topic or "(unmatched)", "relation": p.relation,
                     "a": f"{p.a.section} {p.a.item}: {p.a.text}" if p.a else "",
                     "b": f"{p.b.section} {p.b.item}: {p.b.text}" if p.b else ""})
    return rows


def alignment_graph(pairs: list[Pair], code_a: str, code_b: str):
    """Matched pairs as mvkg:Alignment nodes (stable IRIs from the two obligations)."""
    from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef

    from mvkg.kernel.namespaces import MVKG, slugify

    g = Graph()
    for p in pairs:
        if p.a is None or p.b is None:
            continue
        node = URIRef(str(ID[f"alignment/{slugify(code_a)}--{slugify(code_b)}/"
                             f"{slugify(p.a.key)}--{slugify(p.b.key)}"]))
        g.add((node, RDF.type, MVKG.Alignment))
        g.add((node, RDFS.label, Literal(f"{p.a.code} {p.a.section} {p.a.item} ~ {p.b.code} {p.b.section} {p.b.item}")))
        g.add((node, MVKG.alignsA, URIRef(p.a.iri)))
        g.add((node, MVKG.alignsB, URIRef(p.b.iri)))
        g.add((node, MVKG.hasAlignmentRelation, Literal(p.relation)))
        g.add((node, MVKG.score, Literal(f"{p.score:.3f}", datatype=XSD.decimal)))
        g.add((node, MVKG.hasReviewStatus, Literal(p.status)))
        if p.decided_by:
            g.add((node, MVKG.decidedBy, Literal(p.decided_by)))
            g.add((node, MVKG.decidedOn, Literal(p.decided_on, datatype=XSD.date)))
        if p.evidence.get("key_phrases"):
            g.add((node, MVKG.evidence, Literal("key phrases: " + ", ".join(p.evidence["key_phrases"]))))
    return g
