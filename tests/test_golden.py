"""Golden tests: every obligation of both seeds, as `mvkg obligations --format json`
prints it, against reviewed golden files; and every offset points at its exact text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import REPO, run_cli

GOLDEN = Path(__file__).resolve().parent / "golden"
SEEDS = {"ECP-MV": "ecp-mv", "ATU-MV": "atu-mv"}


@pytest.fixture(scope="module")
def listing(built):
    ws, _ = built
    result = run_cli("--workspace", str(ws.root), "obligations", "--format", "json")
    assert result.exit_code == 0, result.output
    return ws, json.loads(result.output)


@pytest.mark.parametrize("code", sorted(SEEDS))
def test_obligations_match_golden(listing, code):
    _, rows = listing
    actual = [r for r in rows if r["resolution"] == code]
    expected = json.loads((GOLDEN / f"{SEEDS[code]}.obligations.json").read_text(encoding="utf-8"))
    assert [(r["section"], r["item"]) for r in actual] == [(r["section"], r["item"]) for r in expected]
    for got, want in zip(actual, expected):
        assert got == want, f"{code} {got['section']} {got['item']}"


def test_every_obligation_text_is_the_file_slice(listing):
    ws, rows = listing
    assert len(rows) == 27
    for row in rows:
        text = (ws.root / row["source"]["file"]).read_text(encoding="utf-8")
        assert text[row["source"]["start"] : row["source"]["end"]] == row["text"]


def test_seed_texts_are_stored_verbatim():
    for name, slug in (("000_daa945dce611f85b.txt", "ecp-mv"), ("001_e912c3f723c73aa4.txt", "atu-mv")):
        seed = REPO.parent / "shared" / "seeds" / name
        if seed.exists():
            assert (REPO / "data" / "resolutions" / f"{slug}.txt").read_bytes() == seed.read_bytes()


def test_json_contract_keys(listing):
    _, rows = listing
    for row in rows:
        assert list(row) == ["id", "resolution", "section", "item", "modality", "bearers", "themes", "sdgs", "text", "source",
                             "confidence", "warnings", "corrected"]
        assert set(row["source"]) == {"file", "start", "end"}
        assert row["id"].startswith("https://w3id.org/mvkg/id/")
