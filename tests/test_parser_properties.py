"""Property-based test of the grammar: resolutions generated in ITU style (random verbs,
nesting, label styles, separators, hard wrapping, line endings) parse back to exactly the
items that were generated, with offsets that slice out their text."""

from __future__ import annotations

import textwrap

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mvkg.ingest.extract import build_record, collapse
from mvkg.ingest.parse import parse_resolution
from mvkg.kernel.model import ResolutionMeta

WORDS = ["standards", "metaverse", "networks", "develop", "services", "privacy", "users", "platforms",
         "accessible", "interoperable", "guidelines", "for", "with", "in", "of", "the", "data", "immersive"]
ROMAN = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii"]
STYLES = {
    "num": lambda n: str(n),
    "alpha": lambda n: "abcdefghijklmnop"[n - 1],
    "roman": lambda n: ROMAN[n - 1],
}
FORMS = {"num": ["{}", "{}.", "{})"], "alpha": ["{})", "({})"], "roman": ["{})", "({})"]}
ORDER = ["num", "alpha", "roman"]


@st.composite
def items(draw, depth: int, style_index: int):
    style = ORDER[style_index]
    form = draw(st.sampled_from(FORMS[style]))
    n = draw(st.integers(1, 4 if depth == 0 else 3))
    out = []
    for k in range(1, n + 1):
        words = draw(st.lists(st.sampled_from(WORDS), min_size=3, max_size=25))
        children = []
        if depth < 2 and style_index + 1 < len(ORDER) and draw(st.booleans()):
            children = draw(items(depth + 1, style_index + 1))
        body = "to " + " ".join(words) + (":" if children else ";")
        out.append((STYLES[style](k), form.format(STYLES[style](k)), body, children))
    return out


@st.composite
def resolutions(draw):
    sections = []
    for verb in draw(st.lists(st.sampled_from(["considering", "recognizing", "noting"]), min_size=1, max_size=2, unique=True)):
        sections.append((verb, "", draw(items(0, 0))))
    operative = draw(st.lists(st.sampled_from([
        ("resolves", ""), ("instructs", " Study Groups 13 and 20, within their mandates"),
        ("invites", " Member States and Sector Members"), ("requests", " the Secretary-General"),
        ("encourages", " Academia")]), min_size=1, max_size=4, unique=True))
    for verb, addressee in operative:
        if draw(st.booleans()):
            sections.append((verb, addressee, draw(items(0, 0))))
        else:
            sections.append((verb, addressee, [("", "", "to " + " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=3, max_size=30))) + ",", [])]))
    sep = draw(st.sampled_from(["\t", " ", "  "]))
    width = draw(st.sampled_from([0, 25, 45, 70]))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return sections, sep, width, newline


def render(sections, sep, width, newline):
    lines = ["DRAFT NEW RESOLUTION [GEN-1] (Testville, 2026)", "A generated resolution", "(Testville, 2026)",
             "The World Telecommunication Standardization Assembly (Testville, 2026),"]
    expected = []

    def emit(item_list, verb, heading, path, operative):
        for label, shown, body, children in item_list:
            first = (shown + sep) if shown else ""
            text = first + body
            wrapped = textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False) if width else [text]
            lines.extend(wrapped)
            here = path + ((label,) if label else ())
            if children:
                emit(children, verb, heading, here, operative)
            elif operative:
                expected.append((heading, ".".join(here), body))

    for verb, addressee, item_list in sections:
        lines.append(verb + addressee)
        emit(item_list, verb, verb + addressee, (), verb not in ("considering", "recognizing", "noting"))
    return newline.join(lines) + newline, expected


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(resolutions())
def test_generated_resolutions_parse_back(lexicon, spec):
    text, expected = render(*spec)
    parsed = parse_resolution(text, lexicon, "generated.txt")
    rec = build_record(parsed, ResolutionMeta(code=parsed.code or "?"), lexicon, source_file="g", sha256="", media_type="text/plain")
    assert parsed.code == "GEN-1"
    headings = {s.iri: s.heading for s in rec.sections}
    got = [(headings[o.section], o.item, collapse(o.span.text)) for o in rec.obligations]
    assert got == [(h, i, collapse(b)) for h, i, b in expected]
    for o in rec.obligations:
        assert text[o.span.start : o.span.end] == o.span.text
