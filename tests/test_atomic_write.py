"""One atomic write for every file mvkg writes (data files, the build image, reports): the old
file or the new one, never half; the permissions any file the user writes gets (a shared
workspace stays readable by the team); chunks written as one file; nothing left on failure."""

from __future__ import annotations

import os
import stat

import pytest

from mvkg.kernel.files import atomic_write


def test_permissions_follow_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        atomic_write(tmp_path / "a.csv", b"x\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "a.csv").stat().st_mode) == 0o644


def test_chunks_make_one_file_and_replace_the_old_one(tmp_path):
    path = tmp_path / "sub" / "image.nq"
    atomic_write(path, b"old")
    atomic_write(path, iter([b"<a> ", memoryview(b"<b> <c> .\n")]))
    assert path.read_bytes() == b"<a> <b> <c> .\n"
    assert sorted(p.name for p in path.parent.iterdir()) == ["image.nq"]


def test_a_failed_write_keeps_the_old_file_and_leaves_nothing(tmp_path):
    path = tmp_path / "kept.json"
    atomic_write(path, b"{}")

    def broken():
        yield b"half"
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        atomic_write(path, broken())
    assert path.read_bytes() == b"{}" and sorted(p.name for p in tmp_path.iterdir()) == ["kept.json"]
