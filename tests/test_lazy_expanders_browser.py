"""Tables a page keeps folded are made when the analyst opens them (real Chromium): the
Overview's "The heatmap as a table" and the SPARQL page's "Prefixes" (Streamlit's lazy
expander, `on_change="rerun"`). Folded, no browser draws them on every visit (the benchmark of
20 sessions found the browsers, not the server, spend the CPU); opened, each shows all its rows."""

from __future__ import annotations

import pytest

from browser_support import chromium, require_chromium, serve, settle
from mvkg.analysis.explore import obligation_themes
from mvkg.analysis.views import overview_view
from mvkg.compliance.coverage import coverage
from mvkg.compliance.validate import validate
from mvkg.query.prefixes import workspace_prefixes
from mvkg.query.store import open_read_only

require_chromium()


@pytest.fixture(scope="module")
def seed(built):
    ws, _ = built
    with serve(ws.root) as url, chromium() as browser:
        yield ws, url, browser


def _expander(page, label: str):
    return page.locator('[data-testid="stExpander"]').filter(has_text=label).first


def test_the_heatmap_table_is_made_when_opened_with_every_cell(seed, resources):
    ws, url, browser = seed
    cells = overview_view(coverage(resources, validate(ws, resources, "itu-t-in-force")),
                          obligation_themes(open_read_only(ws)), {}).cells
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(url)
    settle(page, "Overview")
    box = _expander(page, "The heatmap as a table")
    assert box.locator("table").count() == 0  # folded: not made
    box.get_by_text("The heatmap as a table").click()
    box.locator("table tbody tr").first.wait_for(timeout=60000)
    settle(page)
    assert box.locator("table tbody tr").count() == len(cells) > 0


def test_the_prefix_list_is_made_when_opened_with_every_prefix(seed, resources):
    ws, url, browser = seed
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{url}/sparql")
    settle(page, "SPARQL")
    box = _expander(page, "Prefixes")
    assert box.locator('[data-testid="stDataFrame"]').count() == 0  # folded: not made
    box.get_by_text("Prefixes").first.click()
    box.locator('[data-testid="stDataFrame"]').wait_for(timeout=60000)
    settle(page)
    grid = box.locator('table[role="grid"]')  # the grid's accessible table (drawn on a canvas, rows in view only)
    assert grid.locator('[role="gridcell"]').filter(has_text="mvkg:").count() > 0
    assert int(grid.get_attribute("aria-rowcount") or 0) - 1 == len(workspace_prefixes(resources)) > 0  # less the header
