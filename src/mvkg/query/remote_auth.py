"""Credentials for a remote SPARQL endpoint: HTTP basic or digest (a user and a password) or
a bearer token, taken from the store URL (`http://user:password@host/…`), the environment
(MVKG_STORE_USER, MVKG_STORE_PASSWORD, MVKG_STORE_TOKEN) or the workspace's settings file,
in that order. They travel only in Authorization headers, never in a URL mvkg sends, and
`redact` takes them out of anything mvkg prints."""

from __future__ import annotations

import base64
import os
import re
import threading
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field

from mvkg.kernel.errors import WorkspaceError

ENV_USER, ENV_PASSWORD, ENV_TOKEN = "MVKG_STORE_USER", "MVKG_STORE_PASSWORD", "MVKG_STORE_TOKEN"
_USERINFO = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*://)[^/?#\s@]*@")


def redact(text: str) -> str:
    """`text` with the user and password of every URL in it replaced by ***."""
    return _USERINFO.sub(r"\1***@", text)


@dataclass(frozen=True)
class Credentials:
    """Empty, a user and password (basic or digest, whichever the server asks for), or a
    bearer token. The secrets are left out of repr()."""

    user: str | None = None
    password: str | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)

    def __bool__(self) -> bool:
        return bool(self.user or self.password or self.token)

    @classmethod
    def from_environment(cls, env: Mapping[str, str] | None = None) -> Credentials:
        env = os.environ if env is None else env
        return cls(env.get(ENV_USER) or None, env.get(ENV_PASSWORD) or None, env.get(ENV_TOKEN) or None)

    @classmethod
    def resolve(cls, in_url: Credentials | None, settings: Credentials | None,
                env: Mapping[str, str] | None = None) -> Credentials:
        """The first source that gives any credential: the URL, the environment, the settings file."""
        for source, where in ((in_url, "the store URL"), (cls.from_environment(env), "the environment"),
                              (settings, "[store] in mvkg.toml")):
            if source:
                source.check(where)
                return source
        return cls()

    def check(self, where: str) -> None:
        if self.token and (self.user or self.password):
            raise WorkspaceError(f"{where} gives both a token and a user or password; give one kind of credentials")
        if self.password and not self.user:
            raise WorkspaceError(f"{where} gives a password without a user")


def split_userinfo(url: str) -> tuple[str, Credentials | None]:
    """The URL without `user:password@`, and the credentials it held (None when none)."""
    parts = urllib.parse.urlsplit(url)
    if "@" not in parts.netloc:
        return url, None
    userinfo, host = parts.netloc.rsplit("@", 1)
    user, _, password = userinfo.partition(":")
    clean = urllib.parse.urlunsplit(parts._replace(netloc=host))
    return clean, Credentials(urllib.parse.unquote(user) or None, urllib.parse.unquote(password) or None)


class Authenticator:
    """Adds the credentials to each request. A bearer token goes on every request; a user and
    password answer the server's challenge, basic or digest (Virtuoso's authenticated
    endpoints ask for digest), and the challenge is kept per server, so later requests carry
    the answer at once (a server that refuses a large unauthenticated body by closing the
    connection is asked for its challenge first). Thread-safe; holds no secret in its repr."""

    def __init__(self, credentials: Credentials):
        self.credentials = credentials
        self._passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        self._digest = urllib.request.HTTPDigestAuthHandler(self._passwords)
        self._schemes: dict[str, tuple[str, dict[str, str]]] = {}  # server -> (scheme, challenge)
        self._lock = threading.Lock()

    @property
    def answers_challenges(self) -> bool:
        return bool(self.credentials.user or self.credentials.password)

    def knows(self, url: str) -> bool:
        return _server(url) in self._schemes

    def authorize(self, req: urllib.request.Request) -> None:
        if self.credentials.token:  # unredirected: not carried over to another host by a redirect
            req.add_unredirected_header("Authorization", f"Bearer {self.credentials.token}")
            return
        with self._lock:
            scheme, challenge = self._schemes.get(_server(req.full_url), ("", {}))
            if scheme == "basic":
                pair = f"{self.credentials.user or ''}:{self.credentials.password or ''}".encode()
                req.add_unredirected_header("Authorization", "Basic " + base64.b64encode(pair).decode("ascii"))
            elif scheme == "digest":
                answer = self._digest.get_authorization(req, challenge)
                if answer:
                    req.add_unredirected_header("Authorization", "Digest " + answer)

    def learn(self, url: str, challenges: list[str]) -> bool:
        """Keep the server's challenge from a 401; True when the request is worth repeating."""
        if not self.answers_challenges:
            return False
        for header in challenges:
            scheme, _, rest = header.strip().partition(" ")
            if scheme.lower() in ("digest", "basic"):
                challenge = urllib.request.parse_keqv_list(urllib.request.parse_http_list(rest)) if rest else {}
                with self._lock:
                    self._passwords.add_password(challenge.get("realm"), _server(url), self.credentials.user or "",
                                                 self.credentials.password or "")
                    self._schemes[_server(url)] = (scheme.lower(), challenge)
                return True
        return False


def _server(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"
