"""Bounded query execution on an in-memory store: a child forked from the process that holds
the graph answers as a fresh process that loads the graph itself would; the worker the UI
keeps answers query after query in the same child, replaces it after a stop, and ends it."""

from __future__ import annotations

import gc
import os
import threading
from pathlib import Path

import pytest

from mvkg.kernel.errors import QueryError
from mvkg.kernel.resources import find_resources
from mvkg.query.bounded import QueryWorker, run_query_bounded
from mvkg.query.sparql import QueryLimits, read_query_file
from mvkg.query.store import load_image

QUERIES = sorted(find_resources().queries.glob("*.rq"))
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
HUNGRY = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?a ?c ?f WHERE { ?a ?b ?c . ?d ?e ?f } }"


@pytest.fixture(scope="module")
def image(built):
    return built[0].build_dir / "mvkg.nq"


@pytest.fixture(scope="module")
def kept(image):
    worker = QueryWorker(load_image(image))
    yield worker
    worker.close()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _count(worker: QueryWorker) -> int:
    return int(worker.run(COUNT, QueryLimits()).rows[0][0].value)


@pytest.mark.parametrize("path", QUERIES, ids=[p.stem for p in QUERIES])
def test_forked_queries_answer_as_a_fresh_process(image, kept, path):
    """One child per query (the CLI), the child kept across queries (the UI) and a fresh
    process that loads the image itself give the same answer."""
    location, text = f"memory:{image}", read_query_file(path)
    fresh = run_query_bounded(location, text, QueryLimits())
    once = run_query_bounded(location, text, QueryLimits(), store=load_image(image))
    first = kept.pid
    again = run_query_bounded(location, text, QueryLimits(), worker=kept)
    assert fresh.rows and (once.columns, once.rows) == (fresh.columns, fresh.rows)
    assert (again.columns, again.rows) == (fresh.columns, fresh.rows)
    assert first is None or kept.pid == first  # the same child, query after query


def test_a_time_limit_stop_replaces_the_child(image):
    worker = QueryWorker(load_image(image))
    expected = _count(worker)
    first = worker.pid
    stopped = worker.run(RUNAWAY, QueryLimits(seconds=1.0))
    assert stopped.limit_hit == "time" and not stopped.rows
    assert worker.pid is None and not _alive(first)  # killed and reaped
    assert _count(worker) == expected and worker.pid not in (None, first)
    worker.close()


def test_a_memory_limit_stop_replaces_the_child(image):
    worker = QueryWorker(load_image(image))
    stopped = worker.run(HUNGRY, QueryLimits(seconds=60, memory_mb=512))
    assert stopped.limit_hit == "memory"
    assert worker.pid is None
    assert _count(worker) > 0  # a new child, with the default limits
    worker.close()


def test_a_refused_query_never_reaches_the_child(kept):
    with pytest.raises(QueryError, match="read-only"):
        kept.run("INSERT DATA { <urn:a> <urn:b> <urn:c> }", QueryLimits())
    with pytest.raises(QueryError, match="SERVICE"):
        kept.run("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", QueryLimits())
    assert _count(kept) > 0


def test_a_busy_child_does_not_make_another_query_wait(image):
    """While one session's query holds the kept child, another's runs in a child of its own."""
    worker = QueryWorker(load_image(image))
    expected = _count(worker)
    slow = {}
    thread = threading.Thread(target=lambda: slow.update(r=worker.run(RUNAWAY, QueryLimits(seconds=3.0))))
    thread.start()
    try:
        while thread.is_alive() and not worker._lock.locked():
            pass
        assert worker._lock.locked()
        assert _count(worker) == expected  # answered while the kept child is busy
    finally:
        thread.join()
    assert slow["r"].limit_hit == "time"
    worker.close()


def test_the_child_runs_at_a_lower_priority_than_the_server(image):
    """One analyst's heavy query takes the CPU the other sessions' page runs leave."""
    from mvkg.query.bounded import QUERY_NICENESS

    worker = QueryWorker(load_image(image))
    _count(worker)
    assert worker.pid is not None
    here = os.getpriority(os.PRIO_PROCESS, 0)
    assert os.getpriority(os.PRIO_PROCESS, worker.pid) == min(here + QUERY_NICENESS, 19)  # 19: the lowest
    worker.close()


def test_a_forked_child_has_a_cpu_limit_for_each_query(image):
    """A forked child answers many queries; its CPU cap moves on with each, to twice the query's
    time limit past what it has used, so a child left running by a killed server stops by itself."""
    worker = QueryWorker(load_image(image))
    limits = QueryLimits(seconds=4.0)
    for _ in range(2):
        worker.run(COUNT, limits)
        proc = Path("/proc") / str(worker.pid)
        soft = next(x for x in (proc / "limits").read_text().splitlines() if x.startswith("Max cpu time")).split()[3]
        fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        used = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        assert soft != "unlimited"
        assert int(used) + 2 * 4 + 1 - 1 <= int(soft) <= used + 2 * 4 + 1, (soft, used)
    worker.close()


def test_the_child_ends_with_its_worker(image):
    worker = QueryWorker(load_image(image))
    _count(worker)
    pid = worker.pid
    assert _alive(pid)
    del worker
    gc.collect()
    assert not _alive(pid)


def test_a_query_process_that_fails_says_why_instead_of_blaming_memory(tmp_path):
    """Only an exhausted address space is a memory stop; any other failure of the query
    process (here: no store where one was expected) is an error that says what it was."""
    from mvkg.kernel.errors import QueryError
    from mvkg.query.bounded import run_query_bounded
    from mvkg.query.sparql import QueryLimits

    with pytest.raises(QueryError, match="the query process failed: .*No such file"):
        run_query_bounded(str(tmp_path / "no-store"), "SELECT * WHERE { ?s ?p ?o }", QueryLimits())


def test_a_spawned_query_process_has_a_cpu_limit_of_its_own(built):
    """The parent stops a query at its time limit; the kernel stops a query process whose
    parent is gone (a server stopped while a cross join ran left such processes using a core
    each until they were killed by hand), at child_cpu_seconds of CPU."""
    from mvkg.query.bounded import child_cpu_seconds

    limits = QueryLimits(seconds=3.0)
    done = threading.Event()

    def run() -> None:
        try:
            run_query_bounded(str(built[0].store_dir), RUNAWAY, limits)
        finally:
            done.set()

    threading.Thread(target=run, daemon=True).start()
    soft = None
    while soft is None and not done.is_set():
        for pid in os.listdir("/proc"):
            try:
                proc = Path("/proc") / pid
                if not pid.isdigit() or b"child_main" not in (proc / "cmdline").read_bytes():
                    continue
                if int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1]) != os.getpid():
                    continue
                line = next(x for x in (proc / "limits").read_text().splitlines() if x.startswith("Max cpu time"))
            except (OSError, StopIteration, IndexError, ValueError):
                continue
            soft = line.split()[3]
    done.wait(60)
    assert soft == str(child_cpu_seconds(limits)), soft
