"""What makes a routine write cheap, checked for correctness (the timings are in
benchmarks/seed_writes.md): the lexicon kept in build/ between writes (and never a way to run
code), and a write refreshing only the inputs it really changed."""

from __future__ import annotations

import os
import pickle
import shutil

import pyoxigraph as ox

from actors import ADMIN
from mvkg import pipeline
from mvkg.graph.build import load_lexicon
from mvkg.graph.lexicon_cache import cached_lexicon, lexicon_key
from mvkg.inputs.portfolios import Portfolio, save_portfolio
from mvkg.kernel.workspace import Workspace
from mvkg.query.store import canonical_nquads


def test_the_kept_lexicon_is_the_ontologys(live, resources):
    (live.build_dir / "lexicon.pickle").unlink(missing_ok=True)
    made = cached_lexicon(live, resources)
    assert (live.build_dir / "lexicon.pickle").read_bytes().startswith(lexicon_key(resources))
    kept = cached_lexicon(live, resources)  # read back from build/
    assert kept == made == load_lexicon(resources)
    heading = next(iter(kept.verbs)).labels[0]
    assert kept.heading_rx.pattern == made.heading_rx.pattern
    assert bool(kept.heading_rx.match(heading)) == bool(made.heading_rx.match(heading))


class _Evil:
    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_a_tampered_lexicon_file_runs_nothing_and_is_made_again(live, resources, tmp_path):
    marker = tmp_path / "ran"
    path = live.build_dir / "lexicon.pickle"
    path.write_bytes(lexicon_key(resources) + pickle.dumps(_Evil(str(marker))))
    lex = cached_lexicon(live, resources)
    assert not marker.exists()  # the restricted unpickler refused os.system
    assert lex == load_lexicon(resources)
    assert path.read_bytes() != lexicon_key(resources) + pickle.dumps(_Evil(str(marker)))  # replaced by a good one


def test_a_lexicon_of_another_ontology_is_not_used(live, resources):
    path = live.build_dir / "lexicon.pickle"
    cached_lexicon(live, resources)
    path.write_bytes(b"0" * 64 + path.read_bytes()[64:])  # as if made from other ontology files
    assert cached_lexicon(live, resources) == load_lexicon(resources)
    assert path.read_bytes().startswith(lexicon_key(resources))


def test_a_write_refreshes_only_what_it_changed(live, resources, tmp_path):
    """Declared as touching the catalogue, the assessments and the portfolios (as a what-if save
    is), a write that saves only a portfolio replaces only the portfolio graphs, and the result
    is what a full build gives."""
    p = Portfolio(name="only-itu", label="Only ITU", description="", base="itu-t-in-force", include=(), exclude=())
    done = pipeline.live_write(live, resources, lambda lv: save_portfolio(live, p), {"catalogue", "assessments", "portfolios"},
                               actor=ADMIN, change="portfolio-save", key=p.name)
    assert done.update.changed and all("/graph/portfolio/" in g for g in done.update.changed)
    full = Workspace(tmp_path / "full")
    shutil.copytree(live.data, full.data)
    full.build_dir.mkdir(parents=True)
    shutil.copy(live.reasoning_file, full.reasoning_file)  # the reasoner's answer for the same input
    pipeline.build(full, resources)
    assert canonical_nquads(ox.Store.read_only(str(live.store_dir))) == full.image_file.read_bytes()
