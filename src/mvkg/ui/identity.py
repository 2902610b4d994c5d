"""Who is using this browser session, for the pages' write calls.

Every page that writes asks `current_actor` and passes the result to the library; no page asks for
a typed name. Without identity settings the app runs in single-user local mode (bound to 127.0.0.1)
and the person at the keyboard is the operating-system user who started it."""

from __future__ import annotations

from mvkg.kernel.identity import Actor, os_actor

LOCAL_ROLES = frozenset({"viewer", "analyst", "reviewer", "admin"})


def current_actor() -> Actor:
    """The acting person: in local mode, the OS user with every role."""
    return os_actor(LOCAL_ROLES)
