"""The ontology documentation is reachable from the running app, in a real headless Chromium:
from the Overview, the navigation bar's "Ontology" link opens the generated documentation;
its own links lead to the classes and properties page and to the topics page, where a class's
and a concept's definitions are shown."""

from __future__ import annotations

import re

import pytest

from browser_support import ARTIFACTS, assert_clean, chromium, go_to, main_text, require_chromium, serve, settle

require_chromium()

OBLIGATION_DEFINITION = "What one operative leaf item asks of its bearers"


@pytest.fixture(scope="module")
def app_url(built):
    with serve(built[0].root) as url:
        yield url


def test_navigation_leads_to_the_ontology_documentation(app_url):
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(app_url)
        settle(page, "Overview")
        go_to(page, "Ontology")
        settle(page, "Ontology")
        assert_clean(page, "ontology index")
        assert re.search(r"/ontology(\?|$)", page.url)
        index = main_text(page)
        assert "Classes and properties" in index and OBLIGATION_DEFINITION not in index

        page.locator('[data-testid="stMain"] nav a', has_text="Classes and properties").click()
        settle(page, "Ontology")
        page.get_by_text(OBLIGATION_DEFINITION).first.wait_for(timeout=60000)
        assert_clean(page, "ontology classes")
        assert page.url.endswith("?doc=ontology")
        assert page.locator('[id="ontology_Obligation"]').count() == 1  # the class's own entry, as anchor
        page.screenshot(path=str(ARTIFACTS / "ontology-classes.png"))

        page.locator('[data-testid="stMain"] nav a', has_text="Topics").click()
        settle(page, "Ontology")
        gltf = page.locator('[id="topic_gltf"]')
        gltf.wait_for(timeout=60000)
        assert "glTF" in gltf.inner_text() and OBLIGATION_DEFINITION not in main_text(page)
