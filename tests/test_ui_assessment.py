"""The analyst's worklist in real Chromium (issue 17): find the not-covered obligations of a
resolution and why; record an assessment from a suggestion and see the verdict change (and the
row in the CSV, by the acting user); review an assessment; filter what needs assessment; a
refused assessment writes nothing. What each page must show is computed from the workspace with
the library, never written into the test."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import quote

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from browser_support import (
    ARTIFACTS,
    assert_clean,
    combobox,
    main_text,
    pick,
    require_chromium,
    serve,
    settle,
)
from conftest import run_cli
from mvkg.analysis.suggest import suggest
from mvkg.analysis.why import NEEDS_ASSESSMENT, explain, explain_all
from mvkg.compliance.coverage import coverage
from mvkg.compliance.validate import validate
from mvkg.inputs.assessments import stored_assessments
from mvkg.kernel.identity import os_actor
from mvkg.kernel.vocabulary import VOCABULARY
from mvkg.query.store import open_read_only

require_chromium()
WIDE = {"width": 1400, "height": 1000}
PORTFOLIO = "itu-t-in-force"


def _cov(ws, resources):
    store = open_read_only(ws)
    return store, coverage(resources, validate(ws, resources, PORTFOLIO, store=store))


def _open(browser, url: str):
    page = browser.new_page(viewport=WIDE)
    page.goto(url)
    settle(page, "Obligations")
    return page


def _wait_for_text(page, text: str) -> None:
    """Wait for a write's message; if it never comes, fail with what the page says instead."""
    try:
        page.get_by_text(text).first.wait_for(timeout=120000)
    except PlaywrightTimeout:
        pytest.fail(f"no {text!r} on the page; it reads: {main_text(page)[-1500:]}")
    settle(page)


def _actor_name() -> str:
    """Who the app acts as in local mode (ui.identity.current_actor): the OS user."""
    return os_actor(frozenset()).name


def _mark(verdict: str) -> str:
    return VOCABULARY.verdicts.get(verdict).mark


def test_find_the_not_covered_obligations_of_a_resolution_and_why(browser, built, resources):
    ws = built[0]
    store, cov = _cov(ws, resources)
    rows = [r for r in cov.rows if r.verdict == "not-covered"]
    resolution = rows[0].resolution
    mine = [r for r in rows if r.resolution == resolution]
    with serve(ws.root) as url:
        page = _open(browser, f"{url}/obligations")
        pick(page, "Resolution", resolution)
        pick(page, "Verdict", _mark("not-covered"))
        assert page.get_by_text(f"{len(mine)} of {len(cov.rows)} obligations").count() == 1
        for r in mine:
            w = explain(store, cov, r.id)
            pick(page, "Obligation detail", w.label)
            page.get_by_role("heading", name=f"Why {_mark('not-covered')}").wait_for()
            text = main_text(page)
            assert w.reason in text
            assert w.judged_none, "the seed's not-covered verdicts rest on entries judged none"
            for e in w.judged_none:
                assert e.entry in text and e.rationale in text
            for a in w.actions:
                assert a.text in text
        assert_clean(page, "not-covered and why")
        page.screenshot(path=str(ARTIFACTS / "why-not-covered.png"), full_page=True)
        named = explain(store, cov, mine[-1].id)  # a link may name the obligation as analysts do
        page = _open(browser, f"{url}/obligations?ob={quote(named.label.lower())}")
        assert page.get_by_role("heading", level=3, name=named.label).count() == 1
        assert f"ob={quote(named.short, safe='')}" in page.url


def test_record_an_assessment_from_a_suggestion_and_see_the_verdict_change(browser, fresh, resources):
    ws, url = fresh
    store, cov = _cov(ws, resources)
    row = next(r for r in cov.rows if r.verdict == "not-covered")
    w = explain(store, cov, row.id)
    best = suggest(store, row.id, portfolio=PORTFOLIO, top=1)[0]
    rows_before = len(stored_assessments(ws))
    page = _open(browser, f"{url}/obligations?ob={w.short}")
    assert page.get_by_text(f"Verdict: {_mark('not-covered')}").count() == 1
    page.get_by_role("button", name=re.compile("^Suggestions")).first.click()  # a gap leads to its suggestions
    settle(page)
    # the form starts from the gap's best suggestion
    assert combobox(page, "Entry").input_value() == f"{best.entry}: {best.title} (suggested)"
    page.get_by_role("radiogroup", name="Relation").get_by_text("full", exact=True).click()
    page.get_by_role("textbox", name="Rationale", exact=True).fill("Browser test: the suggested entry meets the obligation in full.")
    page.get_by_role("textbox", name="Confidence", exact=True).fill("0.8")
    page.get_by_role("button", name="Save assessment").click()
    _wait_for_text(page, "recorded as a draft by")
    assert_clean(page, "after saving an assessment")
    store, cov = _cov(ws, resources)
    after = next(r for r in cov.rows if r.id == row.id).verdict
    assert after != "not-covered"
    assert page.get_by_text(f"Verdict: {_mark(after)}").count() == 1  # the same page, at once
    stored = stored_assessments(ws)
    assert len(stored) == rows_before + 1
    new = stored[-1].row
    assert (new["obligation"], new["entry"], new["relation"]) == (w.short, best.entry, "full")
    assert new["assessor"] == _actor_name() and new["method"] == "machine-suggested"
    page.screenshot(path=str(ARTIFACTS / "assessment-recorded.png"), full_page=True)


def test_review_an_assessment(browser, fresh, resources):
    ws, url = fresh
    store, cov = _cov(ws, resources)
    w = next(x for x in explain_all(store, cov) if x.covering and x.covering[0].review == "draft")
    entry = w.covering[0].entry
    page = _open(browser, f"{url}/obligations?ob={w.short}")
    pick(page, "Assessment to change", entry)
    page.get_by_role("button", name="Mark reviewed").click()
    _wait_for_text(page, "marked reviewed by")
    who, today = _actor_name(), date.today().isoformat()
    assert f"reviewed by {who} on {today}" in main_text(page)
    row = next(s.row for s in stored_assessments(ws) if s.row["obligation"] == w.short and s.row["entry"] == entry)
    assert (row["review"], row["reviewed_by"], row["reviewed_on"]) == ("reviewed", who, today)
    assert_clean(page, "after a review")


def test_filter_needs_assessment(browser, fresh, resources):
    """An obligation whose assessments are all removed needs assessment; the filter shows
    exactly the obligations the library says need one."""
    ws, url = fresh
    target = stored_assessments(ws)[0].row["obligation"]
    for s in [s for s in stored_assessments(ws) if s.row["obligation"] == target]:
        assert run_cli("-w", str(ws.root), "assessment", "remove", target, s.row["entry"]).exit_code == 0
    store, cov = _cov(ws, resources)
    needing = [w for w in explain_all(store, cov) if NEEDS_ASSESSMENT in w.kinds]
    assert target in {w.short for w in needing}
    page = _open(browser, f"{url}/obligations")
    pick(page, "Next action", "needs assessment")
    assert page.get_by_text(f"{len(needing)} of {len(cov.rows)} obligations").count() == 1
    cells = page.evaluate("""() => Array.from(document.querySelectorAll('[data-testid="stTable"] td, [data-testid="stMarkdownContainer"] td'), td => td.innerText.trim())""")
    for w in needing:
        assert f"{w.label} ({next(r for r in cov.rows if r.id == w.id).strength})" in cells
    assert "next=needs+assessment" in page.url  # shareable by URL
    assert_clean(page, "needs assessment")


def test_a_refused_assessment_writes_nothing(browser, fresh, resources):
    ws, url = fresh
    before = {p: p.read_bytes() for p in ws.assessment_files()}
    store, cov = _cov(ws, resources)
    w = explain(store, cov, cov.rows[0].id)
    page = _open(browser, f"{url}/obligations?ob={w.short}")
    some = suggest(store, w.id, portfolio=PORTFOLIO, top=1)[0]
    pick(page, "Entry", f"{some.entry}: {some.title} (suggested)")
    page.get_by_role("radiogroup", name="Relation").get_by_text("partial", exact=True).click()
    page.get_by_role("textbox", name="Rationale", exact=True).fill("confidence out of range")
    page.get_by_role("textbox", name="Confidence", exact=True).fill("2")
    page.get_by_role("button", name="Save assessment").click()
    settle(page)
    errors = page.locator('[data-testid="stAlertContentError"]').all_inner_texts()
    assert len(errors) == 1 and "confidence" in errors[0] and "\n" not in errors[0].strip()
    assert {p: p.read_bytes() for p in ws.assessment_files()} == before


def test_edit_then_remove_an_assessment(browser, fresh, resources):
    """Edit makes the user the assessor (and the row a draft); remove, once confirmed, takes the
    row out and the verdict follows."""
    ws, url = fresh
    store, cov = _cov(ws, resources)
    w = next(x for x in explain_all(store, cov) if x.verdict == "not-covered")
    entry = w.judged_none[0].entry
    page = _open(browser, f"{url}/obligations?ob={w.short}")
    pick(page, "Assessment to change", entry)
    page.get_by_text("Edit", exact=True).click()
    settle(page)
    box = page.get_by_role("textbox", name="Rationale", exact=True).last
    box.fill("Edited in the browser: examined again, still not covering it.")
    settle(page)
    assert box.input_value().startswith("Edited in the browser")  # no rerun put the old text back
    page.get_by_role("button", name="Save changes").click()
    _wait_for_text(page, "changed by")
    row = next(s.row for s in stored_assessments(ws) if s.row["obligation"] == w.short and s.row["entry"] == entry)
    assert row["rationale"] == "Edited in the browser: examined again, still not covering it."
    assert row["assessor"] == _actor_name() and (row.get("review") or "draft") == "draft"
    assert "Edited in the browser" in main_text(page)
    pick(page, "Assessment to change", entry)
    page.get_by_role("button", name="Remove").click()
    settle(page)
    page.get_by_role("button", name="Yes, remove it").click()
    _wait_for_text(page, "removed.")
    assert not [s for s in stored_assessments(ws) if s.row["obligation"] == w.short and s.row["entry"] == entry]
    store, cov = _cov(ws, resources)
    after = explain(store, cov, w.id)
    assert entry not in {e.entry for e in after.assessments}
    assert page.get_by_text(f"Verdict: {_mark(after.verdict)}").count() == 1
    assert after.reason in main_text(page)
    assert_clean(page, "after edit and remove")
