"""Screenshots of the analyst workspace's main pages for the README (`make screenshots`):
the seed workspace is built in a temporary folder and served with the app, and Debian's
Chromium (Playwright, the tests' helpers in tests/browser_support.py) opens each page, waits
until it has settled, and writes docs/screenshots/PAGE.png.

    .venv/bin/python tools/screenshots.py [PAGE ...]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]

from browser_support import chromium, pick, serve, settle  # noqa: E402
from conftest import copy_workspace  # noqa: E402
from mvkg import pipeline  # noqa: E402
from mvkg.kernel.resources import find_resources  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
VIEWPORT = {"width": 1280, "height": 1500}
EDITOR = 'iframe[title="code_editor.code_editor"]'


def sparql_results(page) -> None:
    page.frame_locator(EDITOR).locator(".ace_content").wait_for(timeout=60000)
    page.get_by_role("button", name="Run query").click()
    page.get_by_text(" rows in ").first.wait_for(timeout=120000)


def graph_theme(page) -> None:
    pick(page, "Theme", "standards development work")
    page.locator('[data-testid="stGraphVizChart"] svg').first.wait_for(timeout=60000)


def drawn(page) -> None:
    """Wait until no placeholder is left (metrics, charts and tables are drawn after the script
    ends) and charts have had a moment to paint."""
    page.wait_for_function("() => document.querySelectorAll('[data-testid=\"stSkeleton\"]').length === 0",
                           timeout=120000)
    page.wait_for_timeout(1500)


# file name, address, title to wait for, what to do before the picture
PAGES = [
    ("overview", "/", "Overview", None),
    ("obligations", "/obligations?ob=atu-mv/resolves/para_b", "Obligations", None),
    ("standards", "/standards", None, None),
    ("validation", "/validation", "Validation", None),
    ("sparql", "/sparql?q=obligations_by_bearer", "SPARQL", sparql_results),
    ("snapshots", "/snapshots", "Snapshots", None),
    ("compare", "/compare", "Compare drafts", None),
    ("graph", "/graph", "Graph", graph_theme),
]


def main(only: list[str]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    resources = find_resources()
    with tempfile.TemporaryDirectory(prefix="mvkg-screens-") as tmp:
        ws = copy_workspace(Path(tmp))
        pipeline.build(ws, resources)
        with serve(ws.root) as url, chromium() as browser:
            page = browser.new_page(viewport=VIEWPORT)
            for name, path, title, before in PAGES:
                if only and name not in only:
                    continue
                page.goto(url + path)
                settle(page, title)
                if before is not None:
                    before(page)
                    settle(page)
                drawn(page)
                page.screenshot(path=str(OUT / f"{name}.png"))
                print(f"wrote {(OUT / f'{name}.png').relative_to(ROOT)}")


if __name__ == "__main__":
    main(sys.argv[1:])
