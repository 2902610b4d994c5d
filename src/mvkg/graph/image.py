"""The canonical image build/mvkg.nq after a live write: the lines of the graphs the write
replaced are cut out of the old image and the new ones put in their sorted places, without
splitting the rest into lines (at 1M triples the image is 217 MB). The result is byte for byte
what `canonical_nquads` makes of the whole store, as long as the replaced graphs hold no blank
node (their labels are canonical over the whole graph, so such a graph goes through a full dump)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import pyoxigraph as ox

from mvkg.kernel.files import atomic_write

Chunk = bytes | memoryview


def graph_lines(store: ox.Store, graph: str) -> list[bytes]:
    """The graph's quads as the image writes them (Oxigraph's N-Quads), sorted."""
    data = ox.serialize(store.quads_for_pattern(None, None, None, ox.NamedNode(graph)), format=ox.RdfFormat.N_QUADS)
    return sorted((data or b"").splitlines())


def _suffix(graph: str) -> bytes:
    return b" <" + graph.encode("utf-8") + b"> .\n"


def old_lines(image: bytes, graph: str) -> list[tuple[int, int]]:
    """Where the graph's lines are in the image: (start, end) of each, the line break included.
    In N-Quads every line break ends a statement (literals escape theirs), and mvkg puts every
    statement in a named graph, so ` <graph> .` before a line break is that graph's line."""
    suffix, spans, at = _suffix(graph), [], image.find(_suffix(graph))
    while at >= 0:
        spans.append((image.rfind(b"\n", 0, at) + 1, at + len(suffix)))
        at = image.find(suffix, at + len(suffix))
    return spans


def has_blank_nodes(image: bytes, spans: Iterable[tuple[int, int]], lines: Iterable[bytes]) -> bool:
    return any(b"_:" in image[a:b] for a, b in spans) or any(b"_:" in line for line in lines)


def _line_start(image: bytes, pos: int) -> int:
    return image.rfind(b"\n", 0, pos) + 1


def insertion_point(image: bytes, line: bytes) -> int:
    """The start of the first line of the sorted image that is not less than `line`."""
    lo, hi = 0, len(image)  # the answer is a line start in [lo, hi]
    while lo < hi:
        mid = _line_start(image, (lo + hi) // 2)
        if mid < lo:  # the line holding the midpoint starts before lo: look from lo on
            mid = lo
        end = image.find(b"\n", mid)
        end = len(image) if end < 0 else end
        if image[mid:end] < line:
            lo = end + 1
        else:
            hi = mid
    return lo


def spliced(image: bytes, removed: Sequence[tuple[int, int]], added: Sequence[bytes]) -> list[Chunk]:
    """The image without the `removed` spans and with the `added` lines in their places."""
    view = memoryview(image)
    events = sorted([(a, 1, b, b"") for a, b in removed] + [(insertion_point(image, line), 0, 0, line) for line in added])
    chunks: list[Chunk] = []
    cursor = 0
    for pos, kind, end, line in events:
        if pos > cursor:
            chunks.append(view[cursor:pos])
            cursor = pos
        if kind == 0:
            chunks.append(line + b"\n")
        else:
            cursor = max(cursor, end)
    chunks.append(view[cursor:])
    return chunks


def write_chunks(path: Path, chunks: Iterable[Chunk]) -> None:
    """Write the chunks as one file, atomically (temporary file, fsync, rename)."""
    atomic_write(path, chunks)
