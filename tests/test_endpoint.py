"""`mvkg serve`, the read-only SPARQL 1.1 protocol endpoint, tested as an outside tool meets
it: the command is started as a process on a free 127.0.0.1 port over the built seed
workspace and asked over HTTP with urllib, SPARQLWrapper and rdflib's SPARQLStore. Expected
answers come from the library's own query over the same store, never from literals here."""

from __future__ import annotations

import csv
import http.client
import io
import json
import shutil
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, POST, TSV, TURTLE, XML, SPARQLWrapper

from conftest import run_cli
from mvkg.query.sparql import run_query
from mvkg.query.store import open_read_only

OBLIGATIONS = "SELECT ?o ?text WHERE { ?o a mvkg:Obligation ; mvkg:text ?text } ORDER BY ?o"
SPARQL_NS = "{http://www.w3.org/2005/sparql-results#}"
MVKG = shutil.which("mvkg") or str(Path(sys.executable).parent / "mvkg")


class Server:
    def __init__(self, root: Path, store: str | None, *args: str):
        where = ["--store", store] if store else []
        self.proc = subprocess.Popen([MVKG, "-w", str(root), *where, "serve", "--port", "0", "--quiet", *args],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline() if self.proc.stdout else ""
        if "http://" not in line:
            self.proc.kill()
            pytest.fail(f"mvkg serve did not start: {line} {self.proc.stderr.read() if self.proc.stderr else ''}")
        self.url = line.split()[-1]

    def stop(self) -> tuple[int, str]:
        self.proc.terminate()
        code = self.proc.wait(timeout=20)
        return code, self.proc.stderr.read() if self.proc.stderr else ""


def _serve(root: Path, store: str | None = None, *args: str):
    server = Server(root, store, *args)
    yield server
    code, err = server.stop()
    assert code == 0 and "stopped" in err  # SIGTERM stops it cleanly, as Ctrl-C does


@pytest.fixture(scope="module")
def server(built):
    ws, _ = built
    yield from _serve(ws.root)


@pytest.fixture(scope="module")
def limited(built):
    """In memory (a kept query process), with tight limits and one allowed web origin."""
    ws, _ = built
    yield from _serve(ws.root, "memory", "--max-rows", "3", "--timeout", "1",
                      "--cors-origin", "https://yasgui.example")


def fetch(url: str, data: bytes | None = None, headers: dict[str, str] | None = None, method: str | None = None):
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, resp.headers, resp.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read().decode("utf-8")


def get(server: Server, query: str, **params: str):
    return fetch(server.url + "?" + urllib.parse.urlencode({"query": query, **params}), headers=params.pop("headers", None))


@pytest.fixture(scope="module")
def expected(built):
    """(obligation IRI, text) pairs, from the library over the same store."""
    ws, _ = built
    result = run_query(open_read_only(ws), OBLIGATIONS)
    return [(o.value, t.value) for o, t in result.rows]


def from_json(body: str):
    data = json.loads(body)
    return [(b["o"]["value"], b["text"]["value"]) for b in data["results"]["bindings"]]


def from_xml(body: str):
    rows = []
    for result in ET.fromstring(body).iter(SPARQL_NS + "result"):
        values = {b.get("name"): b[0].text for b in result.iter(SPARQL_NS + "binding")}
        rows.append((values["o"], values["text"]))
    return rows


def from_csv(body: str):
    reader = csv.reader(io.StringIO(body, newline=""))
    assert next(reader) == ["o", "text"]
    return [tuple(r) for r in reader]


def from_tsv(body: str):
    lines = body.rstrip("\n").split("\n")
    assert lines[0] == "?o\t?text"
    rows = []
    for line in lines[1:]:
        iri, literal = line.split("\t")
        rows.append((iri.strip("<>"), json.loads(literal)))  # an N-Triples string literal reads as JSON here
    return rows


FORMATS = [("application/sparql-results+json", "json", from_json), ("application/sparql-results+xml", "xml", from_xml),
           ("text/csv", "csv", from_csv), ("text/tab-separated-values", "tsv", from_tsv)]


@pytest.mark.parametrize("media, name, parse", FORMATS, ids=[f[1] for f in FORMATS])
def test_every_result_format_by_accept_header_and_by_parameter(server, expected, media, name, parse):
    status, headers, body = fetch(server.url + "?" + urllib.parse.urlencode({"query": OBLIGATIONS}),
                                  headers={"Accept": media})
    assert status == 200 and headers.get_content_type() == media
    assert parse(body) == expected and len(expected) > 0
    status, headers, body = get(server, OBLIGATIONS, format=name)
    assert status == 200 and headers.get_content_type() == media and parse(body) == expected


def test_get_form_post_and_query_post_give_the_same_answer(server, expected):
    form = urllib.parse.urlencode({"query": OBLIGATIONS}).encode()
    _, _, by_form = fetch(server.url, form, {"Content-Type": "application/x-www-form-urlencoded"})
    _, _, by_body = fetch(server.url, OBLIGATIONS.encode(), {"Content-Type": "application/sparql-query"})
    _, _, by_get = get(server, OBLIGATIONS)
    assert from_json(by_form) == from_json(by_body) == from_json(by_get) == expected


def test_ask_and_construct(server, built):
    ws, _ = built
    assert json.loads(get(server, "ASK { ?o a mvkg:Obligation }")[2]) == {"head": {}, "boolean": True}
    xml = ET.fromstring(get(server, "ASK { ?o a mvkg:NoSuchClass }", format="xml")[2])
    assert xml.find(SPARQL_NS + "boolean").text == "false"
    status, _, body = get(server, "ASK { ?s ?p ?o }", format="csv")
    assert status == 406 and "json" in body  # no CSV form of a boolean in the standard
    construct = "CONSTRUCT { ?o mvkg:text ?t } WHERE { ?o a mvkg:Obligation ; mvkg:text ?t }"
    wanted = len(run_query(open_read_only(ws), construct).triples)
    for media, fmt in (("text/turtle", "turtle"), ("application/n-triples", "nt")):
        status, headers, body = fetch(server.url + "?" + urllib.parse.urlencode({"query": construct}),
                                      headers={"Accept": media})
        assert status == 200 and headers.get_content_type() == media
        assert len(rdflib.Graph().parse(data=body, format=fmt)) == wanted > 0


def test_sparqlwrapper_reads_every_format(server, expected):
    client = SPARQLWrapper(server.url)
    client.setQuery(OBLIGATIONS)
    client.setReturnFormat(JSON)
    assert [(b["o"]["value"], b["text"]["value"]) for b in client.queryAndConvert()["results"]["bindings"]] == expected
    client.setReturnFormat(XML)
    assert len(client.queryAndConvert().getElementsByTagName("result")) == len(expected)
    client.setMethod(POST)
    for fmt, parse in ((CSV, from_csv), (TSV, from_tsv)):
        client.setReturnFormat(fmt)
        assert parse(client.queryAndConvert().decode("utf-8")) == expected
    client.setQuery("CONSTRUCT { ?o a mvkg:Obligation } WHERE { ?o a mvkg:Obligation }")
    client.setReturnFormat(TURTLE)
    graph = rdflib.Graph().parse(data=client.queryAndConvert(), format="turtle")
    assert {str(s) for s in graph.subjects()} == {o for o, _ in expected}


def test_rdflib_sparqlstore_reads_it_as_a_remote_graph(server, expected):
    store = SPARQLStore(server.url)
    rows = [(str(o), str(t)) for o, t in store.query(OBLIGATIONS)]
    assert rows == expected
    assert store.query("ASK { ?o a mvkg:Obligation }").askAnswer is True


REFUSED = [
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", "SERVICE is not allowed"),
    ("DROP ALL", "updates"),
    ("LOAD <http://127.0.0.1:9/x.ttl>", "updates"),
    ("SELECT * FROM <http://example.org/none> WHERE { ?s ?p ?o }", "names no graph"),
    ("SELECT ?x WHERE { ?x ?y }", "syntax error"),
    ("SELECT * WHERE {", "syntax error"),
]


@pytest.mark.parametrize("query, says", REFUSED, ids=[q[:20] for q, _ in REFUSED])
def test_refused_queries_get_400_with_one_line(server, query, says):
    status, headers, body = get(server, query)
    assert status == 400 and headers.get_content_type() == "text/plain"
    assert says in body and body.count("\n") == 1 and "Traceback" not in body


def test_updates_are_forbidden_by_the_protocol(server):
    form = urllib.parse.urlencode({"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}).encode()
    assert fetch(server.url, form, {"Content-Type": "application/x-www-form-urlencoded"})[0] == 403
    status, _, body = fetch(server.url, b"DELETE WHERE { ?s ?p ?o }", {"Content-Type": "application/sparql-update"})
    assert status == 403 and "read-only" in body
    status, headers, _ = fetch(server.url, b"<urn:a> <urn:b> <urn:c> .", {"Content-Type": "text/turtle"}, "PUT")
    assert status == 405 and "GET" in headers["Allow"]
    assert json.loads(get(server, "ASK { <urn:a> <urn:b> <urn:c> }")[2])["boolean"] is False


def test_protocol_mistakes_are_named(server):
    assert fetch(server.url)[0] == 400  # no query
    assert fetch(server.url + "?" + urllib.parse.urlencode([("query", "ASK {}"), ("query", "ASK {}")]))[0] == 400
    status, _, body = get(server, "ASK {}", **{"default-graph-uri": "https://w3id.org/mvkg/graph/ontology"})
    assert status == 400 and "FROM" in body
    assert fetch(server.url, b"ASK {}", {"Content-Type": "text/plain"})[0] == 415
    assert get(server, "ASK {}", format="pdf")[0] == 400
    assert fetch(server.url.replace("/sparql", "/other"))[0] == 404
    host, port = urllib.parse.urlsplit(server.url).netloc.split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    conn.putrequest("POST", "/sparql")
    conn.putheader("Content-Type", "application/sparql-query")
    conn.putheader("Content-Length", str(10 * 1024 * 1024))
    conn.endheaders()
    assert conn.getresponse().status == 413  # refused before the body is read
    conn.close()
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    conn.request("GET", "/sparql?query=ASK%7B%7D", headers={"Host": "attacker.example"})
    assert conn.getresponse().status == 421  # DNS rebinding: only loopback names are answered
    conn.close()


def test_cors_is_off_by_default(server):
    status, headers, _ = fetch(server.url + "?query=ASK%7B%7D", headers={"Origin": "https://yasgui.example"})
    assert status == 200 and headers.get("Access-Control-Allow-Origin") is None
    status, headers, _ = fetch(server.url, headers={"Origin": "https://yasgui.example",
                                                    "Access-Control-Request-Method": "POST"}, method="OPTIONS")
    assert status == 204 and headers.get("Access-Control-Allow-Origin") is None


def test_cors_for_a_configured_origin_only(limited):
    status, headers, _ = fetch(limited.url + "?query=ASK%7B%7D", headers={"Origin": "https://yasgui.example"})
    assert status == 200 and headers["Access-Control-Allow-Origin"] == "https://yasgui.example"
    _, headers, _ = fetch(limited.url, headers={"Origin": "https://yasgui.example", "Access-Control-Request-Method": "POST",
                                                "Access-Control-Request-Private-Network": "true"}, method="OPTIONS")
    assert "POST" in headers["Access-Control-Allow-Methods"] and headers["Access-Control-Allow-Private-Network"] == "true"
    _, headers, _ = fetch(limited.url + "?query=ASK%7B%7D", headers={"Origin": "https://other.example"})
    assert headers.get("Access-Control-Allow-Origin") is None


def test_row_and_time_limits(limited, expected):
    status, headers, body = get(limited, OBLIGATIONS)
    assert status == 200 and len(from_json(body)) == 3 < len(expected)
    assert headers["MVKG-Result-Truncated"] == "rows=3"
    status, _, body = get(limited, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
    assert status == 503 and "time limit" in body
    assert from_json(get(limited, OBLIGATIONS + " LIMIT 2")[2]) == expected[:2]  # and it still answers


def test_serve_needs_a_built_workspace(workspace):
    result = run_cli("-w", str(workspace.root), "serve", "--port", "0")
    assert result.exit_code == 2 and "mvkg build" in result.output and "Traceback" not in result.output
