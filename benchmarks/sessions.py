"""Many analysts at once (never part of the test suite).

    .venv/bin/python benchmarks/sessions.py [--sessions 20] [--rounds 1] [--runs browse,heavy,think,think-heavy,
                                            warm-browse,warm-heavy,warm-think,warm-think-heavy]
                                            [--think 5 20] [--ramp 30] [--seed 18]

One `streamlit run app.py` (started as the browser tests start it: tests/browser_support.serve)
serves a built copy of the seed workspace. N Chromium contexts (default 20, one browser) each
open the app and visit the main pages through the navigation bar, as an analyst does, `rounds`
times. A page's time runs from the click (or, for the first page, from `goto`) to the page
settled: its title shown, Streamlit's running indicator gone and its script state not running.

Runs (`--runs`, all eight by default):
- `browse`: every session browses, clicking the next page the moment the last one settled (no
  pause: the worst case, 20 analysts clicking without reading);
- `heavy`: the same, while one session opens a saved cross-join query on the SPARQL page and
  clicks Run again and again (each query runs to the time limit); the others' p95 is reported,
  and the number of query processes the server runs is sampled every 0.2 s, to check the caps per
  session and in total (query/bounded.ProcessCaps, $MVKG_QUERY_PROCESSES_PER_SESSION,
  $MVKG_QUERY_PROCESSES) hold under load;
- `think`, `think-heavy`: the same two with an analyst's pace, as load-testing tools model it
  (Locust's `wait_time = between(a, b)`, JMeter's uniform random timer): each session starts at
  a random moment in the first `--ramp` seconds and reads each page for a random `--think`
  interval (uniform, seconds) before the next click; the draws are seeded (`--seed`, one stream per
  session), so a rerun makes the same pauses. The think time is not part of any page time;
- `warm-browse`, `warm-heavy`, `warm-think`, `warm-think-heavy`: the same four with warm
  browsers. The cold runs give every session a new incognito context, so each one downloads and
  compiles Streamlit's frontend; an analyst's own browser, who opens the app every day, has its
  hashed static files in its HTTP cache and their compiled code in V8's code cache. The warm runs
  fill one persistent Chromium profile by visiting every page twice before the runs; each
  session is its own Chromium on its own copy, launched before the run starts (`--warm-browsers
  own`, the default), or a tab of one Chromium on a copy (`--warm-browsers shared`: the tabs slow
  each other down, see `launched`); page time is measured the same way. The 20 browsers still
  run on the server's cores, as in the cold runs.

Server-side page time: the server runs under benchmarks/timed_server.py, which logs, for every
run of the page script, the moment the browser's rerun request reached the server and the moment
the script finished (and the script thread's CPU). Beside click-to-settled the report gives
request-to-finished (the server's part, waiting for its own threads included) for the browsing
sessions, so it says what the server costs and what the co-located browsers add.

Where the time goes: the CPU seconds the server (with its query processes), the browsers and
everything else on the machine used during each run, from /proc. On this 2-core machine the 20
browsers run beside the server, so a page's time includes waiting for the browsers' share of
the CPU; analysts' browsers run on their own machines.

Results: benchmarks/sessions.json and benchmarks/sessions.md, with machine, load and date.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]

from host import machine  # noqa: E402

from browser_support import ARGS, CHROMIUM, started  # noqa: E402
from conftest import copy_workspace  # noqa: E402
from mvkg import pipeline  # noqa: E402
from mvkg.kernel.resources import find_resources  # noqa: E402
from mvkg.query.bounded import ProcessCaps  # noqa: E402

OUT = ROOT / "benchmarks"
PAGES = ("Overview", "Obligations", "Standards & portfolios", "Validation", "SPARQL", "Snapshots")
TITLES = {"Standards & portfolios": "Standards & portfolios (what-if)"}
HEAVY_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # 4k^3 rows: runs to the time limit
GOAL_P95 = 2.0
COLD = ("browse", "heavy", "think", "think-heavy")
RUNS = COLD + tuple(f"warm-{name}" for name in COLD)
QUIET_POLLS = 3  # polls (50 ms apart) with no running indicator: the page is settled


async def settled(page, title: str, started: float) -> float:
    """Seconds from `started` until the page shows `title` and has stopped running: neither
    Streamlit's running indicator nor its script state (the app's `data-test-script-state`,
    which Streamlit's own end-to-end tests wait on; the indicator alone shows only after a
    delay, so a short run could pass for settled before its elements were drawn) says running."""
    await page.get_by_role("heading", name=title).first.wait_for(timeout=180_000)
    quiet, first_quiet = 0, None
    deadline = time.monotonic() + 180
    while quiet < QUIET_POLLS and time.monotonic() < deadline:
        running = await page.locator('[data-testid="stStatusWidget"], '
                                     '[data-testid="stApp"]:not([data-test-script-state="notRunning"])').count() > 0
        if running:
            quiet, first_quiet = 0, None
        else:
            quiet += 1
            first_quiet = first_quiet or time.perf_counter()
        await asyncio.sleep(0.05)
    return (first_quiet or time.perf_counter()) - started


async def open_page(page, name: str) -> float:
    """Switch to a page through the top navigation bar (or its "more" menu); its time."""
    link = page.locator('[data-testid="stTopNavLink"]').filter(has_text=re.compile(f"^{re.escape(name)}$")).first
    started = time.perf_counter()
    if not await link.is_visible():
        await page.locator('[data-testid="stTopNavSection"]').last.click(timeout=180_000)
        link = page.get_by_role("link", name=name, exact=True).last
    await link.click(timeout=180_000)  # a starved browser may take long to act on a click: that is page time
    return await settled(page, TITLES.get(name, name), started)


@dataclass(frozen=True)
class Pace:
    """How an analyst clicks: `think` = (min, max) seconds reading a page before the next click
    (None: no pause), arrivals spread over the first `ramp` seconds; seeded per session."""

    think: tuple[float, float] | None = None
    ramp: float = 0.0
    seed: int = 18

    def rng(self, session: int) -> random.Random:
        return random.Random(self.seed * 1000 + session)


async def browse(opener, url: str, rounds: int, times: list[tuple[str, float]], errors: list[str],
                 pace: Pace = Pace(), session: int = 0) -> None:
    rng = pace.rng(session)
    await asyncio.sleep(rng.uniform(0, pace.ramp) if pace.ramp else 0)
    page, close = await opener()
    try:
        started = time.perf_counter()
        await page.goto(url, timeout=180_000)
        times.append(("Overview (first load)", await settled(page, "Overview", started)))
        for _ in range(rounds):
            for name in PAGES[1:] + PAGES[:1]:
                if pace.think:
                    await asyncio.sleep(rng.uniform(*pace.think))  # reading the page: not part of any page time
                times.append((name, await open_page(page, name)))
                shown = await page.locator('[data-testid="stException"]').count()
                if shown:
                    errors.append(f"{name}: an exception on the page")
    except Exception as exc:  # a session that breaks is reported, not hidden
        errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
    finally:
        await close()


async def heavy(opener, url: str, query_id: str, done: asyncio.Event, clicks: list[float], notes: list[str]) -> None:
    """One analyst running the cross join again and again until the others have finished."""
    page, close = await opener()
    try:
        started = time.perf_counter()
        await page.goto(f"{url}/sparql?q={query_id}", timeout=180_000)
        await settled(page, "SPARQL", started)
        while not done.is_set():
            await page.get_by_role("button", name="Run query").click(timeout=180_000)
            clicks.append(time.perf_counter())
            await asyncio.sleep(1.0)
        text = await page.locator('[data-testid="stMain"]').inner_text()
        notes += sorted(set(re.findall(r"[^\n]*(?:limit|running)[^\n]*", text)))[:5]
    except Exception as exc:
        notes.append(f"heavy session: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
    finally:
        await close()


def query_processes(server: int) -> int:
    """The query processes (query/bounded.child_main) running under the server process now."""
    count = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmd = (entry / "cmdline").read_bytes()
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if b"child_main" in cmd and _descends(int(entry.name), server, stat):
            count += 1
    return count


def _descends(pid: int, ancestor: int, stat: str) -> bool:
    for _ in range(8):
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == ancestor:
            return True
        if parent <= 1:
            return False
        try:
            stat = Path(f"/proc/{parent}/stat").read_text()
        except OSError:
            return False
    return False


TICKS = os.sysconf("SC_CLK_TCK")


def cpu_of(pid: int, children: bool = True) -> float:
    """CPU seconds used by a process (all its threads), and by its children it has reaped."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    used = int(fields[11]) + int(fields[12]) + (int(fields[13]) + int(fields[14]) if children else 0)
    return used / TICKS


def descendants(ancestor: int) -> list[int]:
    """Every live process under `ancestor`."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    found, frontier = [], [ancestor]
    while frontier:
        pid = frontier.pop()
        kids = [c for c, p in parents.items() if p == pid]
        found += kids
        frontier += kids
    return found


def machine_busy() -> float:
    """CPU seconds the whole machine has been busy since boot (all CPUs, /proc/stat)."""
    ticks = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return (sum(ticks) - ticks[3] - ticks[4]) / TICKS  # less idle and iowait


def cpu_split(server: int) -> dict[str, float]:
    """CPU seconds so far: the server and its query processes, this benchmark's browsers (the
    Chromium processes under this process, with the renderers they have reaped), and the machine."""
    mine = descendants(os.getpid())
    serving = set(descendants(server)) | {server}
    browsers = [p for p in mine if p not in serving]
    return {"server": sum(cpu_of(p) for p in serving), "browsers": sum(cpu_of(p) for p in browsers),
            "benchmark": cpu_of(os.getpid(), children=False), "machine": machine_busy()}


def summary(times: list[float]) -> dict:
    ordered = sorted(times)
    if not ordered:
        return {"pages": 0}
    return {"pages": len(ordered), "p50_s": round(statistics.median(ordered), 3),
            "p95_s": round(ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)], 3), "max_s": round(ordered[-1], 3)}


def server_times(log: Path, since: float, until: float) -> dict:
    """The server's part of the browsing sessions' page runs in [since, until] (timed_server.py's
    log): request reached the server -> script finished, and the script thread's CPU per run. The
    heavy session (its URL asks for a saved query) and reruns a script asked for itself are left out."""
    records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()] if log.exists() else []
    records = [r for r in records if since <= (r["asked"] or r["started"]) and r["done"] <= until]
    heavy = {r["session"] for r in records if "q=" in (r.get("query") or "")}
    runs = [r for r in records if r["by"] == "browser" and r["session"] not in heavy
            and r["end"] == "SCRIPT_STOPPED_WITH_SUCCESS"]
    shown = summary([r["server_s"] for r in runs])
    waited = summary([r["started"] - r["asked"] for r in runs])
    cpu = [r["cpu_s"] for r in runs]
    return {**shown, "waiting_to_start_p50_s": waited.get("p50_s"), "waiting_to_start_p95_s": waited.get("p95_s"),
            "script_cpu_mean_s": round(statistics.fmean(cpu), 3) if cpu else None,
            "script_runs_by_script": sum(1 for r in records if r["by"] == "script")}


VIEWPORT = {"width": 1280, "height": 900}
# warm runs: 20 tabs of one browser, but each stands for the front tab of an analyst's own browser, so
# Chromium's throttling of background tabs (timers once a second, renderers at low priority) is off
FRONT_TABS = ["--disable-background-timer-throttling", "--disable-renderer-backgrounding",
              "--disable-backgrounding-occluded-windows"]


async def launched(pw, profile: Path | None, own: bool = False, count: int = 0):
    """The browser the sessions open their pages in, and how a session opens its page (the page,
    and how to close it). Cold (`profile` None): one Chromium, a new incognito context for each
    session, nothing cached. Warm: a persistent profile copied from `profile` (its HTTP cache and V8
    code cache filled by earlier visits, as an analyst's browser is who opens the app every day),
    each session a tab of one Chromium on one copy, or (`own`) its own Chromium on its own copy.
    In one shared browser the 20 tabs share its browser process, and pages come slower than in
    separate browsers even with 3 sessions (Snapshots p50 0.96 s against 0.14 s own, 0.10 s cold);
    own browsers are all launched before the run starts, as analysts' browsers are already open."""
    if profile is None:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)

        async def new_context():
            context = await browser.new_context(viewport=VIEWPORT)
            return await context.new_page(), context.close

        return browser, new_context
    if not own:
        copy = Path(tempfile.mkdtemp(prefix="mvkg-warm-"))
        shutil.copytree(profile, copy, dirs_exist_ok=True)
        shared = await pw.chromium.launch_persistent_context(str(copy), executable_path=CHROMIUM,
                                                             args=ARGS + FRONT_TABS, viewport=VIEWPORT)

        async def new_tab():
            page = await shared.new_page()
            return page, page.close

        class Closing:  # the persistent context is the browser; its profile copy goes with it
            async def close(self) -> None:
                await shared.close()
                shutil.rmtree(copy, ignore_errors=True)

        return Closing(), new_tab

    async def own_browser():
        copy = Path(tempfile.mkdtemp(prefix="mvkg-warm-"))
        shutil.copytree(profile, copy, dirs_exist_ok=True)
        context = await pw.chromium.launch_persistent_context(str(copy), executable_path=CHROMIUM,
                                                              args=ARGS + FRONT_TABS, viewport=VIEWPORT)
        page = context.pages[0] if context.pages else await context.new_page()

        async def close() -> None:
            await context.close()
            shutil.rmtree(copy, ignore_errors=True)

        return page, close

    # every analyst's browser is open before the run starts (it is their everyday browser, not
    # launched for the app): the launches are neither in the page times nor in the run's CPU; all
    # close after the run's CPU is read (a closed browser's processes can no longer be counted)
    browsers = [await own_browser() for _ in range(count)]
    unused = list(browsers)

    async def next_browser():
        return unused.pop()[0], _stays_open

    class All:
        async def close(self) -> None:
            for _, close in browsers:
                await close()

    return All(), next_browser


async def _stays_open() -> None:
    """A session's close in the own-browser runs: the browsers close together after the run."""


async def warm_up(url: str, profile: Path, visits: int = 2) -> None:
    """An analyst's browser that has opened the app before: `visits` times every page, in a
    persistent profile at `profile` (a second visit is what makes V8 keep compiled code)."""
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        context = await pw.chromium.launch_persistent_context(str(profile), executable_path=CHROMIUM, args=ARGS,
                                                              viewport=VIEWPORT)
        for _ in range(visits):
            page = await context.new_page()
            started = time.perf_counter()
            await page.goto(url, timeout=180_000)
            await settled(page, "Overview", started)
            for name in PAGES[1:] + PAGES[:1]:
                await open_page(page, name)
            await page.close()
        await context.close()


async def run(url: str, sessions: int, rounds: int, query_id: str | None, server: int, pace: Pace = Pace(),
              log: Path | None = None, profile: Path | None = None, own: bool = False) -> dict:
    from playwright.async_api import async_playwright

    times: list[tuple[str, float]] = []
    errors: list[str] = []
    clicks: list[float] = []
    notes: list[str] = []
    samples: list[int] = []
    sampling = threading.Event()

    def sample() -> None:
        while not sampling.is_set():
            samples.append(query_processes(server))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    async with async_playwright() as pw:
        browser, opener = await launched(pw, profile, own, sessions)
        done = asyncio.Event()
        browsers = sessions - (1 if query_id else 0)
        started, wall_start = time.perf_counter(), time.time()
        cpu_before = cpu_split(server)
        sampler.start()
        tasks = [browse(opener, url, rounds, times, errors, pace, i) for i in range(browsers)]
        hv = asyncio.create_task(heavy(opener, url, query_id, done, clicks, notes)) if query_id else None
        await asyncio.gather(*tasks)
        done.set()
        if hv is not None:
            await hv
        wall = time.perf_counter() - started
        cpu_after = cpu_split(server)  # before the browser closes: its renderers' time is still counted
        sampling.set()
        await browser.close()
    cpu = {k: round(cpu_after[k] - cpu_before[k], 1) for k in cpu_before}
    cpu["other"] = round(cpu["machine"] - cpu["server"] - cpu["browsers"] - cpu["benchmark"], 1)
    per_page = {name: summary([t for n, t in times if n == name]) for name in dict.fromkeys(n for n, _ in times)}
    on_server = server_times(log, wall_start, time.time()) if log else {}
    return {**summary([t for _, t in times]), "per_page": per_page, "server": on_server,
            "pace": {"think_s": list(pace.think) if pace.think else None, "ramp_s": pace.ramp, "seed": pace.seed},
            "browser": "warm (persistent profile, a tab a session)" if profile else "cold (a new context a session)",
            "sessions": sessions, "browsing_sessions": browsers,
            "wall_s": round(wall, 1), "cpu_s": cpu, "load_after": [round(x, 2) for x in os.getloadavg()],
            "errors": errors[:10], "error_count": len(errors), "heavy_runs_clicked": len(clicks),
            "max_query_processes": max(samples, default=0), "heavy_notes": notes}


def prepared(dest: Path) -> tuple[Path, str | None]:
    """A built copy of the seed workspace and the id of the saved heavy query (None when the
    workspace keeps no saved queries)."""
    ws = copy_workspace(dest)
    pipeline.build(ws, find_resources())
    try:
        from mvkg.query.saved import save_query
    except ImportError:
        return ws.root, None
    return ws.root, save_query(ws, HEAVY_QUERY).id


def render(result: dict) -> str:
    m, caps = result["machine"], result["caps"]
    runs = [(name, result[name]) for name in RUNS if result.get(name)]
    lines = [f"# {result['sessions']} analysts at once", "",
             f"- date: {m['date']}; machine: {m['platform']}, {m['cpus']} CPUs, {m['memory_gb']} GiB, "
             f"Python {m['python']}; load average before the run {m['load_before']} (other work on the machine counts)",
             f"- {result['sessions']} Chromium contexts (one headless Chromium, flags: `{' '.join(result['chromium_args'])}`) "
             f"on one `streamlit run app.py` (seed workspace, on-disk store), each visiting {', '.join(PAGES)} "
             f"{result['rounds']} time(s) through the navigation bar; page time = click to title shown, running "
             "indicator gone and script state not running",
             "- browsers: the runs without a prefix are cold (a new incognito context a session: each downloads and "
             "compiles Streamlit's frontend); `warm-*` runs give each session " + ("its own Chromium on a copy of "
             if result.get("warm_browser_each") else "a tab of ") + "one persistent profile whose "
             "HTTP and V8 code caches two earlier visits of every page filled (an analyst's browser that opens the app "
             "every day), " + (f"with `{' '.join(result['warm_chromium_args'])}` (each tab stands for the front tab "
                               "of an analyst's own browser)" if result.get("warm_chromium_args") else
                               "Chromium's throttling of background tabs left on (19 of the 20 tabs are in the background)")
             + "; both kinds run the 20 browsers on the server's 2 cores",
             "- pace: `browse`/`heavy` click the next page as soon as the last one settled; `think`/`think-heavy` "
             f"start at a random moment in the first {result['pace']['ramp_s']:g} s and read each page "
             f"{result['pace']['think_s'][0]:g}–{result['pace']['think_s'][1]:g} s (uniform, seed "
             f"{result['pace']['seed']}) before the next click; `*heavy`: one more session clicks Run on a cross join "
             "every second",
             f"- query caps: {caps['per_session']} per session, {caps['total']} in total "
             "($MVKG_QUERY_PROCESSES_PER_SESSION, $MVKG_QUERY_PROCESSES)",
             "- server s: from the browser's rerun request reaching the server to the script run finished "
             "(benchmarks/timed_server.py), browsing sessions only; script CPU: the script thread's CPU per run",
             "- CPU s during the run: the server (with its query processes), the browsers (Chromium and Playwright's "
             "driver), this benchmark, and other work on the machine (2 cores give 2 CPU s per wall second)", "",
             "| run | pages | click to settled p50 s | p95 s | max s | server p50 s | server p95 s | script CPU s a run "
             "| wall s | errors | heavy Run clicks | most query processes at once "
             "| CPU s server | browsers | benchmark | other | load after |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for name, r in runs:
        c, sv = r.get("cpu_s", {}), r.get("server", {})
        lines.append(f"| {name} | {r['pages']} | {r.get('p50_s', '')} | {r.get('p95_s', '')} | {r.get('max_s', '')} | "
                     f"{sv.get('p50_s', '')} | {sv.get('p95_s', '')} | {sv.get('script_cpu_mean_s', '')} | "
                     f"{r['wall_s']} | {r['error_count']} | {r['heavy_runs_clicked']} | {r['max_query_processes']} | "
                     f"{c.get('server', '')} | {c.get('browsers', '')} | {c.get('benchmark', '')} | {c.get('other', '')} | "
                     f"{r.get('load_after', '')} |")
    lines.append("")
    for name, r in runs:
        if r.get("cpu_s") and r["pages"]:
            c = r["cpu_s"]
            lines.append(f"- CPU per page shown ({name}): server {c['server'] / r['pages']:.3f} s, "
                         f"browsers {c['browsers'] / r['pages']:.3f} s")
    met = [name for name, r in runs if r.get("p95_s", 99) <= GOAL_P95]
    lines += ["", f"Goal: p95 ≤ {GOAL_P95:g} s (click to settled): met by {', '.join(met) or 'no run'}"
              + (f"; not by {', '.join(n for n, _ in runs if n not in met)}" if len(met) < len(runs) else "")
              + " (see the load average above and the notes in the README).", ""]
    for name, r in runs:
        lines += [f"Per page ({name}): " + "; ".join(f"{p} p50 {s.get('p50_s')} s, p95 {s.get('p95_s')} s"
                                                 for p, s in r["per_page"].items()), ""]
    for name, r in runs:
        for e in r.get("errors", []):
            lines.append(f"- {name} error: {e}")
    return "\n".join(lines) + "\n"


def rerender(name: str) -> None:
    """benchmarks/NAME.md written again from NAME.json (the report's wording changed, not the numbers)."""
    (OUT / f"{name}.md").write_text(render(json.loads((OUT / f"{name}.json").read_text())))


@contextmanager
def serve_timed(root: Path, log: Path):
    """The app for the workspace at `root` on a free port of 127.0.0.1, as the browser tests serve
    it, under timed_server.py: its URL and the server's pid."""
    from conftest import free_port

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, str(Path(__file__).with_name("timed_server.py")), str(log), "run", str(ROOT / "app.py"),
           "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true"]
    with started(cmd, {**os.environ, "MVKG_WORKSPACE": str(root)}, url + "/_stcore/health") as proc:
        yield url, proc.pid


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--runs", default=",".join(RUNS), help=f"which runs, comma-separated: {', '.join(RUNS)}")
    ap.add_argument("--no-heavy", action="store_true", help="leave out the heavy runs")
    ap.add_argument("--think", type=float, nargs=2, default=(5.0, 20.0), metavar=("MIN", "MAX"),
                    help="seconds an analyst reads a page in the think runs (uniform)")
    ap.add_argument("--ramp", type=float, default=30.0, help="think runs: sessions start within this many seconds")
    ap.add_argument("--seed", type=int, default=18)
    ap.add_argument("--warm-browsers", choices=("shared", "own"), default="own",
                    help="warm runs: each session a tab of one Chromium (shared) or its own Chromium (own)")
    ap.add_argument("--out", default="sessions", help="results in benchmarks/OUT.json and OUT.md")
    args = ap.parse_args()
    result_extra = {"warm_browser_each": args.warm_browsers == "own"}
    if not Path(CHROMIUM).exists():
        sys.exit(f"Chromium is missing ({CHROMIUM}): `make test` installs it")
    chosen = [r for r in args.runs.split(",") if r and not (args.no_heavy and r.endswith("heavy"))]
    if unknown := set(chosen) - set(RUNS):
        sys.exit(f"unknown run(s): {', '.join(sorted(unknown))} (expected {', '.join(RUNS)})")
    thinking = Pace(tuple(args.think), args.ramp, args.seed)
    result: dict = {"machine": machine(), "rounds": args.rounds, "sessions": args.sessions,
                    "caps": ProcessCaps.from_environment().__dict__, "chromium_args": ARGS,
                    "warm_chromium_args": FRONT_TABS,
                    "pace": {"think_s": list(args.think), "ramp_s": args.ramp, "seed": args.seed}, **result_extra}
    with tempfile.TemporaryDirectory(prefix="mvkg-sessions-") as tmp:
        root, query_id = prepared(Path(tmp))
        log = Path(tmp) / "server-times.jsonl"
        with serve_timed(root, log) as (url, server):
            asyncio.run(run(url, 2, 1, None, server))  # warm up: the first start opens the graph and fills caches
            profile = Path(tmp) / "browser-profile"
            if any(name.startswith("warm-") for name in chosen):
                asyncio.run(warm_up(url, profile))
            for name in chosen:
                if name.endswith("heavy") and not query_id:
                    continue
                base = name.removeprefix("warm-")
                pace = thinking if base.startswith("think") else Pace()
                result[name] = asyncio.run(run(url, args.sessions, args.rounds,
                                               query_id if name.endswith("heavy") else None, server, pace, log,
                                               profile if name.startswith("warm-") else None,
                                               args.warm_browsers == "own"))
                print(name, result[name], flush=True)
        shutil.rmtree(tmp, ignore_errors=True)
    (OUT / f"{args.out}.json").write_text(json.dumps(result, indent=2) + "\n")
    (OUT / f"{args.out}.md").write_text(render(result))
    print(render(result))


if __name__ == "__main__":
    main()
