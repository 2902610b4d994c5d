"""What build/ records about itself: the manifest (every input with its sha256, the triples of
each named graph, the reasoner, the headline counts) and which manifest the canonical image
build/mvkg.nq reflects. A full build and a live write (graph/update.py) both write them here,
the manifest last: it is the commit point that readers (snapshots, the UI's caches) key on."""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from mvkg import __version__
from mvkg.kernel.files import atomic_write, sha256_bytes
from mvkg.kernel.workspace import Workspace

SUMMARY_KEYS = ("resolutions", "clauses", "obligations", "entries", "assessments", "portfolios")
PROGRESS_CAP = 95  # an estimate never says done: only the commit clears the flag


@dataclass(frozen=True)
class Pending:
    """The manifest's `reasoning_pending`: the write committed with a provisional inferred graph
    (the previous inferences and the value-defined classes looked up again) and the reasoner still
    has to run over it (graph/pending.py). Cleared by the commit of the reasoner's answer."""

    write: str  # the write it belongs to: its kind and record key ("resolution-add ATU-MV")
    key: str  # the reasoner's input it is to answer (build.reasoning_key)
    started: float  # when the write committed (seconds since the epoch)
    expected: float | None  # seconds the reasoner took last time, if known (the progress estimate)
    error: str | None = None  # the reasoner failed on this input (the graph stays provisional)

    def progress(self, now: float | None = None) -> int:
        """Percent done, estimated from the time the reasoner took last time (HermiT reports no
        progress of its own): never more than PROGRESS_CAP; 0 without an earlier run."""
        if not self.expected:
            return 0
        done = ((time.time() if now is None else now) - self.started) / self.expected
        return max(0, min(PROGRESS_CAP, round(100 * done)))

    @classmethod
    def from_json(cls, data: dict | None) -> Pending | None:
        if not data:
            return None
        expected = data.get("expected")
        return cls(str(data["write"]), str(data["key"]), float(data["started"]),
                   None if expected is None else float(expected), data.get("error"))


@dataclass(frozen=True)
class BuildState:
    inputs: dict[str, str]  # workspace-relative path -> sha256
    graphs: dict[str, int]  # named graph -> triples
    reasoner: str
    summary: dict[str, int] = field(default_factory=dict)  # SUMMARY_KEYS -> count
    pending: Pending | None = None  # the reasoner still runs for the last write

    @property
    def triples(self) -> int:
        return sum(self.graphs.values())


def write_manifest(ws: Workspace, ontology_files: list[Path], state: BuildState) -> bytes:
    """build/manifest.json, atomically; its bytes (what the image state names)."""
    manifest = {"mvkg_version": __version__, "triples": state.triples, "reasoner": state.reasoner,
                "graphs": dict(sorted(state.graphs.items())), "inputs": dict(sorted(state.inputs.items())),
                "summary": {k: state.summary.get(k, 0) for k in SUMMARY_KEYS},
                "stats": ws.input_stats(ontology_files)}
    if state.pending is not None:
        manifest["reasoning_pending"] = asdict(state.pending)
    data = json.dumps(manifest, indent=2).encode("utf-8")
    atomic_write(ws.manifest_file, data)
    return data


def read_state(ws: Workspace) -> BuildState:
    manifest = ws.built_manifest()
    return BuildState(dict(manifest["inputs"]), {k: int(v) for k, v in manifest.get("graphs", {}).items()},
                      str(manifest.get("reasoner", "")), {k: int(v) for k, v in manifest.get("summary", {}).items()},
                      Pending.from_json(manifest.get("reasoning_pending")))


def mark_image(ws: Workspace, manifest: bytes) -> None:
    """Record that build/mvkg.nq now holds exactly the graph the manifest describes."""
    atomic_write(ws.image_state_file, json.dumps({"manifest": sha256_bytes(manifest)}).encode("utf-8"))


def image_current(ws: Workspace) -> bool:
    """Whether build/mvkg.nq reflects the current manifest (false while a write's image is
    still being written, or after a writer was killed before it finished)."""
    try:
        marked = json.loads(ws.image_state_file.read_text(encoding="utf-8")).get("manifest")
        return marked == sha256_bytes(ws.manifest_file.read_bytes())
    except (OSError, ValueError, AttributeError):
        return False
