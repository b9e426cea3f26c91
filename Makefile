# Two commands a new user needs: `make run` and `make test` (each installs what it needs first).
# `make run` installs the runtime only; `make test` (and lint, bench, docs) add the dev extra.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
RUNTIME_STAMP := $(VENV)/.installed-runtime
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install compile lint bench docs model clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# The editable install compiles nothing: byte-compile the sources so the first start does not (and
# starts stay fast where PYTHONDONTWRITEBYTECODE is set); stale bytecode is recompiled by Python itself.
$(RUNTIME_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	$(BIN)/python -m compileall -q src > /dev/null
	touch $(RUNTIME_STAMP)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/python -m compileall -q src > /dev/null
	touch $(STAMP) $(RUNTIME_STAMP)

install: $(STAMP)

# The engine, the rule sets and the text reader compiled to C by mypyc (scripts/compile_rules.py): about 2x the
# verdicts a second, 1.3x the free-text classifications.
# Rebuilt when a source changes. Where it cannot be built (no C compiler), the sources run: the same results, slower;
# and a source changed since its build is never shadowed by the old compiled module (src/atmpnav/compiled.py).
COMPILED_MANIFEST := build/compiled-rules/manifest.json
RULE_SOURCES := src/atmpnav/engine.py src/atmpnav/fact_paths.py src/atmpnav/precedents.py src/atmpnav/compiled.py \
	$(wildcard src/atmpnav/law/*.py src/atmpnav/law/eu/*.py src/atmpnav/text/*.py)

$(COMPILED_MANIFEST): $(RULE_SOURCES) scripts/compile_rules.py | $(STAMP)
	-$(BIN)/python scripts/compile_rules.py

compile: $(COMPILED_MANIFEST)

# Classifies a bundled example, then serves the web app on the embedded SQLite database.
# PORT=8001 make run serves on another port; a port in use is refused with a clear message.
run: $(RUNTIME_STAMP)
	$(BIN)/atmpnav classify src/atmpnav/data/examples/car-t.yaml
	@echo "Web application: http://$(HOST):$(PORT)  (API docs: /docs; stop with Ctrl-C)"
	$(BIN)/atmpnav serve --host $(HOST) --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check src tests bench

test: $(STAMP) compile
	$(BIN)/ruff check src tests bench
	$(BIN)/pytest

# Every figure beside a baseline measured in the same run, with the machine's load.
bench: $(STAMP) compile
	$(BIN)/python bench/startup.py
	$(BIN)/python bench/engine_speed.py
	$(BIN)/python bench/calibration.py
	$(BIN)/python bench/batch_speed.py
	$(BIN)/python bench/load_api.py
	$(BIN)/python bench/records_scale.py
	$(BIN)/python bench/text_speed.py
	$(BIN)/python bench/accuracy.py

docs: $(STAMP)
	$(BIN)/python -m atmpnav.docgen

# Retrains the text model shipped in src/atmpnav/text/model.json on the benchmark texts (a test says when).
model: $(STAMP)
	$(BIN)/python scripts/train_text_model.py

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .ruff_cache
