"""The obligations listing: the public JSON contract of `mvkg obligations` and
`mvkg ingest --format json`, produced by queries/obligations.rq."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from mvkg.kernel.resources import Resources
from mvkg.query.graphstore import GraphStore
from mvkg.query.named import select
from mvkg.query.sparql import to_csv, to_table

_SEP = "\u001f"


@dataclass(frozen=True)
class ObligationRow:
    id: str
    resolution: str
    section: str
    item: str
    modality: str
    bearers: tuple[str, ...]
    themes: tuple[str, ...]
    sdgs: tuple[int, ...]
    text: str
    file: str
    start: int
    end: int
    confidence: float = 1.0  # how sure ingest is of it (1: no warning)
    warnings: tuple[str, ...] = ()  # "kind: message"
    corrected: tuple[str, ...] = ()  # the kinds of analysts' corrections applied to it

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "resolution": self.resolution,
            "section": self.section,
            "item": self.item,
            "modality": self.modality,
            "bearers": list(self.bearers),
            "themes": list(self.themes),
            "sdgs": list(self.sdgs),
            "text": self.text,
            "source": {"file": self.file, "start": self.start, "end": self.end},
            "confidence": self.confidence,
            "warnings": list(self.warnings),
            "corrected": list(self.corrected),
        }


def _split(value: str) -> list[str]:
    return sorted(x for x in value.split(_SEP) if x)


def list_obligations(store: GraphStore, resources: Resources, resolution: str | None = None) -> list[ObligationRow]:
    subs = {"resolution": ox.Literal(resolution)} if resolution else None
    rows = []
    for row in select(store, "obligations", resources, substitutions=subs):  # unbound values read as ''
        rows.append(ObligationRow(
            id=row["obligation"],
            resolution=row["resolution"],
            section=row["section"],
            item=row["item"],
            modality=row["modality"],
            bearers=tuple(_split(row["bearers"])),
            themes=tuple(_split(row["themes"])),
            sdgs=tuple(sorted(int(x) for x in _split(row["sdgs"]))),
            text=row["text"],
            file=row["file"],
            start=int(row["start"]),
            end=int(row["end"]),
            confidence=float(row["confidence"]) if row["confidence"] else 1.0,
            warnings=tuple(_split(row["warnings"])),
            corrected=tuple(_split(row["corrected"])),
        ))
    return rows


OBLIGATIONS_HEAD = ["id", "resolution", "section", "item", "modality", "bearers", "themes", "sdgs", "text", "file", "start", "end",
                    "confidence", "warnings", "corrected"]


def obligations_rows(rows: list[ObligationRow]) -> list[list[str]]:
    """The cells of the CSV and the spreadsheet, under OBLIGATIONS_HEAD ("; "-joined lists)."""
    return [[r.id, r.resolution, r.section, r.item, r.modality, "; ".join(r.bearers), "; ".join(r.themes),
             "; ".join(map(str, r.sdgs)), r.text, r.file, str(r.start), str(r.end), f"{r.confidence:g}",
             "; ".join(r.warnings), "; ".join(r.corrected)] for r in rows]


def obligations_csv(rows: list[ObligationRow]) -> str:
    return to_csv(OBLIGATIONS_HEAD, obligations_rows(rows))


def obligations_table(rows: list[ObligationRow]) -> str:
    return to_table(
        ["resolution", "section", "item", "modality", "bearers", "themes", "sdgs", "check"],
        [[r.resolution, r.section, r.item, r.modality, ", ".join(r.bearers), ", ".join(r.themes),
          ", ".join(map(str, r.sdgs)), _check(r)] for r in rows],
    )


def _check(r: ObligationRow) -> str:
    """What the table says about how far to trust a row: corrected fields, or the warnings' kinds."""
    if r.corrected:
        return "corrected: " + ", ".join(r.corrected)
    return ", ".join(dict.fromkeys(w.split(":", 1)[0] for w in r.warnings))
