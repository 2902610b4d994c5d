"""CLI behaviour: ingest (txt, docx, dry-run, bad input), query guard, formats, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import docx
import pytest

from conftest import FIXTURES, REPO, run_cli, tree_hash

SEED_ECP = REPO / "data" / "resolutions" / "ecp-mv.txt"


def _ingest(ws, *args):
    return run_cli("--workspace", str(ws.root), "ingest", *args)


def test_ingest_dry_run_writes_nothing_and_prints_obligations_json(workspace, tmp_path):
    before = tree_hash(workspace.root)
    result = _ingest(workspace, str(SEED_ECP), "--code", "ECP-COPY", "--dry-run", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert len(rows) == 16
    assert {r["resolution"] for r in rows} == {"ECP-COPY"}
    assert tree_hash(workspace.root) == before


def test_ingest_refuses_an_existing_code_and_keeps_the_workspace(workspace):
    before = tree_hash(workspace.root)
    result = _ingest(workspace, str(SEED_ECP))
    assert result.exit_code == 2
    assert "already in the workspace" in result.output
    assert tree_hash(workspace.root) == before


def test_ingest_then_build_adds_a_resolution(workspace, tmp_path):
    src = tmp_path / "copy.txt"
    src.write_text(SEED_ECP.read_text(encoding="utf-8").replace("[ECP-MV]", "[ECP-MV2]"), encoding="utf-8")
    result = _ingest(workspace, str(src))
    assert result.exit_code == 0, result.output
    meta = json.loads((workspace.resolutions_dir / "ecp-mv2.json").read_text())
    assert meta["code"] == "ECP-MV2" and meta["status"] == "draft"
    assert meta["proposer"].endswith("/actor/cept")
    assert run_cli("--workspace", str(workspace.root), "build").exit_code == 0
    listing = run_cli("--workspace", str(workspace.root), "obligations", "--resolution", "ECP-MV2", "--format", "json")
    assert len(json.loads(listing.output)) == 16


def test_ingest_docx(workspace, tmp_path):
    document = docx.Document()
    for line in SEED_ECP.read_text(encoding="utf-8").splitlines():
        document.add_paragraph(line.replace("[ECP-MV]", "[ECP-DOCX]"))
    path = tmp_path / "proposal.docx"
    document.save(path)
    result = _ingest(workspace, str(path), "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert len(rows) == 16
    stored = (workspace.resolutions_dir / "ecp-docx.txt").read_text(encoding="utf-8")
    assert all(stored[r["source"]["start"] : r["source"]["end"]] == r["text"] for r in rows)
    assert (workspace.resolutions_dir / "ecp-docx.docx").read_bytes() == path.read_bytes()


BAD = [
    ("bad_empty.txt", "empty"),
    ("bad_binary.txt", "binary"),
    ("bad_latin1.txt", "UTF-8"),
    ("bad_no_structure.txt", "no resolution structure"),
    ("bad_only_preamble.txt", "no operative section"),
]


@pytest.mark.parametrize("name,needle", BAD)
def test_bad_input_is_a_clear_error_and_changes_nothing(workspace, name, needle):
    path = FIXTURES / "resolutions" / name
    before = tree_hash(workspace.root)
    result = _ingest(workspace, str(path), "--code", "BAD")
    assert result.exit_code == 2
    assert name in result.output and needle in result.output
    assert "Traceback" not in result.output
    assert tree_hash(workspace.root) == before


def test_bad_docx_is_rejected(workspace, tmp_path):
    path = tmp_path / "fake.docx"
    path.write_bytes(b"PK\x03\x04 this is not really a zip")
    result = _ingest(workspace, str(path), "--code", "X")
    assert result.exit_code == 2 and "fake.docx" in result.output and ".docx" in result.output


def test_non_utf8_error_names_the_line(workspace, tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes("resolves\n1\tto ensure caf\u00e9 access;\n".encode("latin-1"))
    result = _ingest(workspace, str(path), "--code", "X")
    assert result.exit_code == 2 and "latin.txt:2" in result.output


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_query_formats(built, fmt):
    ws, _ = built
    q = "SELECT ?code WHERE { ?r a mvkg:Resolution ; mvkg:code ?code } ORDER BY ?code"
    result = run_cli("--workspace", str(ws.root), "query", "--query", q, "--format", fmt)
    assert result.exit_code == 0, result.output
    assert "ATU-MV" in result.output and "ECP-MV" in result.output
    if fmt == "json":
        assert json.loads(result.output) == [{"code": "ATU-MV"}, {"code": "ECP-MV"}]


def test_query_from_file_and_ask(built, tmp_path):
    ws, _ = built
    path = tmp_path / "q.rq"
    path.write_text("ASK { ?o a mvkg:Obligation ; mvkg:modality verb:invites }")
    result = run_cli("--workspace", str(ws.root), "query", str(path), "--format", "json")
    assert json.loads(result.output) == {"boolean": True}


@pytest.mark.parametrize("q,needle", [
    ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "read-only"),
    ("DROP ALL", "read-only"),
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", "SERVICE"),
    ("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }", "names no graph"),
    ("SELEC ?x", "syntax error"),
])
def test_query_guard(built, q, needle):
    ws, _ = built
    result = run_cli("--workspace", str(ws.root), "query", "--query", q)
    assert result.exit_code == 2
    assert needle in result.output


def test_commands_need_a_build(workspace):
    result = run_cli("--workspace", str(workspace.root), "obligations")
    assert result.exit_code == 2 and "mvkg build" in result.output


def test_console_script_exit_codes_and_help(tmp_path):
    exe = Path(sys.executable).parent / "mvkg"
    ok = subprocess.run([str(exe), "--help"], capture_output=True, text=True)
    assert ok.returncode == 0 and "ingest" in ok.stdout
    for sub in ("ingest", "build", "obligations", "query"):
        assert subprocess.run([str(exe), sub, "--help"], capture_output=True).returncode == 0
    bad = subprocess.run([str(exe), "--workspace", str(tmp_path), "ingest", str(tmp_path / "missing.txt")],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    usage = subprocess.run([str(exe), "obligations", "--format", "xml"], capture_output=True, text=True)
    assert usage.returncode == 2


def test_ingest_ttl_output_is_the_resolution_graph(workspace):
    from rdflib import RDF, BNode, Graph

    from mvkg.kernel.namespaces import MVKG

    result = _ingest(workspace, str(SEED_ECP), "--code", "ECP-TTL", "--dry-run", "--format", "ttl")
    assert result.exit_code == 0, result.output
    g = Graph().parse(data=result.output, format="turtle")
    assert len(set(g.subjects(RDF.type, MVKG.Obligation))) == 16
    assert not any(isinstance(t, BNode) for triple in g for t in triple)
