from __future__ import annotations

import hashlib
import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from mvkg import pipeline
from mvkg.cli import main
from mvkg.graph.build import load_lexicon
from mvkg.kernel.resources import find_resources
from mvkg.kernel.workspace import Workspace

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"



@pytest.fixture(autouse=True)
def _keep_main_module() -> Iterator[None]:
    """Streamlit's AppTest installs its script as `__main__` and leaves it there; a process that
    a later test starts with multiprocessing's spawn re-runs `__main__` first, so it ran that
    page script (and died) instead of its target. Each test gets back the `__main__` it found."""
    main_module = sys.modules["__main__"]
    yield
    sys.modules["__main__"] = main_module

@pytest.fixture(scope="session")
def resources():
    return find_resources()


@pytest.fixture(scope="session")
def lexicon(resources):
    return load_lexicon(resources)


def copy_workspace(dest: Path) -> Workspace:
    shutil.copytree(REPO / "data", dest / "data")
    return Workspace(dest)


@pytest.fixture
def workspace(tmp_path) -> Workspace:
    """A private copy of the seed workspace (data/ only, not built)."""
    return copy_workspace(tmp_path)


@pytest.fixture(scope="session")
def built(tmp_path_factory, resources, lexicon):
    """The seed workspace, built once for the session (read-only use)."""
    ws = copy_workspace(tmp_path_factory.mktemp("built"))
    report = pipeline.build(ws, resources, lexicon)
    return ws, report


@pytest.fixture
def live(built, tmp_path) -> Workspace:
    """A private, writable copy of the built seed workspace (data/ and build/, no snapshots)."""
    ws, _ = built
    shutil.copytree(ws.root, tmp_path / "live", ignore=shutil.ignore_patterns("snapshots"))
    return Workspace(tmp_path / "live")


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for a test module's browser tests."""
    from browser_support import chromium  # imported here: browser_support imports this file

    with chromium() as b:
        yield b


@pytest.fixture
def fresh(built, tmp_path):
    """The app served on a private, writable copy of the built seed workspace: (workspace, url)."""
    from browser_support import serve, writable_copy

    ws = writable_copy(built, tmp_path)
    with serve(ws.root) as url:
        yield ws, url


@pytest.fixture
def ui_workspace(built, monkeypatch):
    """The built seed workspace, as the app finds it ($MVKG_WORKSPACE), for AppTest pages."""
    ws, _ = built
    monkeypatch.setenv("MVKG_WORKSPACE", str(ws.root))
    return ws


def tree_hash(root: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        h.update(path.relative_to(root).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def run_cli(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


_MEASURED = """import json, resource, subprocess, sys
p = subprocess.run(sys.argv[2:], capture_output=True, text=True)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
open(sys.argv[1], "w").write(json.dumps([p.returncode, p.stdout, p.stderr, peak]))
"""


def run_measured(cmd: list[str], tmp: Path) -> tuple[int, str, str, int]:
    """Run a command and return (exit code, stdout, stderr, peak resident memory in KB). It is
    started from a small interpreter, not forked from pytest: a child forked from a large
    process counts that process's pages in its peak until it execs."""
    report = tmp / "measured.json"
    subprocess.run([sys.executable, "-c", _MEASURED, str(report), *cmd], check=True)
    code, out, err, peak = json.loads(report.read_text(encoding="utf-8"))
    return code, out, err, peak


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def oxigraph_serve(location: Path) -> Iterator[str]:
    """`oxigraph serve` (the server from the dev extras) on a free 127.0.0.1 port, storing in
    `location`: its base URL, once it answers."""
    binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    port = free_port()
    proc = subprocess.Popen([binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{url}/query?query=ASK%7B%7D", timeout=1).read()
            break
        except OSError:
            time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail(f"oxigraph serve did not start: {proc.stderr.read().decode()[:500] if proc.stderr else ''}")
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)
