"""A resolution file far over the size limit is refused after reading no more than the limit:
one line naming the file, exit 2, and memory that does not grow with the file."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from conftest import run_measured
from mvkg.ingest.readers import MAX_BYTES

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

