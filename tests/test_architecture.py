"""The house rules, checked on the source with an `ast` walk:

- the adapters (cli, ui) import neither rdflib nor pyoxigraph;
- SPARQL text lives in queries/ (run through the query layer); only the query layer and the
  SHACL compiler hold SPARQL in Python;
- no module imports another module's private (underscore) name;
- a lower stage never imports a higher one;
- no module is longer than 400 lines.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "mvkg"

# Stages in the order data flows; a module may import its own stage and the ones before it.
STAGES = ("kernel", "query", "ingest", "inputs", "graph", "compliance", "analysis", "history", "render",
          "exchange", "pipeline", "cli", "ui", "serve")
ADAPTERS = ("cli", "ui", "serve")
LAUNCHES = {"cli": ("serve", "ui")}  # adapters import no other adapter, except that `mvkg serve` starts the endpoint
# and `mvkg ui` applies the app's login rule (ui/login_policy.py) before it starts Streamlit
# Where SPARQL may be written in Python: the query layer, and the compiler that turns SHACL shapes
# into SPARQL (its text is generated from the shapes, not domain knowledge).
SPARQL_HOMES = ("query/", "compliance/shaclcore.py", "compliance/shaclfast.py")
SPARQL = re.compile(r"\b(SELECT|CONSTRUCT|DESCRIBE)\b[^\n]*(\bWHERE\b|\{)|\bASK\s*\{|\bINSERT\s+DATA\b|\bWHERE\s*\{"
                    r"|(?i:\bselect\s+(distinct\s+)?[?*][^\n]*\bwhere\b)")
MAX_LINES = 400


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py"))


def name_of(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


def stage_of(module: str) -> str | None:
    """'mvkg.compliance.validate' → 'compliance'; top-level modules are their own stage."""
    parts = module.split(".")
    if parts[0] != "mvkg" or len(parts) < 2:
        return None
    return parts[1] if parts[1] in STAGES else None


def imports(path: Path) -> list[tuple[str, tuple[str, ...], int]]:
    """(module, imported names, line) for every import in the file, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ["mvkg", *(path.relative_to(PACKAGE).parent.parts if path.is_relative_to(PACKAGE) else ())]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(a.name, (), node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
            out.append((base, tuple(a.name for a in node.names), node.lineno))
    return out


@pytest.mark.parametrize("path", modules(), ids=name_of)
def test_adapters_do_not_touch_rdf_libraries(path):
    if stage_of("mvkg." + name_of(path).split("/")[0].removesuffix(".py")) not in ADAPTERS:
        return
    bad = [(m, line) for m, _, line in imports(path) if m.split(".")[0] in ("rdflib", "pyoxigraph")]
    assert bad == [], f"{name_of(path)} imports RDF libraries: {bad}"


@pytest.mark.parametrize("path", modules(), ids=name_of)
def test_sparql_lives_in_queries(path):
    rel = name_of(path)
    if rel.startswith(SPARQL_HOMES):
        return
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                  if isinstance(n, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                  and n.body and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
    found = [n.lineno for n in ast.walk(tree)
             if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings
             and SPARQL.search(n.value)]
    assert found == [], f"{rel} holds SPARQL text at lines {found}: move it to queries/ and run it by name"


@pytest.mark.parametrize("path", modules(), ids=name_of)
def test_no_private_names_from_other_modules(path):
    own = "mvkg." + name_of(path).removesuffix(".py").replace("/", ".")
    bad = [(m, n, line) for m, names, line in imports(path) for n in names
           if m.startswith("mvkg") and m != own and n.startswith("_") and not n.startswith("__")]
    assert bad == [], f"{name_of(path)} imports private names: {bad}"


@pytest.mark.parametrize("path", modules(), ids=name_of)
def test_lower_stages_never_import_higher_ones(path):
    rel = name_of(path)
    here = stage_of("mvkg." + rel.split("/")[0].removesuffix(".py"))
    if here is None:
        return
    rank = STAGES.index(here)
    bad = [(m, line) for m, _, line in imports(path)
           if (there := stage_of(m)) is not None and there not in ADAPTERS + (here,) and STAGES.index(there) > rank]
    bad += [(m, line) for m, _, line in imports(path)
            if stage_of(m) in ADAPTERS and stage_of(m) != here and stage_of(m) not in LAUNCHES.get(here, ())]
    assert bad == [], f"{rel} ({here}) imports a later stage: {bad}"


@pytest.mark.parametrize("path", modules(), ids=name_of)
def test_modules_are_small(path):
    lines = path.read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{name_of(path)} has {lines} lines (at most {MAX_LINES})"


def test_every_stage_is_a_package_or_module():
    for stage in STAGES:
        assert (PACKAGE / stage).is_dir() or (PACKAGE / f"{stage}.py").is_file(), stage


def test_the_rules_catch_what_they_should(tmp_path):
    """The checks themselves: a SPARQL string, a private import and an upward import are found."""
    assert SPARQL.search('SELECT ?x WHERE { ?x ?p ?o }')
    assert SPARQL.search("ASK { ?s ?p ?o }")
    assert SPARQL.search("select distinct ?g where { graph ?g {} }")
    assert not SPARQL.search("Select the ticked entries where needed")
    assert stage_of("mvkg.kernel.errors") == "kernel" and stage_of("rdflib") is None
    probe = tmp_path / "probe.py"
    probe.write_text("from mvkg.analysis.explore import _q\n", encoding="utf-8")
    found = [(m, n) for m, n, _ in imports(probe)]
    assert ("mvkg.analysis.explore", ("_q",)) in found
