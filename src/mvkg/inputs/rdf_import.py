"""The gate for RDF that analysts bring in (`mvkg import-rdf`): parsed strictly by Oxigraph
with an explicit base IRI, size and nesting limits, no XML DOCTYPE or entities, no remote
JSON-LD contexts, and owl:imports removed before anything (owlready2 included) sees the
data. A bad file is rejected whole, with the line and the reason; nothing is written. No more
than the size limit is ever read, a UTF-8 byte-order mark is accepted, the nesting limit
covers RDF/XML elements and the markup of XML literals, and a file without triples is
refused (nothing would be imported)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from mvkg.ingest.readers import decode_text
from mvkg.kernel.errors import InputError
from mvkg.kernel.files import atomic_write
from mvkg.kernel.namespaces import slugify
from mvkg.kernel.workspace import Workspace

FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".nq": ox.RdfFormat.N_QUADS,
           ".trig": ox.RdfFormat.TRIG, ".rdf": ox.RdfFormat.RDF_XML, ".owl": ox.RdfFormat.RDF_XML,
           ".xml": ox.RdfFormat.RDF_XML, ".jsonld": ox.RdfFormat.JSON_LD}
UPLOAD_BASE = "https://w3id.org/mvkg/upload/"  # relative IRIs resolve here, never against a path
OWL_IMPORTS = "http://www.w3.org/2002/07/owl#imports"
_LINE = re.compile(r"line (\d+)")
_BOM = b"\xef\xbb\xbf"
_MARKUP_DATATYPES = ("http://www.w3.org/1999/02/22-rdf-syntax-ns#XMLLiteral",
                     "http://www.w3.org/1999/02/22-rdf-syntax-ns#HTML")
# a comment, CDATA, a processing instruction or declaration, or a tag (attribute values may hold '>')
_MARKUP = re.compile(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<[?!][^>]*>|<(/?)[^\s<>/!?](?:\"[^\"]*\"|'[^']*'|[^<>\"'])*?(/?)>",
                     re.DOTALL)


@dataclass(frozen=True)
class UploadLimits:
    max_bytes: int = 20 * 1024 * 1024
    max_depth: int = 64  # nesting of [ ], ( ) in Turtle/TriG, of { } [ ] in JSON-LD
    max_triples: int = 1_000_000


@dataclass(frozen=True)
class Checked:
    triples: tuple[ox.Triple, ...]
    removed_imports: tuple[str, ...]


def nesting_depth(text: str, opening: str, closing: str) -> int:
    """Deepest bracket nesting outside strings, IRIs and comments (a cheap pre-scan that
    keeps a hostile file from driving a recursive parser deep)."""
    depth = deepest = 0
    quote = None
    i = 0
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 2
                continue
            if ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch == "<" and opening != "{[":
            end = text.find(">", i)
            i = end if end > i else i
        elif ch == "#" and opening != "{[":
            end = text.find("\n", i)
            i = end if end > i else len(text)
        elif ch in opening:
            depth += 1
            deepest = max(deepest, depth)
        elif ch in closing:
            depth -= 1
        i += 1
    return deepest


def markup_depth(text: str) -> int:
    """Deepest element nesting of XML (or HTML) markup, found by a flat scan of its tags:
    no recursive parser is driven by a hostile document."""
    depth = deepest = 0
    for m in _MARKUP.finditer(text):
        if m.group(1) is None:
            continue  # comment, CDATA, declaration
        if m.group(1):
            depth -= 1
        elif not m.group(2):
            depth += 1
            deepest = max(deepest, depth)
    return deepest


def read_limited(path: Path, max_bytes: int = UploadLimits.max_bytes) -> bytes:
    """A file's bytes, reading at most max_bytes + 1: a larger file is refused unread."""
    try:
        with path.open("rb") as fh:
            data = fh.read(max_bytes + 1)
    except FileNotFoundError:
        raise InputError("no such file", path=path) from None
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}", path=path) from None
    if len(data) > max_bytes:
        raise InputError(f"file is larger than the limit of {max_bytes} bytes", path=path)
    return data


def _check_markup(text: str, fmt: ox.RdfFormat, name: str, limits: UploadLimits) -> None:
    if fmt != ox.RdfFormat.RDF_XML:
        return
    declaration = re.search(r"<!(DOCTYPE|ENTITY)", text, re.I)
    if declaration is not None:
        raise InputError("XML DOCTYPE and entity declarations are not accepted (external entities and entity "
                         "expansion are refused)", path=name, line=text[: declaration.start()].count("\n") + 1)
    depth = markup_depth(text)
    if depth > limits.max_depth:
        raise InputError(f"XML elements nest {depth} deep; the limit is {limits.max_depth}", path=name)


def _check_literals(quads: list, name: str, limits: UploadLimits) -> None:
    """XML and HTML literals are read as markup by rdflib (and so by pyshacl): their nesting
    is limited like the file's."""
    for q in quads:
        o = q.object
        if isinstance(o, ox.Literal) and o.datatype.value in _MARKUP_DATATYPES:
            depth = markup_depth(o.value)
            if depth > limits.max_depth:
                raise InputError(f"an XML literal nests {depth} elements deep; the limit is {limits.max_depth}",
                                 path=name)


def check_rdf(data: bytes, name: str, limits: UploadLimits = UploadLimits()) -> Checked:
    suffix = Path(name).suffix.lower()
    if suffix not in FORMATS:
        raise InputError(f"unsupported RDF file type {suffix!r}; expected one of {', '.join(sorted(FORMATS))}", path=name)
    if len(data) > limits.max_bytes:
        raise InputError(f"file is {len(data)} bytes; the limit is {limits.max_bytes}", path=name)
    data = data.removeprefix(_BOM)  # a byte-order mark is allowed at the start of UTF-8 text
    text = decode_text(data, name, allow_nul=True)  # RDF literals may hold any character
    fmt = FORMATS[suffix]
    _check_markup(text, fmt, name, limits)
    brackets = ("{[", "}]") if fmt == ox.RdfFormat.JSON_LD else ("[(", "])")
    depth = nesting_depth(text, *brackets)
    if depth > limits.max_depth:
        raise InputError(f"nesting {depth} deep; the limit is {limits.max_depth}", path=name)
    try:
        quads = list(ox.parse(data, format=fmt, base_iri=UPLOAD_BASE))
    except SyntaxError as exc:
        message = str(exc)
        m = _LINE.search(message)
        raise InputError(f"not valid {fmt.name}: {message}", path=name, line=int(m.group(1)) if m else None) from None
    if len(quads) > limits.max_triples:
        raise InputError(f"{len(quads)} triples; the limit is {limits.max_triples}", path=name)
    _check_literals(quads, name, limits)
    kept, removed = [], []
    for q in quads:
        if q.predicate.value == OWL_IMPORTS:
            removed.append(str(q.object.value))
        else:
            kept.append(ox.Triple(q.subject, q.predicate, q.object))
    return Checked(tuple(kept), tuple(removed))


def import_rdf(ws: Workspace, path: Path, name: str | None = None, limits: UploadLimits = UploadLimits()) -> tuple[Path, Checked]:
    """Check an RDF file and store it as data/extra/NAME.nt (loaded by `mvkg build` into its
    own named graph); nothing is written when the file is rejected."""
    checked = check_rdf(read_limited(path, limits.max_bytes), str(path), limits)
    if not checked.triples:
        removed = " (only owl:imports, which are removed)" if checked.removed_imports else ""
        raise InputError(f"the file holds no triples{removed}; nothing was imported", path=path)
    slug = slugify(name or path.stem)
    if not slug:
        raise InputError("give the import a name of letters and digits (--name)")
    target = ws.extra_dir / f"{slug}.nt"
    body = "".join(f"{t} .\n" for t in checked.triples)
    atomic_write(target, body.encode("utf-8"))
    return target, checked
