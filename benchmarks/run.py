"""mvkg benchmarks (run by `make bench`; never part of the test suite).

Measures, on the seed workspace, with >= 5 runs each: build, full validation (fast path,
with plain pyshacl as the baseline measured in the same run), snapshot creation, every
canned query, and the UI (first page render and a page switch in headless Chromium).
Then, on synthetic workspaces (`mvkg synth`) of 10k / 100k / 1M triples, each in its own
process (so peak memory is per size): build (in-memory and on-disk store), loading the
built graph into a fresh in-memory store, full validation against the rdflib + pyshacl
baseline, incremental re-validation, every canned query (as the analyst runs it in the UI:
in the forked child kept between queries, with the default limits; and the whole listing
in-process), one-obligation lookup, coverage summaries, snapshot and UI data loading.
MVKG_BENCH_SIZES overrides the sizes (CI runs a quick 10k smoke).
Writes benchmarks/results.json (records: task, size_triples, engine, runs, median_s, min_s,
max_s, peak_mb, baseline_median_s, ratio) and benchmarks/results.md with machine and date."""

from __future__ import annotations

import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from host import machine  # noqa: E402

from mvkg import pipeline  # noqa: E402
from mvkg.compliance.validate import validate  # noqa: E402
from mvkg.graph.build import load_lexicon  # noqa: E402
from mvkg.history.snapshots import SnapshotStore, create_snapshot  # noqa: E402
from mvkg.kernel.resources import find_resources  # noqa: E402
from mvkg.kernel.workspace import Workspace  # noqa: E402
from mvkg.query.bounded import QueryWorker, run_query_bounded  # noqa: E402
from mvkg.query.named import canned_queries  # noqa: E402
from mvkg.query.sparql import QueryLimits, run_query  # noqa: E402
from mvkg.query.store import open_read_only  # noqa: E402

RUNS = int(os.environ.get("MVKG_BENCH_RUNS", "5"))


def peak_mb() -> float:
    """This process's peak resident memory. VmHWM, not ru_maxrss: Linux carries ru_maxrss
    over exec, so a child would report its parent's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def answered(result):
    """A bounded query's result; a stop by the time or memory limit is a failed measurement
    (a stop after the first rows is what the analyst gets)."""
    if result.limit_hit in ("time", "memory"):
        raise RuntimeError(f"the {result.limit_hit} limit stopped a benchmark query")
    return result


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


BASELINE_CAP = int(os.environ.get("MVKG_BENCH_BASELINE_CAP", "900"))


def timed_in_child(fn, cap: float) -> float | None:
    """Seconds `fn` takes in a forked child (which shares the loaded store), or None when it
    was stopped after `cap` seconds."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe()

    def run():
        t = time.perf_counter()
        fn()
        child.send(time.perf_counter() - t)

    proc = ctx.Process(target=run)
    proc.start()
    proc.join(cap)
    if proc.is_alive():
        proc.kill()
        proc.join()
        return None
    return parent.recv() if parent.poll() else None


def scale(size: int) -> list[dict]:
    """Every scale task on one synthetic workspace of about `size` triples."""
    import pyoxigraph as ox

    from mvkg.compliance.coverage import coverage
    from mvkg.compliance.incremental import LiveValidation
    from mvkg.compliance.validate import scoped, shapes_for, validate_view
    from mvkg.kernel.namespaces import ID, MVKG
    from mvkg.query.store import load_image, portfolio_view

    resources = find_resources()
    lex = load_lexicon(resources)
    tmp = Path(tempfile.mkdtemp(prefix="mvkg-bench-scale-"))
    ws = Workspace(tmp)
    # generated in another process, so the peak memory recorded is mvkg's, not the generator's
    subprocess.run([sys.executable, "-m", "mvkg", "synth", str(tmp), "--triples", str(size), "--seed", "1"],
                   check=True, capture_output=True)
    big = size >= 500_000
    os.environ["MVKG_STORE"] = "memory"
    report = pipeline.build(ws, resources, lex)
    n = report.triples
    out = [record("build", n, "oxigraph-memory", measure(lambda: pipeline.build(ws, resources, lex)))]
    os.environ["MVKG_STORE"] = ""
    out.append(record("build", n, "oxigraph-disk", measure(lambda: pipeline.build(ws, resources, lex), 2 if big else RUNS)))
    os.environ["MVKG_STORE"] = "memory"
    # parse + load of the whole built graph into a fresh embedded store: what opening the
    # `memory` location costs every command
    out.append(record("load", n, "oxigraph-memory", measure(lambda: load_image(ws.build_dir / "mvkg.nq"))))
    store = load_image(ws.build_dir / "mvkg.nq")
    view = scoped(portfolio_view(store, "in-force"))  # what `mvkg validate` reads
    shapes = shapes_for(resources)
    fast = measure(lambda: validate_view(view, shapes, "in-force"))
    # the baseline: plain rdflib + pyshacl (the data as an rdflib graph, every shape in pyshacl)
    extra = {}
    if size >= 2_000_000 or (big and os.environ.get("MVKG_BENCH_BASELINE_1M", "1") == "0"):
        slow = None
        extra = {"baseline_note": "not run at this size"}
    elif big:  # one run, in a forked child that is stopped after BASELINE_CAP seconds
        took = timed_in_child(lambda: validate_view(view, shapes, "in-force", "pyshacl"), BASELINE_CAP)
        slow = [took or BASELINE_CAP]
        extra = {"baseline_runs": 1, "baseline_note": "" if took else f"stopped after {BASELINE_CAP} s: a lower bound"}
    else:
        started = time.perf_counter()
        reference = validate_view(view, shapes, "in-force", "pyshacl")
        slow = [time.perf_counter() - started]
        slow += measure(lambda: validate_view(view, shapes, "in-force", "pyshacl"), 0 if size >= 50_000 else 2)
        extra = {"baseline_runs": len(slow),
                 "verdicts_identical": reference.verdicts == validate_view(view, shapes, "in-force").verdicts}
    extra["dataset"] = "union of all graphs" if view.union else "list of graphs"
    out.append(record("validate_full", n, "oxigraph", fast, slow) | extra)
    live = LiveValidation.start(view, shapes, "in-force")
    ob = sorted(live.run.verdicts)[len(live.run.verdicts) // 2]
    member = next(iter(live.view.query(f"SELECT ?e WHERE {{ ?p <{MVKG.member}> ?e }} ORDER BY ?e LIMIT 1")))["e"]
    a = ox.NamedNode(str(ID["assessment/bench/new"]))
    change = [ox.Triple(a, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(str(MVKG.CoverageAssessment))),
              ox.Triple(a, ox.NamedNode(str(MVKG.assessedObligation)), ox.NamedNode(ob)),
              ox.Triple(a, ox.NamedNode(str(MVKG.hasRelation)), ox.NamedNode(str(MVKG["relation-full"]))),
              ox.Triple(a, ox.NamedNode(str(MVKG.coveredBy)), member)]
    state = {"on": False}

    def toggle():  # add the assessment, then take it back, alternately
        live.apply(*((change, []) if not state["on"] else ([], change)))
        state["on"] = not state["on"]
    out.append(record("validate_incremental", n, "oxigraph", measure(toggle, max(RUNS, 6))))
    out.append(record("summaries", n, "oxigraph", measure(lambda: [live.tally.by(d) for d in ("theme", "bearer", "resolution", "sdg")])))
    # a canned query as the analyst runs it in the UI: in the child the UI forks from the
    # process that holds the graph and keeps between queries, with the default limits (the
    # first 5000 rows); and the whole listing in this process (query_<name>_all)
    location, limits, worker = f"memory:{ws.build_dir / 'mvkg.nq'}", QueryLimits(), QueryWorker(store)
    for q in canned_queries(resources):
        out.append(record(f"query_{q.name}", n, "oxigraph-fork", measure(
            lambda q=q: answered(run_query_bounded(location, q.text, limits, worker=worker)))))
        out.append(record(f"query_{q.name}_all", n, "oxigraph", measure(lambda q=q: run_query(store, q.text))))
    worker.close()
    out.append(record("query_lookup_obligation", n, "oxigraph", measure(lambda: list(store.query(
        f"SELECT ?p ?o WHERE {{ GRAPH ?g {{ <{ob}> ?p ?o }} }}")))))
    # what a page needs: the validation and the coverage table, on the store the UI keeps open
    out.append(record("ui_load", n, "oxigraph", measure(lambda: coverage(resources, validate(ws, resources, "in-force", store=store)))))
    snaps = SnapshotStore(tmp / "snaps")
    out.append(record("snapshot", n, "oxigraph-memory", measure(
        lambda: create_snapshot(ws, resources, snaps, "in-force", "bench"), 3 if big else RUNS)))
    shutil.rmtree(tmp, ignore_errors=True)
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    return [r | {"nominal_size": size, "date": stamp} for r in out]


OUT = ROOT / "benchmarks"


def render(records: list[dict], machine: dict) -> None:
    """Write results.json, results.md and machine.json."""
    (OUT / "results.json").write_text(json.dumps(records, indent=2) + "\n")
    added = sorted({(r["nominal_size"], r["date"]) for r in records if r.get("added")})
    lines = ["# mvkg benchmark results", "", f"- date: {machine['date']}", f"- machine: {machine['platform']}, "
             f"{machine['cpus']} CPUs, {machine['memory_gb']} GiB, Python {machine['python']}",
             "- workspaces: the seed workspace, then synthetic ones (`mvkg synth`, seed 1); "
             "the runs column says how often each task ran; median (min–max)"]
    lines += [f"- the {n:,}-triple workspace was (re)measured on {d} (`benchmarks/run.py --add-scale {n}`)" for n, d in added]
    lines += ["", "| size (triples) | task | engine | runs | median s | min–max s | peak MB | baseline median s (runs) | ratio |",
              "|---|---|---|---|---|---|---|---|---|"]
    for r in records:
        base = f"{r['baseline_median_s']} ({r.get('baseline_runs', RUNS)})" if r["baseline_median_s"] else ""
        if r.get("baseline_note"):
            base = f"> {r['baseline_median_s']} ({r['baseline_note']})" if r["baseline_median_s"] else r["baseline_note"]
        if "verdicts_identical" in r:
            base += ", verdicts identical" if r["verdicts_identical"] else ", VERDICTS DIFFER"
        lines.append(f"| {r['size_triples']} | {r['task']} | {r['engine']} | {r['runs']} | {r['median_s']:.3f} | "
                     f"{r['min_s']:.3f}–{r['max_s']:.3f} | {r['peak_mb']} | {base} | {r['ratio'] or ''} |")
    lines += ["", "Baseline for validate_full: every shape in plain pyshacl over an rdflib graph of the same data, same run "
              "(seed workspace: `--engine pyshacl`). Peak MB is the benchmark process's peak RSS (one process per size)."]
    (OUT / "results.md").write_text("\n".join(lines) + "\n")
    (OUT / "machine.json").write_text(json.dumps(machine, indent=2) + "\n")
    print("\n".join(lines))


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--scale":
        print(json.dumps(scale(int(sys.argv[2]))))
        return
    if len(sys.argv) == 3 and sys.argv[1] == "--add-scale":  # one more size, appended to the committed results
        n = int(sys.argv[2])
        records = [r for r in json.loads((OUT / "results.json").read_text()) if r.get("nominal_size") != n]
        records += [r | {"added": True} for r in scale(n)]
        records.sort(key=lambda r: r.get("nominal_size", 0))  # the seed workspace first, then by size
        render(records, json.loads((OUT / "machine.json").read_text()))
        return
    resources = find_resources()
    lex = load_lexicon(resources)
    tmp = Path(tempfile.mkdtemp(prefix="mvkg-bench-"))
    shutil.copytree(ROOT / "data", tmp / "data", ignore=shutil.ignore_patterns("snapshots"))
    ws = Workspace(tmp)
    records = []
    report = pipeline.build(ws, resources, lex)
    size = report.triples
    records.append(record("build", size, "oxigraph+hermit", measure(lambda: pipeline.build(ws, resources, lex))))
    fast = measure(lambda: validate(ws, resources, "itu-t-in-force", "oxigraph"))
    slow = measure(lambda: validate(ws, resources, "itu-t-in-force", "pyshacl"))
    records.append(record("validate_full", size, "oxigraph", fast, slow))
    store_dir = SnapshotStore(tmp / "snaps")
    records.append(record("snapshot", size, "oxigraph",
                          measure(lambda: create_snapshot(ws, resources, store_dir, "itu-t-in-force", "bench"))))
    store = open_read_only(ws)
    for q in canned_queries(resources):
        records.append(record(f"query_{q.name}", size, "oxigraph", measure(lambda q=q: run_query(store, q.text))))
    first, switch = ui_times(ws)
    records.append(record("ui_load", size, "streamlit+chromium", first))
    records.append(record("ui_switch", size, "streamlit+chromium", switch))
    records.append(record("validate_cold_cli", size, "oxigraph", measure(lambda: subprocess.run(
        [sys.executable, "-m", "mvkg", "-w", str(tmp), "validate", "-p", "itu-t-in-force"], capture_output=True))))
    for n in [int(x) for x in os.environ.get("MVKG_BENCH_SIZES", "10000,100000,1000000").split(",") if x]:
        done = subprocess.run([sys.executable, str(Path(__file__)), "--scale", str(n)], capture_output=True, text=True,
                              check=True)
        records += json.loads(done.stdout.strip().splitlines()[-1])
    render(records, machine())
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
