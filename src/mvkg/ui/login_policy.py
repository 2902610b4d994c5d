"""Who may reach the analyst workspace, decided the same way by `mvkg ui` and by the app.

No Streamlit here (the launcher imports it before Streamlit starts). Identity settings are
Streamlit's own `[auth]` table of `secrets.toml` (OpenID Connect: any standard provider); mvkg's
additions sit in a `[mvkg]` table of the same file (`roles_claim`). Without `[auth]` the app runs
in single-user local mode, which is only allowed on a loopback address unless the operator says
`--insecure-no-login`. A person who logged in becomes an `Actor` with id `login:<issuer>#<sub>`."""

from __future__ import annotations

import time
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mvkg.kernel.access import ACCESS
from mvkg.kernel.errors import InputError
from mvkg.kernel.identity import VIA_LOGIN, Actor
from mvkg.kernel.network import is_loopback

DEFAULT_ROLES_CLAIM = "roles"
INSECURE_ENV = "MVKG_INSECURE_NO_LOGIN"  # set by `mvkg ui --insecure-no-login`
MIN_COOKIE_SECRET = 32  # characters; the secret signs the login cookie
PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")


@dataclass(frozen=True)
class LoginSettings:
    """What the secrets files say about login. `configured` is true as soon as an `[auth]` table
    exists: a broken one is reported (`problems`), never silently treated as local mode."""

    configured: bool
    problems: tuple[str, ...] = ()
    roles_claim: str = DEFAULT_ROLES_CLAIM
    source: str = ""
    providers: tuple[str, ...] = ()


def default_secrets_files(cwd: Path, home: Path) -> list[Path]:
    """Where Streamlit looks for secrets by default (later files win)."""
    return [home / ".streamlit" / "secrets.toml", cwd / ".streamlit" / "secrets.toml"]


def read_secrets(paths: Iterable[str | Path]) -> tuple[dict[str, Any], str]:
    """The merged tables of the secrets files that exist, and the names of those files. A file
    that is not valid TOML is an error naming it (Streamlit itself would ignore it and run
    without login)."""
    merged: dict[str, Any] = {}
    found: list[str] = []
    for entry in paths:
        path = Path(entry)
        if not path.is_file():
            continue
        try:
            merged.update(tomllib.loads(path.read_text(encoding="utf-8")))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise InputError(f"not a valid secrets file: {exc}", path=path) from None
        found.append(str(path))
    return merged, ", ".join(found)


def login_settings(secrets: Mapping[str, Any], source: str = "") -> LoginSettings:
    """The login settings in the merged secrets (`read_secrets`)."""
    auth = secrets.get("auth")
    if auth is None:
        return LoginSettings(False, source=source)
    own = secrets.get("mvkg")
    mvkg = own if isinstance(own, Mapping) else {}
    claim = str(mvkg.get("roles_claim", DEFAULT_ROLES_CLAIM))
    providers = tuple(provider_names(auth)) if isinstance(auth, Mapping) else ()
    return LoginSettings(True, tuple(auth_problems(auth)), claim, source, providers)


def auth_problems(auth: Any) -> list[str]:
    """What keeps the `[auth]` table from working, one line each (empty: it is complete)."""
    if not isinstance(auth, Mapping):
        return ["[auth] must be a table"]
    problems = [f"[auth] has no {key}" for key in ("redirect_uri", "cookie_secret") if not auth.get(key)]
    secret = auth.get("cookie_secret")
    if secret and len(str(secret)) < MIN_COOKIE_SECRET:
        problems.append(f"[auth] cookie_secret is shorter than {MIN_COOKIE_SECRET} characters (make one with "
                        "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`)")
    for name in provider_names(auth):
        table = auth if name == "default" else auth[name]
        missing = [key for key in PROVIDER_KEYS if not table.get(key)]
        if missing:
            where = "[auth]" if name == "default" else f"[auth.{name}]"
            problems.append(f"{where} has no {', '.join(missing)}")
    return problems


def provider_names(auth: Mapping[str, Any]) -> list[str]:
    """The providers a login screen offers: the named `[auth.NAME]` tables, or the default one."""
    named = [name for name, table in auth.items() if isinstance(table, Mapping) and name != "client_kwargs"]
    return named or ["default"]


def serving_refusal(address: str | None, settings: LoginSettings, insecure: bool) -> str | None:
    """Why the app must not serve at `address`, or None when it may."""
    if settings.configured and settings.problems:
        where = f" ({settings.source})" if settings.source else ""
        return "the login settings cannot be used" + where + ": " + "; ".join(settings.problems)
    if settings.configured or is_loopback(address) or insecure:
        return None
    return (f"refusing to serve on {address or 'every interface'} without login: anyone who can reach it could read "
            "and change the workspace. Configure a provider in .streamlit/secrets.toml [auth] (README, Security model), "
            "serve on 127.0.0.1, or pass --insecure-no-login")


def roles_from_claims(claims: Mapping[str, Any], claim: str = DEFAULT_ROLES_CLAIM) -> frozenset[str] | None:
    """The mvkg roles (ontology/access.ttl) the provider's claim names, or None when the claim is
    absent. `claim` may be a dotted path (Keycloak: `realm_access.roles`); its value a list or a
    space- or comma-separated string; values that are not mvkg roles are ignored."""
    value: Any = claims
    for part in claim.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    items = value.replace(",", " ").split() if isinstance(value, str) else value if isinstance(value, list) else []
    return frozenset(str(item).strip().lower() for item in items) & frozenset(ACCESS.role_names)


def login_keys(claims: Mapping[str, Any]) -> list[str]:
    """What the workspace's roles file may name a person who logged in by: the login id, the e-mail."""
    return [login_id(claims)] + ([str(claims["email"])] if claims.get("email") else [])


def login_id(claims: Mapping[str, Any]) -> str:
    """The stable id of a person who logged in: the provider's issuer and subject."""
    return f"login:{claims.get('iss', '')}#{claims.get('sub', '')}"


def display_name(claims: Mapping[str, Any]) -> str:
    for key in ("name", "email", "preferred_username", "sub"):
        if claims.get(key):
            return str(claims[key])
    return "unknown"


def actor_from_claims(claims: Mapping[str, Any], roles: frozenset[str]) -> Actor:
    return Actor(id=login_id(claims), name=display_name(claims), roles=roles, via=VIA_LOGIN)


def login_expired(claims: Mapping[str, Any], now: float | None = None) -> bool:
    """True when the ID token the login came from has expired (or says nothing about when it
    does): Streamlit keeps its login cookie for 30 days whatever the token said."""
    exp = claims.get("exp")
    if isinstance(exp, bool) or not isinstance(exp, int | float):
        return True
    return exp <= (time.time() if now is None else now)
