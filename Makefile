# The two commands: `make run` (the workbench on the embedded default) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# The embedded default: SQLite under var/, Celery eager, a dev secret key kept in var/.
RUN_ENV := DEBUG=$${DEBUG:-1}
DEMO_TEAM := Demo desk

.PHONY: install run demo test lint typecheck check worker lookup-worker beat migrations schema screenshots clean

$(BIN)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

install: $(BIN)/.installed

demo: install
	$(RUN_ENV) $(BIN)/python manage.py migrate --no-input
	$(RUN_ENV) $(BIN)/python manage.py create_demo --team "$(DEMO_TEAM)"
	$(RUN_ENV) $(BIN)/python manage.py load_library workbench/demo/library.jsonl --team "$(DEMO_TEAM)"
	$(RUN_ENV) $(BIN)/python manage.py ingest workbench/demo/seed-china-cuba.txt --team "$(DEMO_TEAM)" \
		--outlet "Demo" --url "https://example.org/demo/china-cuba"

run: demo
	$(RUN_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

migrations: install
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

# The API's OpenAPI schema, committed so API changes show in review (a test compares it).
schema: install
	DEBUG=1 $(BIN)/python manage.py spectacular --validate --fail-on-warn --file workbench/openapi.yml

# The README's screenshots, taken by the browser tests (needs Debian's chromium).
screenshots: install
	WORKBENCH_SCREENSHOTS=tests/screenshots $(BIN)/python -m pytest -q tests/browser

check: lint typecheck migrations test

# Workers; run with DATABASE_URL and CELERY_BROKER_URL set (see README). Extraction is CPU work
# (processes); lookups wait on the network (threads, many at once). Run both.
worker: install
	$(BIN)/celery -A workbench worker -Q extract,default -l info --concurrency 2 -n extract@%h

# Exactly one beat process: the periodic sweep that sends stuck work again (README "Deployment").
beat: install
	$(BIN)/celery -A workbench beat -l info

lookup-worker: install
	$(BIN)/celery -A workbench worker -Q lookup,fetch -l info --pool threads --concurrency 32 \
		-n lookup@%h

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
