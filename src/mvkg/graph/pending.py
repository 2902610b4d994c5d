"""Reasoning that finishes a write after its commit.

A write that changes the reasoner's input (a resolution, a correction, imported RDF) commits at
once with a provisional inferred graph (graph/refresh.reason: the reasoner's last types and the
value-defined classes looked up again), and the manifest says `reasoning_pending` (state.Pending:
which write, which input, since when). The write hands its workspace lock to a background step
(kernel.locking.Background) that runs the reasoner over the committed graph and commits the
final inferred graph, the reasoner's answer and a manifest without the flag, in one step
(`finish`). So:

- the reasoner never runs twice for one state: only the holder of the workspace lock runs it,
  and other writes wait for the lock as they wait for any write;
- a reader that wants no provisional state (a snapshot) waits for the lock too (`settle`);
- the flag with nobody holding the lock means the worker died (the process was killed):
  `settle` and `resume` (the app, on its next page) run it again, and so does the next write
  (its own reasoning is then pending: refresh.reason's `provisional`);
- a reasoner that fails (an inconsistency, its time limit) leaves the provisional graph and the
  flag with the error; the next write that changes the reasoner's input tries again, and
  `mvkg build` reports the error as it always did."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

import pyoxigraph as ox
from rdflib import RDF

from mvkg.graph.build import cached_reasoning, reasoning_input, reasoning_json, reasoning_key
from mvkg.graph.commit import Commit, WorkingStore
from mvkg.graph.reasoning import Materialiser, defined_class_types
from mvkg.graph.refresh import INFERRED, GraphEdit
from mvkg.graph.state import Pending, image_current, mark_image, read_state, write_manifest
from mvkg.kernel.errors import MvkgError, WorkspaceError
from mvkg.kernel.locking import LOCK_WAIT, Background, WorkspaceBusy, WorkspaceLock, is_held
from mvkg.kernel.resources import Resources
from mvkg.kernel.workspace import Workspace

_TYPE = ox.NamedNode(str(RDF.type))
FINISH_THREAD = "mvkg-finish"  # the background step of a write (kernel.locking.Background's default name)


@dataclass(frozen=True)
class ReasoningStatus:
    """What a page or command says about the reasoning of the last write."""

    pending: Pending | None  # None: the inferred graph is the reasoner's answer for the current input
    running: bool  # someone holds the workspace (the worker, or a write that will take it over)

    @property
    def progress(self) -> int:
        return self.pending.progress() if self.pending is not None else 100

    @property
    def failed(self) -> str | None:
        return self.pending.error if self.pending is not None else None

    @property
    def stalled(self) -> bool:
        """Pending, not failed, and nobody working on it (the worker's process died)."""
        return self.pending is not None and self.pending.error is None and not self.running


def pending_of(ws: Workspace) -> Pending | None:
    """The manifest's pending reasoning, if any (None without a build)."""
    try:
        return read_state(ws).pending
    except (MvkgError, OSError, ValueError, KeyError):
        return None


def reasoning_status(ws: Workspace) -> ReasoningStatus:
    pending = pending_of(ws)
    return ReasoningStatus(pending, pending is not None and is_held(ws.root))


def new_pending(ws: Workspace, write: str, key: str, carried: Pending | None) -> Pending:
    """The flag for a write whose reasoning is deferred: the earlier one kept when it is for
    the same input (its worker died, or the reasoner failed on it), else a new one."""
    if carried is not None and carried.key == key:
        return carried
    last = cached_reasoning(ws, None)
    return Pending(write, key, time.time(), last.result().seconds if last is not None else None)


def finish(ws: Workspace, resources: Resources) -> bool:
    """With the workspace lock held by the caller: if the manifest says reasoning is pending,
    run the reasoner over the built graph and commit its inferred graph with a manifest without
    the flag (everything else as it is). A reasoner's failure is recorded in the flag and
    raised. Whether there was anything to do."""
    if pending_of(ws) is None:
        return False
    state = read_state(ws)
    assert state.pending is not None
    work = WorkingStore.open(ws)
    commit = Commit(ws, work)
    try:
        assert work.store is not None
        edit = GraphEdit(work.store)
        edit.replace(INFERRED)  # the store holds the input graphs only, as the reasoner's input is read
        key = reasoning_key(state.inputs, work.store)
        ready = cached_reasoning(ws, key)
        reasoner = ready or Materialiser(reasoning_input(work.store))
        try:
            defined = defined_class_types(work.store)
            done = reasoner.result()
        except BaseException:
            reasoner.stop()
            raise
        types = sorted(set(done.types) | set(defined))
        edit.replace(INFERRED, ox.serialize((ox.Triple(ox.NamedNode(s), _TYPE, ox.NamedNode(c)) for s, c in types),
                                            format=ox.RdfFormat.N_TRIPLES) or b"")
        final = replace(state, graphs={**state.graphs, INFERRED: len(types)}, reasoner=done.engine, pending=None)
        manifest = commit.publish(edit, edit.changed(), final, resources.ontology_files(),
                                  reasoning_json(key, done) if ready is None else None)
    except MvkgError as exc:
        commit.undo()
        _record_failure(ws, resources, state.pending, str(exc))
        raise
    except BaseException:
        commit.undo()
        raise
    writer = commit.finish(manifest)
    if writer is not None:  # a large on-disk image: written here, still under the lock
        writer.write_in_place(ws, manifest)
        writer.check()
    return True


def _record_failure(ws: Workspace, resources: Resources, pending: Pending, error: str) -> None:
    """The reasoner failed: the flag keeps the error (the graph stays provisional; nothing reruns it
    until its input changes)."""
    state = read_state(ws)
    current = image_current(ws)
    manifest = write_manifest(ws, resources.ontology_files(), replace(state, pending=replace(pending, error=error[:2000])))
    if current:
        mark_image(ws, manifest)  # the image is unchanged: it still holds what the manifest describes


def settle(ws: Workspace, resources: Resources, wait: float | None = None) -> None:
    """Until no reasoning is pending: waits for the worker (it holds the workspace lock), and
    runs the reasoner itself when the worker died. A failed reasoning is an error here."""
    with WorkspaceLock(ws.root, wait=LOCK_WAIT if wait is None else wait):
        pending = pending_of(ws)
        if pending is not None and pending.error is not None:
            raise WorkspaceError(f"the reasoning of '{pending.write}' failed: {pending.error}; fix the input, "
                                 "then write again or run `mvkg build`", path=ws.manifest_file)
        finish(ws, resources)


SETTLE_TRIES = 5  # writes that may slip in between the reasoning's end and a reader's start


@contextmanager
def settled(ws: Workspace, resources: Resources, wait: float | None = None) -> Iterator[None]:
    """Hold the workspace shared (no write commits meanwhile) with no reasoning pending: what a
    snapshot reads is never a provisional state. Waits for the reasoning (or runs it: `settle`)."""
    for _ in range(SETTLE_TRIES):
        settle(ws, resources, wait)
        with WorkspaceLock(ws.root, shared=True, **({} if wait is None else {"wait": wait})):
            if pending_of(ws) is None:
                yield
                return
    raise WorkspaceBusy("writes that need the reasoner kept coming; nothing was read, try again", path=ws.root)


def resume(ws: Workspace, resources: Resources) -> Background | None:
    """If reasoning is pending and nobody works on it (the worker's process died), start it again
    in the background; otherwise nothing (a running worker is never doubled: it holds the lock)."""
    if not reasoning_status(ws).stalled:
        return None
    lock = WorkspaceLock(ws.root, wait=0)
    try:
        lock.acquire()
    except WorkspaceBusy:
        return None  # taken meanwhile: whoever holds it finishes the reasoning
    return Background.start(lock, [lambda: finish_step(ws, resources)], name="mvkg-reasoning")


def wait_in_process(ws: Workspace, announce: Callable[[Pending], None]) -> ReasoningStatus | None:
    """A command's end: the reasoning its own write left running in this process (a background
    step holding the lock) is announced, then waited for in the foreground. The status after it
    (None: nothing was waited for)."""
    pending = pending_of(ws)
    steps = [t for t in threading.enumerate() if t.name == FINISH_THREAD and t.is_alive()]
    if pending is None or not steps:
        return None
    announce(pending)
    for thread in steps:
        thread.join()
    return reasoning_status(ws)


def finish_step(ws: Workspace, resources: Resources) -> None:
    """`finish` as a background step (its outcome is in the manifest, its error kept by the step)."""
    finish(ws, resources)
