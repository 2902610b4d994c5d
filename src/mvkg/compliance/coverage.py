"""Coverage: the verdict table and summary figures of one validation run. Verdicts come
from the SHACL report (validate.py); this module only counts and joins in the covering
entries for display."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pyoxigraph as ox

from mvkg.compliance.validate import VERDICTS, Validation
from mvkg.kernel.resources import Resources
from mvkg.kernel.vocabulary import VOCABULARY
from mvkg.query.named import select

FORMULA = ("coverage % = (covered + 0.5 × partial) / (obligations − not-applicable − not-assessed) × 100; "
           "proposed-only and not-covered count 0")
_SEVERITY_ORDER = VOCABULARY.severities.notations


@dataclass(frozen=True)
class Covering:
    entry: str
    title: str
    relation: str
    status: str
    rationale: str
    iri: str


@dataclass(frozen=True)
class ObligationVerdict:
    id: str
    resolution: str
    section: str
    item: str
    strength: str
    verdict: str
    covering: tuple[Covering, ...]
    missing_themes: tuple[str, ...]
    severity: str  # "" when the obligation has no result
    messages: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        return {"id": self.id, "resolution": self.resolution, "section": self.section, "item": self.item,
                "verdict": self.verdict, "covering": [c.entry for c in self.covering],
                "missing_themes": list(self.missing_themes), "severity": self.severity or None}


@dataclass(frozen=True)
class Summary:
    counts: dict[str, int]
    coverage_percent: float | None

    def to_json(self) -> dict[str, object]:
        return {"coverage_percent": self.coverage_percent, "formula": FORMULA, "counts": self.counts}


@dataclass(frozen=True)
class Coverage:
    portfolio: str
    portfolio_label: str
    rows: tuple[ObligationVerdict, ...]
    summary: Summary
    binding: Summary

    def to_json(self) -> dict[str, object]:
        return {"portfolio": self.portfolio, "summary": self.summary.to_json(),
                "obligations": [r.to_json() for r in self.rows]}


def summarise(verdicts: list[str]) -> Summary:
    counts = {v: verdicts.count(v) for v in VERDICTS}
    judged = len(verdicts) - counts["not-applicable"] - counts["not-assessed"]
    percent = round(100 * (counts["covered"] + 0.5 * counts["partial"]) / judged, 1) if judged else None
    return Summary(counts, percent)


def _covering(resources: Resources, run: Validation) -> dict[str, list[Covering]]:
    out: dict[str, list[Covering]] = defaultdict(list)
    # the validated portfolio, substituted: run.data may show the other portfolios too
    for r in select(run.data, "covering", resources, substitutions={"portfolio": ox.Literal(run.portfolio)}):
        out[r["obligation"]].append(Covering(r["entry"], r["title"], r["relation"], r["status"], r["rationale"],
                                             r["entryIri"]))
    return out


def coverage(resources: Resources, run: Validation) -> Coverage:
    covering = _covering(resources, run)
    by_focus = defaultdict(list)
    for r in run.results:
        by_focus[r.focus].append(r)
    rows = []
    for ob in run.obligations:
        results = [r for r in by_focus.get(ob.iri, []) if r.verdict]
        severities = [r.severity for r in results]
        rows.append(ObligationVerdict(
            id=ob.iri, resolution=ob.resolution, section=ob.section, item=ob.item, strength=ob.strength,
            verdict=run.verdicts[ob.iri], covering=tuple(covering.get(ob.iri, ())),
            missing_themes=tuple(sorted({r.missing_theme for r in results if r.missing_theme})),
            severity=next((s for s in _SEVERITY_ORDER if s in severities), ""),
            messages=tuple(r.message for r in results),
        ))
    return Coverage(run.portfolio, run.portfolio_label, tuple(rows), summarise([r.verdict for r in rows]),
                    summarise([r.verdict for r in rows if r.strength == "binding"]))
