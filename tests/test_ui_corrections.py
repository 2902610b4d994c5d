"""The Corrections page in real Chromium: an analyst corrects an obligation's strength; the
correction is stored with who (the acting user) and why, the graph is brought up to date, and the obligation reads as
corrected everywhere (here: the CLI listing of the same workspace)."""

from __future__ import annotations

import json

import pytest

from actors import OS_USER
from browser_support import ARTIFACTS, assert_clean, chromium, pick, serve, settle, writable_copy
from conftest import run_cli


@pytest.fixture
def app(tmp_path, built):
    ws = writable_copy(built, tmp_path)  # built already: no rebuild here
    with serve(ws.root) as url:
        yield ws, url


def test_correct_an_obligation_in_the_browser(app):
    ws, url = app
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{url}/corrections")
        settle(page, "Corrections")
        assert_clean(page, "corrections")
        pick(page, "Obligation", "ATU-MV resolves c")
        pick(page, "What is wrong", "strength")
        page.get_by_role("textbox", name="Corrected value").fill("recommendation")
        page.get_by_label("Why (kept with the correction)").fill("workshops are encouraged, not required")
        page.screenshot(path=str(ARTIFACTS / "corrections-form.png"), full_page=True)
        page.get_by_role("button", name="Record correction").click()
        page.get_by_text("the graph is up to date").first.wait_for(timeout=120000)
        settle(page)
        assert_clean(page, "corrections after the write")
        assert page.get_by_text("workshops are encouraged, not required").count() > 0  # on record
    stored = ws.corrections_file.read_text(encoding="utf-8")
    assert f",{OS_USER}," in stored and "atu-mv/resolves/para_c" in stored  # who: the acting user, not a typed name
    rows = json.loads(run_cli("-w", str(ws.root), "obligations", "--resolution", "ATU-MV", "--format", "json").output)
    c = next(r for r in rows if r["id"].endswith("/para_c/obligation"))
    assert c["corrected"] == ["strength"]
    assert all(r["corrected"] == [] for r in rows if r is not c)
