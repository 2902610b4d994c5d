"""Lines of PDF pages → normalised text: page furniture out, footnotes apart, paragraphs joined.

Rules (all relative to the document's own measures: its body font size, line spacing, and
each page's left and right text edges):
- furniture: among the three lines nearest the top or bottom edge of a page (within 12 % of
  its height), a line is dropped when the same line (digits aside) is on the edges of at
  least 40 % of the pages (and two), when it is a page number ("3", "3/5", "Page 3 of 5",
  "- 3 -"), when every word in it is letterless ("18-17962", "*1817962*"), a one- or
  two-letter code in brackets ("(E)"), or a symbol with digits also on another page's edge
  ("A/RES/73/6"), or when it is in small type and its other words (15 characters at least)
  were already printed on earlier pages (a running title);
- footnotes: the lines below a separator line (five or more underscores) in the lower half of
  a page, or else a run of smaller-type lines at the foot of a page that starts with a note
  number; a note line starting with a number (superscript or small type) starts a note, any
  other line continues the last note (also across a page break);
- footnote marks: a raised, smaller run in the body whose text is the number of a found
  footnote is removed; other superscripts are kept, glued to their word;
- paragraphs: a new one starts on a change of font size, a gap wider than 1.3 line spacings,
  a first line indented from the paragraph's text edge (or a hanging one ending), a line
  that starts with a label followed by a wide gap (then written "label<TAB>text"), or after
  a line that stops short of the right edge by 30 % of the text width.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

from mvkg.ingest.formats.base import (
    Dehyphenator,
    Extracted,
    Footnote,
    furniture_key,
    labelled,
    letterless_or_code,
    page_number,
    render,
    strip_note_marks,
)
from mvkg.ingest.formats.pdf import Line, Page

_SEPARATOR_RX = re.compile(r"^[_\u2014\u2015]{5,}$")
_NOTE_MARK_RX = re.compile(r"^(?:\d{1,3}|[*\u2020\u2021\u00a7]{1,3})$")
_LABEL_RX = re.compile(
    r"^(?:\(?\d{1,3}(?:\.\d{1,3})*[.)]?|\(\d{1,3}\)"
    r"|\(?(?:[a-zA-Z]|([a-z])\1|[ivxlc]{1,6}|[IVXLC]{1,6})[.)]|\((?:[a-zA-Z]|[ivxlc]{1,6}|[IVXLC]{1,6})\)"
    r"|[\u2013\u2014\u2022\u00b7\u25aa\u25e6\u2023\u2043-])$"
)


def lay_out(pages: list[Page]) -> Extracted:
    warnings = [f"page {p.number} has no text layer (scanned?); its content is missing" for p in pages if not p.lines]
    body_size = _body_size(pages)
    furniture = _furniture(pages, body_size)
    bodies: list[list[Line]] = []
    note_lines: list[Line] = []
    for page in pages:
        body, notes = _split_notes([ln for ln in page.lines if id(ln) not in furniture], body_size)
        bodies.append(body)
        note_lines.extend(notes)
    notes_raw, note_warnings = _footnotes(note_lines, body_size)
    warnings.extend(note_warnings)
    marks = frozenset(label for label, _ in notes_raw if label)
    body_lines = [ln for page in bodies for ln in page]
    dehyphen = Dehyphenator([ln.text(marks) for ln in body_lines] + [t for _, lines in notes_raw for t in lines])
    paragraphs = _paragraphs(body_lines, body_size, marks, dehyphen)
    orphans = sorted({w.text for ln in body_lines for w in ln.words if w.sup and w.text.isdigit() and w.text not in marks})
    if orphans:
        warnings.append(f"superscript numbers with no footnote kept in the text: {', '.join(orphans)}")
    footnotes = tuple(Footnote(label, dehyphen.join(lines)) for label, lines in notes_raw)
    return Extracted(render(paragraphs), footnotes, tuple(warnings))


def _body_size(pages: list[Page]) -> float:
    weight: Counter[float] = Counter()
    for page in pages:
        for line in page.lines:
            weight[round(line.size, 1)] += sum(len(w.text) for w in line.words)
    return weight.most_common(1)[0][0] if weight else 10.0


# ------------------------------------------------------------------ furniture


def _edge_lines(page: Page) -> list[Line]:
    """The lines that could be running heads or feet: three at most at each edge, within
    12 % of the page height, and not a footnote (a line that starts with a superscript)."""
    by_y = sorted(page.lines, key=lambda ln: -ln.y)
    band = 0.12 * page.height
    top = [ln for ln in by_y[:3] if ln.y >= page.height - band]
    bottom = [ln for ln in by_y[-3:] if ln.y <= band and ln not in top]
    return [ln for ln in top + bottom if not ln.words[0].sup]


def _furniture(pages: list[Page], body_size: float) -> set[int]:
    edges = {page.number: _edge_lines(page) for page in pages}
    earlier: dict[int, str] = {}  # the text of the pages before each page (for running titles)
    seen = ""
    for page in pages:
        earlier[page.number] = seen
        seen += " " + " ".join(ln.text().lower() for ln in page.lines if all(ln is not e for e in edges[page.number]))
    where: dict[str, list[tuple[int, float]]] = {}
    token_pages: Counter[str] = Counter()
    for number, lines in edges.items():
        for line in lines:
            where.setdefault(furniture_key(line.text()), []).append((number, line.y))
        token_pages.update({tok for ln in lines for tok in ln.text().split() if any(c.isdigit() for c in tok)})
    need = max(2, math.ceil(0.4 * len(pages)))

    def repeated(key: str) -> bool:  # the same line at the same height on enough pages
        spots = where.get(key, [])
        return any(len({n for n, y in spots if abs(y - y0) <= 2.0}) >= need for _, y0 in spots)

    def noise(tok: str) -> bool:
        if letterless_or_code(tok):
            return True
        return any(c.isdigit() for c in tok) and token_pages[tok] >= 2

    def running_title(line: Line, text: str, number: int) -> bool:  # small type repeating earlier words
        rest = " ".join(t for t in text.split() if not noise(t)).lower()
        return line.size <= 0.9 * body_size and len(rest) >= 15 and rest in earlier[number]

    out: set[int] = set()
    for number, lines in edges.items():
        for line in lines:
            text = line.text()
            if (
                repeated(furniture_key(text))
                or page_number(text)
                or all(noise(t) for t in text.split())
                or running_title(line, text, number)
            ):
                out.add(id(line))
    return out


# ------------------------------------------------------------------ footnotes


def _split_notes(lines: list[Line], body_size: float) -> tuple[list[Line], list[Line]]:
    """A page's lines (reading order) → (body lines, footnote lines)."""
    if not lines:
        return [], []
    top = max(ln.y for ln in lines)
    seps = [ln for ln in lines if _SEPARATOR_RX.match(ln.text()) and ln.y < top / 2 + 1]
    if seps:
        sep = min(seps, key=lambda ln: ln.y)
        body = [ln for ln in lines if ln.y > sep.y and ln is not sep]
        return body, sorted((ln for ln in lines if ln.y < sep.y), key=lambda ln: -ln.y)
    by_y = sorted(lines, key=lambda ln: -ln.y)
    run: list[Line] = []
    for line in reversed(by_y):
        if line.size > 0.9 * body_size:
            break
        run.insert(0, line)
    starts = [i for i, ln in enumerate(run) if _note_start(ln, body_size)]
    if not starts or len(run) == len(by_y):
        return lines, []
    notes = run[starts[0] :]
    return [ln for ln in lines if all(ln is not n for n in notes)], notes


def _note_start(line: Line, body_size: float) -> bool:
    first = line.words[0]
    if not _NOTE_MARK_RX.match(first.text) or len(line.words) < 2:
        return False
    return first.sup or (line.size <= 0.9 * body_size and first.text.isdigit())


def _footnotes(lines: list[Line], body_size: float) -> tuple[list[tuple[str, list[str]]], list[str]]:
    notes: list[tuple[str, list[str]]] = []
    warnings: list[str] = []
    for line in lines:
        if _note_start(line, body_size):
            notes.append((line.words[0].text, [line.text(start=1)]))
        elif notes:
            notes[-1][1].append(line.text())
        else:
            warnings.append(f"page {line.page}: footnote text with no number kept as an unnumbered note")
            notes.append(("", [line.text()]))
    return notes, warnings


# ------------------------------------------------------------------ paragraphs


@dataclass
class _Metrics:
    left: dict[tuple[int, int], float]
    right: dict[tuple[int, int], float]
    spacing: float  # baseline to baseline within a paragraph of body text
    body: float


@dataclass
class _Para:
    label: str
    lines: list[str]
    first_rel: float  # where the first line's text starts, from the text edge
    cont_rel: float | None = None  # where the following lines start
    last: Line | None = field(default=None, repr=False)


def _metrics(lines: list[Line], body_size: float) -> _Metrics:
    """Each page column's text edges (the commonest start, and the 80th percentile end, of
    its body-size lines) and the body's line spacing."""
    starts: dict[tuple[int, int], Counter[int]] = {}
    ends: dict[tuple[int, int], list[float]] = {}
    for ln in lines:
        key = (ln.page, ln.column)
        weight = 10 if abs(ln.size - body_size) < 0.5 else 1  # body lines decide, others only when alone
        starts.setdefault(key, Counter())[round(ln.x0)] += weight
        ends.setdefault(key, []).extend([ln.x1] * weight)
    left = {key: float(c.most_common(1)[0][0]) for key, c in starts.items()}
    right = {key: sorted(xs)[int(0.8 * (len(xs) - 1))] for key, xs in ends.items()}
    steps = sorted(
        a.y - b.y
        for a, b in zip(lines, lines[1:])
        if (a.page, a.column) == (b.page, b.column)
        and abs(a.size - body_size) < 0.5
        and abs(b.size - body_size) < 0.5
        and 0.8 * body_size < a.y - b.y < 2.5 * body_size
    )
    spacing = steps[len(steps) // 4] if steps else 1.2 * body_size  # the lower quartile: lines within a paragraph
    return _Metrics(left, right, spacing, body_size)


def _label(line: Line) -> tuple[str, float]:
    """(label, x where the text after it starts) when the line starts with a label set off
    by a wide gap; ("", x0) otherwise."""
    words = line.words
    wide_gap = len(words) >= 2 and words[1].x0 - words[0].x1 >= 0.5 * line.size
    if wide_gap and not words[0].sup and _LABEL_RX.match(words[0].text):
        return words[0].text, words[1].x0
    return "", line.x0


def _paragraphs(lines: list[Line], body_size: float, marks: frozenset[str], dehyphen: Dehyphenator) -> list[str]:
    m = _metrics(lines, body_size)
    out: list[str] = []
    para: _Para | None = None

    def flush() -> None:
        if para is not None:
            text = strip_note_marks(dehyphen.join(para.lines), marks)
            out.append(labelled(para.label, text) if para.label else text)

    for line in lines:
        key = (line.page, line.column)
        edge = m.left[key]
        label, text_x = _label(line)
        rel = line.x0 - edge
        if para is None or _breaks(para, line, label, rel, m):
            flush()
            start = 1 if label else 0
            para = _Para(label, [line.text(marks, start=start)], text_x - edge, last=line)
            continue
        if para.cont_rel is None:
            para.cont_rel = rel
        para.lines.append(line.text(marks))
        para.last = line
    flush()
    return out


def _breaks(para: _Para, line: Line, label: str, rel: float, m: _Metrics) -> bool:
    prev = para.last
    assert prev is not None
    size = max(prev.size, line.size)
    if label or abs(prev.size - line.size) > 0.15 * size:
        return True
    same_flow = (prev.page, prev.column) == (line.page, line.column)
    if same_flow and not 0 < prev.y - line.y <= 1.3 * m.spacing * max(1.0, size / m.body):
        return True
    if para.cont_rel is None:
        hanging = para.first_rel < -0.8 * size and abs(rel) <= 0.8 * size  # first line out in the margin
        if rel > para.first_rel + 0.8 * size and not hanging:
            return True
    elif abs(rel - para.cont_rel) > 0.8 * size:
        return True
    prev_key = (prev.page, prev.column)
    prev_width = max(m.right[prev_key] - m.left[prev_key], 1.0)
    if prev.x1 >= m.right[prev_key] - 0.3 * prev_width:
        return False
    before, after = para.lines[-1], line.text()
    wrapped = before.endswith("-") or (before[-1:].isalpha() or before.endswith(",")) and after[:1].islower()
    return not wrapped  # a short line ends its paragraph, unless the sentence plainly runs on
