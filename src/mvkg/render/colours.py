"""Colours that stay readable: the WCAG 2.x contrast ratio of two colours, and for each
verdict the text colour (black or white) that reads best on the verdict's own colour from the
ontology, so a mark drawn on a verdict's cell passes WCAG AA (4.5:1) whatever that colour is."""

from __future__ import annotations

from mvkg.kernel.vocabulary import VOCABULARY

BLACK, WHITE = "#000000", "#ffffff"
AA_TEXT = 4.5  # WCAG 2.x level AA, normal text


def rgb(colour: str) -> tuple[float, float, float]:
    """A "#rrggbb" or "#rgb" colour as three channels between 0 and 1."""
    value = colour.strip().lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    if len(value) != 6:
        raise ValueError(f"not a #rrggbb colour: {colour!r}")
    return int(value[0:2], 16) / 255, int(value[2:4], 16) / 255, int(value[4:6], 16) / 255


def luminance(colour: str) -> float:
    """Relative luminance (WCAG 2.x)."""
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours, from 1 to 21."""
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def readable_on(background: str) -> str:
    """Black or white, whichever contrasts more with `background`."""
    return BLACK if contrast(BLACK, background) >= contrast(WHITE, background) else WHITE


def verdict_mark_colours() -> dict[str, str]:
    """Verdict → the colour to draw its mark in on a cell of the verdict's colour."""
    return {v.notation: readable_on(v.colour) for v in VOCABULARY.verdicts}
