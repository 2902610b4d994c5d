"""Actors for tests: who the library's write paths are told is acting (roles from ontology/access.ttl)."""

from __future__ import annotations

from mvkg.kernel.access import ACCESS
from mvkg.kernel.identity import VIA_OS, Actor, os_user


def actor(name: str = "tester", role: str = "admin") -> Actor:
    """A person holding `role` (and the roles it includes)."""
    return Actor(f"os:{name}", name, ACCESS.effective([role]), VIA_OS)


ADMIN = actor()
OS_USER = os_user()  # who the CLI acts as (the assessor it records)
