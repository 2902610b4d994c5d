"""The second battery of hostile inputs (issue 18): shapes files that crashed an engine or were
silently ignored, queries too deep for the parser, RDF uploads too deep for rdflib, files read
whole before their size check, damaged snapshots, lone surrogates, FROM NAMED, a byte-order
mark, leftovers of interrupted writes, unbounded work (a
cross join in a shape, ingest of thousands of headings, Run clicked again and again).

Each case asserts the contract of tests/test_bad_inputs.py: the exit code, a one-line message
naming the file or the rule, no traceback, the workspace unchanged; time is bounded by the
limits under test (a limit stops the work), never by a timed assertion."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import threading
import time
import tracemalloc
from pathlib import Path

import pytest

from actors import ADMIN
from conftest import copy_workspace, run_cli, tree_hash
from mvkg import pipeline
from mvkg.compliance import validate as validation
from mvkg.history.snapshots import SnapshotStore
from mvkg.ingest.extract import build_record
from mvkg.ingest.parse import parse_resolution
from mvkg.inputs.rdf_import import UploadLimits, check_rdf, read_limited
from mvkg.kernel.errors import InputError, QueryError
from mvkg.kernel.model import ResolutionMeta
from mvkg.query.bounded import ProcessBudget, ProcessCaps, run_query_bounded
from mvkg.query.isolated import ChildLimits, LimitReached, call_bounded
from mvkg.query.sparql import QueryLimits, read_query_file
from mvkg.query.store import store_location

SHAPE_HEAD = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix mvkg: <https://w3id.org/mvkg/ontology#> .
@prefix ex: <http://example.org/shapes#> .
"""
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
ONTOLOGY_GRAPH = "https://w3id.org/mvkg/graph/ontology"


@pytest.fixture(scope="module")
def base(tmp_path_factory, resources, lexicon):
    ws = copy_workspace(tmp_path_factory.mktemp("hostile-2"))
    pipeline.build(ws, resources, lexicon)
    return ws


@pytest.fixture
def ws(base, tmp_path):
    shutil.copytree(base.root, tmp_path / "ws")
    return type(base)(tmp_path / "ws")


def _one_line_error(result, code: int, *needles: str) -> None:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("mvkg: error:")]
    assert len(errors) == 1, result.output
    for needle in needles:
        assert needle in errors[0], errors[0]


# ------------------------------------------------------------------ user shapes

def _shape_cases():
    return [
        ("literal-path", 'ex:S a sh:NodeShape ; sh:targetClass mvkg:Obligation ; '
                         'sh:property [ sh:path "lit" ; sh:minCount 1 ] .', "is not a property path"),
        ("literal-in-sequence", 'ex:S a sh:NodeShape ; sh:targetClass mvkg:Obligation ; '
                                'sh:property [ sh:path ( mvkg:bearer "lit" ) ; sh:minCount 1 ] .', "is not a property path"),
        ("literal-inverse", 'ex:S a sh:NodeShape ; sh:targetClass mvkg:Obligation ; '
                            'sh:property [ sh:path [ sh:inversePath 7 ] ; sh:minCount 1 ] .', "is not a property path"),
        ("empty", "", "is empty"),
        ("no-shacl", "<urn:a> <urn:b> <urn:c> .", "no SHACL shape"),
        ("rule", 'ex:S a sh:NodeShape ; sh:targetClass mvkg:Obligation ; sh:rule [ a sh:TripleRule ; '
                 "sh:subject sh:this ; sh:predicate ex:p ; sh:object ex:o ] .", "sh:rule"),
        ("sparql-target", 'ex:S a sh:NodeShape ; sh:target [ a sh:SPARQLTarget ; sh:select '
                          '"SELECT ?this WHERE { ?this a <https://w3id.org/mvkg/ontology#Obligation> }" ] ; '
                          "sh:property [ sh:path mvkg:deadline ; sh:minCount 1 ] .", "SPARQL-based targets"),
        ("custom-component", "ex:C a sh:ConstraintComponent ; sh:parameter [ sh:path ex:never ] ; sh:validator "
                             '[ a sh:SPARQLAskValidator ; sh:ask "ASK { FILTER(false) }" ] .\n'
                             "ex:S a sh:NodeShape ; sh:targetClass mvkg:Obligation ; ex:never true .",
         "custom constraint components"),
        ("undeclared-prefix", 'ex:S a sh:NodeShape ; sh:targetClass mvkg:Obligation ; sh:sparql [ sh:select '
                              '"""SELECT $this WHERE { $this foo:bar ?x }""" ] .', "the prefix foo: is not declared"),
        ("predeclared-only", 'ex:S a sh:NodeShape ; sh:targetClass mvkg:Obligation ; sh:sparql [ sh:select '
                             '"""SELECT $this WHERE { $this mvkg:bearer ?x }""" ] .', "the prefix mvkg: is not declared"),
        ("cyclic-list", "ex:S a sh:NodeShape ; sh:targetClass mvkg:Obligation ; sh:in _:l .\n"
                        f"_:l <{RDF_NS}first> 1 ; <{RDF_NS}rest> _:l .", "cyclic"),
        ("bad-min-count", 'ex:S a sh:NodeShape ; sh:targetClass mvkg:Obligation ; '
                          'sh:property [ sh:path mvkg:bearer ; sh:minCount "abc" ] .', "sh:minCount"),
    ]


@pytest.mark.parametrize("engine", ["oxigraph", "pyshacl"])
@pytest.mark.parametrize("name,body,needle", [pytest.param(*c, id=c[0]) for c in _shape_cases()])
def test_bad_user_shapes_are_refused_by_both_engines(base, tmp_path, engine, name, body, needle):
    path = tmp_path / f"{name}.ttl"
    path.write_text(SHAPE_HEAD + body if body else "", encoding="utf-8")
    before = tree_hash(base.root)
    result = run_cli("--workspace", str(base.root), "validate", "--engine", engine, "--shapes", str(path))
    _one_line_error(result, 2, needle, path.name)
    assert "conforms" not in result.output
    assert tree_hash(base.root) == before


def test_declared_prefixes_are_the_ones_the_engine_uses(base, tmp_path):
    """The guard accepts a prefix declared with sh:prefixes, and the engine then runs it."""
    path = tmp_path / "declared.ttl"
    path.write_text(SHAPE_HEAD + 'ex:P sh:declare [ sh:prefix "mvkg" ; sh:namespace '
                    '"https://w3id.org/mvkg/ontology#"^^<http://www.w3.org/2001/XMLSchema#anyURI> ] .\n'
                    "ex:S a sh:NodeShape ; sh:targetClass mvkg:Obligation ; sh:sparql [ sh:prefixes ex:P ; "
                    'sh:message "no bearer" ; sh:select """SELECT $this WHERE { $this a mvkg:Obligation '
                    'FILTER NOT EXISTS { $this mvkg:bearer ?b } }""" ] .', encoding="utf-8")
    result = run_cli("--workspace", str(base.root), "validate", "--shapes", str(path), "--format", "json")
    assert result.exit_code in (0, 1), result.output
    body = json.loads(result.output)
    flagged = [r for r in body["results"] if r["message"] == "no bearer"]
    listing = json.loads(run_cli("--workspace", str(base.root), "obligations", "--format", "json").output)
    assert len(flagged) == sum(1 for o in listing if not o["bearers"])


@pytest.mark.parametrize("engine", ["oxigraph", "pyshacl"])
def test_a_cross_join_in_a_shape_is_stopped_by_the_time_limit(base, tmp_path, monkeypatch, engine):
    path = tmp_path / "cross.ttl"
    path.write_text(SHAPE_HEAD + 'ex:S a sh:NodeShape ; sh:targetClass mvkg:Obligation ; sh:sparql [ sh:select '
                    '"""SELECT $this WHERE { $this a <https://w3id.org/mvkg/ontology#Obligation> . '
                    '?a ?b ?c . ?d ?e ?f . ?g ?h ?i }""" ] .', encoding="utf-8")
    monkeypatch.setattr(validation, "USER_SHAPES_LIMITS", ChildLimits(seconds=3, memory_mb=1024))
    before = tree_hash(base.root)
    result = run_cli("--workspace", str(base.root), "validate", "--engine", engine, "--shapes", str(path))
    _one_line_error(result, 1, "undetermined", "limit", path.name)
    assert tree_hash(base.root) == before


# ------------------------------------------------------------------ queries

def _nested_optionals(n: int) -> str:
    return ("SELECT * WHERE { ?s a mvkg:Obligation " + "".join(f"OPTIONAL {{ ?s <urn:p{i}> ?o{i} " for i in range(n))
            + "} " * n + "}")


@pytest.mark.parametrize("store", ["disk", "memory"])
def test_fifty_nested_optionals_are_refused_clearly(base, store):
    where = ["--store", "memory"] if store == "memory" else []
    result = run_cli("--workspace", str(base.root), *where, "query", "--query", _nested_optionals(50))
    _one_line_error(result, 2, "nests groups or brackets", "deep")
    assert run_cli("--workspace", str(base.root), *where, "query", "--query", _nested_optionals(10)).exit_code == 0


def test_an_undeclared_prefix_is_named(base):
    result = run_cli("--workspace", str(base.root), "query", "--query", "SELECT * WHERE { ?s foo:bar ?o }")
    _one_line_error(result, 2, "the prefix foo: is not declared")
    assert "\\u{" not in result.output  # not Oxigraph's page of Unicode ranges


@pytest.mark.parametrize("store", ["disk", "memory"])
def test_from_and_from_named_take_graphs_that_are_in_the_store(base, store):
    where = ["--store", "memory"] if store == "memory" else []

    def count(query: str) -> list[dict]:
        result = run_cli("--workspace", str(base.root), *where, "query", "--query", query, "--format", "json")
        assert result.exit_code == 0, result.output
        return json.loads(result.output)

    in_graph = count(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?s ?p ?o }} }}")[0]["n"]
    everything = count("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"]
    assert 0 < in_graph < everything
    assert count(f"SELECT (COUNT(*) AS ?n) FROM <{ONTOLOGY_GRAPH}> WHERE {{ ?s ?p ?o }}")[0]["n"] == in_graph
    named = count(f"SELECT ?g (COUNT(*) AS ?n) FROM NAMED <{ONTOLOGY_GRAPH}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g")
    assert named == [{"g": ONTOLOGY_GRAPH, "n": in_graph}]
    refused = run_cli("--workspace", str(base.root), *where, "query", "--query",
                      "SELECT * FROM NAMED <urn:not-here> WHERE { GRAPH ?g { ?s ?p ?o } }")
    _one_line_error(refused, 2, "FROM NAMED <urn:not-here> names no graph")
    assert "<default>" not in refused.output


def test_a_query_file_is_refused_unread_when_too_big(tmp_path):
    path = tmp_path / "big.rq"
    with path.open("wb") as fh:
        fh.truncate(200 * 1024 * 1024)  # sparse: 200 MB that take no disk
    tracemalloc.start()
    try:
        with pytest.raises(InputError, match="larger than"):
            read_query_file(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * 1024 * 1024


# ------------------------------------------------------------------ RDF uploads

def test_a_utf8_byte_order_mark_is_accepted(ws, tmp_path):
    path = tmp_path / "bom.ttl"
    path.write_bytes(b"\xef\xbb\xbf<urn:a> <urn:b> <urn:c> .\n")
    result = run_cli("--workspace", str(ws.root), "import-rdf", str(path))
    assert result.exit_code == 0, result.output
    assert (ws.data / "extra" / "bom.nt").read_text(encoding="utf-8") == "<urn:a> <urn:b> <urn:c> .\n"


def _deep_rdfxml(n: int) -> bytes:
    return (f'<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="{RDF_NS}" xmlns:ex="http://example.org/">'
            '<rdf:Description rdf:about="http://example.org/a"><ex:p rdf:parseType="Literal">'
            + "<x>" * n + "y" + "</x>" * n + "</ex:p></rdf:Description></rdf:RDF>\n").encode()


@pytest.mark.parametrize("name,content,needle", [
    ("empty.ttl", b"", "holds no triples"),
    ("comments.ttl", b"# nothing here\n@prefix ex: <http://example.org/> .\n", "holds no triples"),
    ("imports.ttl", b"<urn:o> <http://www.w3.org/2002/07/owl#imports> <urn:x> .\n", "only owl:imports"),
    ("deep.rdf", _deep_rdfxml(100_000), "nest 100003 deep"),
    ("deep-literal.ttl", ('<urn:a> <urn:b> "' + "<x>" * 500 + "</x>" * 500 + f'"^^<{RDF_NS}XMLLiteral> .\n').encode(),
     "XML literal nests 500"),
])
def test_rdf_uploads_that_import_nothing_or_nest_too_deep_are_refused(ws, tmp_path, name, content, needle):
    path = tmp_path / name
    path.write_bytes(content)
    before = tree_hash(ws.root)
    result = run_cli("--workspace", str(ws.root), "import-rdf", str(path))
    _one_line_error(result, 2, needle, name)
    assert tree_hash(ws.root) == before


def test_a_shallow_rdfxml_literal_still_imports(ws, tmp_path):
    path = tmp_path / "shallow.rdf"
    path.write_bytes(_deep_rdfxml(10))
    assert run_cli("--workspace", str(ws.root), "import-rdf", str(path)).exit_code == 0


def test_validate_still_gives_verdicts_with_a_deep_xml_literal_already_in_the_workspace(ws, resources, lexicon):
    """A file that came in before the gate limited XML literals: rdflib cannot read the
    literal's markup (it keeps it as an ill-typed literal), and both engines still give the
    same verdicts."""
    literal = "<x>" * 5000 + "</x>" * 5000
    (ws.data / "extra").mkdir(exist_ok=True)
    (ws.data / "extra" / "old.nt").write_text(f'<urn:a> <urn:b> "{literal}"^^<{RDF_NS}XMLLiteral> .\n', encoding="utf-8")
    pipeline.build(ws, resources, lexicon)
    runs = [run_cli("--workspace", str(ws.root), "validate", "--engine", e, "--format", "json") for e in ("oxigraph", "pyshacl")]
    assert [r.exit_code for r in runs] == [1, 1], [r.output[-500:] for r in runs]
    verdicts = [sorted((x["focus"], x["message"]) for x in json.loads(r.output)["results"]) for r in runs]
    assert verdicts[0] == verdicts[1] and verdicts[0]


def test_an_upload_is_refused_before_it_is_read_whole(tmp_path):
    path = tmp_path / "huge.nt"
    with path.open("wb") as fh:
        fh.truncate(100 * 1024 * 1024)
    tracemalloc.start()
    try:
        with pytest.raises(InputError, match="larger than the limit"):
            read_limited(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < UploadLimits.max_bytes + 8 * 1024 * 1024  # at most the limit, never the 100 MB


def test_the_user_shapes_file_is_size_checked_first(base, tmp_path):
    path = tmp_path / "huge-shapes.ttl"
    with path.open("wb") as fh:
        fh.truncate(100 * 1024 * 1024)
    result = run_cli("--workspace", str(base.root), "validate", "--shapes", str(path))
    _one_line_error(result, 2, "larger than the limit", path.name)


def test_the_gate_itself_accepts_the_mark_and_still_counts_depth():
    assert len(check_rdf(b"\xef\xbb\xbf<urn:a> <urn:b> <urn:c> .", "x.ttl").triples) == 1
    with pytest.raises(InputError, match="nest"):
        check_rdf(_deep_rdfxml(65), "x.rdf")


# ------------------------------------------------------------------ snapshots

@pytest.fixture
def snapped(ws, resources):
    store = SnapshotStore(ws.snapshots_dir)
    ids = [pipeline.take_snapshot(ws, resources, store, "itu-t-in-force", label, actor=ADMIN) for label in ("one", "two")]
    return ws, store, ids


def test_a_truncated_snapshot_json_is_listed_as_damaged_and_refused_by_show(snapped):
    ws, store, ids = snapped
    path = store.path(ids[0]) / "snapshot.json"
    path.write_bytes(path.read_bytes()[:500])
    before = tree_hash(ws.root)
    listing = run_cli("--workspace", str(ws.root), "snapshot", "list", "--format", "json")
    assert listing.exit_code == 0 and "Traceback" not in listing.output
    rows = json.loads(listing.output[listing.output.index("["):listing.output.rindex("]") + 1])
    assert [r["id"] for r in rows] == ids
    assert "snapshot.json" in rows[0]["damaged"] and "damaged" not in rows[1] and rows[1]["label"] == "two"
    table = run_cli("--workspace", str(ws.root), "snapshot", "list")
    assert table.exit_code == 0 and "DAMAGED" in table.output and "two" in table.output
    for fmt in ("md", "json", "html"):
        _one_line_error(run_cli("--workspace", str(ws.root), "snapshot", "show", ids[0], "--format", fmt), 1,
                        ids[0], "damaged", "snapshot.json")
    _one_line_error(run_cli("--workspace", str(ws.root), "snapshot", "diff", ids[0], ids[1]), 1, "damaged")
    assert run_cli("--workspace", str(ws.root), "snapshot", "show", ids[1]).exit_code == 0
    assert tree_hash(ws.root) == before


def test_a_truncated_snapshot_trig_is_not_printed(snapped):
    ws, store, ids = snapped
    path = store.path(ids[1]) / "snapshot.trig"
    path.write_bytes(path.read_bytes()[:300])
    result = run_cli("--workspace", str(ws.root), "snapshot", "show", ids[1], "--format", "trig")
    _one_line_error(result, 1, ids[1], "snapshot.trig", "damaged")
    assert "@prefix" not in result.output
    assert run_cli("--workspace", str(ws.root), "snapshot", "show", ids[0], "--format", "trig").output.startswith("@prefix")


@pytest.mark.parametrize("label", ["\ud800", "bad \udcff byte"])
def test_a_label_with_a_lone_surrogate_is_refused(base, label):
    before = tree_hash(base.root)
    result = run_cli("--workspace", str(base.root), "snapshot", "create", "--label", label)
    _one_line_error(result, 2, "lone surrogate", "label")
    assert tree_hash(base.root) == before


@pytest.mark.parametrize("args, where", [
    (["portfolio", "create", "odd", "--description", "bad \udcff byte"], "description"),
    (["portfolio", "create", "odd", "--label", "\ud800"], "label"),
    (["assessment", "add", "ATU-MV resolves b", "FGMV-01", "--relation", "partial", "--rationale", "x \udcff"],
     "rationale"),
    (["correction", "add", "atu-mv/resolves/para_b", "strength", "recommendation", "--why", "\udcff"], "why"),
])
def test_text_with_a_lone_surrogate_is_refused_wherever_it_would_be_stored(base, args, where):
    """Portfolio label and description, an assessment's rationale, a correction's reason: one
    line naming the field, exit 2, nothing written (it used to be a UnicodeEncodeError traceback)."""
    before = tree_hash(base.root)
    _one_line_error(run_cli("--workspace", str(base.root), *args), 2, "lone surrogate", where)
    assert tree_hash(base.root) == before


def _hold(lock: Path):
    fd = os.open(lock, os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


def test_interrupted_snapshot_writes_are_cleaned_but_a_running_one_is_not(snapped, resources):
    ws, store, _ = snapped
    stale = ws.snapshots_dir / ".tmp-stale1"
    stale.mkdir()
    (stale / "snapshot.json").write_text("{}")
    running = ws.snapshots_dir / ".tmp-running"
    running.mkdir()
    fd = _hold(ws.snapshots_dir / ".tmp-running.lock")  # a writer still at work holds its lock
    try:
        verify = run_cli("--workspace", str(ws.root), "snapshot", "verify")
        assert verify.exit_code == 0
        assert ".tmp-stale1: interrupted write" in verify.output and "verify --clean" in verify.output
        assert ".tmp-running: a snapshot being written" in verify.output
        cleaned = run_cli("--workspace", str(ws.root), "snapshot", "verify", "--clean")
        assert cleaned.exit_code == 0 and ".tmp-stale1: interrupted write, removed" in cleaned.output
        assert not stale.exists() and running.is_dir()
        (ws.snapshots_dir / ".tmp-stale2").mkdir()  # the next successful write removes it too
        pipeline.take_snapshot(ws, resources, store, "itu-t-in-force", "three", actor=ADMIN)
        assert not (ws.snapshots_dir / ".tmp-stale2").exists() and running.is_dir()
    finally:
        os.close(fd)
    assert store.clean_leftovers() == [running] and not running.exists()
    assert all(r.ok for r in store.verify())


# ------------------------------------------------------------------ work under limits

HEADING = "resolves\n1\tto ensure that standards are developed for item {i};\n"
PREAMBLE = "DRAFT NEW RESOLUTION [BIG-1] (New Delhi, 2024)\nThe World Telecommunication Standardization Assembly,\n"


def test_thousands_of_same_verb_headings_get_numbered_slugs_within_the_limit(lexicon):
    """5,000 headings with the same verb: linear slugs finish well inside the limit (the cubic
    ones needed minutes for 2,000); the limit, not a timed assertion, bounds the test."""
    text = PREAMBLE + "".join(HEADING.format(i=i) for i in range(5000))

    def slugs() -> list[str]:
        parsed = parse_resolution(text, lexicon, "big.txt")
        record = build_record(parsed, ResolutionMeta("BIG-1"), lexicon, source_file="big.txt", sha256="0",
                              media_type="text/plain")
        return [s.iri.rsplit("/", 1)[-1] for s in record.sections]

    found = call_bounded(slugs, ChildLimits(seconds=120, memory_mb=2048), what="the ingest")
    assert found == ["resolves"] + [f"resolves-{n}" for n in range(2, 5001)]


def test_ingest_under_a_time_limit_stops_and_reports(tmp_path, lexicon, base):
    from mvkg.ingest.resolutions import ingest_file

    path = tmp_path / "big.txt"
    path.write_text(PREAMBLE + "".join(HEADING.format(i=i) for i in range(20_000)), encoding="utf-8")
    with pytest.raises(LimitReached, match="time limit") as stopped:
        call_bounded(lambda: ingest_file(path, lexicon, base), ChildLimits(seconds=1), what="reading big.txt")
    assert stopped.value.limit == "time" and stopped.value.exit_code == 1
    small = tmp_path / "small.txt"
    small.write_text(PREAMBLE + "".join(HEADING.format(i=i) for i in range(3)), encoding="utf-8")
    here = ingest_file(small, lexicon, base)
    there = call_bounded(lambda: ingest_file(small, lexicon, base), ChildLimits(seconds=60))
    assert there.record == here.record and len(there.graph) == len(here.graph)
    with pytest.raises(InputError, match="empty") as refused:  # an error in the child comes back as itself
        call_bounded(lambda: parse_resolution("", lexicon, "empty.txt"), ChildLimits(seconds=60))
    assert refused.value.path == "empty.txt"


RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def test_run_clicked_ten_times_starts_at_most_the_caps(base):
    """Ten clicks of Run in one session and one more session: at most `per_session` query
    processes for the first, the rest refused at once with a message; the total cap holds."""
    budget = ProcessBudget(ProcessCaps(per_session=2, total=3, wait_seconds=0.5))
    location, limits = store_location(base), QueryLimits(seconds=4, rows=10)
    peak, outcomes, lock = [0], [], threading.Lock()

    def click(session: str) -> None:
        try:
            result = run_query_bounded(location, RUNAWAY, limits, budget=budget, session=session)
            outcome = f"ran:{result.limit_hit}"
        except QueryError as exc:
            outcome = exc.message
        with lock:
            outcomes.append((session, outcome))

    def watch() -> None:
        while len(outcomes) < 12:
            peak[0] = max(peak[0], budget.running())
            time.sleep(0.01)

    watcher = threading.Thread(target=watch)
    watcher.start()
    clicks = [threading.Thread(target=click, args=("analyst-a",)) for _ in range(10)]
    clicks += [threading.Thread(target=click, args=("analyst-b",)) for _ in range(2)]
    for t in clicks:
        t.start()
    for t in clicks:
        t.join()
    watcher.join()
    a = [o for s, o in outcomes if s == "analyst-a"]
    assert sum(o.startswith("ran:") for o in a) <= 2
    assert sum("the limit per session" in o for o in a) >= 8 - 1  # one may instead wait for the server's cap
    assert all(o.startswith("ran:") or "limit" in o for _, o in outcomes)
    assert 0 < peak[0] <= 3 and budget.running() == 0


def test_process_caps_come_from_the_environment():
    caps = ProcessCaps.from_environment({"MVKG_QUERY_PROCESSES_PER_SESSION": "1", "MVKG_QUERY_PROCESSES": "5"})
    assert (caps.per_session, caps.total) == (1, 5)
    assert ProcessCaps.from_environment({}) == ProcessCaps()
    with pytest.raises(QueryError, match="MVKG_QUERY_PROCESSES"):
        ProcessCaps.from_environment({"MVKG_QUERY_PROCESSES": "many"})
