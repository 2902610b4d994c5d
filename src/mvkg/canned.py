"""Canned analyst queries: queries/*.rq with a header comment

  # title: ...
  # description: ...
  # param: name | what it is | SPARQL query listing its values (optional)

The UI shows them with one widget per parameter; the CLI runs them as files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .resources import Resources
from .sparql import read_query_file


@dataclass(frozen=True)
class Param:
    name: str
    description: str
    values_query: str | None


@dataclass(frozen=True)
class CannedQuery:
    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    text: str


def parse_canned(path: Path) -> CannedQuery:
    text = read_query_file(path)
    title, description, params = path.stem, "", []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        body = line.lstrip("#").strip()
        if body.startswith("title:"):
            title = body[6:].strip()
        elif body.startswith("description:"):
            description = body[12:].strip()
        elif body.startswith("param:"):
            parts = [p.strip() for p in body[6:].split("|")]
            params.append(Param(parts[0], parts[1] if len(parts) > 1 else "", parts[2] if len(parts) > 2 and parts[2] else None))
    return CannedQuery(path.stem, title, description, tuple(params), text)


def canned_queries(resources: Resources) -> list[CannedQuery]:
    return [parse_canned(p) for p in sorted(resources.queries.glob("*.rq"))]
