"""The closed value lists come from the ontology: every scheme is complete, the verdicts are the
ones the SHACL checks report, and a new value is a Turtle edit that the library picks up."""

from __future__ import annotations

import shutil

import pytest
from rdflib import Graph, URIRef

from mvkg.compliance.validate import SEVERITIES, VERDICTS
from mvkg.inputs.assessments import METHODS, RELATIONS
from mvkg.inputs.catalogue import KINDS, STATUSES
from mvkg.kernel.errors import WorkspaceError
from mvkg.kernel.namespaces import MVKG
from mvkg.kernel.vocabulary import VOCABULARY, load_vocabulary
from mvkg.render.reports import VERDICT_MARK


@pytest.mark.parametrize("field", ["verdicts", "entry_kinds", "entry_statuses", "relations", "methods", "severities",
                                   "alignment_relations", "review_statuses", "resolution_statuses"])
def test_every_scheme_has_ordered_labelled_concepts(field):
    scheme = getattr(VOCABULARY, field)
    assert len(scheme.concepts) >= 2
    assert all(c.notation and c.label and c.definition for c in scheme)
    orders = [c.order for c in scheme]
    assert orders == sorted(orders) and len(set(orders)) == len(orders) and 999 not in orders


def test_verdicts_carry_icon_and_colour_and_are_the_ones_shacl_reports(resources):
    assert all(c.icon and c.colour.startswith("#") for c in VOCABULARY.verdicts)
    shapes = Graph().parse(resources.shapes / "compliance.ttl")
    reported = {str(o).rsplit("verdict-", 1)[-1] for o in shapes.objects(None, MVKG.reportsVerdict)}
    assert reported <= set(VOCABULARY.verdicts.notations)
    assert VERDICT_MARK["covered"] == "✔ covered"


def test_the_library_lists_are_the_ontology_lists():
    assert VOCABULARY.verdicts.notations == VERDICTS
    assert VOCABULARY.entry_kinds.notations == KINDS and VOCABULARY.entry_statuses.notations == STATUSES
    assert VOCABULARY.relations.notations == RELATIONS and VOCABULARY.methods.notations == METHODS
    assert sorted(SEVERITIES.values()) == sorted(VOCABULARY.severities.notations)
    assert VOCABULARY.in_force_statuses == ("published", "approved")


def test_a_new_status_is_a_turtle_edit(tmp_path, resources):
    for path in resources.ontology_files():
        shutil.copy(path, tmp_path / path.name)
    extra = tmp_path / "coverage.ttl"
    extra.write_text(extra.read_text(encoding="utf-8") + """
mvkg:status-superseded a mvkg:EntryStatus , owl:NamedIndividual ; skos:inScheme mvkg:EntryStatusScheme ;
    skos:prefLabel "superseded"@en ; skos:notation "superseded" ; mvkg:displayOrder 6 ; mvkg:inForce false ;
    skos:definition "Replaced by a newer edition."@en .
""", encoding="utf-8")
    vocab = load_vocabulary(sorted(tmp_path.glob("*.ttl")))
    assert vocab.entry_statuses.notations[-1] == "superseded"
    assert vocab.entry_statuses.get("superseded").iri == str(URIRef(str(MVKG) + "status-superseded"))
    assert "superseded" not in vocab.in_force_statuses


def test_a_scheme_with_no_concepts_is_an_error(tmp_path, resources):
    onto = tmp_path / "only.ttl"
    onto.write_text((resources.ontology / "mvkg.ttl").read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(WorkspaceError, match="VerdictScheme has no concepts"):
        load_vocabulary([onto])
