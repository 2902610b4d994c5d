"""A function run in a forked child under a time limit and an address-space cap: the same
machinery as bounded queries, for work that is not a query (reading an uploaded resolution,
a validation with an analyst's own shapes). The child shares the parent's memory
copy-on-write, so nothing is loaded again; its result comes back pickled through a pipe.
When the time limit passes the child is killed, and a child that runs out of memory dies;
either way the caller gets LimitReached, never a half result.

Frames on pipes (an 8-byte length, then the body) are shared with `bounded`."""

from __future__ import annotations

import contextlib
import faulthandler
import os
import pickle
import resource
import select
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from mvkg.kernel.errors import EXIT_CHECKS_FAILED, MvkgError

T = TypeVar("T")
HEADER = 8  # bytes of a frame's length


@dataclass(frozen=True)
class ChildLimits:
    seconds: float
    memory_mb: int = 2048  # how far the child's address space may grow beyond the parent's


class LimitReached(MvkgError):
    """A limit stopped the work; `limit` is "time" or "memory"."""

    exit_code = EXIT_CHECKS_FAILED

    def __init__(self, message: str, *, limit: str = "time", path: str | Path | None = None):
        self.limit = limit
        super().__init__(message, path=path)


# ------------------------------------------------------------------ frames on pipes

def write_frame(fd: int, body: bytes) -> None:
    data = memoryview(len(body).to_bytes(HEADER, "big") + body)
    while data:
        data = data[os.write(fd, data):]


def _read_exactly(fd: int, size: int, deadline: float | None) -> bytes:
    """`size` bytes from fd; TimeoutError past the deadline, EOFError when the writer is gone."""
    buf = bytearray()
    while len(buf) < size:
        if deadline is not None:
            left = deadline - time.perf_counter()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise TimeoutError
        chunk = os.read(fd, min(size - len(buf), 1 << 20))
        if not chunk:
            raise EOFError
        buf += chunk
    return bytes(buf)


def read_frame(fd: int, deadline: float | None) -> bytes:
    return _read_exactly(fd, int.from_bytes(_read_exactly(fd, HEADER, deadline), "big"), deadline)


def cap_address_space(extra_mb: int) -> None:
    """In a forked child: its address space may grow by extra_mb beyond what it holds now.
    Rust's report of a failed allocation (and the abort dump that follows) go to /dev/null."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
    faulthandler.disable()
    in_use = int(Path("/proc/self/statm").read_text().split()[0]) * resource.getpagesize()
    limit = in_use + extra_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def cap_cpu_from_now(seconds: int) -> None:
    """Let this process use at most `seconds` more CPU seconds (the kernel ends it after that).
    A forked child answers many queries, so its cap moves on with each one."""
    used = resource.getrusage(resource.RUSAGE_SELF)
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    soft = int(used.ru_utime + used.ru_stime) + seconds
    resource.setrlimit(resource.RLIMIT_CPU, (soft if hard == resource.RLIM_INFINITY else min(soft, hard), hard))


def kill_child(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)


# ------------------------------------------------------------------ a function in a child

def _outcome(fn: Callable[[], object]) -> bytes:
    """In the child: fn's result, or the exception it raised, pickled."""
    try:
        outcome: tuple[str, object] = ("ok", fn())
    except MemoryError:
        outcome = ("limit", "memory")
    except RecursionError:
        outcome = ("error", MvkgError("the input nests too deeply to be processed"))
    except Exception as exc:  # raised again in the parent, as if the call had run there
        outcome = ("error", exc)
    try:
        return pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:  # an exception that cannot cross the pipe: its text can
        return pickle.dumps(("error", MvkgError(f"{type(outcome[1]).__name__}: {outcome[1]} ({exc})")))


def call_bounded(fn: Callable[[], T], limits: ChildLimits, what: str = "the work") -> T:
    """fn() run in a forked child under `limits`; its return value (pickled) or the exception
    it raised. Raises LimitReached when the time limit passes or the child runs out of
    memory. Without fork (not POSIX) fn runs here, unbounded."""
    if not hasattr(os, "fork"):
        return fn()
    answers, answer_write = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.close(answers)
            cap_address_space(limits.memory_mb)
            write_frame(answer_write, _outcome(fn))
            code = 0
        finally:
            os._exit(code)  # never the parent's exit handlers
    os.close(answer_write)
    started = time.perf_counter()
    try:
        body = read_frame(answers, started + limits.seconds)
    except TimeoutError:
        raise LimitReached(f"{what} was stopped by the time limit ({limits.seconds:g} s)", limit="time") from None
    except EOFError:
        raise LimitReached(f"{what} was stopped by the memory limit ({limits.memory_mb} MB)", limit="memory") from None
    finally:
        os.close(answers)
        kill_child(pid)
    kind, value = pickle.loads(body)
    if kind == "limit":
        raise LimitReached(f"{what} was stopped by the memory limit ({limits.memory_mb} MB)", limit="memory")
    if kind == "error":
        raise value
    return value
