"""Portfolios: named sets of catalogue entries to check coverage against, kept as JSON in
data/portfolios/NAME.json:

  {"name": "itu-t-in-force", "label": "ITU-T in force", "description": "...",
   "from": "other-portfolio",                      (optional: start from its members)
   "select": {"publishers": ["itu-t"], "statuses": ["published", "approved"],
              "kinds": [...], "id_prefixes": ["FGMV-"]},   (optional: every entry matching all given keys)
   "include": ["ITU-T Y.4240"], "exclude": [...]}  (optional: explicit ids)
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, RDFS, Graph, Literal, URIRef

from mvkg.ingest.rdf import new_graph
from mvkg.inputs.catalogue import KINDS, STATUSES, Entry
from mvkg.inputs.versions import check as check_version
from mvkg.inputs.versions import content_version
from mvkg.kernel.errors import InputError, check_unicode
from mvkg.kernel.files import atomic_write
from mvkg.kernel.lexicon import Lexicon
from mvkg.kernel.namespaces import MVKG, portfolio_node, slugify
from mvkg.kernel.workspace import Workspace, dumps_json

_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_KEYS = {"name", "label", "description", "from", "select", "include", "exclude"}
_SELECT_KEYS = {"publishers", "statuses", "kinds", "id_prefixes"}
DEFAULT_PORTFOLIO = "itu-t-in-force"  # the portfolio judged when none is named (CLI and UI)
# Entries saved from a what-if (data/catalogue/hypothetical.csv) belong only to the portfolios
# that name them: no selection rule (statuses, publishers …) picks them.
HYPOTHETICAL_CATALOGUE = "hypothetical.csv"


@dataclass(frozen=True)
class Portfolio:
    name: str
    label: str
    description: str
    base: str | None = None
    select: dict[str, tuple[str, ...]] = field(default_factory=dict)
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    @property
    def iri(self) -> str:
        return portfolio_node(self.name)

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {"name": self.name, "label": self.label, "description": self.description}
        if self.base:
            out["from"] = self.base
        if self.select:
            out["select"] = {k: list(v) for k, v in self.select.items()}
        if self.include:
            out["include"] = list(self.include)
        if self.exclude:
            out["exclude"] = list(self.exclude)
        return out


def check_name(name: str) -> str:
    if not _NAME.match(name):
        raise InputError(f"portfolio name {name!r} must be lower-case letters, digits and '-' (at most 64)")
    return name


def _list(raw: dict, key: str, path: Path) -> tuple[str, ...]:
    value = raw.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError(f'"{key}" must be a list of strings', path=path)
    return tuple(value)


def read_portfolio(path: Path) -> Portfolio:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg}", path=path, line=exc.lineno) from None
    if not isinstance(raw, dict):
        raise InputError("expected a JSON object", path=path)
    unknown = set(raw) - _KEYS
    if unknown:
        raise InputError(f"unknown keys {sorted(unknown)}; allowed: {sorted(_KEYS)}", path=path)
    name = raw.get("name")
    if name != path.stem:
        raise InputError(f'"name" must be {path.stem!r} (the file name), not {name!r}', path=path)
    check_name(name)
    select = raw.get("select") or {}
    if not isinstance(select, dict) or set(select) - _SELECT_KEYS:
        raise InputError(f'"select" must be an object with keys among {sorted(_SELECT_KEYS)}', path=path)
    sel = {k: _list(select, k, path) for k in select}
    for bad, allowed, key in ((sel.get("statuses", ()), STATUSES, "statuses"), (sel.get("kinds", ()), KINDS, "kinds")):
        wrong = [v for v in bad if v not in allowed]
        if wrong:
            raise InputError(f'select.{key} has {wrong}; allowed: {list(allowed)}', path=path)
    return Portfolio(name=name, label=str(raw.get("label") or name), description=str(raw.get("description") or ""),
                     base=raw.get("from"), select=sel, include=_list(raw, "include", path),
                     exclude=_list(raw, "exclude", path))


def load_portfolios(ws: Workspace) -> dict[str, Portfolio]:
    folder = ws.portfolios_dir
    return {p.stem: read_portfolio(p) for p in sorted(folder.glob("*.json"))} if folder.is_dir() else {}


def _matches(p: Portfolio, e: Entry, lex: Lexicon) -> bool:
    if not p.select or Path(e.file).name == HYPOTHETICAL_CATALOGUE:
        return False
    sel = p.select
    publishers = {lex.notations("actor").get(x) for x in sel.get("publishers", ())}
    return ((not sel.get("publishers") or any(lex.within(e.publisher, p) for p in publishers if p))
            and (not sel.get("statuses") or e.status in sel["statuses"])
            and (not sel.get("kinds") or e.kind in sel["kinds"])
            and (not sel.get("id_prefixes") or e.id.startswith(tuple(sel["id_prefixes"]))))


def members(name: str, portfolios: dict[str, Portfolio], entries: list[Entry], lex: Lexicon,
            _seen: tuple[str, ...] = ()) -> list[Entry]:
    """The entries of a portfolio, in catalogue order."""
    if name not in portfolios:
        raise InputError(f"no portfolio named {name!r}; known: {', '.join(sorted(portfolios)) or 'none'}")
    if name in _seen:
        raise InputError(f"portfolio {name!r} is defined from itself ({' -> '.join(_seen + (name,))})")
    p = portfolios[name]
    by_key = {slugify(e.id): e for e in entries}
    for ident in p.include + p.exclude:
        if slugify(ident) not in by_key:
            raise InputError(f"portfolio {name!r} names {ident!r}, which is not in the catalogue")
    chosen = {slugify(e.id) for e in members(p.base, portfolios, entries, lex, _seen + (name,))} if p.base else set()
    chosen |= {slugify(e.id) for e in entries if _matches(p, e, lex)}
    chosen |= {slugify(i) for i in p.include}
    chosen -= {slugify(i) for i in p.exclude}
    return [e for e in entries if slugify(e.id) in chosen]


def portfolio_graph(name: str, portfolios: dict[str, Portfolio], entries: list[Entry], lex: Lexicon) -> Graph:
    """One portfolio with its members (mvkg:member)."""
    g = new_graph()
    p = portfolios[name]
    s = URIRef(p.iri)
    g.add((s, RDF.type, MVKG.Portfolio))
    g.add((s, RDFS.label, Literal(p.label)))
    g.add((s, MVKG.identifier, Literal(name)))
    if p.description:
        g.add((s, MVKG.note, Literal(p.description)))
    for e in members(name, portfolios, entries, lex):
        g.add((s, MVKG.member, URIRef(e.iri)))
    return g


def portfolio_version(ws: Workspace, name: str) -> str | None:
    """The version of data/portfolios/NAME.json (a hash of its bytes), None when there is none:
    pass it back to `save_portfolio` to replace the portfolio only as it was read."""
    path = ws.portfolio_file(check_name(name))
    return content_version(path.read_bytes()) if path.is_file() else None


def save_portfolio(ws: Workspace, p: Portfolio, *, overwrite: bool = False, expected_version: str | None = None) -> Path:
    """Write data/portfolios/NAME.json. A portfolio that exists is replaced only with `overwrite`,
    or with `expected_version`, the version its editor read: when someone changed or removed it
    meanwhile, StaleEditError (what is stored now and the difference) and nothing is written."""
    path = ws.portfolio_file(check_name(p.name))
    check_unicode(p.label, "the portfolio's label")
    check_unicode(p.description, "the portfolio's description")
    if expected_version is not None:
        current = _stored_json(path)
        check_version(f"portfolio {p.name!r}", expected_version, portfolio_version(ws, p.name), current, p.to_json())
    elif path.exists() and not overwrite:
        raise InputError(f"portfolio {p.name!r} already exists ({ws.relative(path)})")
    atomic_write(path, dumps_json(p.to_json()))
    return path


def _stored_json(path: Path) -> dict | None:
    if not path.is_file():
        return None
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        return {"file": path.read_text(encoding="utf-8", errors="replace")}
    return raw if isinstance(raw, dict) else {"file": json.dumps(raw)}
