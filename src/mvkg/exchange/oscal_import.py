"""Import an OSCAL catalog of controls as catalogue entries (`mvkg import oscal-catalog FILE`).

The file must be OSCAL JSON (`{"catalog": {…}}`); it is parsed by compliance-trestle's
`Catalog` model, so anything that model refuses is refused, with the first problem named.
Every control, in groups or nested under another control, becomes one catalogue row:

Each column is taken from the first of these that is there:

- `id`: mvkg prop `identifier`; else `--id-prefix` + OSCAL's `label` prop (one with no
  `class` first: `AC-1`, not `AC-01`); else `--id-prefix` + the control id;
- `title`: the control's title;
- `publisher`: mvkg prop `publisher` (an actor notation); else `--publisher`;
- `kind`, `status`: mvkg props `kind`, `status`; else `--kind` (standard), `--status`
  (published); OSCAL's `status` prop `withdrawn` gives `withdrawn`;
- `date`: mvkg prop `date`; else the catalog's `published` date; else empty;
- `url`: the first http(s) link with rel `alternate`; else the first http(s) link;
- `themes`, `topics`, `source_url`: mvkg props `theme`, `topic`, `source-url`;
- `notes`: mvkg part `notes`; else the text of the control's `statement` part, each
  parameter insertion replaced by `[its label or choices]`;
- `scope`, `scope_source`, `checked`: mvkg part `scope`, mvkg props `scope-source`, `checked`;
  else empty (an entry never checked shows as stale).

(mvkg props are those with `ns` = `https://w3id.org/mvkg/oscal`, as `mvkg export
oscal-catalog --catalogue` writes them.) The rows then go through the catalogue's own import
(`mvkg.inputs.catalogue.import_csv`): the same checks as `mvkg catalogue import` (required
fields, allowed values, known notations, dates, URLs, duplicate ids), every problem reported
with its control, and one atomic change of `data/catalogue/` or none.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError
from trestle.oscal.catalog import Catalog, Control
from trestle.oscal.common import Part

from mvkg.exchange.oscal_common import OSCAL_NS, core_values, one_line, own_values, schema_error
from mvkg.graph.build import load_lexicon
from mvkg.inputs.catalogue import ALL_COLUMNS, COLUMNS, FACT_COLUMNS, ImportReport, import_csv
from mvkg.inputs.csvtable import TableError, read_rows, rows_bytes
from mvkg.kernel.errors import InputError
from mvkg.kernel.resources import Resources
from mvkg.kernel.workspace import Workspace

MAX_BYTES = 64 * 2**20  # the NIST SP 800-53 rev. 5 catalog is about 10 MB
_INSERT = re.compile(r"\{\{\s*insert:\s*param,\s*([^}\s]+)\s*\}\}")
EXPECTED = 'expected an OSCAL catalog in JSON, {"catalog": {…}}'


@dataclass(frozen=True)
class ImportDefaults:
    """What a control that does not say gets (mvkg's own props win)."""

    publisher: str | None = None  # actor notation
    kind: str = "standard"
    status: str = "published"
    id_prefix: str = ""  # put before OSCAL labels or control ids: "NIST SP 800-53" + " AC-1"


@dataclass(frozen=True)
class CatalogImport:
    controls: int
    report: ImportReport


def read_catalog(path: Path) -> Catalog:
    """An OSCAL catalog file parsed by trestle's model, or an InputError naming the file and
    what was expected."""
    if not path.is_file():
        raise InputError(f"no such file: {EXPECTED}", path=path)
    if path.stat().st_size > MAX_BYTES:
        raise InputError(f"larger than {MAX_BYTES // 2**20} MB: {EXPECTED}", path=path)
    try:
        doc = json.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise InputError(f"not UTF-8 text: {EXPECTED}", path=path) from None
    except json.JSONDecodeError as exc:
        raise InputError(f"not JSON ({exc.msg}, column {exc.colno}): {EXPECTED}", path=path, line=exc.lineno) from None
    except RecursionError:
        raise InputError(f"JSON nested too deeply: {EXPECTED}", path=path) from None
    keys = sorted(doc) if isinstance(doc, dict) else []
    if not isinstance(doc, dict) or "catalog" not in doc or set(keys) - {"catalog", "$schema"}:
        found = f"the keys {keys}" if isinstance(doc, dict) else f"a JSON {type(doc).__name__}"
        raise InputError(f"not an OSCAL catalog: {EXPECTED}, found {found}", path=path)
    try:
        return Catalog.model_validate(doc["catalog"])
    except ValidationError as exc:
        raise schema_error(path, "catalog", exc) from None
    except RecursionError:
        raise InputError(f"nested too deeply: {EXPECTED}", path=path) from None


def controls(catalog: Catalog) -> Iterator[Control]:
    """Every control, in document order: top-level ones, those in groups at any depth, and
    controls nested in controls (enhancements)."""
    def walk_controls(items):
        for c in items or ():
            yield c
            yield from walk_controls(c.controls)

    def walk_groups(items):
        for g in items or ():
            yield from walk_controls(getattr(g, "controls", None))
            yield from walk_groups(getattr(g, "groups", None))

    yield from walk_controls(catalog.controls)
    yield from walk_groups(catalog.groups)


def _prose(parts: list[Part] | None, name: str | None = None, own: bool = False) -> str:
    """The prose of the parts called `name` (with their sub-parts), one line."""
    texts = []
    for p in parts or ():
        if name is not None and (p.name != name or (own and str(p.ns or "") != OSCAL_NS)):
            continue
        texts += [p.prose or "", _prose(p.parts)]
    return one_line(" ".join(t for t in texts if t))


def _params(c: Control) -> dict[str, str]:
    """What each of the control's parameters stands for: its label, or its choices."""
    out: dict[str, str] = {}
    for p in c.params or ():
        choice = getattr(getattr(p, "select", None), "choice", None)
        out[str(p.id)] = " | ".join(choice) if choice else str(p.label or "")
    return out


def _fill(text: str, params: dict[str, str]) -> str:
    """OSCAL's parameter insertions (`{{ insert: param, ac-1_prm_1 }}`) as `[what it stands for]`."""
    return _INSERT.sub(lambda m: f"[{params[m.group(1)]}]" if params.get(m.group(1)) else m.group(0), text)


def _url(c: Control) -> str:
    links = [lk for lk in c.links or () if lk.href.startswith(("http://", "https://"))]
    preferred = [lk for lk in links if str(getattr(lk.rel, "value", lk.rel)) == "alternate"]
    return (preferred or links)[0].href if links else ""


def entry_row(c: Control, defaults: ImportDefaults, published: str) -> dict[str, str]:
    """One catalogue row (data/catalogue/*.csv columns) for a control."""
    def own(name: str, default: str = "") -> str:
        values = own_values(c.props, name)
        return values[0] if values else default

    labels = [p for p in c.props or () if p.name == "label" and p.ns is None]
    label = next((p.value for p in labels if p.class_ is None), labels[0].value if labels else c.id)
    prefix = defaults.id_prefix.strip()
    withdrawn = "withdrawn" in core_values(c.props, "status")
    return {
        "id": own("identifier") or (f"{prefix} {label}" if prefix else label),
        "title": one_line(c.title),
        "publisher": own("publisher", defaults.publisher or ""),
        "kind": own("kind", defaults.kind),
        "status": own("status", "withdrawn" if withdrawn else defaults.status),
        "date": own("date", published),
        "url": _url(c),
        "themes": ";".join(own_values(c.props, "theme")),
        "topics": ";".join(own_values(c.props, "topic")),
        "source_url": " ; ".join(own_values(c.props, "source-url")),
        "notes": _prose(c.parts, "notes", own=True) or _fill(_prose(c.parts, "statement"), _params(c)),
        "scope": _prose(c.parts, "scope", own=True),
        "scope_source": own("scope-source"),
        "checked": own("checked"),
    }


def catalog_rows(catalog: Catalog, defaults: ImportDefaults) -> list[tuple[str, dict[str, str]]]:
    """(control id, catalogue row) for every control of the catalog."""
    published = catalog.metadata.published.date().isoformat() if catalog.metadata.published else ""
    return [(c.id, entry_row(c, defaults, published)) for c in controls(catalog)]


def _by_control(exc: TableError, csv_path: Path, lines: dict[int, str], source: Path) -> InputError:
    """The catalogue's row problems, told by control instead of by line of the staging CSV."""
    def name(line: int) -> str:
        return f"control {lines.get(line, '?')}"

    where = re.compile(re.escape(str(csv_path)) + r":(\d+)")
    told = [f"  {name(p.row)}: {where.sub(lambda m: name(int(m.group(1))), p.message)}" for p in exc.problems]
    return InputError(f"{len(told)} problem(s) in its controls, nothing was changed:\n" + "\n".join(told), path=source)


def import_catalog(ws: Workspace, resources: Resources, path: Path, defaults: ImportDefaults | None = None) -> CatalogImport:
    """Add (or update) a catalogue entry for every control of an OSCAL catalog; nothing is
    written unless every control makes a valid entry."""
    rows = catalog_rows(read_catalog(path), defaults or ImportDefaults())
    if not rows:
        raise InputError(f"the catalog has no controls: {EXPECTED} with at least one control", path=path)
    nameless = [cid for cid, row in rows if not row["publisher"]]
    if nameless:
        raise InputError(f"{len(nameless)} control(s) name no publisher (first: {nameless[0]}): expected an mvkg prop "
                         "'publisher' or --publisher NOTATION (an actor of ontology/actors.ttl)", path=path)
    with tempfile.TemporaryDirectory(prefix="mvkg-oscal-") as folder:
        staged = Path(folder) / "controls.csv"
        # the fact columns only when a control states them, so a catalog without them keeps what is known
        columns = ALL_COLUMNS if any(row[c] for _, row in rows for c in FACT_COLUMNS) else COLUMNS
        staged.write_bytes(rows_bytes(columns, [{c: row[c] for c in columns} for _, row in rows]))
        lines = {line: rows[i][0] for i, (line, _) in enumerate(read_rows(staged, columns))}
        try:
            report = import_csv(ws, load_lexicon(resources), staged)
        except TableError as exc:
            if exc.path != str(staged):
                raise  # the workspace's own catalogue is broken: its message names its file
            raise _by_control(exc, staged, lines, path) from None
    return CatalogImport(len(rows), report)
