"""The library's own queries (queries/internal/*.rq): each has its header, parses, binds
only variables it uses, and is run by name somewhere; every name the code runs exists."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from mvkg.query.named import INTERNAL, bind, canned_queries, named_query, parse_named
from mvkg.query.sparql import check_query

REPO = Path(__file__).resolve().parent.parent
INTERNAL_DIR = REPO / "queries" / INTERNAL
RUNNERS = {"select", "solutions", "ask", "construct", "named_query"}


def internal_files() -> list[Path]:
    return sorted(INTERNAL_DIR.glob("*.rq"))


def names_run_in_source() -> set[str]:
    """Query names passed as a literal to select / solutions / ask / construct / named_query."""
    out = set()
    for path in (REPO / "src" / "mvkg").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in RUNNERS
                    and node.args):
                arg = node.args[1] if node.func.id != "named_query" and len(node.args) > 1 else node.args[0]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    out.add(arg.value)
    return out


def string_constants_in_source() -> set[str]:
    return {node.value for path in (REPO / "src" / "mvkg").rglob("*.py")
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)}


@pytest.mark.parametrize("path", internal_files(), ids=lambda p: p.stem)
def test_internal_query_has_header_parses_and_uses_its_params(path):
    q = parse_named(path)
    assert q.title != path.stem and q.description, "a `# title:` and a `# description:` line"
    check_query(q.text, None)
    body = "\n".join(line for line in q.text.splitlines() if not line.startswith("#"))
    for p in q.params:
        assert re.search(rf"[?$]{p.name}\b", body), f"param {p.name} is not a variable of the query"


@pytest.mark.parametrize("path", internal_files(), ids=lambda p: p.stem)
def test_internal_query_is_run_by_the_library(path):
    assert path.stem in string_constants_in_source(), f"{path.name} is run nowhere"


def test_every_name_the_code_runs_exists():
    for name in sorted(names_run_in_source()):
        named_query(name)  # raises when there is no such file


def test_internal_queries_are_not_offered_to_analysts(resources):
    offered = {q.name for q in canned_queries(resources)}
    assert offered and not offered & {p.stem for p in internal_files()}


def test_bindings_are_a_values_block_at_the_head_of_the_where_group():
    text = named_query("portfolio_entries").text
    bound = bind(text, {"portfolio": "https://w3id.org/mvkg/id/portfolio/x"})
    head = bound[bound.index("WHERE {") + len("WHERE {"):].lstrip()
    assert head.startswith("VALUES (?portfolio) { (<https://w3id.org/mvkg/id/portfolio/x>) }")
    several = bind("SELECT ?x WHERE { ?x ?p ?o }", {"x": ["https://e.org/a", ox.NamedNode("https://e.org/b")],
                                                    "o": ox.Literal("v")})
    assert 'VALUES (?x ?o) { (<https://e.org/a> "v") (<https://e.org/b> "v") }' in several
