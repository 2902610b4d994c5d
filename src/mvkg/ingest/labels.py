"""Item labels and how they nest: "1", "1.", "1)", "a)", "(a)", "ii)", "A." …; a label
continues an open level when it is the next value of that level's style, and the first value
of a new style opens a level ('i' may be the ninth letter or the first roman numeral)."""

from __future__ import annotations

import re

# An item label at the start of a line: "1", "1.", "1)", "a)", "(a)", "ii)", "A." ...
LABEL_RX = re.compile(
    r"^[ \t]*(?:(?P<dotted>\d{1,3}(?:\.(?:\d{1,3}|[a-z]{1,5}|[A-Z]{1,5}))+)\.?(?=[ \t])"
    r"|\((?P<paren>\d{1,3}|[a-z]{1,5}|[A-Z]{1,5})\)"
    r"|(?P<punct>\d{1,3}|[a-z]{1,5}|[A-Z]{1,5})[\).]"
    r"|(?P<bare>\d{1,3})(?=[ \t])"
    r"|(?P<bullet>[-–—•·▪●◦])(?=[ \t]))(?:[ \t]+|\n|$)"
)
BULLETS = "-–—•·▪●◦"


def raw_label(m: re.Match[str]) -> str:
    return m.group("dotted") or m.group("paren") or m.group("punct") or m.group("bare") or m.group("bullet")


def is_dotted(raw: str) -> bool:
    """A label written with its parents' labels ("2.1", "1.5.b.i"), not one ending in a dot."""
    return "." in raw.strip(".")


def own_label(raw: str) -> str:
    """What an item adds to its path: the last part of a label written with its parents' labels
    ("2.1" under item 2, "1.5.b.i" under 1.5.b) when it is placed under them, else the label."""
    return raw.rsplit(".", 1)[-1] if is_dotted(raw) else raw


_ROMAN_RX = re.compile(r"^(x{0,3})(ix|iv|v?i{0,3})$")
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10}
TERMINAL_RX = re.compile(r"[;.:,]\s*$")


def label_candidates(raw: str) -> list[tuple[str, int]]:
    """Possible (style, value) readings of a label; 'i' may be alpha 9 or roman 1."""
    if raw.isdigit():
        return [("num", int(raw))]
    out: list[tuple[str, int]] = []
    case = "lower" if raw.islower() else "upper"
    low = raw.lower()
    if len(low) == 1:
        out.append(("alpha-" + case, ord(low) - ord("a") + 1))
    if _ROMAN_RX.match(low):
        out.append(("roman-" + case, _roman_value(low)))
    return out


def _roman_value(s: str) -> int:
    total = 0
    for i, ch in enumerate(s):
        v = _ROMAN_VALUES[ch]
        nxt = _ROMAN_VALUES[s[i + 1]] if i + 1 < len(s) else 0
        total += -v if v < nxt else v
    return total


class Nesting:
    """Places labelled items into levels: a label continues an open level when it is the
    next value of that level's style; the first value of a new style opens a level."""

    def __init__(self) -> None:
        self.levels: list = []

    def place(self, raw: str) -> tuple[int, str, int] | None:
        if is_dotted(raw):
            return self._place_dotted(raw)
        if raw in BULLETS:
            # a bullet continues an open bullet level (numbered in order), else opens one
            for depth in range(len(self.levels) - 1, -1, -1):
                if self.levels[depth].style == "bullet":
                    return depth, "bullet", self.levels[depth].value + 1
            return len(self.levels), "bullet", 1
        cands = label_candidates(raw)
        for depth in range(len(self.levels) - 1, -1, -1):
            last = self.levels[depth]
            for style, value in cands:
                if style != last.style:
                    continue
                if value == last.value + 1 or (not style.startswith("roman") and last.value < value <= last.value + 3):
                    return depth, style, value
        open_styles = {lvl.style for lvl in self.levels}
        for style, value in sorted(cands, key=lambda c: c[0].startswith("alpha")):
            if value == 1 and style not in open_styles:
                return len(self.levels), style, value
        if not self.levels:
            for style, value in cands:
                if style == "num":
                    return 0, style, value
        for depth in range(len(self.levels) - 1, -1, -1):  # "a)" right after "b)": the list starts again
            if any(style == self.levels[depth].style and value == 1 and style != "num" for style, value in cands):
                return depth, self.levels[depth].style, 1
        return None

    def series(self, depth: int, style: str, value: int) -> int:
        """Which run of its level an item placed at `depth` is in: 0 for the first; one more
        than the item it follows when its list starts again ("a)" after "b)")."""
        if depth >= len(self.levels) or self.levels[depth].style != style:
            return 0
        return self.levels[depth].series + (1 if value <= self.levels[depth].value else 0)

    def _place_dotted(self, raw: str) -> tuple[int, str, int] | None:
        """ "2.1", "1.5.b.i": the labels before the last name the open items it belongs under; the
        last continues the level below them or opens it. A dotted list with no such parent ("1.1",
        "1.2" as the first items) is a level of its own, its whole label kept."""
        *parents, last = raw.split(".")
        depth = len(parents)
        if depth <= len(self.levels) and [lvl.label for lvl in self.levels[:depth]] == parents:
            # a level written with its parents' labels is its own style: "3" after "2.2" is not 2.3
            cands = [(f"{style}-dotted", value) for style, value in label_candidates(last)]
            if depth < len(self.levels):
                for style, value in cands:
                    if style == self.levels[depth].style and value == self.levels[depth].value + 1:
                        return depth, style, value
            for style, value in sorted(cands, key=lambda c: c[0].startswith("alpha")):
                if value == 1:
                    return depth, style, value
            return None
        style = f"dotted-{depth}"
        value = next((v for _, v in label_candidates(last)), 0)
        for d in range(len(self.levels) - 1, -1, -1):
            if self.levels[d].style == style and value == self.levels[d].value + 1:
                return d, style, value
        return (len(self.levels), style, value) if value == 1 and not self.levels else None

    def push(self, depth: int, item) -> None:
        del self.levels[depth:]
        item.parent = self.levels[-1] if self.levels else None
        self.levels.append(item)


def misread_first(raw: str, next_raw: str | None, nesting: Nesting) -> str | None:
    """A label that continues no open level and opens none, followed by the second label of a
    new level ("(2)" then "(b)", as OCR misreads "(a)"): the first label of that level, which
    it was meant to be. None when the labels give no such reading."""
    if next_raw is None or nesting.place(raw) is not None:
        return None
    open_styles = {lvl.style for lvl in nesting.levels}
    for style, value in label_candidates(next_raw):
        if value == 2 and style not in open_styles:
            first = {"num": "1", "alpha-lower": "a", "alpha-upper": "A", "roman-lower": "i", "roman-upper": "I"}[style]
            return first if nesting.place(first) is not None else None
    return None


# A label inside a line, after a colon or semicolon (and perhaps "and"/"or"): where a copy of a
# published file has run a list onto one line ("… with a view to: i) preserving …; ii) …").
_INLINE_RX = re.compile(
    r"(?P<sep>[:;,.])(?:\s+(?:and|or))?\s+(?P<label>\((?:[ivx]{1,5}|[a-z]|\d{1,2})\)|(?:[ivx]{1,5}|[a-z]|\d{1,2})\)|\d{1,2}\.?|[-–•])"
    r"[ \t]+(?=\S)")


def _styles(labels: list[str]) -> set[str]:
    """The styles the open levels are written in (as Nesting reads them)."""
    out: set[str] = set()
    for label in labels:
        cands = label_candidates(label) if label not in BULLETS else []
        out |= {cands[0][0]} if len(cands) == 1 else set()
    return out


def _label_text(label: str) -> str:
    return label.strip("().")


def _follows(prev: str, label: str) -> bool:
    if prev in BULLETS or label in BULLETS:
        return prev in BULLETS and label in BULLETS
    return any(s1 == s2 and v2 == v1 + 1 for s1, v1 in label_candidates(prev) for s2, v2 in label_candidates(label))


# a verb in the third person, perhaps after an adverb: "Decides", "Also requests", "Strongly condemns"
_VERB_SHAPE_RX = re.compile(r"(?:[A-Z][a-z]+\s+[a-z]+s|[A-Z][a-z]+s)\b")


def _un_paragraph(text: str, m: re.Match[str]) -> bool:
    """ "…, 2. Decides …": a numbered UN paragraph ("N." and a verb in the third person) may
    follow a comma or a full stop; other labels follow only a semicolon or a colon."""
    return m.group("label")[:-1].isdigit() and m.group("label").endswith(".") and bool(_VERB_SHAPE_RX.match(text, m.end()))


def inline_items(text: str) -> list[int]:
    """Where a line holds a run-on list, the offsets at which its items start: a first item
    (a, i, 1 or a bullet) after a colon, or the item after the line's own label, then each next
    label in sequence after a semicolon (the next of any level still open: "1 to …: a) …;
    b) …; 2 to …"), or a numbered UN paragraph after a comma or full stop ("…, 2. Decides").
    Empty when the line holds no such run."""
    own = LABEL_RX.match(text)
    levels: list[str] = [raw_label(own)] if own else []
    forms: list[bool] = [bool(own.group("paren"))] if own else []  # written "(n)"
    cuts: list[int] = []
    for m in _INLINE_RX.finditer(text):
        label = _label_text(m.group("label"))
        if not label:
            continue
        paren = m.group("label").startswith("(")
        # a label continues a level written the same way: "…; and (5) any …" inside paragraph "4." is not paragraph 5
        depth = next((d for d in range(len(levels) - 1, -1, -1) if _follows(levels[d], label) and forms[d] == paren), None)
        if m.group("sep") in ",." and not _un_paragraph(text, m):
            continue
        if m.group("sep") in ";,." and depth is not None:
            del levels[depth:]  # the next item of an open level
            del forms[depth:]
        elif not (m.group("sep") == ":" and (label in BULLETS or any(
                v == 1 and s not in _styles(levels) for s, v in label_candidates(label)))):
            continue  # else only a first item after a colon opens a list, of a style not open ("4. … to: (1) …" stays one)
        cuts.append(m.start("label"))
        levels.append(label)
        forms.append(paren)
    return cuts if len(cuts) >= 2 or (cuts and own is not None) else []
