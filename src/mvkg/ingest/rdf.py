"""Resolution records → RDF. IRIs are derived from codes, section headings and item
labels, never random, and no blank nodes are made, so two builds of the same input are
identical triple for triple."""

from __future__ import annotations

from decimal import Decimal

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef

from mvkg.ingest.quality import obligation_quality
from mvkg.kernel.lexicon import Lexicon
from mvkg.kernel.model import ObligationRecord, ResolutionRecord, SectionRecord, Span
from mvkg.kernel.namespaces import DCTERMS, ID, MVKG, PREFIXES, SDG, SKOS, slugify


def new_graph() -> Graph:
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    return g


def _int(n: int) -> Literal:
    return Literal(n, datatype=XSD.integer)


def _add_span(g: Graph, s: URIRef, span: Span, source: URIRef) -> None:
    g.add((s, MVKG.text, Literal(span.text)))
    g.add((s, MVKG.start, _int(span.start)))
    g.add((s, MVKG.end, _int(span.end)))
    g.add((s, MVKG.hasSourceDocument, source))


def _add_match(g: Graph, s: URIRef, span: Span) -> None:
    """The words that triggered a tag or reference, and where they are in the source."""
    g.add((s, MVKG.matchedText, Literal(span.text)))
    g.add((s, MVKG.start, _int(span.start)))
    g.add((s, MVKG.end, _int(span.end)))


def resolution_graph(rec: ResolutionRecord, lex: Lexicon) -> Graph:
    g = new_graph()
    res = URIRef(rec.iri)
    src = URIRef(rec.iri + "/source")
    meta = rec.meta
    g.add((res, RDF.type, MVKG.Resolution))
    g.add((res, MVKG.code, Literal(meta.code)))
    g.add((res, RDFS.label, Literal(meta.code)))
    if meta.title:
        g.add((res, DCTERMS.title, Literal(meta.title, lang="en")))
    if meta.proposer:
        g.add((res, MVKG.proposer, URIRef(meta.proposer)))
    for number in meta.document_numbers:
        g.add((res, MVKG.documentNumber, Literal(number)))
    if meta.date:
        g.add((res, MVKG.date, Literal(meta.date, datatype=XSD.date)))
    g.add((res, MVKG.status, MVKG[meta.status]))
    for code in meta.related:
        g.add((res, MVKG.relatedDraft, ID[slugify(code)]))
    g.add((res, MVKG.hasSourceDocument, src))
    g.add((src, RDF.type, MVKG.SourceDocument))
    g.add((src, MVKG.fileName, Literal(rec.source_file)))
    g.add((src, MVKG.sha256, Literal(rec.sha256)))
    g.add((src, MVKG.mediaType, Literal(rec.media_type)))
    g.add((src, RDFS.label, Literal(rec.source_file)))
    for iri, label in rec.minted_actors:
        g.add((URIRef(iri), RDF.type, MVKG.Actor))
        g.add((URIRef(iri), SKOS.prefLabel, Literal(label, lang="en")))
        g.add((URIRef(iri), SKOS.editorialNote, Literal(f"named in {meta.code}; not in ontology/actors.ttl", lang="en")))
    for iri, label in rec.minted_verbs:
        g.add((URIRef(iri), RDF.type, MVKG.DeclaratoryVerb))
        g.add((URIRef(iri), SKOS.prefLabel, Literal(label, lang="en")))
        g.add((URIRef(iri), SKOS.editorialNote, Literal(f"heading verb in {meta.code}; not in ontology/verbs.ttl", lang="en")))
    for ref in rec.preamble_sdgs:
        if ref.goal is not None:
            g.add((res, MVKG.sdg, SDG[str(ref.goal)]))
    for sec in rec.sections:
        s = URIRef(sec.iri)
        g.add((s, RDF.type, MVKG.OperativeSection if sec.operative else MVKG.PreambularSection))
        g.add((s, MVKG.inResolution, res))
        g.add((s, MVKG.order, _int(sec.order)))
        g.add((s, MVKG.heading, Literal(sec.heading)))
        g.add((s, RDFS.label, Literal(f"{meta.code} {sec.heading}")))
        g.add((s, MVKG.hasVerb, URIRef(sec.verb)))
        _add_span(g, s, sec.span, src)
        for a in sec.bearers:
            g.add((s, MVKG.bearer, URIRef(a)))
        for a in sec.collaborators:
            g.add((s, MVKG.collaborator, URIRef(a)))
    for cl in rec.clauses:
        c = URIRef(cl.iri)
        g.add((c, RDF.type, MVKG.Clause))
        g.add((c, MVKG.inResolution, res))
        g.add((c, MVKG.inSection, URIRef(cl.section)))
        g.add((c, MVKG.order, _int(cl.order)))
        g.add((c, MVKG.label, Literal(cl.label)))
        g.add((c, MVKG.itemPath, Literal(cl.path)))
        if cl.parent:
            g.add((c, MVKG.parentClause, URIRef(cl.parent)))
        _add_span(g, c, cl.span, src)
    quality = obligation_quality(rec, lex)
    sections = {s.iri: s for s in rec.sections}
    for ob in rec.obligations:
        _obligation(g, ob, res, src, rec, lex, sections[ob.section])
        q = quality[ob.iri]
        o = URIRef(ob.iri)
        g.add((o, MVKG.extractionConfidence, Literal(Decimal(str(q.confidence)), datatype=XSD.decimal)))
        for kind, message in q.warnings:
            g.add((o, MVKG.extractionWarning, Literal(f"{kind}: {message}")))
    return g


def _obligation(g: Graph, ob: ObligationRecord, res: URIRef, src: URIRef, rec: ResolutionRecord, lex: Lexicon,
                section: SectionRecord) -> None:
    o = URIRef(ob.iri)
    g.add((o, RDF.type, MVKG.Obligation))
    g.add((o, RDFS.label, Literal(" ".join(x for x in (rec.meta.code, section.heading, ob.item) if x))))
    g.add((o, MVKG.inResolution, res))
    g.add((o, MVKG.inSection, URIRef(ob.section)))
    g.add((o, MVKG.derivedFromClause, URIRef(ob.clause)))
    g.add((o, MVKG.itemPath, Literal(ob.item)))
    g.add((o, MVKG.modality, URIRef(ob.modality)))
    g.add((o, MVKG.hasStrength, MVKG[ob.strength]))
    g.add((o, MVKG.implicitBearer, Literal(ob.implicit_bearer)))
    g.add((o, MVKG.action, Literal(ob.action)))
    _add_span(g, o, ob.span, src)
    for a in ob.bearers:
        g.add((o, MVKG.bearer, URIRef(a)))
    for a in ob.collaborators:
        g.add((o, MVKG.collaborator, URIRef(a)))
    if ob.condition:
        g.add((o, MVKG.condition, Literal(ob.condition.text)))
    if ob.deadline:
        g.add((o, MVKG.deadline, Literal(ob.deadline.text)))
    for lead in ob.lead_in:
        g.add((o, MVKG.leadIn, Literal(lead.text)))
    for tag in ob.tags:
        prop = MVKG.hasTheme if tag.concept in lex.themes else MVKG.hasTopic
        g.add((o, prop, URIRef(tag.concept)))
        concepts = lex.themes if tag.concept in lex.themes else lex.topics
        ev = URIRef(f"{ob.iri}/tag/{concepts[tag.concept].notation}")
        g.add((o, MVKG.hasTagEvidence, ev))
        g.add((ev, RDF.type, MVKG.TagEvidence))
        g.add((ev, MVKG.concept, URIRef(tag.concept)))
        _add_match(g, ev, tag.span)
    for tag in ob.suggested:  # themes named in the text that ingest does not assert
        g.add((o, MVKG.suggestedTheme, URIRef(tag.concept)))
        ev = URIRef(f"{ob.iri}/suggested/{lex.themes[tag.concept].notation}")
        g.add((o, MVKG.hasSuggestionEvidence, ev))
        g.add((ev, RDF.type, MVKG.TagEvidence))
        g.add((ev, MVKG.concept, URIRef(tag.concept)))
        g.add((ev, MVKG.tagConfidence, Literal(Decimal(str(tag.confidence)), datatype=XSD.decimal)))
        _add_match(g, ev, tag.span)
    for ref in ob.sdg_refs:
        r = URIRef(f"{ob.iri}/sdg/{ref.goal if ref.goal else 'generic'}-{ref.span.start}")
        g.add((o, MVKG.hasSdgReference, r))
        g.add((r, RDF.type, MVKG.SdgReference))
        g.add((r, MVKG.generic, Literal(ref.goal is None)))
        _add_match(g, r, ref.span)
        if ref.goal is not None:
            g.add((r, MVKG.goal, SDG[str(ref.goal)]))
            g.add((o, MVKG.sdg, SDG[str(ref.goal)]))
