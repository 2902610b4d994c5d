"""A write's message stays in sight when the reasoning after it ends (real Chromium). While the
reasoner runs after a write, the page says "Reasoning… N%" and, when the answer is committed,
reads the whole page again by itself; the write's message (its success, a refusal) must still be
on screen after that rerun, so an analyst who looked away sees whether the write went through.

The success: a resolution added on the Obligations page (a real write, with the reasoner's real
background run). The refusal: a viewer's correction, refused by the library while the test plays
the reasoning worker (it holds the workspace lock and commits the answer when it chooses), so
the refusal is on screen before the answer is in, every time."""

from __future__ import annotations

import dataclasses
import re
import time

import pytest

from actors import OS_USER
from browser_support import ARTIFACTS, chromium, pick, require_chromium, serve, settle, writable_copy
from conftest import REPO
from mvkg.graph.pending import new_pending, pending_of
from mvkg.graph.state import read_state, write_manifest
from mvkg.kernel.locking import WorkspaceLock

require_chromium()

NOTICE = "Reasoning…"


@pytest.fixture
def served(tmp_path, built):
    ws = writable_copy(built, tmp_path)
    with serve(ws.root) as url:
        yield ws, url


def _reasoned(ws, seconds: float = 600) -> None:
    deadline = time.monotonic() + seconds
    while pending_of(ws) is not None:
        assert time.monotonic() < deadline, "the reasoning after the write never finished"
        time.sleep(0.5)


def _after_the_rerun(page) -> None:
    """The notice is gone (the answer is in and the page was read again) and the page has settled."""
    page.get_by_text(NOTICE).first.wait_for(state="detached", timeout=120000)
    settle(page)


def test_an_added_resolutions_message_stays_when_its_reasoning_ends(served, tmp_path):
    ws, url = served
    upload = tmp_path / "copy.txt"
    upload.write_text((REPO / "data" / "resolutions" / "ecp-mv.txt").read_text(encoding="utf-8")
                      .replace("[ECP-MV]", "[ECP-UP]"), encoding="utf-8")
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{url}/obligations")
        settle(page, "Obligations")
        page.get_by_text("Add a resolution").click()
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(upload))
        page.get_by_role("button", name=re.compile("^Add to the workspace")).click()
        message = page.get_by_text("ECP-UP added: 16 obligations.")
        message.first.wait_for(timeout=180000)
        page.get_by_text(NOTICE).first.wait_for(timeout=60000)  # the write's reasoning runs behind it
        _reasoned(ws)
        _after_the_rerun(page)
        page.screenshot(path=str(ARTIFACTS / "write-message-after-reasoning.png"), full_page=True)
        assert message.count() == 1 and message.first.is_visible()


def test_a_refusal_stays_when_the_reasoning_of_an_earlier_write_ends(served, resources):
    ws, url = served
    ws.roles_file.write_text(f"person,roles\n{OS_USER},viewer\n", encoding="utf-8")
    state = read_state(ws)
    flag = new_pending(ws, "correction-add ATU-MV b", "an-earlier-write", None)
    refusal = f"{OS_USER} (os:{OS_USER}) may not correct an obligation: that needs the analyst role (holds: viewer)"
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        with WorkspaceLock(ws.root):  # this test is the reasoning worker: it holds the workspace while it "reasons"
            write_manifest(ws, resources.ontology_files(), dataclasses.replace(state, pending=flag))
            page.goto(f"{url}/corrections")
            page.get_by_text(NOTICE).first.wait_for(timeout=120000)
            pick(page, "Obligation", "ATU-MV resolves c")
            page.get_by_role("textbox", name="Corrected value").fill("a value")
            page.get_by_role("button", name="Record correction").click()
            page.get_by_text(refusal).first.wait_for(timeout=120000)
            assert page.get_by_text(NOTICE).count() == 1  # refused while the reasoning still runs
            write_manifest(ws, resources.ontology_files(), state)  # the answer committed
        _after_the_rerun(page)
        page.screenshot(path=str(ARTIFACTS / "refusal-after-reasoning.png"), full_page=True)
        shown = page.get_by_text(refusal)
        assert shown.count() == 1 and shown.first.is_visible()
    assert not ws.corrections_file.exists() or OS_USER not in ws.corrections_file.read_text(encoding="utf-8")
