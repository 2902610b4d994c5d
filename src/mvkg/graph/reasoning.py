"""OWL 2 DL reasoning with HermiT (through owlready2): is the ontology together with the
built data consistent, and which individuals fall into the defined classes?

HermiT needs Java. owlready2 follows owl:imports when loading, so imports are stripped
from the graph before owlready2 sees it: nothing is ever fetched."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import OWL, RDF, RDFS, Graph, URIRef

from mvkg.kernel.errors import MvkgError
from mvkg.query.named import solutions


class ReasonerUnavailable(MvkgError):
    """Java (needed by HermiT) is not installed."""


class InconsistentOntology(MvkgError):
    exit_code = 1


@dataclass(frozen=True)
class ReasoningResult:
    consistent: bool
    inferred_types: tuple[tuple[str, str], ...]  # (individual IRI, class IRI) not asserted


def java_available() -> bool:
    return shutil.which("java") is not None


def _for_hermit(g: Graph) -> Graph:
    """The graph without owl:imports (owlready2 would try to fetch them). Nothing else is
    changed: the ontology is OWL 2 DL as published, and its dates (xsd:date, gYear,
    gYearMonth, outside the OWL 2 datatype map) are annotation properties, which HermiT
    does not reason over (tests/test_ontology_publish.py runs HermiT on the files as
    published)."""
    out = Graph()
    for t in g:
        if t[1] != OWL.imports:
            out.add(t)
    return out


class ReasonerTimeout(MvkgError):
    """HermiT did not finish within the time limit."""


REASONER_SECONDS = 300.0


def reason(g: Graph, timeout: float = REASONER_SECONDS) -> ReasoningResult:
    """Run HermiT over `g` in a child process group that is killed (Java included) when the
    time limit passes. Raises InconsistentOntology with HermiT's explanation."""
    return HermitRun(g, timeout).result()


class HermitRun:
    """HermiT running in a child process: start it, do other work, then ask for the result.
    The child leads its own process group, so stopping it kills Java too; and it watches its
    parent, so a killed build does not leave the reasoner running."""

    def __init__(self, g: Graph, timeout: float):
        if not java_available():
            raise ReasonerUnavailable("Java is not installed: HermiT cannot run (apt-get install default-jre-headless)")
        self.timeout = timeout
        self.started = time.monotonic()
        self.tmp = Path(tempfile.mkdtemp(prefix="mvkg-owl-"))
        path = self.tmp / "graph.nt"
        _for_hermit(g).serialize(path, format="nt", encoding="utf-8")
        code = "import sys; from mvkg.graph.reasoning import _child; _child(sys.argv[1], int(sys.argv[2]))"
        self.proc = subprocess.Popen([sys.executable, "-c", code, str(path), str(os.getpid())], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, start_new_session=True)

    def result(self) -> ReasoningResult:
        try:
            left = max(0.1, self.timeout - (time.monotonic() - self.started))
            out, err = self.proc.communicate(timeout=left)
        except subprocess.TimeoutExpired:
            self.stop()
            raise ReasonerTimeout(f"HermiT did not finish within {self.timeout:.0f} s; the reasoning was stopped") from None
        finally:
            shutil.rmtree(self.tmp, ignore_errors=True)
        if self.proc.returncode != 0 or not out.strip():
            raise MvkgError(f"the reasoner failed: {err.strip()[-2000:] or 'no output'}")
        body = json.loads(out)
        if "inconsistent" in body:
            raise InconsistentOntology(f"the ontology and data are inconsistent (HermiT): {body['inconsistent']}")
        return ReasoningResult(True, tuple(tuple(x) for x in body["inferred"]))

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.communicate()
        shutil.rmtree(self.tmp, ignore_errors=True)


def _child(path: str, parent: int) -> None:
    """In the child process: run HermiT on the N-Triples file, print JSON. A watchdog ends the
    child's whole process group, Java included, as soon as the parent is gone (`kill -9` of
    `mvkg build`), so no reasoner keeps running for nobody."""
    _watch_parent(parent, Path(path).parent)
    json.dump(_hermit(Path(path)), sys.stdout)


def _watch_parent(parent: int, scratch: Path, every: float = 0.2) -> None:
    """A daemon thread: when this process's parent changes (it died and the child was
    re-parented), remove the scratch folder and kill this process group (HermiT's Java is in
    it: the child started its own session)."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every)
        shutil.rmtree(scratch, ignore_errors=True)
        os.killpg(os.getpgrp(), signal.SIGKILL)

    threading.Thread(target=watch, name="mvkg-parent-watch", daemon=True).start()


def _hermit(path: Path) -> dict:
    import owlready2

    g = Graph().parse(path, format="nt")
    asserted = {(str(s), str(o)) for s, o in g.subject_objects(RDF.type) if isinstance(o, URIRef)}
    world = owlready2.World()
    onto = world.get_ontology(path.as_uri()).load(format="ntriples")
    try:
        with onto:
            owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    except owlready2.OwlReadyInconsistentOntologyError as exc:
        return {"inconsistent": _explain(exc)}
    inferred = set()
    for subject in sorted({s for s, _ in asserted}):
        ind = world[subject]
        if not isinstance(ind, owlready2.Thing):
            continue
        for cls in ind.INDIRECT_is_a:
            iri = getattr(cls, "iri", None)
            if iri and (subject, iri) not in asserted and not iri.startswith(str(OWL)):
                inferred.add((subject, iri))
    world.close()
    return {"inferred": sorted(inferred)}


def _explain(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return text[:2000] if text else "HermiT reported an inconsistency"


@dataclass(frozen=True)
class Materialised:
    engine: str  # "hermit" | "owl-rl"
    types: tuple[tuple[str, str], ...]
    warning: str | None
    seconds: float | None = None  # how long the reasoner took (what a pending reasoning's progress is estimated by)


def owlrl_types(g: Graph) -> tuple[tuple[str, str], ...]:
    """rdf:type triples entailed under OWL 2 RL (owlrl), beyond those asserted."""
    import owlrl

    closure = Graph()
    for t in g:
        closure.add(t)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(closure)
    asserted = set(g.triples((None, RDF.type, None)))
    subjects = {s for s in g.subjects() if isinstance(s, URIRef)}
    return tuple(sorted(
        (str(s), str(o)) for s, _, o in closure.triples((None, RDF.type, None))
        if (s, RDF.type, o) not in asserted and s in subjects and isinstance(o, URIRef) and not str(o).startswith(str(OWL))
        and not str(o).startswith(str(RDFS)) and not str(o).startswith(str(RDF))
    ))


HERMIT_MAX_TRIPLES = 50_000  # measured: HermiT needs ~23 s for a 10k-triple sample and > 300 s for 100k


class Materialiser:
    """Inferred types for the inferred graph: HermiT when Java is there (and the graph is
    consistent), else the OWL 2 RL closure with a warning. Never silently skipped. HermiT
    starts at once and runs while the build goes on."""

    def __init__(self, g: Graph, max_triples: int = HERMIT_MAX_TRIPLES):
        self.graph = g
        self.started = time.monotonic()
        self.too_big = len(g) > max_triples
        self.run = HermitRun(g, REASONER_SECONDS) if java_available() and not self.too_big else None

    def result(self) -> Materialised:
        if self.run is not None:
            types = self.run.result().inferred_types
            return Materialised("hermit", types, None, round(time.monotonic() - self.started, 2))
        if self.too_big:
            return Materialised("sparql", (), f"HermiT was not run: the resolutions make {len(self.graph)} triples, more "
                                f"than the {HERMIT_MAX_TRIPLES} it handles in minutes; the defined classes were "
                                "materialised with SPARQL and consistency was not checked")
        types = owlrl_types(self.graph)
        return Materialised("owl-rl", types,
                            "Java is not installed, so HermiT cannot run: inferred types come from the OWL 2 RL "
                            "closure instead and consistency was not checked (apt-get install default-jre-headless)",
                            round(time.monotonic() - self.started, 2))

    def stop(self) -> None:
        if self.run is not None:
            self.run.stop()


def defined_class_types(store, nodes: Sequence[ox.NamedNode] | None = None) -> list[tuple[str, str]]:
    """Members of the ontology's value-defined classes (C ≡ B ⊓ ∃p.{v}, such as
    BindingObligation ≡ Obligation ⊓ strength value binding), found with one SPARQL query
    per definition over every graph (or only among `nodes`): the inferences the shapes need,
    at any scale. HermiT draws the same conclusions (and checks consistency) where the data
    are small enough for it; tests/test_reasoning.py checks the two agree on the seed workspace."""
    among: dict[str, Any] = {} if nodes is None else {"x": list(nodes)}
    out = []
    for cls, base, prop, value in solutions(store, "defined_classes", union=False)[1]:
        if cls is None or base is None or prop is None or value is None:
            continue  # the query binds all four; a partial row defines nothing
        members = solutions(store, "defined_class_members", property=prop, value=value, base=base, **among)[1]
        out += [(x.value, cls.value) for (x,) in members if isinstance(x, ox.NamedNode)]
    return out
