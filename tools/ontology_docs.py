"""Generate the HTML documentation of the ontology (classes and properties, themes, topics,
actors, verbs, SDGs, value schemes) into build/docs/ontology/ of a workspace. Run by `make docs`.

    python tools/ontology_docs.py [--workspace DIR] [--out DIR]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from mvkg.kernel.files import atomic_write
from mvkg.kernel.resources import find_resources
from mvkg.kernel.workspace import Workspace
from mvkg.render.ontology_docs import workspace_pages, write_pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workspace", default=".", help="the workspace whose catalogue is counted (default: .)")
    parser.add_argument("--out", help="output folder (default: WORKSPACE/build/docs/ontology)")
    args = parser.parse_args()
    resources = find_resources()
    ws = Workspace(Path(args.workspace))
    out = Path(args.out) if args.out else ws.build_dir / "docs" / "ontology"
    written = write_pages(workspace_pages(resources, ws), out, atomic_write)
    for path in written:
        path.chmod(0o644)  # pages to be served, readable by a web server
    print(f"wrote {len(written)} pages to {out}")


if __name__ == "__main__":
    main()
