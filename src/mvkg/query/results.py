"""A query's result in the standard serialisations of the SPARQL 1.1 protocol: SELECT and ASK
as SPARQL Results JSON, XML, CSV and TSV (W3C Recommendations of 2013-03-21), CONSTRUCT
and DESCRIBE as Turtle, N-Triples, RDF/XML or JSON-LD. Values are written exactly as they
are in the graph: these are machine formats, so the spreadsheet-formula guard of the CLI's
CSV (`sparql.safe_cell`) is not applied."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from mvkg.kernel.namespaces import PREFIXES
from mvkg.query.sparql import QueryResult

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


@dataclass(frozen=True)
class Format:
    name: str  # the short name a `format=` parameter may give
    media_type: str
    kinds: tuple[str, ...]  # the result kinds it can carry: select, ask, graph
    aliases: tuple[str, ...] = ()  # other media types that ask for it


FORMATS = (
    Format("json", "application/sparql-results+json", ("select", "ask"), ("application/json", "text/javascript")),
    Format("xml", "application/sparql-results+xml", ("select", "ask"), ("application/xml", "text/xml")),
    Format("csv", "text/csv", ("select",)),
    Format("tsv", "text/tab-separated-values", ("select",)),
    Format("turtle", "text/turtle", ("graph",), ("application/x-turtle",)),
    Format("ntriples", "application/n-triples", ("graph",), ("text/plain",)),
    Format("rdfxml", "application/rdf+xml", ("graph",)),
    Format("jsonld", "application/ld+json", ("graph",)),
)
DEFAULT = {"select": "json", "ask": "json", "graph": "turtle"}
_SHORT = {"ttl": "turtle", "n3": "turtle", "nt": "ntriples", "n-triples": "ntriples", "rdf": "rdfxml", "json-ld": "jsonld"}
_GRAPH_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES,
                  "rdfxml": ox.RdfFormat.RDF_XML, "jsonld": ox.RdfFormat.JSON_LD}


def format_named(name: str) -> Format | None:
    """The format a `format=` value names: a short name (json, xml, csv, tsv, turtle, ttl,
    ntriples, nt, rdfxml, jsonld) or a media type."""
    key = name.strip().lower()
    key = _SHORT.get(key, key)
    for f in FORMATS:
        if key in (f.name, f.media_type) or key in f.aliases:
            return f
    return None


def serialize(result: QueryResult, fmt: Format) -> bytes:
    if result.kind == "graph":
        return ox.serialize(result.triples, format=_GRAPH_FORMATS[fmt.name],
                            prefixes=dict(PREFIXES) if fmt.name == "turtle" else None) or b""
    if fmt.name == "json":
        return _json(result)
    if fmt.name == "xml":
        return _xml(result)
    if fmt.name == "csv":
        return _csv(result)
    return _tsv(result)


def _json_term(term: object) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    assert isinstance(term, ox.Literal)
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value not in (_XSD_STRING, _LANG_STRING):
        out["datatype"] = term.datatype.value
    return out


def _json(result: QueryResult) -> bytes:
    if result.kind == "ask":
        body: dict = {"head": {}, "boolean": bool(result.boolean)}
    else:
        bindings = [{c: _json_term(t) for c, t in zip(result.columns, row) if t is not None} for row in result.rows]
        body = {"head": {"vars": list(result.columns)}, "results": {"bindings": bindings}}
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


def _xml_term(term: object) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    assert isinstance(term, ox.Literal)
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
    if term.datatype.value in (_XSD_STRING, _LANG_STRING):
        return f"<literal>{escape(term.value)}</literal>"
    return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"


def _xml(result: QueryResult) -> bytes:
    out = ['<?xml version="1.0" encoding="utf-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n']
    if result.kind == "ask":
        out.append(f"<head/>\n<boolean>{'true' if result.boolean else 'false'}</boolean>\n</sparql>\n")
        return "".join(out).encode("utf-8")
    out.append("<head>" + "".join(f"<variable name={quoteattr(c)}/>" for c in result.columns) + "</head>\n<results>\n")
    for row in result.rows:
        cells = "".join(f"<binding name={quoteattr(c)}>{_xml_term(t)}</binding>"
                        for c, t in zip(result.columns, row) if t is not None)
        out.append(f"<result>{cells}</result>\n")
    out.append("</results>\n</sparql>\n")
    return "".join(out).encode("utf-8")


def _csv_value(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(getattr(term, "value", term))


def _csv(result: QueryResult) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(result.columns)
    writer.writerows([_csv_value(t) for t in row] for row in result.rows)
    return buf.getvalue().encode("utf-8")


def _tsv(result: QueryResult) -> bytes:
    """Terms in their Turtle/N-Triples form (tabs and line breaks inside literals escaped)."""
    lines = ["\t".join(f"?{c}" for c in result.columns)]
    lines += ["\t".join("" if t is None else str(t) for t in row) for row in result.rows]
    return ("\n".join(lines) + "\n").encode("utf-8")
