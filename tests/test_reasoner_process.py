"""`kill -9` of `mvkg build` must not leave the reasoner (a Python child and HermiT's Java)
running: the child watches its parent and ends its whole process group when it is gone."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

HERMIT_PARENT = """
import sys, time
from rdflib import RDF, Graph, URIRef
from mvkg.graph.reasoning import HermitRun
from mvkg.kernel.lexicon import load_ontology_graph
from mvkg.kernel.namespaces import MVKG
from mvkg.kernel.resources import find_resources

g = Graph()
for t in load_ontology_graph(find_resources().ontology_files()):
    g.add(t)
for i in range(1000):  # enough individuals to keep HermiT busy for seconds
    o = URIRef(f"https://w3id.org/mvkg/id/x/o{i}")
    g.add((o, RDF.type, MVKG.Obligation))
    g.add((o, MVKG.hasStrength, MVKG.binding))
run = HermitRun(g, 600)
print(run.proc.pid, flush=True)
time.sleep(600)
"""


def _group(pgid: int) -> list[tuple[int, str]]:
    """(pid, command name) of the live processes in a process group."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name = text[text.index("(") + 1:text.rindex(")")]
        fields = text[text.rindex(")") + 2:].split()
        if int(fields[2]) == pgid and fields[0] != "Z":
            out.append((int(stat.parent.name), name))
    return out


@pytest.mark.skipif(shutil.which("java") is None, reason="HermiT needs Java")
def test_kill_9_of_the_build_ends_the_reasoner_and_its_java():
    parent = subprocess.Popen([sys.executable, "-c", HERMIT_PARENT], stdout=subprocess.PIPE, text=True)
    try:
        child = int(parent.stdout.readline())
        deadline = time.time() + 120
        while not any(name == "java" for _, name in _group(child)) and time.time() < deadline:
            time.sleep(0.05)
        assert any(name == "java" for _, name in _group(child)), "HermiT's Java never started"
    finally:
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()
    deadline = time.time() + 30  # the watchdog polls every 0.2 s
    while _group(child) and time.time() < deadline:
        time.sleep(0.1)
    assert _group(child) == []
