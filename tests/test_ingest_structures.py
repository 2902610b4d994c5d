"""Structures of real resolutions beyond the seed drafts, each on a small text written for the
test: UN paragraphs that open with their own verb, declaratory verbs, unknown verbs,
"resolves to instruct", clauses that hand the duty on, duty subjects, run-on lists, headings
run onto a paragraph, lone labels, minted actors, UN homonyms; and the CLI around them."""

from __future__ import annotations

import json

import pytest

from actors import ADMIN
from conftest import run_cli
from mvkg.ingest.extract import build_record
from mvkg.ingest.parse import parse_resolution
from mvkg.kernel.errors import InputError
from mvkg.kernel.model import ResolutionMeta

UN_TEXT = """Resolution adopted by the General Assembly

The General Assembly,

Recalling its earlier resolutions on information and communications technologies,

Deeply concerned that the digital divide persists,

1. Welcomes the report of the Secretary-General;

2. Requests the Secretary-General to submit a report on the implementation of the
present resolution at its next session;

3. Calls upon all States:

(a) To protect the right to privacy in the digital age;

(b) To review their procedures regarding the surveillance of communications;

4. Recognizes the role of the private sector and calls upon the private sector to respect
human rights online;

5. Invites the Committee on the Peaceful Uses of Outer Space to continue its work;

6. Decides that all States shall report on the measures taken;

7. Ponders the question further with the utmost care;
"""


def _record(text: str, lexicon, code: str = "T"):
    parsed = parse_resolution(text, lexicon, "t.txt")
    return parsed, build_record(parsed, ResolutionMeta(code), lexicon, source_file="t.txt", sha256="0", media_type="text/plain")


def _by_item(record_or_obligations):
    obligations = getattr(record_or_obligations, "obligations", record_or_obligations)
    return {o.item: o for o in obligations}


def _labels(lexicon, record, iris):
    minted = dict(record.minted_actors)
    return sorted(lexicon.actors[i].label if i in lexicon.actors else minted[i] for i in iris)


def test_un_paragraphs_verbs_and_bearers(lexicon):
    parsed, rec = _record(UN_TEXT, lexicon)
    obs = _by_item(rec)
    assert set(obs) == {"2", "3.a", "3.b", "4", "5", "6"}  # 1 welcomes and 7 (unknown verb) are no obligations
    assert obs["2"].strength == "binding" and _labels(lexicon, rec, obs["2"].bearers) == ["UN Secretary-General"]
    assert obs["3.a"].modality.endswith("/calls-upon") and _labels(lexicon, rec, obs["3.a"].bearers) == ["States"]
    assert obs["4"].modality.endswith("/calls-upon")  # the second verb of the paragraph places the duty
    assert _labels(lexicon, rec, obs["4"].bearers) == ["industry"]  # "the private sector" names it
    assert _labels(lexicon, rec, obs["5"].bearers) == ["Committee on the Peaceful Uses of Outer Space"]  # minted
    assert _labels(lexicon, rec, obs["6"].bearers) == ["States"]  # "that all States shall"
    for ob in rec.obligations:  # offsets point at the words
        assert rec.obligations and parsed.text[ob.span.start : ob.span.end] == ob.span.text
    assert [w for w in rec.warnings if w[1] == "unknown-verb"] and "Ponders" in str(rec.warnings)
    assert not any(s.verb.rsplit("/", 1)[-1] == "ponders" for s in rec.sections if not s.declaratory)


ITU_TEXT = """RESOLUTION 999 (Test, 2030)
Testing
The World Radiocommunication Conference (Test, 2030),
considering
a) that tests are useful,
resolves
1 that administrations shall keep records of their tests;
2 to instruct the Director of the Radiocommunication Bureau to publish the records;
3 to make every effort with a view to: i) preserving records; ii) sharing records; iii) explaining records, instructs the Secretary-General
1 to report to the Council;
2 to assist developing countries,
resolves to invite the regional telecommunication organizations
to take part in the tests
"""


def test_itu_headings_handovers_and_run_on_lists(lexicon):
    parsed, rec = _record(ITU_TEXT, lexicon)
    obs = _by_item([o for o in rec.obligations if o.section.endswith("/resolves")])
    assert _labels(lexicon, rec, obs["1"].bearers) == ["administrations"]
    assert obs["2"].modality.endswith("/instructs") and _labels(lexicon, rec, obs["2"].bearers) == ["Director of BR"]
    assert {"3.i", "3.ii", "3.iii"} <= set(obs)  # a run-on list split at its labels
    headings = [s.heading for s in rec.sections]
    assert "instructs the Secretary-General" in headings  # ran onto the paragraph before it
    sg = [o for o in rec.obligations if o.section.endswith("instructs-sg")]
    assert len(sg) == 2 and all(o.strength == "binding" for o in sg)
    invite = [o for o in rec.obligations if o.modality.endswith("/invites")]
    assert invite and _labels(lexicon, rec, invite[0].bearers) == ["regional telecommunication organizations"]
    assert invite[0].strength == "recommendation"
    assert any(w[1] == "split-paragraph" for w in rec.warnings)


def test_a_lone_label_belongs_to_the_next_line(lexicon):
    text = "The General Assembly,\nNoting the report,\n1.\nRequests the Secretary-General to report;\n2.\nDecides to include the item.\n"
    _, rec = _record(text, lexicon)
    assert [o.item for o in rec.obligations] == ["1", "2"]
    assert rec.obligations[0].span.text.startswith("Requests the Secretary-General")


def test_declaration_paragraphs_in_the_first_person(lexicon):
    text = ("The General Assembly,\n1. Adopts the declaration annexed to the present resolution;\nANNEX\n"
            "1. Recognize that the epidemic remains a burden;\n2. Commit to providing treatment to all;\n")
    _, rec = _record(text, lexicon)
    verbs = [o.modality.rsplit("/", 1)[-1] for o in rec.obligations]
    assert verbs == ["adopts", "commits"]  # "Recognize" is declaratory


def test_page_furniture_and_footnotes_are_not_clause_text(lexicon):
    text = ("The Security Council,\n1. Requests the Secretary-General to report\nS/RES/9999 (2030)\n"
            "on the matter within thirty days;\n__________\n1 A footnote about the report.\n\n2. Decides to remain seized of the matter.\n")
    _, rec = _record(text, lexicon)
    assert [o.item for o in rec.obligations] == ["1", "2"]  # the running symbol neither ends nor opens a paragraph
    assert rec.obligations[0].span.text.endswith("within thirty days;")
    assert all("footnote" not in o.span.text for o in rec.obligations)
    # "Decides to remain seized": the Council binds itself to keep the matter (LABELLING.md)
    assert rec.obligations[1].modality.endswith("/decides") and rec.obligations[1].strength == "binding"


def test_cli_strict_and_batch(tmp_path, workspace):
    good = tmp_path / "in" / "a.txt"
    good.parent.mkdir()
    good.write_text(UN_TEXT.replace("Resolution adopted", "A/RES/99/1\nResolution adopted"), encoding="utf-8")
    result = run_cli("-w", str(workspace.root), "ingest", str(good), "--strict")
    assert result.exit_code == 2 and "warning" in result.output and "--strict" in result.output
    assert not (workspace.resolutions_dir / "a-res-99-1.json").exists()
    second = tmp_path / "in" / "b.txt"
    second.write_text(UN_TEXT.replace("Resolution adopted", "A/RES/99/2\nResolution adopted"), encoding="utf-8")
    result = run_cli("-w", str(workspace.root), "ingest", str(good.parent))
    assert result.exit_code == 0, result.output
    assert "[1/2]" in result.output and "[2/2]" in result.output
    meta = json.loads((workspace.resolutions_dir / "a-res-99-2.json").read_text(encoding="utf-8"))
    assert meta["code"] == "A/RES/99/2" and meta["status"] == "adopted"


def test_a_folder_without_resolutions_is_an_error(tmp_path, workspace):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run_cli("-w", str(workspace.root), "ingest", str(empty))
    assert result.exit_code == 2 and "no resolution files" in result.output


def test_the_published_file_is_kept_with_its_hash(workspace, resources):
    import hashlib

    from mvkg import pipeline

    corpus_pdf = resources.root / "tests" / "fixtures" / "corpus" / "un" / "ga-73-6" / "source.pdf"
    if not corpus_pdf.is_file():
        pytest.skip("the corpus is not in this checkout")
    ingested = pipeline.read_resolution(workspace, resources, corpus_pdf)
    written = pipeline.add_resolution(workspace, resources, ingested, actor=ADMIN).written
    original = [p for p in written if p.suffix == ".pdf"]
    assert original and original[0].read_bytes() == corpus_pdf.read_bytes()
    meta = json.loads(next(p for p in written if p.suffix == ".json").read_text(encoding="utf-8"))
    assert meta["original_sha256"] == hashlib.sha256(corpus_pdf.read_bytes()).hexdigest()
    with pytest.raises(InputError):
        pipeline.add_resolution(workspace, resources, ingested, actor=ADMIN)  # already there


UNNUMBERED = """Resolution adopted by the Economic and Social Council

The Economic and Social Council,

Recalling its resolution 2017/22 on science, technology and innovation for development, and the work of the Commission on Science and Technology for Development on new and emerging technologies, which it has followed closely for many years and whose reports it has considered at each of its sessions,
Noting the work of the Commission on Science and Technology for Development,
Recommends the following for consideration by Member States and the Commission on Science and Technology for Development:
(a) Member States, individually and collectively, are encouraged:
(i) To support national innovation strategies;
(ii) To share data on broadband access;
(b) The Commission is invited to study the impact of rapid technological change;
"""


def test_unnumbered_un_paragraphs_and_passive_chapeaus(lexicon):
    """UN paragraphs without numbers, one per line (as Word files have them), the first over
    400 characters; an operative paragraph after them; items in the passive narrow the
    heading's addressees to their own subject, and a short form names the heading's actor."""
    _, record = _record(UNNUMBERED, lexicon)
    obligations = _by_item(record)
    assert sorted(obligations) == ["a.i", "a.ii", "b"]
    assert _labels(lexicon, record, obligations["a.i"].bearers) == ["Member States"]
    assert _labels(lexicon, record, obligations["a.ii"].bearers) == ["Member States"]
    assert [lexicon.actors[b].notation for b in obligations["b"].bearers] == ["ecosoc-commission"]
    assert all(o.strength == "recommendation" for o in obligations.values())


SECOND_VERBS = """Resolution adopted by the Economic and Social Council

The Economic and Social Council,

Recalling its earlier resolutions,

1. Welcomes and urges the continued implementation of the outcomes by all stakeholders;

2. Underscores the importance of and encourages further cooperation among Member States;

3. Takes note of the report, and in this regard calls upon all stakeholders to act;

4. Notes the progress made, and encourages all river basin facilitators to continue;

5. Notes with appreciation the report of the Secretary-General;
"""


def test_second_verbs_of_declaratory_paragraphs(lexicon):
    """A declaratory paragraph that goes on to a duty is an obligation of the second verb,
    whether the verbs are joined directly ("Welcomes and urges"), through a phrase ("and in
    this regard calls upon"), or name no addressee (the adopting body's then); a group in lower
    case after "all" is minted."""
    _, record = _record(SECOND_VERBS, lexicon)
    obligations = _by_item(record)
    assert sorted(obligations) == ["1", "2", "3", "4"]  # 5 only notes
    verbs = {k: lexicon.verb_for(o.modality.rsplit("/", 1)[-1].replace("-", " ")).label for k, o in obligations.items()}
    assert verbs == {"1": "urges", "2": "encourages", "3": "calls upon", "4": "encourages"}
    assert _labels(lexicon, record, obligations["3"].bearers) == ["all stakeholders"]
    assert _labels(lexicon, record, obligations["4"].bearers) == ["river basin facilitators"]
    assert obligations["2"].bearers == ("https://w3id.org/mvkg/actor/ecosoc",)


SECTOR_TEXT = """RESOLUTION 99 (Geneva, 2030)

Work of the Sector

The {assembly} (Geneva, 2030),

considering

a) that the work is important;

resolves

1 that the Sector shall continue to develop Recommendations on accessibility;

2 that this Sector should report each year;
"""


@pytest.mark.parametrize(("assembly", "sector"), [
    ("World Telecommunication Standardization Assembly", "itu-t"),
    ("World Telecommunication Development Conference", "itu-d"),
    ("Radiocommunication Assembly", "itu-r"),
])
def test_the_sector_of_a_sector_assembly_is_its_own_sector(lexicon, assembly, sector):
    """'the Sector shall' in a WTSA text binds ITU-T (the assembly's own Sector), not an actor
    minted from the word 'Sector'."""
    _, record = _record(SECTOR_TEXT.format(assembly=assembly), lexicon)
    obligations = _by_item(record)
    assert [lexicon.actors[b].notation for b in obligations["1"].bearers] == [sector]
    assert [lexicon.actors[b].notation for b in obligations["2"].bearers] == [sector]
    assert not obligations["1"].implicit_bearer
    assert all(label != "Sector" for _, label in record.minted_actors)


def test_the_sector_of_a_plenipotentiary_text_is_left_as_written(lexicon):
    """A Plenipotentiary text has three Sectors: 'the Sector' there is not ITU's, and stays a
    minted actor (with its warning) for an analyst to correct."""
    text = SECTOR_TEXT.format(assembly="Plenipotentiary Conference of the International Telecommunication Union")
    _, record = _record(text, lexicon)
    assert _labels(lexicon, record, _by_item(record)["1"].bearers) == ["Sector"]


def test_hand_over_and_unnamed_groups_are_read_from_the_patterns(lexicon):
    """The hand-over words ('and, in this respect, calls upon') and the 'all' + plural group
    come from patterns.ttl: without those patterns neither is recognised."""
    from dataclasses import replace

    text = SECOND_VERBS.replace("and in this regard calls upon", "and, in this respect, calls upon")
    _, record = _record(text, lexicon)
    obligations = _by_item(record)
    assert _labels(lexicon, record, obligations["3"].bearers) == ["all stakeholders"]
    assert _labels(lexicon, record, obligations["4"].bearers) == ["river basin facilitators"]
    bare = replace(lexicon, patterns={k: v for k, v in lexicon.patterns.items() if k not in ("hand-over", "unnamed-group")})
    _, without = _record(text, bare)
    assert "3" not in _by_item(without)  # "Takes note … calls upon" is then only a note
    assert all(label != "river basin facilitators" for _, label in without.minted_actors)


DECLARATION = """Resolution adopted by the General Assembly on 10 October 2030

The General Assembly

Adopts the following political declaration:

Political declaration on testing

We, Heads of State and Government and representatives of States and Governments, assembled at the United Nations in New York, reaffirm our commitment to testing, and therefore:

1. Commit to developing national testing plans by 2032;

2. Request the Secretary-General to report on progress at the eighty-fifth session;
"""


def test_a_first_person_declaration_is_borne_by_we(lexicon):
    """A declaration in the first person plural: 'Commit to …' names no addressee and is
    borne by who 'we' are (the States, for whom their Heads of State and Government speak);
    the assembly line without its comma still makes it a General Assembly text (its
    Secretary-General is the UN's)."""
    parsed, record = _record(DECLARATION, lexicon)
    assert parsed.assembly == "https://w3id.org/mvkg/actor/unga"
    obligations = _by_item(record)
    assert [lexicon.actors[b].notation for b in obligations["1"].bearers] == ["states"]
    assert not obligations["1"].implicit_bearer
    assert [lexicon.actors[b].notation for b in obligations["2"].bearers] == ["un-sg"]
    third = DECLARATION.replace("1. Commit to", "1. Decides to commit to")
    _, record = _record(third, lexicon)  # a third-person paragraph is the adopting body's own
    assert [lexicon.actors[b].notation for b in _by_item(record)["1"].bearers] == ["unga"]


SC_TEXT = """Resolution 999 (2030)

The Security Council,

Recalling its earlier resolutions,

1. Decides that, on 1 May 2030, all States shall adopt the measures set out below;

2. Decides that each State shall report on the measures it has taken;

3. Decides to establish, in accordance with rule 28 of its provisional rules of procedure, a Committee of the Security Council consisting of all the members of the Council, to undertake the following tasks:

(a) To examine the reports submitted pursuant to paragraph 2 above;

(b) To seek from all States further information;

4. Decides that the report shall be submitted to the Organization within thirty days;
"""


def test_duty_subjects_asides_passives_and_established_bodies(lexicon):
    """'that, on 1 May 2030, all States shall' binds the States (an aside between commas does
    not hide the subject); 'each State' is the States; the tasks (a), (b) of a Committee a
    paragraph establishes are the Committee's; 'the report shall be submitted' binds no one
    it names (the report is acted on), so the Council itself."""
    _, record = _record(SC_TEXT, lexicon)
    obligations = _by_item(record)
    assert [lexicon.actors[b].notation for b in obligations["1"].bearers] == ["states"]
    assert [lexicon.actors[b].notation for b in obligations["2"].bearers] == ["states"]
    for item in ("3.a", "3.b"):
        assert _labels(lexicon, record, obligations[item].bearers) == ["Committee of the Security Council"]
    assert [lexicon.actors[b].notation for b in obligations["4"].bearers] == ["unsc"]


def test_the_union_of_an_itu_text_is_itu(lexicon):
    text = SECTOR_TEXT.format(assembly="Plenipotentiary Conference of the International Telecommunication Union")
    text = text.replace("that the Sector shall", "that the Union should")
    _, record = _record(text, lexicon)
    assert [lexicon.actors[b].notation for b in _by_item(record)["1"].bearers] == ["itu"]


def test_coordinated_named_bodies_are_each_an_addressee(lexicon):
    """'the Committee on … and the Office for …' names two bodies the lexicon does not know:
    both are minted and bear the paragraph; 'States Members of the United Nations' are the
    Member States."""
    text = UN_TEXT.replace("5. Invites the Committee on the Peaceful Uses of Outer Space to continue its work;",
                           "5. Invites the Committee on the Peaceful Uses of Outer Space and the Office for Outer "
                           "Space Affairs to continue their work;\n\n8. Encourages States Members of the United "
                           "Nations to join the Committee;")
    _, record = _record(text, lexicon)
    obligations = _by_item(record)
    assert _labels(lexicon, record, obligations["5"].bearers) == ["Committee on the Peaceful Uses of Outer Space",
                                                                    "Office for Outer Space Affairs"]
    assert [lexicon.actors[b].notation for b in obligations["8"].bearers] == ["ms"]
