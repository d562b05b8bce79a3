# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CONSTRAINTS := requirements/constraints.txt

.PHONY: run demo test venv clean translations screenshots

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

# The station on the default bundle, with the sample line video as its camera. A new station
# first asks for its administrator account. Without a screen: `make demo` (console).
run: venv
	$(BIN)/sqinspect gui --camera assets/samples/line.mp4

demo: venv
	$(BIN)/sqinspect demo

# docs/screenshots, under a real X server when xvfb-run is there (Debian: apt install xvfb).
screenshots: venv
	if command -v xvfb-run >/dev/null; then xvfb-run -a -s "-screen 0 1920x1080x24" $(BIN)/python -m app.gui.screenshots; \
	else QT_QPA_PLATFORM=offscreen $(BIN)/python -m app.gui.screenshots; fi

# After changing GUI strings: update the .ts (translate the new entries, e.g. in pyside6-linguist),
# then compile the .qm the app loads.
translations: venv
	$(BIN)/pyside6-lupdate $$(find app/gui -name '*.py' | sort) -no-obsolete -ts assets/translations/sqinspect_ja.ts
	$(BIN)/pyside6-lrelease assets/translations/sqinspect_ja.ts -qm assets/translations/sqinspect_ja.qm

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
