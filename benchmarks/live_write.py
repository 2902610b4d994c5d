"""How soon a write is visible (never part of the test suite).

    .venv/bin/python benchmarks/live_write.py [--triples N] [--runs R] [--memory]

A synthetic workspace of about N triples (`mvkg synth`, seed 1; default 1,000,000) is given the
seed workspace's text resolutions, catalogue, assessments and JSON portfolios, so that an
analyst's assessment has an obligation and an entry to name; it is built once with the
on-disk store. Then, R times (default 5), one assessment is added and taken out again
through the library (`pipeline.add_assessment` / `remove_assessment`, what the CLI and the
UI call), and timed:

- `assessment_add_visible`: from the call to the moment a fresh read-only open of the built
  store (what the next command does) finds the new assessment;
- `assessment_add_commit`: the call alone (lock, check, write, graph update, manifest);
- `assessment_add_image`: until the canonical image build/mvkg.nq is written too (with the
  on-disk store a large image follows the commit in the background);
- `assessment_remove_visible`: the same for taking it out;
- `assessment_add_cli`: `mvkg assessment add` as a command, process start included, and
  `assessment_list_cli`, the next command that reads it.

With --memory the workspace is built for the `memory` location instead (the image is the
store: it is loaded, edited and written whole each time). Results are appended to
benchmarks/live_write.json and written as benchmarks/live_write.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import pyoxigraph as ox  # noqa: E402

from mvkg import pipeline  # noqa: E402
from mvkg.kernel.access import ACCESS  # noqa: E402
from mvkg.kernel.identity import os_actor  # noqa: E402
from mvkg.kernel.namespaces import ID  # noqa: E402
from mvkg.kernel.resources import find_resources  # noqa: E402
from mvkg.kernel.workspace import Workspace  # noqa: E402
from mvkg.query.store import open_read_only  # noqa: E402

OUT = ROOT / "benchmarks"
OBLIGATION, ENTRY = "atu-mv/resolves/para_b", "ITU-T Y.4240"
NODE = ox.NamedNode(str(ID["assessment/atu-mv/resolves/para_b/itu-t-y-4240"]))
MVKG = str(Path(sys.executable).parent / "mvkg")


def workspace(triples: int, memory: bool) -> Workspace:
    root = Path(tempfile.mkdtemp(prefix="mvkg-bench-live-"))
    subprocess.run([MVKG, "synth", str(root), "--triples", str(triples), "--seed", "1"], check=True, capture_output=True)
    for folder in ("resolutions", "catalogue", "coverage"):
        shutil.copytree(ROOT / "data" / folder, root / "data" / folder)
    for name in ("itu-t-in-force", "fgmv"):  # the synthetic portfolios are all, half and in-force
        shutil.copy(ROOT / "data" / "portfolios" / f"{name}.json", root / "data" / "portfolios")
    if memory:
        (root / "mvkg.toml").write_text('[store]\nlocation = "memory"\n')
    return Workspace(root)


ACTOR = os_actor(ACCESS.effective(ACCESS.role_names))  # the benchmark writes as the local user, with every role


def visible(ws: Workspace) -> bool:
    """What the next command sees: a fresh open of the built graph."""
    store = open_read_only(ws)
    return any(True for _ in store.quads_for_pattern(NODE, None, None, None))


def timed(runs: int, ws: Workspace, resources) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {k: [] for k in ("assessment_add_commit", "assessment_add_visible",
                                                   "assessment_add_image", "assessment_remove_visible")}
    for _ in range(runs):
        started = time.perf_counter()
        change = pipeline.add_assessment(ws, resources, OBLIGATION, ENTRY, "partial", "benchmark", actor=ACTOR)
        out["assessment_add_commit"].append(time.perf_counter() - started)
        assert visible(ws), "the assessment is not in the built graph"
        out["assessment_add_visible"].append(time.perf_counter() - started)
        change.update.wait()
        out["assessment_add_image"].append(time.perf_counter() - started)
        started = time.perf_counter()
        pipeline.remove_assessment(ws, resources, OBLIGATION, ENTRY, actor=ACTOR).update.wait()
        assert not visible(ws), "the assessment is still in the built graph"
        out["assessment_remove_visible"].append(time.perf_counter() - started)
    return out


def cli_times(runs: int, ws: Workspace) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {"assessment_add_cli": [], "assessment_list_cli": []}
    for _ in range(runs):
        for task, args in (("assessment_add_cli", ["assessment", "add", OBLIGATION, ENTRY, "--relation", "partial",
                                                   "--rationale", "benchmark"]),
                           ("assessment_list_cli", ["assessment", "list", "--obligation", OBLIGATION, "--entry", ENTRY])):
            started = time.perf_counter()
            done = subprocess.run([MVKG, "-w", str(ws.root), *args], capture_output=True, text=True)
            out[task].append(time.perf_counter() - started)
            assert done.returncode == 0 and ENTRY in done.stdout, done.stdout + done.stderr
        subprocess.run([MVKG, "-w", str(ws.root), "assessment", "remove", OBLIGATION, ENTRY], check=True,
                       capture_output=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--memory", action="store_true")
    args = parser.parse_args()
    resources = find_resources()
    ws = workspace(args.triples, args.memory)
    try:
        started = time.perf_counter()
        report = pipeline.build(ws, resources)
        build_s = time.perf_counter() - started
        times = timed(args.runs, ws, resources)
        times.update(cli_times(max(1, args.runs // 2), ws))
        image_mb = ws.image_file.stat().st_size / 2**20
    finally:
        shutil.rmtree(ws.root, ignore_errors=True)
    engine = "oxigraph-memory" if args.memory else "oxigraph-disk"
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    records = [{"task": task, "size_triples": report.triples, "nominal_size": args.triples, "engine": engine,
                "runs": len(t), "median_s": round(statistics.median(t), 3), "min_s": round(min(t), 3),
                "max_s": round(max(t), 3), "date": stamp, "build_s": round(build_s, 1), "image_mb": round(image_mb, 1)}
               for task, t in times.items()]
    path = OUT / "live_write.json"
    kept = json.loads(path.read_text()) if path.is_file() else []
    kept = [r for r in kept if (r["nominal_size"], r["engine"]) != (args.triples, engine)] + records
    path.write_text(json.dumps(kept, indent=2) + "\n")
    lines = ["# A write, visible to the next read", "",
             f"- machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
             "- `benchmarks/live_write.py` (see its docstring for what each task times); median (min–max) seconds", "",
             "| triples | store | task | runs | median s | min–max s | image MB | full build s |", "|---|---|---|---|---|---|---|---|"]
    lines += [f"| {r['size_triples']} | {r['engine']} | {r['task']} | {r['runs']} | {r['median_s']:.3f} | "
              f"{r['min_s']:.3f}–{r['max_s']:.3f} | {r['image_mb']} | {r['build_s']} |"
              for r in sorted(kept, key=lambda r: (r["size_triples"], r["engine"], r["task"]))]
    (OUT / "live_write.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
