# veille — the two commands of the README, and their parts.
#   make demo   set up everything, then run the whole pipeline offline on the sample corpus
#   make test   set up everything, then run the test suite
#   make test-fast   the suite without the browser and slow tests (a few minutes)
#   make lint   ruff (lint and format check) and mypy; `make lint-check` leaves out the format check
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test test-fast lint lint-check format install browser test-local-pg clean help

help:
	@echo "make demo   — installe veille et lance la démonstration hors ligne"
	@echo "make test   — installe veille et lance les tests"
	@echo "make test-fast — les tests sans navigateur ni tests lents"
	@echo "make lint   — ruff (règles et mise en forme) et mypy"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "veille demande Python 3.11 ou plus récent ($(PYTHON) est trop ancien) — make PYTHON=python3.11"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,lint]"
	touch $(STAMP)

install: $(STAMP)

# DEMO_ARGS=--serve keeps the mini-web up at the end, so that the timeline's source links answer.
demo: install
	$(BIN)/veille demo $(DEMO_ARGS)

# Headless Chromium for the browser tests: Debian's package, installed when we may.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "installation de chromium (paquet Debian) pour les tests dans le navigateur…"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else \
			echo "chromium absent : les tests dans le navigateur seront ignorés (installez le paquet chromium)"; \
		fi; }

test: install browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)
	@$(MAKE) --no-print-directory test-local-pg

# The suite without headless Chromium and without the tests marked slow (over 5 s each), one worker
# per core (each test file stays on one worker, so a file's shared fixtures are built once).
test-fast: install
	$(BIN)/python -m pytest -m "not browser and not slow" -n auto --dist loadfile $(PYTEST_ARGS)

# Lint rules and types; .ci/run runs this before the tests.
lint-check: install
	$(BIN)/ruff check .
	$(BIN)/mypy

# lint-check, plus the formatter's check (`make format` formats).
lint: lint-check
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The database tests again, on the machine's own PostgreSQL when one answers on 127.0.0.1:5432.
test-local-pg:
	@if $(BIN)/python -c 'import psycopg; psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", connect_timeout=3).close()' 2>/dev/null; then \
		echo "tests de base de données sur le PostgreSQL local (127.0.0.1:5432)…"; \
		VEILLE_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres $(BIN)/python -m pytest -m "not browser" tests/veille $(PYTEST_ARGS); \
	else \
		echo "pas de PostgreSQL sur 127.0.0.1:5432 : tests sur le serveur local ignorés"; \
	fi

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
