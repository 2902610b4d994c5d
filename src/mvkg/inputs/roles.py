"""Who holds which roles in a workspace: `data/roles.csv`, one row per person.

    person,roles
    alice,admin
    os:bob,analyst;reviewer
    carol@example.org,viewer

`person` is matched against the keys an actor is known by: its id (`os:alice`, or the login's
`login:<issuer>#<subject>`), the OS user name for the command line and the local app, and for a
login whatever the login code passes (its e-mail, its subject). `roles` are notations of
`ontology/access.ttl` separated by ';' (a role includes the roles below it: an admin is also a
reviewer, an analyst and a viewer).

Defaults: without the file, the local operating-system user holds every role (a single-user
install keeps working, as before roles existed). With the file, a person it does not name is a
viewer. A logged-in person whose provider sends no role claim and whom the file does not name is
a viewer too."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from mvkg.inputs.csvtable import Problem, TableError, read_rows, split_list
from mvkg.kernel.access import ACCESS
from mvkg.kernel.identity import Actor, os_actor
from mvkg.kernel.workspace import Workspace

COLUMNS = ("person", "roles")
VIEWER = "viewer"


def load_roles(ws: Workspace) -> dict[str, frozenset[str]] | None:
    """person -> the roles the file gives (as written); None when there is no roles file."""
    path = ws.roles_file
    if not path.is_file():
        return None
    out: dict[str, frozenset[str]] = {}
    problems = []
    for line, row in read_rows(path, COLUMNS):
        person, roles = row["person"], split_list(row["roles"])
        unknown = [r for r in roles if r not in ACCESS.role_names]
        if not person:
            problems.append(Problem(line, "person is empty"))
        elif person in out:
            problems.append(Problem(line, f"{person!r} is named twice"))
        elif unknown or not roles:
            problems.append(Problem(line, f"roles must be some of {', '.join(ACCESS.role_names)} separated by ';', "
                                          f"not {row['roles']!r}"))
        else:
            out[person] = frozenset(roles)
    if problems:
        raise TableError(path, problems)
    return out


def roles_for(ws: Workspace, keys: Sequence[str]) -> frozenset[str] | None:
    """The effective roles the roles file gives the first of `keys` it names; None when the file
    is absent or names none of them."""
    table = load_roles(ws)
    if table is None:
        return None
    found = next((table[k] for k in keys if k in table), None)
    return None if found is None else ACCESS.effective(found)


def local_actor(ws: Workspace) -> Actor:
    """The operating-system user (the CLI, the app in local mode) with the roles the workspace
    gives it: every role without a roles file, its row's roles, else viewer."""
    who = os_actor(frozenset())
    table = load_roles(ws)
    if table is None:
        return os_actor(ACCESS.effective(ACCESS.role_names))
    given = next((table[k] for k in (who.id, who.name) if k in table), frozenset({VIEWER}))
    return os_actor(ACCESS.effective(given))


def login_roles(ws: Workspace, keys: Sequence[str], claimed: Iterable[str] = ()) -> frozenset[str]:
    """The effective roles of a logged-in person: the roles file's row for one of `keys` (its
    id, e-mail …), else the provider's role claim (the known role names in it), else viewer."""
    given = roles_for(ws, keys)
    if given is not None:
        return given
    claim = ACCESS.effective(claimed)
    return claim or ACCESS.effective([VIEWER])
