"""Coverage suggestions: rank catalogue entries (standards and activities) that could cover an
obligation, with the reasons: the themes it addresses (through the SKOS hierarchy), words its
title, published scope and notes share with the obligation, metaverse topics, its status, a
publisher that is the bearer's own organization, and the entries analysts judged to cover
similar obligations. An analyst accepts a suggestion, which records a coverage assessment
marked machine-suggested and confirmed by that analyst.

The ranking of an obligation never reads that obligation's own assessments (only those of the
other obligations), so `evaluate` is an honest leave-one-out measure."""

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

# chosen on the 24 hand-assessed obligations of the seed workspace (README, benchmarks/suggest.md); topics
# weigh nothing there: nearly every entry and obligation has "metaverse", so a shared topic tells little
WEIGHTS = {"themes": 0.4, "text": 0.25, "topics": 0.0, "status": 0.1, "bearer": 0.1, "similar": 0.2}
SIMILARITY = {"text": 0.5, "themes": 0.5}  # how alike two obligations are: text cosine and shared themes
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
    text: str  # title, published scope and notes
    addresses: frozenset[str]  # theme IRIs the entry addresses: its themes and every broader one
    topics: frozenset[str]
    publishers: frozenset[str]  # the publisher and the organizations it is part of


@dataclass(frozen=True)
class _Others:
    """Every obligation's text and theme labels, and the entries judged (full or partial) to cover it."""
    texts: dict[str, str]
    themes: dict[str, frozenset[str]]
    covering: dict[str, frozenset[str]]


def _entries(store: GraphStore, portfolio: str | None) -> list[_Entry]:
    rows = (select(store, "portfolio_entries", portfolio=portfolio_node(portfolio)) if portfolio
            else select(store, "catalogue_entries"))
    addresses = _pairs(store, "entry_themes_addressed")
    topics = _pairs(store, "entry_topics")
    within = _pairs(store, "entry_publishers")
    return [_Entry(r["id"], r["e"], r["title"], r["status"], " ".join((r["title"], r["scope"], r["note"])),
                   frozenset(addresses.get(r["e"], ())), frozenset(topics.get(r["e"], ())),
                   frozenset(within.get(r["e"], ()))) for r in sorted(rows, key=lambda r: r["id"])]


def _pairs(store: GraphStore, name: str) -> dict[str, set[str]]:
    """The rows (?e, ?v) of the named query, grouped by ?e."""
    out: dict[str, set[str]] = {}
    for r in select(store, name):
        out.setdefault(r["e"], set()).add(r["v"])
    return out


def _others(store: GraphStore) -> _Others:
    rows = select(store, "obligation_texts")
    covering: dict[str, set[str]] = {}
    for r in select(store, "covering_assessments"):
        covering.setdefault(r["o"], set()).add(r["id"])
    return _Others({r["o"]: r["text"] for r in rows},
                   {r["o"]: frozenset(x for x in r["themes"].split("\u001f") if x) for r in rows},
                   {o: frozenset(ids) for o, ids in covering.items()})


def _obligation(store: GraphStore, iri: str) -> tuple[str, dict[str, str], frozenset[str], frozenset[str], frozenset[str]]:
    rows = select(store, "obligation_action", o=iri)
    if not rows:
        raise InputError(f"no obligation {iri} in the built graph (use the short id from `mvkg obligations --format json`)")
    themes = {r["t"]: r["l"] for r in select(store, "obligation_themes", o=iri)}
    relevant = frozenset(r["t"] for r in select(store, "obligation_relevant_themes", o=iri))
    topics = frozenset(r["t"] for r in select(store, "obligation_topics", o=iri))
    bearers = frozenset(r["b"] for r in select(store, "obligation_bearer_organizations", o=iri))
    return rows[0]["action"], themes, relevant, topics, bearers


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def suggest(store: GraphStore, obligation: str, *, portfolio: str | None = None, top: int = 5,
            exclude_assessed: bool = True, others: _Others | None = None,
            entries: list[_Entry] | None = None) -> list[Suggestion]:
    iri = obligation if obligation.startswith("http") else obligation_iri(obligation)
    action, themes, relevant, topics, bearers = _obligation(store, iri)
    entries = entries if entries is not None else _entries(store, portfolio)
    others = others or _others(store)
    if exclude_assessed:
        done = {r["id"] for r in select(store, "obligation_assessed_entries", o=iri)}
        entries = [e for e in entries if e.id not in done]
    if not entries:
        return []
    wanted = relevant or frozenset(themes)
    from sklearn.feature_extraction.text import TfidfVectorizer  # heavy import (~3 s): only when used
    from sklearn.metrics.pairwise import cosine_similarity

    # never this obligation's own assessments: only the other obligations' (leave-one-out)
    peers = sorted(o for o in others.covering if o != iri and o in others.texts)
    own = others.texts.get(iri, action)
    vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True)
    matrix = vectorizer.fit_transform([own] + [e.text for e in entries] + [others.texts[o] for o in peers])
    text = cosine_similarity(matrix[0], matrix[1:len(entries) + 1])[0]
    alike = cosine_similarity(matrix[0], matrix[len(entries) + 1:])[0] if peers else []
    own_themes = others.themes.get(iri, frozenset(themes.values()))
    peer_score = {o: SIMILARITY["text"] * float(alike[k]) + SIMILARITY["themes"] * _jaccard(own_themes, others.themes[o])
                  for k, o in enumerate(peers)}
    similar = {e.id: sorted(((peer_score[o], o) for o in peers if e.id in others.covering[o]), reverse=True)
               for e in entries}
    most = max((sum(s for s, _ in v) for v in similar.values()), default=0.0) or 1.0
    terms = vectorizer.get_feature_names_out()
    out = []
    for k, e in enumerate(entries):
        addressed = tuple(sorted(themes[t] for t in wanted & e.addresses))
        parts = {"themes": len(addressed) / len(wanted) if wanted else 0.0, "text": float(text[k]),
                 "topics": _jaccard(topics, e.topics), "status": STATUS_SCORE.get(e.status, 0.0),
                 "bearer": 1.0 if bearers & e.publishers else 0.0,
                 "similar": sum(s for s, _ in similar[e.id]) / most}
        shared = matrix[0].multiply(matrix[k + 1]).toarray()[0]
        words = [terms[i] for i in shared.argsort()[::-1][:4] if shared[i] > 0]
        out.append(Suggestion(e.id, e.title, e.status, sum(WEIGHTS[n] * v for n, v in parts.items()),
                              _reasons(addressed, words, topics & e.topics, parts, similar[e.id], e.status), addressed))
    out.sort(key=lambda s: (-s.score, s.entry))
    return out[:top]


def _reasons(addressed: tuple[str, ...], words: list[str], topics: frozenset[str], parts: dict[str, float],
             similar: list[tuple[float, str]], status: str) -> tuple[str, ...]:
    """What the analyst reads beside a suggestion, strongest evidence first."""
    reasons = []
    if addressed:
        reasons.append("addresses " + ", ".join(addressed))
    if similar:
        names = ", ".join(short_id(o) for _, o in similar[:2]) + (f" and {len(similar) - 2} more" if len(similar) > 2 else "")
        reasons.append(f"judged to cover similar obligations ({names})")
    if words:
        reasons.append("shares the words " + ", ".join(words))
    if topics:
        reasons.append(f"{len(topics)} metaverse topic(s) in common")
    if parts["bearer"]:
        reasons.append("published by the bearer's own organization")
    reasons.append(f"status {status}")
    return tuple(reasons)
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


@dataclass(frozen=True)
class Evaluation:
    """Leave-one-out figures at n over the obligations with hand assessments."""
    n: int
    obligations: int
    precision: float
    recall: float
    hit_rate: float

    def to_json(self) -> dict[str, float | int]:
        return {"n": self.n, "obligations": self.obligations, "precision": self.precision, "recall": self.recall,
                "hit_rate": self.hit_rate}


def at_n(ranked: list[str], relevant: set[str] | frozenset[str], n: int) -> tuple[float, float, bool]:
    """Precision, recall and whether there is a hit among the first n of `ranked`."""
    found = len(set(ranked[:n]) & relevant)
    return found / n, (found / len(relevant) if relevant else 0.0), found > 0


def evaluate(store: GraphStore, ns: tuple[int, ...] = (1, 3, 5, 10)) -> list[Evaluation]:
    """Leave-one-out: every obligation with full or partial assessments is ranked with its own
    assessments held out (`suggest` only reads the other obligations'), already-assessed
    entries kept in; its full and partial entries are the relevant set."""
    others = _others(store)
    entries = _entries(store, None)
    ranked = {o: [s.entry for s in suggest(store, o, top=max(ns), exclude_assessed=False, others=others, entries=entries)]
              for o in sorted(others.covering)}
    out = []
    for n in ns:
        scores = [at_n(ranked[o], others.covering[o], n) for o in ranked]
        count = len(scores) or 1
        out.append(Evaluation(n, len(scores), round(sum(p for p, _, _ in scores) / count, 3),
                              round(sum(r for _, r, _ in scores) / count, 3), round(sum(1 for *_, h in scores if h) / count, 3)))
    return out


def precision_at(store: GraphStore, n: int = 5) -> dict[str, float | int]:
    """The leave-one-out figures at n as a dict (precision, recall, hit_rate)."""
    return evaluate(store, (n,))[0].to_json()
