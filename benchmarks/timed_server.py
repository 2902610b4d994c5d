"""`streamlit run` with a timing hook, for benchmarks/sessions.py (never part of the app):

    python benchmarks/timed_server.py LOG run app.py --server.port N ...

Everything after LOG is Streamlit's own command line. For every run of the page script the
server writes one JSON line to LOG: the wall-clock time the rerun request reached the server
(the browser's `rerun_script` message, handled on the server's event loop), when the script
started and when it finished, and the CPU seconds the script's thread used. Page time on the
server is request to finish: it includes waiting for the script thread and the interpreter lock
(other sessions' runs), not the browser's work before the request or after the answer. Reruns a
script asks for itself (st.rerun, a fragment's timer) have no request; they are timed from
their start and marked `by: script`."""

from __future__ import annotations

import json
import sys
import threading
import time


def install(log_path: str) -> None:
    from streamlit.runtime.app_session import AppSession
    from streamlit.runtime.scriptrunner import ScriptRunnerEvent

    lock = threading.Lock()
    asked: dict[str, tuple[float, str]] = {}  # session id -> when its rerun request arrived (the earliest not yet run), its URL query
    running: dict[str, tuple[float, float, tuple[float | None, str]]] = {}  # session id -> (started, thread CPU, asked)
    handle_backmsg = AppSession.handle_backmsg
    on_event = AppSession._on_scriptrunner_event

    def write(record: dict) -> None:
        with lock, open(log_path, "a", encoding="utf-8") as out:
            out.write(json.dumps(record) + "\n")

    def timed_backmsg(self, msg) -> None:
        if msg.WhichOneof("type") == "rerun_script":
            asked.setdefault(self.id, (time.time(), msg.rerun_script.query_string))
        handle_backmsg(self, msg)

    def timed_event(self, sender, event, *args, **kwargs) -> None:
        if event == ScriptRunnerEvent.SCRIPT_STARTED:
            running[self.id] = (time.time(), time.thread_time(), asked.pop(self.id, (None, "")))
        elif event in (ScriptRunnerEvent.SCRIPT_STOPPED_WITH_SUCCESS, ScriptRunnerEvent.SCRIPT_STOPPED_FOR_RERUN,
                       ScriptRunnerEvent.SCRIPT_STOPPED_WITH_COMPILE_ERROR,
                       ScriptRunnerEvent.FRAGMENT_STOPPED_WITH_SUCCESS) and self.id in running:
            started, cpu, (request, query) = running.pop(self.id)
            done = time.time()
            write({"session": self.id, "query": query, "asked": request, "started": started, "done": done,
                   "server_s": round(done - (request or started), 4), "cpu_s": round(time.thread_time() - cpu, 4),
                   "by": "browser" if request else "script", "end": event.name})
        on_event(self, sender, event, *args, **kwargs)

    AppSession.handle_backmsg = timed_backmsg  # type: ignore[method-assign]
    AppSession._on_scriptrunner_event = timed_event  # type: ignore[method-assign]


def main() -> None:
    log = sys.argv[1]
    install(log)
    from streamlit.web.cli import main as streamlit_main

    sys.argv = ["streamlit", *sys.argv[2:]]
    streamlit_main()


if __name__ == "__main__":
    main()
