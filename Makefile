# Sample Space: `make run` serves the site, `make test` runs the whole suite.
# Both work on a fresh machine with Python 3.11; everything else is installed here.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
CONTENT := lessons/content/how-generative-ai-works

.PHONY: run test install system-deps vendor lint format loadtest bench-pages

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed

# Debian packages: chromium (browser tests), espeak-ng, sox and ffmpeg (the podcast).
system-deps:
	@bash scripts/system-deps.sh

run: install
	@bash scripts/system-deps.sh ffmpeg  # ffprobe checks the path's podcast audio on import
	$(PY) manage.py migrate --noinput
	$(PY) manage.py import_path $(CONTENT)
	bash scripts/serve.sh

test: install system-deps
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Simulated learners against gunicorn, Celery, PostgreSQL and Redis (README "Measured").
loadtest: install
	$(PY) scripts/loadtest/run.py

# The path and lesson pages against a bare Django view under one gunicorn.
bench-pages: install
	@bash scripts/system-deps.sh wrk
	$(PY) scripts/bench_pages.py

# Refresh static/vendor/ (htmx, KaTeX, Pico CSS) from the npm registry.
vendor:
	bash scripts/vendor.sh
