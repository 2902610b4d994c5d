"""Run-on lists inside one line: a label continues a level only when it is written the way
that level is, and a numbered list cannot open inside a numbered paragraph (the paragraphs
already read numbers)."""

from __future__ import annotations

from mvkg.ingest.labels import inline_items

PARAGRAPH = ("4.\tAuthorizes the River Panel to: (a) enter into arrangements; and (b) establish operational "
             "entities, including: (1) the repair of bridges; (2) the clearing of channels; and (3) any such "
             "additional tasks as may be necessary;")


def test_a_bracketed_number_inside_a_numbered_paragraph_is_not_the_next_paragraph():
    cuts = inline_items(PARAGRAPH)
    starts = [PARAGRAPH[c:c + 3] for c in cuts]
    assert "(3)" not in starts and "(1)" not in starts
    assert starts == ["(a)", "(b)"]


def test_a_run_on_list_written_one_way_is_still_split():
    """An ITU item flowed onto one line keeps its sub-items and its next item."""
    line = "1 to map the rivers: a) upstream; b) downstream; 2 to share the maps; (3) a stray bracket;"
    assert [line[c:c + 2] for c in inline_items(line)] == ["a)", "b)", "2 "]
