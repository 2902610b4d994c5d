"""Bearer rules read from how resolutions are written, each on a made-up paragraph: names a
document defines in brackets, second duty verbs, short forms, lists of addressees, asides,
citations and clauses after the verb."""

from __future__ import annotations

from mvkg.ingest.extract import build_record
from mvkg.ingest.parse import parse_resolution
from mvkg.kernel.model import ResolutionMeta

HEADER = """Resolution adopted by the {body}

The {body},

Recalling its earlier resolutions on the river basin,

"""


def _obligations(lexicon, body: str, paragraphs: list[str]):
    text = HEADER.format(body=body) + "\n\n".join(f"{n}. {p}" for n, p in enumerate(paragraphs, start=1)) + "\n"
    parsed = parse_resolution(text, lexicon, "t.txt")
    record = build_record(parsed, ResolutionMeta("T"), lexicon, source_file="t.txt", sha256="0", media_type="text/plain")
    minted = dict(record.minted_actors)

    def name(iri: str) -> str:
        return lexicon.actors[iri].notation if iri in lexicon.actors else minted[iri]

    return {o.item: sorted(name(b) for b in o.bearers) for o in record.obligations}


def test_an_abbreviation_the_text_defines_names_the_same_actor(lexicon):
    """'the Joint River Panel (JRP)' defines JRP: 'Requests the JRP to …' is the Panel's, minted
    once from its full name. A bracket whose capitals are not the initials of the words before
    it ('… in Ruritania (MONUR)', a French acronym) defines nothing: MONUR is minted as written."""
    got = _obligations(lexicon, "Security Council", [
        "Welcomes the establishment of the Joint River Panel (JRP) and of the United Nations Observer Mission in "
        "Ruritania (MONUR);",
        "Requests the JRP to provide a written report on its work every six months;",
        "Requests MONUR to monitor the ceasefire;",
    ])
    assert got["2"] == ["Joint River Panel"]
    assert got["3"] == ["MONUR"]


def test_every_duty_verb_of_a_paragraph_brings_its_addressees(lexicon):
    """'Encourages X to …, and invites Y to …': X and Y must both act; 'and invites the Committee'
    after 'the Committee on River Safety' is that Committee, not a new one."""
    got = _obligations(lexicon, "General Assembly", [
        "Encourages regional organizations to share data on floods, and invites Member States to report on their "
        "measures;",
        "Encourages the Committee on River Safety to continue its work, and invites the Committee to report to the "
        "Assembly;",
    ])
    assert got["1"] == ["ms", "regional-orgs"]
    assert got["2"] == ["Committee on River Safety"]


def test_each_part_of_a_list_of_addressees_is_an_addressee(lexicon):
    """'the Basin Development Fund and other financial institutions': the Fund is minted beside
    the known group; 'the Governments of Ruritania and Freedonia' addresses each Government."""
    got = _obligations(lexicon, "Security Council", [
        "Calls upon the Basin Development Fund and other financial institutions to finance the reconstruction;",
        "Urges the Governments of Ruritania and, respectively, Freedonia and Sylvania to open their borders;",
    ])
    assert got["1"] == ["Basin Development Fund", "financial-institutions"]
    assert got["2"] == ["Government of Freedonia", "Government of Ruritania", "Government of Sylvania"]


def test_asides_and_relative_clauses_name_no_addressee(lexicon):
    """Examples after 'including', a channel after 'through' and a relative clause ('that are not
    yet parties to …') name actors that do not bear the duty; nor does the author of a cited
    resolution."""
    got = _obligations(lexicon, "General Assembly", [
        "Invites all relevant stakeholders, including civil society and the private sector, to share good practices;",
        "Requests the Basin Commission, through the Economic and Social Council, to report on its work;",
        "Calls upon all States that are not yet parties to the Convention on River Safety to accede to it;",
        "Encourages close cooperation on river safety, as called for in Security Council resolution 9999 (2030);",
    ])
    assert got["1"] == ["stakeholders"]
    assert got["2"] == ["Basin Commission"]
    assert got["3"] == ["states"]
    assert got["4"] == ["unga"]


def test_a_clause_after_the_verb_is_borne_by_its_subject_only(lexicon):
    """'Demands that all parties …' binds the parties; 'Decides that if at any time the
    Secretary-General reports …, the measures shall be reviewed' names the Secretary-General
    only as a condition, so the Council itself decides."""
    got = _obligations(lexicon, "Security Council", [
        "Demands that all parties cease hostilities immediately;",
        "Decides moreover that if at any time the Secretary-General reports a violation, the measures set out "
        "above, which the Organization of American States recommended, shall come into force;",
    ])
    assert got["1"] == ["parties"]
    assert got["2"] == ["unsc"]


def test_action_line_facilitators_are_an_actor_of_the_lexicon(lexicon):
    got = _obligations(lexicon, "Economic and Social Council", [
        "Encourages World Summit action line facilitators to align their work with the 2030 Agenda;",
        "Encourages action line facilitators to report on their work;",
    ])
    assert got["1"] == got["2"] == ["action-line-facilitators"]


ITU_TEXT = """RESOLUTION 999 (Geneva, 2030)

Rivers and networks

The Plenipotentiary Conference of the International Telecommunication Union (Geneva, 2030),

considering

a) that rivers cross borders;

resolves

1 that the choice of study topics is made by the Plenipotentiary Conference or by the Council, as appropriate;

2 that the Secretariat shall publish the list of river networks;

instructs the Directors of the Bureaux

1 to report on river networks to the Council;
"""


def _itu_obligations(lexicon, text: str = ITU_TEXT):
    parsed = parse_resolution(text, lexicon, "t.txt")
    record = build_record(parsed, ResolutionMeta("T"), lexicon, source_file="t.txt", sha256="0", media_type="text/plain")
    minted = dict(record.minted_actors)
    return {f"{o.section.rsplit('/', 1)[-1]}:{o.item}": sorted(
        lexicon.actors[b].notation if b in lexicon.actors else minted[b] for b in o.bearers) for o in record.obligations}


def test_the_directors_of_the_bureaux_are_the_three_directors(lexicon):
    got = _itu_obligations(lexicon)
    assert got["instructs-dir-bdt-dir-br-dir-tsb:1"] == ["dir-bdt", "dir-br", "dir-tsb"]


def test_a_passive_duty_is_borne_by_its_agent(lexicon):
    """'that the choice … is made by the Plenipotentiary Conference or by the Council': the
    agents after 'by' act, not the Union by default."""
    got = _itu_obligations(lexicon)
    assert got["resolves:1"] == ["council", "pp"]


def test_the_secretariat_is_the_secretariat_of_the_adopting_organization(lexicon):
    """'the Secretariat' of an ITU text is ITU's General Secretariat; of a UN text, the UN
    Secretariat (its homonym); 'the Office for River Affairs of the Secretariat' is the Office."""
    assert _itu_obligations(lexicon)["resolves:2"] == ["itu-gs"]
    got = _obligations(lexicon, "General Assembly", [
        "Requests the Secretariat to publish the list of river networks;",
        "Requests the Office for River Affairs of the Secretariat, within existing resources, to convene a meeting;",
    ])
    assert got["1"] == ["un-secretariat"]
    assert got["2"] == ["Office for River Affairs"]


def test_an_adjective_sharing_its_noun_names_its_own_group(lexicon):
    """'intergovernmental and non-governmental organizations' are both groups."""
    got = _obligations(lexicon, "Security Council", [
        "Urges States and intergovernmental and non-governmental organizations to support the River Tribunal;",
    ])
    assert got["1"] == ["international-orgs", "ngos", "states"]


def test_sub_items_with_no_addressee_take_the_actor_their_chapeau_names(lexicon):
    """'Stresses that the responsibility rests with the parties …, and in this regard: (a) Calls
    for …': the duties the sub-items call for are the parties' (LABELLING.md, 'calls for')."""
    text = HEADER.format(body="Security Council") + (
        "1. Stresses that the responsibility for the river rests with the parties themselves and, in this regard:\n\n"
        "(a) Calls for an end to the fighting along the river;\n\n"
        "(b) Calls also for the release of all detained fishermen;\n")
    record = build_record(parse_resolution(text, lexicon, "t.txt"), ResolutionMeta("T"), lexicon,
                          source_file="t.txt", sha256="0", media_type="text/plain")
    assert {o.item: [lexicon.actors[b].notation for b in o.bearers] for o in record.obligations} == {
        "1.a": ["parties"], "1.b": ["parties"]}


def test_a_clause_whose_that_is_left_out_and_a_passive_modal_bind_no_subject(lexicon):
    """'Decides the Panel … shall remain authorized until …' is a clause (its 'that' left out) in
    the passive: the Council decides; 'Decides the Panel shall report …' binds the Panel."""
    got = _obligations(lexicon, "Security Council", [
        "Welcomes the Joint River Panel (JRP);",
        "Decides the JRP and the presences authorized by this resolution shall remain authorized until 2031;",
        "Decides the JRP shall report on the ceasefire every month;",
    ])
    assert got["2"] == ["unsc"]
    assert got["3"] == ["Joint River Panel"]


def test_the_short_form_of_a_body_the_text_establishes_names_it(lexicon):
    """'Decides to establish … a Committee on River Safety …' then 'Decides that the Committee
    established by paragraph 1 may authorize …': the Committee on River Safety."""
    got = _obligations(lexicon, "Security Council", [
        "Decides to establish a Committee on River Safety consisting of all the members of the Council, "
        "to undertake the following task: to examine the reports of States;",
        "Decides that the Committee established by paragraph 1 above may authorize exceptional crossings;",
    ])
    assert got["2"] == ["Committee on River Safety"]
