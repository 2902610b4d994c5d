"""The shapes a server keeps between builds (compliance.incremental.Shapes, keyed by
`shapes_key`, run by `judge`) and the what-if's own start, which the Standards page shows as the portfolio's
current coverage instead of validating it a second time: both must judge exactly as
`validate` does."""

from __future__ import annotations

import shutil

from mvkg.compliance.coverage import coverage
from mvkg.compliance.incremental import LiveValidation, Shapes, judge, shapes_key
from mvkg.compliance.validate import validate
from mvkg.inputs.portfolios import load_portfolios
from mvkg.kernel.resources import Resources
from mvkg.query.store import open_read_only, portfolio_view


def test_a_live_start_from_compiled_shapes_judges_every_portfolio_as_validate_does(built, resources):
    ws, _ = built
    store, shapes = open_read_only(ws), Shapes.of(resources)
    names = sorted(load_portfolios(ws))
    assert len(names) >= 2
    for name in names:
        full = validate(ws, resources, name, store=store)
        kept = judge(store, shapes, name)  # what the UI runs, with the shapes it keeps between builds
        assert kept.verdicts == full.verdicts and kept.results == full.results
        live = LiveValidation.start(portfolio_view(store, name), shapes, name)
        assert live.run.verdicts == full.verdicts
        assert coverage(resources, live.run) == coverage(resources, full)
        again = LiveValidation.start(portfolio_view(store, name), shapes.graph, name)  # compiled here instead
        assert again.run.verdicts == live.run.verdicts


def test_the_shapes_key_follows_the_shapes_files(resources, tmp_path):
    copy = Resources(tmp_path)
    shutil.copytree(resources.shapes, copy.shapes)
    assert shapes_key(copy) == shapes_key(resources)
    first = sorted(copy.shapes.glob("*.ttl"))[0]
    first.write_text(first.read_text() + "\n# changed\n")
    assert shapes_key(copy) != shapes_key(resources)
    (copy.shapes / "extra.ttl").write_text("")
    changed = shapes_key(copy)
    (copy.shapes / "extra.ttl").unlink()
    assert shapes_key(copy) != changed
