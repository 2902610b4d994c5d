"""The Graph page's subgraph (mvkg.analysis.neighbourhood) and the page in a real Chromium:
around a theme, its obligations grouped by resolution, a few of each shown and the rest
counted, each named with its verdict, the covering entries once each; labels wrapped to fit;
"Show N more" adds exactly those."""

from __future__ import annotations

import re

import pytest

from browser_support import assert_clean, chromium, pick, require_chromium, serve, settle
from mvkg.analysis.neighbourhood import DEFAULT_LIMIT, WRAP, neighbourhood, obligation_name, to_dot, wrap
from mvkg.compliance.coverage import coverage
from mvkg.compliance.validate import validate
from mvkg.graph.build import load_lexicon
from mvkg.query.named import select
from mvkg.query.store import open_read_only


@pytest.fixture(scope="module")
def seed(built, resources):
    ws = built[0]
    store = open_read_only(ws)
    cov = coverage(resources, validate(ws, resources, "itu-t-in-force", store=store))
    themes = load_lexicon(resources).themes
    obligations = {r.id for r in cov.rows}  # (catalogue entries carry themes too)
    under = {iri: {r["o"] for r in select(store, "theme_obligations", t=iri)} & obligations for iri in themes}
    widest = max(under, key=lambda iri: len(under[iri]))
    return store, cov, themes, under, widest


def test_a_theme_groups_its_obligations_by_resolution_with_a_limit(seed):
    store, cov, themes, under, widest = seed
    assert len(under[widest]) > DEFAULT_LIMIT  # the seed has a theme wider than one screen's worth
    sub = neighbourhood(store, cov, widest)
    verdicts = {r.id: r for r in cov.rows}
    assert sub.shown + sub.hidden == len(under[widest])
    for g in sub.groups:
        assert len(g.shown) <= DEFAULT_LIMIT
        assert {verdicts[ob].resolution for ob in g.shown} == {g.resolution}
        in_resolution = [r.id for r in cov.rows if r.id in under[widest] and r.resolution == g.resolution]
        assert list(g.shown) == in_resolution[:DEFAULT_LIMIT] and g.hidden == len(in_resolution) - len(g.shown)
    obligations = [n for n in sub.nodes if n.kind == "obligation"]
    assert {n.label for n in obligations} == {obligation_name(verdicts[ob]) for g in sub.groups for ob in g.shown}
    assert all(n.verdict == verdicts[n.id].verdict for n in obligations)
    entries = [n.id for n in sub.nodes if n.kind == "entry"]
    assert len(entries) == len(set(entries))  # one node per entry, however many obligations it covers
    assert {n.kind for n in sub.nodes} == {"theme", "obligation", "entry"}  # the obligations' other themes left out
    everything = neighbourhood(store, cov, widest, limit=100)
    assert everything.hidden == 0 and everything.shown == len(under[widest])


def test_an_obligation_has_its_resolution_themes_and_entries(seed):
    store, cov, *_ = seed
    row = next(r for r in cov.rows if r.covering)
    sub = neighbourhood(store, cov, row.id)
    kinds = {n.kind for n in sub.nodes}
    assert kinds == {"obligation", "resolution", "theme", "entry"}
    assert {n.label for n in sub.nodes if n.kind == "entry"} == {c.entry for c in row.covering}


def test_the_dot_has_one_box_per_resolution_and_labels_that_fit(seed):
    store, cov, _, _, widest = seed
    sub = neighbourhood(store, cov, widest)
    dot = to_dot(sub)
    assert dot.count("subgraph cluster_") == len(sub.groups)
    for g in sub.groups:
        assert f"{g.resolution}: {len(g.shown)} of {len(g.shown) + g.hidden}" in dot
        assert (f"+ {g.hidden} more" in dot) == bool(g.hidden)
    for label in re.findall(r'label="((?:[^"\\]|\\.)*)"', dot):
        assert all(len(line) <= WRAP for line in label.split("\\n")), label
    assert wrap("word " * 40).count("\n") == 2 and wrap("word " * 40).endswith("…")


def test_the_graph_page_shows_more_on_request(built, seed):
    store, cov, themes, under, widest = seed
    require_chromium()
    sub = neighbourhood(store, cov, widest)
    more = sum(min(g.hidden, DEFAULT_LIMIT) for g in sub.groups)
    with serve(built[0].root) as url, chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1400})
        page.goto(url + "/graph")
        settle(page, "Graph")
        pick(page, "Theme", themes[widest].label)
        svg = page.locator('[data-testid="stGraphVizChart"] svg').first
        svg.wait_for(timeout=60000)
        assert svg.locator("g.cluster").count() == len(sub.groups)
        boxes = svg.locator("g.node").count()
        assert boxes == len(sub.nodes) + sum(1 for g in sub.groups if g.hidden)
        page.get_by_role("button", name=f"Show {more} more").click()
        settle(page)
        after = neighbourhood(store, cov, widest, DEFAULT_LIMIT * 2)
        svg = page.locator('[data-testid="stGraphVizChart"] svg').first
        assert svg.locator("g.node").count() == len(after.nodes) + sum(1 for g in after.groups if g.hidden)
        assert_clean(page, "graph page")
