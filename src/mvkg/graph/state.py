"""What build/ records about itself: the manifest (every input with its sha256, the triples of
each named graph, the reasoner, the headline counts) and which manifest the canonical image
build/mvkg.nq reflects. A full build and a live write (graph/update.py) both write them here,
the manifest last: it is the commit point that readers (snapshots, the UI's caches) key on."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from mvkg import __version__
from mvkg.kernel.files import atomic_write, sha256_bytes
from mvkg.kernel.workspace import Workspace

SUMMARY_KEYS = ("resolutions", "clauses", "obligations", "entries", "assessments", "portfolios")


@dataclass(frozen=True)
class BuildState:
    inputs: dict[str, str]  # workspace-relative path -> sha256
    graphs: dict[str, int]  # named graph -> triples
    reasoner: str
    summary: dict[str, int] = field(default_factory=dict)  # SUMMARY_KEYS -> count

    @property
    def triples(self) -> int:
        return sum(self.graphs.values())


def write_manifest(ws: Workspace, ontology_files: list[Path], state: BuildState) -> bytes:
    """build/manifest.json, atomically; its bytes (what the image state names)."""
    manifest = {"mvkg_version": __version__, "triples": state.triples, "reasoner": state.reasoner,
                "graphs": dict(sorted(state.graphs.items())), "inputs": dict(sorted(state.inputs.items())),
                "summary": {k: state.summary.get(k, 0) for k in SUMMARY_KEYS},
                "stats": ws.input_stats(ontology_files)}
    data = json.dumps(manifest, indent=2).encode("utf-8")
    atomic_write(ws.manifest_file, data)
    return data


def read_state(ws: Workspace) -> BuildState:
    manifest = ws.built_manifest()
    return BuildState(dict(manifest["inputs"]), {k: int(v) for k, v in manifest.get("graphs", {}).items()},
                      str(manifest.get("reasoner", "")), {k: int(v) for k, v in manifest.get("summary", {}).items()})


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
