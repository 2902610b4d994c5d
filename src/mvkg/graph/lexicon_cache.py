"""The lexicon a live write needs (catalogue rows, portfolio rules, corrections), kept in build/
between writes: parsing the ontology's Turtle with rdflib takes 0.5-1 s, most of a what-if save.

build/lexicon.pickle holds the key (sha256 of mvkg's version and every ontology file) and the
pickled `Lexicon`. It is read with a restricted unpickler that builds nothing but the lexicon's
own dataclasses and regular expressions (the "restricting globals" recipe of the `pickle`
documentation), so a tampered file cannot run code; a file with another key, or one that does
not read, is simply made again. The regular expressions are compiled when first used
(`LazyPattern`). No state is kept in the process."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import pickle
import re

from mvkg import __version__
from mvkg.graph.build import load_lexicon
from mvkg.kernel import lexicon as lexicon_module
from mvkg.kernel.files import atomic_write
from mvkg.kernel.lexicon import Lexicon
from mvkg.kernel.resources import Resources
from mvkg.kernel.workspace import Workspace

_ALLOWED = {("copyreg", "_reconstructor"), ("copyreg", "__newobj__"), ("builtins", "object"),
            ("builtins", "frozenset"), ("builtins", "set")}


class LazyPattern:
    """A regular expression of the kept lexicon, compiled when first used: the lexicon holds some
    750 of them (0.2-0.9 s to compile), and most writes (a portfolio, a catalogue row) use none.
    It answers what a compiled pattern answers (`search`, `finditer`, `pattern` …)."""

    __slots__ = ("pattern", "flags", "_compiled")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern, self.flags = pattern, flags
        self._compiled: re.Pattern[str] | None = None

    def compiled(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self.pattern, self.flags)
        return self._compiled

    def __getattr__(self, name: str):
        return getattr(self.compiled(), name)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LazyPattern):
            other = other.compiled()
        return self.compiled() == other

    def __hash__(self) -> int:
        return hash(self.compiled())

    def __reduce__(self):
        return (re.compile, (self.pattern, self.flags))


class _LexiconUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str):
        if (module, name) == ("re", "_compile"):
            return LazyPattern
        if module == lexicon_module.__name__:
            found = getattr(lexicon_module, name, None)
            if isinstance(found, type) and dataclasses.is_dataclass(found):
                return found
        elif (module, name) in _ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not part of a lexicon")


def lexicon_key(resources: Resources) -> bytes:
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(resources.ontology_files()):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest().encode()


def kept_lexicon(ws: Workspace, resources: Resources) -> Lexicon | None:
    """build/lexicon.pickle when it was made from the current ontology files, else None."""
    key = lexicon_key(resources)
    try:
        data = (ws.build_dir / "lexicon.pickle").read_bytes()
        if data[:len(key)] == key:
            found = _LexiconUnpickler(io.BytesIO(data[len(key):])).load()
            if isinstance(found, Lexicon):
                return found
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError, ValueError, IndexError):
        pass  # none yet, or unreadable: made again
    return None


def cached_lexicon(ws: Workspace, resources: Resources) -> Lexicon:
    """The lexicon of the current ontology: the kept one, else parsed again and kept (when build/
    exists; the caller holds the workspace lock)."""
    lex = kept_lexicon(ws, resources)
    if lex is None:
        lex = load_lexicon(resources)
        keep_lexicon(ws, resources, lex)
    return lex


def keep_lexicon(ws: Workspace, resources: Resources, lex: Lexicon, key: bytes | None = None) -> None:
    """Keep the lexicon of the current ontology in build/ (a build does, so the first write finds it)."""
    if ws.build_dir.is_dir():
        atomic_write(ws.build_dir / "lexicon.pickle",
                     (key or lexicon_key(resources)) + pickle.dumps(lex, protocol=pickle.HIGHEST_PROTOCOL))
