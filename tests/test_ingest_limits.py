"""Limits of one ingest. A resolution file far over the size limit is refused after reading no
more than the limit: one line naming the file, exit 2, and memory that does not grow with the
file. A file that takes too long to read is stopped by the time limit the same way."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import run_measured
from mvkg.ingest.readers import MAX_BYTES
from mvkg.ingest.resolutions import INGEST_MEMORY_MB, INGEST_SECONDS, ingest_file, ingest_limits
from mvkg.kernel.errors import InputError
from mvkg.kernel.workspace import Workspace
from mvkg.query.isolated import ChildLimits

MVKG = shutil.which("mvkg") or str(Path(sys.executable).with_name("mvkg"))


def test_a_huge_file_is_refused_without_reading_it_whole(tmp_path):
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as f:  # sparse: 300 MB on paper, nothing on disk
        f.truncate(300 * 1024 * 1024)
    code, _, err, peak = run_measured([MVKG, "-w", str(tmp_path), "ingest", str(huge), "--dry-run"], tmp_path)
    assert code == 2
    assert err.strip().count("\n") == 0 and "huge.txt" in err and f"over {MAX_BYTES} bytes" in err
    assert "Traceback" not in err
    assert peak < 250 * 1024  # KB: the interpreter, the libraries and the limit, not 300 MB



# ------------------------------------------------------------------ a file that takes too long

PREAMBLE = "DRAFT NEW RESOLUTION [BIG-1] (New Delhi, 2024)\nThe World Telecommunication Standardization Assembly,\n"
HEADING = "resolves\n1\tto ensure that standards are developed for item {i};\n"


def _many_headings(path: Path, headings: int) -> Path:
    """A generated resolution of `headings` sections (each parsed in linear time, but many)."""
    path.write_text(PREAMBLE + "".join(HEADING.format(i=i) for i in range(headings)), encoding="utf-8")
    return path


def test_ingest_past_its_time_limit_is_refused_in_one_line(tmp_path):
    """`mvkg ingest` reads the file in a child under $MVKG_INGEST_SECONDS: past it, exit 2, one
    line naming the file and the limit, nothing written; the same command without the low
    limit reads a small file."""
    big = _many_headings(tmp_path / "big.txt", 40_000)
    env = {**os.environ, "MVKG_INGEST_SECONDS": "1"}
    done = subprocess.run([MVKG, "-w", str(tmp_path), "ingest", str(big)], capture_output=True, text=True, env=env,
                          timeout=120)
    assert done.returncode == 2
    err = done.stderr.strip()
    assert err.count("\n") == 0 and "Traceback" not in err
    assert err.startswith("mvkg: error: ") and "big.txt" in err and "time limit (1 s)" in err
    assert "MVKG_INGEST_SECONDS" in err
    assert not (tmp_path / "data" / "resolutions").exists()
    small = _many_headings(tmp_path / "small.txt", 3)
    read = subprocess.run([MVKG, "-w", str(tmp_path), "ingest", str(small), "--dry-run"], capture_output=True,
                          text=True, env=env, timeout=120)
    assert read.returncode == 0 and "BIG-1: 3 sections (3 operative), 3 clauses, 3 obligations" in read.stdout


def test_ingest_file_is_bounded_by_default_and_limits_are_configurable(tmp_path, lexicon, monkeypatch):
    ws = Workspace(tmp_path)
    big = _many_headings(tmp_path / "big.txt", 40_000)
    with pytest.raises(InputError, match=r"time limit \(0\.5 s\)") as stopped:
        ingest_file(big, lexicon, ws, limits=ChildLimits(seconds=0.5))
    assert stopped.value.path == str(big) and stopped.value.exit_code == 2
    monkeypatch.setenv("MVKG_INGEST_SECONDS", "0.5")
    with pytest.raises(InputError, match=r"time limit \(0\.5 s\)"):
        ingest_file(big, lexicon, ws)  # the environment's limit when none is given
    assert ingest_limits({"MVKG_INGEST_SECONDS": "90", "MVKG_INGEST_MEMORY_MB": "512"}) == ChildLimits(90.0, 512)
    assert ingest_limits({}) == ChildLimits(INGEST_SECONDS, INGEST_MEMORY_MB)
    for bad in ("0", "-3", "soon", "inf"):
        with pytest.raises(InputError, match="MVKG_INGEST_SECONDS must be a positive number"):
            ingest_limits({"MVKG_INGEST_SECONDS": bad})
    # an error inside the child comes back as itself, with its file
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n", encoding="utf-8")
    with pytest.raises(InputError, match="empty") as refused:
        ingest_file(empty, lexicon, ws)
    assert refused.value.path == str(empty)
