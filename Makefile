# spatial: two commands on a fresh machine.
#   make run    set everything up, then start the app on a default world
#   make test   set everything up, then run the whole test suite (with the 25 slowest tests listed)
# and for iterating / releasing:
#   make test-fast       the suite without the slow, browser and interop tests (minutes, not tens of minutes)
#   make test-installed  build the wheel, install it into a fresh venv outside the tree, smoke-test `spatial app`
# Setup = a virtualenv in .venv, the pinned CPU torch wheel first (an open torch requirement would pull
# a multi-GB CUDA build), the package with its C++ (and, when nvcc exists, CUDA) kernels, the node tools
# (viewer bundle from its lock file, splat-transform for interop tests) and Debian's chromium when root.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
STAMP := $(VENV)/.spatial-installed
EXTRAS ?= all,test
NODE_DIRS := $(patsubst %/package-lock.json,%,$(wildcard app/viewer/package-lock.json tests/node/package-lock.json))
PYTEST_ARGS ?=

.PHONY: setup run test test-fast test-installed wheel bench system-deps node clean

setup: $(STAMP) node

$(STAMP): pyproject.toml build_backend/spatial_build.py $(shell find cuda_ext -type f 2>/dev/null)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip==25.3
	$(PIP) install -q torch==2.13.0
	$(PIP) install -q -e ".[$(EXTRAS)]"
	touch $(STAMP)

# node: `npm ci` per package folder only when its lock file changed (a stamp in node_modules), and the viewer
# bundle only when its sources or packages changed.
NODE_STAMPS := $(addsuffix /node_modules/.spatial-npm-ci,$(NODE_DIRS))
VIEWER_BUNDLE := $(if $(wildcard app/viewer/package.json),spatial/viewer_bundle/viewer.esm.js)

node: $(NODE_STAMPS) $(VIEWER_BUNDLE)

%/node_modules/.spatial-npm-ci: %/package-lock.json %/package.json
	@if command -v npm >/dev/null; then \
	  echo "npm ci in $*"; (cd $* && npm ci --no-audit --no-fund --loglevel=error) && touch $@; \
	else echo "npm not found: skipping $*"; fi

# The bundle is package data of spatial (spatial/viewer_bundle); the build backend also builds it for every
# wheel, sdist and editable install (build_backend/spatial_build.py).
spatial/viewer_bundle/viewer.esm.js: app/viewer/node_modules/.spatial-npm-ci app/viewer/package.json spatial/physics/controller_params.json $(shell find app/viewer/src -type f 2>/dev/null)
	@if command -v npm >/dev/null; then echo "building the viewer bundle"; (cd app/viewer && npm run -s build); \
	else echo "npm not found: the app's viewer bundle is not built"; fi

system-deps:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "note: Debian's chromium is not installed (browser tests will be skipped); run 'sudo apt-get install chromium'"; fi; \
	fi

run: setup
	$(VENV)/bin/spatial app

test: system-deps setup
	$(PY) -m pytest --durations=25 $(PYTEST_ARGS)

FAST := not slow and not browser and not interop
test-fast: setup
	$(PY) -m pytest -m "$(FAST)" --durations=10 $(PYTEST_ARGS)

# The installed package, as a user gets it: a wheel (C++ kernels + viewer bundle as package data) installed into
# a fresh venv outside the source tree, the pinned CPU torch first; `spatial app` in headless Chromium must draw
# the default world and walk on W (tests/smoke_installed_app.py, driven from the dev venv's Playwright).
WHEEL_DIR ?= dist
wheel: setup
	rm -f $(WHEEL_DIR)/spatial-*.whl
	nice -n 10 $(PIP) wheel . --no-deps -q -w $(WHEEL_DIR)

test-installed: system-deps wheel
	@set -e; work=$$(mktemp -d "$${TMPDIR:-/tmp}/spatial-installed.XXXXXX"); trap 'rm -rf "$$work"' EXIT; \
	base=$$($(PY) -c 'import sys; print(sys._base_executable)'); \
	"$$base" -m venv "$$work/venv"; \
	"$$work/venv/bin/python" -m pip install -q torch==2.13.0; \
	"$$work/venv/bin/python" -m pip install -q "$$(ls $(CURDIR)/$(WHEEL_DIR)/spatial-*.whl)[app]"; \
	$(PY) tests/smoke_installed_app.py "$$work/venv"

bench: setup
	$(PY) benchmarks/run.py

clean:
	rm -rf $(VENV) build
