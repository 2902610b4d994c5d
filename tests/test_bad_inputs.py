"""Bad inputs at every entry point (after shared/design/SECURITY_BAD_INPUTS.md). Each case
asserts the contract: a clear error (exit code, message naming the file or the rule),
nothing lost (hash of the workspace before and after), no outbound connection (a loopback
server counts every request it receives), and bounded time."""

from __future__ import annotations

import http.server
import io
import json
import threading
import time
import zipfile
from pathlib import Path

import pytest

from conftest import copy_workspace, run_cli, tree_hash
from mvkg import pipeline

SEED = Path(__file__).resolve().parent.parent / "data" / "resolutions" / "ecp-mv.txt"
CATALOGUE_HEAD = "id,title,publisher,kind,status,date,url,themes,topics,source_url,notes\n"
ASSESS_HEAD = "obligation,entry,relation,rationale,evidence,evidence_url,assessor,date,confidence,method\n"
OB = "atu-mv/resolves/para_g"


class _Counter(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def _hit(self):
        type(self).hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/turtle")
        self.end_headers()
        self.wfile.write(b"<urn:x> <urn:y> <urn:z> .")

    do_GET = do_POST = do_HEAD = _hit

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def sink():
    """A loopback HTTP server: any request it gets is an outbound connection mvkg must not make."""
    server = http.server.HTTPServer(("127.0.0.1", 0), _Counter)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def base(tmp_path_factory, resources, lexicon):
    ws = copy_workspace(tmp_path_factory.mktemp("bad-base"))
    pipeline.build(ws, resources, lexicon)
    return ws


@pytest.fixture
def ws(base, tmp_path):
    import shutil

    shutil.copytree(base.root, tmp_path / "ws")
    return type(base)(tmp_path / "ws")


def _docx(paragraphs: list[str]) -> bytes:
    import docx

    d = docx.Document()
    for p in paragraphs:
        d.add_paragraph(p)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _zip_bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", b"\0" * (60 * 1024 * 1024))
    return buf.getvalue()


# ------------------------------------------------------------------ cases: (name, file name, content, command, needle)

def _resolution_cases(sink):
    text = SEED.read_text(encoding="utf-8")
    return [
        ("res-empty", "r.txt", b"", "ingest", "empty"),
        ("res-whitespace", "r.txt", b"   \n\t\n", "ingest", "empty"),
        ("res-nul", "r.txt", b"resolves\n1\tto act;\x00\x00", "ingest", "binary"),
        ("res-latin1", "r.txt", "resolves\n1\tto ensure café;\n".encode("latin-1"), "ingest", "UTF-8"),
        ("res-utf16", "r.txt", text.encode("utf-16"), "ingest", "binary"),
        ("res-truncated-utf8", "r.txt", text.encode("utf-8")[:-1] + b"\xe2\x80", "ingest", "UTF-8"),
        ("res-too-big", "r.txt", b"resolves\n1\tto act;\n" * 400_000, "ingest", "limit"),
        ("res-no-structure", "r.txt", b"The weather was fine and the markets rose slightly today.\n", "ingest", "no resolution structure"),
        ("res-preamble-only", "r.txt", b"considering\na)\tthat things matter,\nnoting\na)\tthat more things matter,\n", "ingest", "no operative section"),
        ("res-pdf", "r.pdf", b"%PDF-1.7\n", "ingest", "not a PDF this reader can open"),
        ("res-rtf", "r.rtf", b"{\\rtf1 resolves}", "ingest", "unsupported file type"),
        ("res-fake-docx", "r.docx", b"PK\x03\x04 not a zip", "ingest", ".docx"),
        ("res-docx-no-text", "r.docx", _docx([]), "ingest", "no text paragraphs"),
        ("res-docx-zip-bomb", "r.docx", _zip_bomb(), "ingest", "zip bomb"),
        ("res-html", "r.txt", b"<html><body><script>alert(1)</script></body></html>", "ingest", "no resolution structure"),
        ("res-docx-prose", "r.docx", _docx(["Minutes of a meeting.", "Nothing was decided."]), "ingest", "no resolution structure"),
    ]


def _catalogue_cases(sink):
    good = "X-1,Title,itu-t,recommendation,published,2024,,,,https://example.org,\n"
    return [
        ("cat-empty", "c.csv", b"", "catalogue-import", "header"),
        ("cat-wrong-header", "c.csv", b"name,title\nx,y\n", "catalogue-import", "header must be exactly"),
        ("cat-extra-column", "c.csv", (CATALOGUE_HEAD.strip() + ",extra\n").encode(), "catalogue-import", "unexpected"),
        ("cat-short-row", "c.csv", (CATALOGUE_HEAD + "X-1,Title\n").encode(), "catalogue-import", "expected 11 fields"),
        ("cat-bad-kind", "c.csv", (CATALOGUE_HEAD + good.replace("recommendation", "leaflet")).encode(), "catalogue-import", "leaflet"),
        ("cat-bad-status", "c.csv", (CATALOGUE_HEAD + good.replace("published", "final")).encode(), "catalogue-import", "final"),
        ("cat-bad-date", "c.csv", (CATALOGUE_HEAD + good.replace(",2024,", ",24/5/2024,")).encode(), "catalogue-import", "24/5/2024"),
        ("cat-unknown-publisher", "c.csv", (CATALOGUE_HEAD + good.replace("itu-t", "acme")).encode(), "catalogue-import", "acme"),
        ("cat-unknown-theme", "c.csv", (CATALOGUE_HEAD + good.replace(",,,https", ",telepathy,,https")).encode(), "catalogue-import", "telepathy"),
        ("cat-javascript-url", "c.csv", (CATALOGUE_HEAD + good.replace(",2024,,", ",2024,javascript:alert(1),")).encode(), "catalogue-import", "http(s) URL"),
        ("cat-file-url", "c.csv", (CATALOGUE_HEAD + good.replace(",2024,,", ",2024,file:///etc/passwd,")).encode(), "catalogue-import", "http(s) URL"),
        ("cat-duplicate", "c.csv", (CATALOGUE_HEAD + good + good).encode(), "catalogue-import", "duplicates"),
        ("cat-binary", "c.csv", b"\x00\x01\x02\x03" * 100, "catalogue-import", "binary"),
        ("cat-latin1", "c.csv", (CATALOGUE_HEAD + good.replace("Title", "Caf\xe9")).encode("latin-1"), "catalogue-import", "UTF-8"),
        ("cat-missing-id", "c.csv", (CATALOGUE_HEAD + good.replace("X-1,", ",")).encode(), "catalogue-import", "'id' is empty"),
    ]


def _rdf_cases(sink):
    return [
        ("rdf-bad-turtle", "x.ttl", b'<urn:a> <urn:b> "open .\n', "import-rdf", "not valid"),
        ("rdf-xxe", "x.rdf", b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r/>', "import-rdf", "DOCTYPE"),
        ("rdf-xxe-remote", "x.rdf", f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "{sink}/e">]><r/>'.encode(), "import-rdf", "DOCTYPE"),
        ("rdf-billion-laughs", "x.rdf", b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><r>&b;</r>', "import-rdf", "entity"),
        ("rdf-remote-context", "x.jsonld", json.dumps({"@context": f"{sink}/ctx.jsonld", "@id": "urn:a", "p": 1}).encode(), "import-rdf", "remote contexts"),
        ("rdf-deep-nesting", "x.ttl", b"<urn:a> <urn:p> " + b"[ <urn:p> " * 200 + b"<urn:o>" + b" ]" * 200 + b" .\n", "import-rdf", "nesting"),
        ("rdf-deep-json", "x.jsonld", b'{"@id": "urn:a", "urn:p": ' + b'{"urn:p": ' * 200 + b"1" + b"}" * 200 + b"}", "import-rdf", "nesting"),
        ("rdf-unsupported", "x.n3", b"<urn:a> <urn:b> <urn:c> .", "import-rdf", "unsupported RDF file type"),
        ("rdf-latin1", "x.ttl", '<urn:a> <urn:b> "caf\xe9" .'.encode("latin-1"), "import-rdf", "UTF-8"),
        ("rdf-too-big", "x.nt", b"<urn:a> <urn:b> <urn:c> .\n" * 900_000, "import-rdf", "limit"),
        ("rdf-bad-ntriples-relative", "x.nt", b"<a> <b> <c> .\n", "import-rdf", "not valid"),
    ]


def _query_cases(sink):
    return [
        ("q-insert", "INSERT DATA { <urn:a> <urn:b> <urn:c> }", "read-only"),
        ("q-delete", "DELETE WHERE { ?s ?p ?o }", "read-only"),
        ("q-load", f"LOAD <{sink}/data.ttl>", "read-only"),
        ("q-clear", "CLEAR ALL", "read-only"),
        ("q-drop", "DROP GRAPH <https://w3id.org/mvkg/graph/ontology>", "read-only"),
        ("q-create", "CREATE GRAPH <urn:g>", "read-only"),
        ("q-service", f"SELECT * WHERE {{ SERVICE <{sink}/sparql> {{ ?s ?p ?o }} }}", "SERVICE"),
        ("q-service-lowercase", f"select * where {{ service <{sink}/sparql> {{ ?s ?p ?o }} }}", "SERVICE"),
        ("q-service-silent", f"SELECT * WHERE {{ SERVICE SILENT <{sink}/sparql> {{ ?s ?p ?o }} }}", "SERVICE"),
        ("q-service-in-subquery", f"SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{sink}/s> {{ ?s ?p ?o }} }} }} }}", "SERVICE"),
        ("q-service-after-comment", f"SELECT * WHERE {{ # }}\n SERVICE <{sink}/s> {{ ?s ?p ?o }} }}", "SERVICE"),
        ("q-from-remote", f"SELECT * FROM <{sink}/g.ttl> WHERE {{ ?s ?p ?o }}", "names no graph"),
        ("q-from-named-file", "SELECT * FROM NAMED <file:///etc/passwd> WHERE { GRAPH ?g { ?s ?p ?o } }", "names no graph"),
        ("q-from-escaped", f"SELECT * FROM <{sink}/\\u0067.ttl> WHERE {{ ?s ?p ?o }}", "names no graph"),
        ("q-syntax", "SELEKT ?x WHERE { ?x ?y ?z }", "syntax error"),
        ("q-empty", "", "empty"),
    ]


def _run_file_case(ws, tmp_path, name, filename, content, command):
    path = tmp_path / filename
    path.write_bytes(content)
    args = {"ingest": ["ingest", str(path), "--code", "BAD-1"],
            "catalogue-import": ["catalogue", "import", str(path)],
            "import-rdf": ["import-rdf", str(path)]}[command]
    return run_cli("--workspace", str(ws.root), *args), path


def _file_params(sink_url="http://127.0.0.1:9"):
    return [pytest.param(*c, id=c[0]) for c in _resolution_cases(sink_url) + _catalogue_cases(sink_url) + _rdf_cases(sink_url)]


@pytest.mark.parametrize("name,filename,content,command,needle", _file_params())
def test_bad_file(ws, tmp_path, sink, name, filename, content, command, needle):
    # the cases that talk about a server are rebuilt with the live loopback address
    cases = {c[0]: c for c in _resolution_cases(sink) + _catalogue_cases(sink) + _rdf_cases(sink)}
    _, filename, content, command, needle = cases[name]
    before_hits = len(_Counter.hits)
    before = tree_hash(ws.root)
    result, path = _run_file_case(ws, tmp_path, name, filename, content, command)
    assert result.exit_code == 2, result.output
    assert needle.lower() in result.output.lower(), result.output
    assert path.name in result.output or path.as_posix() in result.output
    assert "Traceback" not in result.output
    assert tree_hash(ws.root) == before
    assert len(_Counter.hits) == before_hits, _Counter.hits


@pytest.mark.parametrize("name,query,needle", [pytest.param(*c, id=c[0]) for c in _query_cases("http://127.0.0.1:9")])
def test_bad_query(base, sink, name, query, needle):
    query = {c[0]: c for c in _query_cases(sink)}[name][1]
    before_hits = len(_Counter.hits)
    before = tree_hash(base.root)
    result = run_cli("--workspace", str(base.root), "query", "--query", query)
    assert result.exit_code == 2, result.output
    assert needle in result.output, result.output
    assert tree_hash(base.root) == before
    assert len(_Counter.hits) == before_hits, _Counter.hits


@pytest.mark.parametrize("store", ["disk", "memory"])  # a fresh process / a fork sharing the loaded graph
@pytest.mark.parametrize("query,limit", [
    ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }", "time"),
    ("SELECT ?x WHERE { ?x (<urn:p>|!<urn:q>)* ?y . ?y (<urn:p>|!<urn:q>)* ?z }", "time|row"),
    ('SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . FILTER(REGEX(CONCAT(STR(?c), STR(?f)), "(a+)+$")) }', "time"),
    ("SELECT ?s WHERE { ?s ?p ?o }", "row"),
    ("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?a ?c ?f WHERE { ?a ?b ?c . ?d ?e ?f } }", "memory"),
])
def test_runaway_queries_are_stopped(base, query, limit, store):
    def run(text):
        # the memory case gets time to fill its memory, and a limit a small query fits in
        limits = ["--timeout", "60", "--max-memory", "1024"] if limit == "memory" else ["--timeout", "1.5"]
        return run_cli("--workspace", str(base.root), *(["--store", "memory"] if store == "memory" else []), "query",
                       "--query", text, "--max-rows", "10", *limits)

    assert run("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").exit_code == 0
    result = run(query)
    assert result.exit_code == 1
    assert any(f"the {x} limit stopped the query" in result.output for x in limit.split("|")), result.output
    assert "memory allocation" not in result.output


def _assessment_cases():
    ok = f"{OB},ISO/IEC 27701:2019,partial,reason,,,tester,2026-11-22,0.5,manual\n"
    return [
        ("as-unknown-obligation", ok.replace(OB, "atu-mv/resolves/para_z"), "not in the built resolutions"),
        ("as-unknown-entry", ok.replace("ISO/IEC 27701:2019", "NOPE-1"), "not in the catalogue"),
        ("as-bad-relation", ok.replace("partial", "somewhat"), "somewhat"),
        ("as-na-with-entry", ok.replace("partial", "not-applicable"), "names no entry"),
        ("as-no-rationale", ok.replace("reason", ""), "'rationale' is empty"),
        ("as-bad-date", ok.replace("2026-11-22", "yesterday"), "yesterday"),
        ("as-confidence-high", ok.replace("0.5", "2"), "between 0 and 1"),
        ("as-confidence-text", ok.replace("0.5", "high"), "not a number"),
        ("as-bad-method", ok.replace("manual", "guessed"), "guessed"),
        ("as-duplicate", ok + ok, "second assessment"),
        ("as-javascript-evidence", ok.replace(",,,tester", ",,javascript:alert(1),tester"), "http(s) URL"),
    ]


def _portfolio_cases():
    return [
        ("pf-invalid-json", "{ not json", "invalid JSON"),
        ("pf-unknown-key", json.dumps({"name": "p-bad", "colour": "red"}), "unknown keys"),
        ("pf-name-mismatch", json.dumps({"name": "other"}), "must be"),
        ("pf-bad-status", json.dumps({"name": "p-bad", "select": {"statuses": ["final"]}}), "final"),
        ("pf-cycle", json.dumps({"name": "p-bad", "from": "p-bad"}), "defined from itself"),
        ("pf-unknown-include", json.dumps({"name": "p-bad", "include": ["NOPE-1"]}), "not in the catalogue"),
    ]


@pytest.mark.parametrize("name,row,needle", [pytest.param(*c, id=c[0]) for c in _assessment_cases()])
def test_bad_assessment_file_stops_the_build_and_keeps_the_old_one(ws, name, row, needle):
    (ws.data / "coverage" / "zz-bad.csv").write_text(ASSESS_HEAD + row, encoding="utf-8")
    before = tree_hash(ws.build_dir)
    result = run_cli("--workspace", str(ws.root), "build")
    assert result.exit_code == 2 and needle in result.output and "zz-bad.csv" in result.output, result.output
    assert tree_hash(ws.build_dir) == before


@pytest.mark.parametrize("name,body,needle", [pytest.param(*c, id=c[0]) for c in _portfolio_cases()])
def test_bad_portfolio_file_stops_the_build_and_keeps_the_old_one(ws, name, body, needle):
    (ws.data / "portfolios" / "p-bad.json").write_text(body, encoding="utf-8")
    before = tree_hash(ws.build_dir)
    result = run_cli("--workspace", str(ws.root), "build")
    assert result.exit_code == 2 and needle in result.output, result.output
    assert tree_hash(ws.build_dir) == before


def test_owl_imports_are_stripped_and_never_followed(ws, tmp_path, sink, resources, lexicon):
    before_hits = len(_Counter.hits)
    path = tmp_path / "onto.ttl"
    path.write_text(f"<urn:o> <http://www.w3.org/2002/07/owl#imports> <{sink}/imported.ttl> .\n<urn:a> <urn:b> <urn:c> .\n")
    result = run_cli("--workspace", str(ws.root), "import-rdf", str(path))
    assert result.exit_code == 0 and "removed owl:imports" in result.output
    assert "owl#imports" not in (ws.data / "extra" / "onto.nt").read_text()
    pipeline.build(ws, resources, lexicon)  # HermiT, pyshacl and Oxigraph all see the data
    assert len(_Counter.hits) == before_hits


def test_relative_iris_resolve_against_the_upload_base_not_the_working_directory(ws, tmp_path):
    path = tmp_path / "rel.ttl"
    path.write_text("<a> <b> <c> .\n")
    assert run_cli("--workspace", str(ws.root), "import-rdf", str(path)).exit_code == 0
    text = (ws.data / "extra" / "rel.nt").read_text()
    assert "https://w3id.org/mvkg/upload/a" in text and str(tmp_path) not in text and "file:" not in text


def test_csv_exports_neutralise_formulas(ws, tmp_path):
    path = tmp_path / "formula.csv"
    path.write_text(CATALOGUE_HEAD + '=HYPERLINK("http://evil"),"=1+1",itu-t,recommendation,published,,,,,https://e.org,\n')
    assert run_cli("--workspace", str(ws.root), "catalogue", "import", str(path)).exit_code == 0
    out = run_cli("--workspace", str(ws.root), "catalogue", "list", "--format", "csv").output
    line = next(x for x in out.splitlines() if "HYPERLINK" in x)
    assert line.startswith("\"'=HYPERLINK") and "'=1+1" in line


@pytest.mark.parametrize("label", ["x" * 201, "bad\x00label", "line\nbreak"])
def test_bad_snapshot_labels(base, label):
    before = tree_hash(base.root)
    result = run_cli("--workspace", str(base.root), "snapshot", "create", "--label", label)
    assert result.exit_code == 2 and "label" in result.output
    assert tree_hash(base.root) == before


def test_the_suite_has_at_least_sixty_cases():
    n = (len(_resolution_cases("x")) + len(_catalogue_cases("x")) + len(_rdf_cases("x")) + len(_query_cases("x"))
         + 4 + len(_assessment_cases()) + len(_portfolio_cases()) + 3 + 3 + len(_shape_cases("x")) + 2)
    assert n >= 60, n


SLOW_RENAMES = """
import os, sys, time
real_replace = os.replace
def slow_replace(a, b):
    if "catalogue" in str(b):
        time.sleep(1.0)  # widen the window between the renames of a multi-file change
    real_replace(a, b)
os.replace = slow_replace
from mvkg.cli import main
sys.exit(main())
"""


def test_a_process_killed_mid_import_leaves_old_or_new_never_a_mix(ws, tmp_path):
    import os
    import signal
    import subprocess
    import sys

    incoming = tmp_path / "both.csv"
    # one new entry (catalogue.csv) and one update of an activity (activities.csv): two files change
    head, *lines = (ws.data / "catalogue" / "activities.csv").read_text().splitlines()
    activity = next(line for line in lines if line)
    padding = "," * (head.count(",") - CATALOGUE_HEAD.count(","))  # the file's own columns (with scope, checked …)
    incoming.write_text(head + "\n" + "X-NEW,New entry,itu-t,recommendation,published,2026,,,,https://e.org," + padding
                        + "\n" + activity.replace(activity.split(",")[1], "Renamed activity", 1) + "\n")
    old = {p.name: p.read_bytes() for p in (ws.data / "catalogue").glob("*.csv")}
    proc = subprocess.Popen([sys.executable, "-c", SLOW_RENAMES, "--workspace", str(ws.root), "catalogue", "import",
                             str(incoming)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    journal = ws.data / ".mvkg-journal.json"
    deadline = time.time() + 60
    while not journal.exists() and proc.poll() is None and time.time() < deadline:
        time.sleep(0.02)
    assert journal.exists(), "the import never reached its commit point"
    time.sleep(0.3)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    # the next command recovers the committed change: both files are new, none is half-old
    listing = run_cli("--workspace", str(ws.root), "catalogue", "list", "--format", "json")
    assert listing.exit_code == 0
    new = {p.name: p.read_bytes() for p in (ws.data / "catalogue").glob("*.csv")}
    assert new["catalogue.csv"] != old["catalogue.csv"] and new["activities.csv"] != old["activities.csv"]
    assert not journal.exists() and not list((ws.data / "catalogue").glob(".*.tmp"))
    ids = [r["id"] for r in json.loads(listing.output)]
    assert "X-NEW" in ids and len(ids) == len(set(ids))


def test_a_process_killed_before_the_commit_point_changes_nothing(ws, tmp_path):
    import os
    import signal
    import subprocess
    import sys

    slow_fsync = SLOW_RENAMES.replace("os.replace = slow_replace", "os.fsync = lambda fd: time.sleep(5)")
    incoming = tmp_path / "one.csv"
    incoming.write_text(CATALOGUE_HEAD + "X-NEW,New entry,itu-t,recommendation,published,2026,,,,https://e.org,\n")
    def visible():
        return {p.relative_to(ws.data): p.read_bytes() for p in ws.data.rglob("*")
                if p.is_file() and not p.name.startswith(".")}

    before = visible()
    proc = subprocess.Popen([sys.executable, "-c", slow_fsync, "--workspace", str(ws.root), "catalogue", "import",
                             str(incoming)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 60
    while not list((ws.data / "catalogue").glob(".*.tmp")) and time.time() < deadline:
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert run_cli("--workspace", str(ws.root), "catalogue", "list").exit_code == 0
    assert visible() == before  # byte-identical: only hidden temporary files may remain
    assert not (ws.data / ".mvkg-journal.json").exists()


SHAPE_HEAD = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix mvkg: <https://w3id.org/mvkg/ontology#> .
@prefix ex: <http://example.org/shapes#> .
"""


def _shape_cases(sink):
    sparql = 'ex:S a sh:NodeShape ; sh:targetClass mvkg:Obligation ; sh:sparql [ sh:select """{q}""" ] .'
    return [
        ("sh-service", sparql.format(q=f"SELECT $this WHERE {{ SERVICE <{sink}/s> {{ $this ?p ?o }} }}"), 2, "SERVICE"),
        ("sh-from-file", sparql.format(q="SELECT $this FROM <file:///etc/passwd> WHERE { $this ?p ?o }"), 2, "names no graph"),
        ("sh-update", sparql.format(q="DELETE WHERE { ?s ?p ?o }"), 2, "read-only"),
        ("sh-js", 'ex:S a sh:NodeShape ; sh:jsLibrary ex:lib .', 2, "may not use"),
        ("sh-undefined", "ex:S a sh:NodeShape ; sh:targetClass mvkg:Obligation ; sh:node ex:Missing .", 1, "undefined shape"),
        ("sh-cycle", "ex:A a sh:NodeShape ; sh:targetClass mvkg:Obligation ; sh:node ex:B .\n"
                     "ex:B a sh:NodeShape ; sh:property [ sh:path mvkg:bearer ; sh:node ex:A ] .", 1, "recursive"),
        ("sh-cycle-or", "ex:A a sh:NodeShape ; sh:targetClass mvkg:Obligation ; sh:or ( ex:A ) .", 1, "recursive"),
        ("sh-bad-turtle", "ex:S a sh:NodeShape ; sh:targetClass", 2, "not valid"),
    ]


@pytest.mark.parametrize("name,body,code,needle", [pytest.param(*c, id=c[0]) for c in _shape_cases("http://127.0.0.1:9")])
def test_user_shapes_cannot_reach_out_and_undefined_or_recursive_shapes_are_undetermined(base, tmp_path, sink, name, body,
                                                                                        code, needle):
    body = {c[0]: c for c in _shape_cases(sink)}[name][1]
    path = tmp_path / "user-shapes.ttl"
    path.write_text(SHAPE_HEAD + body)
    before_hits = len(_Counter.hits)
    result = run_cli("--workspace", str(base.root), "validate", "--shapes", str(path))
    assert result.exit_code == code, result.output
    assert needle in result.output and "user-shapes.ttl" in result.output
    assert "conforms" not in result.output
    assert len(_Counter.hits) == before_hits


def test_valid_user_shapes_run(base, tmp_path):
    path = tmp_path / "deadline.ttl"
    path.write_text(SHAPE_HEAD + 'ex:D a sh:NodeShape ; sh:targetClass mvkg:BindingObligation ; sh:property '
                    '[ sh:path mvkg:deadline ; sh:minCount 1 ; sh:severity sh:Warning ; sh:message "no deadline" ] .')
    result = run_cli("--workspace", str(base.root), "validate", "--shapes", str(path), "--format", "json")
    body = json.loads(result.output)
    assert sum(1 for r in body["results"] if r["message"] == "no deadline") == 20  # all binding ones but ATU c
