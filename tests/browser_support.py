"""What the browser tests share: Debian's Chromium driven by Playwright, the Streamlit app
started on a free port of 127.0.0.1 for a workspace, and the ways a test waits for a page and
works its widgets like an analyst (type into a dropdown, click an option)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import REPO, copy_workspace, free_port

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = REPO / "test-artifacts" / "screenshots"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def require_chromium() -> None:
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `make test` installs Debian's chromium package", pytrace=False)



@contextmanager
def serve(root: Path) -> Iterator[str]:
    """The analyst workspace for the workspace at `root`, served on 127.0.0.1: its URL."""
    port = free_port()
    env = {**os.environ, "MVKG_WORKSPACE": str(root)}
    url = f"http://127.0.0.1:{port}"
    with started([sys.executable, "-m", "streamlit", "run", str(REPO / "app.py"), "--server.port", str(port),
                  "--server.address", "127.0.0.1", "--server.headless", "true"], env, url + "/_stcore/health"):
        yield url


@contextmanager
def started(cmd: list[str], env: dict[str, str], ready_url: str) -> Iterator[subprocess.Popen]:
    """A server process (the app, or another server a test needs), once `ready_url` answers;
    stopped at the end. Its output goes to a file, not a pipe: a pipe nobody reads fills up
    and then blocks the server's next log line (a busy app then hangs, even on shutdown)."""
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.time() + 90
        while time.time() < deadline:
            try:
                urllib.request.urlopen(ready_url, timeout=2)
                break
            except OSError:
                if proc.poll() is not None:
                    deadline = 0
                time.sleep(0.5)
        else:
            proc.kill()
            proc.wait()
            log.seek(0)
            pytest.fail(f"{' '.join(cmd[:4])} did not start:\n" + log.read().decode(errors="replace"))
        try:
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:  # a server that ignores SIGTERM is stopped all the same
                proc.kill()
                proc.wait()


def writable_copy(built, dest: Path):
    """A private copy of the built seed workspace (data/ and build/), for tests that write."""
    ws, _ = built
    copy = copy_workspace(dest)
    shutil.copytree(ws.build_dir, copy.build_dir)
    return copy


@contextmanager
def chromium() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield b
        finally:
            b.close()


def settle(page, title: str | None = None) -> None:
    """Wait until the script has finished: the title is there and the running indicator has
    been gone for a while."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=60000)
    if title:
        page.get_by_role("heading", name=title).first.wait_for(timeout=120000)
    quiet = 0
    deadline = time.time() + 180
    while quiet < 4 and time.time() < deadline:
        running = page.locator('[data-testid="stStatusWidget"]').count() > 0
        quiet = 0 if running else quiet + 1
        page.wait_for_timeout(400)


def assert_clean(page, name: str) -> None:
    errors = page.locator('[data-testid="stException"], [data-testid="stAlertContentError"]')
    assert errors.count() == 0, f"{name}: " + " | ".join(errors.all_inner_texts())
    assert page.get_by_text("Page not found").count() == 0, f"{name}: page not found"


def combobox(page, label: str):
    return page.get_by_role("combobox", name=label, exact=True)


def pick(page, label: str, option: str) -> None:
    """Choose `option` in the dropdown labelled `label` as a user does: click it, type, click
    the option; then wait for the page to settle."""
    box = combobox(page, label)
    box.click()
    box.fill("")
    box.press_sequentially(option[:40], delay=5)
    page.get_by_role("option", name=option, exact=True).click()
    if page.get_by_role("listbox").count():  # a multi-choice list stays open for more picks
        page.keyboard.press("Escape")
    settle(page)


def go_to(page, title: str) -> None:
    """Switch page through the navigation bar, as a user does (the session and its state
    stay); a page the bar has folded into its "more" menu is picked from there."""
    link = page.locator('[data-testid="stTopNavLink"]').filter(has_text=re.compile(f"^{re.escape(title)}$")).first
    if not link.is_visible():
        page.locator('[data-testid="stTopNavSection"]').last.click()
        link = page.get_by_role("link", name=title, exact=True).last
    link.click()
    settle(page)


def grid_cells(page, nth: int = -1) -> list[str]:
    """The cell texts of a dataframe (its accessible grid) on the page."""
    grids = page.locator('table[role="grid"]')
    grid = grids.nth(nth) if nth >= 0 else grids.nth(grids.count() + nth)
    return grid.locator('[role="gridcell"]').all_inner_texts()


def main_text(page) -> str:
    return page.locator('[data-testid="stMain"]').inner_text()
