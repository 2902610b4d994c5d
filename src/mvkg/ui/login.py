"""The door of the analyst workspace: Streamlit's own OpenID Connect login (`st.login`,
`st.user`, `st.logout`) when identity settings exist, single-user local mode when they do not.

`require_access` runs first on every page: it stops the script (so no page and no data is
rendered) for an anonymous visitor, an expired login, broken settings, or local mode on an
address other machines reach. `banner` then says who is acting, with a Log out button."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, NoReturn

import streamlit as st

from mvkg.inputs.roles import login_roles
from mvkg.kernel.access import ACCESS
from mvkg.kernel.errors import MvkgError
from mvkg.kernel.identity import Actor, os_user
from mvkg.ui import data
from mvkg.ui.login_policy import (
    INSECURE_ENV,
    LoginSettings,
    actor_from_claims,
    is_loopback,
    login_expired,
    login_keys,
    login_settings,
    read_secrets,
    roles_from_claims,
    serving_refusal,
)
from mvkg.ui.pages.shared import md_escape

LOGIN, LOCAL, INSECURE = "login", "local", "insecure"


@dataclass(frozen=True)
class Access:
    """How this session reached the workspace: through a login, in local mode, or (operator's
    explicit choice) without login on an address others reach."""

    mode: str
    address: str | None
    settings: LoginSettings  # as read once for this run of the page


def settings() -> LoginSettings:
    """The login settings of the secrets files Streamlit reads (`secrets.files`)."""
    return login_settings(*read_secrets(st.get_option("secrets.files")))


def user_claims() -> dict[str, Any] | None:
    """The claims of the ID token this browser logged in with, or None (not logged in)."""
    if not st.user.is_logged_in:
        return None
    return {k: v for k, v in st.user.to_dict().items() if k not in ("is_logged_in", "tokens")}


def login_actor(login: LoginSettings) -> Actor | None:
    """The person logged in to this session, or None (not logged in, or the login expired). Their
    roles: the workspace's roles file when it names them (login id or e-mail), else the
    provider's roles claim, else viewer (mvkg.inputs.roles.login_roles)."""
    claims = user_claims()
    if claims is None or login_expired(claims):
        return None
    claimed = roles_from_claims(claims, login.roles_claim) or frozenset()
    return actor_from_claims(claims, login_roles(data.workspace(), login_keys(claims), claimed))


def _refuse(message: str) -> NoReturn:
    st.title("mvkg")
    st.error(message)
    st.stop()


def _login_screen(login: LoginSettings, expired: bool) -> NoReturn:
    st.title("mvkg")
    st.subheader("Log in to use this analyst workspace")
    if expired:
        st.info("Your login has expired. Log in again.")
    names = login.providers
    for name in names:
        label = "Log in" if len(names) == 1 else f"Log in with {name}"
        st.button(label, key=f"login-{name}", type="primary", on_click=st.login, args=(name,))
    st.stop()


def require_access() -> Access:
    """Let the visitor in, or stop the script with the login screen or a refusal."""
    address = st.get_option("server.address")
    try:
        login = settings()
    except MvkgError as exc:
        _refuse(exc.describe())
    refusal = serving_refusal(address, login, os.environ.get(INSECURE_ENV) == "1")
    if refusal:
        _refuse(refusal)
    if not login.configured:
        return Access(LOCAL if is_loopback(address) else INSECURE, address, login)
    claims = user_claims()
    if claims is None or login_expired(claims):
        _login_screen(login, expired=claims is not None)
    return Access(LOGIN, address, login)


def banner(access: Access) -> None:
    """The line above every page: who is acting, and the Log out button after a login."""
    if access.mode == LOGIN:
        actor = login_actor(access.settings)
        held = [r for r in ACCESS.role_names if actor and r in actor.roles]  # viewer first: the last is the highest
        left, right = st.columns([6, 1], vertical_alignment="center")
        left.caption(f"Logged in as **{md_escape(actor.name if actor else '')}** ({md_escape(held[-1] if held else 'no role')})")
        right.button("Log out", key="logout", on_click=st.logout)
    elif access.mode == LOCAL:
        st.caption(f"local mode: only this machine, acting as {md_escape(os_user())}")
    else:
        st.warning(f"no login (--insecure-no-login): anyone who can reach {md_escape(access.address or 'this server')} "
                   f"acts as {md_escape(os_user())}")
