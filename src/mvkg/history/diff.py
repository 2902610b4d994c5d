"""Explained differences between two snapshots: which obligations changed verdict, from →
to, and why (portfolio membership, entry status or themes, assessments, shapes, obligation
text or themes, obligations added or removed; an obligation whose id changed while its text
did not is followed across the change); and which verdicts of a current run differ from a
snapshot's."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from mvkg.compliance.coverage import ObligationVerdict
from mvkg.kernel.namespaces import short_id


@dataclass(frozen=True)
class Cause:
    kind: str
    detail: str

    def to_json(self) -> dict[str, str]:
        return {"kind": self.kind, "detail": self.detail}


@dataclass(frozen=True)
class Change:
    obligation: str
    resolution: str
    section: str
    item: str
    from_verdict: str | None
    to_verdict: str | None
    causes: tuple[Cause, ...]

    def to_json(self) -> dict[str, object]:
        return {"obligation": self.obligation, "resolution": self.resolution, "section": self.section,
                "item": self.item, "from_verdict": self.from_verdict, "to_verdict": self.to_verdict,
                "causes": [c.to_json() for c in self.causes]}


@dataclass(frozen=True)
class Diff:
    from_id: str
    to_id: str
    changes: tuple[Change, ...]
    summary: dict[str, Any]

    def to_json(self) -> dict[str, object]:
        return {"from": self.from_id, "to": self.to_id, "changes": [c.to_json() for c in self.changes],
                "summary": self.summary}


def _pairs(a: dict, b: dict) -> list[tuple[str | None, str | None]]:
    """Match obligations by key; an unmatched pair with the same text is one obligation whose id changed."""
    pairs = [(k, k) for k in a if k in b]
    only_a = [k for k in a if k not in b]
    only_b = [k for k in b if k not in a]
    by_text: dict[str, list[str]] = {}
    for k in only_b:
        by_text.setdefault(b[k]["text_sha256"], []).append(k)
    for k in only_a:
        candidates = by_text.get(a[k]["text_sha256"], [])
        if candidates:
            pairs.append((k, candidates.pop(0)))
        else:
            pairs.append((k, None))
    pairs += [(None, k) for ks in by_text.values() for k in ks]
    return pairs


def _entry_causes(ob_a: dict, ob_b: dict, snap_a: dict, snap_b: dict) -> list[Cause]:
    causes = []
    entries = sorted((set(ob_a["assessments"]) | set(ob_b["assessments"])) - {"(not applicable)"})
    members_a, members_b = set(snap_a["portfolio"]["members"]), set(snap_b["portfolio"]["members"])
    for e in entries:
        if e in members_b and e not in members_a:
            causes.append(Cause("portfolio-added", f"{e} was added to the portfolio"))
        elif e in members_a and e not in members_b:
            causes.append(Cause("portfolio-removed", f"{e} was removed from the portfolio"))
        ea, eb = snap_a["entries"].get(e), snap_b["entries"].get(e)
        if ea and eb and ea["status"] != eb["status"]:
            causes.append(Cause("status-changed", f"{e}: {ea['status']} → {eb['status']}"))
        if ea and eb and sorted(ea["themes"]) != sorted(eb["themes"]):
            causes.append(Cause("entry-themes-changed", f"{e}: themes {', '.join(ea['themes']) or '—'} → "
                                                        f"{', '.join(eb['themes']) or '—'}"))
        if (ea is None) != (eb is None):
            causes.append(Cause("catalogue-" + ("added" if ea is None else "removed"), f"{e} in the catalogue"))
    return causes


def _assessment_causes(ob_a: dict, ob_b: dict) -> list[Cause]:
    causes = []
    aa, ab = ob_a["assessments"], ob_b["assessments"]
    for e in sorted(set(aa) | set(ab)):
        if e not in aa:
            causes.append(Cause("assessment-added", f"{e}: {ab[e]['relation']}"))
        elif e not in ab:
            causes.append(Cause("assessment-removed", f"{e}: was {aa[e]['relation']}"))
        elif aa[e]["relation"] != ab[e]["relation"]:
            causes.append(Cause("assessment-changed", f"{e}: {aa[e]['relation']} → {ab[e]['relation']}"))
        elif aa[e]["rationale"] != ab[e]["rationale"]:
            causes.append(Cause("assessment-changed", f"{e}: rationale reworded"))
    return causes


def _changed_inputs(snap_a: dict, snap_b: dict, prefix: str) -> list[str]:
    ia, ib = snap_a["inputs"], snap_b["inputs"]
    return sorted(k for k in set(ia) | set(ib) if k.startswith(prefix) and ia.get(k) != ib.get(k))


def explain(key_a: str | None, key_b: str | None, snap_a: dict, snap_b: dict) -> tuple[Cause, ...]:
    if key_a is None:
        return (Cause("obligation-added", f"{key_b} is new"),)
    if key_b is None:
        return (Cause("obligation-removed", f"{key_a} is gone"),)
    ob_a, ob_b = snap_a["obligations"][key_a], snap_b["obligations"][key_b]
    causes: list[Cause] = []
    if key_a != key_b:
        causes.append(Cause("obligation-id-changed", f"{key_a} → {key_b} (same text)"))
    if ob_a["text_sha256"] != ob_b["text_sha256"]:
        causes.append(Cause("obligation-text-changed", "the obligation's text changed"))
    if ob_a["themes"] != ob_b["themes"]:
        causes.append(Cause("obligation-themes-changed", f"{', '.join(ob_a['themes'])} → {', '.join(ob_b['themes'])}"))
    causes += _assessment_causes(ob_a, ob_b)
    causes += _entry_causes(ob_a, ob_b, snap_a, snap_b)
    for path in _changed_inputs(snap_a, snap_b, "shapes/"):
        causes.append(Cause("shape-changed", f"{path} changed"))
    for path in _changed_inputs(snap_a, snap_b, "ontology/"):
        causes.append(Cause("ontology-changed", f"{path} changed"))
    if snap_a["portfolio"]["name"] != snap_b["portfolio"]["name"]:
        causes.append(Cause("portfolio-changed", f"{snap_a['portfolio']['name']} → {snap_b['portfolio']['name']}"))
    if not causes:
        causes.append(Cause("unexplained", "no recorded input of this obligation differs"))
    return tuple(causes)


def diff(snap_a: dict, snap_b: dict) -> Diff:
    changes = []
    for key_a, key_b in _pairs(snap_a["obligations"], snap_b["obligations"]):
        va = snap_a["obligations"][key_a]["verdict"] if key_a else None
        vb = snap_b["obligations"][key_b]["verdict"] if key_b else None
        if va == vb and key_a == key_b:
            continue
        ob = snap_b["obligations"][key_b] if key_b else snap_a["obligations"][key_a]
        changes.append(Change(ob["id"], ob["resolution"], ob["section"], ob["item"], va, vb,
                              explain(key_a, key_b, snap_a, snap_b)))
    sa, sb = snap_a["summary"], snap_b["summary"]
    summary = {
        "changed": len(changes),
        "coverage_percent": {"from": sa["coverage_percent"], "to": sb["coverage_percent"]},
        "binding_coverage_percent": {"from": sa["binding"]["coverage_percent"], "to": sb["binding"]["coverage_percent"]},
        "counts": {"from": sa["counts"], "to": sb["counts"]},
        "formula": sb["formula"],
    }
    return Diff(snap_a["id"], snap_b["id"], tuple(changes), summary)


@dataclass(frozen=True)
class VerdictChange:
    """An obligation whose verdict now differs from the one a snapshot recorded."""

    obligation: str  # IRI
    resolution: str
    section: str
    item: str
    then: str | None  # None: the obligation was not in the snapshot
    now: str


def changed_since(snapshot: dict, rows: Iterable[ObligationVerdict]) -> tuple[VerdictChange, ...]:
    """The obligations of a current coverage run (its rows) whose verdict is not the one
    `snapshot` recorded for them, in the run's order."""
    before = snapshot["obligations"]
    out = []
    for r in rows:
        then = before.get(short_id(r.id), {}).get("verdict")
        if then != r.verdict:
            out.append(VerdictChange(r.id, r.resolution, r.section, r.item, then, r.verdict))
    return tuple(out)
