"""Why each obligation has its verdict against a portfolio, and what to do next: the analyst's
worklist. A not-covered verdict names the entries of the portfolio that were examined and
judged `none` (with their rationales), or says that none were; a partial one names the themes
no covering entry addresses and the entries that come closest; every obligation gets its next
actions (needs assessment, needs review, add a standard covering a theme, check the extraction).

The verdicts and missing themes are the SHACL run's (compliance.coverage); this module only
joins in what the assessments, the themes and the extraction warnings say, with a few
set-wide named queries (`queries/internal/why_*.rq`), never one query per obligation."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from mvkg.compliance.coverage import Coverage, ObligationVerdict
from mvkg.compliance.whatif import RELATIONS as COVERING  # full, partial: the relations that cover
from mvkg.inputs.assessments import ObligationRef, resolve_obligation
from mvkg.kernel.errors import InputError
from mvkg.kernel.namespaces import portfolio_node, short_id
from mvkg.kernel.vocabulary import VOCABULARY
from mvkg.query.graphstore import GraphStore
from mvkg.query.named import select

# The kinds of next action, in the order a worklist shows them.
NEEDS_ASSESSMENT = "needs-assessment"
NEEDS_REVIEW = "needs-review"
ADD_STANDARD = "add-standard"
CHECK_EXTRACTION = "check-extraction"
ACTIONS = (NEEDS_ASSESSMENT, NEEDS_REVIEW, ADD_STANDARD, CHECK_EXTRACTION)
DRAFT = VOCABULARY.assessment_reviews.notations[0]  # "draft": an assessment nobody has reviewed
CLOSEST = 3  # entries named as coming closest


@dataclass(frozen=True)
class Examined:
    """One assessment of the obligation, as the why of its verdict names it."""

    entry: str  # catalogue id; "" for a not-applicable finding
    title: str
    status: str  # the entry's status ("published", "in-progress" …)
    relation: str  # full, partial, none, not-applicable
    rationale: str
    confidence: str  # "" when not given
    assessor: str
    review: str  # draft or reviewed
    in_portfolio: bool  # the entry is a member of the portfolio judged
    themes: tuple[str, ...] = ()  # the obligation's coverage-relevant themes the entry addresses (labels)

    def to_json(self) -> dict[str, object]:
        return {"entry": self.entry, "title": self.title, "status": self.status, "relation": self.relation,
                "rationale": self.rationale, "confidence": self.confidence, "assessor": self.assessor,
                "review": self.review, "in_portfolio": self.in_portfolio, "themes": list(self.themes)}


@dataclass(frozen=True)
class Action:
    """One thing to do about an obligation."""

    kind: str  # one of ACTIONS
    text: str  # what to do, in words
    theme: str = ""  # add-standard: the theme the standard should cover ("" for any)
    entries: tuple[str, ...] = ()  # needs-review: the entries whose assessments are drafts

    def to_json(self) -> dict[str, object]:
        return {"kind": self.kind, "text": self.text, "theme": self.theme or None, "entries": list(self.entries)}


@dataclass(frozen=True)
class Why:
    """An obligation's verdict against one portfolio, why, and what to do next."""

    id: str  # the obligation's IRI
    label: str  # "ATU-MV resolves b"
    resolution: str  # its resolution's code
    text: str  # its own words
    portfolio: str
    verdict: str
    reason: str  # the why, in one or two sentences
    missing_themes: tuple[str, ...]  # partial: the themes no covering entry addresses
    covering: tuple[Examined, ...]  # in-portfolio entries judged full or partial, closest first
    judged_none: tuple[Examined, ...]  # in-portfolio entries examined and judged none
    outside: tuple[Examined, ...]  # entries outside the portfolio judged full or partial
    assessments: tuple[Examined, ...]  # every assessment of the obligation
    warnings: tuple[str, ...]  # extraction warnings no correction has answered ("kind: message")
    actions: tuple[Action, ...]

    @property
    def short(self) -> str:
        return short_id(self.id)

    @property
    def closest(self) -> tuple[Examined, ...]:
        """The covering entries that come closest (for a partial verdict)."""
        return self.covering[:CLOSEST]

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(a.kind for a in self.actions))

    @property
    def next(self) -> str:
        """The next actions in one line ("" when there is nothing to do)."""
        return "; ".join(a.text for a in self.actions)

    @property
    def brief(self) -> str:
        """The next actions in a few words ("needs review (2); add a standard: security, privacy")."""
        parts: dict[str, list[str]] = {}
        for a in self.actions:
            parts.setdefault(a.kind, []).extend([a.theme] if a.theme else list(a.entries))
        words = {NEEDS_ASSESSMENT: "needs assessment", NEEDS_REVIEW: "needs review",
                 ADD_STANDARD: "add a standard", CHECK_EXTRACTION: "check the extraction"}
        out = []
        for kind, details in parts.items():
            if kind == NEEDS_REVIEW:
                out.append(f"{words[kind]} ({len(details)})")
            elif kind == ADD_STANDARD and details:
                out.append(f"{words[kind]}: {', '.join(details)}")
            else:
                out.append(words[kind])
        return "; ".join(out)

    def to_json(self) -> dict[str, object]:
        return {"id": self.id, "obligation": self.label, "portfolio": self.portfolio, "verdict": self.verdict,
                "reason": self.reason, "missing_themes": list(self.missing_themes),
                "covering": [e.to_json() for e in self.covering], "closest": [e.entry for e in self.closest],
                "judged_none": [e.to_json() for e in self.judged_none], "outside": [e.to_json() for e in self.outside],
                "warnings": list(self.warnings), "next": [a.to_json() for a in self.actions]}


@dataclass(frozen=True)
class _Facts:
    """What the graph says beyond the verdicts, for every obligation at once."""

    assessments: Mapping[str, Sequence[dict[str, str]]]
    members: frozenset[str]
    relevant: Mapping[str, Sequence[tuple[str, str]]]  # obligation → (theme IRI, label)
    addresses: Mapping[str, frozenset[str]]  # entry IRI → theme IRIs it addresses (broader ones included)
    warnings: Mapping[str, Sequence[str]]


def _facts(store: GraphStore, portfolio: str) -> _Facts:
    assessments: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in select(store, "why_assessments"):
        assessments[r["o"]].append(r)
    relevant: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for r in select(store, "why_relevant_themes"):
        relevant[r["o"]].append((r["t"], r["l"]))
    addresses: dict[str, set[str]] = defaultdict(set)
    for r in select(store, "entry_themes_addressed"):
        addresses[r["e"]].add(r["v"])
    warnings: dict[str, list[str]] = defaultdict(list)
    for r in select(store, "why_warnings"):
        if int(r["corrections"] or 0) == 0:
            warnings[r["o"]].append(r["warning"])
    members = frozenset(r["e"] for r in select(store, "portfolio_members", portfolio=portfolio_node(portfolio)))
    return _Facts(assessments, members, relevant, {e: frozenset(t) for e, t in addresses.items()}, warnings)


def _examined(r: Mapping[str, str], facts: _Facts, relevant: Sequence[tuple[str, str]]) -> Examined:
    addressed = facts.addresses.get(r["e"], frozenset())
    return Examined(r["id"], r["title"], r["status"], r["relation"], r["rationale"], r["confidence"], r["assessor"],
                    r["review"] or DRAFT, bool(r["e"]) and r["e"] in facts.members,
                    tuple(label for t, label in relevant if t in addressed))


def _closeness(e: Examined) -> tuple:
    """Full before partial, in force before drafts, more of the obligation's themes first, then surer."""
    in_force = e.status in VOCABULARY.in_force_statuses
    return (e.relation != "full", not in_force, -len(e.themes), -float(e.confidence or 0), e.entry)


def _listed(entries: Iterable[Examined]) -> str:
    return ", ".join(e.entry for e in entries)


def _reason(row: ObligationVerdict, covering: Sequence[Examined], none: Sequence[Examined],
            outside: Sequence[Examined], themes: Sequence[str]) -> str:
    verdict = row.verdict
    if verdict == "not-assessed":
        return "No assessment of it exists yet, so it counts neither as covered nor as not covered."
    if verdict == "not-applicable":
        return "An assessor recorded that it is not something standards are judged against."
    if verdict == "covered":
        full = [e for e in covering if e.relation == "full"]
        return f"Covered in full by {_listed(full)}; the covering entries address every theme that counts."
    if verdict == "proposed-only":
        return f"Only drafts or proposals of this portfolio cover it: {_listed(covering)}."
    if verdict == "partial":
        if row.missing_themes:
            return (f"No covering entry addresses {', '.join(row.missing_themes)}; the closest are "
                    f"{_listed(covering[:CLOSEST])}.")
        return f"No covering entry is judged full; the closest are {_listed(covering[:CLOSEST])}."
    # not-covered
    parts = []
    if none:
        parts.append(f"{len(none)} entr{'y' if len(none) == 1 else 'ies'} of this portfolio examined and judged "
                     f"not to cover it: {_listed(none)}.")
    else:
        parts.append("No entry of this portfolio has been examined for it.")
    if covering:  # covering entries the verdict does not count (withdrawn)
        parts.append(f"Covering entries it does not count (withdrawn): {_listed(covering)}.")
    if outside:
        parts.append(f"Outside this portfolio, {_listed(outside)} cover{'s' if len(outside) == 1 else ''} it.")
    if themes:
        parts.append(f"Its themes that count: {', '.join(themes)}.")
    return " ".join(parts)


def _actions(row: ObligationVerdict, assessed: Sequence[Examined], none: Sequence[Examined],
             themes: Sequence[str], warnings: Sequence[str]) -> tuple[Action, ...]:
    out: list[Action] = []
    verdict = row.verdict
    if verdict == "not-assessed":
        out.append(Action(NEEDS_ASSESSMENT, "needs assessment: record how far the suggested entries cover it"))
    elif verdict == "not-covered" and not none:
        out.append(Action(NEEDS_ASSESSMENT, "needs assessment: no entry of this portfolio has been examined"))
    drafts = tuple(e.entry or "not-applicable" for e in assessed
                   if e.review == DRAFT and (e.in_portfolio or e.relation == "not-applicable"))
    if drafts:
        out.append(Action(NEEDS_REVIEW, f"needs review: {len(drafts)} draft assessment(s) ({', '.join(drafts)})",
                          entries=drafts))
    if verdict == "partial" and row.missing_themes:
        out += [Action(ADD_STANDARD, f"add a standard covering theme {t}", theme=t) for t in row.missing_themes]
    elif verdict == "partial":
        out.append(Action(ADD_STANDARD, "add a standard covering it in full"))
    elif verdict in ("not-covered", "proposed-only"):
        what = "an in-force standard" if verdict == "proposed-only" else "a standard"
        out += ([Action(ADD_STANDARD, f"add {what} covering theme {t}", theme=t) for t in themes] if themes
                else [Action(ADD_STANDARD, f"add {what} or an activity that meets it")])
    if warnings:
        kinds = ", ".join(dict.fromkeys(w.split(":", 1)[0] for w in warnings))
        out.append(Action(CHECK_EXTRACTION, f"has extraction warnings ({kinds}): check the correction form"))
    return tuple(out)


def _why(row: ObligationVerdict, label: str, text: str, portfolio: str, facts: _Facts) -> Why:
    relevant = facts.relevant.get(row.id, ())
    assessed = [_examined(r, facts, relevant) for r in facts.assessments.get(row.id, ())]
    covering = sorted((e for e in assessed if e.in_portfolio and e.relation in COVERING), key=_closeness)
    none = [e for e in assessed if e.in_portfolio and e.relation == "none"]
    outside = sorted((e for e in assessed if e.entry and not e.in_portfolio and e.relation in COVERING), key=_closeness)
    themes = [label for _, label in relevant]
    warnings = tuple(facts.warnings.get(row.id, ()))
    return Why(row.id, label, row.resolution, text, portfolio, row.verdict, _reason(row, covering, none, outside, themes),
               row.missing_themes, tuple(covering), tuple(none), tuple(outside), tuple(assessed), warnings,
               _actions(row, assessed, none, themes, warnings))


def explain_all(store: GraphStore, cov: Coverage, texts: Mapping[str, str] | None = None) -> tuple[Why, ...]:
    """Why every obligation of a coverage run has its verdict, and what to do next, in the
    run's order. `texts` maps obligation IRIs to their words (left empty when not given)."""
    facts = _facts(store, cov.portfolio)
    return tuple(_why(r, obligation_label(r), (texts or {}).get(r.id, ""), cov.portfolio, facts) for r in cov.rows)


def explain(store: GraphStore, cov: Coverage, obligation: str) -> Why:
    """One obligation's why: named by its IRI, its short id or as "ATU-MV resolves b" (the
    section may be cut short while it stays unambiguous)."""
    short = resolve_obligation(obligation, [ObligationRef(r.id, r.resolution, r.section, r.item) for r in cov.rows])
    wanted = next((r for r in cov.rows if short_id(r.id) == short), None)
    if wanted is None:
        raise InputError(f"no obligation {obligation!r} in the built graph")
    only = Coverage(cov.portfolio, cov.portfolio_label, (wanted,), cov.summary, cov.binding)
    return explain_all(store, only)[0]


def obligation_label(row: ObligationVerdict) -> str:
    """How analysts name an obligation: "ATU-MV resolves b"."""
    return f"{row.resolution} {row.section} {row.item}".strip()


def with_action(items: Iterable[Why], kinds: Iterable[str]) -> list[Why]:
    """The obligations with any of the next actions named (all of them when none is named)."""
    wanted = set(kinds)
    return [w for w in items if not wanted or wanted & set(w.kinds)]
