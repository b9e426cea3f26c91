# Two commands a new user needs: `make run` and `make test` (each installs what it needs first).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install lint bench docs clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Classifies a bundled example, then serves the web app on the embedded SQLite database.
run: $(STAMP)
	$(BIN)/atmpnav classify src/atmpnav/data/examples/car-t.yaml
	@echo "Web application: http://127.0.0.1:8000  (API docs: /docs; stop with Ctrl-C)"
	$(BIN)/atmpnav serve --host 127.0.0.1 --port 8000

lint: $(STAMP)
	$(BIN)/ruff check src tests bench

test: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/pytest

# Every figure beside a baseline measured in the same run, with the machine's load.
bench: $(STAMP)
	$(BIN)/python bench/startup.py
	$(BIN)/python bench/engine_speed.py
	$(BIN)/python bench/calibration.py
	$(BIN)/python bench/batch_speed.py
	$(BIN)/python bench/load_api.py
	$(BIN)/python bench/accuracy.py

docs: $(STAMP)
	$(BIN)/python -m atmpnav.docgen

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .ruff_cache
