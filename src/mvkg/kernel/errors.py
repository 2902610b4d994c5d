"""Typed errors. Every user mistake becomes one of these, never a traceback.

Exit codes (documented in the README): 0 ok, 1 checks failed, 2 usage or input error.
"""

from __future__ import annotations

from pathlib import Path

EXIT_OK = 0
EXIT_CHECKS_FAILED = 1
EXIT_USAGE = 2


class MvkgError(Exception):
    """An error a user can act on; the CLI prints it and exits with `exit_code`."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str, *, path: str | Path | None = None, line: int | None = None):
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        super().__init__(self.describe())

    def describe(self) -> str:
        where = ""
        if self.path:
            where = self.path + (f":{self.line}" if self.line else "") + ": "
        return where + self.message


class InputError(MvkgError):
    """A file or value the user supplied cannot be used."""


class WorkspaceError(MvkgError):
    """The workspace is missing something or has not been built."""


class QueryError(MvkgError):
    """A SPARQL query was rejected or failed."""


def lone_surrogate(text: str) -> int | None:
    """Where `text` holds a lone surrogate (an undecodable byte of a command-line argument or a
    form field read in another encoding), which no UTF-8 file can store; None when it holds none."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return exc.start
    return None


def check_unicode(text: str, what: str) -> str:
    """`text` unchanged, or InputError naming `what` and the first lone surrogate in it."""
    bad = lone_surrogate(text)
    if bad is not None:
        raise InputError(f"{what} is not valid Unicode text (a lone surrogate U+{ord(text[bad]):04X} at "
                         f"character {bad + 1}; was it typed in another encoding than UTF-8?)")
    return text
