"""Who is acting: the boundary object every write path receives instead of a typed name.

An `Actor` comes from the login (the identity provider's claims, in the UI) or from the operating
system's user (the CLI, and the UI in single-user local mode). Its roles decide what it may write;
the checks themselves live with the write paths, not here."""

from __future__ import annotations

import os
import pwd
from dataclasses import dataclass

VIA_LOGIN = "login"
VIA_OS = "os"


@dataclass(frozen=True)
class Actor:
    """A person acting on the workspace.

    `id` is stable and unique: the provider's issuer and subject for a login (`login:<issuer>#<sub>`),
    `os:<user name>` for the local user. `name` is what records show. `roles` are role notations
    (viewer, analyst, reviewer, admin)."""

    id: str
    name: str
    roles: frozenset[str]
    via: str

    def has(self, role: str) -> bool:
        return role in self.roles


def os_user() -> str:
    """The name of the process's effective user in the system's user database, or "local" when it
    has no entry. Not $USER or $LOGNAME (what `getpass.getuser` reads first): anyone can set those,
    and the name decides which roles the roles file gives."""
    try:
        return pwd.getpwuid(os.geteuid()).pw_name or "local"
    except KeyError:
        return "local"


def os_actor(roles: frozenset[str]) -> Actor:
    """The local operating-system user, with the roles the workspace gives it."""
    user = os_user()
    return Actor(id=f"os:{user}", name=user, roles=roles, via=VIA_OS)
