"""Login end to end: the app started by `mvkg ui` with identity settings, a real OpenID Connect
provider (oidc-provider-mock: Authlib, RS256-signed ID tokens, its own login form) on 127.0.0.1,
and Debian's Chromium. Log in through the provider's form, see your name, log out; an expired,
a tampered, a re-signed and an unsigned ID token, and a forged login cookie, are refused (the
login screen, never the workspace). Also the refusal to serve other addresses without login."""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import sys
import threading
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from browser_support import ARTIFACTS, chromium, main_text, require_chromium, settle, started, writable_copy
from conftest import REPO, free_port
from mvkg.kernel.identity import os_user
from mvkg.ui.login_policy import INSECURE_ENV

ALICE = {"sub": "alice", "name": "Alice Analyst", "email": "alice@example.org", "roles": ["analyst", "not-a-role"]}
NAV = '[data-testid="stTopNavLink"]'


@pytest.fixture(autouse=True)
def _chromium():
    require_chromium()


@contextmanager
def provider(token_max_age: int = 3600) -> Iterator[str]:
    """oidc-provider-mock on a free port of 127.0.0.1 (ID tokens expire `token_max_age` s after issue)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, "-m", "oidc_provider_mock", "--port", str(port), f"--token-max-age={token_max_age}",
           "--user-claims", json.dumps(ALICE)]
    with started(cmd, dict(os.environ), url + "/.well-known/openid-configuration"):
        yield url


def _b64d(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _b64e(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def forge(id_token: str, how: str) -> str:
    """The provider's ID token changed as an attacker would: another name and the admin role, with
    the provider's signature kept (tampered), signed with the attacker's own key (resigned), or
    unsigned (none)."""
    header, payload, signature = id_token.split(".")
    claims = {**json.loads(_b64d(payload)), "name": "Mallory Admin", "roles": ["admin"]}
    if how == "tampered":
        return f"{header}.{_b64e(claims)}.{signature}"
    if how == "none":
        return f"{_b64e({'alg': 'none', 'typ': 'JWT'})}.{_b64e(claims)}."
    from joserfc import jwt
    from joserfc.jwk import RSAKey

    return jwt.encode(json.loads(_b64d(header)), claims, RSAKey.generate_key(2048))


@contextmanager
def forging_proxy(real: str, how: str) -> Iterator[str]:
    """A man in the middle of the token exchange: the real provider's metadata with its token
    endpoint pointed here, and every ID token the provider issues forged (`forge`)."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _send(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            with urllib.request.urlopen(real + self.path, timeout=10) as r:
                meta = json.load(r)
            meta["token_endpoint"] = f"http://127.0.0.1:{self.server.server_port}/oauth2/token"
            self._send(200, json.dumps(meta).encode())

        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            headers = {k: self.headers[k] for k in ("Content-Type", "Authorization") if self.headers[k]}
            request = urllib.request.Request(real + "/oauth2/token", data=body, headers=headers)
            with urllib.request.urlopen(request, timeout=10) as r:
                token = json.load(r)
            token["id_token"] = forge(token["id_token"], how)
            self._send(200, json.dumps(token).encode())

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def write_secrets(path: Path, port: int, providers: dict[str, str]) -> Path:
    """A secrets.toml with one provider (`default`) or several named ones, each at its metadata URL."""
    lines = ["[auth]", f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"',
             f'cookie_secret = "{secrets.token_urlsafe(32)}"']
    for name, url in providers.items():
        table = [] if name == "default" else ["", f"[auth.{name}]"]
        lines += [*table, 'client_id = "mvkg-test"', 'client_secret = "mvkg-test-secret"',
                  f'server_metadata_url = "{url}/.well-known/openid-configuration"']
    lines += ["", "[mvkg]", 'roles_claim = "roles"']
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@contextmanager
def app(root: Path, tmp: Path, providers: dict[str, str]) -> Iterator[str]:
    """The analyst workspace started as an operator does (`mvkg ui`), with login settings."""
    port = free_port()
    secrets_file = write_secrets(tmp / "secrets.toml", port, providers)
    url = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, "-m", "mvkg.cli", "-w", str(root), "ui", "--port", str(port), "--secrets", str(secrets_file)]
    with started(cmd, dict(os.environ), url + "/_stcore/health"):
        yield url


def assert_login_screen(page, name: str) -> None:
    """Only the login screen: a Log in button, no navigation, nobody logged in, no page of the workspace."""
    page.get_by_role("button", name=re.compile("^Log in")).first.wait_for(timeout=60000)
    text = main_text(page)
    assert page.locator(NAV).count() == 0, f"{name}: the navigation is shown before login"
    assert "Logged in as" not in text and "Mallory" not in text, f"{name}: {text[:300]}"
    assert "Obligations" not in text and "coverage" not in text.lower(), f"{name}: workspace data shown: {text[:300]}"


def log_in(page, url: str, button: str = "Log in") -> None:
    """Through the app's Log in button and the provider's own form, back to the app."""
    page.goto(url)
    settle(page)
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_url(re.compile(r".*/oauth2/authorize.*"), timeout=60000)
    page.get_by_placeholder("sub").fill(ALICE["sub"])
    page.get_by_role("button", name="Authorize", exact=True).click()
    page.wait_for_url(re.compile(re.escape(url) + r"/?(\?.*)?$"), timeout=60000)
    settle(page)


def test_log_in_see_your_name_log_out(built, tmp_path):
    ws = writable_copy(built, tmp_path / "ws")
    ws.roles_file.write_text("person,roles\nalice@example.org,reviewer\n", encoding="utf-8")  # the file wins over the claim
    with provider() as idp, app(ws.root, tmp_path, {"default": idp}) as url, chromium() as browser:
        page = browser.new_page()
        page.goto(url)
        settle(page)
        assert_login_screen(page, "anonymous visitor")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "login-screen.png"))
        page.goto(url + "/obligations")
        settle(page)
        assert_login_screen(page, "anonymous visitor at /obligations")

        log_in(page, url)
        page.get_by_text("Logged in as").wait_for(timeout=60000)
        text = main_text(page)
        assert "Logged in as Alice Analyst (reviewer)" in text, text[:400]  # the name claim; the roles file's role
        assert page.locator(NAV).count() > 0
        assert page.get_by_role("button", name="Log out").is_visible()
        page.screenshot(path=str(ARTIFACTS / "logged-in.png"))

        page.get_by_role("button", name="Log out").click()
        page.get_by_role("button", name="End session").click()  # the provider's own end-session form
        page.wait_for_url(re.compile(re.escape(url) + r".*"), timeout=60000)
        settle(page)
        assert_login_screen(page, "after logout")
        page.goto(url + "/obligations")
        settle(page)
        assert_login_screen(page, "after logout at /obligations")


def test_expired_and_forged_tokens_are_refused(built, tmp_path):
    ws, _ = built
    with provider(-300) as expired, provider(-60) as stale, provider() as real, \
            forging_proxy(real, "tampered") as tampered, forging_proxy(real, "resigned") as resigned, \
            forging_proxy(real, "none") as unsigned:
        providers = {"expired": expired, "stale": stale, "tampered": tampered, "resigned": resigned, "unsigned": unsigned,
                     "real": real}
        with app(ws.root, tmp_path, providers) as url, chromium() as browser:
            for name in ("expired", "tampered", "resigned", "unsigned"):  # Authlib refuses these ID tokens
                page = browser.new_page()
                log_in(page, url, f"Log in with {name}")
                assert_login_screen(page, f"{name} ID token")
                page.close()

            page = browser.new_page()  # expired a minute ago: inside Authlib's leeway, refused by mvkg
            log_in(page, url, "Log in with stale")
            assert_login_screen(page, "stale ID token")
            assert "Your login has expired" in main_text(page)
            page.close()

            context = browser.new_context()  # a login cookie signed with another secret
            from streamlit.web.server.starlette.starlette_app_utils import create_signed_value

            value = json.dumps({**ALICE, "name": "Mallory Admin", "exp": 4102444800, "origin": url, "is_logged_in": True,
                                "provider": "real"})
            context.add_cookies([{"name": "_streamlit_user", "url": url,
                                  "value": create_signed_value(secrets.token_urlsafe(32), "_streamlit_user", value).decode()}])
            page = context.new_page()
            page.goto(url)
            settle(page)
            assert_login_screen(page, "forged cookie")

            log_in(page, url, "Log in with real")  # the same app and browser do let the real token in
            page.get_by_text("Logged in as").wait_for(timeout=60000)
            assert "Logged in as Alice Analyst (analyst)" in main_text(page)  # no roles file: the roles claim


def test_local_mode_refusal_and_insecure_no_login(built, tmp_path):
    """Without login settings: on 127.0.0.1 the app says it is local mode; on every interface the
    app itself refuses (even when started without `mvkg ui`); `--insecure-no-login` serves, saying so."""
    ws, _ = built
    no_login = tmp_path / "secrets.toml"
    no_login.write_text("[other]\nkey = 1\n", encoding="utf-8")  # a secrets file without [auth]
    env = {k: v for k, v in os.environ.items() if k != INSECURE_ENV}
    user = os_user()
    with chromium() as browser:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        cmd = [sys.executable, "-m", "mvkg.cli", "-w", str(ws.root), "ui", "--port", str(port), "--secrets", str(no_login)]
        with started(cmd, env, url + "/_stcore/health"):
            page = browser.new_page()
            page.goto(url)
            page.get_by_text("local mode: only this machine").wait_for(timeout=120000)
            assert f"local mode: only this machine, acting as {user}" in main_text(page)
            assert page.locator(NAV).count() > 0

        port = free_port()
        url = f"http://127.0.0.1:{port}"
        cmd = [sys.executable, "-m", "streamlit", "run", str(REPO / "app.py"), "--server.address", "0.0.0.0",
               "--server.port", str(port), "--server.headless", "true", "--secrets.files", str(no_login)]
        with started(cmd, {**env, "MVKG_WORKSPACE": str(ws.root)}, url + "/_stcore/health"):
            page = browser.new_page()
            page.goto(url)
            page.get_by_text("refusing to serve").wait_for(timeout=120000)
            settle(page)
            text = main_text(page)
            assert "refusing to serve on 0.0.0.0 without login" in text, text[:300]
            assert page.locator(NAV).count() == 0 and "local mode" not in text

        port = free_port()
        url = f"http://127.0.0.1:{port}"
        cmd = [sys.executable, "-m", "mvkg.cli", "-w", str(ws.root), "ui", "--host", "0.0.0.0", "--port", str(port),
               "--secrets", str(no_login), "--insecure-no-login"]
        with started(cmd, env, url + "/_stcore/health"):
            page = browser.new_page()
            page.goto(url)
            page.get_by_text("no login (--insecure-no-login)").wait_for(timeout=120000)
            assert f"no login (--insecure-no-login): anyone who can reach 0.0.0.0 acts as {user}" in main_text(page)
            assert page.locator(NAV).count() > 0
