"""Saving a what-if on the Standards page, in real Chromium. The save runs in the form's
callback, before the page runs (so the page runs once after it): a refused save says why
under the form, in one line, and writes nothing; a save that goes through is shown with its
message, and the saved portfolio is the one the page then judges against."""

from __future__ import annotations

from browser_support import assert_clean, combobox, main_text, require_chromium, settle
from mvkg.inputs.portfolios import load_portfolios

require_chromium()
NAME = "Name (lower-case letters, digits, '-')"


def _standards(browser, url: str):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{url}/standards?portfolio=itu-t-in-force")
    settle(page, "Standards & portfolios (what-if)")
    return page


def _files(ws) -> dict:
    return {p.name: p.read_bytes() for p in sorted(ws.portfolios_dir.iterdir())}


def test_a_refused_save_says_why_under_the_form_and_writes_nothing(browser, fresh):
    ws, url = fresh
    before = _files(ws)
    page = _standards(browser, url)
    page.get_by_label(NAME).fill("itu-t-in-force")  # the name of a portfolio that exists
    page.get_by_role("button", name="Save portfolio").click()
    settle(page)
    errors = page.locator('[data-testid="stAlertContentError"]').all_inner_texts()
    assert len(errors) == 1 and "already exists" in errors[0] and "\n" not in errors[0].strip()
    assert "Saved data/portfolios" not in main_text(page)
    assert _files(ws) == before
    page.get_by_role("button", name="Save portfolio").click()  # the refusal is said once, not kept
    settle(page)
    assert len(page.locator('[data-testid="stAlertContentError"]').all_inner_texts()) == 1


def test_a_save_is_shown_at_once_and_the_page_judges_the_new_build(browser, fresh):
    ws, url = fresh
    page = _standards(browser, url)
    page.get_by_label(NAME).fill("saved-here")
    page.get_by_role("button", name="Save portfolio").click()
    page.get_by_text("Saved data/portfolios/saved-here.json").first.wait_for(timeout=120000)
    settle(page)
    assert_clean(page, "after saving a what-if")
    assert "saved-here" in load_portfolios(ws)
    # the page reads the new build at once: the saved portfolio can be picked on it without a rebuild
    box = combobox(page, "Portfolio")
    box.click()
    box.press_sequentially("saved-here", delay=5)
    option = page.get_by_role("option", name="saved-here", exact=True)
    option.wait_for(timeout=30000)
    assert option.count() == 1
