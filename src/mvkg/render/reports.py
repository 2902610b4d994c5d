"""Text renderings of validation and coverage for the CLI (the UI renders the same objects)."""

from __future__ import annotations

import json

from mvkg.compliance.coverage import FORMULA, Coverage
from mvkg.compliance.validate import Validation
from mvkg.kernel.vocabulary import VOCABULARY
from mvkg.query.sparql import to_csv, to_table
from mvkg.render.text import md_text

VERDICT_MARK = VOCABULARY.verdicts.marks  # "✔ covered": icon and name, from the ontology


def validation_json(run: Validation) -> str:
    body = {"conforms": run.conforms, "portfolio": run.portfolio, "counts": run.counts(),
            "results": [r.to_json() for r in run.results]}
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def validation_text(run: Validation) -> str:
    c = run.counts()
    lines = [f"portfolio {run.portfolio} ({run.portfolio_label}): "
             + ("conforms (no violation)" if run.conforms else "does NOT conform"),
             f"  {c['violation']} violation(s), {c['warning']} warning(s), {c['info']} info"]
    for sev in VOCABULARY.severities.notations:
        results = [r for r in run.results if r.severity == sev]
        if results:
            lines.append(f"\n{sev.upper()} ({len(results)})")
            lines += [f"  - {r.message}" for r in results]
    return "\n".join(lines) + "\n"


def validation_md(run: Validation) -> str:
    c = run.counts()
    lines = [f"# Validation: portfolio {md_text(run.portfolio_label)} (`{run.portfolio}`)", "",
             f"**{'Conforms' if run.conforms else 'Does not conform'}**: {c['violation']} violations, "
             f"{c['warning']} warnings, {c['info']} info.", "",
             "| severity | resolution | section | item | message |", "|---|---|---|---|---|"]
    lines += [f"| {r.severity} | {md_text(r.resolution)} | {md_text(r.section)} | {md_text(r.item)} | {md_text(r.message)} |"
              for r in run.results]
    return "\n".join(lines) + "\n"


VALIDATION_HEAD = ["focus", "severity", "verdict", "resolution", "section", "item", "message", "missing themes", "shape"]
SEVERITY_MARK = VOCABULARY.severities.marks  # "! warning"


def validation_rows(run: Validation) -> list[list[str]]:
    """One row a SHACL result, under VALIDATION_HEAD (severity and verdict with their icon)."""
    return [[r.focus, SEVERITY_MARK.get(r.severity, r.severity), VERDICT_MARK.get(r.verdict, r.verdict) if r.verdict else "",
             r.resolution, r.section, r.item, r.message, r.missing_theme or "", r.shape] for r in run.results]


def validation_csv(run: Validation) -> str:
    return to_csv(VALIDATION_HEAD, validation_rows(run))



NOT_ASSESSED = "not-assessed"  # the verdict of an obligation no one has assessed (ontology/coverage.ttl)


def assessed(rows) -> tuple[int, int]:
    """(assessed, obligations): how many of the obligations carry any assessment (a
    not-applicable finding counts: someone judged it) out of all of them."""
    rows = list(rows)
    return sum(1 for r in rows if r.verdict != NOT_ASSESSED), len(rows)


def assessed_headline(cov: Coverage) -> str:
    """"27 of 40 obligations assessed (not yet: APT-XR 0 of 13)": shown with every coverage
    figure, so a resolution no one has assessed is never silently outside the percentage."""
    done, total = assessed(cov.rows)
    line = f"{done} of {total} obligations assessed"
    by_resolution: dict[str, list] = {}
    for r in cov.rows:
        by_resolution.setdefault(r.resolution, []).append(r)
    behind = [(code, *assessed(rows)) for code, rows in sorted(by_resolution.items()) if assessed(rows)[0] < len(rows)]
    if behind and done < total:
        line += " (not yet: " + ", ".join(f"{code} {n} of {m}" for code, n, m in behind) + ")"
    return line


def coverage_json(cov: Coverage) -> str:
    body = cov.to_json()
    done, total = assessed(cov.rows)
    body["summary"] = {**body["summary"], "assessed": done, "obligations": total}  # type: ignore[dict-item]
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def _row(r) -> list[str]:
    return [r.resolution, r.section, r.item, r.strength, VERDICT_MARK[r.verdict],
            ", ".join(c.entry for c in r.covering), ", ".join(r.missing_themes)]


_HEAD = ["resolution", "section", "item", "strength", "verdict", "covering", "missing themes"]
COVERAGE_HEAD = ["id", *_HEAD]  # the CSV's and the spreadsheet's columns


def coverage_rows(cov: Coverage) -> list[list[str]]:
    """One row a verdict, under COVERAGE_HEAD: what the CSV writes and the spreadsheet shows."""
    return [[r.id, *_row(r)] for r in cov.rows]


def coverage_table(cov: Coverage) -> str:
    s, b = cov.summary, cov.binding
    pct = "n/a" if s.coverage_percent is None else f"{s.coverage_percent:.1f} %"
    bpct = "n/a" if b.coverage_percent is None else f"{b.coverage_percent:.1f} %"
    head = (f"portfolio {cov.portfolio} ({cov.portfolio_label}): coverage {pct} of all obligations, "
            f"{bpct} of binding ones\n  {assessed_headline(cov)}\n  {FORMULA}\n  "
            + ", ".join(f"{k}: {v}" for k, v in s.counts.items()) + "\n\n")
    return head + to_table(_HEAD, [_row(r) for r in cov.rows])


def coverage_csv(cov: Coverage) -> str:
    return to_csv(COVERAGE_HEAD, coverage_rows(cov))


def coverage_md(cov: Coverage) -> str:
    s = cov.summary
    pct = "n/a" if s.coverage_percent is None else f"{s.coverage_percent:.1f} %"
    lines = [f"Portfolio **{cov.portfolio_label}** (`{cov.portfolio}`): coverage **{pct}**, "
             f"{assessed_headline(cov)}. Formula: {FORMULA}.", "",
             "| " + " | ".join(_HEAD) + " |", "|" + "---|" * len(_HEAD)]
    lines += ["| " + " | ".join(md_text(x) for x in _row(r)) + " |" for r in cov.rows]
    lines += ["", "Counts: " + ", ".join(f"{k} {v}" for k, v in s.counts.items()) + "."]
    return "\n".join(lines) + "\n"
