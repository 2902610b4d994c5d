"""The obligations listing: the public JSON contract of `mvkg obligations` and
`mvkg ingest --format json`, produced by queries/obligations.rq."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from mvkg.kernel.resources import Resources
from mvkg.query.named import solutions
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
        }


def _split(term: ox.Literal | None) -> list[str]:
    return sorted(x for x in (term.value if term else "").split(_SEP) if x)


def list_obligations(store: ox.Store, resources: Resources, resolution: str | None = None) -> list[ObligationRow]:
    subs = {"resolution": ox.Literal(resolution)} if resolution else None
    columns, found = solutions(store, "obligations", resources, substitutions=subs)
    rows = []
    for r in found:
        row = dict(zip(columns, r))
        rows.append(ObligationRow(
            id=row["obligation"].value,
            resolution=row["resolution"].value,
            section=row["section"].value,
            item=row["item"].value,
            modality=row["modality"].value,
            bearers=tuple(_split(row["bearers"])),
            themes=tuple(_split(row["themes"])),
            sdgs=tuple(sorted(int(x) for x in _split(row["sdgs"]))),
            text=row["text"].value,
            file=row["file"].value,
            start=int(row["start"].value),
            end=int(row["end"].value),
        ))
    return rows


def obligations_csv(rows: list[ObligationRow]) -> str:
    return to_csv(
        ["id", "resolution", "section", "item", "modality", "bearers", "themes", "sdgs", "text", "file", "start", "end"],
        [[r.id, r.resolution, r.section, r.item, r.modality, "; ".join(r.bearers), "; ".join(r.themes),
          "; ".join(map(str, r.sdgs)), r.text, r.file, str(r.start), str(r.end)] for r in rows],
    )


def obligations_table(rows: list[ObligationRow]) -> str:
    return to_table(
        ["resolution", "section", "item", "modality", "bearers", "themes", "sdgs"],
        [[r.resolution, r.section, r.item, r.modality, ", ".join(r.bearers), ", ".join(r.themes),
          ", ".join(map(str, r.sdgs))] for r in rows],
    )
