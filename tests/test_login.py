"""The login rule without a browser: which settings count as login, who a login is, and `mvkg ui`
refusing another address without login (exit 2, one line, nothing started)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import REPO
from mvkg.kernel.identity import VIA_LOGIN
from mvkg.ui.login_policy import (
    actor_from_claims,
    auth_problems,
    is_loopback,
    login_expired,
    login_keys,
    login_settings,
    read_secrets,
    roles_from_claims,
    serving_refusal,
)

GOOD_AUTH = {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "x" * 40, "client_id": "mvkg",
             "client_secret": "s", "server_metadata_url": "https://idp.example.org/.well-known/openid-configuration"}


@pytest.mark.parametrize(("address", "loopback"), [
    ("127.0.0.1", True), ("127.0.0.2", True), ("::1", True), ("[::1]", True), ("localhost", True),
    ("0.0.0.0", False), ("::", False), ("192.168.1.20", False), ("example.org", False), (None, False), ("", False),
])
def test_loopback(address, loopback):
    assert is_loopback(address) is loopback


def test_no_settings_is_local_mode_and_only_on_loopback():
    local = login_settings({})
    assert not local.configured
    assert serving_refusal("127.0.0.1", local, insecure=False) is None
    refusal = serving_refusal("0.0.0.0", local, insecure=False)
    assert refusal and "refusing to serve on 0.0.0.0 without login" in refusal and "--insecure-no-login" in refusal
    assert "every interface" in serving_refusal(None, local, insecure=False)  # Streamlit's unset address
    assert serving_refusal("0.0.0.0", local, insecure=True) is None


def test_complete_settings_allow_any_address():
    settings = login_settings({"auth": GOOD_AUTH, "mvkg": {"roles_claim": "groups"}})
    assert settings.configured and settings.problems == () and settings.roles_claim == "groups"
    assert settings.providers == ("default",)
    assert serving_refusal("0.0.0.0", settings, insecure=False) is None


def test_broken_settings_are_refused_not_taken_for_local_mode():
    broken = login_settings({"auth": {"redirect_uri": "http://x/oauth2callback", "cookie_secret": "short"}}, "s.toml")
    assert broken.configured
    refusal = serving_refusal("127.0.0.1", broken, insecure=True)  # even on loopback, even with the flag
    assert refusal and "(s.toml)" in refusal
    assert "cookie_secret is shorter than 32" in refusal and "[auth] has no client_id, client_secret, server_metadata_url" in refusal


def test_named_providers_are_checked_each():
    auth = {k: GOOD_AUTH[k] for k in ("redirect_uri", "cookie_secret")}
    auth["keycloak"] = {k: GOOD_AUTH[k] for k in ("client_id", "client_secret", "server_metadata_url")}
    auth["entra"] = {"client_id": "x"}
    assert auth_problems(auth) == ["[auth.entra] has no client_secret, server_metadata_url"]
    assert login_settings({"auth": auth}).providers == ("keycloak", "entra")


def test_secrets_file_that_is_not_toml_names_the_file(tmp_path):
    bad = tmp_path / "secrets.toml"
    bad.write_text("[auth\n", encoding="utf-8")
    with pytest.raises(Exception, match=r"secrets.toml: not a valid secrets file: .*line 1"):
        read_secrets([tmp_path / "absent.toml", bad])


@pytest.mark.parametrize(("claims", "claim", "roles"), [
    ({"roles": ["analyst", "Reviewer", "superuser"]}, "roles", {"analyst", "reviewer"}),
    ({"groups": "viewer admin"}, "groups", {"viewer", "admin"}),
    ({"groups": "viewer,admin"}, "groups", {"viewer", "admin"}),
    ({"realm_access": {"roles": ["admin", "offline_access"]}}, "realm_access.roles", {"admin"}),  # Keycloak
    ({"roles": []}, "roles", set()),
])
def test_roles_from_claims(claims, claim, roles):
    assert roles_from_claims(claims, claim) == frozenset(roles)


def test_no_roles_claim_is_none_so_the_roles_file_decides():
    assert roles_from_claims({"sub": "a"}, "roles") is None
    assert roles_from_claims({"realm_access": {}}, "realm_access.roles") is None


def test_actor_from_claims():
    claims = {"iss": "https://idp.example.org", "sub": "248289761001", "email": "jane@example.org", "exp": 1}
    actor = actor_from_claims(claims, frozenset({"viewer"}))
    assert actor.id == "login:https://idp.example.org#248289761001"
    assert actor.name == "jane@example.org" and actor.via == VIA_LOGIN and actor.roles == {"viewer"}
    assert actor_from_claims({**claims, "name": "Jane Doe"}, frozenset()).name == "Jane Doe"


def test_the_roles_file_may_name_a_login_by_id_or_email():
    claims = {"iss": "https://idp.example.org", "sub": "42", "email": "jane@example.org"}
    assert login_keys(claims) == ["login:https://idp.example.org#42", "jane@example.org"]
    assert login_keys({"iss": "i", "sub": "s"}) == ["login:i#s"]


def test_login_expiry():
    assert login_expired({"exp": 999}, now=1000)
    assert not login_expired({"exp": 1001}, now=1000)
    assert login_expired({}, now=1000)  # a login that says nothing about its end is not trusted
    assert login_expired({"exp": True}, now=0)


def run_ui(*args: str, cwd=REPO) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mvkg.cli", "-w", str(REPO), "ui", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=60)


def test_mvkg_ui_refuses_another_address_without_login(tmp_path):
    done = run_ui("--host", "0.0.0.0", "--port", "1", cwd=tmp_path)  # no secrets here or given
    assert done.returncode == 2
    assert done.stderr.startswith("mvkg: error: refusing to serve on 0.0.0.0 without login")
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


def test_mvkg_ui_refuses_broken_login_settings(tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[auth]\nredirect_uri = "http://127.0.0.1:1/oauth2callback"\n', encoding="utf-8")
    done = run_ui("--secrets", str(secrets), "--port", "1")
    assert done.returncode == 2
    assert f"the login settings cannot be used ({secrets})" in done.stderr and "[auth] has no cookie_secret" in done.stderr


def test_mvkg_ui_missing_secrets_file(tmp_path):
    done = run_ui("--secrets", str(tmp_path / "nope.toml"))
    assert done.returncode == 2 and "nope.toml: no such secrets file" in done.stderr
