"""Who is using this browser session, for the pages' write calls.

Every page that writes asks `current_actor` and passes the result to the library; no page asks for
a typed name. Without identity settings the app runs in single-user local mode (bound to 127.0.0.1)
and the person at the keyboard is the operating-system user who started it. With identity settings
it is the person who logged in (`mvkg.ui.login`): id `login:<issuer>#<sub>`, the name the provider
gives, and the roles of the provider's roles claim (`[mvkg] roles_claim` in secrets.toml)."""

from __future__ import annotations

from mvkg.inputs.roles import local_actor
from mvkg.kernel.errors import MvkgError
from mvkg.kernel.identity import Actor
from mvkg.ui import data, login


class LoginRequired(MvkgError):
    """A write was attempted in a session that has not logged in (or whose login expired)."""


def current_actor() -> Actor:
    """The acting person: the login, or in local mode the OS user with the roles the workspace's
    roles file gives it (every role when there is no roles file)."""
    settings = login.settings()
    if not settings.configured:
        return local_actor(data.workspace())
    actor = login.login_actor(settings)
    if actor is None:
        raise LoginRequired("log in to change the workspace")
    return actor
