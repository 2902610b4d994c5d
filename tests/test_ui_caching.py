"""The pages share cached views across sessions (ui/data.py, keyed on the build manifest's
sha256), so 20 analysts reading the same workspace cost one computation. A write by anyone
must still show on everyone's next page: the write changes the manifest, hence the key. Here
the write goes through the library directly, as another analyst's session or the CLI would,
so nothing clears this process's caches on its behalf."""

from __future__ import annotations

import re
import shutil

import pytest
from streamlit.testing.v1 import AppTest

from actors import ADMIN
from mvkg import pipeline
from mvkg.kernel.vocabulary import VOCABULARY
from mvkg.kernel.workspace import Workspace
from mvkg.ui import data
from tables_support import frames

OBLIGATION = "atu-mv/resolves/para_b"  # not covered by the seed's in-force portfolio


@pytest.fixture
def live(built, tmp_path, monkeypatch) -> Workspace:
    ws, _ = built
    shutil.copytree(ws.root, tmp_path / "live", ignore=shutil.ignore_patterns("snapshots"))
    monkeypatch.setenv("MVKG_WORKSPACE", str(tmp_path / "live"))
    return Workspace(tmp_path / "live")


def run_page(name: str) -> AppTest:
    at = AppTest.from_string(f"from mvkg.ui import pages\npages.{name}()", default_timeout=180).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def verdict_counts(at: AppTest) -> dict[str, int]:
    """The Overview's "Verdicts" table: verdict notation → obligations."""
    frame = next(f for f in frames(at) if f.columns[0] == "verdict").set_index("verdict")
    plain = {re.sub(r"\\(.)", r"\1", str(k)): int(v) for k, v in frame["obligations"].items()}
    return {v.notation: plain[v.mark] for v in VOCABULARY.verdicts}


def test_a_write_shows_on_the_next_page_run_although_the_views_are_cached(live, resources):
    before = run_page("overview")
    again = run_page("overview")  # served from the shared caches
    assert verdict_counts(again) == verdict_counts(before)
    key = data.build_key(live)
    counts = verdict_counts(before)
    assert counts["not-covered"] >= 1

    pipeline.add_assessment(live, resources, OBLIGATION, "ITU-T Y.4240", "partial", "covers the interoperability part",
                            actor=ADMIN, today="2026-12-05")

    assert data.build_key(live) != key  # the write changed the manifest, so every cache key
    after = verdict_counts(run_page("overview"))
    assert after["not-covered"] == counts["not-covered"] - 1
    assert after["partial"] == counts["partial"] + 1
    metrics = {m.label: m.value for m in run_page("overview").metric}
    assert metrics["Coverage, all obligations"] != {m.label: m.value for m in before.metric}["Coverage, all obligations"]


def test_the_overview_charts_are_made_once_per_build_and_portfolio(live):
    """The charts every session shows are one cached value per build and portfolio, and they
    carry every obligation × theme cell of the page's own figures."""
    root, key = str(live.root), data.ensure_built(live)
    view, heatmap, sdgs = data.overview(root, key, "itu-t-in-force")
    assert data.overview(root, key, "itu-t-in-force")[1] == heatmap
    cells = heatmap["data"]["values"]
    assert len(cells) == len(view.cells) > 0
    assert {c["verdict"] for c in cells} <= set(VOCABULARY.verdicts.notations)
    assert {c["mark"] for c in cells} == {VOCABULARY.verdicts.get(c.verdict).icon for c in view.cells}
    assert [b["SDG"] for b in sdgs["data"]["values"]] == list(view.sdg_counts)


def test_what_changed_since_the_latest_snapshot_follows_a_write(live, resources):
    """The Overview's "changed since" is cached per build and snapshot; a write after the
    snapshot shows as a change on the next run."""
    pipeline.take_snapshot(live, resources, data.snapshot_store(live), "itu-t-in-force", "before", actor=ADMIN)
    texts = [m.value for m in run_page("overview").markdown]
    assert "No verdict changed since." in texts
    pipeline.add_assessment(live, resources, OBLIGATION, "ITU-T Y.4240", "partial", "covers the interoperability part",
                            actor=ADMIN, today="2026-12-05")
    texts = [m.value for m in run_page("overview").markdown]
    assert "Changed since: 1 obligation(s)" in texts
