"""Page furniture in text copies of printed documents (ingest/formats/text_pages.py): the
running heads and feet around form feeds are emptied; the text keeps its line numbers."""

from __future__ import annotations

from pathlib import Path

from mvkg.ingest.formats.text_pages import blank_page_furniture
from mvkg.ingest.readers import read_source

PAGE_1 = """Example Council\tX/RES/12 (2031)

The Example Council,

1. Requests the Secretary-General to report on the progress made in the
implementation of the present resolution, in particular on the measures

31-00077 (E)
"""
PAGE_2 = """\fX/RES/12 (2031)

2
taken by the parties, within ninety days;
2. Calls upon all parties to cooperate fully with the Mission;
"""
PAGE_3 = """\fX/RES/12 (2031)

3
3. Decides to remain seized of the matter.
"""


def test_heads_feet_and_page_numbers_are_emptied_and_lines_kept() -> None:
    text = PAGE_1 + PAGE_2 + PAGE_3
    out = blank_page_furniture(text)
    assert out.count("\n") == text.count("\n")  # line numbers stay what the file's editor shows
    assert "31-00077" not in out and "X/RES/12 (2031)\n" not in out.split("\f", 1)[1]
    assert "\n2\n" not in out and "\n3\n" not in out
    kept = [line for line in out.split("\n") if line.strip("\f")]
    assert "taken by the parties, within ninety days;" in kept
    assert kept[0].startswith("Example Council")  # the masthead is not at a page break


def test_a_paragraph_line_at_a_break_is_not_furniture() -> None:
    text = "1. Requests the Secretary-General to report\n\f2. Calls upon States to act;\n\f3. Urges all parties\n"
    assert blank_page_furniture(text) == text


def test_text_without_page_breaks_is_unchanged() -> None:
    text = "X/RES/12 (2031)\n\n1. Requests the Secretary-General to report;\n2\n"
    assert blank_page_furniture(text) == text


def test_the_reader_stores_the_text_without_the_furniture(tmp_path: Path) -> None:
    path = tmp_path / "copy.txt"
    path.write_text(PAGE_1 + PAGE_2 + PAGE_3, encoding="utf-8")
    source = read_source(path)
    assert "31-00077" not in source.text
    assert source.raw == path.read_bytes()  # the original stays as it was, beside the text
