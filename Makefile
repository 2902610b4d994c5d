# mvkg: the two commands of the README are `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install run build test system-deps lock clean readme

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Java runs HermiT (OWL reasoning through owlready2). Installed with apt when missing.
system-deps:
	@command -v java >/dev/null 2>&1 || { \
	  echo "Java not found: installing default-jre-headless with apt-get"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends default-jre-headless; }

build: install
	$(BIN)/mvkg build

# The main job: build the graph from data/ and show what was built.
run: build
	$(BIN)/mvkg obligations

test: install system-deps
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
