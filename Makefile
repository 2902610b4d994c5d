# mvkg: the two commands of the README are `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install run build test lint system-deps lock clean readme bench w3c-suites corpus docs screenshots

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Java runs HermiT (OWL reasoning through owlready2); Chromium runs the browser tests; Virtuoso is
# the second SPARQL server of the remote-store tests. All come from Debian's packages, installed with apt when missing.
APT_PKGS = $(if $(shell command -v java),,default-jre-headless) $(if $(wildcard /usr/bin/chromium),,chromium)
system-deps:
	@if [ -n "$(strip $(APT_PKGS))" ]; then \
	  echo "installing with apt-get: $(APT_PKGS)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(APT_PKGS) \
	  || { echo "could not install $(APT_PKGS): the tests that need them will fail"; exit 1; }; \
	fi
	@# Virtuoso open source: the second real SPARQL server of the remote-store tests (tests/test_virtuoso.py
	@# starts its own on 127.0.0.1). Optional: where it cannot be installed those tests are skipped, saying why.
	@# RUNLEVEL=1 keeps the package from starting a system-wide server.
	@if ! command -v virtuoso-t >/dev/null; then \
	  echo "installing with apt-get: virtuoso-opensource"; \
	  { apt-get update -qq && RUNLEVEL=1 DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	      virtuoso-opensource; } || echo "could not install virtuoso-opensource: tests/test_virtuoso.py will be skipped"; \
	fi

build: install
	$(BIN)/mvkg build

# The main job: build the graph from data/ and open the analyst UI on the embedded store, on this
# machine only (127.0.0.1): local mode as your OS user, or login when .streamlit/secrets.toml has [auth].
PORT ?= 8501
run: build
	$(BIN)/mvkg ui --port $(PORT)

# The W3C Turtle, N-Triples and SPARQL syntax test suites ship in rdflib's source distribution
# (from PyPI); the security tests run the upload gate and the query guard against them.
W3C := .cache/w3c
$(W3C)/.done: constraints.txt
	rm -rf $(W3C) && mkdir -p $(W3C)/sdist
	$(BIN)/pip download --quiet --no-deps --no-binary :all: "rdflib==$$(grep -i '^rdflib==' constraints.txt | cut -d= -f3)" -d $(W3C)/sdist
	tar -xzf $(W3C)/sdist/rdflib-*.tar.gz -C $(W3C) --strip-components=5 --wildcards \
	  '*/test/data/suites/w3c/turtle/*' '*/test/data/suites/w3c/ntriples/*' \
	  '*/test/data/suites/w3c/sparql11/syntax-query/*' '*/test/data/suites/w3c/sparql11/syntax-update-1/*'
	touch $@

w3c-suites: install $(W3C)/.done

lint: install
	$(BIN)/ruff check src tests app.py benchmarks tools
	$(BIN)/mypy

test: install system-deps w3c-suites lint
	$(BIN)/pytest

lock: install
	$(BIN)/pip freeze --exclude-editable | grep -v '^mvkg' > constraints.txt.new
	{ echo '# Pinned versions for a reproducible install (pip install -c constraints.txt). Regenerate with `make lock`.'; cat constraints.txt.new; } > constraints.txt
	rm constraints.txt.new

clean:
	rm -rf build .pytest_cache

# Regenerate the seed verdict table in the README (review the diff before committing).
readme: build
	$(BIN)/python tools/update_readme.py

# HTML documentation of the ontology (classes and properties, themes, topics, actors, verbs,
# SDGs, value schemes): writes build/docs/ontology/index.html and the pages it links to.
docs: install
	$(BIN)/python tools/ontology_docs.py

# Ingest scored on the development corpus: writes benchmarks/corpus.{md,json}.
corpus: install
	$(BIN)/python tools/corpus_report.py

# Benchmarks (never part of the test suite): writes benchmarks/results.{md,json}.
bench: install system-deps build
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/formats.py
	$(BIN)/python benchmarks/suggest.py
	$(BIN)/python benchmarks/seed_writes.py
	$(BIN)/python benchmarks/browser_tasks.py
	$(BIN)/python benchmarks/sessions.py

# Screenshots of the main pages for the README (the seed workspace, Chromium): docs/screenshots/*.png.
screenshots: install system-deps
	$(BIN)/python tools/screenshots.py
