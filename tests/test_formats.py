"""Format readers (mvkg.ingest.formats): PDF, HTML, Akoma Ntoso XML and .docx → normalised text.

Real files: the UN PDFs and ITU AKN files of tests/fixtures/corpus (their gold.json is not
read here). Small HTML, .docx and PDF documents are built in the tests.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import docx
import pytest
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from conftest import run_cli
from mvkg.ingest.extract import build_record
from mvkg.ingest.formats.akn import read_akn
from mvkg.ingest.formats.base import Dehyphenator, strip_note_marks
from mvkg.ingest.formats.docx import read_docx
from mvkg.ingest.formats.html import read_html
from mvkg.ingest.formats.pdf import read_pdf
from mvkg.ingest.parse import parse_resolution
from mvkg.ingest.readers import read_source
from mvkg.kernel.errors import InputError
from mvkg.kernel.model import ResolutionMeta

CORPUS = Path(__file__).parent / "fixtures" / "corpus"
UN = CORPUS / "un"
ITU = CORPUS / "itu"


def _lines(text: str) -> list[str]:
    return text.splitlines()


def corpus_file(relative: str) -> Path:
    """A file of the development corpus; its tests skip (saying so) where it is not checked out."""
    path = CORPUS / relative
    if not path.is_file():
        pytest.skip(f"corpus file {relative} is not in this checkout")
    return path


# ------------------------------------------------------------------ PDF: the UN's own files


@pytest.fixture(scope="module")
def ga_73_6():
    return read_source(corpus_file("un/ga-73-6/source.pdf"))


def test_pdf_running_heads_feet_and_page_numbers_are_gone(ga_73_6):
    text = ga_73_6.text
    assert ga_73_6.media_type == "application/pdf" and ga_73_6.suffix == ".pdf"
    assert text.count("A/RES/73/6") == 1  # the masthead on page 1 only, not the running head of pages 2-5
    assert text.startswith("United Nations A/RES/73/6\n")
    assert "18-17962" not in text and "1817962" not in text  # job number and bar code
    assert not re.search(r"(?m)^\d/5\b|\b\d/5$", text)  # page numbers "2/5"
    assert "(E)" not in text


def test_pdf_footnotes_are_apart_with_their_numbers(ga_73_6):
    notes = {n.label: n.text for n in ga_73_6.footnotes}
    assert sorted(notes, key=int) == ["1", "2", "3", "4", "5", "6"]
    assert notes["2"] == "Resolution 70/1."
    assert "Resolution 70/1." not in ga_73_6.text and "Treaty Series, vol. 610" not in ga_73_6.text
    # footnote 6 runs across the page break from page 3 to page 4
    assert notes["6"].startswith("Related documents include A/AC.105/1129") and notes["6"].endswith("A/AC.105/1181.")
    # the superscript marks have left the body, with the words around them intact
    assert "Sustainable Development, of the Sendai Framework for Disaster Risk Reduction 2015–2030 and of" in ga_73_6.text
    assert "Goals2" not in ga_73_6.text and "Development,2" not in ga_73_6.text
    assert "priorities of UNISPACE+50,\n" in ga_73_6.text  # a full-size "1" glued after the comma, too


def test_pdf_paragraphs_are_one_line_each_and_labels_are_tabbed(ga_73_6):
    lines = _lines(ga_73_6.text)
    operative = [ln for ln in lines if re.match(r"\d+\.\t", ln)]
    assert [ln.split("\t")[0] for ln in operative] == [f"{n}." for n in range(1, 15)]
    assert operative[0].startswith("1.\tNotes with appreciation that the preparatory process")
    assert operative[0].endswith("the Sustainable Development Goals for the benefit of all countries;")
    assert "Recalling its resolutions 2453 A (XXIII) of 20 December 1968, 37/90 of 10 December 1982, 54/68" in ga_73_6.text
    # the paragraph that runs from page 1 onto page 2 is one line
    assert any(
        ln.startswith("Emphasizing that, for the past 50 years") and ln.endswith("to benefit people and the planet,")
        for ln in lines
    )
    assert "The General Assembly," in lines


def test_pdf_real_hyphens_are_kept_and_spaces_are_right(ga_73_6):
    text = ga_73_6.text
    assert "capacity-building for the twenty-first century," in text  # Word's non-breaking hyphen (U+0002)
    assert "space-related activities" in text and "capacity-building activities" in text  # hyphens at line ends
    assert "peopl e" not in text and "St ates" not in text  # PDFium's stray spaces in justified lines


def test_pdf_running_title_on_page_2_and_a_paragraph_across_the_page_break():
    source = read_source(corpus_file("un/ga-73-8/source.pdf"))
    lines = _lines(source.text)
    recalling = [ln for ln in lines if ln.startswith("Recalling its resolutions 47/19")]
    assert len(recalling) == 1 and "57/11 of 12 November 2002, 58/7 of 4 November 2003" in recalling[0]
    assert recalling[0].endswith("72/4 of 1 November 2017,")
    assert not any(ln.startswith("Necessity of ending") for ln in lines)  # the small-type running title
    assert [n.label for n in source.footnotes] == ["1"]


def test_pdf_footnote_numbers_from_all_pages():
    source = read_source(corpus_file("un/ga-73-7/source.pdf"))
    assert [n.label for n in source.footnotes] == [str(n) for n in range(1, 10)]
    assert "1.\tWelcomes the report of the International Criminal Court for 2017/18;\n" in source.text
    assert not source.warnings


# ------------------------------------------------------------------ PDF: built here

FONT = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"


def make_pdf(pages: list[str], width: int = 612, height: int = 792) -> bytes:
    """A PDF whose pages have these content streams; /F1 is Helvetica."""
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>", b"", FONT.encode()]
    kids = []
    for content in pages:
        data = content.encode("latin-1")
        objects.append(b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width} {height}] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {len(objects)} 0 R >>".encode()
        )
        kids.append(len(objects))
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>".encode()
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def text_at(x: float, y: float, text: str, size: float = 10) -> str:
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return f"BT /F1 {size} Tf 1 0 0 1 {x} {y} Tm ({escaped}) Tj ET\n"


def test_pdf_without_text_layer_is_refused(workspace, tmp_path):
    scan = make_pdf(["q 0.5 g 72 600 400 100 re f Q", "q 0.2 g 72 300 400 100 re f Q"])  # only shapes, as a scan has only images
    with pytest.raises(InputError, match="no text layer.*OCR is not supported"):
        read_pdf(scan, "scan.pdf")
    path = tmp_path / "scan.pdf"
    path.write_bytes(scan)
    result = run_cli("--workspace", str(workspace.root), "ingest", str(path), "--dry-run")  # the CLI says so and exits 2
    assert result.exit_code == 2 and "scan.pdf" in result.output and "no text layer" in result.output
    assert "Traceback" not in result.output


def test_pdf_hyphen_rule_superscript_note_and_label_gap():
    page = (
        text_at(72, 700, "The Assembly,")
        + text_at(72, 680, "considering that the develop-")
        + text_at(72, 668, "ment of standards and the well-")
        + text_at(72, 656, "being of all users matter a lot;")
        + "BT /F1 10 Tf 72 630 Td (1.) Tj 36 0 Td (Decides that the plan) Tj "
        + "/F1 6 Tf 3 Ts (1) Tj 0 Ts /F1 10 Tf ( shall go on;) Tj ET\n"
        + text_at(72, 100, "__________")
        + "BT /F1 6 Tf 72 88 Td 2 Ts (1) Tj 0 Ts /F1 8 Tf ( A note text.) Tj ET\n"
    )
    out = read_pdf(make_pdf([page]), "x.pdf")
    assert _lines(out.text) == [
        "The Assembly,",
        "considering that the development of standards and the well-being of all users matter a lot;",
        "1.\tDecides that the plan shall go on;",
    ]
    assert [(n.label, n.text) for n in out.footnotes] == [("1", "A note text.")]


def test_pdf_two_columns_are_read_left_then_right():
    left = [f"alpha{i} left column words here" for i in range(14)]
    right = [f"beta{i} right column words here" for i in range(14)]
    page = text_at(72, 740, "A TITLE ACROSS THE PAGE THAT IS LONG ENOUGH TO CROSS THE MIDDLE OF IT", 12)
    for i, (a, b) in enumerate(zip(left, right)):
        page += text_at(72, 700 - 12 * i, a) + text_at(330, 700 - 12 * i, b)
    out = read_pdf(make_pdf([page]), "cols.pdf")
    lines = _lines(out.text)
    assert lines[0] == "A TITLE ACROSS THE PAGE THAT IS LONG ENOUGH TO CROSS THE MIDDLE OF IT"
    order = [out.text.index(f"{word}{i} ") for word in ("alpha", "beta") for i in range(14)]
    assert order == sorted(order)  # down the left column, then down the right one


def test_pdf_justified_letter_and_word_spacing():
    page = "BT /F1 10 Tf 0.6 Tc 4 Tw 72 700 Td (The development of standards goes on;) Tj ET\n"
    assert read_pdf(make_pdf([page]), "j.pdf").text == "The development of standards goes on;\n"


def test_pdf_page_numbers_and_repeated_heads_on_built_pages():
    words = ["One", "Two", "Three"]
    pages = [
        text_at(72, 760, "DRAFT/RES/9 Page heading", 8)
        + text_at(72, 700, f"{words[n]} is the body text of this page, and it is long enough to fill a")
        + text_at(72, 688, "whole line.")
        + text_at(300, 40, f"- {n + 1} -", 8)
        for n in range(3)
    ]
    out = read_pdf(make_pdf(pages), "p.pdf")
    assert _lines(out.text) == [f"{w} is the body text of this page, and it is long enough to fill a whole line." for w in words]
    only_furniture = make_pdf([text_at(72, 760, "DRAFT/RES/9 Page heading", 8) + text_at(300, 40, f"- {n} -", 8) for n in (1, 2)])
    with pytest.raises(InputError, match="only page furniture"):
        read_pdf(only_furniture, "f.pdf")


def test_not_a_pdf_and_broken_pdf(tmp_path):
    fake = tmp_path / "fake.pdf"
    fake.write_text("just some words", encoding="utf-8")
    with pytest.raises(InputError, match="not a PDF"):
        read_source(fake)
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n")
    with pytest.raises(InputError, match="PDF"):
        read_source(broken)


def test_dehyphenation_rule():
    rule = Dehyphenator([])
    assert rule.join(["the develop-", "ment of"]) == "the development of"
    assert rule.join(["the well-", "being of"]) == "the well-being of"
    assert rule.join(["ITU-", "T Study Group"]) == "ITU-T Study Group"
    assert rule.join(["2015-", "2030"]) == "2015-2030"
    seen = Dehyphenator(["the cooperation of all", "a long-term plan"])
    assert seen.join(["co-", "operation"]) == "cooperation"  # written whole elsewhere
    assert seen.join(["long-", "term"]) == "long-term"  # written with its hyphen elsewhere


def test_glued_footnote_numbers():
    assert strip_note_marks("developing countries1, and G20 and IMT-2020 and 3.5 and A/RES/73/6", ["1", "6", "20", "5"]) == (
        "developing countries, and G20 and IMT-2020 and 3.5 and A/RES/73/6"
    )


# ------------------------------------------------------------------ Akoma Ntoso


def test_akn_whole_document():
    source = read_source(corpus_file("itu/pp18-res-2/source.xml"))
    lines = _lines(source.text)
    assert source.media_type == "application/akn+xml"
    assert lines[0] == "RESOLUTION 2 (REV. DUBAI, 2018)"
    assert "FRBR" not in source.text and "/akn/un/" not in source.text  # <meta> is not text
    assert "recalling" in lines or "considering" in lines  # recital intros are headings of their own
    numbered = [ln for ln in lines if re.match(r"[a-z]\)\t|\d+\t", ln)]
    assert numbered and all(ln.split("\t", 1)[1] for ln in numbered)
    assert "____" not in source.text
    assert [n.label for n in source.footnotes] == ["1"]
    assert source.footnotes[0].text.startswith("These include the least developed countries")
    assert "These include the least developed" not in source.text


def test_akn_fragment_without_namespace_is_read_by_element_names():
    source = read_source(corpus_file("itu/pp18-res-125/source.xml"))
    lines = _lines(source.text)
    assert any("no Akoma Ntoso namespace" in w for w in source.warnings)
    assert lines[:2] == [
        "RESOLUTION 125 (REV. DUBAI, 2018)",
        "Assistance and support to Palestine for rebuilding its telecommunication networks",
    ]
    assert "resolves" in lines and "urges Member States" in lines
    assert any(ln.startswith("b)\tResolutions 18 (Rev. Buenos Aires, 2017)") for ln in lines)
    assert any(ln.startswith("2\tto urgently enable through assistance to Palestine") for ln in lines)


def test_akn_every_corpus_file_reads():
    paths = sorted(ITU.glob("*/source.xml")) + sorted(UN.glob("*/source.xml"))
    if not paths:
        pytest.skip("no AKN corpus file in this checkout")
    for path in paths:
        source = read_source(path)
        assert source.text.count("\n") > 10, path
        assert "____" not in source.text, path
        assert not re.search(r"countries1\b", source.text), path


AKN_DOC = """<?xml version="1.0" encoding="UTF-8"?>
<akomaNtoso xmlns="{ns}">
  <statement name="resolution">
    <meta><identification source="#x"><FRBRWork><FRBRthis value="/akn/secret"/></FRBRWork></identification></meta>
    <preface><longTitle><p><docType>RESOLUTION</docType> <docNumber>99</docNumber></p></longTitle></preface>
    <preamble>
      <formula name="enactingFormula"><p>The Assembly,</p></formula>
      <recitals><intro><p><i>noting</i></p></intro>
        <recital><num>a)</num>
          <p>that standards matter<authorialNote marker="1"><p>See the <i>annex</i>.</p></authorialNote>;</p></recital>
      </recitals>
    </preamble>
    <mainBody>
      <hcontainer name="resolves"><heading>resolves</heading>
        <paragraph><num>1</num><content><p>to act;</p></content></paragraph>
        <paragraph><num>2</num>
          <list><intro><p>to report on:</p></intro>
            <point><num>(a)</num><content><p>progress;</p></content></point>
            <point><num>(b)</num><content><p>costs<noteRef href="#n2" marker="2"/>,</p></content></point>
            <wrapUp><p>every year;</p></wrapUp>
          </list>
        </paragraph>
      </hcontainer>
    </mainBody>
    <conclusions><p>Dubai, 2018</p></conclusions>
    <attachments><attachment><doc name="annex"><preface><p>ANNEX</p></preface>
      <mainBody><paragraph><num>A.</num><content><p>Annexed text.</p></content></paragraph></mainBody>
    </doc></attachment></attachments>
  </statement>
</akomaNtoso>
"""


@pytest.mark.parametrize("ns", ["http://docs.oasis-open.org/legaldocml/ns/akn/3.0", "http://www.akomantoso.org/2.0"])
def test_akn_structure_labels_and_notes(ns):
    doc = (
        AKN_DOC.format(ns=ns)
        .replace('href="#n2"', 'href="#n2"')
        .replace("<meta>", '<meta><notes source="#x"><note eId="n2"><p>Per unit.</p></note></notes>')
    )
    out = read_akn(doc.encode(), "x.xml")
    assert _lines(out.text) == [
        "RESOLUTION 99",
        "The Assembly,",
        "noting",
        "a)\tthat standards matter;",
        "resolves",
        "1\tto act;",
        "2\tto report on:",
        "(a)\tprogress;",
        "(b)\tcosts,",
        "every year;",
        "Dubai, 2018",
        "ANNEX",
        "A.\tAnnexed text.",
    ]
    assert [(n.label, n.text) for n in out.footnotes] == [("1", "See the annex."), ("2", "Per unit.")]
    assert not out.warnings


BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10))
    + b']><akomaNtoso xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0"><doc><p>&lol9;</p></doc></akomaNtoso>'
)


def test_akn_entity_bomb_xxe_and_deep_nesting_are_refused(tmp_path):
    with pytest.raises(InputError, match="entities"):
        read_akn(BOMB, "bomb.xml")
    xxe = b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><akomaNtoso><doc><p>&x;</p></doc></akomaNtoso>'
    with pytest.raises(InputError, match="DOCTYPE"):
        read_akn(xxe, "xxe.xml")
    utf16 = BOMB.replace(b'<?xml version="1.0"?>', b'<?xml version="1.0" encoding="UTF-16"?>').decode().encode("utf-16")
    with pytest.raises(InputError):
        read_akn(utf16, "bomb16.xml")
    deep = (
        b'<akomaNtoso xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0">'
        + b"<doc>" * 400
        + b"</doc>" * 400
        + b"</akomaNtoso>"
    )
    with pytest.raises(InputError, match="deeper than"):
        read_akn(deep, "deep.xml")
    path = tmp_path / "bomb.xml"
    path.write_bytes(BOMB)
    with pytest.raises(InputError, match="billion laughs"):
        read_source(path)


def test_akn_other_xml_and_broken_xml_are_refused():
    with pytest.raises(InputError, match="not Akoma Ntoso"):
        read_akn(b'<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>', "a.xml")
    with pytest.raises(InputError, match="not well-formed"):
        read_akn(b"<akomaNtoso><doc><p>open</doc>", "b.xml")


def test_akn_fragment_with_several_top_elements():
    out = read_akn(b"<recital><num>a)</num><p>one;</p></recital>\n<recital><num>b)</num><p>two.</p></recital>", "f.xml")
    assert _lines(out.text) == ["a)\tone;", "b)\ttwo."]
    assert any("fragment" in w for w in out.warnings)


# ------------------------------------------------------------------ HTML

PAGE = """<!DOCTYPE html>
<html><head><title>Resolution</title><style>p {{ color: red }}</style><script>var menu = "Home";</script></head>
<body>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/about">About ITU</a></li></ul></nav></header>
<main>
  <header><h1>RESOLUTION 7 (Geneva, 2024)</h1></header>
  <p>The Assembly,</p>
  <h2><i>considering</i></h2>
  <ol type="a">
    <li>that networks matter<sup><a href="#fn1">1</a></sup>;</li>
    <li>that <b>people</b> matter,</li>
  </ol>
  <p><i>resolves</i></p>
  <ol start="3">
    <li>to act:<ol type="i"><li>quickly;</li><li value="4">well;</li></ol></li>
    <li><p>to report.</p><p>A second paragraph of item 4.</p></li>
  </ol>
  <ol type="A" reversed><li>last but one</li><li>last</li></ol>
  <ul><li>a bullet</li></ul>
  <div>Text in a <span>div</span></div>
  <table><tr><td>5.</td><td>Decides to table it;</td></tr></table>
  <div style="display: none">hidden words</div>
  <ol class="footnotes"><li id="fn1">These include developing countries. <a href="#r1">\u21a9</a></li></ol>
</main>
<footer><p>Copyright \u00a9 ITU 2024</p></footer>
</body></html>
"""


def test_html_main_content_blocks_and_list_labels():
    out = read_html(PAGE.format().encode("utf-8"), "p.html")
    assert _lines(out.text) == [
        "RESOLUTION 7 (Geneva, 2024)",
        "The Assembly,",
        "considering",
        "a.\tthat networks matter;",
        "b.\tthat people matter,",
        "resolves",
        "3.\tto act:",
        "i.\tquickly;",
        "iv.\twell;",
        "4.\tto report.",
        "A second paragraph of item 4.",
        "B.\tlast but one",
        "A.\tlast",
        "\u2022\ta bullet",
        "Text in a div",
        "5.\tDecides to table it;",
    ]
    assert [(n.label, n.text) for n in out.footnotes] == [("1", "These include developing countries.")]
    for gone in ("Home", "About ITU", "var menu", "color: red", "Copyright", "hidden words"):
        assert gone not in out.text


def test_html_without_main_reads_the_body(tmp_path):
    path = tmp_path / "page.htm"
    path.write_bytes(b"<html><body><nav>Menu</nav><p>First.</p><p>Second<br>line.</p></body></html>")
    source = read_source(path)
    assert source.text == "First.\nSecond\nline.\n" and source.media_type == "text/html"
    assert source.warnings == ("no <main> element: read the whole <body>",)


# ------------------------------------------------------------------ .docx

LEVELS = [("decimal", "%1."), ("decimal", "%1.%2"), ("lowerLetter", "%1.%2.%3"), ("lowerRoman", "%1.%2.%3.%4")]
NUMBERING = f"""<w:numbering {nsdecls("w")}>
  <w:abstractNum w:abstractNumId="10">
    {
    "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/></w:lvl>'
        for i, (fmt, text) in enumerate(LEVELS)
    )
}
  </w:abstractNum>
  <w:abstractNum w:abstractNumId="11">
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="\uf0b7"/></w:lvl>
  </w:abstractNum>
  <w:abstractNum w:abstractNumId="12">
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%1)"/><w:suff w:val="space"/></w:lvl>
  </w:abstractNum>
  <w:num w:numId="1"><w:abstractNumId w:val="10"/></w:num>
  <w:num w:numId="2"><w:abstractNumId w:val="11"/></w:num>
  <w:num w:numId="3"><w:abstractNumId w:val="12"/></w:num>
  <w:num w:numId="4"><w:abstractNumId w:val="12"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>
  <w:num w:numId="5"><w:abstractNumId w:val="12"/></w:num>
</w:numbering>"""


def _numbered(document, text: str, num_id: int, ilvl: int = 0):
    paragraph = document.add_paragraph(text)
    paragraph._p.get_or_add_pPr().append(
        parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>')
    )
    return paragraph


def _numbered_document():
    document = docx.Document()
    document.part.numbering_part._element = parse_xml(NUMBERING)
    styles = document.styles.element
    styles.append(
        parse_xml(
            f'<w:style {nsdecls("w")} w:type="paragraph" w:styleId="ResItem"><w:name w:val="Res Item"/>'
            '<w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="1"/></w:numPr></w:pPr></w:style>'
        )
    )
    document.sections[0].header.paragraphs[0].text = "RUNNING HEADER TEXT"
    document.sections[0].footer.paragraphs[0].text = "Page footer text"
    document.add_paragraph("resolves")
    _numbered(document, "first item;", 1, 0)  # 1.
    for n in range(4):
        _numbered(document, f"sub {n};", 1, 1)  # 1.1 .. 1.4
    document.add_paragraph("styled sub;", style="Res Item")  # 1.5, numbered by its style
    _numbered(document, "letter a;", 1, 2)  # 1.5.a
    _numbered(document, "letter b;", 1, 2)  # 1.5.b
    _numbered(document, "roman i;", 1, 3)  # 1.5.b.i
    _numbered(document, "second item;", 1, 0)  # 2.
    _numbered(document, "restarted sub;", 1, 1)  # 2.1
    _numbered(document, "a bullet", 2)
    _numbered(document, "list x", 3)  # a)
    _numbered(document, "list y", 5)  # b): num 5 shares abstractNum 12 with num 3
    _numbered(document, "restarted list", 4)  # a): num 4 restarts it
    _numbered(document, "", 1, 0)  # an empty numbered paragraph uses up 3.
    _numbered(document, "fourth item.", 1, 0)
    return document


def _bytes(document) -> bytes:
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def test_docx_automatic_numbering_is_printed():
    out = read_docx(_bytes(_numbered_document()), "n.docx")
    assert _lines(out.text) == [
        "resolves",
        "1.\tfirst item;",
        "1.1\tsub 0;",
        "1.2\tsub 1;",
        "1.3\tsub 2;",
        "1.4\tsub 3;",
        "1.5\tstyled sub;",
        "1.5.a\tletter a;",
        "1.5.b\tletter b;",
        "1.5.b.i\troman i;",
        "2.\tsecond item;",
        "2.1\trestarted sub;",
        "\u2022\ta bullet",
        "a) list x",
        "b) list y",
        "a) restarted list",
        "4.\tfourth item.",
    ]
    assert "RUNNING HEADER" not in out.text and "Page footer" not in out.text



def test_docx_list_that_starts_again_is_not_merged(lexicon):
    """A Word list whose numbering restarts ('a)' right after 'b)', a new w:num with a
    startOverride) is a list of its own: each item its own obligation, labelled a-2, b-2 with a
    warning, not text run into 'b)'."""
    document = docx.Document()
    document.part.numbering_part._element = parse_xml(NUMBERING)
    document.add_paragraph("The World Telecommunication Standardization Assembly (Nowhere, 2031),")
    document.add_paragraph("considering")
    document.add_paragraph("that rivers flood,")
    document.add_paragraph("resolves")
    _numbered(document, "to map the rivers;", 3)
    _numbered(document, "to share the maps;", 5)
    _numbered(document, "to train the staff;", 4)
    _numbered(document, "to report.", 4)
    parsed = parse_resolution(read_docx(_bytes(document), "r.docx").text, lexicon, "r.docx")
    record = build_record(parsed, ResolutionMeta("T"), lexicon, source_file="r.txt", sha256="0", media_type="text/plain")
    assert [(o.item, o.span.text) for o in record.obligations] == [
        ("a", "to map the rivers;"), ("b", "to share the maps;"), ("a-2", "to train the staff;"), ("b-2", "to report.")]
    assert [w.kind for w in parsed.warnings] == ["guessed-label"]

def _with_footnote(document, paragraph, note_text: str) -> None:
    run = paragraph.add_run()
    run._r.append(parse_xml(f'<w:footnoteReference {nsdecls("w")} w:id="1"/>'))
    blob = (
        f"<w:footnotes {nsdecls('w')}>"
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
        '<w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r>'
        f'<w:r><w:t xml:space="preserve"> {note_text}</w:t></w:r></w:p></w:footnote>'
        "</w:footnotes>"
    ).encode()
    part = Part(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, blob, document.part.package)
    document.part.relate_to(part, RT.FOOTNOTES)


def test_docx_footnotes_are_apart():
    document = docx.Document()
    paragraph = document.add_paragraph("Welcomes the report")
    _with_footnote(document, paragraph, "A/73/334.")
    paragraph.add_run(" of the Court;")
    out = read_docx(_bytes(document), "f.docx")
    assert out.text == "Welcomes the report of the Court;\n"
    assert [(n.label, n.text) for n in out.footnotes] == [("1", "A/73/334.")]


def test_docx_tables_only_when_the_body_is_in_tables():
    in_tables = docx.Document()
    in_tables.add_paragraph("RESOLUTION 1")
    table = in_tables.add_table(rows=3, cols=2)
    for row, (label, text) in zip(
        table.rows,
        [
            ("1.", "Decides that the long text of the first item goes here;"),
            ("2.", "Requests the Director to report on the second item;"),
            ("3.", "Invites Member States to contribute to the work."),
        ],
    ):
        row.cells[0].text, row.cells[1].text = label, text
    out = read_docx(_bytes(in_tables), "t.docx")
    assert _lines(out.text)[:2] == ["RESOLUTION 1", "1.\tDecides that the long text of the first item goes here;"]
    assert not out.warnings

    cover = docx.Document()
    box = cover.add_table(rows=1, cols=2)
    box.rows[0].cells[0].text, box.rows[0].cells[1].text = "Source:", "Secretariat"
    cover.add_paragraph("The body of the resolution is in ordinary paragraphs, which hold most of the text.")
    out = read_docx(_bytes(cover), "c.docx")
    assert out.text == "The body of the resolution is in ordinary paragraphs, which hold most of the text.\n"
    assert out.warnings and "table(s) left out" in out.warnings[0]


# ------------------------------------------------------------------ dispatch


def test_dispatch_by_suffix_and_content(tmp_path):
    pdf = make_pdf([text_at(72, 700, "Decides to act;")])
    misnamed = tmp_path / "really-a-pdf.html"
    misnamed.write_bytes(pdf)
    source = read_source(misnamed)
    assert source.media_type == "application/pdf" and source.text == "Decides to act;\n"
    assert "read as PDF" in source.warnings[0]
    bare = tmp_path / "noext"
    bare.write_bytes(
        b'<akomaNtoso xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0">'
        b'<doc name="x"><mainBody><p>Hi.</p></mainBody></doc></akomaNtoso>'
    )
    assert read_source(bare).text == "Hi.\n"
    html_as_text = tmp_path / "page.txt"  # .txt is read as it is
    html_as_text.write_bytes(b"<p>raw</p>\n")
    assert read_source(html_as_text).text == "<p>raw</p>\n"
    rtf = tmp_path / "r.rtf"
    rtf.write_bytes(b"{\\rtf1 x}")
    with pytest.raises(InputError, match="unsupported file type"):
        read_source(rtf)
