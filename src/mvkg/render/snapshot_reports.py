"""Reports built from a snapshot's stored summary (the same data the screen shows):
Markdown, a self-contained printable HTML page (inline SVG charts, no external assets),
and CSV; plus diff and trend renderings. All text from data is escaped."""

from __future__ import annotations

import json
from datetime import date
from html import escape

from mvkg.history.diff import Diff
from mvkg.history.snapshots import SnapshotInfo
from mvkg.inputs.catalogue_freshness import freshness
from mvkg.kernel.vocabulary import VOCABULARY
from mvkg.query.sparql import to_csv, to_table
from mvkg.render.reports import NOT_ASSESSED
from mvkg.render.text import md_text

VERDICT_ORDER = VOCABULARY.verdicts.notations
VERDICT_ICON = {c.notation: c.icon for c in VOCABULARY.verdicts}
VERDICT_COLOUR = {c.notation: c.colour for c in VOCABULARY.verdicts}


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f} %"


def _heading(snap: dict, text=str) -> list[str]:
    """The report's opening lines; `text` makes what comes from data safe for the format."""
    s = snap["summary"]
    return [
        f"Snapshot `{snap['id']}` taken {snap['created']}" + (f" — {text(snap['label'])}" if snap["label"] else ""),
        f"Portfolio: {text(snap['portfolio']['label'])} (`{snap['portfolio']['name']}`, {len(snap['portfolio']['members'])} entries)",
        f"Coverage: {_pct(s['coverage_percent'])} of all obligations, {_pct(s['binding']['coverage_percent'])} of binding ones",
        _assessed(snap),
        f"Formula: {s['formula']}",
        *_stale_line(snap),
    ]


def _stale(snap: dict, entry: str) -> str:
    """"" or the note on a covering entry whose status was stale when the snapshot was taken
    (snapshots taken before catalogue checks were recorded carry no window: no note)."""
    window = snap.get("freshness", {}).get("stale_after_days")
    if not window or entry not in snap.get("entries", {}):
        return ""
    found = freshness(snap["entries"][entry].get("checked", ""), date.fromisoformat(snap["created"][:10]), window)
    return found.note if found.stale else ""


def _covering(snap: dict, c: dict) -> str:
    """A covering entry as the reports list it: "ITU-T Y.4240", with the staleness of its status if any."""
    note = _stale(snap, c["entry"])
    return f"{c['entry']} ({note})" if note else c["entry"]


def _stale_line(snap: dict) -> list[str]:
    resting = [ob for ob in snap["obligations"].values() if any(_stale(snap, c["entry"]) for c in ob["covering"])]
    if not resting:
        return []
    return [f"Stale statuses: {len(resting)} verdict(s) rest on entries whose status was not checked on the "
            f"publisher's page within {snap['freshness']['stale_after_days']} days"]


def _assessed(snap: dict) -> str:
    """"Assessed: 27 of 40 obligations" from the snapshot's own verdicts (render.reports.assessed_headline)."""
    verdicts = [ob["verdict"] for ob in snap["obligations"].values()]
    return f"Assessed: {sum(1 for v in verdicts if v != NOT_ASSESSED)} of {len(verdicts)} obligations"


def _rows(snap: dict) -> list[list[str]]:
    return [[ob["resolution"], ob["section"], ob["item"], ob["strength"],
             f"{VERDICT_ICON[ob['verdict']]} {ob['verdict']}", ", ".join(_covering(snap, c) for c in ob["covering"]),
             ", ".join(ob["missing_themes"])] for ob in snap["obligations"].values()]


HEAD = ["resolution", "section", "item", "strength", "verdict", "covering", "missing themes"]


SNAPSHOT_HEAD = ["snapshot", "portfolio", "obligation", *HEAD]  # the CSV's and the spreadsheet's columns


def snapshot_rows(snap: dict) -> list[list[str]]:
    """One row a verdict, under SNAPSHOT_HEAD: what the CSV writes and the spreadsheet shows."""
    return [[snap["id"], snap["portfolio"]["name"], ob["id"], *row] for ob, row in zip(snap["obligations"].values(), _rows(snap))]


def snapshot_csv(snap: dict) -> str:
    return to_csv(SNAPSHOT_HEAD, snapshot_rows(snap))



def snapshot_md(snap: dict) -> str:
    s = snap["summary"]
    lines = [f"# Compliance snapshot {snap['id']}", ""] + [f"- {x}" for x in _heading(snap, md_text)]
    lines += ["- Verdicts: " + ", ".join(f"{v} {s['counts'][v]}" for v in VERDICT_ORDER),
              f"- SHACL: {'conforms' if s['conforms'] else 'does not conform'} "
              f"({s['severity_counts']['violation']} violations, {s['severity_counts']['warning']} warnings, "
              f"{s['severity_counts']['info']} info)", "",
              "| " + " | ".join(HEAD) + " |", "|" + "---|" * len(HEAD)]
    lines += ["| " + " | ".join(md_text(c) for c in row) + " |" for row in _rows(snap)]
    lines += ["", "## Inputs", ""] + [f"- `{k}` sha256 `{v}`" for k, v in snap["inputs"].items()]
    lines += ["", "## Versions", ""] + [f"- {k} {v}" for k, v in snap["versions"].items()]
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ SVG charts

def verdict_bars_svg(counts: dict[str, int]) -> str:
    total = max(sum(counts.values()), 1)
    width, bar_h, gap, left = 520, 22, 8, 130
    height = len(VERDICT_ORDER) * (bar_h + gap) + gap
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
             f'aria-label="verdict counts">']
    for i, v in enumerate(VERDICT_ORDER):
        y = gap + i * (bar_h + gap)
        w = int((width - left - 60) * counts.get(v, 0) / total)
        parts.append(f'<text x="0" y="{y + 16}" font-size="13">{VERDICT_ICON[v]} {escape(v)}</text>')
        parts.append(f'<rect x="{left}" y="{y}" width="{w}" height="{bar_h}" fill="{VERDICT_COLOUR[v]}"/>')
        parts.append(f'<text x="{left + w + 6}" y="{y + 16}" font-size="13">{counts.get(v, 0)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def trend_svg(points: list[SnapshotInfo]) -> str:
    width, height, pad = 560, 220, 40
    values = [p.coverage_percent for p in points]
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
             f'aria-label="coverage over time">',
             f'<line x1="{pad}" y1="{height - pad}" x2="{width - 10}" y2="{height - pad}" stroke="#333"/>',
             f'<line x1="{pad}" y1="10" x2="{pad}" y2="{height - pad}" stroke="#333"/>',
             f'<text x="4" y="{height - pad}" font-size="11">0 %</text><text x="0" y="16" font-size="11">100 %</text>']
    n = len(points)
    coords = []
    for i, (p, v) in enumerate(zip(points, values)):
        x = pad + (width - pad - 20) * (i / (n - 1) if n > 1 else 0.5)
        if v is None:
            continue
        y = (height - pad) - (height - pad - 10) * v / 100
        coords.append((x, y))
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="#1f4e79"><title>{escape(p.id)}: '
                     f'{v:.1f} %</title></circle>')
        parts.append(f'<text x="{x:.1f}" y="{height - pad + 16}" font-size="10" text-anchor="middle">'
                     f'{escape(p.created[:10])}</text>')
        parts.append(f'<text x="{x:.1f}" y="{y - 8:.1f}" font-size="10" text-anchor="middle">{v:.1f}</text>')
    if len(coords) > 1:
        parts.append('<polyline fill="none" stroke="#1f4e79" stroke-width="2" points="'
                     + " ".join(f"{x:.1f},{y:.1f}" for x, y in coords) + '"/>')
    parts.append("</svg>")
    return "".join(parts)


_CSS = """body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;width:100%;
font-size:12px}th,td{border:1px solid #bbb;padding:4px;vertical-align:top;text-align:left}th{background:#eee}
.meta li{margin:2px 0}.v{white-space:nowrap;font-weight:bold}@media print{body{margin:1cm}a{color:#000}
tr{page-break-inside:avoid}}"""


def snapshot_html(snap: dict, history: list[SnapshotInfo] | None = None) -> str:
    s = snap["summary"]
    meta = "".join(f"<li>{escape(x).replace('`', '')}</li>" for x in _heading(snap))
    rows = []
    for ob in snap["obligations"].values():
        v = ob["verdict"]
        covering = "<br>".join(escape(f"{c['entry']} ({c['relation']}, {c['status']}"
                                      + (f"; {_stale(snap, c['entry'])})" if _stale(snap, c["entry"]) else ")"))
                               for c in ob["covering"])
        messages = "<br>".join(escape(m) for m in ob["messages"])
        rows.append(f"<tr><td>{escape(ob['resolution'])}</td><td>{escape(ob['section'])}</td><td>{escape(ob['item'])}</td>"
                    f"<td>{escape(ob['strength'])}</td><td class='v' style='color:{VERDICT_COLOUR[v]}'>"
                    f"{VERDICT_ICON[v]} {escape(v)}</td><td>{covering}</td><td>{escape(', '.join(ob['missing_themes']))}</td>"
                    f"<td>{messages}</td></tr>")
    trend = ""
    if history and len(history) > 1:
        trend = f"<h2>Coverage over time ({escape(snap['portfolio']['name'])})</h2>{trend_svg(history)}"
    inputs = "".join(f"<li><code>{escape(k)}</code> {escape(v)}</li>" for k, v in snap["inputs"].items())
    versions = ", ".join(escape(f"{k} {v}") for k, v in snap["versions"].items())
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>mvkg snapshot {escape(snap['id'])}</title>
<style>{_CSS}</style></head><body>
<h1>Compliance snapshot {escape(snap['id'])}</h1>
<ul class="meta">{meta}</ul>
<h2>Verdicts</h2>{verdict_bars_svg(s['counts'])}
{trend}
<h2>Obligations</h2>
<table><thead><tr><th>resolution</th><th>section</th><th>item</th><th>strength</th><th>verdict</th><th>covering entries</th>
<th>missing themes</th><th>SHACL messages</th></tr></thead><tbody>{''.join(rows)}</tbody></table>
<h2>Reproducibility</h2><p>{versions}</p><ul>{inputs}</ul>
</body></html>
"""


# ------------------------------------------------------------------ diff and trend

def diff_md(d: Diff) -> str:
    s = d.summary
    lines = [f"# Changes from {d.from_id} to {d.to_id}", "",
             f"- Coverage: {_pct(s['coverage_percent']['from'])} → {_pct(s['coverage_percent']['to'])} "
             f"(binding: {_pct(s['binding_coverage_percent']['from'])} → {_pct(s['binding_coverage_percent']['to'])})",
             f"- Formula: {s['formula']}", f"- {s['changed']} obligation(s) changed verdict", ""]
    for c in d.changes:
        lines.append(f"## {md_text(f'{c.resolution} {c.section} {c.item}')}: {c.from_verdict or '(absent)'} → "
                     f"{c.to_verdict or '(absent)'}")
        lines += [f"- {cause.kind}: {md_text(cause.detail)}" for cause in c.causes]
        lines.append("")
    return "\n".join(lines) + "\n"


def diff_json(d: Diff) -> str:
    return json.dumps(d.to_json(), indent=2, ensure_ascii=False) + "\n"


TREND_HEAD = ["created", "id", "label", "portfolio", "coverage %", "binding %", *VERDICT_ORDER]


def _trend_rows(points: list[SnapshotInfo]) -> list[list[str]]:
    return [[p.created, p.id, p.label, p.portfolio, _pct(p.coverage_percent), _pct(p.binding_percent),
             *(str(p.counts.get(v, 0)) for v in VERDICT_ORDER)] for p in points]


def trend_table(points: list[SnapshotInfo]) -> str:
    return to_table(TREND_HEAD, _trend_rows(points))


def trend_csv(points: list[SnapshotInfo]) -> str:
    return to_csv(TREND_HEAD, _trend_rows(points))
