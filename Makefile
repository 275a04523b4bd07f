# physio — two commands matter: `make run` (JupyterLab with the example workspace) and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# The example workspace (fictional patients, issued plans, returned logs), opened by default.
EXAMPLE_WORKSPACE := $(CURDIR)/workspace
# A clinic's own workspace: make run WORKSPACE=/path/to/folder (never filled with the example patients).
WORKSPACE ?= $(EXAMPLE_WORKSPACE)
# As an absolute path: JupyterLab and Voilà run the notebooks from notebooks/, not from here.
WS := $(abspath $(WORKSPACE))
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: run test app venv system-deps workspace bench clean hub

# The installer: uv (from PyPI) installs in parallel and, once its cache holds the packages, without asking the
# index again (--offline first); pip is the fallback. INSTALLER=pip uses pip alone (the benchmark's baseline).
INSTALLER ?= uv
UV_INSTALL = $(BIN)/uv pip install --quiet --python $(BIN)/python -e '.[test,hub]'

$(BIN)/.installed: pyproject.toml scripts/jupyter-overrides.json
	$(PYTHON) -m venv $(VENV)
	$(if $(filter uv,$(INSTALLER)),($(BIN)/python -m pip install --quiet uv && \
	  { $(UV_INSTALL) --offline 2>/dev/null || $(UV_INSTALL); }) || )$(BIN)/python -m pip install --quiet -e '.[test,hub]'
	# JupyterLab would otherwise ask to fetch news and check for updates from the internet: nothing leaves the machine.
	mkdir -p $(VENV)/share/jupyter/lab/settings
	cp scripts/jupyter-overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	touch $@

venv: $(BIN)/.installed

## Debian packages the tests use (poppler-utils, LibreOffice Calc, Chromium); installs only what is missing.
system-deps:
	bash scripts/system-deps.sh

## The workspace to open: the example one is built from patients_example/ (kept if it already exists); any
## other folder is the clinic's own: made empty if it holds no workspace yet, never given example patients.
workspace: venv
ifeq ($(WS),$(EXAMPLE_WORKSPACE))
	$(BIN)/physio workspace example "$(WS)"
else
	@test -e "$(WS)/workspace.sqlite" || $(BIN)/physio workspace new "$(WS)"
endif
	@$(BIN)/physio --workspace "$(WS)" workspace show

## The main job: JupyterLab on notebooks/, with the example workspace ready.
run: workspace
	PHYSIO_WORKSPACE="$(WS)" $(BIN)/jupyter lab $(ROOT_FLAG) --notebook-dir=notebooks

## The app (notebooks/00_physio_app.ipynb) with Voilà, for therapists who never want to see code. voila.json in
## this folder: a pre-heated kernel, kernels of closed or abandoned pages shut or culled, 127.0.0.1 only.
app: workspace
	PHYSIO_WORKSPACE="$(WS)" $(BIN)/voila --no-browser --Voila.config_file_paths="$(CURDIR)" \
		notebooks/00_physio_app.ipynb

## JupyterHub for a clinic: therapists' own logins, the app and JupyterLab, one clinic database
## (PHYSIO_DATABASE_URL; without it a trial database in .hub/pg). See README, "A clinic on one server".
hub: venv system-deps
	bash scripts/hub.sh

## The whole test suite, notebooks and browser test included.
test: venv system-deps
	$(BIN)/python -m pytest

## Speed figures (printed, not asserted).
bench: venv
	@for b in benchmarks/*.py; do case $$b in *bench_make_run.py) continue;; esac; echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) workspace .pytest_cache .hub
