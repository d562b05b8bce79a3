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

# docs/screenshots, under a real X server when xvfb-run is there (Debian: apt install xvfb fonts-noto-cjk;
# without a Japanese font the ja shots would be boxes, so they refuse to render).
screenshots: venv
	if command -v xvfb-run >/dev/null; then xvfb-run -a -s "-screen 0 1920x1080x24" $(BIN)/python -m app.gui.screenshots; \
	else QT_QPA_PLATFORM=offscreen $(BIN)/python -m app.gui.screenshots; fi

# After changing GUI strings: update the .ts (translate the new entries, e.g. in pyside6-linguist),
# then compile the .qm the app loads.
translations: venv
	$(BIN)/pyside6-lupdate $$(find app/gui -name '*.py' | sort) -no-obsolete -ts assets/translations/sqinspect_ja.ts
	$(BIN)/pyside6-lrelease assets/translations/sqinspect_ja.ts -qm assets/translations/sqinspect_ja.qm

# The offline installer for line PCs (installer/README.md): dist/sq-inspect-VERSION-linux-x86_64.tar.gz
# and dist/sq-inspect_VERSION_amd64.deb. Downloads the runtime wheels (about 450 MB) once per build.
.PHONY: dist dist-test
dist: venv
	$(BIN)/python installer/build_dist.py --out dist

# Builds the archive, installs it offline into a temporary home, inspects, upgrades, uninstalls
# (about 2 minutes; also part of `make test`).
dist-test: venv
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q tests/test_installer.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
