"""What every OSCAL document mvkg writes shares: stable identifiers, the `ns` of mvkg's own
props, metadata dated by the build, and JSON written the same way every time.

- **Stable ids.** Control and group ids are OSCAL tokens derived from mvkg's IRIs
  (`…/id/ecp-mv/resolves/para_1/obligation` → `ecp-mv.resolves.para_1`; catalogue entry
  `ITU-T Y.4240` → `itu-t-y-4240`). UUIDs are version-5 UUIDs of the IRIs they stand for, and
  a document's own UUID and `version` are derived from its content, so two exports of the
  same data are byte-identical and a changed document gets a new UUID, as OSCAL asks.
- **Dates.** `last-modified` is the time of the build the document was read from (the
  build manifest's modification time), never the time of the export.
- **Props.** Props in mvkg's own vocabulary carry `ns` = `OSCAL_NS`; OSCAL's own props
  (`label`, `status`) carry none.

The documents are built from and validated by compliance-trestle's pydantic models
(`trestle.oscal`); no schema is written here.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from pydantic import ValidationError
from trestle.core.base_model import OscalBaseModel
from trestle.oscal import OSCAL_VERSION
from trestle.oscal.common import Link, Metadata, OscalVersion, Property

from mvkg.kernel.errors import InputError, WorkspaceError
from mvkg.kernel.files import atomic_write
from mvkg.kernel.namespaces import BASE
from mvkg.kernel.workspace import Workspace

OSCAL_NS = BASE + "oscal"  # the `ns` of mvkg's props, parts and link relations
UUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, BASE)  # all mvkg UUIDs are uuid5(UUID_NAMESPACE, name)
_NOT_TOKEN = re.compile(r"[^A-Za-z0-9_.\-]")
_SPACE = re.compile(r"\s+")


def stable_uuid(name: str) -> str:
    """A version-5 UUID for an IRI or another name: the same name always gives the same UUID."""
    return str(uuid.uuid5(UUID_NAMESPACE, name))


def token(text: str) -> str:
    """`text` as an OSCAL token (letters, digits, `_`, `-`, `.`; not starting with a digit,
    `-` or `.`): other characters become `-`, and `_` goes in front where needed."""
    out = _NOT_TOKEN.sub("-", text)
    return out if re.match(r"[A-Za-z_]", out) else "_" + out


def one_line(text: str) -> str:
    """White space collapsed: the form OSCAL wants for titles and prop values."""
    return _SPACE.sub(" ", text).strip()


def prop(name: str, value: object, *, own: bool = True) -> Property:
    """A prop in mvkg's namespace (`own`) or OSCAL's (label, status …)."""
    return Property(name=name, value=one_line(str(value)), ns=OSCAL_NS if own else None)


def props(*pairs: tuple[str, object]) -> list[Property]:
    """mvkg props for the pairs whose value is not empty (a list value gives one prop each)."""
    out = []
    for name, value in pairs:
        values = value if isinstance(value, (list, tuple)) else [value]
        out += [prop(name, v) for v in values if v is not None and one_line(str(v))]
    return out


def own_values(items: Iterable[Property] | None, name: str) -> list[str]:
    """The values of the mvkg props called `name`, in order."""
    return [p.value for p in items or () if p.name == name and p.ns is not None and str(p.ns) == OSCAL_NS]


def core_values(items: Iterable[Property] | None, name: str) -> list[str]:
    """The values of OSCAL's own props called `name` (no ns, or OSCAL's)."""
    return [p.value for p in items or () if p.name == name and (p.ns is None or "csrc.nist.gov" in str(p.ns))]


def link(href: str, rel: str, text: str | None = None, fragment: str | None = None) -> Link:
    return Link(href=href, rel=rel, text=text, resource_fragment=fragment)


def build_time(ws: Workspace) -> datetime:
    """When the graph was built: the build manifest's modification time (UTC, whole seconds)."""
    if not ws.manifest_file.is_file():
        raise WorkspaceError("no build manifest; run `mvkg build` first")
    return datetime.fromtimestamp(int(ws.manifest_file.stat().st_mtime), UTC)


def files_time(paths: Iterable[Path]) -> datetime:
    """The latest modification time of some input files (UTC, whole seconds)."""
    stamps = [int(p.stat().st_mtime) for p in paths if p.is_file()]
    return datetime.fromtimestamp(max(stamps, default=0), UTC)


def content_digest(parts: Iterable[OscalBaseModel | None]) -> str:
    """sha256 of the models' canonical JSON: what a document's UUID and version derive from."""
    dumped = [p.model_dump(mode="json", by_alias=True, exclude_none=True) if p is not None else None for p in parts]
    return hashlib.sha256(json.dumps(dumped, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def metadata(title: str, modified: datetime, digest: str, extra: list[Property] | None = None,
             remarks: str | None = None) -> Metadata:
    """Document metadata: `version` is the first 12 hex digits of the content digest."""
    return Metadata(title=one_line(title), last_modified=modified, version=digest[:12],
                    oscal_version=OscalVersion(OSCAL_VERSION), props=extra or None, remarks=remarks)


def document_json(model: OscalBaseModel) -> bytes:
    """The document as OSCAL JSON (wrapped in its top-level key, indented, a final newline)."""
    return model.oscal_serialize_json_bytes(pretty=True) + b"\n"


def write_document(model: OscalBaseModel, out: Path | None) -> bytes:
    """The document's JSON; written atomically to `out` when given."""
    data = document_json(model)
    if out is not None:
        atomic_write(out, data)
    return data


def validation_message(exc: ValidationError) -> str:
    """A pydantic error in one line: the deepest problem (where a model offers alternatives,
    as trestle's two kinds of group do, the one that got furthest is the one meant) and what
    it is."""
    first = max(exc.errors(), key=lambda e: len(e["loc"]))
    where = ".".join(str(p) for p in first["loc"] if not (isinstance(p, str) and (p[:1].isupper() or "[" in p)))
    if first["type"] == "string_pattern_mismatch":
        what = f"{first['input']!r} does not have the form OSCAL requires here (a token, UUID or date)"
    else:
        what = first["msg"]
    return f"{where or 'the document'}: {what}"


def schema_error(path: Path, kind: str, exc: ValidationError) -> InputError:
    return InputError(f"not a valid OSCAL {kind} (OSCAL {OSCAL_VERSION}, compliance-trestle's models): "
                      f"{validation_message(exc)}", path=path)
