"""Time the analyst's four browser tasks of issue 17 in real Chromium on the seed workspace (run
by `make bench`; never part of the test suite):

    .venv/bin/python benchmarks/browser_tasks.py [RUNS]

1. find the not-covered obligations of a resolution, and why;
2. record an assessment from a suggestion and see the verdict change;
3. save a what-if portfolio and take a snapshot of it;
4. run a canned query with a parameter, then download its CSV and its JSON.

Each run serves a fresh copy of the built seed workspace (the tasks write) with the app and
the browser helpers of the tests (tests/browser_support.py). Every step is timed from the
click (or the pick of an option) to the settled page: what the step must show is on screen
and the script has stopped running (`data-test-script-state="notRunning"` on the app),
checked in the page on every animation frame (not by Playwright's locator waits, which check
again only every 0.5 s after the first 0.27 s and so rounded a step up by as much as 0.5 s); a
download step, to the file received. Typing into a form is not timed. The median of RUNS
(default 5) per step is written to benchmarks/browser_tasks.md with the machine and the date;
issue 17 asks each to be at most 1 s.
"""

from __future__ import annotations

import json
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]

from host import machine  # noqa: E402

from browser_support import chromium, combobox, serve, settle, writable_copy  # noqa: E402
from conftest import copy_workspace  # noqa: E402
from mvkg import pipeline  # noqa: E402
from mvkg.analysis.why import explain  # noqa: E402
from mvkg.compliance.coverage import coverage  # noqa: E402
from mvkg.compliance.validate import validate  # noqa: E402
from mvkg.kernel.resources import find_resources  # noqa: E402
from mvkg.kernel.vocabulary import VOCABULARY  # noqa: E402
from mvkg.query.store import open_read_only  # noqa: E402

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 5
PORTFOLIO = "itu-t-in-force"
WIDE = {"width": 1400, "height": 1000}
LIMIT_S = 1.0
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
OUT = ROOT / "benchmarks"


def mark(verdict: str) -> str:
    return VOCABULARY.verdicts.get(verdict).mark


# What a step must show, as JavaScript run in the page on every animation frame (`timed`):
# Playwright's own waits for a locator check again after 0, 20, 50, 100, 100, then every 500 ms,
# so a step's time was rounded up by as much as half a second to the next of those checks.
CHECKS = """
const main = () => document.querySelector('[data-testid="stMain"]');
const has = (t) => (main()?.textContent || '').includes(t);
const matches = (source) => { const re = new RegExp(source);
  return [...(main()?.querySelectorAll('p, span, div, li, td, h1, h2, h3, h4, h5, h6') || [])].some(e => re.test(e.textContent.trim())); };
const heading = (t) => [...(main()?.querySelectorAll('h1, h2, h3, h4, h5, h6') || [])].some(h => h.textContent.includes(t));
const chosen = (label, test) => [...document.querySelectorAll('input[role="combobox"]')]
  .some(i => i.getAttribute('aria-label') === label && test(i.value));
"""


def timed(page, act: Callable[[], None], shown: str) -> float:
    """Seconds from `act` (a click) to the page settled: `shown` (a JavaScript condition, with
    the helpers of CHECKS) holds and the script is no longer running, checked on every frame."""
    check = f"() => {{ {CHECKS} return Boolean({shown}) && document.querySelector({json.dumps(IDLE)}) !== null; }}"
    t = time.perf_counter()
    act()
    page.wait_for_function(check, polling="raf", timeout=120000)
    return time.perf_counter() - t


def open_choice(page, label: str, option: str):
    """Open the dropdown and type, as a user does; the option to click (not clicked yet)."""
    box = combobox(page, label)
    box.click()
    box.fill("")
    box.press_sequentially(option[:40], delay=5)
    return page.get_by_role("option", name=option, exact=True)


def js(value: object) -> str:
    """A Python value written as a JavaScript literal."""
    return json.dumps(value)


class Facts:
    """What the tasks need to know of the seed workspace (computed, never written in)."""

    def __init__(self, ws, resources) -> None:
        store = open_read_only(ws)
        cov = coverage(resources, validate(ws, resources, PORTFOLIO, store=store))
        gaps = [r for r in cov.rows if r.verdict == "not-covered"]
        self.resolution = gaps[0].resolution
        self.total = len(cov.rows)
        self.in_resolution = sum(r.resolution == self.resolution for r in cov.rows)
        self.gaps = sum(r.resolution == self.resolution for r in gaps)
        self.gap = explain(store, cov, gaps[0].id)


def find_gaps(page, url: str, f: Facts) -> dict[str, float]:
    page.goto(f"{url}/obligations")
    settle(page, "Obligations")
    option = open_choice(page, "Resolution", f.resolution)
    first = timed(page, option.click, f"has({js(f'{f.in_resolution} of {f.total} obligations')})")
    page.keyboard.press("Escape")
    option = open_choice(page, "Verdict", mark("not-covered"))
    # a multi-choice list stays open after a pick (and hides the page from the accessibility
    # tree): Escape closes it, as a user does, within the timed step
    second = timed(page, lambda: (option.click(), page.keyboard.press("Escape")),
                   f"has({js(f'{f.gaps} of {f.total} obligations')}) && heading({js('Why ' + mark('not-covered'))})")
    return {"pick the resolution": first, "pick not-covered: the list and the first one's why": second}


def assess(page, url: str, f: Facts) -> dict[str, float]:
    page.goto(f"{url}/obligations?ob={f.gap.short}&portfolio={PORTFOLIO}")
    settle(page, "Obligations")
    suggestions = page.get_by_role("button", name=re.compile("^Suggestions")).first

    suggested = "chosen('Entry', v => v.endsWith('(suggested)'))"
    first = timed(page, suggestions.click, suggested)
    page.get_by_role("radiogroup", name="Relation").get_by_text("full", exact=True).click()
    page.get_by_role("textbox", name="Rationale", exact=True).fill("Benchmark: the suggested entry meets it in full.")
    save = page.get_by_role("button", name="Save assessment")
    before = f"Verdict: {mark('not-covered')}"
    # the form's caption says "Recorded as a draft by"; the saved assessment's message, "recorded as a draft by"
    second = timed(page, save.click, f"has('recorded as a draft by') && !has({js(before)})")
    return {"open the gap's suggestions (form starts from the best)": first, "save the assessment: verdict changed": second}


def whatif_snapshot(page, url: str, name: str) -> dict[str, float]:
    page.goto(f"{url}/standards")
    settle(page)
    page.get_by_label("Name (lower-case letters, digits, '-')").fill(name)
    saved = timed(page, page.get_by_role("button", name="Save portfolio").click, f"has({js(f'Saved data/portfolios/{name}.json')})")
    link = page.locator('[data-testid="stTopNavLink"]').filter(has_text=re.compile("^Snapshots$")).first
    switch = timed(page, link.click, "heading('Snapshots')")
    option = open_choice(page, "Portfolio", name)
    picked = timed(page, option.click, f"chosen('Portfolio', v => v.includes({js(name)}))")
    page.get_by_label("Label").fill("benchmark")
    taken = timed(page, page.get_by_role("button", name="Take snapshot").click, f"matches({js('Snapshot .* taken')})")
    return {"save the what-if portfolio": saved, "go to Snapshots": switch, "pick the new portfolio": picked,
            "take the snapshot": taken}


def canned_query(page, url: str) -> dict[str, float]:
    page.goto(f"{url}/sparql?q=obligations_by_theme")
    settle(page, "SPARQL")
    label = next(el.get_attribute("aria-label") for el in page.locator('input[role="combobox"]').all()
                 if (el.get_attribute("aria-label") or "").startswith("theme:"))
    option = open_choice(page, label, "security")
    picked = timed(page, option.click, f"chosen({js(label)}, v => v === 'security')")
    rows = js(r"^\d+ rows in ")
    ran = timed(page, page.get_by_role("button", name="Run query").click, f"matches({rows})")
    out = {"pick the theme parameter": picked, "run the query": ran}
    for fmt in ("CSV", "JSON"):
        t = time.perf_counter()
        with page.expect_download() as got:
            page.get_by_role("button", name=fmt, exact=True).click()
        got.value.path()
        out[f"download {fmt}"] = time.perf_counter() - t
    assert page.get_by_text(re.compile(r"^\d+ rows in ")).count() == 1, "the results went away after a download"
    return out


TASKS = ("Find the not-covered obligations of a resolution, and why",
         "Record an assessment from a suggestion and see the verdict change",
         "Save a what-if portfolio and take a snapshot of it",
         "Run a canned query with a parameter, download CSV then JSON")


def main() -> None:
    before = machine()
    resources = find_resources()
    times: dict[tuple[str, str], list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="mvkg-bench-browser-") as tmp:
        template = copy_workspace(Path(tmp) / "seed")
        pipeline.build(template, resources)
        facts = Facts(template, resources)
        with chromium() as browser:
            for n in range(RUNS):
                ws = writable_copy((template, None), Path(tmp) / f"run{n}")
                with serve(ws.root) as url:
                    page = browser.new_page(viewport=WIDE, accept_downloads=True)
                    page.goto(url)  # the first page load (graph opened, caches filled) is not a task
                    settle(page, "Overview")
                    results = (find_gaps(page, url, facts), assess(page, url, facts),
                               whatif_snapshot(page, url, f"bench-{n}"), canned_query(page, url))
                    for task, steps in zip(TASKS, results):
                        for step, seconds in steps.items():
                            times.setdefault((task, step), []).append(seconds)
                    page.close()
                print(f"run {n + 1}/{RUNS} done", file=sys.stderr)
    write(times, before)


def write(times: dict[tuple[str, str], list[float]], m: dict) -> None:
    records = [{"task": task, "step": step, "runs": len(v), "median_s": round(statistics.median(v), 3),
                "min_s": round(min(v), 3), "max_s": round(max(v), 3)} for (task, step), v in times.items()]
    (OUT / "browser_tasks.json").write_text(json.dumps({"machine": m, "records": records}, indent=2) + "\n")
    lines = ["# The analyst's browser tasks (issue 17)", "",
             f"- date: {m['date']}; machine: {m['platform']}, {m['cpus']} CPUs, {m['memory_gb']} GiB, "
             f"Python {m['python']}; load average before the run {m['load_before']} (other work on the machine counts)",
             "- Debian's Chromium (headless, Playwright) on `streamlit run app.py` serving a fresh copy of the built seed "
             "workspace each run (on-disk store); the first page load of a run is not timed",
             "- each step: click (or pick of an option) to the settled page, i.e. what the step must show is on screen "
             "and the script has stopped running, checked in the page on every animation frame (Playwright's locator "
             "waits check again only every 0.5 s after the first 0.27 s, which rounded a step up by as much as 0.5 s); "
             "a download, to the file received. Typing is not timed",
             f"- `.venv/bin/python benchmarks/browser_tasks.py {RUNS}`; median (min–max) of {RUNS} runs; "
             f"issue 17 asks at most {LIMIT_S:.0f} s a step", ""]
    for task in TASKS:
        lines += [f"## {task}", "", "| step | median s | min–max s | ≤ 1 s |", "|---|---|---|---|"]
        for r in (r for r in records if r["task"] == task):
            ok = "yes" if r["median_s"] <= LIMIT_S else "**no**"
            lines.append(f"| {r['step']} | {r['median_s']:.2f} | {r['min_s']:.2f}–{r['max_s']:.2f} | {ok} |")
        lines.append("")
    (OUT / "browser_tasks.md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
