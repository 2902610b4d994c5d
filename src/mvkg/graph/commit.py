"""How a live write reaches build/ without touching it until everything is ready.

- The on-disk store is edited in a copy: `Store.backup` hard-links the read-only store's
  files into build/store.live.tmp (milliseconds at 1M triples), the copy is edited and
  flushed, and only then swapped in for build/store; a failure deletes the copy, so the store
  the commands read is untouched, byte for byte. Readers that have the old store open keep
  reading it (its files are hard links).
- With the `memory` location the image is the store: the edit happens in memory.
- The image is written to a staged file first and renamed into place with the commit; the old
  one is kept aside (a hard link) until the manifest is written.
- A remote endpoint gets the changed graphs with the graph store protocol, after everything
  local is ready; a later failure puts back the graphs it had replaced (best effort)."""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from mvkg.graph import image
from mvkg.graph.state import BuildState, image_current, mark_image, write_manifest
from mvkg.kernel.errors import WorkspaceError
from mvkg.kernel.files import atomic_write, fsync_dir
from mvkg.kernel.workspace import Workspace
from mvkg.query.remote import is_remote
from mvkg.query.store import MEMORY, canonical_nquads, load_image, remote_store

IMAGE_BACKGROUND_BYTES = 64 * 2**20  # with the on-disk store, a larger image is written after the commit


@dataclass
class WorkingStore:
    """The store a live write edits: a copy of build/store, or the image loaded into memory."""

    ws: Workspace
    store: ox.Store | None
    copy: Path | None = None  # the on-disk copy (None: in memory)
    aside: Path | None = None  # the old build/store while the swap is not committed

    @classmethod
    def open(cls, ws: Workspace, loaded: ox.Store | None = None, reader: ox.Store | None = None) -> WorkingStore:
        """`loaded`: the image already loaded into memory (memory location), to edit in place.
        `reader`: build/store already open read-only under the same lock (the write's questions),
        copied from rather than opened again."""
        if ws.store_settings().location == MEMORY:
            return cls(ws, loaded if loaded is not None else load_image(ws.image_file))
        copy = ws.build_dir / "store.live.tmp"
        shutil.rmtree(copy, ignore_errors=True)  # left by a writer that was killed
        try:
            (reader if reader is not None else ox.Store.read_only(str(ws.store_dir))).backup(str(copy))
            return cls(ws, ox.Store(str(copy)), copy)
        except BaseException:
            shutil.rmtree(copy, ignore_errors=True)
            raise

    @property
    def on_disk(self) -> bool:
        return self.copy is not None

    def close(self) -> None:
        """Flush the copy and let go of it (RocksDB allows one writer per folder)."""
        if self.store is not None and self.copy is not None:
            self.store.flush()
        self.store = None

    def swap_in(self) -> None:
        """The copy becomes build/store; the old one stays aside until `finish` or `discard`."""
        if self.copy is None:
            return
        self.close()
        target = self.ws.store_dir
        self.aside = target.with_name(target.name + ".old")
        shutil.rmtree(self.aside, ignore_errors=True)
        target.rename(self.aside)
        self.copy.rename(target)
        fsync_dir(target.parent)
        self.copy = None

    def discard(self) -> None:
        """Undo: the copy goes, and an old store set aside comes back."""
        self.store = None
        if self.copy is not None:
            shutil.rmtree(self.copy, ignore_errors=True)
        if self.aside is not None and self.aside.exists():
            shutil.rmtree(self.ws.store_dir, ignore_errors=True)
            self.aside.rename(self.ws.store_dir)
        self.aside = None

    def finish(self) -> None:
        if self.aside is not None:
            shutil.rmtree(self.aside, ignore_errors=True)
            self.aside = None


@dataclass
class ImageWriter:
    """The new image: the old one with the changed graphs' lines replaced, or (when the old
    image does not hold the last manifest's graph, or a changed graph has blank nodes, whose
    labels are canonical over the whole graph) a full canonical dump."""

    path: Path
    new_lines: dict[str, list[bytes]]
    full: bytes | None
    synchronous: bool
    staged: Path | None = None
    kept: Path | None = None  # the old image, hard-linked aside until the commit
    error: BaseException | None = field(default=None, compare=False)  # what stopped a background write

    @classmethod
    def for_change(cls, ws: Workspace, store: ox.Store, changed: list[str]) -> ImageWriter:
        memory = ws.store_settings().location == MEMORY
        size = ws.image_file.stat().st_size if ws.image_file.is_file() else 0
        lines = {g: image.graph_lines(store, g) for g in changed}
        blank = any(b"_:" in line for ls in lines.values() for line in ls)
        whole = blank or not ws.image_file.is_file() or not image_current(ws)
        return cls(ws.image_file, lines, canonical_nquads(store) if whole else None,
                   memory or size <= IMAGE_BACKGROUND_BYTES)

    def _chunks(self) -> list[image.Chunk]:
        if self.full is not None:
            return [self.full]
        old = self.path.read_bytes()
        removed = sorted(span for g in self.new_lines for span in image.old_lines(old, g))
        added = sorted(line for lines in self.new_lines.values() for line in lines)
        return image.spliced(old, removed, added)

    def stage(self) -> None:
        """Write the new image beside the old one (fsynced), not yet in its place."""
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        os.close(fd)
        self.staged = Path(tmp)
        try:
            image.write_chunks(self.staged, self._chunks())
        except BaseException:
            self.staged.unlink(missing_ok=True)
            self.staged = None
            raise

    def put_in_place(self) -> None:
        if self.staged is None:
            return
        if self.path.is_file():
            self.kept = self.path.with_name(f".{self.path.name}.old.tmp")  # what query.store.build_leftovers finds
            self.kept.unlink(missing_ok=True)
            os.link(self.path, self.kept)
        os.replace(self.staged, self.path)
        self.staged = None

    def undo(self) -> None:
        if self.staged is not None:
            self.staged.unlink(missing_ok=True)
        if self.kept is not None:
            os.replace(self.kept, self.path)
        self.staged = self.kept = None

    def finish(self) -> None:
        if self.kept is not None:
            self.kept.unlink(missing_ok=True)
            self.kept = None

    def write_in_place(self, ws: Workspace, manifest: bytes) -> None:
        """Write the image straight into its place after the commit (a background step that holds
        the workspace lock: kernel.locking.Background). A failure is kept in `error`: the image
        then stays marked as not the manifest's, and the next write writes it whole."""
        try:
            image.write_chunks(self.path, self._chunks())
            mark_image(ws, manifest)
        except BaseException as exc:
            self.error = exc

    def check(self) -> None:
        if self.error is not None:
            raise WorkspaceError(f"the write is in the graph, but the image could not be written ({self.error}); "
                                 "the next write or `mvkg build` writes it", path=self.path)


@dataclass
class Publication:
    """The changed graphs sent to a remote endpoint, and how to take them back."""

    ws: Workspace
    sent: dict[str, bytes] = field(default_factory=dict)  # graph -> its old N-Triples

    def send(self, store: ox.Store, changed: list[str], before) -> None:
        """`before(graph)`: a changed graph's old N-Triples."""
        settings = self.ws.store_settings()
        if not (settings.location and is_remote(settings.location)):
            return
        remote = remote_store(settings)
        for graph in changed:
            data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph)) or b""
            self.sent[graph] = before(graph)
            _put(remote, graph, data)

    def undo(self) -> None:
        if not self.sent:
            return
        remote = remote_store(self.ws.store_settings())
        for graph, data in self.sent.items():
            try:
                _put(remote, graph, data)
            except Exception:
                continue


def _put(remote, graph: str, data: bytes) -> None:
    if data:
        remote.replace_graph(graph, data)
    else:
        remote.delete_graph(graph)


@dataclass
class Commit:
    """The end of a live write (or of the reasoning that finishes one): the edited working store
    swapped in for build/store, the image staged and put in place, the changed graphs sent to a
    remote endpoint, the reasoner's answer kept, and the manifest written last (the commit point).
    `undo` puts everything back if any of it fails."""

    ws: Workspace
    work: WorkingStore
    published: Publication = field(init=False)
    writer: ImageWriter | None = None

    def __post_init__(self) -> None:
        self.published = Publication(self.ws)

    def publish(self, edit, changed: list[str], state: BuildState, ontology_files: list[Path],
                reasoning: bytes | None = None) -> bytes:
        """`edit`: the refresh.GraphEdit of the working store (it gives a changed graph's old
        N-Triples, then lets go of the store). Returns the manifest's bytes."""
        assert self.work.store is not None
        self.writer = ImageWriter.for_change(self.ws, self.work.store, changed)
        self.published.send(self.work.store, changed, edit.before)
        edit.store = None  # the copy's only handle is the working store's (RocksDB: one writer a folder)
        self.work.close()
        if self.writer.synchronous:
            self.writer.stage()
        self.work.swap_in()
        if self.writer.synchronous:
            self.writer.put_in_place()
        if reasoning is not None:
            atomic_write(self.ws.reasoning_file, reasoning)
        return write_manifest(self.ws, ontology_files, state)

    def undo(self) -> None:
        self.work.discard()
        if self.writer is not None:
            self.writer.undo()
        self.published.undo()

    def finish(self, manifest: bytes) -> ImageWriter | None:
        """After the manifest: the old store and image go. The writer whose image is still to
        be written after the commit (`write_in_place`), if any."""
        self.work.finish()
        assert self.writer is not None
        if not self.writer.synchronous:
            return self.writer
        self.writer.finish()
        mark_image(self.ws, manifest)
        return None
