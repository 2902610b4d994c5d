"""Saved queries and the console's prefixes and short IRIs (no browser): ids derived from the
text, atomic files in the workspace, the guard applied before saving, the CLI's --save,
--saved and --list-saved, and the table the SPARQL page shows (short IRIs, labels beside)."""

from __future__ import annotations

import json
import shutil

import pyoxigraph as ox

from conftest import run_cli
from mvkg.analysis.console import console_table, run_console_query
from mvkg.kernel.errors import InputError
from mvkg.kernel.namespaces import PREFIXES
from mvkg.query.named import select
from mvkg.query.prefixes import shorten, undeclared_used, with_declarations, workspace_prefixes
from mvkg.query.saved import list_saved, load_saved, normalise, query_id, save_query
from mvkg.query.sparql import QueryLimits, run_query
from mvkg.query.store import open_read_only, store_location

QUERY = "SELECT ?o ?t WHERE { ?o a mvkg:Obligation ; mvkg:hasTheme ?t }\n"


def test_the_id_is_stable_and_ignores_line_ends_and_trailing_blanks():
    crlf = QUERY.replace("\n", "  \r\n")
    assert query_id(QUERY) == query_id(crlf) == query_id(normalise(crlf))
    assert query_id(QUERY) != query_id(QUERY.replace("?t", "?theme"))
    assert len(query_id(QUERY)) == 10 and int(query_id(QUERY), 16) >= 0


def test_save_load_and_list(workspace, resources):
    prefixes = workspace_prefixes(resources)
    first = save_query(workspace, QUERY, prefixes)
    path = workspace.saved_queries_dir / f"{first.id}.rq"
    assert path.read_text(encoding="utf-8") == QUERY
    mtime = path.stat().st_mtime_ns
    again = save_query(workspace, QUERY.replace("\n", "\r\n"), prefixes)
    assert again.id == first.id and path.stat().st_mtime_ns == mtime  # the same text: nothing written
    assert load_saved(workspace, first.id.upper()).text == QUERY
    second = save_query(workspace, "# title: Themes in use\nSELECT DISTINCT ?t WHERE { ?o mvkg:hasTheme ?t }", prefixes)
    assert second.title == "Themes in use"
    assert {q.id for q in list_saved(workspace)} == {first.id, second.id}
    assert not [p for p in workspace.saved_queries_dir.iterdir() if p.suffix != ".rq"]  # no temporary file left


def test_the_guard_is_applied_before_saving(workspace, resources):
    prefixes = workspace_prefixes(resources)
    for bad, why in (("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "read-only"),
                     ("SELECT * WHERE { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }", "SERVICE"),
                     ("SELECT * WHERE { ?s nope:p ?o }", "nope:"), ("   ", "empty")):
        try:
            save_query(workspace, bad, prefixes)
        except InputError as exc:
            assert why in str(exc), (bad, str(exc))
        else:
            raise AssertionError(f"saved: {bad}")
    assert not workspace.saved_queries_dir.exists()


def test_unknown_and_malformed_ids_are_named(workspace):
    for ident, why in (("../../etc/passwd", "not a saved query id"), ("0123456789", "no saved query with id 0123456789")):
        try:
            load_saved(workspace, ident)
        except InputError as exc:
            assert why in str(exc)
        else:
            raise AssertionError(ident)


def test_workspace_prefixes_are_declared_where_used(resources):
    prefixes = workspace_prefixes(resources)
    names = {p.name: p for p in prefixes}
    assert all(names[n].predefined for n in PREFIXES)
    assert not names["dpv"].predefined and names["dpv"].iri == "https://w3id.org/dpv#"
    query = "SELECT ?x WHERE { ?x a dpv:Purpose . FILTER(?x != <https://example.org/sh:x>) }"
    assert undeclared_used(query, prefixes) == ["dpv"]
    declared = with_declarations(query, prefixes)
    assert declared.startswith("PREFIX dpv: <https://w3id.org/dpv#>\n") and declared.endswith(query)
    own = "PREFIX dpv: <urn:other#>\n" + query
    assert with_declarations(own, prefixes) == own


def test_iris_are_shortened_with_the_longest_namespace(resources):
    prefixes = workspace_prefixes(resources)
    assert shorten(PREFIXES["theme"] + "privacy", prefixes) == "theme:privacy"
    assert shorten(PREFIXES["mvkg"] + "Obligation", prefixes) == "mvkg:Obligation"
    assert shorten("https://example.org/x", prefixes) == "https://example.org/x"
    assert shorten(PREFIXES["theme"], prefixes) == PREFIXES["theme"]  # no local part: unchanged


def test_console_table_shows_short_iris_with_labels_beside(built, resources):
    ws = built[0]
    store, prefixes = open_read_only(ws), workspace_prefixes(resources)
    text = "SELECT ?t WHERE { ?o mvkg:hasTheme ?t } ORDER BY ?t"
    ran = run_console_query(store_location(ws), store, text, prefixes, QueryLimits())
    expected = run_query(store, text).rows
    table = console_table(ran, prefixes)
    assert table.columns == ("t", "t (label)")
    assert len(table.rows) == len(expected) > 0
    for (shown, label), (term,) in zip(table.rows, expected):
        assert shown == shorten(term.value, prefixes) and shown.startswith("theme:")
        assert label == select(store, "labels", x=[term.value])[0]["label"] != ""
    full = console_table(ran, prefixes, full_iris=True)
    assert [r[0] for r in full.rows] == [t.value for (t,) in expected]
    assert isinstance(expected[0][0], ox.NamedNode)


def test_cli_saves_lists_and_runs_a_saved_query(built, tmp_path):
    ws = tmp_path / "ws"
    shutil.copytree(built[0].root / "data", ws / "data")
    shutil.copytree(built[0].build_dir, ws / "build")
    text = "SELECT ?o WHERE { ?o a mvkg:Obligation }"
    saved = run_cli("-w", str(ws), "query", "--query", text, "--save")
    assert saved.exit_code == 0, saved.output
    ident = saved.output.strip()
    assert ident == query_id(text)
    listed = json.loads(run_cli("-w", str(ws), "query", "--list-saved", "--format", "json").output)
    assert [q["id"] for q in listed] == [ident] and listed[0]["text"] == normalise(text)
    ran = run_cli("-w", str(ws), "query", "--saved", ident, "--format", "json")
    assert ran.exit_code == 0
    assert len(json.loads(ran.output)) == len(run_query(open_read_only(built[0]), text).rows) > 0
    missing = run_cli("-w", str(ws), "query", "--saved", "ffffffffff")
    assert missing.exit_code == 2 and "no saved query with id ffffffffff" in missing.output
