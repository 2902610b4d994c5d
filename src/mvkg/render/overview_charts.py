"""The Overview's charts as Vega-Lite specifications (plain JSON-able dicts), made once per
build and portfolio and shared by every session that opens the page: the obligations × themes
heatmap (each cell in its verdict's colour, marked with the verdict's icon in the ink that reads
on it) and the SDG references as horizontal bars. Building them with a chart library on every
page run of every session cost more than the rest of the page."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mvkg.analysis.views import OverviewView
from mvkg.kernel.vocabulary import VOCABULARY
from mvkg.render.colours import verdict_mark_colours

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"  # a name only: nothing fetches it
TOOLTIP = [{"field": name, "type": "nominal"} for name in ("obligation", "theme", "verdict")]


def heatmap_spec(view: OverviewView) -> dict[str, Any]:
    """Obligations (rows, short labels whole) × themes (columns): a rect per cell coloured by
    verdict and a text mark with the verdict's icon, its colour on an independent scale."""
    verdicts = VOCABULARY.verdicts
    ink = verdict_mark_colours()
    values = [{"row": c.row, "obligation": c.obligation, "theme": c.theme, "verdict": c.verdict,
               "mark": verdicts.get(c.verdict).icon} for c in view.cells]
    domain = list(verdicts.notations)
    axes = {"x": {"field": "theme", "type": "nominal", "title": None, "axis": {"labelLimit": 0, "labelAngle": -40}},
            "y": {"field": "row", "type": "nominal", "title": None, "sort": None, "axis": {"labelLimit": 0}}}
    cells = {"mark": {"type": "rect"}, "encoding": {
        **axes, "tooltip": TOOLTIP,
        "color": {"field": "verdict", "type": "nominal", "scale": {"domain": domain, "range": [v.colour for v in verdicts]}}}}
    marks = {"mark": {"type": "text"}, "encoding": {
        **axes, "tooltip": TOOLTIP, "text": {"field": "mark", "type": "nominal"},
        "color": {"field": "verdict", "type": "nominal", "legend": None,
                  "scale": {"domain": domain, "range": [ink[v.notation] for v in verdicts]}}}}
    return {"$schema": SCHEMA, "data": {"values": values}, "layer": [cells, marks],
            "resolve": {"scale": {"color": "independent"}}}


def sdg_spec(counts: Mapping[str, int]) -> dict[str, Any]:
    """Obligations referring to each SDG, one horizontal bar per SDG (in the order given)."""
    values = [{"SDG": sdg, "obligations": n} for sdg, n in counts.items()]
    return {"$schema": SCHEMA, "data": {"values": values}, "mark": {"type": "bar"},
            "encoding": {"y": {"field": "SDG", "type": "nominal", "title": None, "sort": None},
                         "x": {"field": "obligations", "type": "quantitative", "title": "obligations"},
                         "tooltip": [{"field": "SDG", "type": "nominal"},
                                     {"field": "obligations", "type": "quantitative"}]}}
