"""`mvkg assessment add|edit|review|remove|list`: the CSV import's checks, the review state
(draft → reviewed, who and when), rows kept in place (diff-friendly), obligations named by id
or as "ATU-MV resolves b", unknown ids refused with exit 2, and every change in the graph at
once."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from actors import OS_USER
from conftest import run_cli, tree_hash
from mvkg.inputs.assessments import ALL_COLUMNS, COLUMNS, ObligationRef, load_assessments, resolve_obligation
from mvkg.kernel.errors import InputError, MvkgError
from mvkg.kernel.namespaces import ID, MVKG
from mvkg.kernel.vocabulary import VOCABULARY
from mvkg.kernel.workspace import Workspace

OB = "atu-mv/resolves/para_b"  # not covered by portfolio itu-t-in-force in the seed


def cli(ws: Workspace, *args: str):
    return run_cli("--workspace", str(ws.root), *args)


def verdict_of(ws: Workspace, short: str) -> str:
    body = json.loads(cli(ws, "coverage", "--format", "json").output)
    return next(o["verdict"] for o in body["obligations"] if o["id"] == str(ID[short]) + "/obligation")


def listed(ws: Workspace, *args: str) -> list[dict]:
    result = cli(ws, "assessment", "list", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def graph_values(ws: Workspace, short: str, entry: str, prop: str) -> set[str]:
    node = ox.NamedNode(str(ID[f"assessment/{short}/{entry}"]))
    store = ox.Store.read_only(str(ws.store_dir))
    return {q.object.value for q in store.quads_for_pattern(node, ox.NamedNode(str(MVKG[prop])), None)}


def test_add_by_name_is_the_last_row_and_changes_the_verdict_at_once(live):
    csv_path = live.coverage_file("assessments.csv")
    before = csv_path.read_bytes()
    assert verdict_of(live, OB) == "not-covered"
    result = cli(live, "assessment", "add", "ATU-MV resolves b", "ITU-T Y.4240", "--relation", "partial",
                 "--rationale", "its interoperability clauses cover part of the coordination", "--evidence", "clause 6",
                 "--evidence-url", "https://www.itu.int/rec/T-REC-Y.4240", "--confidence", "0.7")
    assert result.exit_code == 0, result.output
    assert "mvkg build" not in result.output and "graph updated" in result.output
    after = csv_path.read_bytes()
    assert after.startswith(before)  # every earlier row as it was: a one-line diff
    row = after[len(before):].decode()
    assert row.startswith(f"{OB},ITU-T Y.4240,partial,") and row.count("\n") == 1 and OS_USER in row
    assert verdict_of(live, OB) == "partial"
    mine = listed(live, "--obligation", OB, "--entry", "ITU-T Y.4240")
    assert len(mine) == 1 and mine[0]["review"] == "draft" and mine[0]["assessor"] == OS_USER
    assert mine[0]["file"] == "data/coverage/assessments.csv" and mine[0]["line"] == after.count(b"\n")
    assert graph_values(live, OB, "itu-t-y-4240", "reviewState") == {VOCABULARY.assessment_reviews.iri_of("draft")}


@pytest.mark.parametrize("args, needle", [
    (["atu-mv/resolves/para_zz", "ITU-T Y.4240", "--relation", "full"], "'atu-mv/resolves/para_zz' is not in the built resolutions"),
    ([OB, "ITU-T X.0000", "--relation", "full"], "entry 'ITU-T X.0000' is not in the catalogue"),
    ([OB, "ITU-T Y.4240", "--relation", "not-applicable"], "a not-applicable finding names no entry"),
    ([OB, "--relation", "partial"], "'entry' is empty"),
    ([OB, "ITU-T Y.4240", "--relation", "full", "--confidence", "2"], "confidence must be between 0 and 1"),
    ([OB, "ITU-T Y.4240", "--relation", "full", "--evidence-url", "ftp://x"], "is not an http(s) URL"),
    ([OB, "FG-MV", "--relation", "full"], "already assessed against FG-MV"),
    (["ATU-MV invites Member States z", "ITU-T Y.4240", "--relation", "full"], "no obligation is called"),
    (["ECP-MV instructs 1", "ITU-T Y.4240", "--relation", "full"], "could be any of"),
])
def test_bad_additions_exit_2_and_change_nothing(live, args, needle):
    before = tree_hash(live.root)
    result = cli(live, "assessment", "add", *args, "--rationale", "because")
    assert result.exit_code == 2, result.output
    assert needle in result.output and "Traceback" not in result.output
    assert tree_hash(live.root) == before


def test_a_not_applicable_finding_names_no_entry(live):
    result = cli(live, "assessment", "add", "ECP-MV resolves 1", "--relation", "not-applicable",
                 "--rationale", "a statement of intent")
    assert result.exit_code == 0, result.output
    assert verdict_of(live, "ecp-mv/resolves/para_1") == "not-applicable"


def test_edit_keeps_the_row_in_place_and_a_review_is_needed_again(live):
    csv_path = live.coverage_file("assessments.csv")
    lines = csv_path.read_text().splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith(f"{OB},FG-MV,none,"))
    assert cli(live, "assessment", "review", OB, "FG-MV").exit_code == 0
    result = cli(live, "assessment", "edit", OB, "FG-MV", "--relation", "partial")
    assert result.exit_code == 0, result.output
    new = csv_path.read_text().splitlines()
    assert new[at].startswith(f"{OB},FG-MV,partial,") and len(new) == len(lines)
    assert [x for i, x in enumerate(new) if i not in (0, at)] == [x + ",,," for i, x in enumerate(lines) if i not in (0, at)]
    row = listed(live, "--obligation", OB, "--entry", "FG-MV")[0]
    assert row["assessor"] == OS_USER and row["review"] == "draft" and row["reviewed_by"] == ""
    assert graph_values(live, OB, "fg-mv", "hasRelation") == {str(MVKG["relation-partial"])}


def test_edit_needs_something_to_change_and_an_existing_assessment(live):
    assert "nothing to change" in cli(live, "assessment", "edit", OB, "FG-MV").output
    missing = cli(live, "assessment", "edit", OB, "ITU-T Y.4240", "--relation", "full")
    assert missing.exit_code == 2 and "no assessment of" in missing.output


def test_review_records_who_and_when_and_widens_the_file_once(live):
    csv_path = live.coverage_file("assessments.csv")
    assert csv_path.read_text().splitlines()[0] == ",".join(COLUMNS)  # the seed file has no review columns
    result = cli(live, "assessment", "review", "ATU-MV resolves b", "FG-MV")
    assert result.exit_code == 0, result.output
    assert csv_path.read_text().splitlines()[0] == ",".join(ALL_COLUMNS)
    row = listed(live, "--review", "reviewed")
    assert [(r["obligation"], r["entry"], r["reviewed_by"]) for r in row] == [(OB, "FG-MV", OS_USER)]
    assert len(row[0]["reviewed_on"]) == 10
    assert graph_values(live, OB, "fg-mv", "reviewedBy") == {OS_USER}
    assert graph_values(live, OB, "fg-mv", "reviewState") == {VOCABULARY.assessment_reviews.iri_of("reviewed")}
    drafts = listed(live, "--review", "draft")
    assert len(drafts) == 95 and all(r["review"] == "draft" for r in drafts)
    assert cli(live, "assessment", "review", OB, "FG-MV", "--draft").exit_code == 0
    assert listed(live, "--review", "reviewed") == []


def test_remove_takes_the_row_out_and_the_verdict_follows(live):
    assert cli(live, "assessment", "add", OB, "ITU-T Y.4240", "--relation", "full", "--rationale", "x").exit_code == 0
    assert verdict_of(live, OB) != "not-covered"
    result = cli(live, "assessment", "remove", "ATU-MV resolves b", "ITU-T Y.4240")
    assert result.exit_code == 0 and "removed" in result.output
    assert verdict_of(live, OB) == "not-covered"
    assert listed(live, "--obligation", OB, "--entry", "ITU-T Y.4240") == []
    again = cli(live, "assessment", "remove", OB, "ITU-T Y.4240")
    assert again.exit_code == 2 and "no assessment of" in again.output


def test_list_filters_and_formats(live):
    everything = listed(live)
    assert len(everything) == 96 and {r["file"] for r in everything} == {"data/coverage/assessments.csv"}
    mine = listed(live, "--obligation", "ATU-MV resolves b")
    assert mine and {r["obligation"] for r in mine} == {OB}
    assert len(listed(live, "--entry", "FG-MV")) == sum(1 for r in everything if r["entry"] == "FG-MV")
    table = cli(live, "assessment", "list", "--obligation", OB)
    assert "✎ draft" in table.output and f"{len(mine)} assessment(s)" in table.output
    csv_out = cli(live, "assessment", "list", "--format", "csv", "--obligation", OB).output.splitlines()
    assert csv_out[0] == ",".join([*ALL_COLUMNS, "file", "line"]) and len(csv_out) == len(mine) + 1
    unknown = cli(live, "assessment", "list", "--obligation", "atu-mv/resolves/para_zz")
    assert unknown.exit_code == 2 and "no obligation" in unknown.output


def test_old_files_read_as_drafts_and_bad_review_values_are_refused(live, resources):
    obligations = {str(ID["atu-mv/resolves/para_b"]) + "/obligation"}
    path = live.coverage_file("assessments.csv")
    path.write_text(",".join(COLUMNS) + f"\n{OB},FG-MV,none,why,,,A,2026-01-01,,manual\n")
    (found,) = load_assessments(live, obligations, [str(ID["entry/fg-mv"])])
    assert found.review == "draft" and found.reviewed_by == ""
    path.write_text(",".join(ALL_COLUMNS) + f"\n{OB},FG-MV,none,why,,,A,2026-01-01,,manual,reviewed,,\n"
                    f"{OB},IEEE 7000,none,why,,,A,2026-01-01,,manual,approved,,\n")
    with pytest.raises(MvkgError) as err:
        load_assessments(live, obligations, [str(ID["entry/fg-mv"]), str(ID["entry/ieee-7000"])])
    text = str(err.value)
    assert ":2: a reviewed assessment names its reviewer" in text and ":3: review 'approved' is not one of" in text


def test_names_resolve_to_ids():
    refs = [ObligationRef(str(ID["atu-mv/resolves/para_b"]) + "/obligation", "ATU-MV", "resolves", "b"),
            ObligationRef(str(ID["ecp-mv/instructs-tsb/para_1"]) + "/obligation", "ECP-MV",
                          "instructs the Director of the Telecommunication Standardization Bureau", "1"),
            ObligationRef(str(ID["ecp-mv/instructs-tsb-x/para_1"]) + "/obligation", "ECP-MV",
                          "instructs the Director of the Telecommunication Standardization Bureau, in collaboration", "1")]
    assert resolve_obligation("atu-mv resolves B", refs) == "atu-mv/resolves/para_b"
    assert resolve_obligation("ECP-MV instructs the Director of the Telecommunication Standardization Bureau 1",
                              refs) == "ecp-mv/instructs-tsb/para_1"  # the exact name wins over a longer heading
    assert resolve_obligation(str(ID["x/y/para_1"]) + "/obligation", refs) == "x/y/para_1"
    with pytest.raises(InputError, match="could be any of"):
        resolve_obligation("ECP-MV instructs the Director 1", refs)
