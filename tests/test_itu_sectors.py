"""Texts of the ITU bodies and UN bodies the development corpus has none of (ITU-T, ITU-R and
ITU-D assemblies, the ITU Council, UNESCO's General Conference), each read on a short made-up
excerpt in the layout those bodies publish: who adopts, who is addressed, how strong."""

from __future__ import annotations

from mvkg.ingest.extract import build_record
from mvkg.ingest.parse import parse_resolution
from mvkg.kernel.model import ObligationRecord, ResolutionMeta


def _record(lexicon, text: str):
    parsed = parse_resolution(text, lexicon, "t.txt")
    return build_record(parsed, ResolutionMeta("T"), lexicon, source_file="t.txt", sha256="0", media_type="text/plain")


def _by_item(lexicon, text: str) -> dict[str, ObligationRecord]:
    return {f"{o.section.rsplit('/', 1)[-1]}/{o.item}": o for o in _record(lexicon, text).obligations}


def _names(lexicon, iris) -> list[str]:
    return sorted(lexicon.actors[i].notation if i in lexicon.actors else i for i in iris)


def test_a_council_decision_binds_the_union(lexicon):
    """'The Council, … decides 1 to approve …': the ITU Council decides for the Union between
    Plenipotentiary Conferences, as a Plenipotentiary 'resolves' binds ITU."""
    record = _record(lexicon, "DECISION 9 (2031)\n\nThe Council,\n\nconsidering\n\nthe report of the working group,\n\n"
                     "decides\n\n1 to approve the budget of the Union for 2032-2033;\n\n"
                     "2 that the contributory unit shall remain unchanged,\n\n"
                     "instructs the Secretary-General\n\nto report to the Council at its next session.\n")
    assert record.assembly is not None and lexicon.actors[record.assembly].notation == "council"
    assert [_names(lexicon, o.bearers) for o in record.obligations] == [["itu"], ["itu"], ["sg"]]


def test_the_itu_radiocommunication_assembly_is_the_assembly_not_itu(lexicon):
    """'The ITU Radiocommunication Assembly,': ITU-R's assembly, so a plain 'resolves' binds ITU-R."""
    record = _record(lexicon, "RESOLUTION ITU-R 99\n\nThe ITU Radiocommunication Assembly,\n\nconsidering\n\n"
                     "that studies are needed,\n\nresolves\n\n1 that the working methods are as given in Annex 1;\n\n"
                     "2 to review them at the next assembly.\n")
    assert lexicon.actors[record.assembly].notation == "ra"
    assert [_names(lexicon, o.bearers) for o in record.obligations] == [["itu-r"], ["itu-r"]]


def test_unescos_general_conference_adopts_for_unesco(lexicon):
    """'The General Conference,' in a UNESCO text is UNESCO's; its 'Adopts the Recommendation …
    annexed' is its own act, not an instruction to the Recommendation."""
    record = _record(lexicon, "The General Conference,\n\nRecalling its earlier resolution on river data,\n\n"
                     "1. Adopts the Recommendation on River Data annexed to this resolution;\n\n"
                     "2. Encourages National Commissions for UNESCO to promote river data at the national level;\n\n"
                     "3. Calls upon non-governmental organizations, academia and the scientific community to support "
                     "the Recommendation;\n")
    assert lexicon.actors[record.assembly].notation == "unesco"
    got = {o.item: _names(lexicon, o.bearers) for o in record.obligations}
    assert got == {"1": ["unesco"], "2": ["unesco-natcoms"], "3": ["acad", "ngos", "scientific-community"]}


def test_a_should_under_resolves_is_a_recommendation(lexicon):
    """'resolves 1 that administrations should consider …' states what ought to be done; 'shall'
    first (even with 'should' in an aside after it) stays binding, as does a plain 'to …'."""
    obs = _by_item(lexicon, "The World Radiocommunication Conference (Nowhere, 2031),\n\nconsidering\n\n"
                   "that spectrum is scarce,\n\nresolves\n\n"
                   "1 that administrations should consider the band 1-2 GHz for national planning;\n\n"
                   "2 that the Bureau shall, should an administration so request, publish the data;\n\n"
                   "3 to review the band at the next conference.\n")
    assert {k: o.strength for k, o in obs.items()} == {
        "resolves/1": "recommendation", "resolves/2": "binding", "resolves/3": "binding"}


def test_sector_assembly_addressees(lexicon):
    """'ITU-T Sector Members' are Sector Members (not ITU-T and them); 'regional and international
    organizations' are named as 'international and regional organizations' are; 'the Directors of
    the other two Bureaux' are the Directors beside the one instructed; 'in consultation with the
    Coordination Committee' and 'cooperate with the United Nations Office for the Coordination of
    Humanitarian Affairs' name those bodies, not the United Nations."""
    obs = _by_item(lexicon, "The World Telecommunication Standardization Assembly (Nowhere, 2031),\n\nconsidering\n\n"
                   "that the gap persists,\n\n"
                   "resolves to instruct the Director of the Telecommunication Standardization Bureau, in collaboration "
                   "with the Directors of the other two Bureaux\n\n1 to organize workshops on standards;\n\n"
                   "2 to implement cost-efficiency measures, in consultation with the Coordination Committee,\n\n"
                   "encourages ITU-T Sector Members\n\nto host interns,\n\n"
                   "invites regional and international organizations\n\nto support this resolution,\n\n"
                   "requests the Secretary-General\n\nto continue to cooperate with the United Nations Office for "
                   "the Coordination of Humanitarian Affairs.\n")
    got = {k: (_names(lexicon, o.bearers), _names(lexicon, o.collaborators)) for k, o in obs.items()}
    assert got["instructs-dir-tsb/1"] == (["dir-tsb"], ["dir-bdt", "dir-br"])
    assert got["instructs-dir-tsb/2"] == (["dir-tsb"], ["coordination-committee", "dir-bdt", "dir-br"])
    assert [v for k, v in got.items() if k.startswith("encourages")] == [(["smem"], [])]
    assert [v for k, v in got.items() if k.startswith("invites")] == [(["international-orgs"], [])]
    assert [v for k, v in got.items() if k.startswith("requests")] == [(["sg"], ["ocha"])]


def test_media_organizations_are_addressed(lexicon):
    """'Encourages media organizations to …' binds them, not the Council that encourages."""
    record = _record(lexicon, "The Human Rights Council,\n\nRecalling its earlier resolutions,\n\n"
                     "1. Encourages media organizations to provide safety training to their staff;\n")
    assert [_names(lexicon, o.bearers) for o in record.obligations] == [["media"]]


def test_the_study_groups_of_a_sector_text_are_that_sectors(lexicon):
    """In a WTSA text 'the study groups' and 'that study groups shall' are ITU-T's; in an RA or
    WRC text 'Study Group 5' is ITU-R's (terrestrial services), not ITU-T Study Group 5, and
    'Study Group 1' ITU-R's; in a WTDC text 'Study Group 2' is ITU-D's."""
    wtsa = _by_item(lexicon, "The World Telecommunication Standardization Assembly (Nowhere, 2031),\n\n"
                    "considering\n\nthat topics overlap,\n\nresolves\n\n1 that study groups shall avoid duplication;\n\n"
                    "2 to review the mandates,\n\nfurther instructs the study groups\n\nto report to TSAG.\n")
    assert {k: _names(lexicon, o.bearers) for k, o in wtsa.items()} == {
        "resolves/1": ["itu-t-sgs"], "resolves/2": ["itu-t"], "instructs-itu-t-sgs/": ["itu-t-sgs"]}
    ra = _record(lexicon, "The ITU Radiocommunication Assembly,\n\nconsidering\n\nthat access is needed,\n\n"
                 "resolves\n\n1 to instruct Study Group 5 to study rural access;\n\n"
                 "2 to instruct Study Group 1 to study spectrum management,\n\n"
                 "invites the study groups\n\nto report.\n")
    assert [_names(lexicon, o.bearers) for o in ra.obligations] == [["itu-r-sg5"], ["itu-r-sg1"], ["itu-r-sgs"]]
    wtdc = _record(lexicon, "The World Telecommunication Development Conference (Nowhere, 2031),\n\nconsidering\n\n"
                   "that gaps persist,\n\ninstructs Study Group 2\n\nto study digital services.\n")
    assert [_names(lexicon, o.bearers) for o in wtdc.obligations] == [["itu-d-sg2"]]


def test_a_plenipotentiary_text_keeps_itu_t_study_groups_and_generic_ones(lexicon):
    """Outside a Sector's text 'Study Group 17' stays ITU-T's and 'the study groups' no Sector's."""
    record = _record(lexicon, "The Plenipotentiary Conference of the International Telecommunication Union (Nowhere, 2030),\n\n"
                     "considering\n\nthat threats grow,\n\ninstructs Study Group 17\n\nto study security,\n\n"
                     "invites the study groups\n\nto cooperate.\n")
    assert [_names(lexicon, o.bearers) for o in record.obligations] == [["sg17"], ["study-groups"]]


def test_items_labelled_with_their_parents_labels_nest(lexicon):
    """ITU texts number sub-items '2.1', '2.2' under item 2 (and Word prints its multi-level
    numbering '1.5.b.i'): each is its own unit under its parent, and '3' after '2.2.b' is item 3
    again, not 2.3."""
    obs = _by_item(lexicon, "The World Telecommunication Standardization Assembly (Nowhere, 2031),\n\n"
                   "considering\n\nthat numbers are scarce,\n\nresolves\n\n1 to keep the procedures;\n\n"
                   "2 that the Director of the Telecommunication Standardization Bureau shall:\n\n"
                   "2.1 consult Study Group 2;\n\n2.2 in case of misuse:\n\na) inform the administration;\n\n"
                   "b) publish the case;\n\n3 to review the procedures,\n\n"
                   "instructs Study Group 2\n\n1.\tto study numbers;\n\n1.1\tin particular short codes;\n\n"
                   "1.2\tand the use of letters:\n\n1.2.a\tfor services;\n\n1.2.a.i\tnamed by region;\n\n"
                   "2.\tto report.\n")
    assert sorted(obs) == ["instructs-sg2/1.1", "instructs-sg2/1.2.a.i", "instructs-sg2/2", "resolves/1",
                           "resolves/2.1", "resolves/2.2.a", "resolves/2.2.b", "resolves/3"]
    assert _names(lexicon, obs["resolves/2.2.a"].bearers) == ["dir-tsb"]
    assert obs["resolves/2.2.b"].span.text == "publish the case;"


def test_a_dotted_list_with_no_parent_item_is_a_list_of_its_own(lexicon):
    """'1.1 to …', '1.2 to …' as the first items of a heading: two units labelled as printed."""
    obs = _by_item(lexicon, "The World Telecommunication Standardization Assembly (Nowhere, 2031),\n\n"
                   "considering\n\nthat things grow,\n\ninstructs Study Group 20\n\n1.1 to study things;\n\n"
                   "1.2 to develop Recommendations on cities.\n")
    assert sorted(obs) == ["instructs-sg20/1.1", "instructs-sg20/1.2"]


def test_the_bureau_of_a_sector_text_is_that_sectors(lexicon):
    """A WRC text's 'the Bureau' is the Radiocommunication Bureau (minted as 'Bureau' before); a
    WTSA text's 'the Advisory Group' is TSAG; 'the Bureau of the Commission' is not a Sector's."""
    wrc = _by_item(lexicon, "The World Radiocommunication Conference (Nowhere, 2031),\n\nconsidering\n\n"
                   "that cases arise,\n\nresolves\n\n1 that the Bureau shall apply the procedure in Annex 1,\n\n"
                   "instructs the Bureau\n\nto assist administrations,\n\n"
                   "requests administrations\n\nto cooperate with the Bureau.\n")
    assert {k: (_names(lexicon, o.bearers), _names(lexicon, o.collaborators)) for k, o in wrc.items()} == {
        "resolves/1": (["br"], []), "instructs-br/": (["br"], []), "requests-administrations/": (["administrations"], ["br"])}
    wtsa = _record(lexicon, "The World Telecommunication Standardization Assembly (Nowhere, 2031),\n\nconsidering\n\n"
                   "that work grows,\n\ninstructs the Advisory Group\n\nto review the work.\n")
    assert [_names(lexicon, o.bearers) for o in wtsa.obligations] == [["tsag"]]
    ga = _record(lexicon, "The General Assembly,\n\nRecalling its resolutions,\n\n"
                 "1. Requests the Bureau of the Commission to report;\n\n"
                 "2. Invites the regional commissions to continue their work;\n")
    assert [_names(lexicon, o.bearers) for o in ga.obligations] == [
        ["https://w3id.org/mvkg/actor/named/bureau-of-the-commission"], ["un-regional-commissions"]]


def test_resolves_to_strongly_recommend_hands_the_duty_on(lexicon):
    """'resolves 1 to strongly recommend administrations to use …' recommends to administrations,
    as 'resolves 8 to instruct the Director …' instructs the Director."""
    obs = _by_item(lexicon, "The World Radiocommunication Conference (Nowhere, 2031),\n\nconsidering\n\n"
                   "that harmonization helps,\n\nresolves\n\n"
                   "1 to strongly recommend administrations to use harmonized bands;\n\n"
                   "2 to further invite the Radio Regulations Board to review its rules,\n\n"
                   "instructs the Director of the Radiocommunication Bureau\n\nto report.\n")
    got = {k: (_names(lexicon, o.bearers), o.strength) for k, o in obs.items()}
    assert got["resolves/1"] == (["administrations"], "recommendation")
    assert got["resolves/2"] == (["rrb"], "recommendation")


def test_an_administration_named_by_its_role_is_an_administration(lexicon):
    """'that the notifying administration shall …', 'the administrations concerned shall …'."""
    obs = _by_item(lexicon, "The World Radiocommunication Conference (Nowhere, 2031),\n\nconsidering\n\n"
                   "that interference occurs,\n\nresolves\n\n"
                   "1 that the notifying administration shall eliminate any unacceptable interference;\n\n"
                   "2 that the administrations concerned shall cooperate;\n\n3 to review this resolution.\n")
    assert {k: _names(lexicon, o.bearers) for k, o in obs.items()} == {
        "resolves/1": ["administrations"], "resolves/2": ["administrations"], "resolves/3": ["itu-r"]}


def test_development_partners_and_a_named_task_team_with_commas_are_addressed(lexicon):
    """'Calls upon development partners and the private sector' is both; 'the Inter-Agency Task
    Team on Science, Technology and Innovation for the Sustainable Development Goals' (a name
    with a comma) is the task team, not the Council that encourages it."""
    record = _record(lexicon, "The Economic and Social Council,\n\nRecalling its resolutions,\n\n"
                     "1. Calls upon development partners and the private sector to support training;\n\n"
                     "2. Encourages the Inter-Agency Task Team on Science, Technology and Innovation for the "
                     "Sustainable Development Goals to cooperate with the Commission;\n")
    assert [_names(lexicon, o.bearers) for o in record.obligations] == [["development-partners", "industry"], ["iatt"]]


def test_a_normative_annex_gives_units_and_a_plain_one_none(lexicon):
    """An annex whose paragraphs lay down duties ('1 The CPM shall hold …', 'The group shall: a) …')
    gives one unit per item, under the resolution's binding verb and the annex heading, borne by
    the body the sentence names ('The CPM') or the adopting one; an annex of plain text (an action
    plan's programme and objective) gives none, and plain text after the duties ends them."""
    head = ("The ITU Radiocommunication Assembly,\n\nconsidering\n\nthat preparation matters,\n\n"
            "resolves\n\n1 that the working methods are as described in Annex 1,\n\n"
            "invites administrations\n\nto contribute.\n\n")
    record = _record(lexicon, head + "ANNEX 1\n\nWorking methods\n\n1 The CPM shall hold two sessions.\n\n"
                     "2 The second session shall prepare the report:\n\na) on the basis of contributions;\n\n"
                     "b) in the six languages.\n\nBackground\n\nThe CPM was set up in 1993.\n\n"
                     "ANNEX 2\n\nAction plan\n\nProgramme 1: strengthening capacities\n\nObjective: to train experts.\n")
    headings = {s.iri: s.heading for s in record.sections}
    annex = [(o.item, _names(lexicon, o.bearers), o.strength) for o in record.obligations if headings[o.section] == "ANNEX 1"]
    assert annex == [("1", ["cpm"], "binding"), ("2.a", ["itu-r"], "binding"), ("2.b", ["itu-r"], "binding")]
    assert len(record.obligations) == 5  # resolves 1, invites, and the three annex units
    assert not any("1993" in o.span.text or "experts" in o.span.text for o in record.obligations)


def _title(lexicon, text: str) -> tuple[str | None, str | None, str | None]:
    parsed = parse_resolution(text, lexicon, "t.txt")
    code = parsed.code or (f"RES-{parsed.number}" if parsed.number else None) or (
        parsed.document_numbers[0] if parsed.document_numbers else None)
    return code, parsed.title, parsed.date


BODY = "\n\nconsidering\n\nthat studies are needed,\n\nresolves\n\n1 to review them.\n"
UN_BODY = "\n\nRecalling its earlier resolutions,\n\n1. Requests the Secretary-General to report.\n"


def test_title_lines_of_decisions_and_sector_resolutions(lexicon):
    """'DECISION 7 (2031)' is DEC-7 as 'RESOLUTION 76' is RES-76, also with an amendment note
    in its parenthesis; 'RESOLUTION ITU-R 88-3' is cited as 'ITU-R 88-3'. The line after is the title."""
    assert _title(lexicon, "DECISION 7 (2031)\n\nCosts of the next session\n\nThe Council," + BODY)[:2] == (
        "DEC-7", "Costs of the next session")
    assert _title(lexicon, "DECISION 615 (C2031, last amended C2033)\n\nLanguages of meetings\n\nThe Council,"
                  + BODY)[:2] == ("DEC-615", "Languages of meetings")
    assert _title(lexicon, "RESOLUTION ITU-R 88-3\n\nWorking methods of the study groups\n\n"
                  "The ITU Radiocommunication Assembly," + BODY)[:2] == (
        "ITU-R 88-3", "Working methods of the study groups")


def test_title_lines_of_un_resolutions(lexicon):
    """'63/4. Title' of a Human Rights Council text is A/HRC/RES/63/4; a General Assembly
    title after '[on the report of the … Committee (A/…)]' is the title, the committee's symbol
    is not the resolution's, and 'Resolution adopted by the General Assembly on …' dates it. A
    title printed alone above the adopting body's line is the title; a date line is not."""
    assert _title(lexicon, "Resolution adopted by the Human Rights Council on 3 April 2031\n\n"
                  "63/4.\n\nRivers and human\nrights\n\nThe Human Rights Council," + UN_BODY) == (
        "A/HRC/RES/63/4", "Rivers and human rights", "2031-04-03")
    assert _title(lexicon, "Resolution adopted by the General Assembly on 19 December 2031\n\n"
                  "[on the report of the Second Committee\n(A/86/415)]\n\nData for rivers\n\nThe General Assembly,"
                  + UN_BODY) == (None, "Data for rivers", "2031-12-19")
    assert _title(lexicon, "United Nations A/RES/86/77\n\nResolution adopted by the General Assembly on 19 December "
                  "2031\n\n[without reference to a Main Committee (A/86/L.12)]\n\n86/77. Data for rivers\n\n"
                  "The General Assembly," + UN_BODY)[:2] == ("A/RES/86/77", "Data for rivers")
    assert _title(lexicon, "[on the report of the Third Committee (A/86/400)]\n\n86/90. Rivers\n\nThe General Assembly,"
                  + UN_BODY)[:2] == ("A/RES/86/90", "Rivers")
    assert _title(lexicon, "Open rivers\n\nThe General Conference," + UN_BODY)[:2] == (None, "Open rivers")
    assert _title(lexicon, "Distr.: General\n3 April 2031\n\nThe General Conference," + UN_BODY)[1] is None


def _minted_names(lexicon, text: str) -> dict[str, tuple[list[str], str]]:
    record = _record(lexicon, text)
    minted = dict(record.minted_actors)

    def name(iri: str) -> str:
        return lexicon.actors[iri].notation if iri in lexicon.actors else minted[iri]

    return {f"{o.section.rsplit('/', 1)[-1]}/{o.item}": (sorted(name(b) for b in o.bearers), o.strength)
            for o in record.obligations}


def test_that_a_body_may_is_a_permission_to_that_body(lexicon):
    """'resolves 1 that TSAG may …' and 'that the Regional Liaison Office may …' permit those
    bodies (a 'may' under 'resolves' is a recommendation by the labelling rules), and 'the
    Director' of a WTSA text is the Director of TSB, as 'the Bureau' is TSB; a system named
    without an article ('that FSS terminals operating … may use …') and a passive ('may be used')
    are not actors: the assembly's Sector bears them."""
    got = _minted_names(lexicon, "The World Telecommunication Standardization Assembly (Nowhere, 2031),\n\n"
                        "considering\n\nthat procedures change,\n\nresolves\n\n"
                        "1 that TSAG may, between assemblies, adopt interim working methods;\n\n"
                        "2 that the Regional Liaison Office may, on request, host the meetings;\n\n"
                        "3 that FSS terminals operating in the band may use adaptive coding;\n\n"
                        "4 that the interim methods may be used until the next assembly;\n\n"
                        "5 that, where a topic may concern several groups, TSAG shall decide;\n\n"
                        "6 that the Director may, in urgent cases, convene a meeting.\n")
    assert got == {"resolves/1": (["tsag"], "recommendation"),
                   "resolves/2": (["Regional Liaison Office"], "recommendation"),
                   "resolves/3": (["itu-t"], "recommendation"),
                   "resolves/4": (["itu-t"], "recommendation"),
                   "resolves/5": (["tsag"], "binding"),
                   "resolves/6": (["dir-tsb"], "recommendation")}


def test_a_known_actor_opening_a_that_clause_bears_it(lexicon):
    """'that all ITU-T study groups continue to …' (no modal) binds the study groups, not the
    Sector; 'that, where …, the lead study group shall: a) …' binds the lead study group; a
    copula ('that ITU-T is the …') or a longer name ('that the Council Working Group on …') does
    not make its first words (ITU-T, the Council) the bearer."""
    got = _minted_names(lexicon, "The World Telecommunication Standardization Assembly (Nowhere, 2031),\n\n"
                        "considering\n\nthat topics overlap,\n\nresolves\n\n"
                        "1 that all ITU-T study groups continue to review their Recommendations;\n\n"
                        "2 that, where a topic falls within several mandates, the lead study group shall:\n\n"
                        "a) coordinate the work;\n\nb) keep a work programme;\n\n"
                        "3 that ITU-T is the home of this work, and its results be published;\n\n"
                        "4 that the Council Working Group on Rivers prepare a report.\n")
    assert {k: v[0] for k, v in got.items()} == {
        "resolves/1": ["itu-t-sgs"], "resolves/2.a": ["lead-sg"], "resolves/2.b": ["lead-sg"],
        "resolves/3": ["itu-t"], "resolves/4": ["itu-t"]}


def test_each_named_partner_after_cooperate_with_is_a_collaborator(lexicon):
    """'cooperate with OCHA and the Global River Data Cluster, in order to …': the name the
    lexicon does not know is minted beside the known one, and the words after the list are not
    read as names; a bare short form ('with the Commission') mints nothing."""
    record = _record(lexicon, "The World Telecommunication Development Conference (Nowhere, 2031),\n\n"
                     "considering\n\nthat floods recur,\n\ninstructs the Director of the Telecommunication "
                     "Development Bureau\n\n1 to cooperate with the United Nations Office for the Coordination of "
                     "Humanitarian Affairs and the Global River Data Cluster, in order to share River Alerts;\n\n"
                     "2 to cooperate with the Commission on flood data.\n")
    minted = dict(record.minted_actors)
    got = [sorted(lexicon.actors[c].notation if c in lexicon.actors else minted[c] for c in o.collaborators)
           for o in record.obligations]
    assert got == [["Global River Data Cluster", "ocha"], []]


def test_the_special_procedures_are_not_a_special_rapporteur(lexicon):
    """'Invites the special procedures to …' addresses the Council's special procedures as a
    whole; 'the Special Rapporteur on …' is one mandate holder, part of them."""
    record = _record(lexicon, "The Human Rights Council,\n\nRecalling its earlier resolutions,\n\n"
                     "1. Invites the special procedures to consider river rights within their mandates;\n\n"
                     "2. Requests the Special Rapporteur on river rights to report to the Council.\n")
    got = [_names(lexicon, o.bearers) for o in record.obligations]
    assert got == [["special-procedures"], ["special-rapporteur"]]
    assert lexicon.actors[lexicon.notations("actor")["special-rapporteur"]].part_of == \
        lexicon.notations("actor")["special-procedures"]


def test_an_annex_subject_named_by_its_kind_is_the_body_the_annex_is_about(lexicon):
    """In 'ANNEX / Terms of reference of the Council Expert Group on Rivers', 'The expert group
    shall: a) …' binds that Group (minted from the title), and in 'Working methods of the
    Conference Preparatory Meeting', 'The first session shall …' binds the CPM, whose session it
    is; a noun that is neither a word of the title's name nor a sitting ('The secretariat
    shall …') is left to the resolution's bearer."""
    got = _minted_names(lexicon, "The Council,\n\nconsidering\n\nthat rivers matter,\n\ndecides\n\n"
                        "to establish a Council Expert Group on Rivers, with the terms of reference in the Annex.\n\n"
                        "ANNEX\n\nTerms of reference of the Council Expert Group on Rivers\n\n"
                        "The expert group shall:\n\na) map the rivers;\n\nb) report to the Council.\n")
    assert {k: v[0] for k, v in got.items()} == {"decides/": ["itu"], "decides-2/a": ["Council Expert Group on Rivers"],
                                                 "decides-2/b": ["Council Expert Group on Rivers"]}
    got = _minted_names(lexicon, "RESOLUTION ITU-R 88\n\nThe ITU Radiocommunication Assembly,\n\nconsidering\n\n"
                        "that conferences need preparing,\n\nresolves\n\n1 that the CPM works as in Annex 1.\n\n"
                        "ANNEX 1\n\nWorking methods of the Conference Preparatory Meeting\n\n"
                        "1 The first session shall organize the studies.\n\n2 The secretariat shall keep the records.\n")
    assert {k: v[0] for k, v in got.items()} == {"resolves/1": ["cpm"], "resolves-2/1": ["cpm"], "resolves-2/2": ["itu-r"]}
