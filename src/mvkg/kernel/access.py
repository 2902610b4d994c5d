"""Who may write what: the roles and write kinds of `ontology/access.ttl`, and the check every
write path makes before it writes anything.

A role permits the write kinds it names (`mvkg:permitsWrite`) and those of the roles it includes
(`mvkg:includesRole`, followed to the end). `require(actor, kind)` refuses a write none of the
actor's roles permits with `AccessDenied`: one line naming who, the write and the role it needs.

Read once, when the module is first imported; the result is immutable."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import pyoxigraph as ox

from mvkg.kernel.errors import MvkgError, WorkspaceError
from mvkg.kernel.identity import Actor
from mvkg.kernel.namespaces import MVKG, SKOS
from mvkg.kernel.resources import find_resources

ACCESS_FILE = "access.ttl"


class AccessDenied(MvkgError):
    """The actor's roles do not permit the write; nothing was written."""


@dataclass(frozen=True)
class WriteKind:
    notation: str  # "assessment-add": how the audit trail names it
    label: str  # "record an assessment"


@dataclass(frozen=True)
class Role:
    notation: str
    label: str
    order: int
    includes: frozenset[str]  # notations of the roles it includes directly
    permits: frozenset[str]  # write kinds it permits directly


@dataclass(frozen=True)
class Access:
    roles: tuple[Role, ...]  # in display order (viewer first)
    writes: tuple[WriteKind, ...]

    @property
    def role_names(self) -> tuple[str, ...]:
        return tuple(r.notation for r in self.roles)

    def role(self, notation: str) -> Role:
        for r in self.roles:
            if r.notation == notation:
                return r
        raise KeyError(notation)

    def write(self, notation: str) -> WriteKind:
        for w in self.writes:
            if w.notation == notation:
                return w
        raise KeyError(notation)

    def effective(self, roles: Iterable[str]) -> frozenset[str]:
        """The roles given and every role they include."""
        out: set[str] = set()
        todo = [r for r in roles if r in self.role_names]
        while todo:
            r = todo.pop()
            if r not in out:
                out.add(r)
                todo += self.role(r).includes
        return frozenset(out)

    def permitted(self, roles: Iterable[str]) -> frozenset[str]:
        """The write kinds the roles permit (with the roles they include)."""
        return frozenset(w for r in self.effective(roles) for w in self.role(r).permits)

    def needed(self, write: str) -> str:
        """The lowest role that permits `write` (what a refusal names)."""
        for r in self.roles:
            if write in self.permitted([r.notation]):
                return r.notation
        raise KeyError(write)


def require(actor: Actor, write: str) -> None:
    """Refuse (AccessDenied) unless one of the actor's roles permits `write` (a write kind notation)."""
    kind = ACCESS.write(write)  # an unknown kind is a programming error: KeyError
    if write in ACCESS.permitted(actor.roles):
        return
    held = ", ".join(r for r in ACCESS.role_names if r in actor.roles) or "no role"
    raise AccessDenied(f"{actor.name} ({actor.id}) may not {kind.label}: that needs the {ACCESS.needed(write)} role "
                       f"(holds: {held})")


def _value(values: dict[tuple[str, str], list[str]], subject: str, prop: str) -> str:
    found = values.get((subject, prop), [])
    return found[0] if found else ""


def load_access(path: Path) -> Access:
    try:
        quads = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    except (OSError, SyntaxError) as exc:
        raise WorkspaceError(f"cannot read the roles and write kinds: {exc}", path=path) from None
    values: dict[tuple[str, str], list[str]] = {}
    for q in quads:
        values.setdefault((q.subject.value, q.predicate.value), []).append(q.object.value)
    in_scheme, notation, label = f"{SKOS}inScheme", f"{SKOS}notation", f"{SKOS}prefLabel"

    def members(scheme: str) -> list[str]:
        return sorted(q.subject.value for q in quads if q.predicate.value == in_scheme and q.object.value == f"{MVKG}{scheme}")

    def notations(subject: str, prop: str) -> frozenset[str]:
        return frozenset(_value(values, o, notation) for o in values.get((subject, f"{MVKG}{prop}"), []))

    writes = tuple(WriteKind(_value(values, w, notation), _value(values, w, label)) for w in members("WriteKindScheme"))
    roles = tuple(sorted((Role(_value(values, r, notation), _value(values, r, label),
                               int(_value(values, r, f"{MVKG}displayOrder") or 999),
                               notations(r, "includesRole"), notations(r, "permitsWrite"))
                          for r in members("RoleScheme")), key=lambda r: (r.order, r.notation)))
    if not roles or not writes:
        raise WorkspaceError("expected the schemes mvkg:RoleScheme and mvkg:WriteKindScheme with concepts", path=path)
    return Access(roles, writes)


ACCESS: Final[Access] = load_access(find_resources().ontology / ACCESS_FILE)
