"""Own IRIs never differ only in case (0.3.0 renamed the 13 properties that did), the files
that use the ontology (shapes, queries, code) use the new names only, and a snapshot written
with the old names still lists, shows, compares and verifies."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

from rdflib import RDF, Graph, URIRef
from rdflib.namespace import OWL, SKOS

from conftest import copy_workspace, run_cli
from mvkg import pipeline
from mvkg.history.snapshot_store import SnapshotStore, content_id
from mvkg.history.snapshots import default_folder

REPO = Path(__file__).resolve().parent.parent
OWN = "https://w3id.org/mvkg/"
MVKG = "https://w3id.org/mvkg/ontology#"
# old name -> new name (ontology/README.md, version 0.3.0)
RENAMED = {"alignmentRelation": "hasAlignmentRelation", "entryStatus": "hasEntryStatus", "obligation": "hasObligation",
           "patternRole": "hasPatternRole", "relation": "hasRelation", "reviewStatus": "hasReviewStatus",
           "sdgReference": "hasSdgReference", "sourceDocument": "hasSourceDocument", "strength": "hasStrength",
           "tagEvidence": "hasTagEvidence", "verb": "hasVerb", "verdict": "reportsVerdict",
           "verdictRecord": "hasVerdictRecord"}


def _ontology() -> Graph:
    g = Graph()
    for path in sorted((REPO / "ontology").glob("*.ttl")):
        g.parse(path)
    return g


def _own_iris(g: Graph) -> set[str]:
    return {str(t) for triple in g for t in triple if isinstance(t, URIRef) and str(t).startswith(OWN)}


def test_no_two_own_iris_differ_only_in_case():
    iris = _own_iris(_ontology())
    folded: dict[str, set[str]] = defaultdict(set)
    for iri in iris:
        folded[iri.casefold()].add(iri)
    clashes = sorted(sorted(group) for group in folded.values() if len(group) > 1)
    assert len(iris) > 500 and clashes == []


def test_renamed_properties_are_declared_with_a_change_note_and_old_names_are_gone():
    g = _ontology()
    for old, new in RENAMED.items():
        prop = URIRef(MVKG + new)
        assert set(g.objects(prop, RDF.type)) & {OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty}, new
        assert f"mvkg:{old} " in str(g.value(prop, SKOS.changeNote)), new
        assert not list(g.triples((URIRef(MVKG + old), None, None))), f"mvkg:{old} is still declared"
        assert not list(g.triples((None, URIRef(MVKG + old), None))), f"mvkg:{old} is still used"


def test_shapes_queries_and_code_use_no_name_that_folds_to_a_class():
    g = _ontology()
    classes = {str(c)[len(MVKG):] for c in g.subjects(RDF.type, OWL.Class) if str(c).startswith(MVKG)}
    by_fold = {c.casefold(): c for c in classes}
    used = re.compile(r"(?:mvkg:|ontology#|MVKG\.|\{MVKG\})([A-Za-z][A-Za-z0-9_]*)(?![-A-Za-z0-9_])")
    files = [*REPO.glob("shapes/*.ttl"), *REPO.glob("queries/*.rq"), *REPO.glob("queries/internal/*.rq"),
             *REPO.glob("src/mvkg/**/*.py"), *REPO.glob("tests/*.py"), *REPO.glob("benchmarks/*.py")]
    wrong = sorted({(p.relative_to(REPO).as_posix(), name) for p in files if p.name != "test_ontology_names.py"
                    for name in used.findall(p.read_text(encoding="utf-8"))
                    if name.casefold() in by_fold and name != by_fold[name.casefold()]})
    assert len(files) > 80 and wrong == []
    # names built from a local name (f"<{MVKG[local]}>"): the old names that are no plain words
    distinct = [old for old in RENAMED if old not in ("obligation", "relation", "strength", "verb", "verdict")]
    quoted = re.compile(r"[\"'](" + "|".join(distinct) + r")[\"']")
    code = [p for p in files if p.suffix == ".py" and p.name != "test_ontology_names.py"]
    assert sorted({p.relative_to(REPO).as_posix() for p in code if quoted.search(p.read_text(encoding="utf-8"))}) == []


def test_snapshot_written_with_the_old_names_still_lists_shows_compares_and_verifies(tmp_path, resources, lexicon):
    """Snapshots are sealed records (manifest.json holds each file's sha256), so an older
    snapshot is read as written: list, show, diff and verify read snapshot.json, which names
    no ontology property; snapshot.trig is delivered byte for byte with the names of its day."""
    ws = copy_workspace(tmp_path)
    pipeline.build(ws, resources, lexicon)
    new_id = run_cli("--workspace", str(ws.root), "snapshot", "create", "-p", "in-force-and-drafts",
                     "--label", "new names").output.strip()
    store = SnapshotStore(default_folder(ws))
    content = {k: v for k, v in store.load(new_id).items() if k != "id"}
    content["label"] = "written by 0.2.0"
    new_trig = store.trig(new_id)
    old_trig = re.sub(r"(mvkg:|ontology#)hasVerdictRecord\b", r"\1verdictRecord", new_trig)
    old_trig = re.sub(r"(mvkg:|ontology#)hasObligation\b", r"\1obligation", old_trig)
    assert old_trig != new_trig and "mvkg:verdictRecord" in old_trig
    old_id = store.write(content, old_trig.encode("utf-8"), content_id(content))

    cli = ("--workspace", str(ws.root), "snapshot")
    listed = json.loads(run_cli(*cli, "list", "--format", "json").output)
    assert {s["id"] for s in listed} == {old_id, new_id} and not any(s.get("damaged") for s in listed)
    shown = json.loads(run_cli(*cli, "show", old_id, "--format", "json").output)
    assert shown["obligations"] == store.load(new_id)["obligations"] and shown["label"] == "written by 0.2.0"
    compared = json.loads(run_cli(*cli, "diff", old_id, new_id, "--format", "json").output)
    assert compared["changes"] == []
    verified = run_cli(*cli, "verify", old_id)
    assert verified.exit_code == 0 and ": ok" in verified.output
    exported = run_cli(*cli, "show", old_id, "--format", "trig").output
    assert "mvkg:verdictRecord" in exported and "mvkg:hasVerdictRecord" not in exported

