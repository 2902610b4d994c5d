"""What an analyst's screen (or a CLI command) needs, one call per view: every obligation with
its verdict, source text, bearers, tag evidence, themes, SDGs and SHACL results; the overview's
breakdowns; the validation results with their themes; the catalogue with labels; a SPARQL
result with labels beside its IRIs. Each view reads the graph with a few set-wide named
queries (`queries/internal/view_*.rq`), never one query per obligation."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from mvkg.analysis.explore import (
    Evidence,
    ObligationDetail,
    breakdown,
    by_resolution,
    labels_for,
    obligation_sdgs,
    obligation_themes,
)
from mvkg.compliance.coverage import Coverage, ObligationVerdict
from mvkg.compliance.validate import Result
from mvkg.kernel.namespaces import short_id
from mvkg.kernel.vocabulary import VOCABULARY
from mvkg.query.bounded import QueryWorker, run_query_bounded
from mvkg.query.graphstore import GraphStore
from mvkg.query.named import named_query, select
from mvkg.query.sparql import QueryLimits, QueryResult, term_text

# The pair of drafts the comparison opens on when the workspace holds them (else the first two).
DEFAULT_DRAFTS = ("ECP-MV", "ATU-MV")
CONSOLE_EXAMPLE = "console_example"  # queries/internal/console_example.rq


# ------------------------------------------------------------------ obligations


def obligation_detail(store: GraphStore, iri: str) -> ObligationDetail:
    """One obligation's detail (the same queries as the whole list, bound to it)."""
    return obligation_details(store, [iri])[iri]


def obligation_details(store: GraphStore, iris: Sequence[str] | None = None) -> dict[str, ObligationDetail]:
    """The detail of every obligation (or of `iris`): five set-wide queries, whatever the count."""
    bound: dict[str, Any] = {"o": list(iris)} if iris is not None else {}  # no binding: every obligation
    if iris is not None and not iris:
        return {}
    leads: dict[str, list[str]] = defaultdict(list)
    for r in select(store, "view_obligation_lead_ins", **bound):
        leads[r["o"]].append(r["t"])
    people: dict[str, dict[str, list[str]]] = defaultdict(lambda: {"b": [], "c": []})
    for r in select(store, "view_obligation_people", **bound):
        people[r["o"]][r["role"]].append(r["label"])
    evidence: dict[str, list[Evidence]] = defaultdict(list)
    for r in select(store, "view_obligation_evidence", **bound):
        evidence[r["o"]].append(Evidence(r["kind"], r["label"], r["words"]))
    sdgs: dict[str, list[str]] = defaultdict(list)
    for r in select(store, "view_obligation_sdgs", **bound):
        sdgs[r["o"]].append(r["l"])
    out = {}
    for h in select(store, "view_obligation_heads", **bound):
        o = h["o"]
        who = people.get(o, {"b": [], "c": []})
        out[o] = ObligationDetail(
            iri=o, text=h["text"], paragraph="\n".join([*leads.get(o, []), h["text"]]), start=int(h["start"]),
            end=int(h["end"]), file=h["file"], modality=h["modality"], strength=h["strength"],
            bearers=tuple(who["b"]), collaborators=tuple(who["c"]), condition=h["condition"], deadline=h["deadline"],
            evidence=tuple(evidence.get(o, [])), sdgs=tuple(sdgs.get(o, [])))
    return out


@dataclass(frozen=True)
class ObligationView:
    """One obligation as the obligations screen shows it."""

    verdict: ObligationVerdict  # the coverage row: resolution, section, item, verdict, covering entries
    detail: ObligationDetail
    themes: tuple[str, ...]  # labels, broader themes included
    sdgs: tuple[str, ...]  # SDG references in the operative text ("SDG 9", "SDGs (generic)")
    results: tuple[Result, ...]  # the SHACL results about it

    @property
    def id(self) -> str:
        return self.verdict.id

    @property
    def short(self) -> str:
        return short_id(self.verdict.id)

    @property
    def label(self) -> str:
        """How analysts name it: "ATU-MV resolves b"."""
        return f"{self.verdict.resolution} {self.verdict.section} {self.verdict.item}".strip()

    def facet(self, name: str) -> tuple[str, ...]:
        """The values of one filter facet: resolution, section, modality, verdict, bearers, themes, sdgs."""
        single = {"resolution": self.verdict.resolution, "section": self.verdict.section,
                  "modality": self.detail.modality, "verdict": self.verdict.verdict}
        if name in single:
            return (single[name],)
        return {"bearers": self.detail.bearers, "themes": self.themes, "sdgs": self.sdgs}[name]


@dataclass(frozen=True)
class ObligationsView:
    portfolio: str
    obligations: tuple[ObligationView, ...]

    def values(self, facet: str) -> list[str]:
        """The values a facet takes, for a filter's options (verdicts in their scheme's order)."""
        found = {v for o in self.obligations for v in o.facet(facet)}
        if facet == "verdict":
            return [v for v in VOCABULARY.verdicts.notations if v in found]
        return sorted(found)

    def find(self, short: str) -> ObligationView | None:
        return next((o for o in self.obligations if o.short == short), None)


def obligations_view(store: GraphStore, cov: Coverage, results: Iterable[Result]) -> ObligationsView:
    """Every obligation of a coverage run with what a screen shows about it, in one call."""
    details = obligation_details(store)
    themes, sdgs = obligation_themes(store), obligation_sdgs(store)
    by_focus: dict[str, list[Result]] = defaultdict(list)
    for r in results:
        by_focus[r.focus].append(r)
    return ObligationsView(cov.portfolio, tuple(
        ObligationView(row, details[row.id], tuple(themes.get(row.id, [])), tuple(sdgs.get(row.id, [])),
                       tuple(by_focus.get(row.id, [])))
        for row in cov.rows))


def filter_obligations(items: Iterable[ObligationView], facets: Mapping[str, Iterable[str]]) -> list[ObligationView]:
    """The obligations matching every facet given: for each facet, one of its chosen values
    (an empty choice leaves the facet free)."""
    chosen = {k: set(v) for k, v in facets.items() if v}
    return [o for o in items if all(set(o.facet(k)) & wanted for k, wanted in chosen.items())]


# ------------------------------------------------------------------ overview and validation


@dataclass(frozen=True)
class Cell:
    """One obligation × theme cell of the overview's heatmap."""

    obligation: str  # "RESOLUTION section item", whole
    theme: str
    verdict: str
    row: str = ""  # the obligation's row label: short, and distinct from every other row's


@dataclass(frozen=True)
class OverviewView:
    per_resolution: dict[str, dict]  # resolution → {"n", "coverage_percent", "counts"}
    per_theme: dict[str, dict]  # theme label (broader themes included) → the same
    cells: tuple[Cell, ...]
    sdg_counts: dict[str, int]  # "SDG 9" → obligations referring to it


ROW_SECTION_CHARS = 28  # a section heading longer than this is cut at a word in a heatmap row label


def _brief(section: str, limit: int = ROW_SECTION_CHARS) -> str:
    if len(section) <= limit:
        return section
    cut = section[:limit].rsplit(" ", 1)[0] if " " in section[:limit] else section[:limit]
    return cut.rstrip(" ,;:") + "…"


def row_labels(rows: Sequence[ObligationVerdict]) -> dict[str, str]:
    """Obligation IRI → a short row label ("ECP-MV instructs the Director of… a"): the section
    heading cut short, numbered (#1, #2 …) where two sections of a resolution would read alike,
    so no two obligations share a label."""
    sections: dict[tuple[str, str], list[str]] = defaultdict(list)  # (resolution, brief) → its sections in order
    for r in rows:
        seen = sections[(r.resolution, _brief(r.section))]
        if r.section not in seen:
            seen.append(r.section)
    out = {}
    for r in rows:
        brief = _brief(r.section)
        alike = sections[(r.resolution, brief)]
        number = f" #{alike.index(r.section) + 1}" if len(alike) > 1 else ""
        out[r.id] = f"{r.resolution} {brief}{number} {r.item}".strip()
    return out


def overview_view(cov: Coverage, themes: Mapping[str, Sequence[str]], sdgs: Mapping[str, Sequence[str]]) -> OverviewView:
    """`themes` and `sdgs` map obligation IRIs to labels (explore.obligation_themes / _sdgs)."""
    rows = row_labels(cov.rows)
    cells = tuple(Cell(f"{r.resolution} {r.section} {r.item}", t, r.verdict, rows[r.id])
                  for r in cov.rows for t in themes.get(r.id, []))
    counts: dict[str, int] = {}
    for refs in sdgs.values():
        for ref in refs:
            counts[ref] = counts.get(ref, 0) + 1
    by_theme = {o: list(labels) for o, labels in themes.items()}
    return OverviewView(breakdown(cov, by_resolution(cov)), breakdown(cov, by_theme), cells, counts)


def validation_rows(results: Iterable[Result], themes: Mapping[str, Sequence[str]]) -> list[dict[str, object]]:
    """SHACL results as rows, with the themes of their focus obligation (a tuple of labels:
    a label may hold a comma, so they are never joined into one string here)."""
    return [{"severity": r.severity, "resolution": r.resolution or "(data)", "section": r.section, "item": r.item,
             "message": r.message, "verdict": r.verdict or "data quality", "themes": tuple(themes.get(r.focus, []))}
            for r in results]


# ------------------------------------------------------------------ catalogue


def catalogue_rows(entries: Iterable, labels: Mapping[str, Mapping[str, str]]) -> list[dict[str, str]]:
    """Catalogue entries with their publisher and themes by label; `labels` has "themes" and
    "actors" maps from IRI to label."""
    return [{"id": e.id, "title": e.title, "publisher": labels["actors"].get(e.publisher, e.publisher),
             "kind": e.kind, "status": e.status, "date": e.date,
             "themes": ", ".join(labels["themes"].get(t, t) for t in e.themes)} for e in entries]


def search_catalogue(rows: Iterable[dict[str, str]], publishers: Iterable[str] = (), statuses: Iterable[str] = (),
                     text: str = "") -> list[dict[str, str]]:
    """Rows by publisher and status (any of those given) whose id or title contains `text`."""
    pubs, stats, needle = set(publishers), set(statuses), text.casefold()
    return [r for r in rows if (not pubs or r["publisher"] in pubs) and (not stats or r["status"] in stats)
            and (not needle or needle in r["id"].casefold() or needle in r["title"].casefold())]


# ------------------------------------------------------------------ drafts


def default_drafts(codes: Sequence[str]) -> tuple[int, int]:
    """Indexes in `codes` of the drafts a comparison opens on."""
    a = codes.index(DEFAULT_DRAFTS[0]) if DEFAULT_DRAFTS[0] in codes else 0
    b = codes.index(DEFAULT_DRAFTS[1]) if DEFAULT_DRAFTS[1] in codes else min(1, len(codes) - 1)
    return a, b


# ------------------------------------------------------------------ SPARQL console


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def labelled_table(store: GraphStore, result: QueryResult) -> Table:
    """A SELECT result as text, with a "COLUMN (label)" column after every column holding a
    labelled IRI."""
    texts = [[term_text(t) for t in row] for row in result.rows]
    names = labels_for(store, [t.value for row in result.rows for t in row if isinstance(t, ox.NamedNode)])
    columns: list[str] = []
    cells: list[list[str]] = [[] for _ in texts]
    for i, column in enumerate(result.columns):
        columns.append(column)
        for out, row in zip(cells, texts):
            out.append(row[i])
        if any(row[i] in names for row in texts):
            columns.append(f"{column} (label)")
            for out, row in zip(cells, texts):
                out.append(names.get(row[i], ""))
    return Table(tuple(columns), tuple(tuple(r) for r in cells))


def parameter_values(location: str, values_query: str, limits: QueryLimits,
                     worker: QueryWorker | None = None) -> list[tuple[str, str]]:
    """The values a canned query's parameter can take, each with what to show for it: the
    first column of its values query, and its second column (a label) when it has one."""
    result = run_query_bounded(location, values_query, limits, worker=worker)
    out = []
    for row in result.rows:
        value = term_text(row[0])
        label = term_text(row[1]) if len(row) > 1 and row[1] is not None else ""
        out.append((value, label or value))
    return out


def console_example() -> str:
    """The query a SPARQL console opens with (its header comments left out)."""
    lines = named_query(CONSOLE_EXAMPLE).text.splitlines()
    while lines and lines[0].startswith("#"):
        lines.pop(0)
    return "\n".join(lines).strip()
