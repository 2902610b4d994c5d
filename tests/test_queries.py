"""Every canned query in queries/ has a title and description, passes the query guard, and
answers on the seed workspace."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from mvkg.kernel.resources import find_resources
from mvkg.query.sparql import read_query_file, run_query
from mvkg.query.store import open_read_only

QUERIES = sorted(find_resources().queries.glob("*.rq"))


@pytest.mark.parametrize("path", QUERIES, ids=[p.stem for p in QUERIES])
def test_canned_query_runs(built, path):
    text = read_query_file(path)
    assert text.startswith("# title: ") and "\n# description: " in text
    result = run_query(open_read_only(built[0]), text)
    assert result.rows, path.name


def test_privacy_query_follows_the_theme_hierarchy(built):
    text = read_query_file(find_resources().queries / "obligations_by_theme.rq")
    result = run_query(open_read_only(built[0]), text)
    rows = [dict(zip(result.columns, (t.value for t in r))) for r in result.rows]
    assert {r["item"] for r in rows} == {"g"}
    assert {r["tag"] for r in rows} == {"data protection", "privacy-enhancing technologies", "user control over personal data"}


def test_bearer_query_reports_the_successor_of_sg16(built):
    text = read_query_file(find_resources().queries / "obligations_by_bearer.rq")
    result = run_query(open_read_only(built[0]), text)
    rows = {r[0].value: r for r in result.rows}
    assert rows["Study Group 16"][1].value == "Study Group 21"
    assert int(rows["Study Group 16"][2].value) == 5


def test_covering_query_names_the_portfolio_of_each_row(built):
    """On the whole store every portfolio's covering entries are listed once, under its
    name; the `portfolio` parameter keeps one."""
    store = open_read_only(built[0])
    text = read_query_file(find_resources().queries / "covering.rq")
    rows = [tuple(t.value for t in r) for r in run_query(store, text).rows]
    assert len(rows) == len(set(rows))
    assert {r[0] for r in rows} >= {"itu-t-in-force", "in-force"}
    one = run_query(store, text, {"portfolio": ox.Literal("itu-t-in-force")}).rows
    assert one and sorted(tuple(t.value for t in r) for r in one) == sorted(r for r in rows if r[0] == "itu-t-in-force")
