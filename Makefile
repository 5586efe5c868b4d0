# Tandem: `make run` serves the demo, `make test` runs every check CI runs.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV ?= .venv
BIN := $(VENV)/bin
# The first Python 3.12+ on PATH (pyenv reads .python-version).
PYTHON ?= $(shell for p in python3.13 python3.12 python3 python; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; then \
	echo $$p; break; fi; done)

export TANDEM_DATA_DIR ?= $(CURDIR)/var
TANDEM_HOST ?= 127.0.0.1
# Test processes (pytest-xdist): every core by default; TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= auto
TANDEM_PORT ?= 8000

.PHONY: help run test lint typecheck bench bench-text messages lock clean

help:
	@echo "make run    install, migrate and serve the demo at http://$(TANDEM_HOST):$(TANDEM_PORT)"
	@echo "make test   lint, type-check, migration check and the test suite (SQLite, and PostgreSQL when TANDEM_TEST_DATABASE_URL is set)"
	@echo "make bench  measure the server under load and a crowd answering a survey, and print the figures"
	@echo "make bench-text  STS figures of the embedding engines and why-check accuracy"
	@echo "make messages  extract every translatable string into the catalogues and compile them (needs GNU gettext)"
	@echo "make lock   re-resolve the pinned dependencies"

$(BIN)/python:
	@if [ -z "$(PYTHON)" ]; then \
		echo "Tandem needs Python 3.12 or newer (Django 6 requires it). Install it (e.g. 'pyenv install 3.12') and run make again." >&2; \
		exit 1; fi
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-base: requirements/base.lock pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements/base.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	@touch $@

$(VENV)/.installed-dev: requirements/dev.lock pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements/dev.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	@touch $@ $(VENV)/.installed-base

# `tandem demo` leaves var/local.env (TANDEM_DEMO=true): .venv/bin/tandem then works in a new shell
# in this folder too (docs/configuration.md, "The local demo marker").
run: $(VENV)/.installed-base
	TANDEM_DEMO=$${TANDEM_DEMO:-true} $(BIN)/tandem upgrade --verbosity 0
	TANDEM_DEMO=$${TANDEM_DEMO:-true} $(BIN)/tandem demo
	TANDEM_DEMO=$${TANDEM_DEMO:-true} $(BIN)/tandem serve --host $(TANDEM_HOST) --port $(TANDEM_PORT)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

test: lint typecheck
	DJANGO_SETTINGS_MODULE=tests.settings $(BIN)/python -m django makemigrations --check --dry-run
	$(BIN)/pytest -n $(TEST_WORKERS)
	@if [ -n "$$TANDEM_TEST_DATABASE_URL" ]; then \
		echo "== PostgreSQL run ($${TANDEM_TEST_DATABASE_URL%%\?*}) =="; \
		TANDEM_TEST_ON_POSTGRES=1 $(BIN)/pytest -n $(TEST_WORKERS) -m "not browser"; \
	else \
		echo "PostgreSQL run skipped: set TANDEM_TEST_DATABASE_URL=postgres://USER@HOST:5432/DB to run the suite on PostgreSQL too."; \
	fi

# The pages under load, then the survey soak (SQLite, and PostgreSQL when one is at hand).
bench: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/survey_soak.py
	$(BIN)/python benchmarks/report_render.py

# Quality and speed of the language work: STS Spearman per engine and split, why-check accuracy.
bench-text: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/text_quality.py
	$(BIN)/python benchmarks/whycheck_quality.py

# The translation catalogues (docs/i18n.md): extract every string of Tandem's own into
# src/tandem/locale/<lang>/LC_MESSAGES/django.po, then compile the .mo files that are committed
# with them (so an install needs no gettext). Needs GNU gettext (xgettext, msgmerge, msgfmt).
LANGUAGES_TO_TRANSLATE ?= nl
messages: $(VENV)/.installed-dev
	cd src/tandem && DJANGO_SETTINGS_MODULE=tandem.config.settings TANDEM_DEBUG=true TANDEM_SECRET_KEY=make-messages-needs-no-real-key-only-a-long-enough-one \
		$(CURDIR)/$(BIN)/python -m django makemessages $(addprefix -l ,$(LANGUAGES_TO_TRANSLATE)) --no-obsolete --add-location file
	cd src/tandem && DJANGO_SETTINGS_MODULE=tandem.config.settings TANDEM_DEBUG=true TANDEM_SECRET_KEY=make-messages-needs-no-real-key-only-a-long-enough-one \
		$(CURDIR)/$(BIN)/python -m django compilemessages $(addprefix -l ,$(LANGUAGES_TO_TRANSLATE))

lock:
	$(BIN)/pip install --quiet uv==0.13.8
	$(BIN)/uv pip compile pyproject.toml requirements/build.in --python-version 3.12 --generate-hashes -o requirements/base.lock -q
	$(BIN)/uv pip compile pyproject.toml requirements/build.in --extra dev --python-version 3.12 --generate-hashes -o requirements/dev.lock -q

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
