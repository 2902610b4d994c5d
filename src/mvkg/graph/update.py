"""A live workspace: every write goes through `apply_write`, which changes data/ and brings
build/ up to date in one locked step, so the next command or page sees the change without
`mvkg build`.

    apply_write(ws, resources, write, kinds)
      1. takes the workspace lock (kernel/locking.py): one writer at a time;
      2. notes whether the build is current (the manifest's inputs are the files on disk);
      3. keeps a copy of the folders the write may change, then runs `write(live)`, which
         validates and writes its files (`live` answers what the build holds: obligations,
         catalogue ids, the lexicon);
      4. current build: replaces only the named graphs fed by the touched `kinds` in a copy of the
         built store (graph/commit.py), re-derives what depends on them (alignments; the inferred types:
         graph/refresh.py), then writes the image and build/manifest.json last (the commit point);
         otherwise, and for an ontology change: a full build. When the reasoner's input changed
         (resolutions, corrections, imported RDF) the commit holds a provisional inferred graph and
         the manifest says `reasoning_pending`; the reasoner runs after the commit, in a thread that
         keeps the workspace lock, and commits its answer (graph/pending.py);
      5. on any error puts data/ back as it was and undoes the graph edits, so a failed write
         leaves data/ and build/ byte for byte as they were.

The canonical image build/mvkg.nq is spliced (graph/image.py). With the on-disk store an image
over commit.IMAGE_BACKGROUND_BYTES is written after the commit by a thread that keeps the lock
until it is done (build/image.json says which manifest the image holds): the store the commands
read is current at once; the image follows (about 1.5 s at 1M triples, mostly fsync)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

import pyoxigraph as ox
from rdflib import RDF

from mvkg.graph.build import BuildReport, Derive, build_workspace, load_lexicon, reasoning_json, store_description
from mvkg.graph.commit import Commit, ImageWriter, WorkingStore
from mvkg.graph.lexicon_cache import keep_lexicon, kept_lexicon
from mvkg.graph.pending import finish_step, new_pending
from mvkg.graph.refresh import (
    FEEDS,
    INFERRED,
    KINDS,
    GraphEdit,
    Inputs,
    Reasoned,
    clear_derived,
    reason,
    refresh_derived,
    refresh_inputs,
)
from mvkg.graph.state import SUMMARY_KEYS, BuildState, Pending, image_current, read_state
from mvkg.inputs.catalogue import entry_iri, load_catalogue, read_catalogue_rows
from mvkg.inputs.corrections import corrected_entry, load_corrections
from mvkg.kernel import audit, locking
from mvkg.kernel.errors import WorkspaceError
from mvkg.kernel.files import atomic_write, sha256_bytes
from mvkg.kernel.lexicon import Lexicon
from mvkg.kernel.locking import Background, WorkspaceLock
from mvkg.kernel.namespaces import GRAPH, MVKG
from mvkg.kernel.resources import Resources
from mvkg.kernel.workspace import Workspace
from mvkg.query.sparql import term_text
from mvkg.query.store import MEMORY, GraphCount, load_image

T = TypeVar("T")
_OBLIGATION = ox.NamedNode(str(MVKG.Obligation))
_TYPE = ox.NamedNode(str(RDF.type))


@dataclass(frozen=True)
class Update:
    report: BuildReport  # the build as it stands after the write
    mode: str  # "incremental" or "rebuild"
    changed: tuple[str, ...]  # the named graphs whose triples changed
    reasoned: bool  # the reasoner ran (its input changed)
    seconds: float  # from taking the lock to the commit
    pending: Pending | None = None  # the reasoner still runs for this write, after the commit (graph/pending.py)
    image: ImageWriter | None = field(default=None, compare=False)  # the image, when it is written after the commit
    background: Background | None = field(default=None, compare=False)  # the image and the reasoning, after the commit

    @property
    def thread(self) -> threading.Thread | None:
        return self.background.thread if self.background is not None else None

    def wait(self) -> None:
        """Until what follows the commit is done too: the image build/mvkg.nq, and the reasoner's
        answer when it was pending (an error if one of them failed)."""
        if self.background is not None:
            self.background.join()
            if self.background.errors:
                raise self.background.errors[0]
        if self.image is not None:
            self.image.check()


@dataclass(frozen=True)
class Applied(Generic[T]):
    result: T  # what the write returned
    update: Update


class Live:
    """What a write may ask about the workspace while it holds the lock: answered from the
    built graph when the build is current, else from data/ (as a build would)."""

    def __init__(self, ws: Workspace, resources: Resources, lex: Lexicon | None = None):
        self.ws, self.resources, self._lex = ws, resources, lex
        self.current = _is_current(ws, resources)
        self._store: ox.Store | None = None
        self.parsed: Lexicon | None = None  # the lexicon parsed for this write (none was kept)

    def lexicon(self) -> Lexicon:
        if self._lex is None:  # kept in build/ between writes (parsing the ontology takes 0.5-1 s)
            self._lex = kept_lexicon(self.ws, self.resources)
            if self._lex is None:
                self._lex = self.parsed = load_lexicon(self.resources)  # kept when the write has succeeded
        return self._lex

    def store(self) -> ox.Store:
        """The built graph, to read (the on-disk store read-only, or the image loaded into memory)."""
        if not self.current:
            raise WorkspaceError("the build is not current")
        if self._store is None:
            memory = self.ws.store_settings().location == MEMORY
            self._store = load_image(self.ws.image_file) if memory else ox.Store.read_only(str(self.ws.store_dir))
        return self._store

    def memory_store(self) -> ox.Store | None:
        """The image as loaded for the write's questions, for the edit to reuse (memory location only)."""
        return self._store if self.ws.store_settings().location == MEMORY else None

    def opened(self) -> ox.Store | None:
        """The built graph if the write's questions opened it already (else None)."""
        return self._store

    def obligations(self) -> set[str]:
        """The obligations of the resolutions read from text (what assessments may name)."""
        if not self.current:
            corrections = load_corrections(self.ws)
            return {o.iri for e in self.ws.resolutions()
                    for o in corrected_entry(self.ws, e, self.lexicon(), corrections)[0].obligations}
        store = self.store()
        return {term_text(q.subject) for g in store.named_graphs() if g.value.startswith(str(GRAPH["resolution/"]))
                for q in store.quads_for_pattern(None, _TYPE, _OBLIGATION, g)}

    def entry_iris(self) -> set[str]:
        """The catalogue's entries (the rows the last build checked, when it is current)."""
        if not self.current:
            return {e.iri for e in load_catalogue(self.ws, self.lexicon())}
        return {entry_iri(row["id"]) for path in self.ws.catalogue_files() for _, row in read_catalogue_rows(path)}

    def close(self) -> None:
        self._store = None


def _is_current(ws: Workspace, resources: Resources) -> bool:
    if not ws.manifest_file.is_file():
        return False
    location = ws.store_settings().location
    if location == MEMORY:
        if not (ws.image_file.is_file() and image_current(ws)):
            return False
    elif not (ws.store_dir / "CURRENT").exists():
        return False
    try:
        return not ws.changed_inputs(resources.ontology_files())
    except (OSError, ValueError, KeyError):
        return False


@dataclass
class Backup:
    """The files of the folders a write may change, as they were: `restore` puts them back."""

    files: dict[Path, bytes] = field(default_factory=dict)
    folders: list[Path] = field(default_factory=list)

    @classmethod
    def of(cls, folders: Iterable[Path]) -> Backup:
        backup = cls()
        for folder in sorted(set(folders)):
            backup.folders.append(folder)
            if folder.is_dir():
                backup.files.update({p: p.read_bytes() for p in folder.iterdir() if p.is_file()})
        return backup

    def changed(self, folders: Iterable[Path]) -> bool:
        """Whether any file of these folders differs from the backup (written, added or removed)."""
        for folder in folders:
            now = {p for p in folder.iterdir() if p.is_file()} if folder.is_dir() else set()
            was = {p for p in self.files if p.parent == folder}
            if now != was or any(p.read_bytes() != self.files[p] for p in now):
                return True
        return False

    def restore(self) -> None:
        for folder in self.folders:
            if not folder.is_dir():
                continue
            for path in folder.iterdir():
                if path.is_file() and path not in self.files:
                    path.unlink()
        for path, data in self.files.items():
            if not path.is_file() or path.read_bytes() != data:
                atomic_write(path, data)
        for folder in self.folders:
            if folder.is_dir() and not any(folder.iterdir()) and not any(p.parent == folder for p in self.files):
                folder.rmdir()


def _folders(ws: Workspace, kinds: Iterable[str]) -> list[Path]:
    where = {"resolutions": [ws.resolutions_dir], "corrections": [ws.corrections_file.parent],
             "catalogue": [ws.catalogue_dir], "assessments": [ws.coverage_dir], "portfolios": [ws.portfolios_dir],
             "decisions": [ws.decisions_file.parent], "extra": [ws.extra_dir], "ontology": []}
    return [folder for kind in kinds for folder in where[kind]]


def apply_write(ws: Workspace, resources: Resources, write: Callable[[Live], T], kinds: Iterable[str], *,
                derived: Mapping[str, Derive] | None = None, lex: Lexicon | None = None,
                wait: float | None = None, change: audit.Change | None = None) -> Applied[T]:
    """Run `write` (which changes the input files of the given `kinds`) and bring the build up
    to date with it, as one step under the workspace lock; see the module's docstring. With a
    `change`, the audit trail gets its line (the files changed, before and after) in the same
    step, and loses it again if the step fails."""
    kinds = frozenset(kinds)
    if kinds - set(KINDS):
        raise ValueError(f"unknown kinds of input {sorted(kinds - set(KINDS))}; known: {', '.join(KINDS)}")
    started = time.perf_counter()
    lock = WorkspaceLock(ws.root, wait=locking.LOCK_WAIT if wait is None else wait)
    with lock:
        live = Live(ws, resources, lex)
        folders = _folders(ws, kinds)
        backup = Backup.of(folders)
        logged: audit.Appended | None = None
        try:
            result = write(live)
            if change is not None:
                before = {p: sha256_bytes(data) for p, data in backup.files.items()}
                files = audit.changed_files(ws, before, audit.folder_hashes(folders))
                logged = audit.Journal(ws).append(change, change.key_of(result), files)
            if live.current and "ontology" not in kinds:
                what = f"{change.kind} {change.key_of(result)}" if change is not None else ", ".join(sorted(kinds))
                # only what the write really changed is refreshed (a what-if without hypothetical
                # entries leaves the catalogue and the assessments as they were)
                touched = frozenset(k for k in kinds if backup.changed(_folders(ws, [k])))
                update = _incremental(live, touched, derived or {}, lock, started, what)
            else:
                live.close()
                report = build_workspace(ws, resources, live.lexicon(), derived)
                update = Update(report, "rebuild", tuple(g.graph for g in report.graphs), True,
                                time.perf_counter() - started)
        except BaseException:
            live.close()
            backup.restore()
            if logged is not None:
                logged.undo()
            raise
        if live.parsed is not None:
            keep_lexicon(ws, resources, live.parsed)  # for the writes that follow
    return Applied(result, update)


def rebuild(ws: Workspace, resources: Resources, lex: Lexicon | None = None,
            derived: Mapping[str, Derive] | None = None, wait: float | None = None) -> BuildReport:
    """A full build (`mvkg build`), under the workspace lock."""
    with WorkspaceLock(ws.root, wait=locking.LOCK_WAIT if wait is None else wait):
        loaded = lex is None
        lex = load_lexicon(resources) if lex is None else lex
        report = build_workspace(ws, resources, lex, derived)
        if loaded:
            keep_lexicon(ws, resources, lex)  # for the writes that follow
        return report


def reading(ws: Workspace, wait: float | None = None) -> WorkspaceLock:
    """Hold the workspace shared (`with reading(ws):`) while reading what must stay one state:
    no write commits meanwhile (a snapshot records the build's inputs and its verdicts)."""
    return WorkspaceLock(ws.root, shared=True, wait=locking.LOCK_WAIT if wait is None else wait)


def _incremental(live: Live, kinds: frozenset[str], derived: Mapping[str, Derive], lock: WorkspaceLock,
                 started: float, what: str) -> Update:
    ws, resources = live.ws, live.resources
    steps = set().union(*(FEEDS[k] for k in kinds))
    inputs = Inputs(ws, live.lexicon() if steps & {"resolutions", "catalogue", "portfolios"} else None)
    before = read_state(ws)
    work = WorkingStore.open(ws, live.memory_store(), live.opened())
    commit = Commit(ws, work)
    try:
        assert work.store is not None
        edit = GraphEdit(work.store)
        refresh_inputs(edit, inputs, steps, live.obligations, live.entry_iris)
        clear_derived(edit, steps, derived)
        refresh_derived(edit, inputs, steps, derived)
        now = ws.current_inputs(resources.ontology_files(), ws.built_manifest())
        reasoned = reason(edit, ws, now, steps, defer=True,
                          provisional=before.pending.key if before.pending is not None else None)
        if reasoned.patch is None:
            edit.replace(INFERRED, _types_nt(reasoned.types))
            inferred = len(reasoned.types)
        else:  # the few types that changed, in the graph as it is
            added, removed = reasoned.patch
            edit.patch(INFERRED, _triples(added), _triples(removed))
            inferred = before.graphs.get(INFERRED, 0) + len(added) - len(removed)
        changed = edit.changed()
        graphs = {**before.graphs, **{g: _count(work.store, g) for g in edit.old}, INFERRED: inferred}
        pending = new_pending(ws, what, reasoned.key, before.pending) if reasoned.pending else None
        state = BuildState(now, {g: n for g, n in graphs.items() if n},
                           before.reasoner if pending else reasoned.materialised.engine,
                           {**before.summary, **inputs.summary}, pending)
        # the commit: the store, the image, the reasoner's answer, and the manifest last
        manifest = commit.publish(edit, changed, state, resources.ontology_files(),
                                  reasoned_json(reasoned) if reasoned.fresh else None)
    except BaseException:
        commit.undo()
        raise
    finally:
        live.close()
    writer = commit.finish(manifest)
    after: list[Callable[[], None]] = []
    if writer is not None:
        after.append(lambda: writer.write_in_place(ws, manifest))
    if pending is not None and pending.error is None:
        after.append(lambda: finish_step(ws, resources))
    background = Background.start(lock.hand_over(), after) if after else None
    warnings = tuple(w for w in (reasoned.materialised.warning, *inputs.warnings) if w)
    return Update(_report(ws, state, warnings), "incremental", tuple(changed), reasoned.fresh,
                  time.perf_counter() - started, pending, writer, background)


def reasoned_json(reasoned: Reasoned) -> bytes:
    """build/reasoning.json: the reasoner's result and the key it answers (as the build writes it)."""
    return reasoning_json(reasoned.key, reasoned.materialised)


def _types_nt(types: Iterable[tuple[str, str]]) -> bytes:
    return ox.serialize((ox.Triple(ox.NamedNode(s), _TYPE, ox.NamedNode(c)) for s, c in types),
                        format=ox.RdfFormat.N_TRIPLES) or b""


def _triples(types: Iterable[tuple[str, str]]) -> frozenset[ox.Triple]:
    return frozenset(ox.Triple(ox.NamedNode(s), _TYPE, ox.NamedNode(c)) for s, c in types)


def _count(store: ox.Store, graph: str) -> int:
    return sum(1 for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))


def _report(ws: Workspace, state: BuildState, warnings: tuple[str, ...]) -> BuildReport:
    s = {k: state.summary.get(k, 0) for k in SUMMARY_KEYS}
    return BuildReport(store=store_description(ws, ws.store_settings().location),
                       graphs=tuple(GraphCount(g, n) for g, n in sorted(state.graphs.items())),
                       resolutions=s["resolutions"], clauses=s["clauses"], obligations=s["obligations"],
                       inputs=state.inputs, entries=s["entries"], assessments=s["assessments"],
                       portfolios=s["portfolios"], reasoner=state.reasoner, warnings=warnings)
