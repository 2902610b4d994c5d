"""Links between pages carry the obligation: the Corrections page opened with `?ob=` (a short
id, or a name as analysts write it) has that obligation picked; an unknown one is named and
nothing else stands in for it (the obligation detail's "check the extraction" action links there)."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest


def corrections(ob: str) -> AppTest:
    at = AppTest.from_string("from mvkg.ui import pages\npages.corrections()", default_timeout=180)
    at.query_params["ob"] = ob
    return at.run()


@pytest.mark.parametrize("ob", ["atu-mv/resolves/para_c", "ATU-MV  resolves c", "atu-mv resolves C"])
def test_corrections_opens_on_the_linked_obligation(ui_workspace, ob):
    at = corrections(ob)
    assert not at.exception and not at.warning
    picked = at.selectbox(key="correct-obligation")
    assert picked.value.endswith("/atu-mv/resolves/para_c/obligation")
    other = corrections("atu-mv/resolves/para_b").selectbox(key="correct-obligation").value
    assert other != picked.value and other.endswith("/para_b/obligation")


def test_corrections_names_an_unknown_linked_obligation(ui_workspace):
    at = corrections("ATU-MV resolves zz")
    assert not at.exception
    shown = [re.sub(r"\\(.)", r"\1", w.value) for w in at.warning]  # as read on screen (Markdown escapes dropped)
    assert shown == ["Obligation 'ATU-MV resolves zz' not found in this workspace."]
