"""The `mvkg` command line: a thin adapter over the library. Each command parses its options,
calls one library function and prints what the renderers in `mvkg.render` make of the result.
Exit codes: 0 ok, 1 checks failed, 2 usage or input error.

`app` holds the group, its context and the error handling; the command modules register
their commands on it when imported here."""

from __future__ import annotations

from mvkg.cli import (  # noqa: F401
    alignment_commands,
    assessment_commands,
    audit_commands,
    compliance_commands,
    correction_commands,
    exchange_commands,
    graph_commands,
    serve_commands,
    snapshot_commands,
    ui_commands,
    why_commands,
)
from mvkg.cli.app import main

__all__ = ["main"]
