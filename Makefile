# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CONSTRAINTS := requirements/constraints.txt

.PHONY: run test venv clean

# The venv is rebuilt when the project's dependencies change.
$(BIN)/sqinspect: pyproject.toml $(CONSTRAINTS)
	$(PYTHON) -m venv $(VENV)
	# torch first and pinned: anything unpinned would pull a multi-GB CUDA build.
	$(BIN)/pip install --quiet -c $(CONSTRAINTS) torch
	$(BIN)/pip install --quiet -c $(CONSTRAINTS) -e '.[train,dev]'
	touch $@

venv: $(BIN)/sqinspect

test: venv
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

run: venv
	$(BIN)/sqinspect demo

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
