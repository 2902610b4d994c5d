"""mvkg benchmarks (run by `make bench`; never part of the test suite).

Measures, on the seed workspace, with >= 5 runs each: build, full validation (fast path,
with plain pyshacl as the baseline measured in the same run), snapshot creation, every
canned query, and the UI (first page render and a page switch in headless Chromium).
Writes benchmarks/results.json (records: task, size_triples, engine, runs, median_s, min_s,
max_s, peak_mb, baseline_median_s, ratio) and benchmarks/results.md with machine and date."""

from __future__ import annotations

import json
import os
import platform
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from mvkg.build import build_workspace, load_lexicon  # noqa: E402
from mvkg.canned import canned_queries  # noqa: E402
from mvkg.resources import find_resources  # noqa: E402
from mvkg.snapshots import SnapshotStore, create_snapshot  # noqa: E402
from mvkg.sparql import run_query  # noqa: E402
from mvkg.store import open_read_only  # noqa: E402
from mvkg.validate import validate  # noqa: E402
from mvkg.workspace import Workspace  # noqa: E402

RUNS = int(os.environ.get("MVKG_BENCH_RUNS", "5"))


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(fn, runs: int = RUNS) -> list[float]:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return times


def record(task, size, engine, times, baseline=None) -> dict:
    med = statistics.median(times)
    base = statistics.median(baseline) if baseline else None
    return {"task": task, "size_triples": size, "engine": engine, "runs": len(times), "median_s": round(med, 4),
            "min_s": round(min(times), 4), "max_s": round(max(times), 4), "peak_mb": round(peak_mb(), 1),
            "baseline_median_s": round(base, 4) if base else None, "ratio": round(base / med, 1) if base else None}


def ui_times(ws: Workspace) -> tuple[list[float], list[float]]:
    from playwright.sync_api import sync_playwright

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "MVKG_WORKSPACE": str(ws.root)}
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
                             "--server.address", "127.0.0.1"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(url + "/_stcore/health", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        first, switch = [], []
        args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"]
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium", args=args)
            for _ in range(RUNS):
                page = browser.new_page()
                t = time.perf_counter()
                page.goto(url + "/")
                page.get_by_text("Coverage per resolution").first.wait_for(timeout=120000)
                first.append(time.perf_counter() - t)
                t = time.perf_counter()
                page.get_by_role("link", name="Validation").click()
                page.get_by_text("By resolution and severity").first.wait_for(timeout=120000)
                switch.append(time.perf_counter() - t)
                page.close()
            browser.close()
        return first, switch
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def main() -> None:
    resources = find_resources()
    lex = load_lexicon(resources)
    tmp = Path(tempfile.mkdtemp(prefix="mvkg-bench-"))
    shutil.copytree(ROOT / "data", tmp / "data", ignore=shutil.ignore_patterns("snapshots"))
    ws = Workspace(tmp)
    records = []
    report = build_workspace(ws, resources, lex)
    size = report.triples
    records.append(record("build", size, "oxigraph+hermit", measure(lambda: build_workspace(ws, resources, lex))))
    fast = measure(lambda: validate(ws, resources, "itu-t-in-force", "oxigraph"))
    slow = measure(lambda: validate(ws, resources, "itu-t-in-force", "pyshacl"))
    records.append(record("validate_full", size, "oxigraph", fast, slow))
    store_dir = SnapshotStore(tmp / "snaps")
    records.append(record("snapshot", size, "oxigraph", measure(lambda: create_snapshot(ws, resources, store_dir, "itu-t-in-force", "bench"))))
    store = open_read_only(ws)
    for q in canned_queries(resources):
        records.append(record(f"query_{q.name}", size, "oxigraph", measure(lambda q=q: run_query(store, q.text))))
    first, switch = ui_times(ws)
    records.append(record("ui_load", size, "streamlit+chromium", first))
    records.append(record("ui_switch", size, "streamlit+chromium", switch))
    machine = {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "platform": platform.platform(),
               "python": platform.python_version(), "cpus": os.cpu_count(),
               "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)}
    out = ROOT / "benchmarks"
    (out / "results.json").write_text(json.dumps(records, indent=2) + "\n")
    lines = ["# mvkg benchmark results", "", f"- date: {machine['date']}", f"- machine: {machine['platform']}, "
             f"{machine['cpus']} CPUs, {machine['memory_gb']} GiB, Python {machine['python']}",
             f"- workspace: the seed workspace ({size} triples); {RUNS} runs per task, median (min–max)", "",
             "| task | engine | median s | min–max s | peak MB | baseline median s | ratio |", "|---|---|---|---|---|---|---|"]
    for r in records:
        lines.append(f"| {r['task']} | {r['engine']} | {r['median_s']:.3f} | {r['min_s']:.3f}–{r['max_s']:.3f} | "
                     f"{r['peak_mb']} | {r['baseline_median_s'] or ''} | {r['ratio'] or ''} |")
    lines += ["", "Baseline for validate_full: every shape in plain pyshacl (`--engine pyshacl`), same data, same run."]
    (out / "results.md").write_text("\n".join(lines) + "\n")
    (out / "machine.json").write_text(json.dumps(machine, indent=2) + "\n")
    print("\n".join(lines))
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
