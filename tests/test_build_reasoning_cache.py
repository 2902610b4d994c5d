"""A rebuild reuses the reasoner's result while the ontology and the resolution graphs are
unchanged (a catalogue or assessment edit does not run HermiT again), and reasons again as
soon as either changes."""

from __future__ import annotations

import json

import pytest

from mvkg import pipeline
from mvkg.graph import build as build_module


class _NoReasoner:
    def __init__(self, *args, **kwargs):
        raise AssertionError("the reasoner ran although its inputs were unchanged")


def test_unchanged_inputs_reuse_the_reasoning(workspace, resources, lexicon, monkeypatch):
    first = pipeline.build(workspace, resources, lexicon)
    cached = json.loads(workspace.reasoning_file.read_text(encoding="utf-8"))
    assert cached["engine"] == first.reasoner and cached["types"]
    image = workspace.image_file.read_bytes()

    # the catalogue is not reasoned over: editing it keeps the cached result
    catalogue = workspace.catalogue_dir / "catalogue.csv"
    catalogue.write_text(catalogue.read_text(encoding="utf-8").replace("Metaverse", "Metaverse ", 1), encoding="utf-8")
    monkeypatch.setattr(build_module, "Materialiser", _NoReasoner)
    second = pipeline.build(workspace, resources, lexicon)
    assert second.reasoner == first.reasoner
    inferred = "https://w3id.org/mvkg/graph/inferred"
    assert {g.graph: g.triples for g in second.graphs}[inferred] == {g.graph: g.triples for g in first.graphs}[inferred]
    assert workspace.image_file.read_bytes() != image  # the catalogue change itself is built


def test_a_changed_resolution_reasons_again(workspace, resources, lexicon, monkeypatch):
    pipeline.build(workspace, resources, lexicon)
    meta = workspace.resolutions_dir / "atu-mv.json"
    body = json.loads(meta.read_text(encoding="utf-8"))
    body["title"] = "Metaverse (amended)"
    meta.write_text(json.dumps(body), encoding="utf-8")
    monkeypatch.setattr(build_module, "Materialiser", _NoReasoner)
    with pytest.raises(AssertionError, match="the reasoner ran"):
        pipeline.build(workspace, resources, lexicon)


def test_a_damaged_cache_is_ignored(workspace, resources, lexicon):
    first = pipeline.build(workspace, resources, lexicon)
    workspace.reasoning_file.write_text("{not json", encoding="utf-8")
    again = pipeline.build(workspace, resources, lexicon)
    assert again.reasoner == first.reasoner and again.triples == first.triples
