"""HTML documentation of the ontology: one page for the classes and properties, one for each
concept scheme (themes, topics, actors, verbs, SDGs) and one for the small value schemes.
Every term shows its label, IRI, definition, notes, examples and sources, its place in the
hierarchy, and where it is used: the shapes and queries that name it, the ontology terms that
refer to it and, for themes and topics, the catalogue entries that carry it. Self-contained
pages: no scripts, no external assets; all text from the ontology is escaped. `make docs`
writes them as files (tools/ontology_docs.py); the app's Ontology page shows the same pages
(`app_body`)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import TypeGuard

from rdflib import OWL, RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from mvkg.graph.build import load_lexicon
from mvkg.inputs.catalogue import load_catalogue
from mvkg.kernel.namespaces import MVKG, SKOS
from mvkg.kernel.resources import Resources
from mvkg.kernel.workspace import Workspace

DCTERMS = Namespace("http://purl.org/dc/terms/")
OWN = "https://w3id.org/mvkg/"
PAGES = {MVKG.ThemeScheme: "themes", MVKG.TopicScheme: "topics", MVKG.ActorScheme: "actors",
         MVKG.VerbScheme: "verbs", URIRef("http://metadata.un.org/sdg"): "sdgs"}
VALUES_PAGE = "values"
PROPERTY_KINDS = ((OWL.ObjectProperty, "Object properties"), (OWL.DatatypeProperty, "Data properties"),
                  (OWL.AnnotationProperty, "Annotation properties"))
SOURCES = (MVKG.source, DCTERMS.source, RDFS.seeAlso)
STYLE = """body{font:15px/1.45 system-ui,sans-serif;max-width:70em;margin:1em auto;padding:0 1em;color:#222}
h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;margin-top:2em}h3{margin:1.6em 0 .3em}
code{background:#f4f4f4;padding:0 .2em}dl{margin:.3em 0 0 1em}dt{font-weight:600;float:left;clear:left;width:9em}
dd{margin:0 0 .2em 10em}nav a{margin-right:1em}.term{border-left:3px solid #ddd;padding-left:.8em}
ul.tree{margin:.2em 0}"""


@dataclass(frozen=True)
class Page:
    name: str  # file name without .html
    title: str
    html: str


@dataclass
class Usage:
    """Where each term is used, by IRI."""

    files: dict[URIRef, list[str]] = field(default_factory=lambda: defaultdict(list))
    entries: dict[URIRef, list[str]] = field(default_factory=lambda: defaultdict(list))


def load_published(resources: Resources) -> Graph:
    g = Graph()
    for path in resources.ontology_files():
        g.parse(path, format="turtle")
    return g


def usage_in_files(g: Graph, paths: Iterable[Path], root: Path) -> dict[URIRef, list[str]]:
    """For every own term, the shapes and query files that name it (full IRI or prefixed)."""
    prefixes = {str(ns): p for p, ns in g.namespaces() if str(ns).startswith(OWN)}
    texts = {str(p.relative_to(root)): p.read_text(encoding="utf-8") for p in paths}
    found: dict[URIRef, list[str]] = defaultdict(list)
    terms = {s for s in g.subjects() if isinstance(s, URIRef) and str(s).startswith(OWN)}
    for term in terms:
        ns, local = _split(term)
        forms = [re.escape(f"<{term}>")]
        if ns in prefixes and local:
            forms.append(rf"(?<![\w:-]){re.escape(prefixes[ns])}:{re.escape(local)}(?![\w-])")
        rx = re.compile("|".join(forms))
        found[term] = sorted(name for name, text in texts.items() if rx.search(text))
    return found


def _split(term: URIRef) -> tuple[str, str]:
    s = str(term)
    cut = max(s.rfind("#"), s.rfind("/")) + 1
    return s[:cut], s[cut:]


def document(resources: Resources, entries: Iterable[tuple[str, Iterable[str]]] = ()) -> list[Page]:
    """All pages for the shipped ontology; `entries` are (catalogue id, theme and topic IRIs)
    pairs, so that each theme and topic lists the entries that carry it."""
    g = load_published(resources)
    paths = [*sorted(resources.shapes.glob("*.ttl")), *sorted(resources.queries.rglob("*.rq"))]
    usage = Usage(files=usage_in_files(g, paths, resources.root))
    for entry_id, concepts in entries:
        for c in concepts:
            usage.entries[URIRef(c)].append(entry_id)
    return build_pages(g, usage)


def workspace_pages(resources: Resources, ws: Workspace) -> list[Page]:
    """All pages, with the catalogue entries of the workspace `ws` under their themes and topics."""
    entries = [(e.id, (*e.themes, *e.topics)) for e in load_catalogue(ws, load_lexicon(resources))]
    return document(resources, entries)


_PAGE_LINK = re.compile(r'href="(\w+)\.html(#[^"]*)?"')


def app_body(page: Page) -> str:
    """The page as the app shows it inside one of its own pages: the body only (the app's
    stylesheet applies), and links to another page as `?doc=NAME#anchor`, which the app's
    Ontology page reads to show that page."""
    body = page.html.split("<body>", 1)[1].rsplit("</body>", 1)[0]
    return _PAGE_LINK.sub(lambda m: f'href="?doc={m.group(1)}{m.group(2) or ""}"', body)


def build_pages(g: Graph, usage: Usage) -> list[Page]:
    schemes = sorted((s for s in g.subjects(RDF.type, SKOS.ConceptScheme) if isinstance(s, URIRef)), key=str)
    pages = [_ontology_page(g, usage)]
    for scheme in schemes:
        if scheme in PAGES:
            pages.append(_page(PAGES[scheme], _label(g, scheme), _scheme_section(g, scheme, usage)))
    small = [s for s in schemes if s not in PAGES]
    pages.append(_page(VALUES_PAGE, "Value schemes", "".join(_scheme_section(g, s, usage, level=2) for s in small)))
    pages.insert(0, _index_page(g, pages))
    return pages


def write_pages(pages: list[Page], out_dir: Path, write) -> list[Path]:
    """Write each page with `write(path, bytes)` (an atomic writer); return the paths."""
    out = []
    for page in pages:
        path = out_dir / f"{page.name}.html"
        write(path, page.html.encode("utf-8"))
        out.append(path)
    return out


# ---------------------------------------------------------------- pages


def _page(name: str, title: str, body: str) -> Page:
    nav = " ".join(f'<a href="{p}.html">{t}</a>' for p, t in (("index", "Index"), ("ontology", "Classes and properties"),
                   ("themes", "Themes"), ("topics", "Topics"), ("actors", "Actors"), ("verbs", "Verbs"), ("sdgs", "SDGs"),
                   (VALUES_PAGE, "Value schemes")))
    return Page(name, title, f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(title)} — mvkg ontology</title>
<style>{STYLE}</style></head><body><nav>{nav}</nav><h1>{escape(title)}</h1>
{body}</body></html>
""")


def _index_page(g: Graph, pages: list[Page]) -> Page:
    rows = []
    for header in sorted(g.subjects(RDF.type, OWL.Ontology), key=str):
        rows.append(f"<h3>{escape(_text(g, header, DCTERMS.title) or str(header))}</h3><dl>"
                    + _dd("IRI", _code(header)) + _dd("Version", escape(_text(g, header, OWL.versionInfo)))
                    + _dd("Version IRI", _links(g.objects(header, OWL.versionIRI)))
                    + _dd("Prior version", _links(g.objects(header, OWL.priorVersion)))
                    + _dd("Description", escape(_text(g, header, DCTERMS.description)))
                    + _dd("Created", escape(_text(g, header, DCTERMS.created)))
                    + _dd("Modified", escape(_text(g, header, DCTERMS.modified)))
                    + _dd("Licence", _links(g.objects(header, DCTERMS.license))) + "</dl>")
    listing = "".join(f'<li><a href="{p.name}.html">{escape(p.title)}</a></li>' for p in pages)
    return _page("index", "mvkg ontology", f"<p>Generated from <code>ontology/*.ttl</code>.</p><ul>{listing}</ul>"
                 "<h2>Files</h2>" + "".join(rows))


def _ontology_page(g: Graph, usage: Usage) -> Page:
    classes = sorted((c for c in g.subjects(RDF.type, OWL.Class) if _own(c)), key=lambda c: _label(g, c).lower())
    parts = ["<h2>Classes</h2>", _toc(g, classes), *(_class(g, c, usage) for c in classes)]
    for kind, title in PROPERTY_KINDS:
        props = sorted((p for p in g.subjects(RDF.type, kind) if _own(p)), key=lambda p: _label(g, p).lower())
        parts += [f"<h2>{title}</h2>", _toc(g, props), *(_property(g, p, usage) for p in props)]
    return _page("ontology", "Classes and properties", "".join(parts))


def _scheme_section(g: Graph, scheme: URIRef, usage: Usage, level: int = 1) -> str:
    members = sorted(_iris(g.subjects(SKOS.inScheme, scheme)), key=lambda c: _label(g, c).lower())
    tops = sorted(_iris(g.objects(scheme, SKOS.hasTopConcept)), key=lambda c: _label(g, c).lower())
    head = f"<h2 id=\"{_anchor(scheme)}\">{escape(_label(g, scheme))}</h2>" if level == 2 else ""
    intro = f"<p>{escape(_text(g, scheme, SKOS.definition))}</p><p>Scheme {_code(scheme)}, {len(members)} concepts.</p>"
    tree = "<ul class=\"tree\">" + "".join(_tree(g, t, scheme, set()) for t in tops) + "</ul>"
    return head + intro + tree + "".join(_concept(g, c, usage) for c in members)


# ---------------------------------------------------------------- terms


def _class(g: Graph, c: URIRef, usage: Usage) -> str:
    rows = _common(g, c)
    rows += _dd("Subclass of", _terms(g, (p for p in g.objects(c, RDFS.subClassOf))))
    rows += _dd("Subclasses", _terms(g, g.subjects(RDFS.subClassOf, c)))
    rows += _dd("Equivalent to", _terms(g, g.objects(c, OWL.equivalentClass)))
    rows += _dd("Disjoint with", _terms(g, _disjoint_with(g, c)))
    rows += _dd("Domain of", _terms(g, g.subjects(RDFS.domain, c)))
    rows += _dd("Range of", _terms(g, g.subjects(RDFS.range, c)))
    rows += _dd("Instances", str(len(set(g.subjects(RDF.type, c)))) if (None, RDF.type, c) in g else "")
    return _block(g, c, rows + _used(c, usage))


def _property(g: Graph, p: URIRef, usage: Usage) -> str:
    rows = _common(g, p)
    traits = [_label(g, t) for t in g.objects(p, RDF.type) if t not in (OWL.ObjectProperty, OWL.DatatypeProperty,
                                                                         OWL.AnnotationProperty)]
    rows += _dd("Characteristics", escape(", ".join(sorted(traits))))
    rows += _dd("Sub-property of", _terms(g, g.objects(p, RDFS.subPropertyOf)))
    rows += _dd("Domain", _terms(g, g.objects(p, RDFS.domain)))
    rows += _dd("Range", _terms(g, g.objects(p, RDFS.range)))
    return _block(g, p, rows + _used(p, usage))


def _concept(g: Graph, c: URIRef, usage: Usage) -> str:
    rows = _common(g, c)
    rows += _dd("Notation", escape(", ".join(sorted(str(n) for n in g.objects(c, SKOS.notation)))))
    rows += _dd("Also called", escape("; ".join(sorted({str(x) for x in g.objects(c, SKOS.altLabel)}))))
    rows += _dd("Type", _terms(g, (t for t in g.objects(c, RDF.type) if t not in (OWL.NamedIndividual, SKOS.Concept))))
    for prop, name in ((SKOS.broader, "Broader"), (SKOS.narrower, "Narrower"), (SKOS.related, "Related"),
                       (MVKG.partOf, "Part of"), (MVKG.hasStrength, "Strength"), (MVKG.succeededBy, "Succeeded by")):
        rows += _dd(name, _terms(g, g.objects(c, prop)))
    matches = [o for p in (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch) for o in g.objects(c, p)]
    rows += _dd("Matches", _terms(g, matches))
    if (c, MVKG.coverageRelevant, Literal(True)) in g:
        rows += _dd("Coverage", "counts for theme completeness (mvkg:coverageRelevant)")
    entries = usage.entries.get(c, [])
    rows += _dd("Catalogue entries", escape(f"{len(entries)}: " + "; ".join(entries[:12]) + (" …" if len(entries) > 12 else ""))
                if entries else "")
    return _block(g, c, rows + _used(c, usage))


def _common(g: Graph, t: URIRef) -> str:
    return (_dd("IRI", _code(t)) + _dd("Definition", escape(_text(g, t, SKOS.definition)))
            + _dd("Scope note", escape(" ".join(str(x) for x in g.objects(t, SKOS.scopeNote))))
            + _dd("Note", escape(" ".join(str(x) for x in g.objects(t, SKOS.note))))
            + _dd("Example", escape(" ".join(str(x) for x in g.objects(t, SKOS.example))))
            + _dd("Sources", _links(o for p in SOURCES for o in g.objects(t, p))))


def _used(t: URIRef, usage: Usage) -> str:
    files = usage.files.get(t, [])
    return _dd("Used in", ", ".join(f"<code>{escape(f)}</code>" for f in files))


def _block(g: Graph, t: URIRef, rows: str) -> str:
    return f'<div class="term" id="{_anchor(t)}"><h3>{escape(_label(g, t))}</h3><dl>{rows}</dl></div>'


def _tree(g: Graph, c: URIRef, scheme: URIRef, seen: set) -> str:
    if c in seen:
        return ""
    seen.add(c)
    kids = sorted((k for k in _iris(g.objects(c, SKOS.narrower)) if (k, SKOS.inScheme, scheme) in g),
                  key=lambda k: _label(g, k).lower())
    sub = "<ul>" + "".join(_tree(g, k, scheme, seen) for k in kids) + "</ul>" if kids else ""
    return f'<li><a href="#{_anchor(c)}">{escape(_label(g, c))}</a>{sub}</li>'


def _toc(g: Graph, terms: list[URIRef]) -> str:
    return "<p>" + " · ".join(f'<a href="#{_anchor(t)}">{escape(_label(g, t))}</a>' for t in terms) + "</p>"


def _disjoint_with(g: Graph, c: URIRef) -> set[Node]:
    out = set(g.objects(c, OWL.disjointWith)) | set(g.subjects(OWL.disjointWith, c))
    for node in g.subjects(RDF.type, OWL.AllDisjointClasses):
        head = g.value(node, OWL.members)
        members = list(Collection(g, head)) if head is not None else []
        if c in members:
            out |= set(members) - {c}
    return out


# ---------------------------------------------------------------- small helpers


def _own(t: Node) -> TypeGuard[URIRef]:
    return isinstance(t, URIRef) and str(t).startswith(OWN)


def _iris(nodes: Iterable[Node]) -> set[URIRef]:
    return {t for t in nodes if isinstance(t, URIRef)}


def _label(g: Graph, t: Node) -> str:
    for p in (RDFS.label, SKOS.prefLabel):
        values = [o for o in g.objects(t, p) if isinstance(o, Literal) and o.language in ("en", None)]
        if values:
            return str(sorted(values)[0])
    return g.namespace_manager.normalizeUri(t) if isinstance(t, URIRef) else "(anonymous)"


def _text(g: Graph, t: Node, p: URIRef) -> str:
    values = sorted(str(o) for o in g.objects(t, p))
    return values[0] if values else ""


def _anchor(t: URIRef) -> str:
    return re.sub(r"[^\w-]", "_", str(t).removeprefix(OWN))


def _page_of(g: Graph, t: URIRef) -> str:
    if (t, RDF.type, OWL.Class) in g or any((t, RDF.type, k) in g for k, _ in PROPERTY_KINDS):
        return "ontology"
    scheme = g.value(t, SKOS.inScheme)
    return PAGES.get(scheme, VALUES_PAGE) if isinstance(scheme, URIRef) else ""


def _terms(g: Graph, terms: Iterable[Node]) -> str:
    out = []
    for t in sorted(set(terms), key=str):
        if isinstance(t, URIRef) and (_own(t) or str(t).startswith("http://metadata.un.org/")) and _page_of(g, t):
            out.append(f'<a href="{_page_of(g, t)}.html#{_anchor(t)}">{escape(_label(g, t))}</a>')
        elif isinstance(t, URIRef):
            out.append(f"<code>{escape(g.namespace_manager.normalizeUri(t))}</code>")
        elif (union := g.value(t, OWL.unionOf)) is not None:
            out.append("(" + " or ".join(_terms(g, [x]) for x in Collection(g, union)) + ")")
        else:
            out.append("(class expression)")
    return ", ".join(out)


def _links(values: Iterable[Node]) -> str:
    out = []
    for v in sorted(set(values), key=str):
        s = str(v)
        if s.startswith(("http://", "https://")):
            out.append(f'<a href="{escape(s)}">{escape(s)}</a>')
        else:
            out.append(escape(s))
    return "; ".join(out)


def _code(t: Node) -> str:
    return f"<code>{escape(str(t))}</code>"


def _dd(name: str, value: str) -> str:
    return f"<dt>{escape(name)}</dt><dd>{value}</dd>" if value else ""
