"""Synthetic workspaces for benchmarks and scale tests: resolutions with sections, clauses
and obligations (themes, topics, SDGs, bearers, modalities from the ontology), a catalogue,
coverage assessments and portfolios, deterministic for a given seed and size.

The bulk is written as N-Triples into `data/extra/` (one graph per kind, as an export
imported with `mvkg import-rdf` would be) and the portfolios as `data/portfolios/NAME.nt`,
so a build loads it with Oxigraph's bulk loader. The shape of the data follows the seed
workspace: the same classes, properties and IRI scheme, the same distributions of
obligations per section, themes per obligation and assessments per obligation, and a small
rate of deliberate defects (about 1 in 200 records) so the data-quality shapes have
something to find."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass

from mvkg.kernel.files import atomic_write
from mvkg.kernel.lexicon import Lexicon
from mvkg.kernel.namespaces import ID, MVKG
from mvkg.kernel.workspace import Workspace

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
_STATUSES = (("status-published", 50), ("status-approved", 10), ("status-in-progress", 20),
             ("status-proposed", 15), ("status-withdrawn", 5))
_KINDS = ("kind-recommendation", "kind-technical-report", "kind-technical-specification", "kind-standard")
_RELATIONS = (("relation-full", 35), ("relation-partial", 45), ("relation-none", 20))
_WORDS = ("metaverse", "interoperability", "privacy", "security", "accessibility", "digital twin", "identity",
          "avatar", "network", "sustainability", "trust", "data", "immersive", "virtual world", "standard",
          "developing countries", "capacity building", "persons with disabilities", "children", "energy")
DEFECT_RATE = 200  # one record in this many carries a data-quality defect
TRIPLES_PER_OBLIGATION = 62  # measured average of what one obligation brings, catalogue and assessments included


@dataclass(frozen=True)
class SynthReport:
    triples: int
    resolutions: int
    obligations: int
    entries: int
    assessments: int
    files: tuple[str, ...]


def _m(local: str) -> str:
    return f"<{MVKG[local]}>"


def _lit(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _typed(value: object, dt: str) -> str:
    return f'"{value}"^^<{XSD}{dt}>'


class _Writer:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, s: str, p: str, o: str) -> None:
        self.lines.append(f"{s} {p} {o} .\n")

    def data(self) -> bytes:
        return "".join(self.lines).encode("utf-8")


def _weighted(rng: random.Random, options: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(n))


def generate(ws: Workspace, lex: Lexicon, triples: int, seed: int = 1) -> SynthReport:
    """Write a synthetic workspace of about `triples` triples into the workspace's data folder."""
    rng = random.Random(seed)
    themes = sorted(lex.themes)
    theme_weights = [1 / (i + 1) for i in range(len(themes))]  # a few themes dominate, as in real texts
    topics = sorted(lex.topics)
    actors = sorted(lex.actors)
    verbs = sorted((v for v in lex.verbs if v.operative and v.strength), key=lambda v: v.iri)
    n_obligations = max(10, triples // TRIPLES_PER_OBLIGATION)
    n_entries = max(10, n_obligations // 4)
    res, cat, cov = _Writer(), _Writer(), _Writer()

    entries = []
    for i in range(n_entries):
        e = f"<{ID[f'entry/syn-{i:06d}']}>"
        entries.append(e)
        status = _weighted(rng, _STATUSES)
        cat.add(e, RDF_TYPE, _m("Standard"))
        cat.add(e, _m("identifier"), _lit(f"SYN {i:06d}"))
        cat.add(e, _m("title"), _lit(_sentence(rng, 6).capitalize()))
        cat.add(e, LABEL, _lit(f"SYN {i:06d}"))
        cat.add(e, _m("publisher"), f"<{rng.choice(actors)}>")
        cat.add(e, _m("kind"), _m(rng.choice(_KINDS)))
        cat.add(e, _m("hasEntryStatus"), _m(status))
        for t in set(rng.choices(themes, weights=theme_weights, k=rng.randint(1, 3))):
            cat.add(e, _m("hasTheme"), f"<{t}>")
        cat.add(e, _m("hasTopic"), f"<{rng.choice(topics)}>")
        if i % DEFECT_RATE != 7:  # the defect: no source URL
            cat.add(e, _m("sourceUrl"), _typed(f"https://example.org/synthetic/{i}", "anyURI"))

    n_resolutions = max(1, n_obligations // 40)
    done = assessed = 0
    for r in range(n_resolutions):
        code = f"SYN-{r:05d}"
        rid = f"syn-{r:05d}"
        rs = f"<{ID[rid]}>"
        src = f"<{ID[rid + '/source']}>"
        res.add(rs, RDF_TYPE, _m("Resolution"))
        res.add(rs, _m("code"), _lit(code))
        res.add(rs, LABEL, _lit(code))
        res.add(rs, _m("status"), _m(rng.choice(("draft", "adopted"))))
        res.add(rs, _m("hasSourceDocument"), src)
        res.add(rs, _m("proposer"), f"<{rng.choice(actors)}>")
        res.add(rs, _m("date"), _typed(f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", "date"))
        res.add(src, RDF_TYPE, _m("SourceDocument"))
        res.add(src, _m("fileName"), _lit(f"synthetic/{rid}.txt"))
        res.add(src, _m("sha256"), _lit(hashlib.sha256(f"{seed}/{rid}".encode()).hexdigest()))
        offset = 0
        share = n_obligations // n_resolutions + (1 if r < n_obligations % n_resolutions else 0)
        sections = max(1, share // 5)
        for s in range(sections):
            verb = rng.choice(verbs)
            sec = f"<{ID[f'{rid}/op_{s + 1}']}>"
            bearer = f"<{rng.choice(actors)}>"
            res.add(sec, RDF_TYPE, _m("OperativeSection"))
            res.add(sec, _m("inResolution"), rs)
            res.add(sec, _m("heading"), _lit(f"{verb.label} {s + 1}"))
            res.add(sec, _m("hasVerb"), f"<{verb.iri}>")
            res.add(sec, _m("order"), _typed(s + 1, "integer"))
            res.add(sec, _m("bearer"), bearer)
            items = share // sections + (1 if s < share % sections else 0)
            for k in range(items):
                cl_id = f"{rid}/op_{s + 1}/para_{k + 1}"
                cl = f"<{ID[cl_id]}>"
                ob = f"<{ID[cl_id + '/obligation']}>"
                text = "to " + _sentence(rng, rng.randint(8, 30))
                start, offset = offset, offset + len(text) + 4
                for node in (cl, ob):
                    res.add(node, _m("inResolution"), rs)
                    res.add(node, _m("inSection"), sec)
                    res.add(node, _m("text"), _lit(text))
                    res.add(node, _m("start"), _typed(start, "integer"))
                    res.add(node, _m("end"), _typed(start + len(text), "integer"))
                    res.add(node, _m("hasSourceDocument"), src)
                    res.add(node, _m("itemPath"), _lit(str(k + 1)))
                res.add(cl, RDF_TYPE, _m("Clause"))
                res.add(cl, _m("order"), _typed(k + 1, "integer"))
                res.add(ob, RDF_TYPE, _m("Obligation"))
                res.add(ob, LABEL, _lit(f"{code} {verb.label} {s + 1} {k + 1}"))
                res.add(ob, _m("derivedFromClause"), cl)
                res.add(ob, _m("modality"), f"<{verb.iri}>")
                res.add(ob, _m("hasStrength"), _m((verb.strength or "").rsplit("#", 1)[-1]))
                res.add(ob, _m("action"), _lit(text))
                if done % DEFECT_RATE != 3:  # the defect: no bearer
                    res.add(ob, _m("bearer"), bearer)
                ob_themes = set(rng.choices(themes, weights=theme_weights, k=rng.randint(1, 4)))
                for t in sorted(ob_themes):
                    res.add(ob, _m("hasTheme"), f"<{t}>")
                    tag = f"<{ID[cl_id + '/obligation/tag/' + t.rsplit('/', 1)[-1]]}>"
                    res.add(ob, _m("hasTagEvidence"), tag)
                    res.add(tag, RDF_TYPE, _m("TagEvidence"))
                    res.add(tag, _m("concept"), f"<{t}>")
                    res.add(tag, _m("matchedText"), _lit(text.split()[1]))
                    res.add(tag, _m("start"), _typed(start + 3, "integer"))
                res.add(ob, _m("hasTopic"), f"<{rng.choice(topics)}>")
                if rng.random() < 0.2:
                    res.add(ob, _m("sdg"), f"<http://metadata.un.org/sdg/{rng.randint(1, 17)}>")
                assessed += _assess(cov, rng, ob, cl_id, entries, done)
                done += 1
    files = {
        ws.extra_dir / "synthetic-resolutions.nt": res.data(),
        ws.extra_dir / "synthetic-catalogue.nt": cat.data(),
        ws.extra_dir / "synthetic-coverage.nt": cov.data(),
    }
    files.update({ws.portfolio_file(name, ".nt"): body for name, body in _portfolios(cat, entries).items()})
    for path, body in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, body)
    total = sum(body.count(b"\n") for body in files.values())
    return SynthReport(total, n_resolutions, done, n_entries, assessed,
                       tuple(sorted(p.relative_to(ws.data).as_posix() for p in files)))


def _assess(cov: _Writer, rng: random.Random, ob: str, cl_id: str, entries: list[str], n: int) -> int:
    """0-4 assessments of one obligation: about 10% are not assessed, 3% not applicable."""
    roll = rng.random()
    if roll < 0.10:
        return 0
    if roll < 0.13:
        a = f"<{ID['assessment/' + cl_id + '/not-applicable']}>"
        _assessment(cov, a, ob, "relation-not-applicable", "outside the scope of standardization", n)
        return 1
    chosen = rng.sample(entries, k=min(len(entries), rng.randint(1, 4)))
    for e in chosen:
        a = f"<{ID['assessment/' + cl_id + '/' + e.rsplit('/', 1)[-1][:-1]]}>"
        _assessment(cov, a, ob, _weighted(rng, _RELATIONS), "synthetic assessment", n)
        cov.add(a, _m("coveredBy"), e)
    return len(chosen)


def _assessment(cov: _Writer, a: str, ob: str, relation: str, why: str, n: int) -> None:
    cov.add(a, RDF_TYPE, _m("CoverageAssessment"))
    cov.add(a, _m("assessedObligation"), ob)
    cov.add(a, _m("hasRelation"), _m(relation))
    if n % DEFECT_RATE != 11:  # the defect: no rationale
        cov.add(a, _m("rationale"), _lit(why))
    cov.add(a, _m("assessor"), _lit("mvkg synth"))
    cov.add(a, _m("assessedOn"), _typed("2026-11-22", "date"))
    cov.add(a, _m("confidence"), _typed("0.5", "decimal"))


def _portfolios(cat: _Writer, entries: list[str]) -> dict[str, bytes]:
    """in-force (published/approved), all (everything but withdrawn), and half of in-force."""
    status = {}
    for line in cat.lines:
        if f" {_m('hasEntryStatus')} " in line:
            s, _, o = line.rstrip(" .\n").split(" ", 2)
            status[s] = o.rsplit("#", 1)[-1].rstrip(">")
    pick = {
        "in-force": lambda i, e: status[e] in ("status-published", "status-approved"),
        "all": lambda i, e: status[e] != "status-withdrawn",
        "half": lambda i, e: status[e] in ("status-published", "status-approved") and i % 2 == 0,
    }
    out = {}
    for name, keep in pick.items():
        w = _Writer()
        p = f"<{ID['portfolio/' + name]}>"
        w.add(p, RDF_TYPE, _m("Portfolio"))
        w.add(p, LABEL, _lit(f"Synthetic {name}"))
        w.add(p, _m("identifier"), _lit(name))
        for i, e in enumerate(entries):
            if keep(i, e):
                w.add(p, _m("member"), e)
        out[name] = w.data()
    return out
