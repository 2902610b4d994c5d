"""OSCAL exchange: every exported document parses back with compliance-trestle's models and
says what the graph says; the catalogue survives a round trip through OSCAL; two exports are
byte-identical; a real catalog made by another tool (NIST SP 800-53) imports; bad files are
refused with one line and change nothing."""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import json
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from trestle.oscal.catalog import Catalog
from trestle.oscal.mapping import MappingCollection

from conftest import FIXTURES, REPO, run_cli, tree_hash
from mvkg import pipeline
from mvkg.analysis.obligations import list_obligations
from mvkg.exchange.oscal_catalog import entry_control_id, obligation_control_id
from mvkg.exchange.oscal_common import OSCAL_NS
from mvkg.exchange.oscal_mapping import METHODS, NOT_APPLICABLE, RELATIONSHIPS
from mvkg.inputs.catalogue import load_catalogue
from mvkg.inputs.portfolios import load_portfolios, members
from mvkg.inputs.synth import generate
from mvkg.kernel.namespaces import obligation_iri, slugify
from mvkg.kernel.vocabulary import VOCABULARY
from mvkg.kernel.workspace import Workspace
from mvkg.query.store import open_read_only

NIST = FIXTURES / "oscal" / "nist-sp800-53r5-privacy-excerpt.json"
# NIST IR 8477 set-theory relationships: the obligation (source) against the entry (target)
RELATIONSHIP = {"full": "subset-of", "partial": "intersects-with", "none": "no-relationship"}


def export(ws: Workspace, tmp: Path, *args: str) -> tuple[Path, dict]:
    out = tmp / f"{'-'.join(a.strip('-') for a in args)}.json"
    result = run_cli("-w", str(ws.root), "export", *args, "--out", str(out))
    assert result.exit_code == 0, result.output
    return out, json.loads(out.read_bytes())


def own(items, name):
    return [p["value"] for p in items or () if p["name"] == name and p.get("ns") == OSCAL_NS]


def controls_of(catalog: Catalog):
    return [c for g in catalog.groups for c in g.controls]


# ------------------------------------------------------------------ obligations catalog


def test_obligations_catalog_parses_with_trestle_and_holds_every_obligation(built, resources, tmp_path):
    ws, _ = built
    path, doc = export(ws, tmp_path, "oscal-catalog")
    catalog = Catalog.model_validate(doc["catalog"])  # trestle's model: raises on any schema error
    expected = [r.to_json() for r in list_obligations(open_read_only(ws), resources)]
    read_back = []
    for group in doc["catalog"]["groups"]:
        for c in group["controls"]:
            props = c["props"]
            statement = next(p for p in c["parts"] if p["name"] == "statement")
            canonical = next(lk["href"] for lk in c["links"] if lk["rel"] == "canonical")
            read_back.append({
                "id": canonical, "resolution": own(props, "resolution")[0], "section": own(props, "section")[0],
                "item": (own(props, "item") or [""])[0], "modality": own(props, "modality")[0],
                "bearers": own(props, "bearer"), "themes": own(props, "theme"),
                "sdgs": [int(x) for x in own(props, "sdg")], "text": statement["prose"],
                "source": {"file": own(props, "source-file")[0], "start": int(own(props, "start")[0]),
                           "end": int(own(props, "end")[0])},
                "confidence": float(own(props, "extraction-confidence")[0]), "warnings": own(props, "extraction-warning")})
            assert c["id"] == obligation_control_id(canonical)
            assert own(props, "strength")[0] in {"binding", "recommendation"}
    assert len(expected) == 27
    keys = set(read_back[0])  # the listing's keys the export carries (all but any added later)
    assert sorted(read_back, key=lambda r: r["id"]) == sorted(({k: r[k] for k in keys} for r in expected),
                                                               key=lambda r: r["id"])
    assert [g.id for g in catalog.groups] == ["atu-mv", "ecp-mv"]
    ids = [c.id for c in controls_of(catalog)]
    assert len(set(ids)) == len(ids)


def test_obligation_links_lead_back_to_the_exact_source_text(built, tmp_path):
    """The reference link names a back-matter resource whose rlink is the text file (its
    SHA-256 matches) and whose fragment char=start,end cuts out the obligation's text."""
    ws, _ = built
    _, doc = export(ws, tmp_path, "oscal-catalog")
    resources = {r["uuid"]: r for r in doc["catalog"]["back-matter"]["resources"]}
    checked = 0
    for group in doc["catalog"]["groups"]:
        for c in group["controls"]:
            ref = next(lk for lk in c["links"] if lk["rel"] == "reference")
            rlink = resources[ref["href"].removeprefix("#")]["rlinks"][0]
            data = (ws.root / rlink["href"]).read_bytes()
            assert hashlib.sha256(data).hexdigest() == rlink["hashes"][0]["value"]
            start, end = map(int, ref["resource-fragment"].removeprefix("char=").split(","))
            statement = next(p for p in c["parts"] if p["name"] == "statement")
            assert data.decode("utf-8")[start:end] == statement["prose"]
            checked += 1
    assert checked == 27


def test_one_resolution(built, tmp_path):
    ws, _ = built
    _, doc = export(ws, tmp_path, "oscal-catalog", "--resolution", "ATU-MV")
    catalog = Catalog.model_validate(doc["catalog"])
    assert [g.id for g in catalog.groups] == ["atu-mv"]
    assert len(controls_of(catalog)) == 11
    result = run_cli("-w", str(ws.root), "export", "oscal-catalog", "--resolution", "NOPE")
    assert result.exit_code == 2 and "no obligations for resolution 'NOPE'" in result.output


# ------------------------------------------------------------------ stability


@pytest.mark.parametrize("args", [("oscal-catalog",), ("oscal-catalog", "--catalogue"), ("oscal-assessments",),
                                  ("oscal-assessments", "--portfolio", "itu-t-in-force")])
def test_two_exports_are_byte_identical_and_dated_by_the_build(built, tmp_path, args):
    ws, _ = built
    first = run_cli("-w", str(ws.root), "export", *args)
    second = run_cli("-w", str(ws.root), "export", *args)
    assert first.exit_code == 0 and first.output == second.output
    doc = next(iter(json.loads(first.output).values()))
    assert uuid.UUID(doc["uuid"]).version == 5
    modified = datetime.fromisoformat(doc["metadata"]["last-modified"])
    if "--catalogue" in args:
        newest = max(int(p.stat().st_mtime) for p in ws.catalogue_files())
    else:
        newest = int(ws.manifest_file.stat().st_mtime)
    assert modified == datetime.fromtimestamp(newest, UTC)


def test_changed_content_gets_a_new_document_uuid_and_keeps_control_ids(workspace, tmp_path):
    _, before = export(workspace, tmp_path, "oscal-catalog", "--catalogue")
    path = workspace.catalogue_file
    path.write_text(path.read_text(encoding="utf-8").replace("Metaverse: an analysis of definitions",
                                                             "Metaverse: an analysis of its definitions"), encoding="utf-8")
    out = tmp_path / "after.json"
    assert run_cli("-w", str(workspace.root), "export", "oscal-catalog", "--catalogue", "-o", str(out)).exit_code == 0
    after = json.loads(out.read_bytes())
    assert after["catalog"]["uuid"] != before["catalog"]["uuid"]
    assert after["catalog"]["metadata"]["version"] != before["catalog"]["metadata"]["version"]
    ids = [[c["id"] for g in d["catalog"]["groups"] for c in g["controls"]] for d in (before, after)]
    assert ids[0] == ids[1]


# ------------------------------------------------------------------ catalogue round trip


def test_catalogue_round_trip_through_oscal(workspace, lexicon, tmp_path):
    """catalogue → OSCAL catalog → an empty workspace: every field of every entry is back;
    imported again into the workspace it came from, the catalogue files do not change a byte."""
    path, doc = export(workspace, tmp_path, "oscal-catalog", "--catalogue")
    Catalog.model_validate(doc["catalog"])
    original = {e.id: dataclasses.replace(e, file="", row=0) for e in load_catalogue(workspace, lexicon)}
    empty = Workspace(tmp_path / "empty")
    (empty.root / "data").mkdir(parents=True)
    result = run_cli("-w", str(empty.root), "import", "oscal-catalog", str(path))
    assert result.exit_code == 0, result.output
    assert f"{len(original)} added, 0 updated" in result.output
    imported = {e.id: dataclasses.replace(e, file="", row=0) for e in load_catalogue(empty, lexicon)}
    assert len(original) == 130 and imported == original
    before = {p.name: p.read_bytes() for p in workspace.catalogue_files()}
    result = run_cli("-w", str(workspace.root), "import", "oscal-catalog", str(path))
    assert result.exit_code == 0 and f"0 added, {len(original)} updated" in result.output
    assert {p.name: p.read_bytes() for p in workspace.catalogue_files()} == before


def test_a_catalog_from_another_tool_imports(workspace, lexicon, tmp_path):
    """NIST SP 800-53 (an excerpt of the privacy baseline, as NIST publishes it): every
    control, enhancements included, becomes an entry named by its label, with the statement
    (parameters filled in) as notes; OSCAL's withdrawn status is kept."""
    raw = json.loads(NIST.read_text(encoding="utf-8"))
    Catalog.model_validate(raw["catalog"])
    si19 = raw["catalog"]["groups"][1]["controls"][-1]
    assert si19["id"] == "si-19"
    si19["props"].append({"name": "status", "value": "withdrawn"})
    source = tmp_path / "nist.json"
    source.write_text(json.dumps(raw), encoding="utf-8")
    result = run_cli("-w", str(workspace.root), "import", "oscal-catalog", str(source), "--publisher", "sdos",
                     "--id-prefix", "NIST SP 800-53")
    assert result.exit_code == 0, result.output
    entries = {e.id: e for e in load_catalogue(workspace, lexicon) if e.id.startswith("NIST")}
    assert sorted(entries) == sorted(f"NIST SP 800-53 {x}" for x in (
        "AC-1", "AC-3", "AC-3(14)", "SI-1", "SI-12", "SI-12(1)", "SI-12(2)", "SI-12(3)", "SI-18", "SI-18(4)", "SI-19"))
    ac314 = entries["NIST SP 800-53 AC-3(14)"]
    assert (ac314.title, ac314.kind, ac314.status) == ("Individual Access", "standard", "published")
    assert lexicon.actors[ac314.publisher].notation == "sdos"
    assert ac314.notes.startswith("Provide [mechanisms] to enable individuals") and "{{" not in ac314.notes
    assert entries["NIST SP 800-53 SI-19"].status == "withdrawn"
    assert "the graph is up to date" in result.output
    # the graph has them at once: no `mvkg build` between the import and the next command
    listed = json.loads(run_cli("-w", str(workspace.root), "query", "--format", "json", "-q",
                                "SELECT ?id WHERE { ?e mvkg:identifier ?id FILTER(STRSTARTS(?id, 'NIST')) }").output)
    assert sorted(row["id"] for row in listed) == sorted(entries)


# ------------------------------------------------------------------ assessments


def seed_assessments() -> list[dict[str, str]]:
    """The seed assessments as the CSV has them (read without mvkg)."""
    with (REPO / "data" / "coverage" / "assessments.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_relation_tables_cover_the_vocabulary():
    assert set(RELATIONSHIPS) | {NOT_APPLICABLE} == set(VOCABULARY.relations.notations)
    assert set(METHODS) == set(VOCABULARY.methods.notations)


def test_assessments_mapping_parses_with_trestle_and_holds_every_assessment(built, tmp_path):
    ws, _ = built
    _, doc = export(ws, tmp_path, "oscal-assessments")
    MappingCollection.model_validate(doc["mapping-collection"])
    mapping = doc["mapping-collection"]["mappings"][0]
    got = {(m["sources"][0]["id-ref"], m["targets"][0]["id-ref"]): m for m in mapping["maps"]}
    rows = seed_assessments()
    found = [r for r in rows if r["relation"] != "not-applicable"]
    assert len(got) == len(mapping["maps"]) == len(found) > 90
    for r in found:
        m = got[(obligation_control_id(obligation_iri(r["obligation"])), entry_control_id(r["entry"]))]
        assert m["relationship"] == RELATIONSHIP[r["relation"]]
        assert m["remarks"] == r["rationale"]
        assert own(m["props"], "relation") == [r["relation"]] and own(m["props"], "assessor") == [r["assessor"]]
        assert m["targets"][0]["props"][0]["value"] == r["entry"]
        if r["confidence"]:
            assert m["confidence-score"]["percentage"] == pytest.approx(float(r["confidence"]))
        if r["evidence_url"]:
            assert {"href": r["evidence_url"], "rel": "evidence", "text": "evidence"} in m["links"]
    waived = {obligation_control_id(obligation_iri(r["obligation"])) for r in rows if r["relation"] == "not-applicable"}
    assert set(own(mapping["props"], "not-applicable")) == waived == {"atu-mv.resolves.para_f"}
    assert mapping["source-gap-summary"]["unmapped-controls"][0]["with-ids"] == sorted(waived)


def test_mapping_points_into_the_two_exported_catalogs(built, tmp_path):
    ws, _ = built
    _, mapping = export(ws, tmp_path, "oscal-assessments")
    _, obligations = export(ws, tmp_path, "oscal-catalog")
    _, catalogue = export(ws, tmp_path, "oscal-catalog", "--catalogue")
    mc = mapping["mapping-collection"]
    by_uuid = {r["uuid"]: r for r in mc["back-matter"]["resources"]}
    source = by_uuid[mc["mappings"][0]["source-resource"]["href"].removeprefix("#")]
    target = by_uuid[mc["mappings"][0]["target-resource"]["href"].removeprefix("#")]
    assert own(source["props"], "catalog-uuid") == [obligations["catalog"]["uuid"]]
    assert own(target["props"], "catalog-uuid") == [catalogue["catalog"]["uuid"]]
    obligation_ids = {c["id"] for g in obligations["catalog"]["groups"] for c in g["controls"]}
    entry_ids = {c["id"] for g in catalogue["catalog"]["groups"] for c in g["controls"]}
    maps = mc["mappings"][0]["maps"]
    assert {m["sources"][0]["id-ref"] for m in maps} <= obligation_ids
    assert {m["targets"][0]["id-ref"] for m in maps} <= entry_ids
    unmapped = set(mc["mappings"][0]["target-gap-summary"]["unmapped-controls"][0]["with-ids"])
    assert unmapped == entry_ids - {m["targets"][0]["id-ref"] for m in maps} and unmapped


def test_portfolio_keeps_only_its_members_assessments(built, lexicon, tmp_path):
    ws, _ = built
    _, doc = export(ws, tmp_path, "oscal-assessments", "--portfolio", "itu-t-in-force")
    MappingCollection.model_validate(doc["mapping-collection"])
    chosen = {slugify(e.id) for e in members("itu-t-in-force", load_portfolios(ws), load_catalogue(ws, lexicon), lexicon)}
    expected = {(obligation_control_id(obligation_iri(r["obligation"])), entry_control_id(r["entry"]))
                for r in seed_assessments() if r["relation"] != "not-applicable" and slugify(r["entry"]) in chosen}
    maps = doc["mapping-collection"]["mappings"][0]["maps"]
    assert {(m["sources"][0]["id-ref"], m["targets"][0]["id-ref"]) for m in maps} == expected
    assert 0 < len(expected) < len(seed_assessments()) - 1
    assert own(doc["mapping-collection"]["metadata"]["props"], "portfolio") == ["itu-t-in-force"]
    result = run_cli("-w", str(ws.root), "export", "oscal-assessments", "--portfolio", "nope")
    assert result.exit_code == 2 and "no portfolio named 'nope'" in result.output


def test_bulk_rdf_workspace_exports(tmp_path, resources, lexicon):
    """A synthetic workspace (resolutions, catalogue and assessments as N-Triples, some
    records with a deliberate defect such as a missing rationale) exports too: a control per
    obligation, a map per assessment that names an entry."""
    ws = Workspace(tmp_path / "synth")
    generate(ws, lexicon, 10_000, seed=3)
    pipeline.build(ws, resources, lexicon)
    _, catalog = export(ws, tmp_path, "oscal-catalog")
    listed = list_obligations(open_read_only(ws), resources)
    assert len(controls_of(Catalog.model_validate(catalog["catalog"]))) == len(listed) > 100
    _, mapping = export(ws, tmp_path, "oscal-assessments")
    MappingCollection.model_validate(mapping["mapping-collection"])
    coverage = (ws.extra_dir / "synthetic-coverage.nt").read_text(encoding="utf-8")
    named = sum(1 for line in coverage.splitlines() if "#coveredBy>" in line)
    assert len(mapping["mapping-collection"]["mappings"][0]["maps"]) == named > 100


# ------------------------------------------------------------------ bad files


def _bad(tmp: Path, name: str, content: bytes) -> Path:
    path = tmp / name
    path.write_bytes(content)
    return path


def _catalogue_doc() -> dict:
    return json.loads(NIST.read_text(encoding="utf-8"))


def _with(change) -> bytes:
    doc = _catalogue_doc()
    change(doc)
    return json.dumps(doc).encode()


BAD_FILES = [
    ("not-json.json", b"catalog: {}\n", "not JSON"),
    ("latin1.json", "{\"catalog\": \"\xe9\"}".encode("latin-1"), "not UTF-8"),
    ("array.json", b"[1, 2]", "not an OSCAL catalog"),
    ("profile.json", b'{"profile": {}}', "not an OSCAL catalog"),
    ("bad-id.json", _with(lambda d: d["catalog"]["groups"][0]["controls"][0].update(id="1 bad")),
     "groups.0.controls.0.id: '1 bad' does not have the form OSCAL requires"),
    ("no-title.json", _with(lambda d: d["catalog"]["metadata"].pop("title")), "metadata.title: Field required"),
    ("no-controls.json", _with(lambda d: d["catalog"].pop("groups")), "the catalog has no controls"),
    ("deep.json", b'{"catalog": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "expected an OSCAL catalog"),
]


@pytest.mark.parametrize(("name", "content", "expected"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_files_are_refused_with_one_line_and_change_nothing(workspace, tmp_path, name, content, expected):
    path = _bad(tmp_path, name, content)
    before = tree_hash(workspace.root)
    result = run_cli("-w", str(workspace.root), "import", "oscal-catalog", str(path), "--publisher", "sdos")
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"mvkg: error: {path}") and expected in lines[0], result.output
    assert tree_hash(workspace.root) == before


def test_controls_the_catalogue_refuses_are_all_named_and_nothing_changes(workspace, tmp_path):
    def spoil(d):
        first, second = d["catalog"]["groups"][0]["controls"][:2]
        first["props"].append({"name": "theme", "ns": OSCAL_NS, "value": "no-such-theme"})
        second["props"].append({"name": "kind", "ns": OSCAL_NS, "value": "novel"})
    path = _bad(tmp_path, "spoilt.json", _with(spoil))
    before = tree_hash(workspace.root)
    result = run_cli("-w", str(workspace.root), "import", "oscal-catalog", str(path), "--publisher", "sdos")
    assert result.exit_code == 2
    assert "2 problem(s) in its controls, nothing was changed" in result.output
    assert "control ac-1: unknown theme notation(s) ['no-such-theme']" in result.output
    assert "control ac-3: kind 'novel' is not one of" in result.output
    assert tree_hash(workspace.root) == before


def test_a_catalog_whose_controls_name_no_publisher_needs_one(workspace):
    before = tree_hash(workspace.root)
    result = run_cli("-w", str(workspace.root), "import", "oscal-catalog", str(NIST))
    assert result.exit_code == 2 and "11 control(s) name no publisher (first: ac-1)" in result.output
    assert tree_hash(workspace.root) == before
