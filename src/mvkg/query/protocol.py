"""The SPARQL 1.1 Protocol (W3C Recommendation, 2013-03-21), query operation only, over any
way of running a bounded query: which request is a query (GET with `query=`, POST of a form,
POST of `application/sparql-query`), which are refused (updates: 403; anything else the
protocol does not define: 400, 405 or 415), which result format the client gets (the
`format=` parameter, else its Accept header: 406 when none fits), and the status a refused
query or a limit gives. The HTTP server itself is an adapter (`mvkg.serve`); this module
knows nothing of sockets, so it is tested without one."""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass

from mvkg.kernel.errors import MvkgError
from mvkg.query.results import DEFAULT, FORMATS, Format, format_named, serialize
from mvkg.query.sparql import QueryLimits, QueryResult

QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"
FORM_TYPE = "application/x-www-form-urlencoded"
MAX_FIELDS = 100  # parameters per request
READ_ONLY = "this endpoint is read-only: SPARQL updates are refused"


@dataclass(frozen=True)
class Request:
    method: str
    query_string: str  # the raw query part of the URL
    content_type: str = ""
    body: bytes = b""
    accept: str = ""


@dataclass(frozen=True)
class Response:
    status: int
    content_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()


class ProtocolError(MvkgError):
    """A request the protocol endpoint refuses, with its HTTP status."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def error(status: int, message: str, headers: tuple[tuple[str, str], ...] = ()) -> Response:
    """A refusal: one line of plain text."""
    line = " ".join(message.split())
    return Response(status, "text/plain; charset=utf-8", (line + "\n").encode("utf-8"), headers)


def _params(text: str) -> list[tuple[str, str]]:
    try:
        return urllib.parse.parse_qsl(text, keep_blank_values=True, strict_parsing=False, encoding="utf-8",
                                      errors="strict", max_num_fields=MAX_FIELDS)
    except (ValueError, UnicodeDecodeError):
        raise ProtocolError(400, f"the request's parameters are not valid UTF-8 form data (at most {MAX_FIELDS})") from None


def operation(req: Request) -> tuple[str, Format | None]:
    """The query text of a protocol request and the format its `format=` parameter asks for."""
    params = _params(req.query_string)
    mime = req.content_type.split(";", 1)[0].strip().lower()
    if req.method == "POST":
        if mime == UPDATE_TYPE:
            raise ProtocolError(403, READ_ONLY)
        if mime == FORM_TYPE:
            try:
                params += _params(req.body.decode("utf-8"))
            except UnicodeDecodeError:
                raise ProtocolError(400, "the form is not valid UTF-8") from None
        elif mime == QUERY_TYPE:
            if any(k == "query" for k, _ in params):
                raise ProtocolError(400, "a POST of application/sparql-query carries the query in its body, not in ?query=")
            try:
                params.append(("query", req.body.decode("utf-8")))
            except UnicodeDecodeError:
                raise ProtocolError(400, "the query is not valid UTF-8") from None
        else:
            raise ProtocolError(415, f"a query is POSTed as {FORM_TYPE} or {QUERY_TYPE}, not {mime or 'no content type'}")
    elif req.method != "GET":
        raise ProtocolError(405, f"{req.method} is not allowed: use GET or POST")
    names = [k for k, _ in params]
    if "update" in names:
        raise ProtocolError(403, READ_ONLY)
    if {"default-graph-uri", "named-graph-uri"} & set(names):
        raise ProtocolError(400, "default-graph-uri and named-graph-uri are not supported: the default graph is the "
                                 "union of all graphs; name graphs with FROM or FROM NAMED in the query")
    queries = [v for k, v in params if k == "query"]
    if len(queries) != 1:
        raise ProtocolError(400, "give exactly one SPARQL query: ?query=… (GET), a form field query (POST), or a "
                                 f"body of type {QUERY_TYPE}")
    formats = set()
    for value in (v for k, v in params if k == "format"):  # a client may repeat it (SPARQLWrapper: tsv and its type)
        found = format_named(value)
        if found is None:
            known = ", ".join(f.name for f in FORMATS)
            raise ProtocolError(400, f"unknown format {value[:60]!r}; known: {known} (or their media types)")
        formats.add(found)
    if len(formats) > 1:
        raise ProtocolError(400, "the format= parameters ask for different formats")
    fmt = formats.pop() if formats else None
    return queries[0], fmt


def _accepted(header: str) -> list[str]:
    """The media ranges of an Accept header, most preferred first (q=0 ranges dropped)."""
    ranked = []
    for order, part in enumerate(header.split(",")):
        media, *options = (p.strip() for p in part.split(";"))
        q = 1.0
        for option in options:
            key, _, value = option.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if media and q > 0:
            specific = 0 if media == "*/*" else 1 if media.endswith("/*") else 2
            ranked.append((-q, -specific, order, media.lower()))
    return [media for *_, media in sorted(ranked)]


def negotiate(kind: str, accept: str, explicit: Format | None) -> Format:
    """The format for a result of this kind (select, ask, graph): `explicit` if it can carry
    it, else the most preferred acceptable one (the default for */* or no Accept header)."""
    default = format_named(DEFAULT[kind])
    assert default is not None
    if explicit is not None:
        if kind == "graph" and explicit.name in ("xml", "json"):  # format=xml / json on a graph: RDF/XML, JSON-LD
            explicit = format_named("rdfxml" if explicit.name == "xml" else "jsonld")
            assert explicit is not None
        if kind not in explicit.kinds:
            raise ProtocolError(406, f"a {kind.upper() if kind != 'graph' else 'CONSTRUCT or DESCRIBE'} result cannot "
                                     f"be given as {explicit.name}; use one of {_names(kind)}")
        return explicit
    ranges = _accepted(accept) if accept.strip() else ["*/*"]
    for media in ranges:
        if media == "*/*":
            return default
        if media.endswith("/*"):
            fitting = [f for f in FORMATS if kind in f.kinds and f.media_type.startswith(media[:-1])]
            if fitting:
                return default if default in fitting else fitting[0]
            continue
        found = format_named(media)
        if found is not None and kind in found.kinds:
            return found
    raise ProtocolError(406, f"none of the accepted media types fits this result; available: {_names(kind)}")


def _names(kind: str) -> str:
    return ", ".join(f"{f.name} ({f.media_type})" for f in FORMATS if kind in f.kinds)


def answer(req: Request, run: Callable[[str], QueryResult], limits: QueryLimits) -> Response:
    """The whole exchange: the query of the request, run by `run` (which applies the guard
    and the limits), in the format the client asked for."""
    try:
        query, explicit = operation(req)
        result = run(query)
        if result.limit_hit in ("time", "memory"):
            what = f"{limits.seconds:g} s" if result.limit_hit == "time" else f"{limits.memory_mb} MB"
            return error(503, f"the {result.limit_hit} limit ({what}) stopped the query; simplify it or add a LIMIT")
        fmt = negotiate(result.kind, req.accept, explicit)
        body = serialize(result, fmt)
    except ProtocolError as exc:
        extra = (("Allow", "GET, POST, OPTIONS"),) if exc.status == 405 else ()
        return error(exc.status, exc.message, extra)
    except MvkgError as exc:  # the guard refused the query, or it failed in the engine
        return error(400, exc.message)
    headers: tuple[tuple[str, str], ...] = ()
    if result.limit_hit == "row":  # partial, as the CLI prints it, and said so
        headers = (("MVKG-Result-Truncated", f"rows={limits.rows}"),)
    content_type = fmt.media_type + ("; charset=utf-8" if fmt.name not in ("json", "jsonld") else "")
    return Response(200, content_type, body, headers)
