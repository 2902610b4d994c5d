"""What one page costs a browser (never part of the test suite; see benchmarks/sessions.py).

    .venv/bin/python benchmarks/sessions_profile.py [--visits 2] [--pages Overview,Standards & portfolios]

One headless Chromium (the benchmark's flags) with one context, on its own, against one
`streamlit run app.py` on a built copy of the seed workspace: it opens the Overview and then
visits each page through the navigation bar `--visits` times, as benchmarks/sessions.py does.
For each page visit, from the click to the page settled: the CPU seconds of every Chromium
process (from /proc, renderer, GPU and network processes together), the renderer's main-thread
task time and its script, style and layout parts (CDP Performance.getMetrics), and the page's
DOM nodes afterwards. A browser's CPU per page is what 20 co-located sessions multiply by 20;
measured alone it depends far less on the load of the machine than click-to-settled does.

Results: printed, and with --out NAME in benchmarks/NAME.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sessions import PAGES, TITLES, cpu_of, descendants, open_page, prepared, serve_timed, settled, warm_up

from browser_support import ARGS, CHROMIUM

METRICS = ("TaskDuration", "ScriptDuration", "RecalcStyleDuration", "LayoutDuration")


async def metrics(cdp) -> dict[str, float]:
    got = await cdp.send("Performance.getMetrics")
    return {m["name"]: m["value"] for m in got["metrics"]}


def browser_cpu(server: int) -> float:
    serving = set(descendants(server)) | {server}
    return sum(cpu_of(p) for p in descendants(os.getpid()) if p not in serving)


async def profile(url: str, server: int, pages: list[str], visits: int, user_data: Path | None) -> list[dict]:
    from playwright.async_api import async_playwright

    rows: list[dict] = []
    async with async_playwright() as pw:
        if user_data:
            context = await pw.chromium.launch_persistent_context(str(user_data), executable_path=CHROMIUM, args=ARGS,
                                                                  viewport={"width": 1280, "height": 900})
            page = context.pages[0] if context.pages else await context.new_page()
        else:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            context = await browser.new_context(viewport={"width": 1280, "height": 900})
            page = await context.new_page()
        cdp = await context.new_cdp_session(page)
        await cdp.send("Performance.enable")

        async def measured(name: str, visit: int, act) -> None:
            await asyncio.sleep(1.0)  # what the last page left running (timers, fonts) is not this page's
            before, cpu0 = await metrics(cdp), browser_cpu(server)
            shown = await act()
            after, cpu1 = await metrics(cdp), browser_cpu(server)
            rows.append({"page": name, "visit": visit, "seconds": round(shown, 3), "browser_cpu_s": round(cpu1 - cpu0, 2),
                         **{m: round(after.get(m, 0) - before.get(m, 0), 3) for m in METRICS},
                         "nodes": int(after.get("Nodes", 0))})
            print(rows[-1], flush=True)

        async def first() -> float:
            started = time.perf_counter()
            await page.goto(url, timeout=180_000)
            return await settled(page, "Overview", started)

        await measured("Overview (first load)", 1, first)
        for visit in range(1, visits + 1):
            for name in pages:
                await measured(name, visit, lambda n=name: open_page(page, n))
        await context.close()
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--visits", type=int, default=2)
    ap.add_argument("--pages", default=",".join(PAGES[1:] + PAGES[:1]))
    ap.add_argument("--persistent", action="store_true",
                    help="a persistent context whose profile (HTTP and code cache) was filled by two earlier visits")
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    pages = [p for p in args.pages.split(",") if p]
    assert all(p in PAGES or p in TITLES for p in pages), pages
    with tempfile.TemporaryDirectory(prefix="mvkg-profile-") as tmp:
        root, _ = prepared(Path(tmp))
        with serve_timed(root, Path(tmp) / "server-times.jsonl") as (url, server):
            user_data = Path(tmp) / "profile" if args.persistent else None
            if user_data:
                asyncio.run(warm_up(url, user_data))  # two earlier visits of every page: the caches filled
            rows = asyncio.run(profile(url, server, pages, args.visits, user_data))
    out = {"load_before": [round(x, 2) for x in os.getloadavg()], "persistent": args.persistent, "rows": rows}
    if args.out:
        (Path(__file__).parent / f"{args.out}.json").write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out["load_before"]))
    for r in rows:
        print(f"{r['page']:<28} visit {r['visit']}  {r['seconds']:6.2f} s  browser CPU {r['browser_cpu_s']:5.2f} s  "
              f"task {r['TaskDuration']:5.2f} script {r['ScriptDuration']:5.2f} style {r['RecalcStyleDuration']:5.2f} "
              f"layout {r['LayoutDuration']:5.2f}  nodes {r['nodes']}")


if __name__ == "__main__":
    main()
