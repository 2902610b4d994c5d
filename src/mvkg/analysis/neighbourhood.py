"""The Graph page's subgraph around one obligation or one theme, made to be read: around a
theme, its obligations are grouped by resolution (at most `limit` of each shown, the others
counted), each named as analysts say it ("ATU-MV resolves b") with its verdict, and joined to
the catalogue entries that cover it (one node per entry, however many obligations it covers);
the obligations' other themes are left out, which is what made a theme's graph a tangle.
Around an obligation: its resolution, its own themes and its covering entries. `to_dot` lays
the subgraph out left to right in Graphviz, one box per resolution, labels wrapped."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from mvkg.compliance.coverage import Coverage, ObligationVerdict
from mvkg.kernel.vocabulary import VOCABULARY
from mvkg.query.graphstore import GraphStore
from mvkg.query.named import ask, select

DEFAULT_LIMIT = 6  # obligations shown per resolution before "show more"
WRAP = 24  # characters per label line
LINES = 3  # label lines at most (the whole text is the node's tooltip)


@dataclass(frozen=True)
class Node:
    id: str
    kind: str  # "theme" | "obligation" | "resolution" | "entry"
    label: str
    detail: str = ""  # the whole text (shown on hover)
    verdict: str = ""


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    label: str = ""


@dataclass(frozen=True)
class Group:
    """One resolution's obligations in the subgraph: those shown and how many are not."""

    resolution: str
    shown: tuple[str, ...]
    hidden: int


@dataclass(frozen=True)
class Neighbourhood:
    centre: Node
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    groups: tuple[Group, ...]

    @property
    def shown(self) -> int:
        return sum(len(g.shown) for g in self.groups)

    @property
    def hidden(self) -> int:
        return sum(g.hidden for g in self.groups)


def obligation_name(row: ObligationVerdict) -> str:
    return " ".join(p for p in (row.resolution, row.section, row.item) if p)


def _obligation_node(row: ObligationVerdict) -> Node:
    return Node(row.id, "obligation", obligation_name(row), obligation_name(row), row.verdict)


def _entry_nodes(rows: Sequence[ObligationVerdict]) -> tuple[list[Node], list[Edge]]:
    nodes: dict[str, Node] = {}
    edges = []
    for row in rows:
        for c in row.covering:
            key = "entry:" + c.entry
            nodes.setdefault(key, Node(key, "entry", c.entry, f"{c.entry}: {c.title} ({c.status})"))
            edges.append(Edge(row.id, key, c.relation))  # drawn left to right: obligation, then its entries
    return list(nodes.values()), edges


def theme_neighbourhood(store: GraphStore, cov: Coverage, theme: str, limit: int = DEFAULT_LIMIT) -> Neighbourhood:
    """A theme, the obligations with it or a narrower theme (grouped by resolution, in the
    order of the texts, at most `limit` of each resolution), and their covering entries."""
    label = next((r["label"] for r in select(store, "labels", x=[theme])), theme)
    centre = Node(theme, "theme", label, label)
    under = {r["o"] for r in select(store, "theme_obligations", t=theme)}
    by_resolution: dict[str, list[ObligationVerdict]] = {}
    for row in cov.rows:
        if row.id in under:
            by_resolution.setdefault(row.resolution, []).append(row)
    groups, shown_rows = [], []
    for code, rows in by_resolution.items():
        kept = rows[:max(limit, 0)]
        shown_rows.extend(kept)
        groups.append(Group(code, tuple(r.id for r in kept), len(rows) - len(kept)))
    entries, entry_edges = _entry_nodes(shown_rows)
    nodes = [centre, *(_obligation_node(r) for r in shown_rows), *entries]
    edges = [Edge(theme, r.id) for r in shown_rows] + entry_edges
    return Neighbourhood(centre, tuple(nodes), tuple(edges), tuple(groups))


def obligation_neighbourhood(store: GraphStore, cov: Coverage, obligation: str) -> Neighbourhood:
    """An obligation with its resolution, its own themes and its covering entries."""
    row = next((r for r in cov.rows if r.id == obligation), None)
    if row is None:
        raise KeyError(obligation)
    centre = _obligation_node(row)
    resolution = Node(f"resolution:{row.resolution}", "resolution", row.resolution, row.resolution)
    themes = [Node(t["t"], "theme", t["l"], t["l"]) for t in select(store, "obligation_themes", o=obligation)]
    entries, entry_edges = _entry_nodes([row])
    nodes = [centre, resolution, *themes, *entries]
    edges = [Edge(resolution.id, row.id), *(Edge(row.id, t.id, "theme") for t in themes), *entry_edges]
    return Neighbourhood(centre, tuple(nodes), tuple(edges), (Group(row.resolution, (row.id,), 0),))


def neighbourhood(store: GraphStore, cov: Coverage, iri: str, limit: int = DEFAULT_LIMIT) -> Neighbourhood:
    if ask(store, "is_theme", t=iri):
        return theme_neighbourhood(store, cov, iri, limit)
    return obligation_neighbourhood(store, cov, iri)


# ------------------------------------------------------------------ Graphviz


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def wrap(text: str, width: int = WRAP, lines: int = LINES) -> str:
    """A label in lines of at most `width` characters, at most `lines` of them (the last
    ending in an ellipsis when the text is longer)."""
    parts = textwrap.wrap(" ".join(text.split()), width) or [""]
    if len(parts) > lines:
        parts = parts[:lines]
        parts[-1] = parts[-1][:width - 1].rstrip() + "…"
    return "\n".join(parts)


SHAPES = {"theme": "ellipse", "obligation": "box", "resolution": "folder", "entry": "note"}


def _node_line(node: Node, centre: bool) -> str:
    label = wrap(node.label)
    attrs = [f"label={_quote(label)}", f"shape={SHAPES[node.kind]}", f"tooltip={_quote(node.detail or node.label)}"]
    if node.verdict:
        concept = VOCABULARY.verdicts.get(node.verdict)
        attrs[0] = f"label={_quote(label + chr(10) + concept.mark)}"
        attrs.append(f'color="{concept.colour}", penwidth=2')
    if centre:
        attrs.append('style="filled,bold", fillcolor="#eef3fb"')
    return f"{_quote(node.id)} [{', '.join(attrs)}];"


def to_dot(n: Neighbourhood) -> str:
    """The subgraph left to right: centre, then one box per resolution with its obligations
    (and "N more" where some are not shown), then the covering entries."""
    lines = ["digraph mvkg {", 'rankdir=LR; nodesep=0.15; ranksep=0.6;',
             'node [fontsize=10, fontname="sans-serif", margin="0.08,0.04"]; edge [fontsize=9, fontname="sans-serif"];']
    grouped = {ob for g in n.groups for ob in g.shown} if n.centre.kind == "theme" else set()
    for node in n.nodes:
        if node.id not in grouped:
            lines.append(_node_line(node, node.id == n.centre.id))
    by_id = {node.id: node for node in n.nodes}
    more: list[str] = []
    for i, g in enumerate(n.groups if n.centre.kind == "theme" else ()):
        total = len(g.shown) + g.hidden
        lines.append(f"subgraph cluster_{i} {{ label={_quote(f'{g.resolution}: {len(g.shown)} of {total}')}; "
                     'style=rounded; color="#999999"; fontname="sans-serif"; fontsize=11;')
        lines.extend("  " + _node_line(by_id[ob], False) for ob in g.shown)
        if g.hidden:
            lines.append(f'  {_quote("more:" + g.resolution)} [label={_quote(f"+ {g.hidden} more")}, shape=plaintext];')
            more.append(f'{_quote(n.centre.id)} -> {_quote("more:" + g.resolution)} [style=dotted, arrowhead=none];')
        lines.append("}")
    lines.extend(more)
    for e in n.edges:
        style = ', style=dashed' if e.label == "partial" else ""
        label = f" [label={_quote(e.label)}{style}]" if e.label and e.label != "theme" else ""
        lines.append(f"{_quote(e.source)} -> {_quote(e.target)}{label};")
    lines.append("}")
    return "\n".join(lines)
