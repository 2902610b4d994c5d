"""The prefixes an analyst's query can use: mvkg's predefined ones (declared by the engine for
every query) and those the workspace's ontology and shapes files declare (dpv:, foaf:, sh: …),
which are declared for a query that uses them. Also IRIs written short (`theme:privacy`), as
the SPARQL console shows them."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import pyoxigraph as ox

from mvkg.kernel.namespaces import PREFIXES
from mvkg.kernel.resources import Resources

LOCAL = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_\-./]*")  # what follows "prefix:" when an IRI is written short


@dataclass(frozen=True)
class Prefix:
    name: str
    iri: str
    predefined: bool  # declared by the engine for every query; otherwise declared where used

    @property
    def declaration(self) -> str:
        return f"PREFIX {self.name}: <{self.iri}>"


def workspace_prefixes(resources: Resources) -> tuple[Prefix, ...]:
    """The predefined prefixes, then every other prefix the ontology and shapes files declare
    (the first declaration of a name wins; a name bound to two IRIs keeps the predefined one)."""
    found: dict[str, str] = {}
    for path in [*resources.ontology_files(), *sorted(resources.shapes.glob("*.ttl"))]:
        parser = ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)
        for _ in parser:
            pass
        for name, iri in parser.prefixes.items():
            if name and name not in PREFIXES:
                found.setdefault(name, iri)
    own = [Prefix(n, i, True) for n, i in PREFIXES.items()]
    return (*own, *(Prefix(n, found[n], False) for n in sorted(found)))


def as_map(prefixes: tuple[Prefix, ...] | Mapping[str, str]) -> dict[str, str]:
    return {p.name: p.iri for p in prefixes} if isinstance(prefixes, tuple) else dict(prefixes)


def _uses(text: str, name: str) -> bool:
    return re.search(rf"(?<![A-Za-z0-9_\-.:/#<]){re.escape(name)}:", text) is not None


def _declares(text: str, name: str) -> bool:
    return re.search(rf"(?i)\bPREFIX\s+{re.escape(name)}\s*:", text) is not None


def undeclared_used(text: str, prefixes: tuple[Prefix, ...] | Mapping[str, str]) -> list[str]:
    """The known prefixes that are not predefined and that `text` uses without declaring."""
    known = as_map(prefixes)
    return [n for n in sorted(known) if n not in PREFIXES and _uses(text, n) and not _declares(text, n)]


def with_declarations(text: str, prefixes: tuple[Prefix, ...] | Mapping[str, str]) -> str:
    """`text` with a PREFIX line put before it for every known prefix it uses without
    declaring (the predefined ones need none). A name that only looks used (inside a string)
    gets a declaration it does not need, which changes no answer."""
    known = as_map(prefixes)
    lines = [f"PREFIX {n}: <{known[n]}>\n" for n in undeclared_used(text, known)]
    return "".join(lines) + text


def shorten(iri: str, prefixes: tuple[Prefix, ...] | Mapping[str, str]) -> str:
    """`iri` as prefix:local with the longest namespace that fits, else unchanged."""
    best = ""
    short = iri
    for name, ns in as_map(prefixes).items():
        if ns and iri.startswith(ns) and len(ns) > len(best) and LOCAL.fullmatch(iri[len(ns):]):
            best, short = ns, f"{name}:{iri[len(ns):]}"
    return short
