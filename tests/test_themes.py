"""Asserted and suggested themes: each candidate theme of a clause has a confidence from where
its first cue stands (lead-in, operative part, aside, late), whether the cue is the theme's own
name, how many different words name it and how many themes the clause names; a clause asserts
its strongest theme (from `strongestFloor`) and those at or above `assertThreshold`, and suggests the rest with their
confidence, kept apart in the graph (mvkg:suggestedTheme). The numbers come from
ontology/themes.ttl (stated on mvkg:ThemeScheme)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pyshacl
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SH

from mvkg.ingest.quality import obligation_quality
from mvkg.ingest.resolutions import ingest_file
from mvkg.ingest.themes import content_words, theme_tags
from mvkg.kernel.model import Span
from mvkg.kernel.namespaces import MVKG
from mvkg.kernel.workspace import Workspace


@pytest.fixture(scope="module")
def policy(lexicon):
    return lexicon.theme_policy


def _filler(n: int) -> str:
    """n ordinary words that name no theme."""
    return " ".join((["and", "to", "report", "each", "year", "on", "the", "work", "done"] * (n // 9 + 1))[:n])


def _late_theme_resolution(lexicon, policy, tmp_path, number: int, late_words: str):
    """A one-item ITU resolution that names privacy at once and `late_words` after the operative
    window, ingested."""
    late = int(policy["operativeWords"]) + 5
    text = (f"Resolution {number} (Test, 2026)\n\nThe Plenipotentiary Conference of the International Telecommunication Union,\n\n"
            "considering\n\na) that metaverse services are growing,\n\n"
            "instructs the Director of the Telecommunication Standardization Bureau\n\n"
            f"1 to protect the privacy of users {_filler(late)} with {late_words} in mind;\n")
    path = tmp_path / "res.txt"
    path.write_text(text, encoding="utf-8")
    return ingest_file(path, lexicon, Workspace(Path(tmp_path) / "ws"), code=f"RES-{number}")


def _tags(lexicon, lead: str, own: str):
    text = (lead + "\n" if lead else "") + own
    lead_spans = (Span(0, len(lead), lead),) if lead else ()
    start = len(lead) + 1 if lead else 0
    found = theme_tags(lexicon, text, lead_spans, Span(start, len(text), own))
    notation = {iri: c.notation for iri, c in lexicon.themes.items()}
    return ({notation[t.concept]: t.confidence for t in found.asserted},
            {notation[t.concept]: t.confidence for t in found.suggested})


def test_the_policy_is_data(policy):
    assert {"operativeWords", "lateConfidence", "assertThreshold"} <= set(policy)
    assert 0 < policy["lateConfidence"] < policy["asideConfidence"] < policy["assertThreshold"] <= 1
    assert policy["assertThreshold"] <= policy["operativeConfidence"] - policy["operativeSlope"] / 2
    assert policy["operativeWords"] >= 10


def test_a_theme_named_late_is_a_suggestion(lexicon, policy):
    late = int(policy["operativeWords"]) + 5
    asserted, suggested = _tags(lexicon, "", f"to protect the privacy of users {_filler(late)} with accessibility in mind;")
    assert set(asserted) == {"privacy"} and asserted["privacy"] >= policy["assertThreshold"]
    assert suggested == {"accessibility": round(policy["lateConfidence"] + policy["prefLabelBonus"], 3)}


def test_a_theme_named_early_is_asserted(lexicon, policy):
    early = int(policy["operativeWords"]) - 15
    asserted, suggested = _tags(lexicon, "", f"to protect the privacy of users {_filler(early)} with accessibility in mind;")
    assert set(asserted) == {"privacy", "accessibility"} and suggested == {}


def test_a_lone_theme_named_late_is_a_suggestion(lexicon, policy):
    """The strongest theme is asserted below the threshold only from mvkg:strongestFloor: a
    clause whose only theme comes late suggests it."""
    late = int(policy["operativeWords"]) + 5
    value = round(policy["lateConfidence"] + policy["prefLabelBonus"], 3)
    assert value < policy["strongestFloor"] < policy["assertThreshold"]
    asserted, suggested = _tags(lexicon, "", f"to study {_filler(late)} the privacy of users;")
    assert asserted == {} and suggested == {"privacy": value}
    # without the floor the strongest theme is always asserted
    plain = replace(lexicon, theme_policy={k: v for k, v in policy.items() if k != "strongestFloor"})
    asserted, suggested = _tags(plain, "", f"to study {_filler(late)} the privacy of users;")
    assert asserted == {"privacy": value} and suggested == {}


def test_the_strongest_theme_from_the_floor_is_asserted(lexicon, policy):
    """An aside's theme named in two words reaches the floor but not the threshold: asserted
    when it is the clause's strongest, suggested beside a stronger one."""
    value = round(policy["asideConfidence"] + policy["cueBonus"], 3)
    assert policy["strongestFloor"] <= value < policy["assertThreshold"]
    asserted, suggested = _tags(lexicon, "", "to report each year, in particular on workshops and capacity building;")
    assert asserted == {"capacity-building": value} and suggested == {}
    asserted, suggested = _tags(lexicon, "", "to protect the privacy of users, in particular through workshops and capacity building;")
    assert set(asserted) == {"privacy"} and suggested == {"capacity-building": value}


def test_a_theme_of_the_lead_in_governs_the_item(lexicon, policy):
    late = int(policy["operativeWords"]) + 5
    asserted, suggested = _tags(lexicon, "to strengthen the accessibility of ICTs, in particular:",
                                f"by {_filler(late)} protecting privacy;")
    assert asserted == {"accessibility": policy["leadInConfidence"]}
    assert suggested == {"privacy": round(policy["lateConfidence"] + policy["prefLabelBonus"], 3)}


def test_at_most_the_cap_is_asserted(lexicon, policy):
    """A cap (mvkg:maxAssertedThemes) keeps the first named; the shipped policy sets none (the
    seed drafts assert up to five themes in one clause)."""
    own = "to address privacy, accessibility, interoperability, human rights and ethics in metaverse services;"
    assert len(_tags(lexicon, "", own)[0]) == 5
    capped = replace(lexicon, theme_policy={**policy, "maxAssertedThemes": 3})
    asserted, suggested = _tags(capped, "", own)
    assert len(asserted) == 3
    assert set(asserted) == {"privacy", "accessibility", "interoperability"}  # the first named
    assert set(suggested) == {"human-rights", "ethics"}


def test_suggestions_are_kept_apart_in_the_graph(lexicon, policy, resources, tmp_path):
    done = _late_theme_resolution(lexicon, policy, tmp_path, 901, "accessibility")
    g = done.graph
    [ob] = list(g.subjects(MVKG.modality, None))
    privacy, accessibility = (URIRef(lexicon.notations("theme")[n]) for n in ("privacy", "accessibility"))
    assert (ob, MVKG.hasTheme, privacy) in g and (ob, MVKG.hasTheme, accessibility) not in g
    assert (ob, MVKG.suggestedTheme, accessibility) in g
    [ev] = list(g.objects(ob, MVKG.hasSuggestionEvidence))
    assert g.value(ev, MVKG.matchedText) == Literal("accessibility")
    assert float(g.value(ev, MVKG.tagConfidence)) == round(policy["lateConfidence"] + policy["prefLabelBonus"], 3)
    # the data-quality shape holds a confidence to one number from 0 to 1
    shapes = Graph().parse(resources.shapes / "data-quality.ttl")
    evidence = Graph()
    for t in g.triples((ev, None, None)):
        evidence.add(t)
    assert pyshacl.validate(evidence, shacl_graph=shapes)[0]
    evidence.set((ev, MVKG.tagConfidence, Literal(Decimal("1.5"))))
    conforms, report, _ = pyshacl.validate(evidence, shacl_graph=shapes)
    assert not conforms and MVKG.tagConfidence in set(report.objects(None, SH.resultPath))


def test_names_and_abbreviations_do_not_lengthen_the_duty(lexicon, policy):
    """A long name counts as no content words: the theme after it is still in the operative part."""
    names = ", ".join(["Telecommunication Standardization Advisory Group (TSAG)"] * int(policy["operativeWords"]))
    asserted, suggested = _tags(lexicon, "", f"to protect the privacy of users with {names} and with accessibility in mind;")
    assert set(asserted) == {"privacy", "accessibility"} and suggested == {}
    assert content_words("the Telecommunication Standardization Advisory Group (TSAG) and the Union") == 3


def test_a_beneficiary_is_named_anywhere(lexicon, policy):
    """'…, in particular in developing countries' closes a duty: its place says nothing."""
    late = int(policy["operativeWords"]) + 5
    asserted, suggested = _tags(lexicon, "", f"to protect the privacy of users {_filler(late)}, in particular in developing countries;")
    assert set(asserted) == {"privacy", "developing-countries"} and suggested == {}
    assert lexicon.themes_named_anywhere == {lexicon.notations("theme")[n] for n in ("developing-countries", "sdgs")}


def test_a_suggestion_is_a_warning_of_its_obligation(lexicon, policy, tmp_path):
    """The analyst sees it wherever warnings are shown (`mvkg ingest`, `mvkg obligations`, the app)."""
    g = _late_theme_resolution(lexicon, policy, tmp_path, 902, "accessibility").graph
    [ob] = list(g.subjects(MVKG.modality, None))
    warnings = [str(w) for w in g.objects(ob, MVKG.extractionWarning)]
    assert len(warnings) == 1 and warnings[0].startswith("low-confidence-theme: theme 'accessibility' only suggested")
    assert float(g.value(ob, MVKG.extractionConfidence)) == lexicon.warning_factors["low-confidence-theme"] < 1


def test_a_themes_correction_settles_the_suggestions(lexicon, policy, tmp_path):
    """An analyst's themes correction decides the theme set: a confirmed suggestion is asserted
    on the words that suggested it, the others are dropped, and the warning goes with them."""
    from mvkg.ingest.rdf import resolution_graph
    from mvkg.inputs.corrections import Correction, apply_corrections

    done = _late_theme_resolution(lexicon, policy, tmp_path, 903, "accessibility and ethics")
    [ob] = done.record.obligations
    notation = {iri: n for n, iri in lexicon.notations("theme").items()}
    assert {notation[t.concept] for t in ob.suggested} == {"accessibility", "ethics"}
    fix = Correction("RES-903", "x", ob.span.text, "themes", "privacy; accessibility", "ana", "2026-12-05T09:00:00Z", "both")
    fixed = apply_corrections(done.record, done.source.text, [fix], lexicon)
    [after] = fixed.record.obligations
    assert after.suggested == ()
    tags = {notation[t.concept]: t for t in after.tags if t.concept in notation}
    assert set(tags) == {"privacy", "accessibility"} and tags["accessibility"].confidence == 1.0
    assert tags["accessibility"].span.text == "accessibility"  # the words that suggested it, not the whole clause
    g = resolution_graph(fixed.record, lexicon)
    assert not list(g.objects(None, MVKG.suggestedTheme))
    assert not [w for w in g.objects(None, MVKG.extractionWarning) if str(w).startswith("low-confidence-theme")]


def _found(lexicon, text: str) -> set[str]:
    asserted, suggested = _tags(lexicon, "", text)
    return set(asserted) | set(suggested)


@pytest.mark.parametrize(("text", "absent", "present"), [
    # duplication among ITU's own groups is coordination within ITU, not complementarity with SDOs
    ("to avoid duplication of work between the study groups of the Sectors;", "complementarity", "itu-coordination"),
    ("to avoid duplication with the work of other standards bodies;", None, "complementarity"),
    # 'in coordination / collaboration with' is a manner; the duty to coordinate or collaborate is the theme
    ("to run pilot projects in coordination with the Director of the Bureau;", "itu-coordination", None),
    ("to coordinate its activities with the Directors of the other Bureaux;", None, "itu-coordination"),
    ("to strengthen the collaboration with ITU-D on these studies;", None, "itu-coordination"),
    ("to fund research in collaboration with other organizations;", "sdo-collaboration", None),
    # frequency coordination in the Radio Regulations' sense
    ("to assist administrations in applying the coordination and notification procedures of ITU-R;",
     "itu-coordination", None),
    # taking part in the economy, the labour market or society is not taking part in ITU's work
    ("to promote the participation of young people in the labour market;", "participation", None),
    ("to facilitate the participation of small firms in the digital economy;", "participation", None),
    ("with troops provided by participating States;", "participation", None),
    ("to participate actively in the meetings of the study groups;", None, "participation"),
    ("to take an active role in implementing the strategic plan;", None, "participation"),
    # money and staff are not capacity built; building capabilities is
    ("to provide the financial and human resources needed for the programme;", "capacity-building", None),
    ("to improve the capabilities of national regulators;", None, "capacity-building"),
    # physical security, the three dimensions of sustainable development, STEM-and-innovation as a field
    ("to ensure mutual security along their common borders;", "security", None),
    ("balancing the economic, social and environmental dimensions of development;", "environmental-sustainability",
     None),
    ("to invest in renewable energy for data centres;", None, "environmental-sustainability"),
    ("to advise on science, technology, engineering and innovation issues;", "economic-growth", None),
    ("to promote electronic commerce in small economies;", None, "economic-growth"),
    # gaps in something other than standards are not standardization gaps
    ("to identify potential gaps in vocational training;", "gap-analysis", None),
    ("to identify the gaps in existing standards;", None, "gap-analysis"),
    # consent and the processing of personal data
    ("to let users withdraw consent for the use of their data;", None, "user-control-over-personal-data"),
    ("to limit the processing of personal data to what is necessary;", None, "data-protection"),
    # an inclusive political process; gender in its own words
    ("to reach an inclusive political agreement on the transition;", "inclusion", None),
    ("to apply gender mainstreaming in national programmes;", None, "inclusion"),
    # studies in the study groups are the work programme itself
    ("to foster studies in the relevant study groups on these aspects;", None, "standards-development"),
])
def test_a_theme_word_counts_in_its_sense_only(lexicon, text, absent, present):
    found = _found(lexicon, text)
    if absent:
        assert absent not in found, found
    if present:
        assert present in found, found


def test_a_theme_first_named_in_an_aside_is_a_suggestion(lexicon, policy):
    """'…, including …' opens examples of the duty: a theme named there once is one instance."""
    asserted, suggested = _tags(lexicon, "", "to protect the privacy of users, including through workshops;")
    assert set(asserted) == {"privacy"}
    assert suggested == {"capacity-building": policy["asideConfidence"]}
    # outside an aside, the same words are the duty's own
    asserted, _ = _tags(lexicon, "", "to protect the privacy of users and to organize workshops;")
    assert set(asserted) == {"privacy", "capacity-building"}
    # a new part of the clause (after ';') closes the aside
    asserted, _ = _tags(lexicon, "", "to protect privacy, in particular online; and to organize workshops;")
    assert set(asserted) == {"privacy", "capacity-building"}


def test_a_remark_after_the_duty_is_weighed_as_an_aside(lexicon, policy):
    """', and recalls …' after a UN duty is the adopting body's remark beside it."""
    asserted, suggested = _tags(lexicon, "", "to protect the privacy of users, and recalls the provision of technical assistance;")
    assert set(asserted) == {"privacy"} and suggested == {"capacity-building": policy["asideConfidence"]}
    asserted, _ = _tags(lexicon, "", "to protect the privacy of users, and to provide technical assistance;")
    assert set(asserted) == {"privacy", "capacity-building"}


def test_a_theme_named_in_other_words_too_is_not_an_aside(lexicon, policy):
    """A theme the clause names with other words too gains `cueBonus` for each: enough of them
    and it is what the clause is about, not one of its examples."""
    two = "to protect the privacy of users, in particular through workshops and capacity building;"
    asserted, suggested = _tags(lexicon, "", two)
    assert set(asserted) == {"privacy"}
    assert suggested == {"capacity-building": round(policy["asideConfidence"] + policy["cueBonus"], 3)}
    three = "to protect the privacy of users, in particular through workshops, capacity building and training programmes;"
    asserted, suggested = _tags(lexicon, "", three)
    assert asserted["capacity-building"] == round(policy["asideConfidence"] + 2 * policy["cueBonus"], 3)
    assert asserted["capacity-building"] >= policy["assertThreshold"] and suggested == {}


def test_a_beneficiary_in_an_aside_is_still_named_anywhere(lexicon, policy):
    asserted, _ = _tags(lexicon, "", "to protect the privacy of users, in particular in developing countries;")
    assert set(asserted) == {"privacy", "developing-countries"}


def test_without_the_aside_numbers_an_aside_is_asserted(lexicon, policy):
    """The aside rule is data: without mvkg:asideConfidence the aside's theme is asserted."""
    plain = replace(lexicon, theme_policy={k: v for k, v in policy.items() if k != "asideConfidence"})
    asserted, suggested = _tags(plain, "", "to protect the privacy of users, including through workshops;")
    assert set(asserted) == {"privacy", "capacity-building"} and suggested == {}


def test_confidence_falls_along_the_operative_part(lexicon, policy):
    """The later a theme is first named in the duty's own words, the less it is what the duty is about."""
    early = _tags(lexicon, "", f"to improve interoperability {_filler(30)};")[0]["interoperability"]
    later = _tags(lexicon, "", f"to study {_filler(30)} interoperability;")[0]["interoperability"]
    assert early > later
    assert early - later == pytest.approx(policy["operativeSlope"] * 30 / policy["operativeWords"], abs=0.01)


def test_the_themes_own_name_is_stronger_than_a_synonym(lexicon, policy):
    own_name = _tags(lexicon, "", "to promote interoperability of services;")[0]["interoperability"]
    synonym = _tags(lexicon, "", "to promote interoperable services;")[0]["interoperability"]
    assert own_name - synonym == pytest.approx(policy["prefLabelBonus"])


def test_a_second_word_for_the_theme_adds_a_cue_bonus(lexicon, policy):
    one = _tags(lexicon, "", f"to study {_filler(30)} workshops;")[0]["capacity-building"]
    two = _tags(lexicon, "", f"to study {_filler(30)} workshops and capacity building;")[0]["capacity-building"]
    assert two - one == pytest.approx(policy["cueBonus"], abs=0.01)


def test_a_crowded_clause_lowers_every_theme(lexicon, policy):
    """Each candidate beyond `crowdFree` costs every theme `crowdPenalty`."""
    few = _tags(lexicon, "", "to address privacy and accessibility in metaverse services;")[0]
    many = _tags(lexicon, "", "to address privacy, accessibility, interoperability, human rights and ethics;")
    both = {**many[0], **many[1]}
    assert len(both) == 5
    assert few["privacy"] - both["privacy"] == pytest.approx(policy["crowdPenalty"] * (5 - policy["crowdFree"]), abs=0.01)


def test_the_threshold_is_data(lexicon, policy):
    """Raising mvkg:assertThreshold above a theme's confidence makes it a suggestion with that
    confidence; lowering it below a late theme's asserts it."""
    own = f"to protect the privacy of users {_filler(20)} and accessibility;"
    asserted, _ = _tags(lexicon, "", own)
    value = asserted["accessibility"]
    strict = replace(lexicon, theme_policy={**policy, "assertThreshold": value + 0.01})
    asserted, suggested = _tags(strict, "", own)
    assert set(asserted) == {"privacy"} and suggested == {"accessibility": value}
    late = f"to protect the privacy of users {_filler(int(policy['operativeWords']) + 5)} with accessibility in mind;"
    lenient = replace(lexicon, theme_policy={**policy, "assertThreshold": policy["lateConfidence"]})
    assert set(_tags(lenient, "", late)[0]) == {"privacy", "accessibility"}


def _warning(lexicon, policy, tmp_path, number: int, own: str, threshold: float | None = None) -> str:
    lex = lexicon if threshold is None else replace(lexicon, theme_policy={**policy, "assertThreshold": threshold})
    text = (f"Resolution {number} (Test, 2026)\n\nThe Plenipotentiary Conference of the International Telecommunication Union,\n\n"
            "instructs the Director of the Telecommunication Standardization Bureau\n\n" f"1 {own}\n")
    path = tmp_path / f"res{number}.txt"
    path.write_text(text, encoding="utf-8")
    record = ingest_file(path, lex, Workspace(Path(tmp_path) / f"ws{number}"), code=f"RES-{number}").record
    [quality] = obligation_quality(record, lex).values()
    [message] = [m for kind, m in quality.warnings if kind == "low-confidence-theme"]
    return message


def test_the_warning_says_why_the_theme_is_only_suggested(lexicon, policy, tmp_path):
    late = _warning(lexicon, policy, tmp_path, 911,
                    f"to protect the privacy of users {_filler(int(policy['operativeWords']) + 5)} with accessibility in mind;")
    assert "'accessibility' comes late in the clause" in late
    aside = _warning(lexicon, policy, tmp_path, 912, "to protect the privacy of users, including through workshops;")
    assert "'workshops' is named in an aside" in aside and "late" not in aside
    below = _warning(lexicon, policy, tmp_path, 913, "to protect the privacy and the accessibility of services;", 0.999)
    assert "below the assert threshold 0.999" in below and "late" not in below and "aside" not in below
