"""Explicit SDG references, in the ways resolutions write them: each numbered goal is found
with the exact words that name it; a goal number that is not placed among the SDGs (ITU's
strategic goals, the Connect 2030 Agenda) is not an SDG."""

from __future__ import annotations

import pytest

from mvkg.ingest.extract import sdg_refs_in
from mvkg.kernel.model import Span

CASES = [
    ("recalling SDG 11 and SDGs 3 and 4", [3, 4, 11]),
    ("Sustainable Development Goal 9, on resilient infrastructure", [9]),
    ("Goal 10 of the Sustainable Development Goals (SDGs), which emphasizes", [10]),
    ("Goals 11 and 13 of the 2030 Agenda for Sustainable Development", [11, 13]),
    ("the Sustainable Development Goals, in particular Goals 11 and 13;", [11, 13]),
    ("the SDGs (especially Goal 9)", [9]),
    ("Goal 3 of the Connect 2030 Agenda", []),
    ("the SDGs and ITU's strategic goals 1 and 2", []),
    ("Goal 18 of the Sustainable Development Goals", []),  # there are 17
]


@pytest.mark.parametrize("text, goals", CASES, ids=[c[0][:40] for c in CASES])
def test_numbered_goals(lexicon, text, goals):
    refs = sdg_refs_in(lexicon, text, [Span(0, len(text), text)])
    numbered = [r for r in refs if r.goal is not None]
    assert sorted(r.goal for r in numbered) == goals
    for r in numbered:
        assert text[r.span.start:r.span.end] == r.span.text and str(r.goal) in r.span.text
