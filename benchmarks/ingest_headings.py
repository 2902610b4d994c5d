"""Ingest time against the number of headings (never part of the test suite).

    .venv/bin/python benchmarks/ingest_headings.py [SIZES] [RUNS]

A text of N sections that all open with the same verb ("resolves", one numbered item each:
the shape that made the section slugs cubic, issue 18) is read for each size in SIZES
(default 500,1000,2000,10000). For each, the median of RUNS (default 3) of:

- parse: `parse_resolution`, the layout into sections and items;
- record: `build_record`, obligations and the section slugs (`extract._section_slugs`);
- rdf: `resolution_graph`, the record as RDF;

and the whole `ingest_file`, as `mvkg ingest` and the UI's upload run it (in a child process
under the ingest limits; here with a time limit of an hour, so the largest sizes are measured,
not stopped). The last column is the time per heading: flat when the cost is linear.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from mvkg.graph.build import load_lexicon  # noqa: E402
from mvkg.ingest.extract import build_record  # noqa: E402
from mvkg.ingest.parse import parse_resolution  # noqa: E402
from mvkg.ingest.rdf import resolution_graph  # noqa: E402
from mvkg.ingest.resolutions import ingest_file  # noqa: E402
from mvkg.kernel.model import ResolutionMeta  # noqa: E402
from mvkg.kernel.resources import find_resources  # noqa: E402
from mvkg.kernel.workspace import Workspace  # noqa: E402
from mvkg.query.isolated import ChildLimits  # noqa: E402

UNSTOPPED = ChildLimits(seconds=3600, memory_mb=4096)

PREAMBLE = "DRAFT NEW RESOLUTION [BIG-1] (New Delhi, 2024)\nThe World Telecommunication Standardization Assembly,\n"
HEADING = "resolves\n1\tto ensure that standards are developed for item {i};\n"


def text_with(headings: int) -> str:
    return PREAMBLE + "".join(HEADING.format(i=i) for i in range(headings))


def _timed(fn) -> tuple[float, object]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def measure(headings: int, runs: int, lex, folder: Path) -> dict[str, float]:
    text = text_with(headings)
    path = folder / f"headings-{headings}.txt"
    path.write_text(text, encoding="utf-8")
    ws = Workspace(folder)
    stages: dict[str, list[float]] = {"parse": [], "record": [], "rdf": [], "ingest": []}
    for _ in range(runs):
        t, parsed = _timed(lambda: parse_resolution(text, lex, path.name))
        stages["parse"].append(t)
        t, record = _timed(lambda parsed=parsed: build_record(parsed, ResolutionMeta("BIG-1"), lex, source_file=path.name,
                                                              sha256="0", media_type="text/plain"))
        stages["record"].append(t)
        stages["rdf"].append(_timed(lambda record=record: resolution_graph(record, lex))[0])
        stages["ingest"].append(_timed(lambda: ingest_file(path, lex, ws, limits=UNSTOPPED))[0])
    return {name: statistics.median(times) for name, times in stages.items()}


def main() -> None:
    sizes = [int(x) for x in (sys.argv[1] if len(sys.argv) > 1 else "500,1000,2000,10000").split(",")]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    lex = load_lexicon(find_resources())
    print(f"{'headings':>8} {'KB':>6} {'parse s':>8} {'record s':>9} {'rdf s':>7} {'ingest s':>9} {'ms/heading':>11}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            m = measure(n, runs, lex, Path(tmp))
            kb = len(text_with(n).encode("utf-8")) / 1024
            print(f"{n:>8} {kb:>6.0f} {m['parse']:>8.2f} {m['record']:>9.2f} {m['rdf']:>7.2f} {m['ingest']:>9.2f} "
                  f"{1000 * m['ingest'] / n:>11.2f}", flush=True)


if __name__ == "__main__":
    main()
