"""The workspace lock: one writer at a time changes data/ and build/ together.

Every write (an assessment, a portfolio, a catalogue import, a review, a correction, an
ingest, a build) holds the lock exclusively from reading the files it changes to writing the
build manifest, so two writers never read the same CSV and each lose the other's row, and
no one sees data/ changed but build/ not yet. Readers that record what they read (a
snapshot) hold it shared.

The lock is an advisory `flock` on the workspace folder itself: no lock file is created, so
a refused or failed write leaves the folder exactly as it was, and the kernel drops the lock
when the process ends, however it ends. Each acquisition opens its own descriptor, so two
threads of one process (two Streamlit sessions) exclude each other as two processes do."""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from mvkg.kernel.errors import WorkspaceError

LOCK_WAIT = 300.0  # seconds a write waits for another to finish (the reasoner's own time limit)
_POLL = 0.05


class WorkspaceBusy(WorkspaceError):
    """Another command held the workspace for longer than the wait."""


class WorkspaceLock:
    """`with WorkspaceLock(root):` holds the workspace; `hand_over()` keeps it held past the
    `with` block until `release()` (a background step that finishes the write)."""

    def __init__(self, root: Path, *, shared: bool = False, wait: float = LOCK_WAIT):
        self.root = root
        self.shared = shared
        self.wait = wait
        self._fd: int | None = None
        self._handed_over = False

    def acquire(self) -> WorkspaceLock:
        fd = os.open(self.root, os.O_RDONLY)
        mode = (fcntl.LOCK_SH if self.shared else fcntl.LOCK_EX) | fcntl.LOCK_NB
        deadline = time.monotonic() + self.wait
        while True:
            try:
                fcntl.flock(fd, mode)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise WorkspaceBusy(f"another command is still writing this workspace (waited {self.wait:g} s); "
                                        "nothing was changed, try again when it has finished", path=self.root) from None
                time.sleep(_POLL)
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor drops the lock
            self._fd = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def hand_over(self) -> WorkspaceLock:
        """Leave the lock held when the `with` block ends; the new owner calls `release()`."""
        self._handed_over = True
        return self

    def __enter__(self) -> WorkspaceLock:
        return self.acquire()

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if not self._handed_over or kind is not None:
            self.release()


@dataclass
class Background:
    """Steps that finish a committed write (the image, the reasoner), run one after the other in
    a thread that holds the workspace lock handed over by the write and releases it at the end.
    Not a daemon: a process waits for it before it exits, and a Streamlit rerun does not stop it.
    A step's failure is kept (`errors`) and the next steps still run."""

    thread: threading.Thread
    errors: list[BaseException] = field(default_factory=list)

    @classmethod
    def start(cls, lock: WorkspaceLock, steps: Sequence[Callable[[], None]], name: str = "mvkg-finish") -> Background:
        errors: list[BaseException] = []

        def run() -> None:
            try:
                for step in steps:
                    try:
                        step()
                    except BaseException as exc:  # kept for whoever waits; the lock is still released
                        errors.append(exc)
            finally:
                lock.release()

        thread = threading.Thread(target=run, name=name, daemon=False)
        job = cls(thread, errors)
        thread.start()
        return job

    def join(self, timeout: float | None = None) -> bool:
        """Wait (at most `timeout` seconds); whether the steps are done."""
        self.thread.join(timeout)
        return not self.thread.is_alive()


def is_held(root: Path) -> bool:
    """Whether some writer (or a write's background step) holds the workspace now."""
    fd = os.open(root, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
