"""The Corrections page in real Chromium: an analyst corrects an obligation's strength; the
correction is stored with who and why, the graph is brought up to date, and the obligation reads as
corrected everywhere (here: the CLI listing of the same workspace)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request

import pytest

from conftest import REPO, copy_workspace, run_cli
from test_ui_browser import ARGS, CHROMIUM, _assert_clean, _free_port, _settle


@pytest.fixture
def app(tmp_path, resources):
    ws = copy_workspace(tmp_path)
    assert run_cli("-w", str(ws.root), "build").exit_code == 0
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(REPO / "app.py"), "--server.port", str(port),
                             "--server.address", "127.0.0.1", "--server.headless", "true"],
                            cwd=REPO, env={**os.environ, "MVKG_WORKSPACE": str(ws.root)},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url + "/_stcore/health", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    yield ws, url
    proc.terminate()
    proc.wait(timeout=20)


def _choose(page, label: str, option: str) -> None:
    """Pick an option of a select box by typing it and pressing Enter."""
    page.get_by_label(label).first.click()
    page.keyboard.type(option)
    page.keyboard.press("Enter")


def test_correct_an_obligation_in_the_browser(app):
    from playwright.sync_api import sync_playwright

    ws, url = app
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{url}/corrections")
        _settle(page, "Corrections")
        _assert_clean(page, "corrections")
        # the first obligation is chosen at first: ATU-MV resolves a
        _choose(page, "What is wrong", "strength")
        _settle(page)
        page.get_by_role("textbox", name="Corrected value").fill("recommendation")
        page.get_by_label("Why (kept with the correction)").fill("workshops are encouraged, not required")
        page.get_by_role("textbox", name="By", exact=True).fill("Browser Analyst")
        page.screenshot(path=str(REPO / "test-artifacts" / "corrections-form.png"), full_page=True)
        page.get_by_role("button", name="Record correction").click()
        page.get_by_text("the graph is up to date").first.wait_for(timeout=120000)
        _settle(page)
        _assert_clean(page, "corrections after the write")
        assert page.get_by_text("workshops are encouraged, not required").count() > 0  # on record
        browser.close()
    stored = ws.corrections_file.read_text(encoding="utf-8")
    assert "Browser Analyst" in stored and "atu-mv/resolves/para_a" in stored
    rows = json.loads(run_cli("-w", str(ws.root), "obligations", "--resolution", "ATU-MV", "--format", "json").output)
    a = next(r for r in rows if r["id"].endswith("/para_a/obligation"))
    assert a["corrected"] == ["strength"]
    assert all(r["corrected"] == [] for r in rows if r is not a)
