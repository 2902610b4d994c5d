"""The remote store (`--store sparql+http://…`) against endpoints that want credentials or
answer with hostile content. A real `oxigraph serve` sits behind an authenticating proxy
(basic or bearer, as nginx or a gateway would put in front of it); hostile endpoints are
small servers started here on 127.0.0.1. Passwords must never be printed, an XML entity bomb
is refused unparsed, and an endless answer stops at the size cap in bounded memory."""

from __future__ import annotations

import base64
import os
import shutil
import sys
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from conftest import copy_workspace, free_port, oxigraph_serve, run_cli, run_measured
from mvkg import pipeline
from mvkg.compliance.validate import validate
from mvkg.kernel.errors import WorkspaceError
from mvkg.query.remote import Endpoint, RemoteError, RemoteStore, redact
from mvkg.query.remote_auth import Credentials
from mvkg.query.store import open_read_only

SECRET = "s3cr3t-Pa55"
TOKEN = "tok-6f1d2c"
MVKG = shutil.which("mvkg") or str(Path(sys.executable).parent / "mvkg")



def _start(handler: type[BaseHTTPRequestHandler]) -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"127.0.0.1:{server.server_address[1]}"


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory):
    with oxigraph_serve(tmp_path_factory.mktemp("ox")) as url:
        yield url


@pytest.fixture(scope="module")
def guarded(oxigraph):
    """A proxy in front of oxigraph that wants `user`/SECRET (basic) or TOKEN (bearer)."""
    basic = "Basic " + base64.b64encode(f"user:{SECRET}".encode()).decode()

    class Proxy(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _forward(self):
            if self.headers.get("Authorization") not in (basic, f"Bearer {TOKEN}"):
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="sparql"')
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            headers = {k: v for k, v in self.headers.items() if k in ("Content-Type", "Accept")}
            req = urllib.request.Request(oxigraph + self.path, data=body, headers=headers, method=self.command)
            try:
                with urllib.request.urlopen(req, timeout=60) as resp:
                    status, ctype, data = resp.status, resp.headers.get("Content-Type", ""), resp.read()
            except urllib.error.HTTPError as exc:
                status, ctype, data = exc.code, exc.headers.get("Content-Type", ""), exc.read()
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = _forward

    server, address = _start(Proxy)
    yield address
    server.shutdown()


@pytest.fixture(scope="module")
def published(guarded, tmp_path_factory, resources, lexicon):
    """The seed workspace built and published through the proxy, with the password from the environment."""
    ws = copy_workspace(tmp_path_factory.mktemp("guarded"))
    (ws.root / "mvkg.toml").write_text(f'[store]\nlocation = "sparql+http://{guarded}/query"\n', encoding="utf-8")
    os.environ.update(MVKG_STORE_USER="user", MVKG_STORE_PASSWORD=SECRET)
    try:
        pipeline.build(ws, resources, lexicon)
    finally:
        del os.environ["MVKG_STORE_USER"], os.environ["MVKG_STORE_PASSWORD"]
    return ws


def _key(run):
    return sorted((r.focus, r.severity, r.message, r.verdict or "") for r in run.results)


def test_basic_credentials_from_the_environment(published, built, resources, monkeypatch):
    local, _ = built
    monkeypatch.setenv("MVKG_STORE_USER", "user")
    monkeypatch.setenv("MVKG_STORE_PASSWORD", SECRET)
    remote, here = validate(published, resources, "itu-t-in-force"), validate(local, resources, "itu-t-in-force")
    assert remote.verdicts == here.verdicts and _key(remote) == _key(here) and remote.verdicts


def test_bearer_token_from_the_settings_file_and_basic_from_the_url(published, guarded, built):
    local, _ = built
    graphs = {g.value for g in open_read_only(local).named_graphs()}
    (published.root / "mvkg.toml").write_text(
        f'[store]\nlocation = "sparql+http://{guarded}/query"\ntoken = "{TOKEN}"\n', encoding="utf-8")
    assert {g.value for g in open_read_only(published).named_graphs()} == graphs
    in_url = RemoteStore(Endpoint.parse(f"sparql+http://user:{SECRET}@{guarded}/query"))
    assert SECRET not in in_url.endpoint.query_url and SECRET not in repr(in_url.endpoint)
    assert {g.value for g in in_url.named_graphs()} == graphs
    result = run_cli("-w", str(published.root), "query", "-q", "SELECT (COUNT(*) AS ?n) WHERE { ?o a mvkg:Obligation }",
                     "--format", "json")  # the settings file's token reaches the query process too
    assert result.exit_code == 0 and '"n": 27' in result.output, result.output


def test_refused_credentials_are_never_printed(published, guarded, monkeypatch):
    monkeypatch.setenv("MVKG_STORE_USER", "user")
    monkeypatch.setenv("MVKG_STORE_PASSWORD", "wrong-" + SECRET)
    (published.root / "mvkg.toml").write_text(f'[store]\nlocation = "sparql+http://{guarded}/query"\n', encoding="utf-8")
    result = run_cli("-w", str(published.root), "validate")
    assert result.exit_code == 2 and "401" in result.output and "credentials" in result.output
    assert SECRET not in result.output and "Traceback" not in result.output
    monkeypatch.delenv("MVKG_STORE_PASSWORD")
    monkeypatch.delenv("MVKG_STORE_USER")
    cases = {f"sparql+http://user:{SECRET}@127.0.0.1:{free_port()}/query": "cannot reach",  # nothing listens there
             f"sparql+ftp://user:{SECRET}@{guarded}/query": "not a remote store location: 'sparql+ftp://***@",
             f"sparql+http://user:{SECRET}@/query": "no host in the store location 'sparql+http://***@/query'"}
    for location, says in cases.items():
        result = run_cli("-w", str(published.root), "--store", location, "obligations")
        assert result.exit_code == 2 and says in result.output, result.output
        assert SECRET not in result.output and "Traceback" not in result.output


def test_credentials_are_checked(monkeypatch):
    monkeypatch.setenv("MVKG_STORE_TOKEN", TOKEN)
    monkeypatch.setenv("MVKG_STORE_PASSWORD", SECRET)
    with pytest.raises(WorkspaceError, match="both a token and a user or password") as caught:
        Endpoint.parse("sparql+http://127.0.0.1:1/query")
    assert SECRET not in str(caught.value) and TOKEN not in str(caught.value)
    assert SECRET not in repr(Credentials("user", SECRET)) and TOKEN not in repr(Credentials(token=TOKEN))
    assert redact(f"see http://a:{SECRET}@h/x and https://b@h2/") == "see http://***@h/x and https://***@h2/"


# ------------------------------------------------------------------ hostile endpoints

LAUGHS = ('<?xml version="1.0"?><!DOCTYPE sparql [<!ENTITY a0 "ha">'
          + "".join(f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10))
          + ']><sparql xmlns="http://www.w3.org/2005/sparql-results#"><head><variable name="g"/></head>'
            "<results><result><binding name=\"g\"><literal>&a9;</literal></binding></result></results></sparql>")
RDF_LAUGHS = LAUGHS.replace("DOCTYPE sparql", "DOCTYPE rdf:RDF").split("]>")[0] + (
    ']><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="urn:s">'
    "<rdf:value>&a9;</rdf:value></rdf:Description></rdf:RDF>")


def _hostile(kind: str) -> type[BaseHTTPRequestHandler]:
    class Hostile(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"  # no length: the body ends when the connection does

        def log_message(self, *args):
            pass

        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(200)
            if kind == "stream":  # a SELECT answer that never ends
                self.send_header("Content-Type", "application/sparql-results+json")
                self.end_headers()
                row = b'{"g": {"type": "uri", "value": "https://w3id.org/mvkg/graph/' + b"x" * 200 + b'"}},'
                self.wfile.write(b'{"head": {"vars": ["g"]}, "results": {"bindings": [')
                try:
                    while True:
                        self.wfile.write(row * 500)
                except OSError:
                    return
            ctype, body = ("application/rdf+xml", RDF_LAUGHS) if "CONSTRUCT" in kind else (
                "application/sparql-results+xml", LAUGHS)
            self.send_header("Content-Type", ctype)
            self.end_headers()
            self.wfile.write(body.encode())

    return Hostile


@pytest.mark.parametrize("kind", ["results", "CONSTRUCT"])
def test_an_xml_entity_bomb_is_refused_unparsed(kind):
    server, address = _start(_hostile(kind))
    try:
        store = RemoteStore(Endpoint.parse(f"sparql+http://{address}/query"))
        query = "CONSTRUCT WHERE { ?s ?p ?o }" if kind == "CONSTRUCT" else "SELECT ?g WHERE { GRAPH ?g {} }"
        with pytest.raises(RemoteError, match="DOCTYPE or entities"):
            store.query(query)
    finally:
        server.shutdown()


def test_an_entity_bomb_is_a_one_line_error_in_the_cli(workspace):
    server, address = _start(_hostile("results"))
    try:
        result = run_cli("-w", str(workspace.root), "--store", f"sparql+http://{address}/query", "validate")
    finally:
        server.shutdown()
    assert result.exit_code == 2 and "DOCTYPE" in result.output and "Traceback" not in result.output
    assert result.output.count("\n") == 1


def test_an_endless_answer_stops_at_the_size_cap_in_bounded_memory(workspace):
    server, address = _start(_hostile("stream"))
    (workspace.root / "mvkg.toml").write_text(
        f'[store]\nlocation = "sparql+http://{address}/query"\nmax_response_mb = 20\n', encoding="utf-8")
    try:
        _, _, err, peak = run_measured([MVKG, "-w", str(workspace.root), "validate"], workspace.root)
    finally:
        server.shutdown()
    assert "more than 20 MB" in err and "max_response_mb" in err and "Traceback" not in err
    assert peak < 400 * 1024  # KB: the cap, the interpreter and the libraries, not the stream
