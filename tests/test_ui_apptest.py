"""Every page of the analyst workspace through streamlit.testing (AppTest): renders with no
exception or error box, and the interactions an analyst relies on work: filters, detail
view, what-if projection, a canned query, a snapshot."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from actors import OS_USER
from tables_support import frames

PAGES = ["overview", "obligations", "standards", "validation", "sparql", "snapshots", "compare", "graph"]


def page(name: str) -> AppTest:
    at = AppTest.from_string(f"from mvkg.ui import pages\npages.{name}()", default_timeout=180)
    return at.run()


def plain(value: str) -> str:
    """A table cell as read on screen (tables escape Markdown in text from data)."""
    return re.sub(r"\\(.)", r"\1", str(value))


def table(at: AppTest, having: str):
    """The first table with a column (or index) named `having`, its cells as read on screen."""
    for found in frames(at):
        frame = found.map(plain)
        frame.columns = [plain(c) for c in frame.columns]
        if having in frame.columns:
            return frame
    raise AssertionError(f"no table with a column {having!r}")


def _clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


@pytest.mark.parametrize("name", PAGES)
def test_page_renders(ui_workspace, name):
    at = page(name)
    _clean(at)
    assert at.title[0].value


def test_overview_shows_coverage_and_formula(ui_workspace):
    at = page("overview")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Obligations"] == "27"
    assert metrics["Coverage, all obligations"].endswith("%")
    assert any("0.5 × partial" in c.value for c in at.caption)


def test_obligation_filters_and_detail(ui_workspace):
    at = page("obligations")
    at.multiselect(key="f-resolution").set_value(["ATU-MV"]).run()
    _clean(at)
    assert "11 of 27 obligations" in [c.value for c in at.caption]
    at.multiselect(key="f-verdict").set_value(["✘ not-covered"]).run()
    assert "1 of 27 obligations" in [c.value for c in at.caption]
    assert at.query_params["resolution"] in ("ATU-MV", ["ATU-MV"])  # shareable by URL
    texts = " ".join(m.value for m in at.markdown)
    assert "Joint Coordination Activity" in texts.replace("\\", "")  # the source text of ATU resolves b


def test_whatif_projection_changes_a_verdict_before_saving(ui_workspace, lexicon):
    at = page("standards")
    form = at.text_input
    assert form
    theme = {c.label: iri for iri, c in lexicon.themes.items()}
    at.multiselect[-2].set_value([theme["privacy-enhancing technologies"], theme["user control over personal data"],
                                  theme["data protection"]])
    at.multiselect[-1].set_value(["atu-mv/resolves/para_g"])
    at.radio[1].set_value("published")
    at.button[0].click().run()  # "Add to what-if" (form submit)
    _clean(at)
    metrics = {m.label: m for m in at.metric}
    current = [v for k, v in metrics.items() if k.startswith("Current")][0].value
    projected = metrics["Projected"].value
    assert projected != current
    assert at.session_state["hypotheticals"][0].id == "Draft X.meta-privacy"
    frame = table(at, "changed")
    changed = frame[frame["changed"] == "yes"]
    assert list(changed["projected"]) == ["✔ covered"]
    per_theme = table(at, "theme").set_index("theme")  # the live tally, moved with the change
    assert int(per_theme.loc["privacy-enhancing technologies", "✔ covered"]) >= 1


def test_canned_query_runs(ui_workspace):
    at = page("sparql")
    at.selectbox[0].set_value("obligations_by_theme").run()
    _clean(at)
    at.button[0].click().run()
    _clean(at)
    assert any(" rows in " in m.value for m in at.markdown)
    result = at.dataframe[-1].value
    assert len(result) >= 1


def test_queries_on_an_in_memory_graph_share_one_kept_child(ui_workspace, monkeypatch):
    """With the `memory` store the page's queries run in the child the UI keeps for the graph:
    the same answer twice, from the same child."""
    from mvkg.ui import data

    monkeypatch.setenv("MVKG_STORE", "memory")
    data._opened.clear()  # the graph an earlier test opened is the on-disk store
    try:
        at = page("sparql")
        at.selectbox[0].set_value("obligations_by_bearer").run()
        at.button[0].click().run()
        _clean(at)
        first = at.dataframe[-1].value
        worker = data.query_worker(str(ui_workspace.root), data.build_key(ui_workspace))
        pid = worker.pid
        at.button[0].click().run()
        _clean(at)
        assert len(first) >= 1 and first.equals(at.dataframe[-1].value)
        assert pid is not None and worker.pid == pid
    finally:
        data._opened.clear()


def type_query(at: AppTest, text: str) -> None:
    """Put `text` in the SPARQL editor (an Ace component, which AppTest cannot type into): the
    value the component sends when it loses focus, set in its session state."""
    at.session_state["editor-(free query)"] = {"id": "apptest", "type": "blur", "text": text}
    at.run()


def test_query_results_show_labels_next_to_iris(ui_workspace):
    at = page("sparql")
    type_query(at, "SELECT ?o WHERE { ?o a mvkg:Obligation ; mvkg:itemPath \"g\" }")
    at.button[0].click().run()
    _clean(at)
    frame = at.dataframe[-1].value
    assert list(frame.columns) == ["o", "o (label)"]
    assert frame["o (label)"].iloc[0] == "ATU-MV resolves g"


def test_query_guard_on_screen(ui_workspace):
    at = page("sparql")
    type_query(at, "DELETE WHERE { ?s ?p ?o }")
    at.button[0].click().run()
    assert at.error and "read-only" in plain(at.error[0].value)


def test_take_a_snapshot(live, monkeypatch):
    """On a private copy: a snapshot on the session's shared workspace would go into the audit
    journal that later copies of it (the `live` fixture) start from."""
    monkeypatch.setenv("MVKG_WORKSPACE", str(live.root))
    at = page("snapshots")
    at.text_input[0].set_value("from the UI test")
    at.button[0].click().run()
    _clean(at)
    assert "from the UI test" in list(table(at, "label")["label"])


def test_compare_drafts_shows_alignment_and_records_a_review(built, monkeypatch, tmp_path):
    import shutil

    from conftest import copy_workspace

    ws, _ = built
    copy = copy_workspace(tmp_path)
    shutil.copytree(ws.build_dir, copy.build_dir)
    monkeypatch.setenv("MVKG_WORKSPACE", str(copy.root))
    at = page("compare")
    _clean(at)
    frame = table(at, "relation")
    assert {"equivalent", "broader", "narrower", "overlapping", "unmatched"} & set(frame["relation"])
    assert not at.text_input  # no typed name: the decision is recorded under the acting user
    at.radio[0].set_value("rejected")
    at.button[0].click().run()
    _clean(at)
    last = (copy.data / "alignments" / "decisions.csv").read_text(encoding="utf-8").splitlines()[-1]
    assert "rejected" in last and f",{OS_USER}," in f",{last},"

