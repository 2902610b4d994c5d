"""Find the shipped resources (ontology/, shapes/, queries/, data/).

From a checkout they are the top-level folders next to `src/`; from an installed wheel
they are packaged under `mvkg/_resources/`. The checkout wins so that edits show at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mvkg.kernel.errors import WorkspaceError

_PACKAGE_DIR = Path(__file__).resolve().parent.parent  # src/mvkg
_RESOURCE_NAMES = ("ontology", "shapes", "queries", "data")


@dataclass(frozen=True)
class Resources:
    root: Path

    @property
    def ontology(self) -> Path:
        return self.root / "ontology"

    @property
    def shapes(self) -> Path:
        return self.root / "shapes"

    @property
    def queries(self) -> Path:
        return self.root / "queries"

    def ontology_files(self) -> list[Path]:
        return sorted(self.ontology.glob("*.ttl"))


def find_resources() -> Resources:
    candidates = (_PACKAGE_DIR.parent.parent, _PACKAGE_DIR / "_resources")
    for root in candidates:
        if (root / "ontology" / "mvkg.ttl").is_file():
            return Resources(root)
    raise WorkspaceError(
        "cannot find mvkg's ontology/ folder: the package is neither run from a checkout "
        "nor installed with its resources"
    )
