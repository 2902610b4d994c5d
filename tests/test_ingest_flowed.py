"""Flowed copies of published resolutions, each on a small text written for the test: ITU
headings run into the item before them (with their action on the same line, two on one line,
or ending the line before numbered items), verbs of continuation ("continues to invite",
"Continues to urge"), UN paragraphs that chain a duty after a comma, page breaks (form feeds)
and the Security Council's adoption line, and items that state rather than direct."""

from __future__ import annotations

from mvkg.ingest.extract import build_record
from mvkg.ingest.parse import parse_resolution
from mvkg.kernel.model import ResolutionMeta

FLOWED_ITU = """RESOLUTION 999 (TEST, 2030)
Flowed headings
The Plenipotentiary Conference of the International Telecommunication Union (Test, 2030),
considering
a) that copies of published texts often lose their line breaks,
resolves
1 to reaffirm the shared vision of a connected world;
2 that ITU continue its work on rural connectivity, instructs the Director of the Radiocommunication Bureau to support the studies of the ITU-R study groups on rural access, instructs the Director of the Telecommunication Development Bureau
1 to organize regional workshops on rural broadband;
2 to report on this work to the Council, continues to invite Member States to share their national experience with the Bureau,
invites Sector Members
1 to respond to requests for assistance from developing countries;
2 to contribute to the studies on rural access.
"""


def _record(text: str, lexicon):
    parsed = parse_resolution(text, lexicon, "t.txt")
    return parsed, build_record(parsed, ResolutionMeta("T"), lexicon, source_file="t.txt", sha256="0",
                                media_type="text/plain")


def _bearers(lexicon, record, ob) -> list[str]:
    minted = dict(record.minted_actors)
    return [lexicon.actors[b].label if b in lexicon.actors else minted[b] for b in ob.bearers]


def _verb(ob) -> str:
    return ob.modality.rsplit("/", 1)[-1]


def test_headings_run_into_items_become_sections_of_their_own(lexicon):
    parsed, rec = _record(FLOWED_ITU, lexicon)
    text = parsed.text
    assert [s.heading for s in rec.sections] == [
        "considering", "resolves", "instructs the Director of the Radiocommunication Bureau",
        "instructs the Director of the Telecommunication Development Bureau", "continues to invite Member States",
        "invites Sector Members"]
    obs = [(o.item, _verb(o), _bearers(lexicon, rec, o), o.span.text) for o in rec.obligations]
    assert obs[0] == ("2", "resolves", ["ITU"], "that ITU continue its work on rural connectivity,")
    assert obs[1][1:3] == ("instructs", ["Director of BR"]) and obs[1][3].startswith("to support the studies")
    assert [o[:3] for o in obs[2:4]] == [("1", "instructs", ["Director of BDT"]), ("2", "instructs", ["Director of BDT"])]
    assert obs[3][3] == "to report on this work to the Council,"
    assert obs[4][1:3] == ("invites", ["Member States"]) and obs[4][3].startswith("to share their national")
    assert [o[:3] for o in obs[5:]] == [("1", "invites", ["Sector Members"]), ("2", "invites", ["Sector Members"])]
    # "requests for assistance" is a noun after a comma-less phrase: never a heading
    assert obs[5][3].startswith("to respond to requests for assistance")
    assert all(text[o.span.start:o.span.end] == o.span.text for o in rec.obligations)  # offsets stay exact
    assert sum(w[1] == "split-paragraph" for w in rec.warnings) == 3


def test_an_item_that_states_a_view_places_no_duty(lexicon):
    _, rec = _record(FLOWED_ITU, lexicon)
    assert "1" not in {o.item for o in rec.obligations if o.section.endswith("/resolves")}  # "to reaffirm …"
    clause = [c for c in rec.clauses if c.span.text.startswith("to reaffirm")]
    assert len(clause) == 1  # still a clause, only not an obligation


def test_a_verb_after_a_comma_that_is_not_a_heading_stays_in_the_item(lexicon):
    text = FLOWED_ITU.replace("2 to contribute to the studies on rural access.",
                              "2 to contribute to the studies, requests for assistance and the reports of the Bureau.")
    _, rec = _record(text, lexicon)
    assert rec.obligations[-1].span.text.endswith("requests for assistance and the reports of the Bureau.")
    assert rec.sections[-1].heading == "invites Sector Members"


UN_FLOWED = """The Security Council,

Recalling its previous resolutions on the region,

1. Continues to urge all States to cooperate fully with the mission;

2. Expresses its deep concern over the humanitarian situation, calls on the parties
to allow humanitarian agencies full access to populations in need;

3. Takes note of the report
S/RES/9999 (2030)
\fand welcomes its recommendations;

\f4. Requests the Secretary-General to report every ninety days;

5. Decides to establish a Committee of the Security Council to undertake the following tasks:

(a) To consider information on violations of the measures;

(b) To recognize the exemptions it approves in its report to the Council;

Adopted at the 9999th meeting by 13
votes to none, with 2 abstentions.
"""


def test_un_paragraphs_continuation_verbs_comma_chains_and_page_breaks(lexicon):
    parsed, rec = _record(UN_FLOWED, lexicon)
    obs = {o.item: o for o in rec.obligations}
    assert sorted(obs) == ["1", "2", "4", "5.a", "5.b"]
    assert _verb(obs["1"]) == "urges" and obs["1"].strength == "recommendation"  # "Continues to urge"
    assert _bearers(lexicon, rec, obs["1"]) == ["States"]
    assert not any(w[1] == "unknown-verb" for w in rec.warnings)
    assert _verb(obs["2"]) == "calls-upon" and _bearers(lexicon, rec, obs["2"]) == ["parties"]
    assert obs["4"].span.text == "Requests the Secretary-General to report every ninety days;"  # after a form feed
    # a committee's tasks are duties even when one opens with a verb of stance
    assert {_verb(obs["5.a"]), _verb(obs["5.b"])} == {"decides"}
    assert "Adopted" not in parsed.text[rec.clauses[-1].span.start:rec.clauses[-1].span.end]


DECLARATION = """The General Assembly

Adopts the following political declaration approved by the high-level meeting on 1 June 2030:

Political declaration of the high-level meeting on rural connectivity

We, Heads of State and Government, assembled at the United Nations on 1 June 2030:

1. Welcome the reports of the regional commissions and their calls for action on rural access;

2. Recognize the role of the regional networks, and therefore encourage all nations to join them;

3. Commit to connecting every school by 2035;
"""


def test_an_adopted_declaration_and_verbs_that_agree_in_person(lexicon):
    _, rec = _record(DECLARATION, lexicon)
    obs = {o.item: o for o in rec.obligations}
    assert sorted(obs) == ["", "2", "3"]  # the declaration's title is no clause
    assert obs[""].span.text.startswith("Adopts the following") and _verb(obs[""]) == "adopts"
    # "their calls for action" is a noun in a paragraph written in the first person
    assert _verb(obs["2"]) == "encourages" and "nations" in _bearers(lexicon, rec, obs["2"])[0]
    assert _verb(obs["3"]) == "commits"


CHAPEAU = """The Economic and Social Council,

Recalling its earlier resolutions,

1. Stresses that all stakeholders must work together and, in this regard:

(a) Encourages Member States to share their experience;

(b) Notes with appreciation the work of the regional commissions;

(c) Calls also for the wide dissemination of the report;
"""


def test_sub_items_with_their_own_verb_declaratory_or_with_a_modifier_inside(lexicon):
    _, rec = _record(CHAPEAU, lexicon)
    obs = {o.item: _verb(o) for o in rec.obligations}
    assert obs == {"1.a": "encourages", "1.c": "calls-for"}  # (b) declares


ONE_LINE = ("RESOLUTION 998 (TEST, 2030)\nFlowed lists\n"
            "The Plenipotentiary Conference of the International Telecommunication Union (Test, 2030),\n"
            "considering\na) that a copy may run a whole operative part onto one line,\n"
            "resolves 1 that ITU continue its studies on rural access; 2 that the Council shall: - review the studies; "
            "and - report to the next conference; 3 to encourage the dissemination of information on rural access, "
            "instructs the Secretary-General, in consultation with the Directors of the Bureaux, 1 to coordinate the "
            "work of the Sectors; 2 to report annually to the Council, resolves to encourage the sharing of best "
            "practices on rural access, invites Member States to contribute to the studies.\n")


def test_a_whole_operative_part_on_one_line(lexicon):
    parsed, rec = _record(ONE_LINE, lexicon)
    assert [s.heading for s in rec.sections] == [
        "considering", "resolves", "instructs the Secretary-General, in consultation with the Directors of the Bureaux",
        "resolves", "invites Member States"]
    obs = [(o.item, _verb(o), o.span.text) for o in rec.obligations]
    assert [o[0] for o in obs] == ["1", "2.-1", "2.-2", "3", "1", "2", "", ""]
    assert obs[1][2] == "review the studies; and" and obs[5][2] == "to report annually to the Council,"
    assert [o[1] for o in obs[4:6]] == ["instructs", "instructs"]
    assert obs[6][2].startswith("to encourage the sharing")  # "resolves to encourage …" with no addressee
    assert obs[7][1] == "invites" and obs[7][2] == "to contribute to the studies."
    assert all(parsed.text[o.span.start:o.span.end] == o.span.text for o in rec.obligations)


def test_un_paragraphs_run_onto_one_line(lexicon):
    text = ("The Security Council,\n\nRecalling its resolution 9999 (2030),\n\n"
            "1. Determines that the parties have not complied with resolution 9999 (2030), 2. Decides to establish "
            "a mission to monitor the agreement; 3. Requests the Secretary-General to report within thirty days. "
            "4. Decides to remain seized of the matter, as set out in paragraph 5. The Council will review it.\n")
    _, rec = _record(text, lexicon)
    assert [(o.item, _verb(o)) for o in rec.obligations] == [("2", "decides"), ("3", "requests"), ("4", "decides")]
    assert rec.obligations[1].span.text == "Requests the Secretary-General to report within thirty days."
    # "paragraph 5. The Council" is no paragraph 5: it does not follow paragraph 4 with a verb
    assert [c.path for c in rec.clauses if c.path] == ["1", "2", "3", "4"]


def test_a_misread_first_label_is_read_from_the_one_after_it(lexicon):
    text = ("The Security Council,\n\nRecalling its resolution 9999 (2030),\n\n6. Decides that all States shall:\n\n"
            "(2) Reduce the staff at the missions concerned;\n\n(b) Prevent the operation of the offices concerned;\n\n"
            "(c) Deny entry to the persons concerned;\n")
    _, rec = _record(text, lexicon)
    assert [o.item for o in rec.obligations] == ["6.a", "6.b", "6.c"]  # "(2)" was "(a)" as printed
    assert any(w[1] == "guessed-label" and "'2'" in w[2] for w in rec.warnings)
    # a list that really goes 1, 2 keeps its labels
    _, plain = _record(text.replace("(2)", "(a)"), lexicon)
    assert [o.item for o in plain.obligations] == ["6.a", "6.b", "6.c"] and not plain.warnings


def test_a_markdown_copy_with_its_verbs_in_emphasis(lexicon):
    text = ("*The General Assembly*,\n\n*Recalling* its resolution 70/1,\n\n_Noting with concern_ the digital divide,\n\n"
            "1. *Welcomes* the report;\n\n2. *Requests* the Secretary-General to report;\n\n"
            "3. **Calls upon** States:\n\n(a) To protect privacy;\n\n(b) To review procedures;\n")
    parsed, rec = _record(text, lexicon)
    assert parsed.assembly is not None and parsed.assembly.endswith("/unga")
    assert [(o.item, _verb(o)) for o in rec.obligations] == [("2", "requests"), ("3.a", "calls-upon"), ("3.b", "calls-upon")]
    assert _bearers(lexicon, rec, rec.obligations[0]) == ["UN Secretary-General"]
    assert sum(not s.operative for s in rec.sections) == 2  # the two preambular paragraphs


def test_a_markdown_file_is_read_as_text(tmp_path, lexicon):
    from mvkg.ingest.readers import read_source

    path = tmp_path / "res.md"
    path.write_text("*The General Assembly*,\n\n1. *Requests* the Secretary-General to report;\n", encoding="utf-8")
    source = read_source(path)
    assert source.media_type == "text/plain" and source.text == path.read_text(encoding="utf-8")
    assert [_verb(o) for o in _record(source.text, lexicon)[1].obligations] == ["requests"]
