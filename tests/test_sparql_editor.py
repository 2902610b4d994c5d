"""The SPARQL editor in a real headless Chromium against the app served on 127.0.0.1: SPARQL
highlighting in the Ace editor, Ctrl+Enter runs, short IRIs with labels beside them (full on a
toggle), results kept after the CSV download so the JSON follows without a re-run, and a
saved query reopened by its share link."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from browser_support import assert_clean, grid_cells, main_text, require_chromium, serve, settle, writable_copy
from mvkg.query.saved import list_saved, load_saved, query_id
from mvkg.query.sparql import run_query
from mvkg.query.store import open_read_only

require_chromium()
WIDE = {"width": 1400, "height": 1000}
EDITOR = 'iframe[title="code_editor.code_editor"]'
THEMES = "SELECT DISTINCT ?t WHERE { ?o mvkg:hasTheme ?t } ORDER BY ?t LIMIT 8"  # all in view (the grid is virtual)


@pytest.fixture(scope="module")
def app(built, tmp_path_factory):
    """The app on a private copy of the built seed workspace (saving a query writes to it)."""
    ws = writable_copy(built, tmp_path_factory.mktemp("sparql-editor"))
    with serve(ws.root) as url:
        yield ws, url


def open_sparql(browser, url: str, path: str = "/sparql"):
    page = browser.new_page(viewport=WIDE, accept_downloads=True)
    page.goto(url + path)
    settle(page, "SPARQL")
    page.frame_locator(EDITOR).locator(".ace_content").wait_for(timeout=60000)
    return page


def type_query(page, text: str) -> None:
    """Replace the editor's text, as a user selecting all and pasting."""
    page.frame_locator(EDITOR).locator(".ace_content").click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(text)


def editor_text(page) -> str:
    return "\n".join(page.frame_locator(EDITOR).locator(".ace_line").all_inner_texts())


def rows_line(page) -> str:
    page.get_by_text(re.compile(r"^\d+ rows in ")).first.wait_for(timeout=60000)
    settle(page)
    return page.get_by_text(re.compile(r"^\d+ rows in ")).first.inner_text()


def test_the_editor_highlights_sparql(browser, app):
    page = open_sparql(browser, app[1])
    type_query(page, THEMES)
    frame = page.frame_locator(EDITOR)
    keywords = frame.locator(".ace_keyword").all_inner_texts()
    assert {"SELECT", "DISTINCT", "WHERE"} <= set(keywords), keywords
    assert "?t" in frame.locator(".ace_variable").all_inner_texts()
    colour = frame.locator(".ace_keyword", has_text="SELECT").first.evaluate("e => getComputedStyle(e).color")
    plain = frame.locator(".ace_line").first.evaluate("e => getComputedStyle(e).color")
    assert colour != plain, (colour, plain)  # the theme's keyword colour, not the text colour


def test_ctrl_enter_runs_and_iris_are_short_with_labels(browser, app, built):
    ws, url = app
    page = open_sparql(browser, url)
    type_query(page, THEMES)
    assert page.get_by_text(re.compile(r"^\d+ rows in ")).count() == 0
    page.keyboard.press("Control+Enter")
    expected = [t.value for (t,) in run_query(open_read_only(built[0]), THEMES).rows]
    assert rows_line(page).startswith(f"{len(expected)} rows in ")
    cells = grid_cells(page)
    shown = cells[0::2]
    assert shown == ["theme:" + iri.rsplit("/", 1)[1] for iri in expected]
    labels = cells[1::2]
    assert all(labels) and not any(":" in label for label in labels), labels  # each theme's label beside it
    page.get_by_text("Full IRIs").click()
    settle(page)
    assert grid_cells(page)[0::2] == expected
    assert_clean(page, "ctrl+enter")


def test_results_stay_after_csv_and_json_follows_without_a_rerun(browser, app):
    page = open_sparql(browser, app[1])
    type_query(page, THEMES)
    page.keyboard.press("Control+Enter")
    before = rows_line(page)
    with page.expect_download() as got:
        page.get_by_role("button", name="CSV", exact=True).click()
    csv_rows = Path(got.value.path()).read_text(encoding="utf-8").strip().splitlines()
    settle(page)
    assert rows_line(page) == before  # the same run (its time too): nothing ran again
    with page.expect_download() as got:
        page.get_by_role("button", name="JSON", exact=True).click()
    data = json.loads(Path(got.value.path()).read_text(encoding="utf-8"))
    assert len(data) == len(csv_rows) - 1 == int(before.split()[0]) > 0


def test_a_saved_query_reopens_from_its_share_link(browser, app):
    ws, url = app
    text = "# title: Obligations and their themes\nSELECT ?o ?t WHERE { ?o a mvkg:Obligation ; mvkg:hasTheme ?t }"
    page = open_sparql(browser, url)
    type_query(page, text)
    page.get_by_role("button", name="Save and share").click()
    settle(page)
    ident = query_id(text)
    assert load_saved(ws, ident).title == "Obligations and their themes"
    assert ident in [q.id for q in list_saved(ws)]
    link = page.locator('[data-testid="stCode"]').filter(has_text=f"?q={ident}").first.inner_text().strip()
    assert link.endswith(f"/sparql?q={ident}"), link
    assert f"q={ident}" in page.url
    other = browser.new_page(viewport=WIDE)
    other.goto(link)
    settle(other, "SPARQL")
    other.frame_locator(EDITOR).locator(".ace_content").wait_for(timeout=60000)
    assert "mvkg:hasTheme" in editor_text(other) and f"Saved query {ident}" in main_text(other)
    other.get_by_role("button", name="Run query").click()
    assert int(rows_line(other).split()[0]) > 0
    assert_clean(other, "shared link")
