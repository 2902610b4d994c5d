"""Keys finer than the build (graph/content_key.py): the UI keeps what it worked out for the
parts of the build a write did not touch. A key that stays must mean the same answer (checked
against a fresh judgement of the new build); a write to what the reader depends on must change it."""

from __future__ import annotations

import shutil

import pytest

from actors import ADMIN
from mvkg import pipeline
from mvkg.compliance.coverage import coverage
from mvkg.compliance.validate import validate
from mvkg.graph.content_key import CATALOGUE, PORTFOLIOS, inputs_key, manifest_of, view_key
from mvkg.inputs.portfolios import portfolio_version
from mvkg.kernel.files import sha256_file
from mvkg.kernel.workspace import Workspace
from mvkg.query.store import open_read_only

JUDGED, OTHER = "itu-t-in-force", "in-force"
OBLIGATION = "atu-mv/resolves/para_b"  # not covered by the seed's itu-t-in-force portfolio


@pytest.fixture
def live(built, tmp_path) -> Workspace:
    ws, _ = built
    shutil.copytree(ws.root, tmp_path / "live", ignore=shutil.ignore_patterns("snapshots"))
    return Workspace(tmp_path / "live")


def keys(ws: Workspace) -> dict[str, str]:
    key = sha256_file(ws.manifest_file)
    manifest = manifest_of(ws, key)
    assert manifest is not None
    store = open_read_only(ws)
    return {JUDGED: view_key(manifest, store, JUDGED), OTHER: view_key(manifest, store, OTHER),
            "catalogue": inputs_key(manifest, CATALOGUE), "portfolios": inputs_key(manifest, PORTFOLIOS)}


def verdicts(ws: Workspace, resources, portfolio: str) -> dict[str, tuple]:
    cov = coverage(resources, validate(ws, resources, portfolio, store=open_read_only(ws)))
    return {r.id: (r.verdict, r.messages) for r in cov.rows}


def test_saving_another_portfolio_keeps_the_judged_key_and_the_same_key_means_the_same_verdicts(live, resources):
    before, judged = keys(live), verdicts(live, resources, JUDGED)
    pipeline.save_whatif(live, resources, "what-if-1", entries=("ITU-T Y.4240",), actor=ADMIN)
    after = keys(live)
    assert after[JUDGED] == before[JUDGED] and after[OTHER] == before[OTHER]
    assert after["catalogue"] == before["catalogue"]
    assert after["portfolios"] != before["portfolios"]  # the portfolio list itself changed
    assert verdicts(live, resources, JUDGED) == judged


def test_an_assessment_changes_the_judged_key_but_not_the_catalogue_key(live, resources):
    before = keys(live)
    pipeline.add_assessment(live, resources, OBLIGATION, "ITU-T Y.4240", "partial", "covers a part", actor=ADMIN,
                            today="2026-12-05")
    after = keys(live)
    assert after[JUDGED] != before[JUDGED] and after[OTHER] != before[OTHER]
    assert after["catalogue"] == before["catalogue"] and after["portfolios"] == before["portfolios"]


def test_replacing_the_judged_portfolio_changes_its_key_only(live, resources):
    before = keys(live)
    version = portfolio_version(live, JUDGED)
    pipeline.save_whatif(live, resources, JUDGED, entries=("ITU-T Y.4240",), actor=ADMIN, replace_version=version)
    after = keys(live)
    assert after[JUDGED] != before[JUDGED]
    assert after[OTHER] == before[OTHER]


def test_a_manifest_that_moved_on_gives_no_finer_key(live):
    assert manifest_of(live, "0" * 64) is None
