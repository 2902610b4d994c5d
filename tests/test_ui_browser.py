"""End to end in a real headless Chromium (Debian's /usr/bin/chromium driven by Playwright):
start the app on a free port, visit every page, run a canned query, take a snapshot; fail on
any exception or error box; save a screenshot of every page in test-artifacts/."""

from __future__ import annotations

import pytest

from browser_support import ARTIFACTS, require_chromium, serve, writable_copy
from browser_support import assert_clean as _assert_clean
from browser_support import settle as _settle

PAGES = {"": "Overview", "obligations": "Obligations", "standards": "Standards & portfolios (what-if)",
         "validation": "Validation", "sparql": "SPARQL", "snapshots": "Snapshots", "compare": "Compare drafts",
         "graph": "Graph"}

require_chromium()


@pytest.fixture(scope="module")
def app_url(built, tmp_path_factory):
    """The app on this module's own copy of the built seed workspace: a test here takes a
    snapshot, which the session's shared workspace must not record (other tests read its journal)."""
    ws = writable_copy(built, tmp_path_factory.mktemp("ui-browser"))
    with serve(ws.root) as url:
        yield url


def test_every_page_renders_in_chromium(app_url, browser):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    console_errors = []
    page.on("pageerror", lambda exc: console_errors.append(str(exc)))
    for path, title in PAGES.items():
        page.goto(f"{app_url}/{path}")
        _settle(page, title)
        _assert_clean(page, title)
        page.screenshot(path=str(ARTIFACTS / f"{path or 'overview'}.png"), full_page=True)
    assert not console_errors, console_errors


def test_deep_link_opens_an_obligation(app_url, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{app_url}/obligations?ob=atu-mv/resolves/para_g")
    _settle(page, "Obligations")
    _assert_clean(page, "obligations deep link")
    assert page.get_by_text("privacy-enhancing technologies", exact=False).count() > 0
    page.screenshot(path=str(ARTIFACTS / "obligation-deep-link.png"), full_page=True)


def test_run_a_canned_query_and_take_a_snapshot(app_url, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{app_url}/sparql?q=obligations_by_bearer")
    _settle(page, "SPARQL")
    page.get_by_role("button", name="Run query").click()
    page.get_by_text(" rows in ").first.wait_for(timeout=60000)
    _assert_clean(page, "sparql")
    page.screenshot(path=str(ARTIFACTS / "sparql-result.png"), full_page=True)
    page.goto(f"{app_url}/snapshots")
    _settle(page, "Snapshots")
    page.get_by_label("Label").fill("browser test")
    page.get_by_role("button", name="Take snapshot").click()
    page.get_by_text("taken").first.wait_for(timeout=120000)
    _settle(page)
    _assert_clean(page, "snapshots")
    assert page.get_by_text("browser test").count() > 0
    page.screenshot(path=str(ARTIFACTS / "snapshot-taken.png"), full_page=True)


def test_upload_a_resolution(app_url, browser, built, tmp_path):
    """A bad upload gives a clear message and changes nothing; a good one is parsed and
    summarised before anything is saved."""
    from conftest import REPO as repo
    from conftest import tree_hash

    ws, _ = built
    before = tree_hash(ws.data)
    bad = tmp_path / "binary.txt"
    bad.write_bytes(b"\x00\x01\x02 binary")
    good = tmp_path / "copy.txt"
    good.write_text((repo / "data" / "resolutions" / "ecp-mv.txt").read_text(encoding="utf-8").replace("[ECP-MV]", "[ECP-UP]"),
                    encoding="utf-8")
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{app_url}/obligations")
    _settle(page, "Obligations")
    page.get_by_text("Add a resolution").click()
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(bad))
    page.get_by_text("binary file").first.wait_for(timeout=60000)
    assert page.get_by_text("Traceback").count() == 0
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(good))
    page.get_by_text("ECP-UP: 8 sections, 16 obligations").first.wait_for(timeout=60000)
    page.screenshot(path=str(ARTIFACTS / "upload.png"), full_page=True)
    assert tree_hash(ws.data) == before
