"""Word's automatic numbering (numbering.xml), materialised as the labels Word prints.

A paragraph is numbered by its own <w:numPr> (numId, ilvl) or its style's (following
basedOn; a style tied to a level by that level's <w:pStyle>). numId 0 switches numbering
off. A <w:num> points to an <w:abstractNum> (through <w:numStyleLink> when it has one) whose
<w:lvl>s give start, numFmt, lvlText ("%1.%2."), lvlRestart, isLgl and suff.

Counters: one set of nine level counters per list. As in Word, the <w:num>s that share an
abstractNum share one list, unless a <w:num> overrides a level (<w:lvlOverride> with
<w:startOverride> or its own <w:lvl>: Word's "restart numbering"), which makes it a list of
its own. Numbering a level restarts the deeper levels (unless their lvlRestart says
otherwise); a level not yet used prints its start value.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from lxml import etree

from mvkg.ingest.formats.base import format_counter

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_BULLETS = {
    "\uf0b7": "\u2022",
    "\uf0a7": "\u25aa",
    "\uf0d8": "\u27a2",
    "\uf0fc": "\u2713",
    "\uf076": "\u2756",
    "\uf06e": "\u25a0",
    "\uf0a8": "\u25a1",
    "\uf0e0": "\u27a2",
    "o": "o",
    "\u00b7": "\u2022",
}
_SUFFIX = {"tab": "\t", "space": " ", "nothing": ""}


def q(name: str) -> str:
    return f"{{{W}}}{name}"


def _val(el: etree._Element | None, default: str | None = None) -> str | None:
    if el is None:
        return default
    return el.get(q("val"), default)


def _on(el: etree._Element | None) -> bool:
    return el is not None and _val(el, "true") not in ("0", "false", "off")


@dataclass(frozen=True)
class Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = ""
    restart: int | None = None  # lvlRestart: restart after this (1-based) level is used; 0 never
    legal: bool = False
    suffix: str = "\t"
    style: str | None = None  # a paragraph style tied to this level


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


def _level(el: etree._Element) -> Level:
    restart = el.find(q("lvlRestart"))
    return Level(
        start=_int(_val(el.find(q("start"))), 1),
        fmt=_val(el.find(q("numFmt")), "decimal") or "decimal",
        text=_val(el.find(q("lvlText")), "") or "",
        restart=_int(_val(restart), 1) if restart is not None else None,
        legal=_on(el.find(q("isLgl"))),
        suffix=_SUFFIX.get(_val(el.find(q("suff")), "tab") or "tab", "\t"),
        style=_val(el.find(q("pStyle"))),
    )


class Numbering:
    def __init__(self, numbering: etree._Element | None, styles: etree._Element | None):
        self.abstract: dict[str, dict[int, Level]] = {}
        self.abstract_link: dict[str, str] = {}  # abstractNum → the style it takes its levels from
        # numId → (abstractNumId, {ilvl: (a whole new level or None, a new start or None)})
        self.nums: dict[str, tuple[str, dict[int, tuple[Level | None, int | None]]]] = {}
        self.counters: dict[str, list[int]] = {}
        self.styles: dict[str, tuple[str | None, str | None, str | None]] = {}  # id → (numId, ilvl, basedOn)
        if styles is not None:
            for st in styles.iter(q("style")):
                num_pr = st.find(f"{q('pPr')}/{q('numPr')}")
                self.styles[st.get(q("styleId")) or ""] = (
                    _val(num_pr.find(q("numId"))) if num_pr is not None else None,
                    _val(num_pr.find(q("ilvl"))) if num_pr is not None else None,
                    _val(st.find(q("basedOn"))),
                )
        if numbering is None:
            return
        for an in numbering.iter(q("abstractNum")):
            aid = an.get(q("abstractNumId")) or ""
            self.abstract[aid] = {_int(lv.get(q("ilvl")), 0): _level(lv) for lv in an.iter(q("lvl"))}
            link = _val(an.find(q("numStyleLink")))
            if link:
                self.abstract_link[aid] = link
        for num in numbering.iter(q("num")):
            overrides: dict[int, tuple[Level | None, int | None]] = {}
            for ov in num.iter(q("lvlOverride")):
                lvl, start = ov.find(q("lvl")), ov.find(q("startOverride"))
                overrides[_int(ov.get(q("ilvl")), 0)] = (
                    _level(lvl) if lvl is not None else None,
                    _int(_val(start), 1) if start is not None else None,
                )
            self.nums[num.get(q("numId")) or ""] = (_val(num.find(q("abstractNumId"))) or "", overrides)

    # ------------------------------------------------------------------ per paragraph

    def label(self, p: etree._Element) -> tuple[str, str] | None:
        """The label Word prints before paragraph `p` and what follows it (tab, space or
        nothing); None when it is not numbered. Advances the counters: call it once per
        paragraph, in document order."""
        num_id, ilvl = self._num_pr(p)
        if not num_id or num_id == "0" or num_id not in self.nums:
            return None
        key, levels = self._levels(num_id)
        if ilvl not in levels:
            return None
        counts = self.counters.setdefault(key, [0] * 9)
        lvl = levels[ilvl]
        counts[ilvl] = lvl.start if counts[ilvl] == 0 else counts[ilvl] + 1
        for deeper in range(ilvl + 1, 9):
            restart = levels[deeper].restart if deeper in levels else None
            if restart is None or (restart > 0 and ilvl < restart):
                counts[deeper] = 0
        return self._format(lvl, levels, counts), lvl.suffix

    def _num_pr(self, p: etree._Element) -> tuple[str | None, int]:
        ppr = p.find(q("pPr"))
        num_pr = ppr.find(q("numPr")) if ppr is not None else None
        num_id = _val(num_pr.find(q("numId"))) if num_pr is not None else None
        ilvl = _val(num_pr.find(q("ilvl"))) if num_pr is not None else None
        style = _val(ppr.find(q("pStyle"))) if ppr is not None else None
        seen: set[str] = set()
        while (num_id is None or ilvl is None) and style and style not in seen:
            seen.add(style)
            s_num, s_ilvl, based_on = self.styles.get(style, (None, None, None))
            if num_id is None and s_num is not None:
                num_id = s_num
                if ilvl is None and s_ilvl is None:
                    ilvl = self._style_level(num_id, style)
            ilvl = ilvl if ilvl is not None else s_ilvl
            style = based_on
        return num_id, _int(ilvl, 0)

    def _style_level(self, num_id: str, style: str) -> str | None:
        _, levels = self._levels(num_id) if num_id in self.nums else ("", {})
        return next((str(i) for i, lv in levels.items() if lv.style == style), None)

    def _levels(self, num_id: str) -> tuple[str, dict[int, Level]]:
        aid, overrides = self.nums[num_id]
        link = self.abstract_link.get(aid)
        if link and link in self.styles and self.styles[link][0] in self.nums:
            aid = self.nums[self.styles[link][0] or ""][0]  # numStyleLink → the style's list
        levels = dict(self.abstract.get(aid, {}))
        if overrides:
            for ilvl, (level, start) in overrides.items():
                level = level or levels.get(ilvl, Level())
                levels[ilvl] = replace(level, start=start) if start is not None else level
            return f"num:{num_id}", levels
        return f"abstract:{aid}", levels

    @staticmethod
    def _format(lvl: Level, levels: dict[int, Level], counts: list[int]) -> str:
        if lvl.fmt == "bullet":
            return "".join(_BULLETS.get(ch, "\u2022" if "\ue000" <= ch <= "\uf8ff" else ch) for ch in lvl.text)
        out = lvl.text
        for k in range(9, 0, -1):  # %1 .. %9 (from the top, so %1 does not eat %10's digits)
            token = f"%{k}"
            if token not in out:
                continue
            level = levels.get(k - 1, Level())
            count = counts[k - 1] or level.start
            fmt = "decimal" if lvl.legal and level.fmt != "none" else level.fmt
            out = out.replace(token, "" if fmt == "none" else _counter(count, fmt))
        return out


def _counter(n: int, fmt: str) -> str:
    if fmt == "ordinal":
        suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        return f"{n}{suffix}"
    return format_counter(n, fmt)
