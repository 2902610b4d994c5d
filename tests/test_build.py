"""Graph build: named graphs, determinism, no blank nodes, resources from a wheel."""

from __future__ import annotations

import subprocess
import sys
import zipfile

from conftest import REPO, copy_workspace
from mvkg import pipeline
from mvkg.kernel.namespaces import GRAPH
from mvkg.query.store import open_read_only


def test_named_graphs_and_counts(built):
    ws, report = built
    graphs = {g.graph: g.triples for g in report.graphs}
    portfolios = {"portfolio/" + p.stem for p in (ws.data / "portfolios").glob("*.json")}
    assert len(portfolios) >= 4
    assert set(graphs) == {str(GRAPH[n]) for n in ("ontology", "resolution/ecp-mv", "resolution/atu-mv", "catalogue", "coverage", "alignments",
                                                    "inferred", *portfolios)}
    assert all(n > 0 for n in graphs.values())
    assert report.resolutions == 2 and report.obligations == 27


def test_two_builds_are_identical(tmp_path, resources, lexicon):
    dumps = []
    for name in ("a", "b"):
        ws = copy_workspace(tmp_path / name)
        pipeline.build(ws, resources, lexicon)
        dumps.append((ws.build_dir / "mvkg.nq").read_bytes())
    assert dumps[0] == dumps[1]


def test_no_blank_nodes_in_generated_data(built):
    ws, _ = built
    store = open_read_only(ws)
    q = "ASK { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), STR(<https://w3id.org/mvkg/graph/resolution/>)) && (isBlank(?s) || isBlank(?o))) }"
    assert store.query(q) is False or not bool(store.query(q))


def test_every_obligation_has_provenance(built):
    ws, _ = built
    store = open_read_only(ws)
    q = """SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g {
        ?o a <https://w3id.org/mvkg/ontology#Obligation> .
        FILTER NOT EXISTS { ?o <https://w3id.org/mvkg/ontology#hasSourceDocument> ?src ;
            <https://w3id.org/mvkg/ontology#start> ?s ; <https://w3id.org/mvkg/ontology#end> ?e ;
            <https://w3id.org/mvkg/ontology#modality> ?m ; <https://w3id.org/mvkg/ontology#hasStrength> ?st ;
            <https://w3id.org/mvkg/ontology#bearer> ?b . } } }"""
    assert int(next(iter(store.query(q)))["n"].value) == 0


def test_source_sha256_matches_file(built):
    ws, _ = built
    import hashlib

    store = open_read_only(ws)
    rows = list(store.query("SELECT ?f ?h WHERE { GRAPH ?g { ?d <https://w3id.org/mvkg/ontology#fileName> ?f ; <https://w3id.org/mvkg/ontology#sha256> ?h } }"))
    assert len(rows) == 2
    for row in rows:
        assert hashlib.sha256((ws.root / row["f"].value).read_bytes()).hexdigest() == row["h"].value


def test_wheel_ships_resources_and_finds_them(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path), str(REPO)],
                   check=True, capture_output=True)
    wheel = next(tmp_path.glob("mvkg-*.whl"))
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        assert "mvkg/_resources/ontology/mvkg.ttl" in names
        assert "mvkg/_resources/queries/obligations.rq" in names
        assert "mvkg/_resources/queries/internal/graph_counts.rq" in names  # the library's own queries
        assert "mvkg/_resources/data/resolutions/ecp-mv.txt" in names
        zf.extractall(tmp_path / "site")
    code = "from mvkg.kernel.resources import find_resources; print(find_resources().root)"
    out = subprocess.run([sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(tmp_path / 'site')!r}); {code}"],
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip().endswith("mvkg/_resources")


def _select(ws, q):
    store = open_read_only(ws)
    return [{k: row[k].value for k in ("a", "b") if row[k] is not None} for row in store.query(q, use_default_graph_as_union=True, prefixes={"mvkg": "https://w3id.org/mvkg/ontology#"})]


def test_resolution_metadata_in_graph(built):
    ws, _ = built
    rows = _select(ws, """SELECT ?a ?b WHERE { ?r mvkg:code "ATU-MV" ; ?p ?o .
        VALUES ?p { mvkg:proposer mvkg:status mvkg:relatedDraft mvkg:documentNumber mvkg:date }
        BIND(STR(?p) AS ?a) BIND(STR(?o) AS ?b) }""")
    facts = {(r["a"].rsplit("#", 1)[1], r["b"]) for r in rows}
    assert ("proposer", "https://w3id.org/mvkg/actor/atu") in facts
    assert ("status", "https://w3id.org/mvkg/ontology#draft") in facts
    assert ("relatedDraft", "https://w3id.org/mvkg/id/ecp-mv") in facts
    assert ("documentNumber", "ATU/35A37/1") in facts and ("date", "2024-09-13") in facts


def test_collaborators_conditions_deadlines_and_lead_in(built):
    ws, _ = built
    collab = _select(ws, """SELECT ?a ?b WHERE { ?o mvkg:itemPath "1" ; mvkg:inSection/mvkg:heading ?h ; mvkg:collaborator ?c .
        FILTER(CONTAINS(?h, "in collaboration with")) BIND(STR(?o) AS ?a) BIND(STR(?c) AS ?b) }""")
    assert {r["b"].rsplit("/", 1)[1] for r in collab} == {"director-bdt", "director-br"}
    cond = _select(ws, 'SELECT ?a ?b WHERE { ?o mvkg:condition ?a . OPTIONAL { ?o mvkg:leadIn ?b } }')
    assert cond == [{"a": "if standardization gaps are identified in telecommunication technologies",
                     "b": "to be responsible for:"}]
    deadline = _select(ws, "SELECT ?a ?b WHERE { ?o mvkg:deadline ?a ; mvkg:itemPath ?b }")
    assert deadline == [{"a": "prior to the next World Telecommunications Standardization Assembly (WTSA)", "b": "c"}]
