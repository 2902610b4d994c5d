"""The library half of the browser's two slow writes, on the seed workspace (never part of
the test suite):

    .venv/bin/python benchmarks/seed_writes.py [RUNS] [--label TEXT]

`benchmarks/browser_tasks.py` times "save the assessment: verdict changed" and "save the
what-if portfolio" from the click to the settled page. This times the call the page makes
(`pipeline.add_assessment` and `pipeline.save_whatif` with ticked entries, as the browser task
saves it; the lock, the checks, the files, the graph update and the manifest), and then with
what the page reads next: a fresh read-only open of the built store and the portfolio's
validation and coverage. A what-if with a hypothetical entry (which also changes the catalogue
and the assessments) is timed too. Each run uses a fresh
copy of the built seed workspace; the first build is not timed. RUNS defaults to 5. Results
are appended to benchmarks/seed_writes.json under `--label` (e.g. "before", "after") and all
labels are written to benchmarks/seed_writes.md.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]

from host import machine  # noqa: E402

from conftest import copy_workspace  # noqa: E402
from mvkg import pipeline  # noqa: E402
from mvkg.compliance import whatif  # noqa: E402
from mvkg.compliance.coverage import coverage  # noqa: E402
from mvkg.compliance.validate import validate  # noqa: E402
from mvkg.graph.build import load_lexicon  # noqa: E402
from mvkg.inputs.catalogue import load_catalogue  # noqa: E402
from mvkg.inputs.roles import local_actor  # noqa: E402
from mvkg.kernel.resources import find_resources  # noqa: E402
from mvkg.kernel.workspace import Workspace  # noqa: E402
from mvkg.query.store import open_read_only  # noqa: E402

PORTFOLIO = "itu-t-in-force"
OUT = ROOT / "benchmarks"


class Clock:
    """Wall-clock and CPU seconds (this process) since it was made: on a machine shared with other
    work the wall clock waits for a CPU, the CPU time does not."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def read(self) -> tuple[float, float]:
        return time.perf_counter() - self.wall, time.process_time() - self.cpu


def judged(ws: Workspace, resources) -> tuple[float, float]:
    """What the next page reads: the store opened afresh, the portfolio validated."""
    clock = Clock()
    coverage(resources, validate(ws, resources, PORTFOLIO, store=open_read_only(ws)))
    return clock.read()


def plus(a: tuple[float, float], b: tuple[float, float]) -> tuple[float, float]:
    return a[0] + b[0], a[1] + b[1]


def one_run(template: Path, where: Path, resources) -> dict[str, tuple[float, float]]:
    shutil.copytree(template, where)
    ws = Workspace(where)
    actor = local_actor(ws)
    cov = coverage(resources, validate(ws, resources, PORTFOLIO, store=open_read_only(ws)))
    gap = next(r for r in cov.rows if r.verdict == "not-covered")
    short = gap.id.removeprefix("https://w3id.org/mvkg/id/").removesuffix("/obligation")
    entries = load_catalogue(ws, load_lexicon(resources))
    out: dict[str, tuple[float, float]] = {}
    clock = Clock()
    pipeline.add_assessment(ws, resources, short, entries[-1].id, "full", "Benchmark.", actor=actor)
    out["assessment save: commit"] = clock.read()
    out["assessment save: commit + next validation"] = plus(out["assessment save: commit"], judged(ws, resources))
    ticked = tuple(e.id for e in entries[:20])
    clock = Clock()
    pipeline.save_whatif(ws, resources, "bench-whatif", entries=ticked, actor=actor)
    out["what-if save: commit"] = clock.read()
    out["what-if save: commit + next validation"] = plus(out["what-if save: commit"], judged(ws, resources))
    hypo = whatif.hypothetical("Draft X.bench", "A benchmark entry", whatif.STATUSES[0], (), (short,), "full")
    clock = Clock()
    pipeline.save_whatif(ws, resources, "bench-whatif-2", entries=ticked, hypotheticals=(hypo,), actor=actor)
    out["what-if save with a hypothetical entry: commit"] = clock.read()
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("runs", nargs="?", type=int, default=5)
    parser.add_argument("--label", default="now")
    args = parser.parse_args()
    before = machine()
    resources = find_resources()
    times: dict[str, list[tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="mvkg-bench-writes-") as tmp:
        template = copy_workspace(Path(tmp) / "seed")
        pipeline.build(template, resources)
        for n in range(args.runs):
            for step, seconds in one_run(template.root, Path(tmp) / f"run{n}", resources).items():
                times.setdefault(step, []).append(seconds)
    records = [{"label": args.label, "step": step, "runs": len(v), "median_s": round(statistics.median(w for w, _ in v), 3),
                "min_s": round(min(w for w, _ in v), 3), "max_s": round(max(w for w, _ in v), 3),
                "cpu_median_s": round(statistics.median(c for _, c in v), 3), "machine": before}
               for step, v in times.items()]
    path = OUT / "seed_writes.json"
    kept = json.loads(path.read_text()) if path.is_file() else []
    kept = [r for r in kept if r["label"] != args.label] + records
    path.write_text(json.dumps(kept, indent=2) + "\n")
    lines = ["# The seed workspace's two slow browser writes, library half", "",
             "- `.venv/bin/python benchmarks/seed_writes.py RUNS --label LABEL` (see its docstring); wall-clock median "
             "(min–max) seconds, and the median CPU seconds of the process (what the wall clock would be on an idle "
             "machine, less the disk's waits); load average when the run started in the last column (2 CPUs shared "
             "with other work)", "",
             "| label | step | runs | median s | min–max s | CPU s | load before |", "|---|---|---|---|---|---|---|"]
    for r in kept:
        lines.append(f"| {r['label']} | {r['step']} | {r['runs']} | {r['median_s']:.2f} | "
                     f"{r['min_s']:.2f}–{r['max_s']:.2f} | {r.get('cpu_median_s', float('nan')):.2f} | "
                     f"{r['machine']['load_before'][0]} |")
    (OUT / "seed_writes.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
