"""The one interface every graph store offers mvkg: the embedded on-disk Oxigraph store, the
in-memory store loaded from the build image, a remote SPARQL 1.1 endpoint, and a view of any
of them through a chosen default graph (`DataView`). Query results are pyoxigraph's result
objects whichever store answered."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol, runtime_checkable

import pyoxigraph as ox


@runtime_checkable
class GraphStore(Protocol):
    def query(self, query: str, *, prefixes: dict[str, str] | None = ...,
              use_default_graph_as_union: bool = ..., substitutions: Any = ...) -> Any:
        """Run a SPARQL query: solutions, a boolean, or triples. `substitutions`: values for
        variables, as pyoxigraph takes them."""

    def named_graphs(self) -> Iterable[ox.NamedNode | ox.BlankNode]:
        """The named graphs the store holds."""
