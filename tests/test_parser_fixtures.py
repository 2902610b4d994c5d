"""The grammar against resolutions written in ITU/UN style, each with hand-written
expectations (tests/fixtures/resolutions/NAME.expected.json)."""

from __future__ import annotations

import json

import pytest

from conftest import FIXTURES
from mvkg.ingest.extract import build_record
from mvkg.ingest.parse import parse_resolution
from mvkg.ingest.readers import decode_text
from mvkg.kernel.model import ResolutionMeta

CASES = sorted(p.name.removesuffix(".expected.json") for p in (FIXTURES / "resolutions").glob("*.expected.json"))


def _record(name, lexicon):
    path = FIXTURES / "resolutions" / f"{name}.txt"
    text = decode_text(path.read_bytes(), path)
    parsed = parse_resolution(text, lexicon, str(path))
    meta = ResolutionMeta(code=parsed.code or name.upper())
    return text, parsed, build_record(parsed, meta, lexicon, source_file=path.name, sha256="", media_type="text/plain")


@pytest.mark.parametrize("name", CASES)
def test_fixture_matches_expectations(name, lexicon):
    expected = json.loads((FIXTURES / "resolutions" / f"{name}.expected.json").read_text(encoding="utf-8"))
    text, parsed, rec = _record(name, lexicon)
    label = {iri: a.label for iri, a in lexicon.actors.items()}
    verb = {v.iri: v.label for v in lexicon.verbs}
    assert parsed.code == expected["code"]
    assert [s.heading for s in rec.sections if not s.operative] == expected["preamble_sections"]
    got = []
    for ob in rec.obligations:
        section = next(s for s in rec.sections if s.iri == ob.section)
        got.append({
            "section": section.heading,
            "item": ob.item,
            "modality": verb[ob.modality],
            "bearers": sorted(label[a] for a in ob.bearers),
            "collaborators": sorted(label[a] for a in ob.collaborators if a in set(section.collaborators)),
            "sdgs": sorted({r.goal for r in ob.sdg_refs if r.goal is not None}),
            "condition": ob.condition.text if ob.condition else None,
            "deadline": ob.deadline.text if ob.deadline else None,
            "text_starts": ob.span.text[:25],
        })
    want = [{k: e[k] for k in got[0]} for e in expected["obligations"]] if got else expected["obligations"]
    assert [(g["section"], g["item"]) for g in got] == [(w["section"], w["item"]) for w in want]
    for g, w in zip(got, want):
        assert g == w, (name, g["section"], g["item"])
    for ob in rec.obligations:
        assert text[ob.span.start : ob.span.end] == ob.span.text
