"""What every format reader returns, and the text rules they share.

Normalised text: one line per paragraph; a numbered item's line starts with its label as
printed ("1.", "1.1", "a)", "(iv)", "–", "•"). When the layout itself marks the label (Word
numbering, an <ol>, an AKN <num>, a wide gap after a PDF paragraph's first token) the label
is followed by a tab; a label that is only part of the text keeps the text's own spacing.
Headings stand on their own line; page furniture and footnotes are not in the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Footnote:
    label: str  # the footnote's number or mark as printed ("1", "*"); "" if none was found
    text: str


@dataclass(frozen=True)
class Extracted:
    text: str
    footnotes: tuple[Footnote, ...] = ()
    warnings: tuple[str, ...] = ()


# Characters that stand for a hyphen in PDF text layers and Word runs: U+0002 and U+001E
# (Word's non-breaking hyphen as some PDF writers map it), U+FFFE (PDFium's mark for it),
# U+2011 (non-breaking hyphen).
_HYPHEN_LIKE = str.maketrans({"\u0002": "-", "\u001e": "-", "\ufffe": "-", "\u2011": "-"})
# Invisible: soft hyphen, Word's optional hyphen, zero-width space/joiners, BOM.
_INVISIBLE_RX = re.compile("[\u00ad\u001f\u200b\u200c\u200d\u2060\ufeff]")
_SPACE_RX = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000\r\n\f\v]+")
_CONTROL_RX = re.compile(r"[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]")
# Page furniture shared by the readers of printed pages (PDF layers, text copies with form feeds)
_PAGE_NO_RX = re.compile(r"^(?:page\s+)?\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?$|^[-\u2013\u2014]\s*\d{1,4}\s*[-\u2013\u2014]$", re.I)
_CODE_RX = re.compile(r"^\([A-Z]{1,2}\)$")


def page_number(text: str) -> bool:
    """'3', '3/5', 'Page 3 of 5', '- 3 -'."""
    return bool(_PAGE_NO_RX.match(text.strip()))


def letterless_or_code(token: str) -> bool:
    """A token with no letter ('18-17962', '*1817962*') or a language code in brackets ('(E)')."""
    return not any(c.isalpha() for c in token) or bool(_CODE_RX.match(token))


def furniture_key(text: str) -> str:
    """A line as a running head compares: lower case, digits as '#', spaces collapsed."""
    return " ".join(re.sub(r"\d+", "#", text.lower()).split())


def clean_inline(text: str) -> str:
    """One line of running text: hyphen look-alikes as '-', invisible marks removed,
    every run of white space (no-break spaces included) as one space, trimmed."""
    text = _INVISIBLE_RX.sub("", text.translate(_HYPHEN_LIKE))
    text = _CONTROL_RX.sub("", text)
    return _SPACE_RX.sub(" ", text).strip()


def clean_keep_tabs(text: str) -> str:
    """Like clean_inline, but a tab (typed in the source, or after a label) stays one tab."""
    return "\t".join(part for part in (clean_inline(p) for p in text.split("\t")) if part)


def labelled(label: str, text: str) -> str:
    """A line for an item whose label the layout gives: the label, a tab, the (clean) text."""
    label, text = clean_inline(label), text.strip()
    if not label:
        return text
    return f"{label}\t{text}" if text else label


def render(lines: Iterable[str]) -> str:
    """Lines → the normalised text (no empty lines, one final newline)."""
    kept = [line for line in (ln.rstrip() for ln in lines) if line.strip()]
    return "\n".join(kept) + "\n" if kept else ""


# ------------------------------------------------------------------ end-of-line hyphens

# A continuation that is only a word ending ("develop-" + "ment") means the hyphen was a
# line-break hyphen; a continuation that is a word of its own ("well-" + "being") is kept.
_SUFFIXES = frozenset(
    [
        "ment", "ments", "tion", "tions", "sion", "sions", "ation", "ations", "ing", "ings", "ity", "ities", "ness", "ance",
        "ances", "ence", "ences", "ed", "ly", "al", "ally", "able", "ible", "ive", "ives", "ous", "ize", "izes", "ized",
        "ise", "ises", "ised", "ure", "ures", "ism", "isms", "ist", "ists", "ency", "ancy", "ship", "ships", "ory", "ary",
        "ant", "ants", "ent", "ents", "ial", "ious", "ional", "ionally", "ities"
    ]
)
_WORD_RX = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_LETTERS_END_RX = re.compile(r"([^\W\d_]+)-$")
_LETTERS_START_RX = re.compile(r"^([^\W\d_]+)")


class Dehyphenator:
    """Joins the lines of one paragraph and decides each line-end hyphen.

    Rule, in order, for "left-" at a line end followed by "right" on the next line:
    1. "left-right" written with its hyphen inside a line elsewhere in the document: keep it;
    2. "leftright" written elsewhere in the document: drop the hyphen;
    3. "right" starts with a lower-case letter and is a bare word ending (ment, tion, ing,
       ity, ness, able, ...): drop the hyphen ("develop-ment" → "development");
    4. otherwise keep it ("well-being", "capacity-building", "ITU-T", "2015-2030").
    A soft hyphen (U+00AD) at a line end is always dropped.
    """

    def __init__(self, document_lines: Iterable[str]):
        self.words: set[str] = set()
        for line in document_lines:
            self.words.update(w.lower() for w in _WORD_RX.findall(line))

    def join(self, lines: list[str]) -> str:
        out = ""
        for raw in lines:
            line = raw.strip()
            if not line:
                continue
            if not out:
                out = line
            elif out.endswith("\u00ad") or out.endswith("-") and self._drop_hyphen(out, line):
                out = out[:-1] + line
            elif out.endswith(("-", "\u2013", "\u2014", "/")):
                out = out + line
            else:
                out = out + " " + line
        return out

    def _drop_hyphen(self, before: str, after: str) -> bool:
        left_m = _LETTERS_END_RX.search(before)
        right_m = _LETTERS_START_RX.match(after)
        if not left_m or not right_m:
            return False
        left, right = left_m.group(1), right_m.group(1)
        if not right[0].islower():
            return False
        if f"{left}-{right}".lower() in self.words:
            return False
        if f"{left}{right}".lower() in self.words:
            return True
        return right.lower() in _SUFFIXES


# ------------------------------------------------------------------ footnote marks in running text


def strip_note_marks(text: str, labels: Iterable[str]) -> str:
    """Remove footnote numbers glued to the word before them ("countries1," → "countries,",
    "Development,2 of" → "Development, of"): a known footnote number right after three
    letters or after closing punctuation, not followed by a letter or digit, and not in a
    token with a slash (a document symbol: "A/73/L.2", "A/72/L.38/Add.1"). "G20",
    "IMT-2020" and "3.5" are left alone too."""
    numbers = sorted({label for label in labels if label.isdigit()}, key=len, reverse=True)
    if not numbers:
        return text
    rx = re.compile(
        r"(?:(?<=[^\W\d_]{3})|(?<=[)\]\u201d\u2019\"';:,])|(?<=\D\.))"
        rf"(?:{'|'.join(numbers)})(?![\w\u00b2\u00b3])"
    )

    def drop(m: re.Match[str]) -> str:
        token = text[: m.start()].rsplit(None, 1)[-1] if text[: m.start()].strip() else ""
        return m.group(0) if "/" in token else ""

    return rx.sub(drop, text)


_INLINE_NOTE_RX = re.compile(r"\s*_{5,}\s*(?P<label>\d{1,3}|\*{1,3})\s+(?P<text>.+?(?:[.!?](?=\s|$)|$))", re.S)


def split_inline_notes(text: str) -> tuple[str, list[Footnote]]:
    """Text whose footnotes were run into it after a rule of underscores
    ("... countries; ____________________ 1 These include ... transition. instructs ...")
    → (the text without them, the notes). A note is taken up to the end of its first
    sentence; what follows goes back to the text."""
    notes: list[Footnote] = []

    def take(m: re.Match[str]) -> str:
        notes.append(Footnote(m.group("label"), clean_inline(m.group("text"))))
        return " "

    return _INLINE_NOTE_RX.sub(take, text), notes


# ------------------------------------------------------------------ list counters as printed

_ROMAN = (
    (1000, "m"),
    (900, "cm"),
    (500, "d"),
    (400, "cd"),
    (100, "c"),
    (90, "xc"),
    (50, "l"),
    (40, "xl"),
    (10, "x"),
    (9, "ix"),
    (5, "v"),
    (4, "iv"),
    (1, "i"),
)


def roman(n: int) -> str:
    out = []
    for value, digits in _ROMAN:
        while n >= value:
            out.append(digits)
            n -= value
    return "".join(out)


def format_counter(n: int, style: str) -> str:
    """A list counter as Word and browsers print it. Letters go a..z, then aa, bb, .. (as
    Word does); styles: decimal, decimalZero, lowerLetter, upperLetter, lowerRoman,
    upperRoman; anything else is decimal."""
    if style in ("lowerLetter", "upperLetter") and n > 0:
        letters = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letters if style == "lowerLetter" else letters.upper()
    if style in ("lowerRoman", "upperRoman") and n > 0:
        return roman(n) if style == "lowerRoman" else roman(n).upper()
    if style == "decimalZero":
        return f"{n:02d}"
    return str(n)
