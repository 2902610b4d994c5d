"""Coverage suggestions: rank catalogue entries that could cover an obligation, with the
reasons (themes addressed, through the hierarchy; words shared with the title; topics;
status). An analyst accepts a suggestion, which records a coverage assessment marked
machine-suggested and confirmed by that analyst."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from mvkg.inputs.assessments import RELATIONS, read_table, table_bytes
from mvkg.kernel.errors import InputError
from mvkg.kernel.files import atomic_write
from mvkg.kernel.namespaces import obligation_iri, portfolio_node, short_id
from mvkg.kernel.workspace import Workspace
from mvkg.query.graphstore import GraphStore
from mvkg.query.named import select

WEIGHTS = {"themes": 0.35, "text": 0.35, "topics": 0.1, "status": 0.1, "bearer": 0.1}
STATUS_SCORE = {"published": 1.0, "approved": 0.9, "in-progress": 0.5, "proposed": 0.3, "withdrawn": 0.0}
ACCEPTED_FILE = "accepted-suggestions.csv"


@dataclass(frozen=True)
class Suggestion:
    entry: str
    title: str
    status: str
    score: float
    reasons: tuple[str, ...]
    themes_addressed: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        return {"entry": self.entry, "title": self.title, "status": self.status, "score": round(self.score, 3),
                "themes_addressed": list(self.themes_addressed), "reasons": list(self.reasons)}


@dataclass(frozen=True)
class _Entry:
    id: str
    iri: str
    title: str
    status: str
    text: str  # title and notes
    addresses: frozenset[str]  # theme IRIs the entry addresses: its themes and every broader one
    topics: frozenset[str]
    publishers: frozenset[str]  # the publisher and the organizations it is part of


def _entries(store: GraphStore, portfolio: str | None) -> list[_Entry]:
    rows = (select(store, "portfolio_entries", portfolio=portfolio_node(portfolio)) if portfolio
            else select(store, "catalogue_entries"))
    addresses = _pairs(store, "entry_themes_addressed")
    topics = _pairs(store, "entry_topics")
    within = _pairs(store, "entry_publishers")
    return [_Entry(r["id"], r["e"], r["title"], r["status"], r["title"] + " " + r["note"],
                   frozenset(addresses.get(r["e"], ())), frozenset(topics.get(r["e"], ())),
                   frozenset(within.get(r["e"], ()))) for r in sorted(rows, key=lambda r: r["id"])]


def _pairs(store: GraphStore, name: str) -> dict[str, set[str]]:
    """The rows (?e, ?v) of the named query, grouped by ?e."""
    out: dict[str, set[str]] = {}
    for r in select(store, name):
        out.setdefault(r["e"], set()).add(r["v"])
    return out


def _obligation(store: GraphStore, iri: str) -> tuple[str, dict[str, str], frozenset[str], frozenset[str], frozenset[str]]:
    rows = select(store, "obligation_action", o=iri)
    if not rows:
        raise InputError(f"no obligation {iri} in the built graph (use the short id from `mvkg obligations --format json`)")
    themes = {r["t"]: r["l"] for r in select(store, "obligation_themes", o=iri)}
    relevant = frozenset(r["t"] for r in select(store, "obligation_relevant_themes", o=iri))
    topics = frozenset(r["t"] for r in select(store, "obligation_topics", o=iri))
    bearers = frozenset(r["b"] for r in select(store, "obligation_bearer_organizations", o=iri))
    return rows[0]["action"], themes, relevant, topics, bearers


def suggest(store: GraphStore, obligation: str, *, portfolio: str | None = None, top: int = 5,
            exclude_assessed: bool = True) -> list[Suggestion]:
    iri = obligation if obligation.startswith("http") else obligation_iri(obligation)
    action, themes, relevant, topics, bearers = _obligation(store, iri)
    entries = _entries(store, portfolio)
    if exclude_assessed:
        done = {r["id"] for r in select(store, "obligation_assessed_entries", o=iri)}
        entries = [e for e in entries if e.id not in done]
    if not entries:
        return []
    wanted = relevant or frozenset(themes)
    from sklearn.feature_extraction.text import TfidfVectorizer  # heavy import (~3 s): only when used
    from sklearn.metrics.pairwise import cosine_similarity

    vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True)
    matrix = vectorizer.fit_transform([action] + [e.text for e in entries])
    text = cosine_similarity(matrix[0], matrix[1:])[0]
    terms = vectorizer.get_feature_names_out()
    out = []
    for k, e in enumerate(entries):
        addressed = tuple(sorted(themes[t] for t in wanted & e.addresses))
        parts = {"themes": len(addressed) / len(wanted) if wanted else 0.0, "text": float(text[k]),
                 "topics": len(topics & e.topics) / len(topics | e.topics) if topics | e.topics else 0.0,
                 "status": STATUS_SCORE.get(e.status, 0.0),
                 "bearer": 1.0 if bearers & e.publishers else 0.0}
        score = sum(WEIGHTS[n] * v for n, v in parts.items())
        shared = matrix[0].multiply(matrix[k + 1]).toarray()[0]
        words = [terms[i] for i in shared.argsort()[::-1][:4] if shared[i] > 0]
        reasons = []
        if addressed:
            reasons.append("addresses " + ", ".join(addressed))
        if words:
            reasons.append("shares the words " + ", ".join(words))
        if topics & e.topics:
            reasons.append(f"{len(topics & e.topics)} metaverse topic(s) in common")
        if parts["bearer"]:
            reasons.append("published by the bearer's own organization")
        reasons.append(f"status {e.status}")
        out.append(Suggestion(e.id, e.title, e.status, score, tuple(reasons), addressed))
    out.sort(key=lambda s: (-s.score, s.entry))
    return out[:top]


def accept(ws: Workspace, obligation: str, entry: str, relation: str, by: str, rationale: str = "",
           reasons: tuple[str, ...] = (), today: str | None = None) -> Path:
    """Record an accepted suggestion as an assessment (method machine-suggested, assessor = the analyst)."""
    if relation not in RELATIONS or relation == "not-applicable":
        raise InputError("--relation must be full, partial or none")
    if not by.strip():
        raise InputError("say who confirms the suggestion (--by)")
    path = ws.coverage_file(ACCEPTED_FILE)
    rows = [r for _, r in read_table(path)] if path.is_file() else []  # with or without the review columns
    short = short_id(obligation)
    if any(r["obligation"] == short and r["entry"] == entry for r in rows):
        raise InputError(f"{entry} is already recorded for {short} in {ws.relative(path)}")
    text = rationale or ("suggested by mvkg (" + "; ".join(reasons) + ")" if reasons else "suggested by mvkg")
    rows.append({"obligation": short, "entry": entry, "relation": relation,
                 "rationale": f"{text}; confirmed by {by}", "evidence": "", "evidence_url": "", "assessor": by,
                 "date": today or date.today().isoformat(), "confidence": "", "method": "machine-suggested"})
    atomic_write(path, table_bytes(path, rows))
    return path


def precision_at(store: GraphStore, n: int = 5) -> dict[str, float]:
    """Precision and recall at n over the obligations with hand assessments (full or partial
    entries are the relevant ones). The ranking never reads assessments, so holding each
    obligation's own assessments out (leave-one-out) changes nothing in it."""
    rows = select(store, "covering_assessments")
    relevant: dict[str, set[str]] = {}
    for r in rows:
        relevant.setdefault(r["o"], set()).add(r["id"])
    precisions, recalls = [], []
    for ob, entries in sorted(relevant.items()):
        top = {s.entry for s in suggest(store, ob, top=n, exclude_assessed=False)}
        precisions.append(len(top & entries) / n)
        recalls.append(len(top & entries) / len(entries))
    return {"n": n, "obligations": len(relevant), "precision": round(sum(precisions) / len(precisions), 3),
            "recall": round(sum(recalls) / len(recalls), 3),
            "hit_rate": round(sum(1 for p in precisions if p > 0) / len(precisions), 3)}
