"""A workspace is a folder holding `data/` (resolutions, and later catalogue, assessments,
portfolios, snapshots) and `build/` (the built store, git-ignored). Every write here is
atomic: a temporary file in the same folder, fsync, then rename."""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from mvkg.kernel.errors import InputError, WorkspaceError
from mvkg.kernel.files import atomic_write, fsync_dir, sha256_file, staged_file
from mvkg.kernel.model import ResolutionMeta
from mvkg.kernel.vocabulary import VOCABULARY

_META_KEYS = {"code", "title", "proposer", "document_numbers", "date", "status", "related", "origin", "original",
              "original_sha256"}


@dataclass(frozen=True)
class ResolutionEntry:
    meta: ResolutionMeta
    text_path: Path
    meta_path: Path


@dataclass(frozen=True)
class StoreSettings:
    """Where the built graph is read from: the embedded store (location None) or a remote
    SPARQL endpoint (`sparql+http://…`)."""

    location: str | None = None
    graph_store: str | None = None
    timeout: float = 300.0
    # credentials for the endpoint (HTTP basic/digest or a bearer token); the environment
    # (MVKG_STORE_USER, MVKG_STORE_PASSWORD, MVKG_STORE_TOKEN) takes precedence over these
    user: str | None = field(default=None, repr=False)
    password: str | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)
    max_response_mb: int = 256  # a larger answer from the endpoint is refused, not read
    # "server": queries run on the endpoint; "local": its graphs are read once into memory and
    # queried there (for servers whose SPARQL gives wrong answers, such as Virtuoso 7.2)
    evaluate: str = "server"


SETTINGS_FILE = "mvkg.toml"


@dataclass(frozen=True)
class Workspace:
    root: Path
    store_override: str | None = None  # --store on the command line

    def store_settings(self) -> StoreSettings:
        """--store, else $MVKG_STORE, else [store] in mvkg.toml, else the embedded store."""
        table = _settings_table(self.root / SETTINGS_FILE)
        location = self.store_override or os.environ.get("MVKG_STORE") or table.get("location")
        if location in ("", "embedded"):
            location = None
        try:
            timeout = float(table.get("timeout", 300.0))
        except (TypeError, ValueError):
            raise InputError("[store] timeout must be a number of seconds", path=self.root / SETTINGS_FILE) from None
        cap = table.get("max_response_mb", StoreSettings.max_response_mb)
        if not isinstance(cap, int) or isinstance(cap, bool) or cap < 1:
            raise InputError("[store] max_response_mb must be a whole number of megabytes", path=self.root / SETTINGS_FILE)
        evaluate = table.get("evaluate", StoreSettings.evaluate)
        if evaluate not in ("server", "local"):
            raise InputError('[store] evaluate must be "server" or "local"', path=self.root / SETTINGS_FILE)
        return StoreSettings(location, table.get("graph_store"), timeout, table.get("user"), table.get("password"),
                             table.get("token"), cap, evaluate)

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def resolutions_dir(self) -> Path:
        return self.data / "resolutions"

    # ------------------------------------------------------------ the data/ layout
    # Every path under data/ and build/ is named here and nowhere else.

    @property
    def catalogue_dir(self) -> Path:
        return self.data / "catalogue"

    @property
    def catalogue_file(self) -> Path:
        """Where imported catalogue entries go."""
        return self.catalogue_dir / "catalogue.csv"

    @property
    def coverage_dir(self) -> Path:
        return self.data / "coverage"

    def coverage_file(self, name: str) -> Path:
        return self.coverage_dir / name

    @property
    def portfolios_dir(self) -> Path:
        return self.data / "portfolios"

    def portfolio_file(self, name: str, suffix: str = ".json") -> Path:
        return self.portfolios_dir / f"{name}{suffix}"

    @property
    def decisions_file(self) -> Path:
        """Analysts' reviews of suggested alignments."""
        return self.data / "alignments" / "decisions.csv"

    @property
    def corrections_file(self) -> Path:
        """Analysts' corrections of what ingest extracted (applied at every build)."""
        return self.data / "corrections" / "corrections.csv"

    @property
    def correction_reviews_file(self) -> Path:
        """Reviewers' confirmations of corrections (not a build input: a review changes no graph)."""
        return self.data / "corrections" / "reviews.csv"

    @property
    def extra_dir(self) -> Path:
        """Checked RDF imports, one N-Triples file (and named graph) each."""
        return self.data / "extra"

    @property
    def snapshots_dir(self) -> Path:
        return self.data / "snapshots"

    @property
    def saved_queries_dir(self) -> Path:
        """Analysts' saved SPARQL queries, ID.rq (not build inputs: saving one changes no graph)."""
        return self.data / "queries" / "saved"

    @property
    def roles_file(self) -> Path:
        """Who holds which roles (person, roles); absent, the local user is admin."""
        return self.data / "roles.csv"

    @property
    def audit_dir(self) -> Path:
        """The audit trail: journal.jsonl (one hash-chained line per change) and head.json."""
        return self.data / "audit"

    @property
    def build_dir(self) -> Path:
        return self.root / "build"

    @property
    def store_dir(self) -> Path:
        return self.build_dir / "store"

    @property
    def image_file(self) -> Path:
        """The build's canonical N-Quads image (what a 'memory' store loads)."""
        return self.build_dir / "mvkg.nq"

    @property
    def manifest_file(self) -> Path:
        return self.build_dir / "manifest.json"

    @property
    def image_state_file(self) -> Path:
        """Which manifest the image reflects (the image may follow a write a moment later)."""
        return self.build_dir / "image.json"

    @property
    def reasoning_file(self) -> Path:
        """The reasoner's last result and what it depended on (reused while that is unchanged)."""
        return self.build_dir / "reasoning.json"

    def catalogue_files(self) -> list[Path]:
        return _files(self.catalogue_dir, "*.csv")

    def assessment_files(self) -> list[Path]:
        return _files(self.coverage_dir, "*.csv")

    def portfolio_files(self) -> list[Path]:
        return _files(self.portfolios_dir, "*.json")

    def rdf_portfolio_files(self) -> list[Path]:
        """Portfolios given as RDF (an exported member list), each loaded into its own graph."""
        return _files(self.portfolios_dir, "*.nt")

    def extra_files(self) -> list[Path]:
        return _files(self.extra_dir, "*.nt")

    def data_files(self) -> list[Path]:
        """The workspace files besides the resolutions that a build reads."""
        optional = [f for f in (self.decisions_file, self.corrections_file) if f.is_file()]
        return [*self.catalogue_files(), *self.assessment_files(), *self.portfolio_files(),
                *self.rdf_portfolio_files(), *optional, *self.extra_files()]

    # ------------------------------------------------------------ the input manifest

    def current_inputs(self, ontology_files: list[Path], manifest: dict | None = None) -> dict[str, str]:
        """sha256 of every input a build reads, as it is on disk now (the manifest's keys). A
        file whose size and modification time are those `manifest` recorded keeps the sha256
        recorded with them (not read again: at 1M triples the inputs are 150 MB)."""
        known = manifest.get("inputs", {}) if manifest else {}
        stats = manifest.get("stats", {}) if manifest else {}

        def digest(path: Path, key: str) -> str:
            st = path.stat()
            same = key in known and stats.get(key) == [st.st_size, st.st_mtime_ns]
            return known[key] if same else sha256_file(path)

        out = {f"ontology/{p.name}": digest(p, f"ontology/{p.name}") for p in ontology_files}
        for entry in self.resolutions():
            for path in (entry.text_path, entry.meta_path):
                out[self.relative(path)] = digest(path, self.relative(path))
        out.update({self.relative(p): digest(p, self.relative(p)) for p in self.data_files()})
        return out

    def input_stats(self, ontology_files: list[Path]) -> dict[str, list[int]]:
        """Size and modification time (ns) of the inputs last changed more than a second ago:
        what lets `current_inputs` trust a recorded sha256 (a file changed within the same
        clock tick as it was recorded is read again instead)."""
        settled = time.time_ns() - 1_000_000_000
        paths = {f"ontology/{p.name}": p for p in ontology_files}
        for entry in self.resolutions():
            paths.update({self.relative(p): p for p in (entry.text_path, entry.meta_path)})
        paths.update({self.relative(p): p for p in self.data_files()})
        out = {}
        for key, path in sorted(paths.items()):
            st = path.stat()
            if st.st_mtime_ns < settled:
                out[key] = [st.st_size, st.st_mtime_ns]
        return out

    def built_manifest(self) -> dict:
        """The last build's manifest (inputs with their sha256, graphs, counts)."""
        if not self.manifest_file.is_file():
            raise WorkspaceError("no build manifest; run `mvkg build` first")
        return json.loads(self.manifest_file.read_text(encoding="utf-8"))

    def built_inputs(self) -> dict[str, str]:
        """The inputs recorded by the last build."""
        return self.built_manifest()["inputs"]

    def changed_inputs(self, ontology_files: list[Path]) -> list[str]:
        """The inputs that differ from what the last build read (none: the build is current)."""
        manifest = self.built_manifest()
        built, now = manifest["inputs"], self.current_inputs(ontology_files, manifest)
        return sorted(k for k in set(built) | set(now) if built.get(k) != now.get(k))

    def check_build_current(self, ontology_files: list[Path]) -> dict[str, str]:
        """The build's inputs, or an error naming what changed since the build (mvkg's own
        writes keep the build current; this catches files edited by hand)."""
        changed = self.changed_inputs(ontology_files)
        if changed:
            raise WorkspaceError(f"the build is out of date ({', '.join(changed[:5])}"
                                 f"{' …' if len(changed) > 5 else ''} changed since, outside mvkg); "
                                 "run `mvkg build` first")
        return self.built_inputs()

    def relative(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()

    def resolutions(self) -> list[ResolutionEntry]:
        if not self.resolutions_dir.is_dir():
            return []
        return [self._entry(p) for p in sorted(self.resolutions_dir.glob("*.json"))]

    def _entry(self, meta_path: Path) -> ResolutionEntry:
        meta = read_meta(meta_path)
        text_path = meta_path.with_suffix(".txt")
        if not text_path.is_file():
            raise WorkspaceError(f"metadata without its text: expected {text_path.name} next to it", path=meta_path)
        return ResolutionEntry(meta, text_path, meta_path)


def _files(folder: Path, pattern: str) -> list[Path]:
    return sorted(folder.glob(pattern)) if folder.is_dir() else []


def _settings_table(path: Path) -> dict:
    if not path.is_file():
        return {}
    import tomllib

    try:
        table = tomllib.loads(path.read_text(encoding="utf-8")).get("store", {})
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"invalid settings file: {exc}", path=path) from None
    keys = ("location", "graph_store", "user", "password", "token")
    if not isinstance(table, dict) or any(not isinstance(table.get(k, ""), str) for k in keys):
        raise InputError("expected a [store] table with string values location, graph_store, user, password and token",
                         path=path)
    return table


def open_workspace(root: str | Path, store: str | None = None) -> Workspace:
    path = Path(root)
    if not path.is_dir():
        raise WorkspaceError("workspace folder does not exist", path=path)
    ws = Workspace(path, store)
    recover(ws)
    return ws


JOURNAL = ".mvkg-journal.json"


def atomic_write_many(ws: Workspace, files: dict[Path, bytes]) -> None:
    """Write several files as one change. Each is written to a temporary file and fsynced;
    a journal naming every rename is then written (the commit point); the renames follow and
    the journal is removed. A crash before the journal leaves the old files; after it,
    `recover` (run whenever the workspace is opened) finishes the renames."""
    staged = {}
    try:
        for path, data in files.items():
            staged[str(staged_file(path, data))] = str(path)
    except BaseException:
        for tmp in staged:
            Path(tmp).unlink(missing_ok=True)
        raise
    atomic_write(ws.data / JOURNAL, json.dumps({"renames": staged}).encode("utf-8"))
    recover(ws)


def recover(ws: Workspace) -> None:
    """Finish a multi-file change whose journal was committed (idempotent)."""
    journal = ws.data / JOURNAL
    if not journal.is_file():
        return
    try:
        renames = json.loads(journal.read_text(encoding="utf-8"))["renames"]
    except (ValueError, KeyError):
        raise WorkspaceError("the change journal is damaged; restore data/ from version control", path=journal) from None
    for tmp, final in renames.items():
        if Path(tmp).exists():
            os.replace(tmp, final)
            fsync_dir(Path(final).parent)
    journal.unlink()
    fsync_dir(journal.parent)


def dumps_json(obj: object) -> bytes:
    return (json.dumps(obj, indent=2, ensure_ascii=False, sort_keys=False) + "\n").encode("utf-8")


def read_meta(path: Path) -> ResolutionMeta:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg}", path=path, line=exc.lineno) from None
    except UnicodeDecodeError:
        raise InputError("metadata is not UTF-8", path=path) from None
    if not isinstance(raw, dict) or not isinstance(raw.get("code"), str) or not raw["code"].strip():
        raise InputError('expected a JSON object with a non-empty "code"', path=path)
    unknown = set(raw) - _META_KEYS
    if unknown:
        raise InputError(f"unknown keys {sorted(unknown)}; allowed: {sorted(_META_KEYS)}", path=path)
    status = raw.get("status") or "draft"
    allowed = VOCABULARY.resolution_statuses.notations
    if status not in allowed:
        raise InputError(f'"status" must be one of {sorted(allowed)}, not {status!r}', path=path)
    return ResolutionMeta(
        code=raw["code"],
        title=raw.get("title"),
        proposer=raw.get("proposer"),
        document_numbers=tuple(raw.get("document_numbers") or ()),
        date=raw.get("date"),
        status=status,
        related=tuple(raw.get("related") or ()),
        origin=raw.get("origin"),
        original=raw.get("original"),
        original_sha256=raw.get("original_sha256"),
    )
