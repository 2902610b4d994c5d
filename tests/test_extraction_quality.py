"""Per-obligation extraction warnings and confidence: what ingest was unsure of is on the
obligation it concerns (not only printed at ingest), and the confidence comes from the warning
kinds' factors in the ontology."""

from __future__ import annotations

import json

from conftest import run_cli

TEXT = """RESOLUTION 999 (Testville, 2026)

The World Telecommunication Standardization Assembly (Testville, 2026),

considering

a) that testing matters,

invites the Committee of Wise Owls

to consider the privacy of metaverse users;

instructs the Director of the Telecommunication Standardization Bureau

\u2022 to report on security;
\u2022 to report on interoperability;
- to report on accessibility.
"""


def test_warnings_and_confidence_are_on_the_obligations(tmp_path, lexicon):
    source = tmp_path / "res.txt"
    source.write_text(TEXT, encoding="utf-8")
    result = run_cli("-w", str(tmp_path), "ingest", str(source), "--dry-run", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    by_item = {r["item"]: r for r in rows}
    owls = next(r for r in rows if r["bearers"] == ["Committee of Wise Owls"])
    assert owls["warnings"] == ["minted-actor: bearer 'Committee of Wise Owls' is not in ontology/actors.ttl"]
    assert owls["confidence"] == lexicon.warning_factors["minted-actor"] < 1
    bullets = [r for item, r in by_item.items() if item.startswith("-")]
    assert len(bullets) == 3
    for r in bullets:
        assert [w.split(":")[0] for w in r["warnings"]] == ["guessed-label"]
        assert r["confidence"] == lexicon.warning_factors["guessed-label"]
    # the factors are data: every kind the code emits has one in the ontology
    assert {"unknown-verb", "split-paragraph", "guessed-label", "no-bearer", "minted-actor"} <= set(lexicon.warning_factors)
