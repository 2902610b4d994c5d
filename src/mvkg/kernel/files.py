"""Writing files safely: the old file or the new one, never half (a temporary file beside it,
fsynced, renamed), with the permissions any file the user writes gets; and content hashes."""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Iterable
from pathlib import Path


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    return sha256_bytes(path.read_bytes())


def staged_file(path: Path, data: bytes | Iterable[bytes | memoryview]) -> Path:
    """`data` (bytes, or chunks of them) in a temporary file beside `path`, fsynced:
    `.NAME.RANDOM.tmp`, created with the permissions any file the user writes gets (0666 less
    the umask). Removed again if writing fails."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as fh:
            if isinstance(data, bytes | bytearray | memoryview):
                fh.write(data)
            else:
                fh.writelines(data)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def atomic_write(path: Path, data: bytes | Iterable[bytes | memoryview]) -> None:
    """Write `data` to `path` so that readers see the old file or the new one, never half."""
    tmp = staged_file(path, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
