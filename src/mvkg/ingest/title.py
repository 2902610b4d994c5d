"""The title block of a resolution text: document numbers, date, proposer, title and the
adopting body's line ("The World Telecommunication Standardization Assembly (…),", "The
General Assembly,"). Words come from the lexicon's patterns; this module knows the order."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from mvkg.ingest.structure import Line, ParsedText, match_first
from mvkg.kernel.lexicon import Lexicon, find_mentions


def read_title_block(lines: list[Line], lex: Lexicon, result: ParsedText, is_heading: Callable[[Line], bool]) -> int:
    """Fill the title block's fields of `result`; return the index of the first body line."""
    # the title line is the last one before the adopting body's line ("The ... Assembly,")
    assembly_idx = next((i for i, ln in enumerate(lines) if match_first(lex.pattern("assembly"), ln.text)), len(lines))
    title_idx = None
    serial = None
    for i, line in enumerate(lines[:assembly_idx]):
        m = match_first(lex.pattern("title"), line.text)
        if m:
            title_idx = i
            serial = _read_title_line(m, result)
    report = _report_lines(lines[:assembly_idx], lex)
    if title_idx is None and report:
        title_idx = max(report)  # '[on the report of the Second Committee (A/78/459)]': the title follows
    header = lines[:title_idx] if title_idx is not None else lines[:assembly_idx]
    for i, line in enumerate(header):
        m = match_first(lex.pattern("docnumber"), line.text)
        if m and i not in report and m.group("number") not in result.document_numbers:
            result.document_numbers.append(m.group("number"))
        d = match_first(lex.pattern("date"), line.text)
        if d and result.date is None:
            result.date = _iso_date(d)
    header_text = "\n".join(line.text for line in header)
    regional = [lex.actors[m.iri] for m in find_mentions(lex.actor_matchers, header_text)]
    regional = [a for a in regional if a.regional]
    if regional:
        result.proposer = regional[0].iri
    start = (title_idx + 1) if title_idx is not None else 0
    body = _title_and_assembly(lines, lex, result, is_heading, start)
    if result.title is None and title_idx is None and 0 < assembly_idx < len(lines):
        result.title = _plain_title(lines[:assembly_idx], lex)
    if serial and result.code is None:
        result.code = _un_symbol(serial, result, lex)
    return body


def _read_title_line(m: re.Match[str], result: ParsedText) -> str | None:
    """The code, number and perhaps the title a title line gives; the UN serial ('51/7') when
    the line is a UN resolution's numbered title."""
    groups = m.groupdict()
    result.code = " ".join(groups["code"].split()) if groups.get("code") else None
    result.number = groups.get("number")
    if groups.get("kind") and result.number:  # 'DECISION 5' is DEC-5, as 'RESOLUTION 76' is RES-76
        result.code = f"{groups['kind'][:3].upper()}-{result.number}"
    result.title = " ".join(groups["title"].split()) if groups.get("title") else None
    return groups.get("serial")


def _plain_title(lines: list[Line], lex: Lexicon) -> str | None:
    """A title printed with no number above the adopting body's line ("Open science", then
    "The General Conference,"): the paragraph right before it, when it is not a document
    number, a date or a sentence of the text."""
    block: list[str] = []
    for line in reversed(lines):
        if not line.text.strip():
            if block:
                break
            continue
        block.insert(0, line.text.strip())
    title = " ".join(block)
    furniture = (*lex.pattern("docnumber"), *lex.pattern("date"), *lex.pattern("page-furniture"))
    if not title or len(block) > 3 or any(rx.search(t) for rx in furniture for t in block) or title[-1] in ",;:.":
        return None
    return title if title[0].isupper() else None


def _report_lines(lines: list[Line], lex: Lexicon) -> set[int]:
    """Indexes of the bracketed committee-report lines, from their opening to the closing bracket."""
    found: set[int] = set()
    for i, line in enumerate(lines):
        if not match_first(lex.pattern("report-line"), line.text):
            continue
        j = i
        while j < len(lines) and "]" not in lines[j].text and j - i < 3:
            j += 1
        found.update(range(i, min(j, len(lines) - 1) + 1))
    return found


def _un_symbol(serial: str, result: ParsedText, lex: Lexicon) -> str:
    """A UN resolution's code from its serial ('51/7'): the masthead's symbol that ends with it,
    else the adopting body's symbol prefix and the serial (A/HRC/RES/51/7), else the serial."""
    for number in result.document_numbers:
        if number.endswith(f"/{serial}"):
            return number
    body = lex.actors.get(result.assembly or "")
    return f"{body.symbol_prefix}{serial}" if body and body.symbol_prefix else serial


def _title_and_assembly(lines: list[Line], lex: Lexicon, result: ParsedText, is_heading: Callable[[Line], bool],
                        start: int) -> int:
    i = start
    while i < len(lines):
        line = lines[i]
        stripped = line.text.strip()
        if not stripped or re.fullmatch(r"\(.*\)", stripped):
            i += 1
            continue
        m = match_first(lex.pattern("assembly"), line.text)
        if m:
            mentions = find_mentions(lex.actor_matchers, m.group("body"))
            if mentions:
                result.assembly = mentions[0].iri
            return i + 1
        if is_heading(line):
            return i
        if result.title is None and start > 0:
            result.title, i = _title_lines(lines, lex, i, is_heading)
            continue
        i += 1
    return start


def _title_lines(lines: list[Line], lex: Lexicon, i: int, is_heading: Callable[[Line], bool]) -> tuple[str, int]:
    """A title from line `i` on, wrapped over the lines of its paragraph (as a PDF prints a long
    title); the index after it."""
    parts = [lines[i].text.strip()]
    i += 1
    while i < len(lines) and lines[i].text.strip() and not re.fullmatch(r"\(.*\)", lines[i].text.strip()) \
            and not match_first(lex.pattern("assembly"), lines[i].text) and not is_heading(lines[i]):
        parts.append(lines[i].text.strip())
        i += 1
    return " ".join(parts), i


def _iso_date(m: re.Match[str]) -> str:
    return datetime.strptime(f"{m.group('day')} {m.group('month')} {m.group('year')}", "%d %B %Y").date().isoformat()
