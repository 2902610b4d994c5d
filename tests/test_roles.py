"""Roles enforced in the library's write paths: a viewer's write fails for every write kind
(AccessDenied, exit 2, one line naming who and the role needed) and changes nothing; an analyst
may not review or manage portfolios and the catalogue; the roles come from ontology/access.ttl
and the workspace's roles file (absent: the local user is admin; unnamed: viewer); who is
recorded on a record is the actor, never a typed name."""

from __future__ import annotations

import json
import shutil

import pytest

from actors import OS_USER, actor
from conftest import FIXTURES, run_cli, tree_hash
from mvkg import pipeline
from mvkg.analysis.suggest import suggest
from mvkg.history.snapshots import SnapshotStore
from mvkg.inputs.roles import local_actor, login_roles
from mvkg.kernel.access import ACCESS, AccessDenied, require
from mvkg.kernel.audit import Journal
from mvkg.kernel.errors import EXIT_USAGE, InputError
from mvkg.kernel.workspace import Workspace
from mvkg.query.store import open_read_only

OB = "atu-mv/resolves/para_b"
VIEWER = actor("vera", "viewer")
ANALYST = actor("ana", "analyst")
REVIEWER = actor("rita", "reviewer")


@pytest.fixture(scope="module")
def live(built, tmp_path_factory) -> Workspace:
    """A built copy that the refused writes must leave byte for byte as it is."""
    ws, _ = built
    root = tmp_path_factory.mktemp("roles") / "live"
    shutil.copytree(ws.root, root, ignore=shutil.ignore_patterns("snapshots"))
    return Workspace(root)


@pytest.fixture
def fresh(built, tmp_path) -> Workspace:
    ws, _ = built
    shutil.copytree(ws.root, tmp_path / "ws", ignore=shutil.ignore_patterns("snapshots"))
    return Workspace(tmp_path / "ws")


def _files(tmp) -> dict:
    csv = tmp / "entries.csv"
    csv.write_text("id,title\nX-1,Something\n", encoding="utf-8")
    rdf = tmp / "notes.ttl"
    rdf.write_text('<https://example.org/n> <http://www.w3.org/2000/01/rdf-schema#comment> "x" .\n', encoding="utf-8")
    return {"csv": csv, "rdf": rdf}


# every write kind of ontology/access.ttl, as the library performs it
WRITES = {
    "assessment-add": lambda ws, r, a, f: pipeline.add_assessment(ws, r, OB, "ITU-T Y.4240", "partial", "x", actor=a),
    "assessment-edit": lambda ws, r, a, f: pipeline.edit_assessment(ws, r, OB, "FG-MV", {"relation": "partial"}, actor=a),
    "assessment-remove": lambda ws, r, a, f: pipeline.remove_assessment(ws, r, OB, "FG-MV", actor=a),
    "assessment-review": lambda ws, r, a, f: pipeline.review_assessment(ws, r, OB, "FG-MV", actor=a),
    "correction-add": lambda ws, r, a, f: pipeline.correct_obligation(ws, r, OB, "strength", "recommendation", why="x",
                                                                       actor=a, at="2026-12-05T00:00:00Z"),
    "correction-remove": lambda ws, r, a, f: pipeline.withdraw_correction(ws, r, 2, actor=a),
    "correction-review": lambda ws, r, a, f: pipeline.review_correction(ws, r, 2, actor=a, at="2026-12-05T00:00:00Z"),
    "alignment-decide": lambda ws, r, a, f: pipeline.review_pair(ws, "ecp-mv/resolves/para_3", "atu-mv/resolves/para_a",
                                                                 "rejected", "", a, resources=r),
    "suggestion-accept": lambda ws, r, a, f: pipeline.accept_suggestion(
        ws, r, open_read_only(ws), OB, suggest(open_read_only(ws), OB, top=1)[0].entry, "partial", a),
    "resolution-add": lambda ws, r, a, f: pipeline.add_resolution(
        ws, r, pipeline.read_resolution(ws, r, ws.resolutions_dir / "atu-mv.txt", code="ATU-COPY"), actor=a),
    "snapshot-take": lambda ws, r, a, f: pipeline.take_snapshot(ws, r, SnapshotStore(ws.snapshots_dir), "itu-t-in-force",
                                                                "x", actor=a),
    "portfolio-save": lambda ws, r, a, f: pipeline.create_portfolio(ws, r, "mine", base="itu-t-in-force", actor=a),
    "whatif-save": lambda ws, r, a, f: pipeline.save_whatif(ws, r, "mine", entries=("FG-MV",), actor=a),
    "catalogue-import": lambda ws, r, a, f: pipeline.import_catalogue(ws, r, f["csv"], actor=a),
    "oscal-import": lambda ws, r, a, f: pipeline.import_oscal_catalog(
        ws, r, FIXTURES / "oscal" / "nist-sp800-53r5-privacy-excerpt.json", actor=a),
    "rdf-import": lambda ws, r, a, f: pipeline.import_rdf_file(ws, r, f["rdf"], actor=a),
}


def test_every_write_kind_is_exercised_here():
    assert set(WRITES) == {w.notation for w in ACCESS.writes}


def test_the_roles_are_read_from_the_ontology_and_include_each_other():
    assert ACCESS.role_names == ("viewer", "analyst", "reviewer", "admin")
    assert ACCESS.permitted(["viewer"]) == frozenset()
    assert "assessment-review" not in ACCESS.permitted(["analyst"]) and "assessment-review" in ACCESS.permitted(["reviewer"])
    assert ACCESS.permitted(["analyst"]) < ACCESS.permitted(["reviewer"]) < ACCESS.permitted(["admin"])
    assert ACCESS.permitted(["admin"]) == {w.notation for w in ACCESS.writes}
    assert ACCESS.effective(["admin"]) == set(ACCESS.role_names)
    assert ACCESS.needed("portfolio-save") == "admin" and ACCESS.needed("assessment-review") == "reviewer"


@pytest.mark.parametrize("kind", sorted(WRITES))
def test_a_viewer_cannot_write_anything_through_the_library(live, resources, tmp_path, kind):
    files = _files(tmp_path)
    before = tree_hash(live.root)
    with pytest.raises(AccessDenied) as refused:
        WRITES[kind](live, resources, VIEWER, files)
    message = refused.value.describe()
    assert message.startswith("vera (os:vera) may not ") and f"needs the {ACCESS.needed(kind)} role" in message
    assert "holds: viewer" in message and "\n" not in message
    assert refused.value.exit_code == EXIT_USAGE
    assert tree_hash(live.root) == before  # nothing written, not even an audit line


@pytest.mark.parametrize("kind", ["assessment-review", "correction-review", "portfolio-save", "whatif-save", "catalogue-import",
                                  "oscal-import", "rdf-import"])
def test_an_analyst_may_not_review_nor_manage_portfolios_and_the_catalogue(live, resources, tmp_path, kind):
    before = tree_hash(live.root)
    with pytest.raises(AccessDenied, match=f"needs the {ACCESS.needed(kind)} role"):
        WRITES[kind](live, resources, ANALYST, _files(tmp_path))
    assert tree_hash(live.root) == before


def test_who_is_on_the_record_is_the_actor(fresh, resources):
    added = pipeline.add_assessment(fresh, resources, OB, "ITU-T Y.4240", "partial", "its clauses", actor=ANALYST)
    assert added.stored.row["assessor"] == "ana"
    reviewed = pipeline.review_assessment(fresh, resources, OB, "ITU-T Y.4240", actor=REVIEWER)
    assert reviewed.stored.row["reviewed_by"] == "rita" and reviewed.stored.row["review"] == "reviewed"
    edited = pipeline.edit_assessment(fresh, resources, OB, "ITU-T Y.4240", {"rationale": "read again"}, actor=REVIEWER)
    assert edited.stored.row["assessor"] == "rita" and edited.stored.row["reviewed_by"] == ""
    pipeline.review_pair(fresh, "ecp-mv/resolves/para_3", "atu-mv/resolves/para_a", "rejected", "", ANALYST,
                         resources=resources)
    assert ",ana," in fresh.decisions_file.read_text(encoding="utf-8")


def test_a_reviewer_confirms_a_correction_and_a_changed_one_needs_it_again(fresh, resources):
    at = "2026-12-05T00:00:00Z"
    pipeline.correct_obligation(fresh, resources, OB, "strength", "recommendation", why="an invitation", actor=ANALYST,
                                at=at)
    with pytest.raises(AccessDenied, match="may not review a correction: that needs the reviewer role"):
        pipeline.review_correction(fresh, resources, 2, actor=ANALYST, at=at)
    c, review = pipeline.review_correction(fresh, resources, 2, actor=REVIEWER, at="2026-12-05T01:00:00Z")
    assert (c.by, review.by, review.at) == ("ana", "rita", "2026-12-05T01:00:00Z")
    listed = json.loads(run_cli("-w", str(fresh.root), "correction", "list", "--format", "json").output)
    assert [(r["by"], r["reviewed_by"]) for r in listed] == [("ana", "rita")]
    pipeline.withdraw_correction(fresh, resources, 2, actor=ANALYST)  # made again with another value: unreviewed
    pipeline.correct_obligation(fresh, resources, OB, "strength", "binding", why="read again", actor=ANALYST, at=at)
    listed = json.loads(run_cli("-w", str(fresh.root), "correction", "list", "--format", "json").output)
    assert [(r["value"], r["reviewed_by"]) for r in listed] == [("binding", "")]
    assert [e.kind for e in Journal(fresh).entries()] == ["correction-add", "correction-review", "correction-remove",
                                                          "correction-add"]


def _roles(ws: Workspace, text: str) -> None:
    ws.roles_file.write_text(text, encoding="utf-8")


def test_the_roles_file_decides_the_local_users_roles(workspace):
    assert local_actor(workspace).roles == set(ACCESS.role_names)  # no file: a single-user install keeps working
    assert local_actor(workspace).id == f"os:{OS_USER}" and local_actor(workspace).name == OS_USER
    _roles(workspace, "person,roles\nsomeone-else,admin\n")
    assert local_actor(workspace).roles == {"viewer"}  # the file does not name this user
    _roles(workspace, f"person,roles\n{OS_USER},analyst\n")
    assert local_actor(workspace).roles == {"viewer", "analyst"}
    _roles(workspace, f"person,roles\nos:{OS_USER},reviewer;viewer\n")
    assert local_actor(workspace).roles == {"viewer", "analyst", "reviewer"}


def test_a_logged_in_person_gets_the_file_then_the_claim_then_viewer(workspace):
    keys = ["login:https://idp.example#123", "dana@example.org"]
    assert login_roles(workspace, keys) == {"viewer"}
    assert login_roles(workspace, keys, ["reviewer", "unknown"]) == {"viewer", "analyst", "reviewer"}
    _roles(workspace, "person,roles\ndana@example.org,admin\n")
    assert login_roles(workspace, keys, ["viewer"]) == set(ACCESS.role_names)
    assert login_roles(workspace, ["login:x#other"], []) == {"viewer"}


@pytest.mark.parametrize("text, needle", [
    ("person,roles\nalice,boss\n", "roles.csv:2: roles must be some of viewer, analyst, reviewer, admin"),
    ("person,roles\nalice,admin\nalice,viewer\n", "roles.csv:3: 'alice' is named twice"),
    ("who,roles\nalice,admin\n", "roles.csv"),
])
def test_a_bad_roles_file_is_refused_naming_the_line(workspace, text, needle):
    _roles(workspace, text)
    with pytest.raises(InputError) as bad:
        local_actor(workspace)
    assert needle in bad.value.describe()


def test_the_cli_acts_as_the_os_user_with_the_roles_files_roles(fresh):
    w = str(fresh.root)
    _roles(fresh, f"person,roles\n{OS_USER},viewer\n")
    before = tree_hash(fresh.root)
    result = run_cli("-w", w, "assessment", "add", OB, "ITU-T Y.4240", "--relation", "partial", "--rationale", "x")
    assert result.exit_code == 2
    assert result.output == (f"mvkg: error: {OS_USER} (os:{OS_USER}) may not record an assessment: that needs the "
                             "analyst role (holds: viewer)\n")
    refused = run_cli("-w", w, "snapshot", "create", "--portfolio", "itu-t-in-force", "--label", "x")
    assert refused.exit_code == 2 and "may not take a snapshot" in refused.output
    assert tree_hash(fresh.root) == before
    _roles(fresh, f"person,roles\n{OS_USER},analyst\n")
    assert run_cli("-w", w, "assessment", "add", OB, "ITU-T Y.4240", "--relation", "partial",
                   "--rationale", "x").exit_code == 0
    review = run_cli("-w", w, "assessment", "review", OB, "ITU-T Y.4240")
    assert review.exit_code == 2 and "needs the reviewer role (holds: viewer, analyst)" in review.output
    assert run_cli("-w", w, "assessment", "add", OB, "FG-MV", "--relation", "partial", "--rationale", "x",
                   "--by", "someone else").exit_code == 2  # no typed names: --by is gone


def test_require_names_an_unknown_write_kind_as_a_programming_error():
    with pytest.raises(KeyError):
        require(VIEWER, "no-such-write")
