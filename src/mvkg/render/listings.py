"""Text renderings of the workspace's listings for the CLI: obligations, catalogue entries
and portfolios, each as a table, CSV or JSON."""

from __future__ import annotations

import json
from datetime import date

from mvkg.analysis.obligations import ObligationRow, obligations_csv, obligations_table
from mvkg.inputs.catalogue import Entry, entry_summary
from mvkg.inputs.catalogue_freshness import DEFAULT_STALE_AFTER_DAYS, freshness
from mvkg.inputs.portfolios import Portfolio
from mvkg.kernel.lexicon import Lexicon
from mvkg.query.sparql import to_csv, to_table
from mvkg.render.text import json_text


def obligations_text(rows: list[ObligationRow], fmt: str = "table") -> str:
    """`mvkg obligations` (JSON keys: id, resolution, section, item, modality, bearers, themes, sdgs, text, source)."""
    if fmt == "json":
        return json_text([r.to_json() for r in rows])
    if fmt == "csv":
        return obligations_csv(rows)
    return obligations_table(rows)


def catalogue_text(entries: list[Entry], lex: Lexicon, fmt: str = "table", *, today: date | None = None,
                   stale_after_days: int = DEFAULT_STALE_AFTER_DAYS) -> str:
    """Catalogue entries (JSON keys: id, title, publisher, kind, status, date, url, themes, checked,
    stale). An entry whose facts were last checked more than `stale_after_days` before `today`
    (or never) is stale: its checked column reads "stale: ..."."""
    today = today or date.today()
    fresh = {e.id: freshness(e.checked, today, stale_after_days) for e in entries}
    rows = [{**entry_summary(e, lex), "stale": fresh[e.id].stale} for e in entries]
    if fmt == "json":
        return json_text(rows)
    table = [[r["id"], r["publisher"], r["kind"], r["status"], r["date"] or "", fresh[r["id"]].note,
              "; ".join(r["themes"]), r["title"]] for r in rows]
    head = ["id", "publisher", "kind", "status", "date", "checked", "themes", "title"]
    return to_csv(head, table) if fmt == "csv" else to_table(head, table)


def entry_text(e: Entry, lex: Lexicon) -> str:
    """One catalogue entry as JSON: its summary plus topics, sources, notes and where it is defined."""
    summary = entry_summary(e, lex)
    summary.update({"topics": [lex.topics[t].label for t in e.topics], "source_urls": list(e.source_urls),
                    "notes": e.notes, "defined_in": f"{e.file}:{e.row}"})
    return json_text(summary)


def portfolios_text(portfolios: dict[str, Portfolio], sizes: dict[str, int], fmt: str = "table") -> str:
    """Portfolios with their size (JSON keys: name, description, size)."""
    rows = [{"name": n, "description": p.description, "size": sizes[n]} for n, p in portfolios.items()]
    if fmt == "json":
        return json_text(rows)
    return to_table(["name", "size", "description"], [[n, str(sizes[n]), p.description] for n, p in portfolios.items()])


def portfolio_text(p: Portfolio, chosen: list[Entry]) -> str:
    """A portfolio's definition, then its members as a table."""
    head = f"{p.name}: {p.label}\n  {p.description}\n  definition: {json.dumps(p.to_json(), ensure_ascii=False)}\n"
    return head + to_table(["id", "status", "kind", "title"], [[e.id, e.status, e.kind, e.title] for e in chosen])
