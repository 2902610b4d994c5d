"""Roles in real Chromium: the acting user (the OS user in local mode) is a viewer by the
workspace's roles file, and recording a correction on the Corrections page is refused by the
library (the page shows who and the role needed; the corrections file and the audit trail are
unchanged). Made an analyst, the same form records the correction under the user's own name, and
the Audit page shows the change as text. Confirming it needs the reviewer role: refused for the
analyst, recorded (with who and when) once the roles file makes the user a reviewer."""

from __future__ import annotations

import time

import pytest

from actors import OS_USER
from browser_support import ARTIFACTS, assert_clean, chromium, pick, require_chromium, serve, settle, writable_copy
from conftest import tree_hash
from mvkg.graph.pending import pending_of
from mvkg.kernel.audit import Journal

require_chromium()


@pytest.fixture
def app(tmp_path, built):
    ws = writable_copy(built, tmp_path)
    ws.roles_file.write_text(f"person,roles\n{OS_USER},viewer\n", encoding="utf-8")
    with serve(ws.root) as url:
        yield ws, url


def _record(page) -> None:
    pick(page, "Obligation", "ATU-MV resolves c")
    pick(page, "What is wrong", "strength")
    page.get_by_role("textbox", name="Corrected value").fill("recommendation")
    page.get_by_label("Why (kept with the correction)").fill("workshops are encouraged, not required")
    page.get_by_role("button", name="Record correction").click()


def test_a_viewers_write_is_refused_by_the_library_and_an_analysts_is_audited(app):
    ws, url = app
    before = tree_hash(ws.root / "data")
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{url}/corrections")
        settle(page, "Corrections")
        assert page.get_by_role("textbox", name="By", exact=True).count() == 0  # no typed names
        _record(page)
        refusal = f"{OS_USER} (os:{OS_USER}) may not correct an obligation: that needs the analyst role (holds: viewer)"
        page.get_by_text(refusal).first.wait_for(timeout=120000)
        page.screenshot(path=str(ARTIFACTS / "roles-viewer-refused.png"), full_page=True)
        assert tree_hash(ws.root / "data") == before and Journal(ws).entries() == []
        ws.roles_file.write_text(f"person,roles\n{OS_USER},analyst\n", encoding="utf-8")
        page.goto(f"{url}/corrections")
        settle(page, "Corrections")
        _record(page)
        page.get_by_text("the graph is up to date").first.wait_for(timeout=120000)
        settle(page)
        assert_clean(page, "corrections as an analyst")
        _reasoned(ws)  # the correction's reasoning ends with a page rerun: the steps below start after it
        page.goto(f"{url}/audit")
        settle(page, "Audit trail")
        page.get_by_text("intact: 1 change(s)").first.wait_for(timeout=60000)
        assert page.get_by_text("correction-add").count() > 0
        assert page.get_by_text(f"who: {OS_USER} (os:{OS_USER}, via os)").count() > 0
        page.screenshot(path=str(ARTIFACTS / "audit-page.png"), full_page=True)
        _confirm_as_analyst_then_reviewer(page, url, ws)
    assert f",{OS_USER}," in ws.corrections_file.read_text(encoding="utf-8")
    added, reviewed = Journal(ws).entries()
    assert (added.kind, added.actor_name, [f.path for f in added.files]) == (
        "correction-add", OS_USER, ["data/corrections/corrections.csv"])
    assert (reviewed.kind, reviewed.actor_name) == ("correction-review", OS_USER)
    assert f",{OS_USER}," in ws.correction_reviews_file.read_text(encoding="utf-8")


def _reasoned(ws, seconds: float = 600) -> None:
    """Wait until the server's background reasoning after the last write has committed."""
    deadline = time.monotonic() + seconds
    while pending_of(ws) is not None:
        assert time.monotonic() < deadline, "the reasoning after the correction never finished"
        time.sleep(0.5)


def _confirm_as_analyst_then_reviewer(page, url: str, ws) -> None:
    page.goto(f"{url}/corrections")
    settle(page, "On record")
    page.get_by_role("button", name="Confirm correction (reviewer)").click()
    refusal = f"{OS_USER} (os:{OS_USER}) may not review a correction: that needs the reviewer role"
    page.get_by_text(refusal, exact=False).first.wait_for(timeout=120000)
    assert not ws.correction_reviews_file.exists()
    ws.roles_file.write_text(f"person,roles\n{OS_USER},reviewer\n", encoding="utf-8")
    page.goto(f"{url}/corrections")
    settle(page, "On record")
    page.get_by_role("button", name="Confirm correction (reviewer)").click()
    # the table's "reviewed" column says who and when (a data-grid cell: in the DOM, drawn on a canvas)
    page.get_by_text(f"{OS_USER}, 20").first.wait_for(state="attached", timeout=120000)
    assert_clean(page, "corrections confirmed by a reviewer")
