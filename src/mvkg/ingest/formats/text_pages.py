"""Page furniture in a text copy of a printed document.

`pdftotext` and the text dumps of document archives keep a form feed between pages, and with
it the running heads and feet each page printed: the document symbol, the job number, the
page number. Left in, they land inside the paragraph that runs across the page break. The
same rules as for PDF layers (formats/pdf_layout.py) apply, on lines instead of positions:
among the three non-blank lines nearest each page break, a line is furniture when the same
line (digits aside) is at the breaks of at least 40 % of the pages (and two), when it is a
page number, or when every word in it is letterless, a language code ('(E)') or a token with
digits that is also at another break ('S/RES/1445'). Such a line is emptied, not removed, so
the text keeps its line numbers (what error messages and warnings name).
"""

from __future__ import annotations

import math
import re
from collections import Counter

from mvkg.ingest.formats.base import furniture_key, letterless_or_code, page_number

EDGE_LINES = 3  # non-blank lines at each side of a page break that may be furniture


def blank_page_furniture(text: str) -> str:
    """The text with the running heads and feet around its form feeds emptied; a text
    without form feeds comes back unchanged."""
    if "\f" not in text:
        return text
    lines = text.split("\n")
    edges = _edge_lines(lines)
    if not edges:
        return text
    drop = _furniture(lines, edges)
    return "\n".join(_emptied(line) if i in drop else line for i, line in enumerate(lines))


def _edge_lines(lines: list[str]) -> list[int]:
    """Indexes of the non-blank lines nearest each page break, on both sides."""
    breaks = [i for i, line in enumerate(lines) if "\f" in line]
    out: set[int] = set()
    for b in breaks:
        if lines[b].replace("\f", "").strip():
            out.add(b)  # the break shares its line with the next page's first line
        out.update(_nearest(lines, range(b - 1, -1, -1)))
        out.update(_nearest(lines, range(b + 1, len(lines))))
    return sorted(out)


def _nearest(lines: list[str], order: range) -> list[int]:
    found: list[int] = []
    for i in order:
        if "\f" in lines[i] or len(found) == EDGE_LINES:
            break
        if lines[i].strip():
            found.append(i)
    return found


def _furniture(lines: list[str], edges: list[int]) -> set[int]:
    pages = sum(line.count("\f") for line in lines) + 1
    need = max(2, math.ceil(0.4 * pages))
    texts = {i: lines[i].replace("\f", "").strip() for i in edges}
    keys = Counter(furniture_key(t) for t in texts.values())
    with_digits = Counter(tok for t in texts.values() for tok in set(t.split()) if any(c.isdigit() for c in tok))

    def noise(tok: str) -> bool:
        return letterless_or_code(tok) or (any(c.isdigit() for c in tok) and with_digits[tok] >= 2)

    return {
        i
        for i, t in texts.items()
        if keys[furniture_key(t)] >= need or page_number(t) or all(noise(tok) for tok in t.split())
    }


def _emptied(line: str) -> str:
    return re.sub(r"[^\f\r]", "", line)  # the page break (and a CR line end) stay
