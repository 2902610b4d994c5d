"""Markdown reports written from data (snapshot, validation, coverage, diff) carry no live
markup: a heading, label or message holding Markdown or HTML is escaped, so a viewer of the
downloaded file fetches nothing."""

from __future__ import annotations

import re

from mvkg.kernel.vocabulary import VOCABULARY
from mvkg.render.snapshot_reports import snapshot_md
from mvkg.render.text import md_text


def test_markdown_reports_carry_no_live_markup_from_data():
    """A label, a section heading or a message that holds Markdown or HTML is written into
    the Markdown reports as text: no image, link or tag a viewer would fetch or render."""
    hostile = "![t](http://127.0.0.1:9/x) <img src=http://127.0.0.1:9/y> [l](http://127.0.0.1:9/z) a|b"
    assert md_text(hostile) == ("\\!\\[t\\](http://127.0.0.1:9/x) \\<img src=http://127.0.0.1:9/y\\> "
                                "\\[l\\](http://127.0.0.1:9/z) a\\|b")
    summary = {"counts": dict.fromkeys(VOCABULARY.verdicts.notations, 0), "conforms": True, "severity_counts": {"violation": 0, "warning": 0, "info": 0},
               "coverage_percent": 50.0, "binding": {"coverage_percent": 50.0}, "formula": "f"}
    snap = {"id": "s1", "created": "2026-12-05T00:00:00Z", "label": hostile, "summary": summary,
            "portfolio": {"label": hostile, "name": "p", "members": []}, "obligations": {}, "inputs": {}, "versions": {}}
    out = snapshot_md(snap)
    unescaped = re.findall(r"(?<!\\)(?:!\[|\[|<)", out)
    assert unescaped == [] and out.count("\\<img") == 2
