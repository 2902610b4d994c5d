"""The remote store against a second real SPARQL server: Virtuoso open source (Debian's
`virtuoso-opensource`, installed by `make system-deps`), started here on 127.0.0.1 with a
temporary database and free ports. `mvkg build` publishes through Virtuoso's authenticated
graph store endpoint (HTTP digest, as Virtuoso asks), and the graph read back gives the same
verdicts as the embedded store.

Virtuoso 7.2 (the version Debian ships) answers joins with zero-or-more property paths
wrongly (`?x a ?c . ?c rdfs:subClassOf* C` next to other patterns, or inside MINUS / NOT
EXISTS), and mvkg's shapes are made of such joins; so with `evaluate = "local"` mvkg reads
the graphs once and evaluates in memory. The last test keeps the reason on record."""

from __future__ import annotations

import shutil
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

import pyoxigraph as ox
import pytest

from conftest import copy_workspace, free_port, run_cli
from mvkg import pipeline
from mvkg.compliance.validate import validate
from mvkg.kernel.namespaces import PREFIXES
from mvkg.query.store import open_read_only

VIRTUOSO = shutil.which("virtuoso-t")
pytestmark = pytest.mark.skipif(
    VIRTUOSO is None, reason="Virtuoso is not installed (Debian package virtuoso-opensource; `make system-deps` installs it)")
ADMIN = ("dba", "dba")  # the password of a new Virtuoso database; this one listens on 127.0.0.1 only

INI = """[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0
[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
CheckpointInterval = 0
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = {d}
[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {d}/www
ServerThreads = 10
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
MaxQueryCostEstimationTime = 0
"""



@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    folder = tmp_path_factory.mktemp("virtuoso")
    (folder / "www").mkdir()
    http = free_port()
    (folder / "virtuoso.ini").write_text(INI.format(d=folder, sql=free_port(), http=http), encoding="utf-8")
    proc = subprocess.Popen([str(VIRTUOSO), "+foreground", "+configfile", str(folder / "virtuoso.ini")],
                            cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{http}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/sparql?query=ASK%7B%7D", timeout=2).read()
            break
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.3)
    else:
        proc.kill()
    if proc.poll() is not None:
        log = (folder / "virtuoso.log").read_text(errors="replace")[-1500:] if (folder / "virtuoso.log").exists() else ""
        pytest.fail(f"Virtuoso did not start: {log}")
    yield url
    proc.terminate()  # Virtuoso checkpoints and stops on SIGTERM
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _settings(ws, url: str, evaluate: str = "local") -> None:
    (ws.root / "mvkg.toml").write_text(
        f'[store]\nlocation = "sparql+{url}/sparql"\ngraph_store = "{url}/sparql-graph-crud-auth"\n'
        f'evaluate = "{evaluate}"\n', encoding="utf-8")


@pytest.fixture(scope="module")
def published(virtuoso, tmp_path_factory, resources, lexicon):
    ws = copy_workspace(tmp_path_factory.mktemp("virtuoso-ws"))
    _settings(ws, virtuoso)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("MVKG_STORE_USER", ADMIN[0])
        env.setenv("MVKG_STORE_PASSWORD", ADMIN[1])
        pipeline.build(ws, resources, lexicon)  # PUT of every graph, answering Virtuoso's digest challenge
    return ws


def _key(run):
    return sorted((r.focus, r.severity, r.message, r.verdict or "") for r in run.results)


def _plain(store) -> set:
    """Every quad without a blank node (blank node labels differ from server to server)."""
    return {q for q in store.quads_for_pattern(None, None, None)
            if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)}


def test_virtuoso_holds_the_graph_exactly_and_gives_the_same_verdicts(published, built, resources):
    local, _ = built
    here, there = open_read_only(local), open_read_only(published)
    assert isinstance(there, ox.Store)  # evaluate = "local": read into memory
    assert {g.value for g in there.named_graphs()} == {g.value for g in here.named_graphs()}
    assert len(there) == len(here) and _plain(there) == _plain(here)  # literals, datatypes, languages intact
    for portfolio in ("itu-t-in-force", "in-force-and-drafts"):
        remote, embedded = validate(published, resources, portfolio), validate(local, resources, portfolio)
        assert remote.verdicts == embedded.verdicts and _key(remote) == _key(embedded) and remote.verdicts


def test_queries_run_on_virtuoso_itself(published, virtuoso, tmp_path):
    ws = copy_workspace(tmp_path)
    _settings(ws, virtuoso, evaluate="server")
    result = run_cli("-w", str(ws.root), "query", "-q", "SELECT (COUNT(*) AS ?n) WHERE { ?o a mvkg:Obligation }",
                     "--format", "json")
    assert result.exit_code == 0 and '"n": 27' in result.output, result.output
    store = open_read_only(ws)
    # Virtuoso answers ASK with a one-row result set (__ASK_RETVAL); the store reads it as the boolean
    assert store.query("ASK { ?o a mvkg:Obligation }", prefixes=dict(PREFIXES), use_default_graph_as_union=True) is True
    assert store.query("ASK { ?o a mvkg:NoSuchClass }", prefixes=dict(PREFIXES), use_default_graph_as_union=True) is False
    # the union is mvkg's graphs only: Virtuoso's own system graphs are not part of it
    assert all(g.value.startswith("https://w3id.org/mvkg/graph/") for g in store.named_graphs())


def test_publishing_without_the_right_password_is_a_clear_error(published, virtuoso, monkeypatch, tmp_path):
    ws = copy_workspace(tmp_path)
    _settings(ws, virtuoso)
    ws.build_dir.mkdir()
    shutil.copy(published.reasoning_file, ws.reasoning_file)  # the reasoner's result reused: fails sooner
    monkeypatch.setenv("MVKG_STORE_USER", ADMIN[0])
    monkeypatch.setenv("MVKG_STORE_PASSWORD", "not-the-password")
    result = run_cli("-w", str(ws.root), "build")
    assert result.exit_code == 2 and "HTTP 401" in result.output and "sparql-graph-crud-auth" in result.output
    assert "not-the-password" not in result.output and "Traceback" not in result.output


def test_why_evaluation_is_local_virtuoso_answers_path_joins_wrongly(published, virtuoso, built):
    """A not-applicable record joined with the class hierarchy: the embedded store finds the
    one obligation recorded as not applicable; Virtuoso 7.2 finds none. When a later Virtuoso
    gets this right, this test fails: then `evaluate = "server"` can be tried again."""
    local, _ = built
    query = ("SELECT ?this WHERE { ?this a ?type . ?type rdfs:subClassOf* mvkg:Obligation . "
             "?na mvkg:assessedObligation ?this ; mvkg:hasRelation mvkg:relation-not-applicable }")
    form = {"query": "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items()) + query}
    req = urllib.request.Request(f"{virtuoso}/sparql", urllib.parse.urlencode(form).encode(),
                                 {"Accept": "text/csv"})
    with urllib.request.urlopen(req, timeout=60) as resp:
        on_virtuoso = resp.read().decode().splitlines()[1:]
    embedded = open_read_only(local).query(query, prefixes=dict(PREFIXES), use_default_graph_as_union=True)
    assert len(list(embedded)) == 1 and on_virtuoso == []
