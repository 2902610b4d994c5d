"""The parsed structure of a resolution text: lines, items, sections and warnings, all with
exact code-point offsets into the text, plus the small layout helpers the parser uses."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from mvkg.ingest.labels import LABEL_RX, TERMINAL_RX
from mvkg.kernel.lexicon import Lexicon, Verb


@dataclass(frozen=True)
class Line:
    number: int  # 1-based
    start: int  # code-point offset of the first character
    text: str  # without the line break

    @property
    def end(self) -> int:
        return self.start + len(self.text)


@dataclass
class Item:
    """A numbered item or unnumbered paragraph; offsets cover its own text (no label)."""

    label: str  # "" for an unnumbered paragraph
    start: int
    end: int
    line: int
    children: list[Item] = field(default_factory=list)
    parent: Item | None = None
    style: str = ""
    value: int = 0
    series: int = 0  # 1, 2 … for a list that starts again at its first label ("a)" after "b)")

    def path(self) -> tuple[str, ...]:
        labels: list[str] = []
        node: Item | None = self
        while node is not None:
            labels.append(node.label)
            node = node.parent
        return tuple(reversed(labels))


@dataclass
class Section:
    verb: Verb
    heading_start: int
    heading_end: int
    addressee_start: int  # offset where the text after the verb starts
    line: int
    intro: Item | None = None  # unnumbered lead-in before the first item
    items: list[Item] = field(default_factory=list)  # top-level items or paragraphs


@dataclass(frozen=True)
class ParseWarning:
    """Something the reader of the extracted obligations should check: where and what."""

    line: int
    kind: str  # "unknown-verb", "merged-paragraph", "unlabelled-paragraph", ...
    message: str


@dataclass
class ParsedText:
    text: str
    code: str | None = None
    number: str | None = None
    title: str | None = None
    document_numbers: list[str] = field(default_factory=list)
    date: str | None = None
    proposer: str | None = None
    assembly: str | None = None
    body_line: int = 1
    sections: list[Section] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)


def split_lines(text: str) -> list[Line]:
    """The text's lines, numbered as an editor numbers them. A page break (form feed, as text
    copies of printed documents keep them) is not part of a line's text."""
    lines = []
    pos = 0
    number = 1
    for m in re.finditer(r"\r\n|\r|\n", text):
        lines.append(_line(text, number, pos, m.start()))
        pos = m.end()
        number += 1
    if pos < len(text):
        lines.append(_line(text, number, pos, len(text)))
    return lines


def _line(text: str, number: int, start: int, end: int) -> Line:
    while start < end and text[start] in "\f\v":
        start += 1
    while end > start and text[end - 1] in "\f\v":
        end -= 1
    return Line(number, start, text[start:end])


def match_first(patterns: tuple[re.Pattern[str], ...], text: str) -> re.Match[str] | None:
    for rx in patterns:
        m = rx.search(text)
        if m:
            return m
    return None


def ends_paragraph(prev: str) -> bool:
    return not prev.strip() or bool(TERMINAL_RX.search(prev))


def verb_alone(line: str, lex: Lexicon) -> bool:
    m = lex.heading_rx.match(line)
    return m is not None and not m.group("rest").strip()


def skip_space(text: str, start: int, end: int) -> int:
    while start < end and text[start] in " \t":
        start += 1
    return start


def rstrip_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in " \t\r\n":
        end -= 1
    return end


def lone_labels_joined(text: str, lines: list[Line]) -> list[Line]:
    """A label alone on its line ("3." and the paragraph on the next line, as text copied from a
    PDF often has it) is joined with the line after it: one line spanning both."""
    out: list[Line] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        m = LABEL_RX.match(line.text)
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        if (m is not None and not line.text[m.end():].strip() and nxt is not None and nxt.text.strip()
                and nxt.number == line.number + 1 and not LABEL_RX.match(nxt.text)):
            out.append(Line(line.number, line.start, text[line.start : nxt.end]))
            i += 2
            continue
        out.append(line)
        i += 1
    return out


def annex_duty_section(lex: Lexicon, sections: list[Section], annex: Line, line: Line) -> Section | None:
    """A line of an annex that lays down a duty ("1 The CPM shall hold two sessions …", "The
    working group shall:"): the annex is normative, so its items are units, governed by the
    resolution's first binding operative verb (the "resolves" / "decides" that adopts the annex),
    under a section headed by the annex heading. None for an annex of plain text."""
    if not match_first(lex.pattern("annex-duty"), line.text):
        return None
    verb = next((s.verb for s in sections if s.verb.operative and s.verb.strength == "binding" and not s.verb.declaratory), None)
    if verb is None:
        return None
    start = annex.start + len(annex.text) - len(annex.text.lstrip())
    end = annex.start + len(annex.text.rstrip())
    return Section(verb, start, end, end, annex.number)
