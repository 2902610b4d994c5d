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
    for i, line in enumerate(lines[:assembly_idx]):
        m = match_first(lex.pattern("title"), line.text)
        if m:
            title_idx = i
            result.code = m.groupdict().get("code")
            result.number = m.groupdict().get("number")
    header = lines[:title_idx] if title_idx is not None else lines[:assembly_idx]
    for line in header:
        m = match_first(lex.pattern("docnumber"), line.text)
        if m and m.group("number") not in result.document_numbers:
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
    return _title_and_assembly(lines, lex, result, is_heading, start)


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
            result.title = stripped
        i += 1
    return start


def _iso_date(m: re.Match[str]) -> str:
    return datetime.strptime(f"{m.group('day')} {m.group('month')} {m.group('year')}", "%d %B %Y").date().isoformat()
